import { RedoOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import {
  MESSAGE_STATUSES,
  OUTBOUND_CHANNELS,
  type OutboundAttempt,
  type OutboundMessage,
  type OutboundMessageDetail,
  type Page,
  shipApi,
} from '../../../components/shipments/api';
import { errorText } from '../../../lib/forms';
import { formatDateTime } from '../../../lib/time';

const STATUS_COLORS: Record<string, string> = {
  queued: 'default',
  retrying: 'warning',
  sent: 'success',
  failed: 'error',
  suppressed: 'purple',
};

/** One message: its text and every delivery attempt; a failed one can be sent again. */
function MessageDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const detail = useQuery({
    queryKey: ['outbound', 'one', id],
    queryFn: () => shipApi.get<OutboundMessageDetail>(`/api/outbound-messages/${id}`),
  });
  const retry = useMutation({
    mutationFn: () => shipApi.post(`/api/outbound-messages/${id}/retry`, {}),
    onSuccess: () => {
      message.success(t('shipments.outbound.retried'));
      void queryClient.invalidateQueries({ queryKey: ['outbound'] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  if (detail.isLoading) return <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>;
  if (!detail.data) return <Typography.Text type="danger">{errorText(t, detail.error)}</Typography.Text>;
  const m = detail.data;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('shipments.outbound.recipient')}>{m.recipient}</Descriptions.Item>
        <Descriptions.Item label={t('shipments.outbound.ref')}>
          {m.refType ? `${m.refType} ${m.refId ?? ''}` : '—'}
        </Descriptions.Item>
        {m.subject && (
          <Descriptions.Item label={t('shipments.outbound.subject')} span={2}>
            {m.subject}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('shipments.outbound.body')} span={2}>
          <pre style={{ margin: 0, whiteSpace: 'pre-wrap', maxHeight: 200, overflow: 'auto' }}>{m.body}</pre>
        </Descriptions.Item>
        {m.suppressedReason && (
          <Descriptions.Item label={t('shipments.outbound.suppressedReason')} span={2}>
            {m.suppressedReason}
          </Descriptions.Item>
        )}
      </Descriptions>
      <Table<OutboundAttempt>
        rowKey={(a) => a.id ?? String(a.attempt)}
        size="small"
        pagination={false}
        dataSource={m.attempts}
        locale={{ emptyText: t('shipments.outbound.noAttempts') }}
        columns={[
          { title: '#', dataIndex: 'attempt', width: 50 },
          {
            title: t('shipments.outbound.at'),
            dataIndex: 'at',
            width: 150,
            render: (v: string) => formatDateTime(v),
          },
          {
            title: t('shipments.outbound.result'),
            dataIndex: 'ok',
            width: 90,
            render: (ok: boolean) =>
              ok ? (
                <Tag color="success">{t('shipments.outbound.ok')}</Tag>
              ) : (
                <Tag color="error">{t('shipments.outbound.failed')}</Tag>
              ),
          },
          {
            title: t('shipments.outbound.code'),
            dataIndex: 'statusCode',
            width: 80,
            render: (v) => v ?? '—',
          },
          {
            title: t('shipments.outbound.duration'),
            dataIndex: 'durationMs',
            width: 90,
            render: (v) => (v == null ? '—' : `${v} ms`),
          },
          {
            title: t('shipments.outbound.response'),
            key: 'response',
            ellipsis: true,
            render: (_: unknown, a) => a.error ?? a.response ?? '—',
          },
        ]}
      />
      {(m.status === 'failed' || m.status === 'retrying') && (
        <Button icon={<RedoOutlined />} loading={retry.isPending} onClick={() => retry.mutate()}>
          {t('shipments.outbound.retry')}
        </Button>
      )}
    </Space>
  );
}

/** 发送记录: every outgoing email, webhook, robot message and DCSA callback, with its attempts. */
export function OutboundLogPage() {
  const { t } = useTranslation();
  const [channel, setChannel] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [refType, setRefType] = useState('');
  const filters = { channel, status, refType: refType.trim() || undefined, limit: 50 };
  const list = useInfiniteQuery({
    queryKey: ['outbound', 'list', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      shipApi.get<Page<OutboundMessage>>('/api/outbound-messages', { ...filters, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <PageHeader
        title={t('shipments.outbound.title')}
        crumbs={[{ title: t('menu.admin') }, { title: t('shipments.menu.outbound') }]}
      />
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            allowClear
            placeholder={t('shipments.outbound.channel')}
            style={{ width: 140 }}
            value={channel}
            onChange={setChannel}
            options={OUTBOUND_CHANNELS.map((v) => ({ value: v, label: t(`shipments.channel.${v}`) }))}
          />
          <Select
            allowClear
            placeholder={t('shipments.outbound.status')}
            style={{ width: 130 }}
            value={status}
            onChange={setStatus}
            options={MESSAGE_STATUSES.map((v) => ({ value: v, label: t(`shipments.messageStatus.${v}`) }))}
          />
          <Input
            allowClear
            placeholder={t('shipments.outbound.refType')}
            style={{ width: 160 }}
            value={refType}
            onChange={(e) => setRefType(e.target.value)}
          />
          <Tooltip title={t('common.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => list.refetch()}
              aria-label={t('common.refresh')}
            />
          </Tooltip>
        </Space>
        {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
        <Table<OutboundMessage>
          rowKey="id"
          data-testid="outbound-table"
          loading={list.isLoading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1100 }}
          size="middle"
          locale={{ emptyText: t('shipments.outbound.empty') }}
          expandable={{ expandedRowRender: (m) => <MessageDetail id={m.id} /> }}
          columns={[
            {
              title: t('shipments.outbound.createdAt'),
              dataIndex: 'createdAt',
              width: 150,
              render: (v: string) => formatDateTime(v),
            },
            {
              title: t('shipments.outbound.channel'),
              dataIndex: 'channel',
              width: 110,
              render: (v: string) => t(`shipments.channel.${v}`, { defaultValue: v }),
            },
            { title: t('shipments.outbound.topic'), dataIndex: 'topic', width: 170, ellipsis: true },
            { title: t('shipments.outbound.recipient'), dataIndex: 'recipient', ellipsis: true },
            {
              title: t('shipments.outbound.subject'),
              key: 'subject',
              ellipsis: true,
              render: (_: unknown, m) => m.subject ?? m.body.slice(0, 80),
            },
            {
              title: t('shipments.outbound.status'),
              dataIndex: 'status',
              width: 110,
              render: (v: string, m) => (
                <Tooltip title={m.suppressedReason ?? m.lastError ?? undefined}>
                  <Tag color={STATUS_COLORS[v] ?? 'default'}>
                    {t(`shipments.messageStatus.${v}`, { defaultValue: v })}
                  </Tag>
                </Tooltip>
              ),
            },
            {
              title: t('shipments.outbound.attempts'),
              key: 'attempts',
              width: 80,
              dataIndex: 'attempts',
            },
            {
              title: t('shipments.outbound.sentAt'),
              dataIndex: 'sentAt',
              width: 150,
              render: (v: string | null) => formatDateTime(v),
            },
          ]}
        />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
    </>
  );
}
