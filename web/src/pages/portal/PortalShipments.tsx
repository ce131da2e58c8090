import { BellOutlined, SearchOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Badge, Button, Card, Checkbox, Empty, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type PortalShipment, PORTAL_MODES, PORTAL_STATUSES, trackApi } from '../../components/track/api';
import { StatusTag } from '../../components/track/TrackSummary';
import { modeLabel, routeOf, statusLabel } from '../../components/track/words';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { PortalShipmentDrawer, SubscriptionModal } from './PortalShipmentDetail';

interface Filters {
  q: string;
  mode?: string;
  status?: string;
  exceptions: boolean;
  sort: 'newest' | 'exceptions' | 'promised';
}

/** The references a customer knows a shipment by, in one line. */
export function referencesOf(s: PortalShipment): string {
  return [s.customerReference, s.orderNo, s.houseBl, s.masterBl, s.bookingRef, s.awb, ...(s.containers ?? [])]
    .filter(Boolean)
    .join(' · ');
}

/** 我的货物: every shipment of the portal user's company, with search and filters; a row opens its detail. */
export function PortalShipments(props: { openId: string | null; onOpen: (id: string | null) => void }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>({ q: '', exceptions: false, sort: 'newest' });
  const [search, setSearch] = useState('');
  const [subscribingAll, setSubscribingAll] = useState(false);
  const list = useInfiniteQuery({
    queryKey: ['portal', 'shipments', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      trackApi.shipments({
        q: filters.q.trim(),
        mode: filters.mode,
        status: filters.status,
        exceptions: filters.exceptions ? 'true' : undefined,
        sort: filters.sort,
        limit: 50,
        cursor: pageParam,
      }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const subscriptions = useQuery({
    queryKey: ['portal', 'shipment-subscriptions'],
    queryFn: trackApi.subscriptions,
  });
  const subscribedToAll = (subscriptions.data ?? []).some((s) => s.shipmentId === null);
  const rows = (list.data?.pages ?? []).flatMap((p) => p.items);

  return (
    <Card
      title={t('track.portal.title')}
      data-testid="portal-shipments"
      extra={
        <Button
          icon={<BellOutlined />}
          onClick={() => setSubscribingAll(true)}
          data-testid="portal-subscribe-all"
        >
          {subscribedToAll ? t('track.portal.subscribed') : t('track.portal.subscribeAll')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('track.portal.search')}
          style={{ width: 320, maxWidth: '100%' }}
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            if (!e.target.value) setFilters((f) => ({ ...f, q: '' }));
          }}
          onPressEnter={() => setFilters((f) => ({ ...f, q: search }))}
          data-testid="portal-shipments-search"
        />
        <Select
          allowClear
          placeholder={t('track.portal.mode')}
          style={{ width: 140 }}
          value={filters.mode}
          onChange={(mode) => setFilters((f) => ({ ...f, mode }))}
          options={PORTAL_MODES.map((m) => ({ value: m, label: modeLabel(t, m) }))}
        />
        <Select
          allowClear
          placeholder={t('track.portal.status')}
          style={{ width: 170 }}
          value={filters.status}
          onChange={(status) => setFilters((f) => ({ ...f, status }))}
          options={PORTAL_STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) }))}
        />
        <Select
          style={{ width: 170 }}
          value={filters.sort}
          onChange={(sort) => setFilters((f) => ({ ...f, sort }))}
          data-testid="portal-shipments-sort"
          options={(['newest', 'exceptions', 'promised'] as const).map((v) => ({
            value: v,
            label: t(`track.portal.sort.${v}`),
          }))}
        />
        <Checkbox
          checked={filters.exceptions}
          onChange={(e) => setFilters((f) => ({ ...f, exceptions: e.target.checked }))}
          data-testid="portal-shipments-exceptions"
        >
          {t('track.portal.withExceptions')}
        </Checkbox>
      </Space>
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <Table<PortalShipment>
        rowKey="id"
        size="middle"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('track.portal.none')} />,
        }}
        onRow={(row) => ({ onClick: () => props.onOpen(row.id), style: { cursor: 'pointer' } })}
        columns={[
          {
            title: t('track.portal.number'),
            dataIndex: 'number',
            width: 150,
            render: (v: string) => <Typography.Link>{v}</Typography.Link>,
          },
          {
            title: t('track.portal.references'),
            key: 'references',
            ellipsis: true,
            render: (_: unknown, s) => referencesOf(s) || '—',
          },
          {
            title: t('track.portal.mode'),
            dataIndex: 'mode',
            width: 100,
            render: (v: string) => modeLabel(t, v),
          },
          {
            title: t('track.portal.lane'),
            key: 'lane',
            width: 150,
            render: (_: unknown, s) => s.lane ?? routeOf(s.origin, s.destination),
          },
          {
            title: t('track.portal.status'),
            dataIndex: 'status',
            width: 150,
            render: (v: string) => <StatusTag status={v} />,
          },
          {
            title: t('track.portal.promised'),
            dataIndex: 'promisedAt',
            width: 140,
            render: (v: string | null) => formatDateTime(v),
          },
          {
            title: t('track.portal.eta'),
            key: 'eta',
            width: 140,
            render: (_: unknown, s) => {
              const late =
                !s.deliveredAt &&
                !!s.promisedAt &&
                !!s.estimatedDeliveryAt &&
                new Date(s.estimatedDeliveryAt) > new Date(s.promisedAt);
              return (
                <Typography.Text type={late ? 'danger' : undefined}>
                  {formatDateTime(s.deliveredAt ?? s.estimatedDeliveryAt)}
                </Typography.Text>
              );
            },
          },
          {
            title: t('track.portal.exceptions'),
            dataIndex: 'openExceptions',
            width: 80,
            render: (v: number) => (v > 0 ? <Badge count={v} /> : '—'),
          },
        ]}
      />
      {list.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('track.portal.loadMore')}
          </Button>
        </div>
      )}
      <PortalShipmentDrawer id={props.openId} onClose={() => props.onOpen(null)} />
      <SubscriptionModal
        open={subscribingAll}
        shipmentId={null}
        subscriptions={subscriptions.data ?? []}
        onClose={() => setSubscribingAll(false)}
      />
    </Card>
  );
}
