import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import { errorText } from '../../../lib/forms';
import { CHANNELS } from '../../../lib/enums';
import { formatDateTime } from '../../../lib/time';
import { type Interaction, InteractionFormDrawer } from './InteractionFormDrawer';
import type { Customer } from './useCustomer';

export function InteractionsTab({ customer, editable }: { customer: Customer; editable: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [channel, setChannel] = useState<string | undefined>();
  const [editing, setEditing] = useState<Interaction | 'new' | null>(null);
  const list = useInfiniteQuery({
    queryKey: ['interactions', customer.id, channel],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/customers/{id}/interactions', {
          params: {
            path: { id: customer.id },
            query: { limit: 30, cursor: pageParam, channel: channel as never },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const remove = useMutation({
    mutationFn: (row: Interaction) =>
      unwrap(
        api.DELETE('/api/interactions/{id}', {
          params: { path: { id: row.id } },
          headers: { 'if-match': `"${row.version}"` },
        }),
      ),
    onSuccess: () => {
      message.success(t('interactions.removed'));
      void queryClient.invalidateQueries({ queryKey: ['interactions', customer.id] });
      void queryClient.invalidateQueries({ queryKey: ['timeline', customer.id] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <Card
      title={t('customer.tabs.interactions')}
      extra={
        <Space>
          <Select
            allowClear
            placeholder={t('interactions.channel')}
            style={{ width: 120 }}
            value={channel}
            onChange={setChannel}
            options={CHANNELS.map((value) => ({ value, label: t(`enum.channel.${value}`) }))}
          />
          {editable && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="log-interaction"
            >
              {t('interactions.log')}
            </Button>
          )}
        </Space>
      }
    >
      <Table<Interaction>
        rowKey="id"
        loading={list.isLoading}
        dataSource={rows as Interaction[]}
        pagination={false}
        data-testid="interactions-table"
        columns={[
          {
            title: t('interactions.occurredAt'),
            dataIndex: 'occurredAt',
            width: 150,
            render: (v: string) => formatDateTime(v),
          },
          {
            title: t('interactions.channel'),
            key: 'channel',
            width: 120,
            render: (_: unknown, row) => (
              <Space orientation="vertical" size={2}>
                <Tag color="blue">{t(`enum.channel.${row.channel}`)}</Tag>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`enum.direction.${row.direction}`)}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('interactions.summary'),
            dataIndex: 'summary',
            render: (summary: string, row) => (
              <Space orientation="vertical" size={2}>
                <Typography.Paragraph
                  style={{ marginBottom: 0, whiteSpace: 'pre-wrap' }}
                  ellipsis={{ rows: 3, expandable: true }}
                >
                  {summary}
                </Typography.Paragraph>
                {row.outcome && (
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {t('interactions.outcome')}：{row.outcome}
                  </Typography.Text>
                )}
                {row.nextStep && (
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {t('interactions.nextStep')}：{row.nextStep}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          {
            title: t('interactions.contact'),
            dataIndex: 'contactName',
            width: 110,
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('interactions.user'),
            key: 'user',
            width: 140,
            render: (_: unknown, row) => (
              <Space orientation="vertical" size={0}>
                <span>{row.userName}</span>
                {row.departmentName && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {row.departmentName}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          ...(editable
            ? [
                {
                  title: '',
                  key: 'actions',
                  width: 120,
                  render: (_: unknown, row: Interaction) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing(row)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('interactions.removeConfirm')}
                        onConfirm={() => remove.mutate(row)}
                      >
                        <Button type="link" size="small" danger>
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
      {list.hasNextPage && (
        <div className="table-load-more">
          <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
      <InteractionFormDrawer
        open={editing !== null}
        onClose={() => setEditing(null)}
        customerId={customer.id}
        interaction={editing && editing !== 'new' ? editing : undefined}
      />
    </Card>
  );
}
