import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type Commitment, deskApi, type Page } from '../../components/deskadmin/api';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { CommitmentStatusTags } from '../commitments/CommitmentsPage';
import type { Customer } from './file/useCustomer';

/** 承诺 on the customer file: every promise made to the customer, with its approval and whether it is overdue. */
export function CustomerCommitmentsTab({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const list = useInfiniteQuery({
    queryKey: ['commitments', 'customer', customer.id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      deskApi.get<Page<Commitment>>('/api/commitments', {
        customerId: customer.id,
        cursor: pageParam,
        limit: 25,
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Card
      extra={
        <Link to={`/commitments?customer=${customer.id}&scope=all`} data-testid="customer-commitments-board">
          {t('desk.customerFile.openBoard')}
        </Link>
      }
    >
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <Table<Commitment>
        rowKey="id"
        data-testid="customer-commitment-table"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 900 }}
        tableLayout="fixed"
        size="middle"
        locale={{ emptyText: t('desk.customerFile.commitmentsEmpty') }}
        onRow={(c) => ({ style: c.overdue ? { background: '#fff1f0' } : undefined })}
        columns={[
          {
            title: t('desk.customerFile.promise'),
            dataIndex: 'promise',
            width: 320,
            render: (value: string, c) => (
              <Link to={`/commitments?customer=${customer.id}&scope=all`}>
                <Typography.Text ellipsis={{ tooltip: value }} style={{ maxWidth: 300 }}>
                  {value}
                </Typography.Text>
                {c.amount != null && (
                  <Typography.Text type="secondary"> · {c.amount.toLocaleString()}</Typography.Text>
                )}
              </Link>
            ),
          },
          { title: t('desk.customerFile.madeBy'), dataIndex: 'madeByName', width: 110 },
          {
            title: t('desk.customerFile.dueAt'),
            dataIndex: 'dueAt',
            width: 150,
            render: (v: string) => formatDateTime(v),
          },
          {
            title: t('desk.customerFile.ticket'),
            dataIndex: 'ticketNumber',
            width: 140,
            render: (v: string | null, c) =>
              c.ticketId ? <Link to={`/tickets/${c.ticketId}`}>{v}</Link> : '—',
          },
          {
            title: t('desk.customerFile.status'),
            key: 'status',
            width: 220,
            render: (_: unknown, c) => <CommitmentStatusTags commitment={c} />,
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
  );
}
