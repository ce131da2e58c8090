import {
  DeleteOutlined,
  MailOutlined,
  MinusCircleOutlined,
  PhoneOutlined,
  PlusOutlined,
  StarFilled,
  StopOutlined,
  WechatOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Drawer,
  Form,
  Input,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../../api/client';
import { CONTACT_CHANNELS, FREQUENCIES, IMPORTANT_DATE_KINDS } from '../../../lib/enums';
import { applyFieldErrors, errorText, isStale, PHONE_PATTERN } from '../../../lib/forms';
import type { Customer } from './useCustomer';
import { DrawerFormActions } from '../../../components/DrawerFormActions';

export type Contact = ResponseOf<'/api/customers/{id}/contacts/{contactId}', 'get'>;

interface ContactForm {
  name: string;
  title?: string | null;
  phones?: string[];
  email?: string | null;
  wechat?: string | null;
  preferredChannel?: string | null;
  contactFrequency?: string | null;
  doNotContact?: boolean;
  isPrimary?: boolean;
  importantDates?: { kind: string; label?: string | null; date: string }[];
  notes?: string | null;
}

export function useContacts(customerId: string) {
  return useQuery({
    queryKey: ['contacts', customerId],
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers/{id}/contacts', { params: { path: { id: customerId } } }))).items,
  });
}

const CHANNEL_ICONS: Record<string, React.ReactNode> = {
  phone: <PhoneOutlined />,
  email: <MailOutlined />,
  wechat: <WechatOutlined />,
};

export function ContactsTab({ customer, editable }: { customer: Customer; editable: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const contacts = useContacts(customer.id);
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [form] = Form.useForm<ContactForm>();

  useEffect(() => {
    if (editing === null) return;
    form.resetFields();
    if (editing === 'new')
      form.setFieldsValue({ phones: [''], doNotContact: false, isPrimary: !contacts.data?.length });
    else form.setFieldsValue({ ...editing, phones: editing.phones.length ? editing.phones : [''] });
  }, [editing, form, contacts.data?.length]);

  const invalidate = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['contacts', customer.id] }),
      queryClient.invalidateQueries({ queryKey: ['timeline', customer.id] }),
    ]);

  const save = useMutation({
    mutationFn: async (values: ContactForm) => {
      const body = {
        ...values,
        name: values.name.trim(),
        title: values.title?.trim() || null,
        email: values.email?.trim() || null,
        wechat: values.wechat?.trim() || null,
        notes: values.notes?.trim() || null,
        phones: (values.phones ?? []).map((p) => p?.trim()).filter(Boolean),
        importantDates: (values.importantDates ?? []).map((d) => ({ ...d, label: d.label?.trim() || null })),
        preferredChannel: values.preferredChannel ?? null,
        contactFrequency: values.contactFrequency ?? null,
      };
      if (editing === 'new') {
        return unwrap(
          api.POST('/api/customers/{id}/contacts', {
            params: { path: { id: customer.id } },
            body: body as never,
          }),
        );
      }
      const contact = editing as Contact;
      return unwrap(
        api.PATCH('/api/customers/{id}/contacts/{contactId}', {
          params: { path: { id: customer.id, contactId: contact.id } },
          body: { ...body, version: contact.version } as never,
        }),
      );
    },
    onSuccess: () => {
      message.success(editing === 'new' ? t('contacts.created') : t('common.saved'));
      setEditing(null);
      void invalidate();
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        return void invalidate();
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const remove = useMutation({
    mutationFn: (contact: Contact) =>
      unwrap(
        api.DELETE('/api/customers/{id}/contacts/{contactId}', {
          params: { path: { id: customer.id, contactId: contact.id } },
          headers: { 'if-match': `"${contact.version}"` },
        }),
      ),
    onSuccess: () => {
      message.success(t('contacts.removed'));
      void invalidate();
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <Card
      title={t('customer.tabs.contacts')}
      extra={
        editable && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('contacts.add')}
          </Button>
        )
      }
    >
      <Table<Contact>
        rowKey="id"
        loading={contacts.isLoading}
        dataSource={contacts.data}
        pagination={false}
        data-testid="contacts-table"
        columns={[
          {
            title: t('contacts.name'),
            dataIndex: 'name',
            render: (name: string, contact) => (
              <Space orientation="vertical" size={0}>
                <Space size={6}>
                  <Typography.Text strong>{name}</Typography.Text>
                  {contact.isPrimary && (
                    <Tooltip title={t('contacts.primary')}>
                      <StarFilled style={{ color: '#faad14' }} />
                    </Tooltip>
                  )}
                  {contact.doNotContact && (
                    <Tag color="red" icon={<StopOutlined />}>
                      {t('contacts.doNotContact')}
                    </Tag>
                  )}
                </Space>
                {contact.title && <Typography.Text type="secondary">{contact.title}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('contacts.reach'),
            key: 'reach',
            render: (_: unknown, contact) => (
              <Space orientation="vertical" size={0} style={{ fontSize: 13 }}>
                {contact.phones.map((phone) => (
                  <span key={phone}>
                    <PhoneOutlined style={{ color: '#8c8c8c' }} /> {phone}
                  </span>
                ))}
                {contact.email && (
                  <span>
                    <MailOutlined style={{ color: '#8c8c8c' }} />{' '}
                    <a href={`mailto:${contact.email}`}>{contact.email}</a>
                  </span>
                )}
                {contact.wechat && (
                  <span>
                    <WechatOutlined style={{ color: '#52c41a' }} /> {contact.wechat}
                  </span>
                )}
              </Space>
            ),
          },
          {
            title: t('contacts.preference'),
            key: 'preference',
            width: 200,
            render: (_: unknown, contact) => (
              <Space orientation="vertical" size={2}>
                {contact.preferredChannel ? (
                  <Tag icon={CHANNEL_ICONS[contact.preferredChannel]} color="blue">
                    {t(`enum.channel.${contact.preferredChannel}`)}
                  </Tag>
                ) : (
                  <Typography.Text type="secondary">{t('contacts.noPreference')}</Typography.Text>
                )}
                {contact.contactFrequency && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`enum.frequency.${contact.contactFrequency}`)}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('contacts.importantDates'),
            dataIndex: 'importantDates',
            width: 220,
            render: (dates: Contact['importantDates']) =>
              dates.length ? (
                <Space orientation="vertical" size={0} style={{ fontSize: 13 }}>
                  {dates.map((d) => (
                    <span key={`${d.kind}-${d.date}`}>
                      {d.label || t(`enum.importantDate.${d.kind}`)} · {d.date}
                    </span>
                  ))}
                </Space>
              ) : (
                '—'
              ),
          },
          ...(editable
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 140,
                  render: (_: unknown, contact: Contact) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing(contact)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('contacts.removeConfirm', { name: contact.name })}
                        onConfirm={() => remove.mutate(contact)}
                      >
                        <Button type="link" size="small" danger icon={<DeleteOutlined />}>
                          {t('common.remove')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />

      <Drawer
        title={editing === 'new' ? t('contacts.add') : t('contacts.edit')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        size={640}
        destroyOnHidden
        extra={
          <DrawerFormActions
            onCancel={() => setEditing(null)}
            onSave={() => form.submit()}
            saving={save.isPending}
            testId="contact-save"
          />
        }
      >
        <Form<ContactForm>
          form={form}
          layout="vertical"
          onFinish={(values) => save.mutate(values)}
          scrollToFirstError
        >
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item
                name="name"
                label={t('contacts.name')}
                rules={[{ required: true, whitespace: true, message: t('contacts.nameRequired') }]}
              >
                <Input maxLength={100} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="title" label={t('contacts.title')}>
                <Input maxLength={100} placeholder={t('contacts.titlePlaceholder')} />
              </Form.Item>
            </Col>
          </Row>
          <Form.List name="phones">
            {(fields, { add, remove: removePhone }) => (
              <Form.Item label={t('contacts.phones')} style={{ marginBottom: 8 }}>
                {fields.map((field, index) => (
                  <Space key={field.key} style={{ display: 'flex', marginBottom: 8 }} align="start">
                    <Form.Item
                      name={field.name}
                      noStyle
                      rules={[{ pattern: PHONE_PATTERN, message: t('contacts.phoneInvalid') }]}
                    >
                      <Input
                        style={{ width: 280 }}
                        maxLength={40}
                        placeholder={index === 0 ? '138 0000 0000' : ''}
                      />
                    </Form.Item>
                    {fields.length > 1 && (
                      <MinusCircleOutlined onClick={() => removePhone(field.name)} style={{ marginTop: 9 }} />
                    )}
                  </Space>
                ))}
                {fields.length < 10 && (
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add('')}>
                    {t('contacts.addPhone')}
                  </Button>
                )}
              </Form.Item>
            )}
          </Form.List>
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item
                name="email"
                label={t('contacts.email')}
                rules={[{ type: 'email', message: t('validation.format') }]}
              >
                <Input maxLength={254} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="wechat" label={t('contacts.wechat')}>
                <Input maxLength={60} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="preferredChannel"
                label={t('contacts.preferredChannel')}
                extra={t('contacts.preferredChannelHint')}
              >
                <Select
                  allowClear
                  options={CONTACT_CHANNELS.map((value) => ({ value, label: t(`enum.channel.${value}`) }))}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="contactFrequency" label={t('contacts.frequency')}>
                <Select
                  allowClear
                  options={FREQUENCIES.map((value) => ({ value, label: t(`enum.frequency.${value}`) }))}
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                name="doNotContact"
                label={t('contacts.doNotContact')}
                valuePropName="checked"
                extra={t('contacts.doNotContactHint')}
              >
                <Switch />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="isPrimary" label={t('contacts.primary')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
          <Form.List name="importantDates">
            {(fields, { add, remove: removeDate }) => (
              <Form.Item label={t('contacts.importantDates')} extra={t('contacts.importantDatesHint')}>
                {fields.map((field) => (
                  <Row gutter={8} key={field.key}>
                    <Col span={7}>
                      <Form.Item
                        name={[field.name, 'kind']}
                        rules={[{ required: true, message: t('validation.required') }]}
                      >
                        <Select
                          options={IMPORTANT_DATE_KINDS.map((value) => ({
                            value,
                            label: t(`enum.importantDate.${value}`),
                          }))}
                        />
                      </Form.Item>
                    </Col>
                    <Col span={8}>
                      <Form.Item name={[field.name, 'label']}>
                        <Input placeholder={t('contacts.dateLabel')} maxLength={60} />
                      </Form.Item>
                    </Col>
                    <Col span={7}>
                      <Form.Item
                        name={[field.name, 'date']}
                        rules={[
                          { required: true, message: t('validation.required') },
                          { pattern: /^(\d{4}-)?\d{2}-\d{2}$/, message: t('contacts.dateFormat') },
                        ]}
                      >
                        <Input placeholder="MM-DD" maxLength={10} />
                      </Form.Item>
                    </Col>
                    <Col span={2} style={{ paddingTop: 6 }}>
                      <MinusCircleOutlined onClick={() => removeDate(field.name)} />
                    </Col>
                  </Row>
                ))}
                <Button
                  type="dashed"
                  size="small"
                  icon={<PlusOutlined />}
                  onClick={() => add({ kind: 'birthday' })}
                >
                  {t('contacts.addDate')}
                </Button>
              </Form.Item>
            )}
          </Form.List>
          <Form.Item name="notes" label={t('contacts.notes')}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Drawer>
    </Card>
  );
}
