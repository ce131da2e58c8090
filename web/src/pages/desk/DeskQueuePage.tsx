import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Input, Select, Space, Table, Tabs, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { desk, type Page, type Ticket } from '../../components/desk/deskApi';
import { TICKET_STATUSES, TICKET_TYPES } from '../../components/desk/deskEnums';
import { useTicketColumns } from '../../components/desk/ticketColumns';
import { useCategories, useCategoryName } from '../../components/desk/useDesk';
import { PageHeader } from '../../components/PageHeader';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { NewTicketDrawer } from './NewTicketDrawer';

type Tab = 'mine' | 'team' | 'all' | 'breaching' | 'breached' | 'new' | 'repeats';
/** Every status but closed: the default of the lists. */
const ACTIVE = 'new,open,waiting_customer,resolved';

/** 服务台: the tickets an agent works on, the team's, what is about to breach, and new portal requests. */
export function DeskQueuePage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const leads = me.role === 'supervisor' || me.role === 'manager' || me.role === 'admin';
  const wide =
    me.role === 'manager' || me.role === 'admin' ? 'all' : me.role === 'supervisor' ? 'team' : 'mine';
  const tab = (params.get('tab') as Tab) ?? 'mine';
  const [type, setType] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>(ACTIVE);
  const [categoryId, setCategoryId] = useState<string | undefined>();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const categories = useCategories();
  const categoryName = useCategoryName();
  const columns = useTicketColumns();

  const filters: Record<string, unknown> = { type, status, categoryId, q: q || undefined, limit: 50 };
  if (tab === 'mine' || tab === 'team' || tab === 'all') filters.view = tab;
  if (tab === 'breaching') Object.assign(filters, { view: wide, sla: 'breaching_soon' });
  if (tab === 'breached') Object.assign(filters, { view: wide, sla: 'breached' });
  if (tab === 'new') Object.assign(filters, { view: 'all', status: 'new' });
  if (tab === 'repeats') Object.assign(filters, { view: wide, repeat: true });

  const list = useInfiniteQuery({
    queryKey: ['desk', 'tickets', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => desk.get<Page<Ticket>>('/api/tickets', { ...filters, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  const tabs = [
    { key: 'mine', label: t('desk.queue.tabs.mine') },
    ...(leads ? [{ key: 'team', label: t('desk.queue.tabs.team') }] : []),
    { key: 'all', label: t('desk.queue.tabs.all') },
    { key: 'breaching', label: t('desk.queue.tabs.breaching') },
    { key: 'breached', label: t('desk.queue.tabs.breached') },
    { key: 'new', label: t('desk.queue.tabs.new') },
    ...(leads ? [{ key: 'repeats', label: t('desk.queue.tabs.repeats') }] : []),
  ];

  return (
    <>
      <PageHeader
        title={t('desk.queue.title')}
        crumbs={[{ title: t('desk.menu.desk') }]}
        extra={
          // Operations users work the department work orders; they cannot open tickets (403).
          me.role !== 'operations' && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="ticket-create"
            >
              {t('desk.queue.create')}
            </Button>
          )
        }
      >
        <Tabs
          activeKey={tab}
          items={tabs}
          onChange={(key) => setParams(key === 'mine' ? {} : { tab: key })}
          style={{ marginBottom: -16 }}
        />
      </PageHeader>
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('desk.queue.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onSearch={(value) => setQ(value.trim())}
            style={{ width: 260 }}
            data-testid="ticket-search"
          />
          <Select
            allowClear
            placeholder={t('desk.ticket.type')}
            style={{ width: 130 }}
            value={type}
            onChange={setType}
            options={TICKET_TYPES.map((v) => ({ value: v, label: t(`desk.enum.type.${v}`) }))}
          />
          {tab !== 'new' && (
            <Select
              allowClear
              placeholder={t('desk.ticket.status')}
              style={{ width: 130 }}
              value={status}
              onChange={setStatus}
              options={[
                { value: ACTIVE, label: t('desk.queue.active') },
                ...TICKET_STATUSES.map((v) => ({ value: v, label: t(`desk.enum.status.${v}`) })),
              ]}
            />
          )}
          <Select
            allowClear
            placeholder={t('desk.ticket.category')}
            style={{ width: 140 }}
            value={categoryId}
            onChange={setCategoryId}
            options={(categories.data ?? []).map((c) => ({ value: c.id, label: categoryName(c) }))}
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
        <Table<Ticket>
          rowKey="id"
          data-testid="ticket-table"
          loading={list.isLoading}
          locale={{
            emptyText:
              q || type || categoryId || (tab !== 'new' && status !== ACTIVE)
                ? t('desk.queue.empty.filtered')
                : t(`desk.queue.empty.${tab}`, { defaultValue: t('desk.queue.empty.all') }),
          }}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1400 }}
          tableLayout="fixed"
          size="middle"
          columns={columns}
        />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <NewTicketDrawer open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
