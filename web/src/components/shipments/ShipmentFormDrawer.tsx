import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Col, DatePicker, Divider, Drawer, Form, Input, InputNumber, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError, api, idempotencyKey, newScope, unwrap } from '../../api/client';
import { useMe } from '../../lib/auth';
import { SPECIAL_HANDLING } from '../../lib/enums';
import { applyFieldErrors, errorText, isStale } from '../../lib/forms';
import { fromPicker, toPicker } from '../../lib/time';
import { CustomerSelect } from '../CustomerSelect';
import { DrawerFormActions } from '../DrawerFormActions';
import { DepartmentSelect } from '../selects';
import { SHIPMENT_MODES, type Shipment, shipApi, useRefreshShipment } from './api';

interface ShipmentForm {
  customerId: string;
  contactId?: string | null;
  departmentId: string;
  mode: string;
  orderNo?: string | null;
  houseBl?: string | null;
  masterBl?: string | null;
  bookingRef?: string | null;
  awb?: string | null;
  containers?: string[];
  customerReference?: string | null;
  origin?: string | null;
  destination?: string | null;
  destinationPostcode?: string | null;
  consigneeName?: string | null;
  consigneePhone?: string | null;
  pieces?: number | null;
  weightKg?: number | null;
  volumeM3?: number | null;
  cargoDescription?: string | null;
  specialHandling?: string[];
  promisedAt?: Dayjs | null;
}

const TEXT_FIELDS = [
  'orderNo',
  'houseBl',
  'masterBl',
  'bookingRef',
  'awb',
  'customerReference',
  'origin',
  'destination',
  'destinationPostcode',
  'consigneeName',
  'consigneePhone',
  'cargoDescription',
] as const;
/** Codes are written upper-case (UN/LOCODE, AWB, container numbers are case-insensitive). */
const UPPER = new Set(['origin', 'destination', 'awb']);

const text = (value: string | null | undefined, upper = false): string | null => {
  const v = value?.trim();
  if (!v) return null;
  return upper ? v.toUpperCase().replace(/\s+/g, '') : v;
};
const num = (value: unknown): number | null =>
  value === null || value === undefined || value === '' ? null : Number(value);

/** Every field of the form as the API body (nulls for empty fields). */
function bodyOf(values: ShipmentForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    customerId: values.customerId,
    contactId: values.contactId ?? null,
    departmentId: values.departmentId,
    mode: values.mode,
    containers: (values.containers ?? []).map((c) => c.toUpperCase().replace(/\s+/g, '')).filter(Boolean),
    pieces: num(values.pieces),
    weightKg: num(values.weightKg),
    volumeM3: num(values.volumeM3),
    specialHandling: values.specialHandling ?? [],
    promisedAt: values.promisedAt ? fromPicker(values.promisedAt) : null,
  };
  for (const field of TEXT_FIELDS) body[field] = text(values[field], UPPER.has(field));
  return body;
}

function formOf(s: Shipment): ShipmentForm {
  return {
    customerId: s.customerId,
    contactId: s.contactId,
    departmentId: s.departmentId,
    mode: s.mode,
    orderNo: s.orderNo,
    houseBl: s.houseBl,
    masterBl: s.masterBl,
    bookingRef: s.bookingRef,
    awb: s.awb,
    containers: s.containers ?? [],
    customerReference: s.customerReference,
    origin: s.origin,
    destination: s.destination,
    destinationPostcode: s.destinationPostcode ?? null,
    consigneeName: s.consigneeName ?? null,
    consigneePhone: s.consigneePhone ?? null,
    pieces: s.pieces,
    weightKg: num(s.weightKg),
    volumeM3: num(s.volumeM3),
    cargoDescription: s.cargoDescription,
    specialHandling: s.specialHandling ?? [],
    promisedAt: toPicker(s.promisedAt) ?? null,
  };
}

/**
 * The server's field problems made ready for the form: problems of list items (`containers[1]`,
 * `containers.1`) belong to the list's field and name the item; check-digit and format problems of
 * containers and AWB numbers are said in the user's language with the expected check digit.
 */
function localiseProblems(error: unknown, t: TFunction, values: ShipmentForm): unknown {
  if (!(error instanceof ApiError)) return error;
  return new ApiError(error.status, {
    ...error.body,
    errors: error.errors.map((e) => {
      const item = /^(containers|specialHandling)(?:\[(\d+)\]|\.(\d+))$/.exec(e.field);
      const field = item ? item[1]! : e.field;
      const index = item ? Number(item[2] ?? item[3]) : -1;
      const value =
        field === 'containers' ? (values.containers ?? [])[index] : field === 'awb' ? values.awb : undefined;
      const expected = /must be (\d+)/.exec(e.message)?.[1];
      let message = e.message;
      if ((field === 'containers' || field === 'awb') && e.code === 'check_digit' && expected)
        message = t(`shipments.form.${field === 'awb' ? 'awb' : 'container'}CheckDigit`, {
          value: value?.toUpperCase() ?? '',
          expected,
        });
      else if ((field === 'containers' || field === 'awb') && e.code === 'format')
        message = t(`shipments.form.${field === 'awb' ? 'awb' : 'container'}Format`, {
          value: value?.toUpperCase() ?? '',
        });
      else if ((field === 'origin' || field === 'destination') && e.code)
        message = t('shipments.form.locodeHint');
      return { field, message };
    }),
  });
}

/**
 * 新建/编辑运单. Create: every field of the contract, containers as tags. Edit: only changed fields
 * are sent, with If-Match. Field problems from the server (a container's check digit, a bad
 * UN/LOCODE) are shown at the field.
 */
export function ShipmentFormDrawer(props: {
  open: boolean;
  onClose: () => void;
  shipment?: Shipment;
  customerId?: string;
  onSaved?: (shipment: Shipment) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const navigate = useNavigate();
  const [form] = Form.useForm<ShipmentForm>();
  const [scope, setScope] = useState(newScope);
  const editing = !!props.shipment;
  const refresh = useRefreshShipment(props.shipment?.id);
  const customerId = Form.useWatch('customerId', form);
  const contacts = useQuery({
    queryKey: ['contacts', customerId],
    enabled: !!customerId,
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers/{id}/contacts', { params: { path: { id: customerId } } }))).items,
  });

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    setScope(newScope());
    if (props.shipment) form.setFieldsValue(formOf(props.shipment));
    else
      form.setFieldsValue({
        customerId: props.customerId,
        departmentId: me.role === 'operations' ? (me.departmentId ?? undefined) : undefined,
        mode: 'sea',
        containers: [],
        specialHandling: [],
      });
  }, [props.open, props.shipment, props.customerId, form, me.role, me.departmentId]);

  const save = useMutation({
    mutationFn: async (values: ShipmentForm) => {
      const body = bodyOf(values);
      if (!props.shipment) {
        // Create: empty fields are left out.
        const created = Object.fromEntries(
          Object.entries(body).filter(
            ([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0),
          ),
        );
        return shipApi.post<Shipment>('/api/shipments', created, {
          'idempotency-key': idempotencyKey(scope, created),
        });
      }
      const before = bodyOf(formOf(props.shipment));
      const changed = Object.fromEntries(
        Object.entries(body).filter(([key, v]) => JSON.stringify(v) !== JSON.stringify(before[key])),
      );
      delete changed.customerId;
      if (Object.keys(changed).length === 0) return props.shipment;
      return shipApi.patch<Shipment>(`/api/shipments/${props.shipment.id}`, changed, props.shipment.version);
    },
    onSuccess: (shipment) => {
      message.success(editing ? t('common.saved') : t('shipments.form.created', { number: shipment.number }));
      void refresh();
      props.onClose();
      if (props.onSaved) props.onSaved(shipment);
      else if (!editing) navigate(`/shipments/${shipment.id}`);
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        void refresh();
        props.onClose();
        return;
      }
      if (error instanceof ApiError && error.status >= 500) {
        message.error(errorText(t, error));
        return;
      }
      const rest = applyFieldErrors(form, localiseProblems(error, t, form.getFieldsValue(true)), t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const required = [{ required: true, message: t('validation.required') }];
  const locode = [
    {
      pattern: /^\s*[A-Za-z]{2}\s?[A-Za-z2-9]{3}\s*$/,
      message: t('shipments.form.locodeHint'),
    },
  ];
  return (
    <Drawer
      title={
        editing
          ? t('shipments.form.editTitle', { number: props.shipment?.number })
          : t('shipments.form.title')
      }
      open={props.open}
      onClose={props.onClose}
      size={720}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          testId="shipment-save"
        />
      }
    >
      <Form<ShipmentForm>
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        scrollToFirstError
        data-testid="shipment-form"
      >
        <Row gutter={16}>
          <Col xs={24} md={14}>
            <Form.Item name="customerId" label={t('shipments.field.customer')} rules={required}>
              {editing ? (
                <Input disabled value={props.shipment?.customerName ?? ''} />
              ) : (
                <CustomerSelect onChange={() => form.setFieldValue('contactId', null)} />
              )}
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name="contactId" label={t('shipments.field.contact')}>
              <Select
                allowClear
                disabled={!customerId}
                options={(contacts.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={14}>
            <Form.Item name="departmentId" label={t('shipments.field.department')} rules={required}>
              <DepartmentSelect allowClear={false} />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name="mode" label={t('shipments.field.mode')} rules={required}>
              <Select
                options={SHIPMENT_MODES.map((v) => ({ value: v, label: t(`enum.serviceMode.${v}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('shipments.form.references')}</Divider>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="orderNo" label={t('shipments.field.orderNo')}>
              <Input maxLength={60} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="customerReference" label={t('shipments.field.customerReference')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="bookingRef" label={t('shipments.field.bookingRef')}>
              <Input maxLength={60} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="houseBl" label={t('shipments.field.houseBl')}>
              <Input maxLength={60} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="masterBl" label={t('shipments.field.masterBl')}>
              <Input maxLength={60} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="awb" label={t('shipments.field.awb')} extra={t('shipments.form.awbHint')}>
              <Input maxLength={20} placeholder="160-12345675" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="containers"
          label={t('shipments.field.containers')}
          extra={t('shipments.form.containersHint')}
        >
          <Select
            mode="tags"
            open={false}
            tokenSeparators={[',', ' ', '，', ';']}
            placeholder="MSCU1234566"
            data-testid="shipment-containers"
          />
        </Form.Item>

        <Divider titlePlacement="start">{t('shipments.form.route')}</Divider>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="origin" label={t('shipments.field.origin')} rules={locode}>
              <Input maxLength={6} placeholder="CNSHA" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="destination" label={t('shipments.field.destination')} rules={locode}>
              <Input maxLength={6} placeholder="DEHAM" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="promisedAt" label={t('shipments.field.promisedAt')}>
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="consigneeName" label={t('shipments.field.consigneeName')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="consigneePhone" label={t('shipments.field.consigneePhone')}>
              <Input maxLength={40} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="destinationPostcode" label={t('shipments.field.destinationPostcode')}>
              <Input maxLength={20} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('shipments.form.cargo')}</Divider>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="pieces" label={t('shipments.field.pieces')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="weightKg" label={t('shipments.field.weightKg')}>
              <InputNumber min={0} precision={3} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="volumeM3" label={t('shipments.field.volumeM3')}>
              <InputNumber min={0} precision={3} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="cargoDescription" label={t('shipments.field.cargoDescription')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="specialHandling" label={t('shipments.field.specialHandling')}>
          <Select
            mode="multiple"
            options={SPECIAL_HANDLING.map((v) => ({ value: v, label: t(`enum.specialHandling.${v}`) }))}
          />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
