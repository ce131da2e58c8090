import { DeleteOutlined, EditOutlined, PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  Modal,
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
import { PageHeader } from '../../../components/PageHeader';
import { TrackingSettingsCard } from '../../../components/shipments/TrackingSettingsCard';
import {
  FEED_KINDS,
  itemsOf,
  type Page,
  shipApi,
  type TrackingFeed,
} from '../../../components/shipments/api';
import { applyFieldErrors, errorText, isStale } from '../../../lib/forms';
import { formatDateTime } from '../../../lib/time';

interface FeedForm {
  name: string;
  kind: string;
  source: string;
  baseUrl?: string | null;
  apiKey?: string | null;
  callbackSecret?: string | null;
  pollIntervalMinutes: number;
  active: boolean;
}

const blank = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

function FeedModal({
  feed,
  open,
  onClose,
}: {
  feed: TrackingFeed | null;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<FeedForm>();
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      feed
        ? {
            name: feed.name,
            kind: feed.kind,
            source: feed.source,
            baseUrl: feed.baseUrl,
            apiKey: null,
            callbackSecret: null,
            pollIntervalMinutes: feed.pollIntervalMinutes,
            active: feed.active,
          }
        : { kind: 'dcsa-2.2', pollIntervalMinutes: 15, active: true },
    );
  }, [open, feed, form]);
  const save = useMutation({
    mutationFn: (v: FeedForm) => {
      const body: Record<string, unknown> = {
        name: v.name.trim(),
        kind: v.kind,
        baseUrl: blank(v.baseUrl),
        pollIntervalMinutes: v.pollIntervalMinutes,
        active: v.active,
      };
      // Secrets: an empty field on edit keeps the stored one.
      if (blank(v.apiKey) || !feed) body.apiKey = blank(v.apiKey);
      if (blank(v.callbackSecret) || !feed) body.callbackSecret = blank(v.callbackSecret);
      // The source label is the events' identity; it is set once.
      if (!feed) body.source = v.source.trim();
      return feed
        ? shipApi.patch<TrackingFeed>(`/api/tracking-feeds/${feed.id}`, body, feed.version)
        : shipApi.post<TrackingFeed>('/api/tracking-feeds', body);
    },
    onSuccess: () => {
      message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['trackingFeeds'] });
      onClose();
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        void queryClient.invalidateQueries({ queryKey: ['trackingFeeds'] });
        onClose();
        return;
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Modal
      open={open}
      title={feed ? t('shipments.feeds.edit') : t('shipments.feeds.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={640}
    >
      <Form<FeedForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="name" label={t('shipments.feeds.name')} rules={required}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="kind" label={t('shipments.feeds.kind')} rules={required}>
              <Select
                options={FEED_KINDS.map((k) => ({
                  value: k,
                  label: t(`shipments.feedKind.${k.replace('.', '_')}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="source"
              label={t('shipments.feeds.source')}
              rules={required}
              extra={t('shipments.feeds.sourceHint')}
            >
              <Input maxLength={100} placeholder="dcsa:MAEU" disabled={!!feed} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="pollIntervalMinutes"
              label={t('shipments.feeds.interval')}
              rules={[{ required: true }]}
            >
              <InputNumber min={1} max={1440} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="baseUrl"
          label={t('shipments.feeds.baseUrl')}
          extra={t('shipments.feeds.baseUrlHint')}
        >
          <Input maxLength={500} placeholder="https://api.carrier.example/v2" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="apiKey"
              label={t('shipments.feeds.apiKey')}
              extra={feed?.hasApiKey ? t('shipments.feeds.keepSecret') : undefined}
            >
              <Input.Password maxLength={500} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="callbackSecret"
              label={t('shipments.feeds.callbackSecret')}
              extra={
                feed?.hasCallbackSecret ? t('shipments.feeds.keepSecret') : t('shipments.feeds.secretLength')
              }
              rules={[{ min: 8, message: t('shipments.feeds.secretLength') }]}
            >
              <Input.Password maxLength={500} autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="active" label={t('shipments.feeds.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 数据源: carriers' and partners' tracking feeds we poll or that push to us; poll now, last result. */
export function TrackingFeedsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<TrackingFeed | null | undefined>(undefined);
  const feeds = useQuery({
    queryKey: ['trackingFeeds'],
    queryFn: () => shipApi.get<Page<TrackingFeed> | TrackingFeed[]>('/api/tracking-feeds', { limit: 200 }),
    select: (data) => itemsOf(data),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['trackingFeeds'] });
  const poll = useMutation({
    mutationFn: (feed: TrackingFeed) =>
      shipApi.post<Record<string, unknown>>(`/api/tracking-feeds/${feed.id}/poll`, {}),
    onSuccess: (result) => {
      const counts = (result?.counts ?? result?.lastResult ?? result) as Record<string, unknown> | undefined;
      const accepted = typeof counts?.accepted === 'number' ? counts.accepted : undefined;
      message.success(
        accepted === undefined
          ? t('shipments.feeds.polled')
          : t('shipments.feeds.polledCount', { count: accepted }),
      );
      refresh();
    },
    onError: (error) => {
      message.error(errorText(t, error));
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (feed: TrackingFeed) => shipApi.delete(`/api/tracking-feeds/${feed.id}`, feed.version),
    onSuccess: refresh,
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <>
      <PageHeader
        title={t('shipments.feeds.title')}
        crumbs={[{ title: t('menu.admin') }, { title: t('shipments.menu.feeds') }]}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing(null)}
            data-testid="feed-create"
          >
            {t('shipments.feeds.create')}
          </Button>
        }
      />
      <Card>
        {feeds.isError && <Typography.Text type="danger">{errorText(t, feeds.error)}</Typography.Text>}
        <Table<TrackingFeed>
          rowKey="id"
          data-testid="feed-table"
          loading={feeds.isLoading}
          dataSource={feeds.data ?? []}
          pagination={false}
          scroll={{ x: 1200 }}
          size="middle"
          locale={{ emptyText: t('shipments.feeds.empty') }}
          expandable={{
            expandedRowRender: (feed) => (
              <Space orientation="vertical" size={4}>
                <Typography.Text>
                  {t('shipments.feeds.callbackUrl')}:{' '}
                  <Typography.Text code copyable>
                    {`${window.location.origin}${feed.callbackPath ?? `/api/tracking-feeds/${feed.id}/callback`}`}
                  </Typography.Text>
                </Typography.Text>
                <Typography.Text type="secondary">
                  {t('shipments.feeds.cursor')}: {feed.pollCursor ?? '—'}
                </Typography.Text>
              </Space>
            ),
          }}
          columns={[
            {
              title: t('shipments.feeds.name'),
              dataIndex: 'name',
              render: (name: string, f) => (
                <Space size={4}>
                  {name}
                  {!f.active && <Tag>{t('shipments.feeds.inactive')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('shipments.feeds.kind'),
              dataIndex: 'kind',
              width: 130,
              render: (k: string) => t(`shipments.feedKind.${k.replace('.', '_')}`, { defaultValue: k }),
            },
            { title: t('shipments.feeds.source'), dataIndex: 'source', width: 140 },
            {
              title: t('shipments.feeds.interval'),
              dataIndex: 'pollIntervalMinutes',
              width: 110,
              render: (v: number, f) => (f.baseUrl ? t('shipments.feeds.everyMinutes', { count: v }) : '—'),
            },
            {
              title: t('shipments.feeds.lastPolled'),
              dataIndex: 'lastPolledAt',
              width: 150,
              render: (v: string | null) => formatDateTime(v),
            },
            {
              title: t('shipments.feeds.lastResult'),
              key: 'result',
              width: 260,
              render: (_: unknown, f) =>
                f.lastError ? (
                  <Tooltip title={f.lastError}>
                    <Typography.Text
                      type="danger"
                      ellipsis
                      style={{ maxWidth: 240 }}
                      data-testid="feed-error"
                    >
                      {f.lastError}
                    </Typography.Text>
                  </Tooltip>
                ) : f.lastResult ? (
                  <Space size={4} wrap>
                    {Object.entries(f.lastResult)
                      .filter(
                        ([key, value]) => key === 'accepted' || (typeof value === 'number' && value > 0),
                      )
                      .map(([key, value]) => (
                        <Tag
                          key={key}
                          color={
                            key === 'rejected' && value ? 'red' : key === 'accepted' ? 'green' : undefined
                          }
                        >
                          {t(`shipments.outcome.${key}`, { defaultValue: key })} {String(value)}
                        </Tag>
                      ))}
                  </Space>
                ) : (
                  '—'
                ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 210,
              fixed: 'right',
              render: (_: unknown, f) => (
                <Space size={4}>
                  <Button
                    size="small"
                    icon={<SyncOutlined />}
                    disabled={!f.baseUrl}
                    loading={poll.isPending && poll.variables?.id === f.id}
                    onClick={() => poll.mutate(f)}
                  >
                    {t('shipments.feeds.pollNow')}
                  </Button>
                  <Button
                    size="small"
                    icon={<EditOutlined />}
                    onClick={() => setEditing(f)}
                    aria-label={t('common.edit')}
                  />
                  <Popconfirm
                    title={t('shipments.feeds.removeConfirm', { name: f.name })}
                    onConfirm={() => remove.mutate(f)}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <TrackingSettingsCard />
      <FeedModal feed={editing ?? null} open={editing !== undefined} onClose={() => setEditing(undefined)} />
    </>
  );
}
