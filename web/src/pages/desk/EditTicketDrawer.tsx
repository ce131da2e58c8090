import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Col, Drawer, Form, Input, Row, Select } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { DrawerFormActions } from '../../components/DrawerFormActions';
import { desk, type Ticket } from '../../components/desk/deskApi';
import { TICKET_CHANNELS, TICKET_SEVERITIES, TICKET_TYPES } from '../../components/desk/deskEnums';
import { useCategories, useCategoryName } from '../../components/desk/useDesk';
import { applyFieldErrors, isStale } from '../../lib/forms';

const FIELDS = [
  'type',
  'channel',
  'contactId',
  'categoryId',
  'severity',
  'subject',
  'customerWords',
  'customerRequest',
  'shipmentRef',
  'lane',
] as const;
type EditForm = Partial<Record<(typeof FIELDS)[number], string | null>>;
const OPTIONAL = new Set(['contactId', 'customerRequest', 'shipmentRef', 'lane']);

/** Correct what was recorded about the request (the complaint card has its own form). */
export function EditTicketDrawer(props: { open: boolean; onClose: () => void; ticket: Ticket }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<EditForm>();
  const categories = useCategories();
  const categoryName = useCategoryName();
  const { ticket } = props;
  const contacts = useQuery({
    queryKey: ['contacts', ticket.customerId],
    enabled: props.open,
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers/{id}/contacts', { params: { path: { id: ticket.customerId } } })))
        .items,
  });

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    form.setFieldsValue(Object.fromEntries(FIELDS.map((f) => [f, ticket[f] ?? null])) as EditForm);
  }, [props.open, ticket, form]);

  const save = useMutation({
    mutationFn: (values: EditForm) => {
      const body: Record<string, unknown> = {};
      for (const field of FIELDS) {
        const raw = values[field];
        const value = typeof raw === 'string' ? raw.trim() || null : (raw ?? null);
        if (value === (ticket[field] ?? null)) continue;
        if (value === null && !OPTIONAL.has(field)) continue;
        body[field] = value;
      }
      return desk.patch<Ticket>(`/api/tickets/${ticket.id}`, body, ticket.version);
    },
    onSuccess: (updated) => {
      message.success(t('common.saved'));
      queryClient.setQueryData(['desk', 'ticket', ticket.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['desk', 'ticket', ticket.id] });
      void queryClient.invalidateQueries({ queryKey: ['desk', 'tickets'] });
      props.onClose();
    },
    onError: (error) => {
      if (isStale(error) || (error as { status?: number }).status === 412) {
        message.error(t('errors.stale'));
        void queryClient.invalidateQueries({ queryKey: ['desk', 'ticket', ticket.id] });
        return;
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Drawer
      title={t('desk.edit.title', { number: ticket.number })}
      open={props.open}
      onClose={props.onClose}
      size={640}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          testId="ticket-edit-save"
        />
      }
    >
      <Form<EditForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="type" label={t('desk.ticket.type')} rules={required}>
              <Select options={TICKET_TYPES.map((v) => ({ value: v, label: t(`desk.enum.type.${v}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="channel" label={t('desk.ticket.channel')} rules={required}>
              <Select options={TICKET_CHANNELS.map((v) => ({ value: v, label: t(`enum.channel.${v}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="contactId" label={t('desk.ticket.contact')}>
              <Select
                allowClear
                options={(contacts.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="categoryId" label={t('desk.ticket.category')} rules={required}>
              <Select
                options={(categories.data ?? []).map((c) => ({ value: c.id, label: categoryName(c) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="severity" label={t('desk.ticket.severity')} rules={required}>
              <Select
                options={TICKET_SEVERITIES.map((v) => ({ value: v, label: t(`desk.enum.severity.${v}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="subject" label={t('desk.ticket.subject')} rules={required}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="customerWords" label={t('desk.ticket.customerWords')} rules={required}>
          <Input.TextArea rows={4} maxLength={8000} />
        </Form.Item>
        <Form.Item name="customerRequest" label={t('desk.ticket.customerRequest')}>
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="shipmentRef" label={t('desk.ticket.shipmentRef')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="lane" label={t('desk.ticket.lane')}>
              <Input maxLength={40} placeholder="CNSHA-DEHAM" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}
