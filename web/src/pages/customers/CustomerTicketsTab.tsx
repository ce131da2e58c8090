import { PlusOutlined, RetweetOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { desk, type Page, type Ticket } from '../../components/desk/deskApi';
import { SeverityTag, TicketStatusTag, TicketTypeTag } from '../../components/desk/DeskTags';
import { SlaCountdown } from '../../components/desk/SlaCountdown';
import { useCategoryLabel } from '../../components/desk/useDesk';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { NewTicketDrawer } from '../desk/NewTicketDrawer';
import type { Customer } from './file/useCustomer';

/** Every status but closed. */
const ACTIVE = 'new,open,waiting_customer,resolved';

/** 工单/投诉 on the customer file: the customer's tickets, newest first, and a new one preset with the customer. */
export function CustomerTicketsTab({ customer, canCreate }: { customer: Customer; canCreate: boolean }) {
  const { t } = useTranslation();
  const categoryLabel = useCategoryLabel();
  const [showClosed, setShowClosed] = useState(true);
  const [creating, setCreating] = useState(false);
  const filters = {
    view: 'all',
    customerId: customer.id,
    status: showClosed ? undefined : ACTIVE,
    limit: 25,
  };

  const list = useInfiniteQuery({
    queryKey: ['desk', 'tickets', 'customer', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => desk.get<Page<Ticket>>('/api/tickets', { ...filters, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Card>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Checkbox checked={showClosed} onChange={(e) => setShowClosed(e.target.checked)}>
          {t('desk.customerFile.showClosed')}
        </Checkbox>
        {canCreate && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="customer-ticket-create"
          >
            {t('desk.customerFile.newTicket')}
          </Button>
        )}
      </Space>
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <Table<Ticket>
        rowKey="id"
        data-testid="customer-ticket-table"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1100 }}
        tableLayout="fixed"
        size="middle"
        locale={{ emptyText: t('desk.customerFile.ticketsEmpty') }}
        columns={[
          {
            title: t('desk.ticket.number'),
            dataIndex: 'number',
            width: 140,
            render: (value: string, row) => <Link to={`/tickets/${row.id}`}>{value}</Link>,
          },
          {
            title: t('desk.ticket.subject'),
            dataIndex: 'subject',
            width: 280,
            render: (value: string, row) => (
              <Space size={4}>
                <Link to={`/tickets/${row.id}`}>{value}</Link>
                {row.repeatOfTicketId && (
                  <Tooltip title={t('desk.ticket.repeatHint')}>
                    <Tag color="red" icon={<RetweetOutlined />}>
                      {t('desk.ticket.repeat')}
                    </Tag>
                  </Tooltip>
                )}
              </Space>
            ),
          },
          {
            title: t('desk.ticket.type'),
            dataIndex: 'type',
            width: 90,
            render: (v: string) => <TicketTypeTag type={v} />,
          },
          {
            title: t('desk.ticket.category'),
            dataIndex: 'categoryName',
            width: 110,
            render: (v: string | null, row) => categoryLabel(row.categoryId, v),
          },
          {
            title: t('desk.ticket.severity'),
            dataIndex: 'severity',
            width: 90,
            render: (v: string) => <SeverityTag severity={v} />,
          },
          {
            title: t('desk.ticket.status'),
            dataIndex: 'status',
            width: 100,
            render: (v: string) => <TicketStatusTag status={v} />,
          },
          {
            title: t('desk.ticket.owner'),
            dataIndex: 'ownerName',
            width: 100,
            render: (v: string | null) => v ?? <Tag color="magenta">{t('desk.ticket.unowned')}</Tag>,
          },
          {
            title: t('desk.ticket.sla'),
            key: 'sla',
            width: 150,
            render: (_: unknown, row) => (
              <SlaCountdown
                state={row.slaState}
                dueAt={
                  !row.firstRespondedAt && row.firstResponseDueAt
                    ? row.firstResponseDueAt
                    : row.resolutionDueAt
                }
              />
            ),
          },
          {
            title: t('desk.ticket.receivedAt'),
            dataIndex: 'receivedAt',
            width: 140,
            render: (v: string) => formatDateTime(v),
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
      <NewTicketDrawer
        open={creating}
        onClose={() => setCreating(false)}
        customerId={customer.id}
        onCreated={() => void list.refetch()}
      />
    </Card>
  );
}
