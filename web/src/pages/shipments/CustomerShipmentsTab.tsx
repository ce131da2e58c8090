import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type Page, type Shipment, shipApi } from '../../components/shipments/api';
import { ShipmentFormDrawer } from '../../components/shipments/ShipmentFormDrawer';
import { ShipmentTable } from '../../components/shipments/ShipmentTable';
import { errorText } from '../../lib/forms';

/** 货物 on the customer file: the customer's shipments, newest first, and a new one preset with the customer. */
export function CustomerShipmentsTab({ customerId, canCreate }: { customerId: string; canCreate: boolean }) {
  const { t } = useTranslation();
  const [exceptions, setExceptions] = useState(false);
  const [creating, setCreating] = useState(false);
  const filters = { customerId, exceptions: exceptions ? 'true' : undefined, sort: 'newest', limit: 25 };
  const list = useInfiniteQuery({
    queryKey: ['shipments', 'customer', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      shipApi.get<Page<Shipment>>('/api/shipments', { ...filters, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Card>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space>
          <Checkbox checked={exceptions} onChange={(e) => setExceptions(e.target.checked)}>
            {t('shipments.list.withExceptions')}
          </Checkbox>
          <Link to={`/shipments?customerId=${customerId}`}>{t('shipments.customerTab.openList')}</Link>
        </Space>
        {canCreate && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="customer-shipment-create"
          >
            {t('shipments.list.create')}
          </Button>
        )}
      </Space>
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <ShipmentTable
        rows={rows}
        loading={list.isLoading}
        customer={false}
        testId="customer-shipment-table"
        emptyText={t('shipments.customerTab.empty')}
      />
      {list.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
      <ShipmentFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        customerId={customerId}
        onSaved={() => void list.refetch()}
      />
    </Card>
  );
}
