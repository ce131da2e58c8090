import { CheckCircleOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type ResponseOf, unwrap } from '../../api/client';
import { useUserNames } from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { UserSelect } from '../../components/selects';
import { StageTag, ValueClassTag } from '../../components/tags';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { formatDate, fromNow } from '../../lib/time';
import { clean } from '../../lib/util';

type Row = ResponseOf<'/api/customers/review-queue', 'get'>['items'][number];

/** Files not verified for N days (seed 002: verify and update, delete what is stale). */
export function ReviewQueuePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const users = useUserNames();
  const [ownerId, setOwnerId] = useState<string | undefined>(me.role === 'agent' ? me.id : undefined);
  const [days, setDays] = useState<number | null>(null);
  const query = clean({ ownerId, days: days ?? undefined });

  const queue = useInfiniteQuery({
    queryKey: ['customers', 'review-queue', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/customers/review-queue', {
          params: { query: { ...query, limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = queue.data?.pages.flatMap((page) => page.items) ?? [];
  const threshold = queue.data?.pages[0]?.reviewAfterDays;

  const verify = useMutation({
    mutationFn: (row: Row) =>
      unwrap(
        api.POST('/api/customers/{id}/verify', {
          params: { path: { id: row.id } },
          body: {},
        }),
      ),
    onSuccess: (_d, row) => {
      message.success(t('review.verified', { name: row.name }));
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
      void queryClient.invalidateQueries({ queryKey: ['customer', row.id] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <>
      <PageHeader
        title={t('menu.reviewQueue')}
        crumbs={[{ title: t('menu.customers'), to: '/customers' }, { title: t('menu.reviewQueue') }]}
        subTitle={threshold ? t('review.subtitleDays', { days: threshold }) : t('review.subtitle')}
        extra={me.role === 'admin' && threshold && <ReviewSettings current={threshold} />}
      />
      <Card>
        <Form layout="inline" className="filter-bar">
          <Form.Item label={t('customer.owner')}>
            <UserSelect
              allowClear
              roles={['agent', 'supervisor', 'admin']}
              style={{ width: 180 }}
              value={ownerId}
              onChange={(value) => setOwnerId(value ?? undefined)}
              placeholder={t('common.all')}
            />
          </Form.Item>
          <Form.Item label={t('review.days')}>
            <InputNumber
              min={1}
              max={3650}
              value={days}
              onChange={setDays}
              placeholder={String(threshold ?? '')}
            />
          </Form.Item>
        </Form>
        <Table<Row>
          rowKey="id"
          loading={queue.isLoading}
          dataSource={rows}
          pagination={false}
          columns={[
            {
              title: t('customer.name'),
              dataIndex: 'name',
              render: (name: string, row) => <Link to={`/customers/${row.id}`}>{name}</Link>,
            },
            {
              title: t('customer.stageShort'),
              dataIndex: 'stage',
              width: 90,
              render: (v: string) => <StageTag stage={v} />,
            },
            {
              title: t('customer.valueClassShort'),
              dataIndex: 'valueClass',
              width: 80,
              render: (v: string | null) => <ValueClassTag value={v} />,
            },
            {
              title: t('customer.owner'),
              dataIndex: 'ownerId',
              width: 120,
              render: (id: string, row) => row.ownerName ?? users.get(id)?.name ?? '—',
            },
            {
              title: t('customer.lastVerified'),
              dataIndex: 'verifiedAt',
              width: 200,
              render: (v: string | null) =>
                v ? (
                  <Space>
                    {formatDate(v)}
                    <Typography.Text type="warning">{fromNow(v)}</Typography.Text>
                  </Space>
                ) : (
                  <Typography.Text type="danger">{t('customer.neverVerified')}</Typography.Text>
                ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 220,
              render: (_: unknown, row) => (
                <Space size={8} style={{ whiteSpace: 'nowrap' }}>
                  <Link to={`/customers/${row.id}`}>{t('review.open')}</Link>
                  <Button
                    type="link"
                    size="small"
                    icon={<CheckCircleOutlined />}
                    loading={verify.isPending && verify.variables?.id === row.id}
                    onClick={() => verify.mutate(row)}
                  >
                    {t('customer.verify')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
        <div className="table-load-more">
          {queue.hasNextPage ? (
            <Button onClick={() => queue.fetchNextPage()} loading={queue.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          ) : (
            rows.length > 0 && (
              <Typography.Text type="secondary">{t('common.shown', { count: rows.length })}</Typography.Text>
            )
          )}
        </div>
      </Card>
    </>
  );
}

/** The company-wide review period (admin). */
function ReviewSettings({ current }: { current: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [value, setValue] = useState<number | null>(current);
  const save = useMutation({
    mutationFn: (reviewAfterDays: number) =>
      unwrap(api.PUT('/api/settings/customers', { body: { reviewAfterDays } })),
    onSuccess: () => {
      message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['customers', 'review-queue'] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  return (
    <Space>
      <Typography.Text type="secondary">{t('review.setting')}</Typography.Text>
      <InputNumber
        min={1}
        max={3650}
        value={value}
        onChange={setValue}
        suffix={t('plans.days')}
        style={{ width: 120 }}
      />
      <Button
        type="primary"
        disabled={!value || value === current}
        loading={save.isPending}
        onClick={() => value && save.mutate(value)}
      >
        {t('common.save')}
      </Button>
    </Space>
  );
}
