import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Checkbox, Input, Segmented, Select, Space, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { CustomerSelect } from '../../components/CustomerSelect';
import { PageHeader } from '../../components/PageHeader';
import { DepartmentSelect } from '../../components/selects';
import {
  type Page,
  SHIPMENT_MODES,
  SHIPMENT_STATUSES,
  type Shipment,
  shipApi,
} from '../../components/shipments/api';
import { ShipmentFormDrawer } from '../../components/shipments/ShipmentFormDrawer';
import { ShipmentTable } from '../../components/shipments/ShipmentTable';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';

type Sort = 'newest' | 'exceptions' | 'promised';

/** 货物追踪: every shipment the user may see, found by any reference; operations see exceptions first. */
export function ShipmentListPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const q = params.get('q') ?? '';
  const [customerId, setCustomerId] = useState<string | null>(params.get('customerId'));
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [mode, setMode] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [exceptions, setExceptions] = useState(params.get('exceptions') === 'true');
  const [sort, setSort] = useState<Sort>(me.role === 'operations' ? 'exceptions' : 'newest');
  const [creating, setCreating] = useState(false);
  const mayCreate = me.role !== 'manager';

  const filters = {
    q: q || undefined,
    customerId: customerId ?? undefined,
    departmentId: departmentId ?? undefined,
    mode,
    status,
    exceptions: exceptions ? 'true' : undefined,
    sort,
    limit: 50,
  };
  const list = useInfiniteQuery({
    queryKey: ['shipments', 'list', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      shipApi.get<Page<Shipment>>('/api/shipments', { ...filters, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = !!(q || customerId || departmentId || mode || status || exceptions);

  const runSearch = (value: string) => {
    const next = new URLSearchParams(params);
    if (value.trim()) next.set('q', value.trim());
    else next.delete('q');
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title={t('shipments.list.title')}
        crumbs={[{ title: t('shipments.menu.shipments') }]}
        extra={
          mayCreate && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="shipment-create"
            >
              {t('shipments.list.create')}
            </Button>
          )
        }
      />
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('shipments.list.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={runSearch}
            style={{ width: 300 }}
            data-testid="shipment-search"
          />
          <CustomerSelect value={customerId} onChange={setCustomerId} style={{ width: 220 }} />
          <DepartmentSelect
            value={departmentId}
            onChange={setDepartmentId}
            style={{ width: 180 }}
            placeholder={t('shipments.field.department')}
          />
          <Select
            allowClear
            placeholder={t('shipments.field.mode')}
            style={{ width: 110 }}
            value={mode}
            onChange={setMode}
            options={SHIPMENT_MODES.map((v) => ({ value: v, label: t(`enum.serviceMode.${v}`) }))}
          />
          <Select
            allowClear
            placeholder={t('shipments.field.status')}
            style={{ width: 130 }}
            value={status}
            onChange={setStatus}
            options={SHIPMENT_STATUSES.map((v) => ({ value: v, label: t(`shipments.status.${v}`) }))}
          />
          <Checkbox
            checked={exceptions}
            onChange={(e) => setExceptions(e.target.checked)}
            data-testid="shipment-exceptions-only"
          >
            {t('shipments.list.withExceptions')}
          </Checkbox>
          <Segmented<Sort>
            value={sort}
            onChange={setSort}
            data-testid="shipment-sort"
            options={[
              { value: 'newest', label: t('shipments.list.sort.newest') },
              { value: 'exceptions', label: t('shipments.list.sort.exceptions') },
              { value: 'promised', label: t('shipments.list.sort.promised') },
            ]}
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
        <ShipmentTable
          rows={rows}
          loading={list.isLoading}
          emptyText={filtered ? t('shipments.list.emptyFiltered') : t('shipments.list.empty')}
        />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <ShipmentFormDrawer open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
