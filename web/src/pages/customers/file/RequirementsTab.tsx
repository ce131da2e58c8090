import { ArrowRightOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import { SERVICE_MODES, SHIPPING_FREQUENCIES, SPECIAL_HANDLING } from '../../../lib/enums';
import { applyFieldErrors, isStale } from '../../../lib/forms';
import { type Customer, useRefreshCustomer } from './useCustomer';
import { DrawerFormActions } from '../../../components/DrawerFormActions';

type Requirements = Customer['requirements'];
type Lane = NonNullable<Requirements['lanes']>[number];

const QUANTITIES = ['monthlyShipments', 'monthlyTeu', 'monthlyKg', 'monthlyCbm'] as const;

export function RequirementsTab({ customer, editable }: { customer: Customer; editable: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const refresh = useRefreshCustomer(customer.id);
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<Requirements>();
  const r = customer.requirements ?? {};

  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    form.setFieldsValue(r);
  }, [editing, form, r]);

  const save = useMutation({
    mutationFn: (values: Requirements) => {
      const requirements: Requirements = {
        ...values,
        lanes: (values.lanes ?? []).map((lane) => ({
          origin: lane.origin.trim().toUpperCase(),
          destination: lane.destination.trim().toUpperCase(),
          mode: lane.mode ?? null,
        })),
        notes: values.notes?.trim() || null,
      };
      return unwrap(
        api.PATCH('/api/customers/{id}', {
          params: { path: { id: customer.id } },
          body: { requirements, version: customer.version },
        }),
      );
    },
    onSuccess: () => {
      message.success(t('common.saved'));
      setEditing(false);
      void refresh();
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        return void refresh();
      }
      const rest = applyFieldErrors(form, error, t, { prefix: 'requirements' });
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const hasAny =
    (r.serviceModes?.length ?? 0) > 0 ||
    (r.lanes?.length ?? 0) > 0 ||
    (r.cargoTypes?.length ?? 0) > 0 ||
    QUANTITIES.some((key) => r[key] != null) ||
    !!r.frequency ||
    (r.specialHandling?.length ?? 0) > 0 ||
    !!r.notes;

  return (
    <Card
      title={t('customer.tabs.requirements')}
      extra={
        editable && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
            {t('common.edit')}
          </Button>
        )
      }
    >
      {!hasAny ? (
        <Empty description={t('requirements.empty')} />
      ) : (
        <Space orientation="vertical" size={24} style={{ width: '100%' }}>
          <Row gutter={16}>
            {QUANTITIES.map((key) => (
              <Col key={key} xs={12} md={6}>
                <Card size="small" className="stat-card">
                  <Statistic
                    title={t(`requirements.${key}`)}
                    value={r[key] ?? '—'}
                    suffix={r[key] != null ? t(`requirements.unit.${key}`) : undefined}
                  />
                </Card>
              </Col>
            ))}
          </Row>
          <Descriptions bordered size="middle" column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('requirements.serviceModes')}>
              {r.serviceModes?.length
                ? r.serviceModes.map((mode) => (
                    <Tag key={mode} color="blue">
                      {t(`enum.serviceMode.${mode}`)}
                    </Tag>
                  ))
                : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('requirements.frequency')}>
              {r.frequency ? t(`enum.shippingFrequency.${r.frequency}`) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('requirements.cargoTypes')}>
              {r.cargoTypes?.length ? r.cargoTypes.map((c) => <Tag key={c}>{c}</Tag>) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('requirements.specialHandling')}>
              {r.specialHandling?.length
                ? r.specialHandling.map((s) => (
                    <Tag key={s} color="volcano">
                      {t(`enum.specialHandling.${s}`)}
                    </Tag>
                  ))
                : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('requirements.notes')} span={2}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
                {r.notes || '—'}
              </Typography.Paragraph>
            </Descriptions.Item>
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('requirements.lanes')}</Typography.Title>
            <Table<Lane>
              size="small"
              rowKey={(lane) => `${lane.origin}-${lane.destination}-${lane.mode ?? ''}`}
              pagination={false}
              dataSource={r.lanes ?? []}
              columns={[
                {
                  title: t('requirements.lane'),
                  key: 'lane',
                  render: (_: unknown, lane) => (
                    <Space>
                      <Typography.Text code>{lane.origin}</Typography.Text>
                      <ArrowRightOutlined style={{ color: '#8c8c8c' }} />
                      <Typography.Text code>{lane.destination}</Typography.Text>
                    </Space>
                  ),
                },
                {
                  title: t('requirements.mode'),
                  dataIndex: 'mode',
                  width: 160,
                  render: (mode: string | null) => (mode ? t(`enum.serviceMode.${mode}`) : '—'),
                },
              ]}
            />
          </div>
        </Space>
      )}

      <Drawer
        title={t('requirements.edit')}
        open={editing}
        onClose={() => setEditing(false)}
        size={680}
        destroyOnHidden
        extra={
          <DrawerFormActions
            onCancel={() => setEditing(false)}
            onSave={() => form.submit()}
            saving={save.isPending}
          />
        }
      >
        <Form<Requirements> form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
          <Form.Item name="serviceModes" label={t('requirements.serviceModes')}>
            <Checkbox.Group
              options={SERVICE_MODES.map((value) => ({ value, label: t(`enum.serviceMode.${value}`) }))}
            />
          </Form.Item>
          <Form.List name="lanes">
            {(fields, { add, remove }) => (
              <Form.Item label={t('requirements.lanes')} extra={t('requirements.lanesHint')}>
                {fields.map((field) => (
                  <Row gutter={8} key={field.key}>
                    <Col span={7}>
                      <Form.Item
                        name={[field.name, 'origin']}
                        rules={[
                          { required: true, message: t('validation.required') },
                          {
                            pattern: /^[A-Za-z]{2}[A-Za-z2-9]{3}$/,
                            message: t('requirements.locodeInvalid'),
                          },
                        ]}
                      >
                        <Input placeholder="CNSHA" maxLength={5} style={{ textTransform: 'uppercase' }} />
                      </Form.Item>
                    </Col>
                    <Col span={1} style={{ paddingTop: 6, textAlign: 'center' }}>
                      <ArrowRightOutlined />
                    </Col>
                    <Col span={7}>
                      <Form.Item
                        name={[field.name, 'destination']}
                        rules={[
                          { required: true, message: t('validation.required') },
                          {
                            pattern: /^[A-Za-z]{2}[A-Za-z2-9]{3}$/,
                            message: t('requirements.locodeInvalid'),
                          },
                        ]}
                      >
                        <Input placeholder="USLAX" maxLength={5} style={{ textTransform: 'uppercase' }} />
                      </Form.Item>
                    </Col>
                    <Col span={7}>
                      <Form.Item name={[field.name, 'mode']}>
                        <Select
                          allowClear
                          placeholder={t('requirements.mode')}
                          options={SERVICE_MODES.map((value) => ({
                            value,
                            label: t(`enum.serviceMode.${value}`),
                          }))}
                        />
                      </Form.Item>
                    </Col>
                    <Col span={2} style={{ paddingTop: 6 }}>
                      <MinusCircleOutlined onClick={() => remove(field.name)} />
                    </Col>
                  </Row>
                ))}
                <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add({})}>
                  {t('requirements.addLane')}
                </Button>
              </Form.Item>
            )}
          </Form.List>
          <Form.Item name="cargoTypes" label={t('requirements.cargoTypes')} extra={t('customer.tagsHint')}>
            <Select mode="tags" tokenSeparators={[',', '，']} open={false} suffixIcon={null} />
          </Form.Item>
          <Row gutter={16}>
            {QUANTITIES.map((key) => (
              <Col span={12} key={key}>
                <Form.Item
                  name={key}
                  label={`${t(`requirements.${key}`)}（${t(`requirements.unit.${key}`)}）`}
                >
                  <InputNumber min={0} max={1e12} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Form.Item name="frequency" label={t('requirements.frequency')}>
            <Select
              allowClear
              options={SHIPPING_FREQUENCIES.map((value) => ({
                value,
                label: t(`enum.shippingFrequency.${value}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="specialHandling" label={t('requirements.specialHandling')}>
            <Checkbox.Group
              options={SPECIAL_HANDLING.map((value) => ({
                value,
                label: t(`enum.specialHandling.${value}`),
              }))}
            />
          </Form.Item>
          <Form.Item name="notes" label={t('requirements.notes')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Drawer>
    </Card>
  );
}
