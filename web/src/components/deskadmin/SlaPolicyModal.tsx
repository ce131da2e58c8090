import { useMutation } from '@tanstack/react-query';
import { App, Col, Form, Input, InputNumber, Modal, Row, Select, Space, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { VALUE_CLASSES } from '../../lib/enums';
import { applyFieldErrors } from '../../lib/forms';
import { deskApi, type SlaPolicy, splitMinutes, TICKET_SEVERITIES, TICKET_TYPES } from './api';

interface PolicyForm {
  name: string;
  ticketType?: string | null;
  severity?: string | null;
  valueClass?: string | null;
  firstHours: number;
  firstMinutes: number;
  resolutionHours: number;
  resolutionMinutes: number;
  warningPercent: number;
  sortOrder: number;
  active: boolean;
}

/** Hours and minutes side by side for a target in business minutes. */
function Duration(props: { hours: string; minutes: string; label: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item label={props.label} required style={{ marginBottom: 0 }}>
      <Space.Compact>
        <Form.Item
          name={props.hours}
          noStyle
          rules={[{ required: true, message: t('deskAdmin.sla.required') }]}
        >
          <InputNumber min={0} max={9999} suffix={t('deskAdmin.sla.hours')} aria-label={`${props.label} h`} />
        </Form.Item>
        <Form.Item name={props.minutes} noStyle>
          <InputNumber
            min={0}
            max={59}
            suffix={t('deskAdmin.sla.minutes')}
            aria-label={`${props.label} min`}
          />
        </Form.Item>
      </Space.Compact>
    </Form.Item>
  );
}

/** Create or change an SLA policy; empty criteria match any value. */
export function SlaPolicyModal(props: {
  open: boolean;
  policy?: SlaPolicy;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PolicyForm>();

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    const p = props.policy;
    if (p) {
      const first = splitMinutes(p.firstResponseMinutes);
      const resolution = splitMinutes(p.resolutionMinutes);
      form.setFieldsValue({
        name: p.name,
        ticketType: p.ticketType,
        severity: p.severity,
        valueClass: p.valueClass,
        firstHours: first.hours,
        firstMinutes: first.minutes,
        resolutionHours: resolution.hours,
        resolutionMinutes: resolution.minutes,
        warningPercent: Math.round(p.warningFraction * 100),
        sortOrder: p.sortOrder,
        active: p.active,
      });
    } else {
      form.setFieldsValue({
        firstHours: 2,
        firstMinutes: 0,
        resolutionHours: 24,
        resolutionMinutes: 0,
        warningPercent: 20,
        sortOrder: 100,
        active: true,
      });
    }
  }, [props.open, props.policy, form]);

  const save = useMutation({
    mutationFn: (values: PolicyForm) => {
      const body = {
        name: values.name.trim(),
        ticketType: values.ticketType ?? null,
        severity: values.severity ?? null,
        valueClass: values.valueClass ?? null,
        firstResponseMinutes: (values.firstHours ?? 0) * 60 + (values.firstMinutes ?? 0),
        resolutionMinutes: (values.resolutionHours ?? 0) * 60 + (values.resolutionMinutes ?? 0),
        warningFraction: (values.warningPercent ?? 20) / 100,
        sortOrder: values.sortOrder ?? 0,
        active: values.active,
      };
      return props.policy
        ? deskApi.patch('/api/sla-policies/{id}', props.policy.id, { ...body, version: props.policy.version })
        : deskApi.post('/api/sla-policies', body);
    },
    onSuccess: () => {
      message.success(t('common.saved'));
      props.onSaved();
    },
    onError: (error) => {
      const unplaced = applyFieldErrors(form, error, t, {
        aliases: {
          firstResponseMinutes: 'firstHours',
          resolutionMinutes: 'resolutionHours',
          warningFraction: 'warningPercent',
        },
      });
      for (const text of unplaced) message.error(text);
    },
  });

  const any = t('deskAdmin.sla.any');
  return (
    <Modal
      open={props.open}
      title={props.policy ? t('deskAdmin.sla.editPolicy') : t('deskAdmin.sla.createPolicy')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'sla-policy-save' } as never}
      width={640}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
        <Form.Item
          name="name"
          label={t('deskAdmin.sla.name')}
          rules={[{ required: true, whitespace: true, message: t('deskAdmin.sla.required') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={8}>
            <Form.Item name="ticketType" label={t('deskAdmin.sla.ticketType')}>
              <Select
                allowClear
                placeholder={any}
                options={TICKET_TYPES.map((v) => ({ value: v, label: t(`deskAdmin.enum.ticketType.${v}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="severity" label={t('deskAdmin.sla.severity')}>
              <Select
                allowClear
                placeholder={any}
                options={TICKET_SEVERITIES.map((v) => ({
                  value: v,
                  label: t(`deskAdmin.enum.severity.${v}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="valueClass" label={t('deskAdmin.sla.valueClass')}>
              <Select
                allowClear
                placeholder={any}
                options={VALUE_CLASSES.map((v) => ({ value: v, label: t(`enum.valueClass.${v}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={12}>
            <Duration hours="firstHours" minutes="firstMinutes" label={t('deskAdmin.sla.firstResponse')} />
          </Col>
          <Col span={12}>
            <Duration
              hours="resolutionHours"
              minutes="resolutionMinutes"
              label={t('deskAdmin.sla.resolution')}
            />
          </Col>
        </Row>
        <Row gutter={12} style={{ marginTop: 16 }}>
          <Col span={8}>
            <Form.Item
              name="warningPercent"
              label={t('deskAdmin.sla.warning')}
              tooltip={t('deskAdmin.sla.warningHint')}
            >
              <InputNumber min={1} max={99} suffix="%" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="sortOrder" label={t('deskAdmin.sla.order')}>
              <InputNumber min={0} max={100000} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="active" label={t('deskAdmin.common.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
