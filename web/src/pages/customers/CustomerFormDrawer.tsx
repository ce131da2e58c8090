import { MinusCircleOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Col,
  Divider,
  Drawer,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError, api, idempotencyKey, newScope, type ResponseOf, unwrap } from '../../api/client';
import { useDepartments } from '../../api/queries';
import { UserSelect } from '../../components/selects';
import { useMe } from '../../lib/auth';
import { ADDRESS_KINDS, BONDS, CUSTOMER_KINDS, NEED_TYPES, STAGES, VALUE_CLASSES } from '../../lib/enums';
import { applyFieldErrors, errorText, isStale, PHONE_PATTERN } from '../../lib/forms';
import { taxIdMessage } from '../../lib/taxId';
import { useDebounced } from '../../lib/util';
import { type DuplicateCandidate, DuplicateList } from './DuplicateList';
import { DrawerFormActions } from '../../components/DrawerFormActions';

export type Customer = ResponseOf<'/api/customers/{id}', 'get'>;

interface CustomerForm {
  name: string;
  shortName?: string | null;
  kind?: string;
  taxId?: string | null;
  industry?: string | null;
  phone?: string | null;
  email?: string | null;
  website?: string | null;
  source?: string | null;
  ownerId?: string;
  departmentIds?: string[];
  stage?: string;
  churnReason?: string | null;
  valueClass?: string | null;
  needType?: string | null;
  bonds?: string[];
  competitors?: string[];
  tags?: string[];
  addresses?: { kind: string; text: string; postcode?: string | null }[];
  notes?: string | null;
}

const SOURCES = ['referral', 'website', 'exhibition', 'cold_call', 'inbound_inquiry', 'tender', 'other'];

/** Turns empty strings into null so optional fields are cleared, not stored as "". */
function normalise(values: CustomerForm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out[key] = typeof value === 'string' ? value.trim() || null : value;
  }
  if (out.stage !== 'churned') out.churnReason = null;
  return out;
}

/** Create a customer file (with duplicate check) or edit its profile (with the row version). */
export function CustomerFormDrawer(props: { open: boolean; onClose: () => void; customer?: Customer }) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CustomerForm>();
  const [scope, setScope] = useState(newScope);
  const [duplicates, setDuplicates] = useState<{
    candidates: DuplicateCandidate[];
    values: CustomerForm;
  } | null>(null);
  const editing = !!props.customer;
  const stage = Form.useWatch('stage', form);

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    setScope(newScope());
    if (props.customer) form.setFieldsValue(props.customer as unknown as CustomerForm);
    else form.setFieldsValue({ kind: 'company', stage: 'prospect', ownerId: me.id });
  }, [props.open, props.customer, form, me.id]);

  // Live hint while typing: files that look like this one (name, tax id, phone).
  const name = Form.useWatch('name', form);
  const taxId = Form.useWatch('taxId', form);
  const phone = Form.useWatch('phone', form);
  const probe = useDebounced(
    { name: name?.trim() ?? '', taxId: taxId?.trim() ?? '', phone: phone?.trim() ?? '' },
    400,
  );
  const hasProbe =
    !editing && props.open && (probe.name.length >= 2 || probe.taxId.length >= 6 || probe.phone.length >= 6);
  const hint = useQuery({
    queryKey: ['customers', 'duplicates', probe],
    enabled: hasProbe,
    queryFn: () =>
      unwrap(
        api.GET('/api/customers/duplicates', {
          params: {
            query: {
              name: probe.name || undefined,
              taxId: probe.taxId || undefined,
              phone: probe.phone || undefined,
            },
          },
        }),
      ),
  });
  const hintCandidates = (hasProbe ? (hint.data?.items ?? []) : []) as unknown as DuplicateCandidate[];

  const save = useMutation({
    mutationFn: async (input: { values: CustomerForm; confirmDuplicate?: boolean }) => {
      const body = normalise(input.values);
      if (editing) {
        return unwrap(
          api.PATCH('/api/customers/{id}', {
            params: { path: { id: props.customer!.id } },
            body: { ...body, version: props.customer!.version } as never,
          }),
        );
      }
      const createBody = { ...body, ...(input.confirmDuplicate ? { confirmDuplicate: true } : {}) };
      return unwrap(
        api.POST('/api/customers', {
          body: createBody as never,
          headers: { 'idempotency-key': idempotencyKey(scope, createBody) },
        }),
      );
    },
    onSuccess: (customer) => {
      setDuplicates(null);
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
      void queryClient.invalidateQueries({ queryKey: ['customer', customer.id] });
      props.onClose();
      if (editing) message.success(t('common.saved'));
      else {
        message.success(t('customer.created', { name: customer.name }));
        navigate(`/customers/${customer.id}`);
      }
    },
    onError: (error, input) => {
      if (error instanceof ApiError && error.status === 409 && Array.isArray(error.body.candidates)) {
        setDuplicates({ candidates: error.body.candidates as DuplicateCandidate[], values: input.values });
        return;
      }
      if (isStale(error)) {
        message.error(t('errors.stale'));
        void queryClient.invalidateQueries({ queryKey: ['customer', props.customer?.id] });
        return;
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
      else if (!(error instanceof ApiError && error.errors.length)) message.error(errorText(t, error));
    },
  });

  // Free text with common answers offered; what the company calls its channels varies.
  const sourceOptions = useMemo(() => SOURCES.map((key) => ({ value: t(`customer.sources.${key}`) })), [t]);
  const mayChooseOwner = me.role === 'supervisor' || me.role === 'admin';

  return (
    <Drawer
      title={editing ? t('customer.editProfile') : t('customer.create')}
      open={props.open}
      onClose={props.onClose}
      size={760}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          label={editing ? t('common.save') : t('customer.createSubmit')}
          testId="customer-save"
        />
      }
    >
      <Form<CustomerForm>
        form={form}
        layout="vertical"
        onFinish={(values) => save.mutate({ values })}
        scrollToFirstError
      >
        <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>
          {t('customer.sectionBasic')}
        </Divider>
        <Row gutter={16}>
          <Col span={16}>
            <Form.Item
              name="name"
              label={t('customer.name')}
              rules={[
                { required: true, whitespace: true, message: t('customer.nameRequired') },
                { max: 200, message: t('validation.maxLength') },
              ]}
            >
              <Input placeholder={t('customer.namePlaceholder')} maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="kind" label={t('customer.kind')}>
              <Select
                options={CUSTOMER_KINDS.map((value) => ({ value, label: t(`enum.customerKind.${value}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
        {hintCandidates.length > 0 && (
          <Alert
            type="warning"
            showIcon
            icon={<WarningOutlined />}
            style={{ marginBottom: 16 }}
            title={t('customer.duplicateHint', { count: hintCandidates.length })}
            description={<DuplicateList candidates={hintCandidates} compact />}
            data-testid="duplicate-hint"
          />
        )}
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="shortName" label={t('customer.shortName')}>
              <Input maxLength={60} />
            </Form.Item>
          </Col>
          <Col span={16}>
            <Form.Item
              name="taxId"
              label={t('customer.taxId')}
              extra={t('customer.taxIdHint')}
              rules={[
                {
                  validator: (_rule, value: string | null | undefined) => {
                    const problem = value ? taxIdMessage(t, value) : null;
                    return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
                  },
                },
              ]}
            >
              <Input maxLength={40} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="industry" label={t('customer.industry')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="phone"
              label={t('customer.phone')}
              rules={[{ pattern: PHONE_PATTERN, message: t('contacts.phoneInvalid') }]}
            >
              <Input maxLength={40} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="email"
              label={t('customer.email')}
              rules={[{ type: 'email', message: t('validation.format') }]}
            >
              <Input maxLength={254} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="website" label={t('customer.website')}>
              <Input maxLength={200} placeholder="https://" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="source" label={t('customer.source')}>
              <AutoComplete allowClear options={sourceOptions} maxLength={100} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          {t('customer.sectionClassification')}
        </Divider>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="stage" label={t('customer.stage')}>
              <Select options={STAGES.map((value) => ({ value, label: t(`enum.stage.${value}`) }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="valueClass" label={t('customer.valueClass')}>
              <Select
                allowClear
                options={VALUE_CLASSES.map((value) => ({ value, label: t(`enum.valueClass.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="needType" label={t('customer.needType')}>
              <Select
                allowClear
                options={NEED_TYPES.map((value) => ({ value, label: t(`enum.needType.${value}`) }))}
              />
            </Form.Item>
          </Col>
          {stage === 'churned' && (
            <Col span={24}>
              <Form.Item
                name="churnReason"
                label={t('customer.churnReason')}
                rules={[{ required: true, whitespace: true, message: t('customer.churnReasonRequired') }]}
              >
                <Input.TextArea rows={2} maxLength={500} />
              </Form.Item>
            </Col>
          )}
          <Col span={12}>
            <Form.Item name="bonds" label={t('customer.bonds')} extra={t('customer.bondsHint')}>
              <Select
                mode="multiple"
                options={BONDS.map((value) => ({ value, label: t(`enum.bond.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="competitors" label={t('customer.competitors')}>
              <Select mode="tags" tokenSeparators={[',', '，']} open={false} suffixIcon={null} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="tags" label={t('customer.tags')} extra={t('customer.tagsHint')}>
              <Select mode="tags" tokenSeparators={[',', '，']} open={false} suffixIcon={null} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          {t('customer.sectionOwnership')}
        </Divider>
        <Row gutter={16}>
          {!editing && (
            <Col span={12}>
              <Form.Item
                name="ownerId"
                label={t('customer.owner')}
                extra={mayChooseOwner ? undefined : t('customer.ownerSelf')}
                rules={[{ required: true, message: t('validation.required') }]}
              >
                <UserSelect roles={['agent', 'supervisor', 'admin']} disabled={!mayChooseOwner} />
              </Form.Item>
            </Col>
          )}
          <Col span={24}>
            <Form.Item name="departmentIds" label={t('customer.servingDepartments')}>
              <DepartmentMultiSelect />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain>
          {t('customer.addresses')}
        </Divider>
        <Form.List name="addresses">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Row gutter={8} key={field.key} align="top">
                  <Col span={5}>
                    <Form.Item
                      name={[field.name, 'kind']}
                      rules={[{ required: true, message: t('validation.required') }]}
                    >
                      <Select
                        placeholder={t('customer.addressKind')}
                        options={ADDRESS_KINDS.map((value) => ({
                          value,
                          label: t(`customer.addressKinds.${value}`),
                        }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={13}>
                    <Form.Item
                      name={[field.name, 'text']}
                      rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
                    >
                      <Input placeholder={t('customer.addressText')} maxLength={300} />
                    </Form.Item>
                  </Col>
                  <Col span={5}>
                    <Form.Item name={[field.name, 'postcode']}>
                      <Input placeholder={t('customer.postcode')} maxLength={20} />
                    </Form.Item>
                  </Col>
                  <Col span={1} style={{ paddingTop: 6 }}>
                    <MinusCircleOutlined onClick={() => remove(field.name)} aria-label={t('common.remove')} />
                  </Col>
                </Row>
              ))}
              <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ kind: 'office' })}>
                {t('customer.addAddress')}
              </Button>
            </>
          )}
        </Form.List>

        <Divider titlePlacement="start" plain>
          {t('customer.notes')}
        </Divider>
        <Form.Item name="notes">
          <Input.TextArea rows={3} maxLength={5000} showCount />
        </Form.Item>
      </Form>

      <Modal
        open={duplicates !== null}
        title={
          <Space>
            <WarningOutlined style={{ color: '#faad14' }} />
            {t('customer.duplicateTitle')}
          </Space>
        }
        width={720}
        onCancel={() => setDuplicates(null)}
        footer={[
          <Button key="back" onClick={() => setDuplicates(null)}>
            {t('customer.duplicateBack')}
          </Button>,
          <Button
            key="anyway"
            danger
            type="primary"
            loading={save.isPending}
            data-testid="create-anyway"
            onClick={() => duplicates && save.mutate({ values: duplicates.values, confirmDuplicate: true })}
          >
            {t('customer.createAnyway')}
          </Button>,
        ]}
      >
        <Typography.Paragraph>{t('customer.duplicateText')}</Typography.Paragraph>
        {duplicates && <DuplicateList candidates={duplicates.candidates} />}
      </Modal>
    </Drawer>
  );
}

function DepartmentMultiSelect(props: {
  id?: string;
  value?: string[];
  onChange?: (value: string[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      id={props.id}
      mode="multiple"
      value={props.value}
      onChange={props.onChange}
      placeholder={t('customer.servingDepartmentsHint')}
      options={useDepartmentOptions()}
      showSearch={{ optionFilterProp: 'label' }}
    />
  );
}

function useDepartmentOptions() {
  const { i18n } = useTranslation();
  const { data } = useDepartments();
  return (data ?? []).map((d) => ({
    value: d.id,
    label: i18n.language === 'en' && d.nameEn ? d.nameEn : d.name,
  }));
}
