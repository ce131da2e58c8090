import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Col, Drawer, Form, Input, Radio, Row, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, idempotencyKey, newScope, unwrap } from '../../api/client';
import { CustomerSelect } from '../../components/CustomerSelect';
import { DrawerFormActions } from '../../components/DrawerFormActions';
import { desk, type Ticket } from '../../components/desk/deskApi';
import { TICKET_CHANNELS, TICKET_SEVERITIES, TICKET_TYPES } from '../../components/desk/deskEnums';
import { useCategories, useCategoryName } from '../../components/desk/useDesk';
import { applyFieldErrors } from '../../lib/forms';

interface NewTicketForm {
  customerId: string;
  contactId?: string | null;
  type: string;
  channel: string;
  categoryId: string;
  severity: string;
  subject: string;
  customerWords: string;
  customerRequest?: string;
  shipmentRef?: string;
  lane?: string;
}

const trimmed = (value: string | undefined | null) => (value?.trim() ? value.trim() : undefined);

/** 新建工单: whoever records the request owns it until it is closed (首问负责制). */
export function NewTicketDrawer(props: {
  open: boolean;
  onClose: () => void;
  customerId?: string;
  /** Called with the new ticket instead of opening its page. */
  onCreated?: (ticket: Ticket) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<NewTicketForm>();
  const [scope, setScope] = useState(newScope);
  const customerId = Form.useWatch('customerId', form);
  const contacts = useQuery({
    queryKey: ['contacts', customerId],
    enabled: !!customerId,
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers/{id}/contacts', { params: { path: { id: customerId } } }))).items,
  });
  const categories = useCategories();
  const categoryName = useCategoryName();

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    setScope(newScope());
    form.setFieldsValue({
      type: 'complaint',
      channel: 'phone',
      severity: 'normal',
      customerId: props.customerId,
    });
  }, [props.open, props.customerId, form]);

  const save = useMutation({
    mutationFn: (values: NewTicketForm) => {
      const body = {
        type: values.type,
        channel: values.channel,
        customerId: values.customerId,
        contactId: values.contactId ?? undefined,
        categoryId: values.categoryId,
        severity: values.severity,
        subject: values.subject.trim(),
        customerWords: values.customerWords.trim(),
        customerRequest: trimmed(values.customerRequest),
        shipmentRef: trimmed(values.shipmentRef),
        lane: trimmed(values.lane),
      };
      return desk.post<Ticket>('/api/tickets', body, { 'idempotency-key': idempotencyKey(scope, body) });
    },
    onSuccess: (ticket) => {
      message.success(t('desk.create.done', { number: ticket.number }));
      void queryClient.invalidateQueries({ queryKey: ['desk', 'tickets'] });
      props.onClose();
      if (props.onCreated) props.onCreated(ticket);
      else navigate(`/tickets/${ticket.id}`);
    },
    onError: (error) => {
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Drawer
      title={t('desk.create.title')}
      open={props.open}
      onClose={props.onClose}
      size={640}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          testId="ticket-save"
        />
      }
    >
      <Form<NewTicketForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)} scrollToFirstError>
        <Form.Item name="type" label={t('desk.ticket.type')} rules={required}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={TICKET_TYPES.map((value) => ({ value, label: t(`desk.enum.type.${value}`) }))}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={14}>
            <Form.Item name="customerId" label={t('desk.ticket.customer')} rules={required}>
              <CustomerSelect onChange={() => form.setFieldValue('contactId', null)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name="contactId" label={t('desk.ticket.contact')}>
              <Select
                allowClear
                disabled={!customerId}
                options={(contacts.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="channel" label={t('desk.ticket.channel')} rules={required}>
              <Select options={TICKET_CHANNELS.map((v) => ({ value: v, label: t(`enum.channel.${v}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="categoryId" label={t('desk.ticket.category')} rules={required}>
              <Select
                loading={categories.isLoading}
                options={(categories.data ?? []).map((c) => ({ value: c.id, label: categoryName(c) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
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
          <Input.TextArea rows={4} maxLength={4000} placeholder={t('desk.create.wordsHint')} />
        </Form.Item>
        <Form.Item name="customerRequest" label={t('desk.ticket.customerRequest')}>
          <Input.TextArea rows={2} maxLength={2000} />
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
