import { DeleteOutlined, EditOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { CustomerSelect } from '../../../components/CustomerSelect';
import { PageHeader } from '../../../components/PageHeader';
import {
  ENDPOINT_KINDS,
  ENDPOINT_TOPICS,
  itemsOf,
  type NotificationEndpoint,
  type Page,
  shipApi,
} from '../../../components/shipments/api';
import { applyFieldErrors, errorText, isStale } from '../../../lib/forms';

interface EndpointForm {
  kind: string;
  name: string;
  url: string;
  secret?: string | null;
  topics: string[];
  customerId?: string | null;
  active: boolean;
}

const URL_HINTS: Record<string, string> = {
  webhook: 'https://customer.example/hooks/liaison',
  wecom: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  dingtalk: 'https://oapi.dingtalk.com/robot/send?access_token=…',
};

function EndpointModal({
  endpoint,
  open,
  onClose,
}: {
  endpoint: NotificationEndpoint | null;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<EndpointForm>();
  const kind = Form.useWatch('kind', form);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      endpoint
        ? {
            kind: endpoint.kind,
            name: endpoint.name,
            url: endpoint.url,
            secret: null,
            topics: endpoint.topics,
            customerId: endpoint.customerId,
            active: endpoint.active,
          }
        : { kind: 'webhook', topics: ['shipment.exception', 'shipment.delivered'], active: true },
    );
  }, [open, endpoint, form]);
  const save = useMutation({
    mutationFn: (v: EndpointForm) => {
      const body: Record<string, unknown> = {
        name: v.name.trim(),
        url: v.url.trim(),
        topics: v.topics,
        customerId: v.customerId ?? null,
        active: v.active,
      };
      // The kind is set once.
      if (!endpoint) body.kind = v.kind;
      // An empty secret on edit keeps the stored one.
      if (v.secret?.trim()) body.secret = v.secret.trim();
      else if (!endpoint) body.secret = null;
      return endpoint
        ? shipApi.patch<NotificationEndpoint>(
            `/api/notification-endpoints/${endpoint.id}`,
            body,
            endpoint.version,
          )
        : shipApi.post<NotificationEndpoint>('/api/notification-endpoints', body);
    },
    onSuccess: () => {
      message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['notificationEndpoints'] });
      onClose();
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        void queryClient.invalidateQueries({ queryKey: ['notificationEndpoints'] });
        onClose();
        return;
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });
  const required = [{ required: true, message: t('validation.required') }];
  return (
    <Modal
      open={open}
      title={endpoint ? t('shipments.endpoints.edit') : t('shipments.endpoints.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={600}
    >
      <Form<EndpointForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Form.Item name="kind" label={t('shipments.endpoints.kind')} rules={required}>
          <Select
            disabled={!!endpoint}
            options={ENDPOINT_KINDS.map((k) => ({ value: k, label: t(`shipments.endpointKind.${k}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('shipments.endpoints.name')}
          rules={[...required, { whitespace: true }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('shipments.endpoints.url')}
          rules={[...required, { type: 'url', message: t('shipments.endpoints.urlHint') }]}
        >
          <Input maxLength={1000} placeholder={URL_HINTS[kind ?? 'webhook']} />
        </Form.Item>
        <Form.Item
          name="secret"
          label={t('shipments.endpoints.secret')}
          rules={[{ min: 16, message: t('shipments.endpoints.secretLength') }]}
          extra={
            <>
              {t(`shipments.endpoints.secretHint.${kind ?? 'webhook'}`)}
              {endpoint?.secretSet ? ` ${t('shipments.feeds.keepSecret')}` : ''}
            </>
          }
        >
          <Input.Password maxLength={500} autoComplete="off" />
        </Form.Item>
        <Form.Item name="topics" label={t('shipments.endpoints.topics')} rules={required}>
          <Select
            mode="tags"
            options={ENDPOINT_TOPICS.map((v) => ({
              value: v,
              label: t(`shipments.topic.${v.replace('.', '_')}`, { defaultValue: v }),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="customerId"
          label={t('shipments.endpoints.customer')}
          extra={t('shipments.endpoints.customerHint')}
        >
          <CustomerSelect />
        </Form.Item>
        <Form.Item name="active" label={t('shipments.feeds.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 通知端点: customers' webhooks and WeCom / DingTalk group robots; a test message on demand. */
export function NotificationEndpointsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<NotificationEndpoint | null | undefined>(undefined);
  const endpoints = useQuery({
    queryKey: ['notificationEndpoints'],
    queryFn: () =>
      shipApi.get<Page<NotificationEndpoint> | NotificationEndpoint[]>('/api/notification-endpoints', {
        limit: 200,
      }),
    select: (data) => itemsOf(data),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['notificationEndpoints'] });
  const test = useMutation({
    mutationFn: (e: NotificationEndpoint) => shipApi.post(`/api/notification-endpoints/${e.id}/test`, {}),
    onSuccess: () => message.success(t('shipments.endpoints.testSent')),
    onError: (error) => message.error(errorText(t, error)),
  });
  const remove = useMutation({
    mutationFn: (e: NotificationEndpoint) => shipApi.delete(`/api/notification-endpoints/${e.id}`, e.version),
    onSuccess: refresh,
    onError: (error) => message.error(errorText(t, error)),
  });
  return (
    <>
      <PageHeader
        title={t('shipments.endpoints.title')}
        crumbs={[{ title: t('menu.admin') }, { title: t('shipments.menu.endpoints') }]}
        extra={
          <Space>
            <Link to="/admin/outbound">{t('shipments.menu.outbound')}</Link>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing(null)}
              data-testid="endpoint-create"
            >
              {t('shipments.endpoints.create')}
            </Button>
          </Space>
        }
      />
      <Card>
        {endpoints.isError && (
          <Typography.Text type="danger">{errorText(t, endpoints.error)}</Typography.Text>
        )}
        <Table<NotificationEndpoint>
          rowKey="id"
          data-testid="endpoint-table"
          loading={endpoints.isLoading}
          dataSource={endpoints.data ?? []}
          pagination={false}
          scroll={{ x: 1100 }}
          size="middle"
          locale={{ emptyText: t('shipments.endpoints.empty') }}
          columns={[
            {
              title: t('shipments.endpoints.name'),
              dataIndex: 'name',
              render: (name: string, e) => (
                <Space size={4}>
                  {name}
                  {!e.active && <Tag>{t('shipments.feeds.inactive')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('shipments.endpoints.kind'),
              dataIndex: 'kind',
              width: 120,
              render: (k: string) => (
                <Tag color="blue">{t(`shipments.endpointKind.${k}`, { defaultValue: k })}</Tag>
              ),
            },
            {
              title: t('shipments.endpoints.url'),
              dataIndex: 'url',
              ellipsis: true,
            },
            {
              title: t('shipments.endpoints.topics'),
              dataIndex: 'topics',
              width: 260,
              render: (topics: string[]) => (
                <Space size={4} wrap>
                  {topics.map((v) => (
                    <Tag key={v}>{t(`shipments.topic.${v.replace('.', '_')}`, { defaultValue: v })}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              title: t('shipments.endpoints.customer'),
              dataIndex: 'customerName',
              width: 180,
              ellipsis: true,
              render: (name: string | null, e) =>
                e.customerId ? (
                  <Link to={`/customers/${e.customerId}`}>{name ?? '—'}</Link>
                ) : (
                  t('shipments.endpoints.anyCustomer')
                ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 190,
              render: (_: unknown, e) => (
                <Space size={4}>
                  <Button
                    size="small"
                    icon={<SendOutlined />}
                    loading={test.isPending && test.variables?.id === e.id}
                    onClick={() => test.mutate(e)}
                  >
                    {t('shipments.endpoints.test')}
                  </Button>
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    onClick={() => setEditing(e)}
                    aria-label={t('common.edit')}
                  />
                  <Popconfirm
                    title={t('shipments.feeds.removeConfirm', { name: e.name })}
                    onConfirm={() => remove.mutate(e)}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <EndpointModal
        endpoint={editing ?? null}
        open={editing !== undefined}
        onClose={() => setEditing(undefined)}
      />
    </>
  );
}
