import { PlusOutlined, ReloadOutlined, RetweetOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Input, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { desk, type Page, type Ticket } from '../../components/desk/deskApi';
import { TICKET_STATUSES, TICKET_TYPES } from '../../components/desk/deskEnums';
import { SeverityTag, TicketStatusTag, TicketTypeTag } from '../../components/desk/DeskTags';
import { SlaCountdown } from '../../components/desk/SlaCountdown';
import { useCategories, useCategoryLabel, useCategoryName } from '../../components/desk/useDesk';
import { PageHeader } from '../../components/PageHeader';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
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
  const categoryLabel = useCategoryLabel();

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
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="ticket-create"
          >
            {t('desk.queue.create')}
          </Button>
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
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1400 }}
          tableLayout="fixed"
          size="middle"
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
              width: 320,
              render: (value: string, row) => (
                <Space size={4}>
                  <Link to={`/tickets/${row.id}`}>{value}</Link>
                  {row.repeatOfTicketId && (
                    <Tooltip title={t('desk.ticket.repeatHint')}>
                      <Tag color="red" icon={<RetweetOutlined />} data-testid="repeat-flag">
                        {t('desk.ticket.repeat')}
                      </Tag>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            {
              title: t('desk.ticket.customer'),
              dataIndex: 'customerName',
              width: 220,
              ellipsis: true,
              render: (value: string | null, row) => (
                <Link to={`/customers/${row.customerId}`}>{value ?? '—'}</Link>
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
      </Card>
      <NewTicketDrawer open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
