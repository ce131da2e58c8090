import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, App, Col, DatePicker, Drawer, Form, Input, InputNumber, Row, Select, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { CustomerSelect } from '../CustomerSelect';
import { DrawerFormActions } from '../DrawerFormActions';
import { UserSelect } from '../selects';
import { useMe } from '../../lib/auth';
import { applyFieldErrors } from '../../lib/forms';
import { dayjs, fromPicker } from '../../lib/time';
import { type Commitment, deskApi, type Page } from './api';

interface CommitmentForm {
  customerId: string;
  contactId?: string | null;
  ticketId?: string | null;
  promise: string;
  madeById?: string;
  dueAt: Dayjs;
  amount?: number | null;
  bottomLine?: string | null;
  exceedsBottomLine?: boolean;
}

interface TicketOption {
  id: string;
  number: string;
  subject: string;
}

/** Record a promise made to a customer (承诺): what, by whom, by when, and against which bottom line. */
export function CommitmentFormDrawer(props: {
  open: boolean;
  onClose: () => void;
  onSaved: (commitment: Commitment) => void;
  customerId?: string;
  ticketId?: string;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm<CommitmentForm>();
  const customerId = Form.useWatch('customerId', form);
  const exceeds = Form.useWatch('exceedsBottomLine', form);

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    form.setFieldsValue({
      customerId: props.customerId,
      ticketId: props.ticketId ?? null,
      madeById: me.id,
      exceedsBottomLine: false,
      dueAt: dayjs().add(3, 'day').hour(18).minute(0).second(0),
    });
  }, [props.open, props.customerId, props.ticketId, form, me.id]);

  const contacts = useQuery({
    queryKey: ['contacts', customerId],
    enabled: !!customerId,
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers/{id}/contacts', { params: { path: { id: customerId! } } })))
        .items,
  });
  const tickets = useQuery({
    queryKey: ['tickets', 'forCustomer', customerId],
    enabled: !!customerId,
    retry: false,
    queryFn: async () =>
      (await deskApi.get<Page<TicketOption>>('/api/tickets', { customerId, view: 'all', limit: 50 })).items,
  });

  const save = useMutation({
    mutationFn: (values: CommitmentForm) => {
      const body = {
        customerId: values.customerId,
        contactId: values.contactId ?? null,
        ticketId: values.ticketId ?? null,
        promise: values.promise.trim(),
        madeById: values.madeById,
        dueAt: fromPicker(values.dueAt),
        amount: values.amount ?? null,
        bottomLine: values.bottomLine?.trim() || null,
        exceedsBottomLine: !!values.exceedsBottomLine,
      };
      return deskApi.post<Commitment>('/api/commitments', body);
    },
    onSuccess: (commitment) => {
      message.success(
        commitment.approvalStatus === 'pending' ? t('deskAdmin.commitments.savedPending') : t('common.saved'),
      );
      props.onSaved(commitment);
    },
    onError: (error) => {
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });

  return (
    <Drawer
      open={props.open}
      width={620}
      title={t('deskAdmin.commitments.create')}
      onClose={props.onClose}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          testId="commitment-save"
        />
      }
    >
      <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
        <Form.Item
          name="customerId"
          label={t('deskAdmin.commitments.customer')}
          rules={[{ required: true, message: t('deskAdmin.commitments.customerRequired') }]}
        >
          <CustomerSelect onChange={() => form.setFieldsValue({ contactId: null, ticketId: null })} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="contactId" label={t('deskAdmin.commitments.contact')}>
              <Select
                allowClear
                disabled={!customerId}
                loading={contacts.isLoading}
                options={(contacts.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="ticketId" label={t('deskAdmin.commitments.ticket')}>
              <Select
                allowClear
                disabled={!customerId}
                loading={tickets.isLoading}
                placeholder={t('deskAdmin.commitments.ticketOptional')}
                options={(tickets.data ?? []).map((ticket) => ({
                  value: ticket.id,
                  label: `${ticket.number} ${ticket.subject}`,
                }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="promise"
          label={t('deskAdmin.commitments.promise')}
          rules={[{ required: true, whitespace: true, message: t('deskAdmin.commitments.promiseRequired') }]}
        >
          <Input.TextArea
            rows={3}
            maxLength={2000}
            placeholder={t('deskAdmin.commitments.promisePlaceholder')}
          />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item
              name="dueAt"
              label={t('deskAdmin.commitments.dueAt')}
              rules={[{ required: true, message: t('deskAdmin.commitments.dueRequired') }]}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="madeById" label={t('deskAdmin.commitments.madeBy')}>
              <UserSelect roles={['agent', 'supervisor', 'manager', 'admin', 'operations']} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="amount" label={t('deskAdmin.commitments.amount')}>
              <InputNumber min={0} max={1_000_000_000} precision={2} prefix="¥" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="bottomLine" label={t('deskAdmin.commitments.bottomLine')}>
              <Input maxLength={500} placeholder={t('deskAdmin.commitments.bottomLinePlaceholder')} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="exceedsBottomLine"
          label={t('deskAdmin.commitments.exceedsBottomLine')}
          valuePropName="checked"
        >
          <Switch data-testid="commitment-exceeds" />
        </Form.Item>
        <Alert
          type={exceeds ? 'warning' : 'info'}
          showIcon
          message={
            exceeds ? t('deskAdmin.commitments.needsApproval') : t('deskAdmin.commitments.approvalHint')
          }
        />
      </Form>
    </Drawer>
  );
}
