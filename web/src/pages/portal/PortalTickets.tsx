import { CheckOutlined, CloseOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Radio,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { idempotencyKey, newScope } from '../../api/client';
import { DrawerFormActions } from '../../components/DrawerFormActions';
import { desk, itemsOf, type Page, type PortalTicket } from '../../components/desk/deskApi';
import { TicketStatusTag, TicketTypeTag } from '../../components/desk/DeskTags';
import { useCategories, useCategoryLabel, useCategoryName } from '../../components/desk/useDesk';
import { applyFieldErrors, errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';

interface RequestForm {
  type: 'inquiry' | 'complaint';
  categoryId: string;
  subject: string;
  customerWords: string;
  customerRequest?: string;
  shipmentRef?: string;
}

const trimmed = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** 我的投诉与咨询: the company's own requests, a form for a new one, and each request's public conversation. */
export function PortalTickets() {
  const { t } = useTranslation();
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['portal', 'tickets'],
    queryFn: () => desk.get<Page<Omit<PortalTicket, 'messages'>>>('/api/portal/tickets', { limit: 100 }),
    refetchInterval: 60_000,
  });
  const rows = itemsOf(list.data);
  return (
    <Card
      title={t('desk.portal.title')}
      style={{ marginBottom: 16 }}
      data-testid="portal-tickets"
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="portal-new-request"
        >
          {t('desk.portal.new')}
        </Button>
      }
    >
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <Table<Omit<PortalTicket, 'messages'>>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 640 }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('desk.portal.none')} />,
        }}
        onRow={(row) => ({ onClick: () => setOpenId(row.id), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('desk.ticket.number'),
            dataIndex: 'number',
            width: 140,
            render: (v: string) => <Typography.Link>{v}</Typography.Link>,
          },
          { title: t('desk.ticket.subject'), dataIndex: 'subject' },
          {
            title: t('desk.ticket.type'),
            dataIndex: 'type',
            width: 90,
            render: (v: string) => <TicketTypeTag type={v} />,
          },
          {
            title: t('desk.ticket.status'),
            dataIndex: 'status',
            width: 120,
            render: (v: string) => <PortalStatusTag status={v} />,
          },
          {
            title: t('desk.portal.filedAt'),
            dataIndex: 'receivedAt',
            width: 150,
            render: (v: string) => formatDateTime(v),
          },
        ]}
      />
      <NewRequestDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => setOpenId(id)}
      />
      <PortalTicketDrawer id={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}

/** The customer sees "awaiting your confirmation" rather than the desk's word "resolved". */
function PortalStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (status === 'resolved') return <Tag color="gold">{t('desk.portal.awaitingConfirmation')}</Tag>;
  return <TicketStatusTag status={status} />;
}

function NewRequestDrawer(props: { open: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<RequestForm>();
  const [scope, setScope] = useState(newScope);
  const categories = useCategories();
  const categoryName = useCategoryName();

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    setScope(newScope());
    form.setFieldsValue({ type: 'complaint' });
  }, [props.open, form]);

  const save = useMutation({
    mutationFn: (v: RequestForm) => {
      const body = {
        type: v.type,
        categoryId: v.categoryId,
        subject: v.subject.trim(),
        customerWords: v.customerWords.trim(),
        customerRequest: trimmed(v.customerRequest),
        shipmentRef: trimmed(v.shipmentRef),
      };
      return desk.post<PortalTicket>('/api/portal/tickets', body, {
        'idempotency-key': idempotencyKey(scope, body),
      });
    },
    onSuccess: (ticket) => {
      message.success(t('desk.portal.filed', { number: ticket.number }));
      void queryClient.invalidateQueries({ queryKey: ['portal', 'tickets'] });
      props.onClose();
      props.onCreated(ticket.id);
    },
    onError: (error) => {
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Drawer
      title={t('desk.portal.new')}
      open={props.open}
      onClose={props.onClose}
      size={560}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          label={t('desk.portal.submit')}
          testId="portal-request-save"
        />
      }
    >
      <Form<RequestForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Form.Item name="type" label={t('desk.portal.kind')} rules={required}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={(['complaint', 'inquiry'] as const).map((v) => ({
              value: v,
              label: t(`desk.enum.type.${v}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="categoryId" label={t('desk.ticket.category')} rules={required}>
          <Select options={(categories.data ?? []).map((c) => ({ value: c.id, label: categoryName(c) }))} />
        </Form.Item>
        <Form.Item name="subject" label={t('desk.ticket.subject')} rules={required}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="customerWords" label={t('desk.portal.words')} rules={required}>
          <Input.TextArea rows={5} maxLength={4000} />
        </Form.Item>
        <Form.Item name="customerRequest" label={t('desk.portal.request')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="shipmentRef" label={t('desk.ticket.shipmentRef')}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function PortalTicketDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [comment, setComment] = useState('');
  const categoryLabel = useCategoryLabel();
  const ticket = useQuery({
    queryKey: ['portal', 'ticket', id],
    enabled: !!id,
    queryFn: () => desk.get<PortalTicket>(`/api/portal/tickets/${id}`),
  });
  useEffect(() => {
    if (id) {
      setText('');
      setComment('');
    }
  }, [id]);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['portal', 'ticket', id] }),
      queryClient.invalidateQueries({ queryKey: ['portal', 'tickets'] }),
    ]);
  const send = useMutation({
    mutationFn: () => desk.post(`/api/portal/tickets/${id}/messages`, { body: text.trim() }),
    onSuccess: () => {
      message.success(t('desk.portal.messageSent'));
      setText('');
      void refresh();
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  const confirm = useMutation({
    mutationFn: (accepted: boolean) =>
      desk.post(`/api/portal/tickets/${id}/confirm`, {
        accepted,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      }),
    onSuccess: (_d, accepted) => {
      message.success(accepted ? t('desk.portal.accepted') : t('desk.portal.rejected'));
      setComment('');
      void refresh();
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  const data = ticket.data;
  const messages = (data?.messages ?? []).filter((m) => m.kind === 'reply' || m.kind === 'customer');
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      size={640}
      title={data ? `${data.number} · ${data.subject}` : t('common.loading')}
      destroyOnHidden
    >
      {ticket.isError && <Alert type="error" title={errorText(t, ticket.error)} />}
      {data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="portal-ticket">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('desk.ticket.status')}>
              <PortalStatusTag status={data.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('desk.ticket.category')}>
              {categoryLabel(data.categoryId, data.categoryName)}
            </Descriptions.Item>
            <Descriptions.Item label={t('desk.portal.filedAt')}>
              {formatDateTime(data.receivedAt)}
            </Descriptions.Item>
            <Descriptions.Item label={t('desk.portal.handledBy')}>
              {data.ownerName ?? t('desk.portal.waitingForAgent')}
            </Descriptions.Item>
            <Descriptions.Item label={t('desk.portal.words')}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{data.customerWords}</span>
            </Descriptions.Item>
            {data.shipmentRef && (
              <Descriptions.Item label={t('desk.ticket.shipmentRef')}>{data.shipmentRef}</Descriptions.Item>
            )}
          </Descriptions>
          {data.status === 'resolved' && (
            <Alert
              type="warning"
              showIcon
              data-testid="portal-confirm"
              title={t('desk.portal.proposed')}
              description={
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <div style={{ whiteSpace: 'pre-wrap' }} data-testid="portal-resolution">
                    {data.resolution}
                  </div>
                  <Input.TextArea
                    rows={2}
                    maxLength={2000}
                    placeholder={t('desk.portal.commentPlaceholder')}
                    value={comment}
                    onChange={(e) => setComment(e.target.value)}
                  />
                  <Space>
                    <Button
                      type="primary"
                      icon={<CheckOutlined />}
                      loading={confirm.isPending && confirm.variables === true}
                      onClick={() => confirm.mutate(true)}
                      data-testid="portal-accept"
                    >
                      {t('desk.portal.accept')}
                    </Button>
                    <Button
                      danger
                      icon={<CloseOutlined />}
                      loading={confirm.isPending && confirm.variables === false}
                      onClick={() => confirm.mutate(false)}
                      data-testid="portal-reject"
                    >
                      {t('desk.portal.reject')}
                    </Button>
                  </Space>
                </Space>
              }
            />
          )}
          <div>
            <Typography.Title level={5}>{t('desk.portal.conversation')}</Typography.Title>
            {messages.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('desk.portal.noReplies')} />
            ) : (
              <Space orientation="vertical" style={{ width: '100%' }} data-testid="portal-messages">
                {messages.map((m) => (
                  <div
                    key={m.id}
                    style={{
                      alignSelf: m.kind === 'customer' ? 'flex-end' : 'flex-start',
                      background: m.kind === 'customer' ? '#f6ffed' : '#e6f4ff',
                      border: `1px solid ${m.kind === 'customer' ? '#b7eb8f' : '#91caff'}`,
                      borderRadius: 6,
                      padding: '8px 12px',
                    }}
                  >
                    <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
                      {m.kind === 'customer'
                        ? t('desk.portal.you')
                        : (m.authorName ?? t('desk.portal.serviceCentre'))}{' '}
                      · {formatDateTime(m.createdAt)}
                    </div>
                    <div style={{ whiteSpace: 'pre-wrap' }}>{m.body}</div>
                  </div>
                ))}
              </Space>
            )}
          </div>
          {data.status !== 'closed' && (
            <div>
              <Input.TextArea
                rows={3}
                maxLength={4000}
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder={t('desk.portal.messagePlaceholder')}
                data-testid="portal-message-text"
              />
              <div style={{ textAlign: 'right', marginTop: 8 }}>
                <Button
                  type="primary"
                  icon={<SendOutlined />}
                  disabled={!text.trim()}
                  loading={send.isPending}
                  onClick={() => send.mutate()}
                  data-testid="portal-message-send"
                >
                  {t('desk.portal.send')}
                </Button>
              </div>
            </div>
          )}
        </Space>
      )}
    </Drawer>
  );
}
