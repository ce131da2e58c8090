import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { desk, type Page, type Ticket } from '../../components/desk/deskApi';
import { useTicketColumns } from '../../components/desk/ticketColumns';
import { errorText } from '../../lib/forms';
import { NewTicketDrawer } from '../desk/NewTicketDrawer';
import type { Customer } from './file/useCustomer';

/** Every status but closed. */
const ACTIVE = 'new,open,waiting_customer,resolved';

/** 工单/投诉 on the customer file: the customer's tickets, newest first, and a new one preset with the customer. */
export function CustomerTicketsTab({ customer, canCreate }: { customer: Customer; canCreate: boolean }) {
  const { t } = useTranslation();
  const columns = useTicketColumns({ customer: false, subjectWidth: 280 });
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
        columns={columns}
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
