import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Card, Dropdown, Segmented, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { subtreeIds, useDepartments, useUserNames } from '../../api/queries';
import { CustomerSelect } from '../../components/CustomerSelect';
import { PageHeader } from '../../components/PageHeader';
import { type Commitment, deskApi, type Page } from '../../components/deskadmin/api';
import {
  type CommitmentAction,
  CommitmentActionModal,
} from '../../components/deskadmin/CommitmentActionModal';
import { CommitmentFormDrawer } from '../../components/deskadmin/CommitmentFormDrawer';
import { useMe } from '../../lib/auth';
import { formatDateTime, fromNow } from '../../lib/time';

const TABS = ['open', 'pending', 'overdue', 'kept', 'broken', 'renegotiated'] as const;
type BoardTab = (typeof TABS)[number];
type Scope = 'mine' | 'team' | 'all';

const STATUS_COLORS: Record<string, string> = {
  open: 'processing',
  kept: 'success',
  broken: 'error',
  renegotiated: 'warning',
};
const APPROVAL_COLORS: Record<string, string> = { pending: 'orange', approved: 'green', rejected: 'red' };

function tabQuery(tab: BoardTab): Record<string, string | boolean> {
  switch (tab) {
    case 'pending':
      return { approval: 'pending' };
    case 'overdue':
      return { overdue: true };
    default:
      return { status: tab };
  }
}

export function CommitmentStatusTags({ commitment }: { commitment: Commitment }) {
  const { t } = useTranslation();
  return (
    <Space size={4} wrap>
      <Tag color={STATUS_COLORS[commitment.status]}>
        {t(`deskAdmin.enum.commitmentStatus.${commitment.status}`)}
      </Tag>
      {commitment.approvalStatus !== 'not_needed' && (
        <Tooltip title={commitment.approvalNote}>
          <Tag color={APPROVAL_COLORS[commitment.approvalStatus]}>
            {t(`deskAdmin.enum.approval.${commitment.approvalStatus}`)}
          </Tag>
        </Tooltip>
      )}
      {commitment.overdue && <Tag color="red">{t('deskAdmin.commitments.overdue')}</Tag>}
    </Space>
  );
}

/** How many promises wait for a decision or are overdue in the chosen scope (a badge on the tab). */
function useCommitmentCount(
  key: 'pending' | 'overdue',
  options: { scope: Scope; customerId?: string; me: string; stamp: string; keep: (c: Commitment) => boolean },
) {
  return useQuery({
    queryKey: ['commitments', 'count', key, options.scope, options.customerId, options.me, options.stamp],
    queryFn: async () => {
      const page = await deskApi.get<Page<Commitment>>('/api/commitments', {
        ...tabQuery(key),
        customerId: options.customerId,
        madeById: options.scope === 'mine' ? options.me : undefined,
        limit: 200,
      });
      return { count: page.items.filter(options.keep).length, more: !!page.nextCursor };
    },
  }).data;
}

/** 承诺看板: every promise to customers by state, with approval, outcome and renegotiation. */
export function CommitmentsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const departments = useDepartments();
  const users = useUserNames();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as BoardTab)
    : 'open';
  const isLead = ['supervisor', 'manager', 'admin'].includes(me.role);
  const scope =
    (params.get('scope') as Scope | null) ?? (isLead ? (me.role === 'supervisor' ? 'team' : 'all') : 'mine');
  const customerId = params.get('customer') ?? undefined;
  const [creating, setCreating] = useState(false);
  const [acting, setActing] = useState<{ action: CommitmentAction; commitment: Commitment } | null>(null);

  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const team = useMemo(
    () => new Set(subtreeIds(departments.data ?? [], me.departmentId)),
    [departments.data, me.departmentId],
  );
  /** The maker's department (their team); the list answer names the maker, the user list their team. */
  const makerDepartment = (c: Commitment) => users.get(c.madeById)?.departmentId ?? null;
  const inTeam = (c: Commitment) => {
    const department = makerDepartment(c);
    return department !== null && team.has(department);
  };
  const canApprove = (c: Commitment) =>
    c.madeById !== me.id &&
    c.createdBy !== me.id &&
    (me.role === 'admin' || me.role === 'manager' || (me.role === 'supervisor' && inTeam(c)));

  const list = useInfiniteQuery({
    queryKey: ['commitments', tab, scope, customerId, me.id],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      deskApi.get<Page<Commitment>>('/api/commitments', {
        ...tabQuery(tab),
        customerId,
        madeById: scope === 'mine' ? me.id : undefined,
        cursor: pageParam,
        limit: 50,
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = (list.data?.pages.flatMap((page) => page.items) ?? []).filter(
    (c) => scope !== 'team' || inTeam(c) || c.madeById === me.id,
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['commitments'] });

  const countScope = {
    scope,
    customerId,
    me: me.id,
    stamp: `${team.size}-${users.size}`,
    keep: (c: Commitment) => scope !== 'team' || inTeam(c) || c.madeById === me.id,
  };
  const counts = {
    pending: useCommitmentCount('pending', countScope),
    overdue: useCommitmentCount('overdue', countScope),
  };

  const actionsOf = (c: Commitment) => {
    const out: { key: CommitmentAction; label: string; danger?: boolean }[] = [];
    if (c.status !== 'open') return out;
    if (c.approvalStatus === 'pending' && canApprove(c)) {
      out.push({ key: 'approve', label: t('deskAdmin.commitments.action.approve') });
      out.push({ key: 'reject', label: t('deskAdmin.commitments.action.reject'), danger: true });
    }
    if (c.approvalStatus !== 'pending' && c.approvalStatus !== 'rejected') {
      out.push({ key: 'kept', label: t('deskAdmin.commitments.action.kept') });
      out.push({ key: 'broken', label: t('deskAdmin.commitments.action.broken'), danger: true });
    }
    out.push({ key: 'renegotiate', label: t('deskAdmin.commitments.action.renegotiate') });
    return out;
  };

  return (
    <>
      <PageHeader
        title={t('deskAdmin.menu.commitments')}
        crumbs={[{ title: t('deskAdmin.menu.commitments') }]}
        subTitle={t('deskAdmin.commitments.subtitle')}
        extra={
          <Space>
            {isLead && (
              <Link to="/commitments/review">
                <Button>{t('deskAdmin.menu.commitmentReview')}</Button>
              </Link>
            )}
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="commitment-create"
            >
              {t('deskAdmin.commitments.create')}
            </Button>
          </Space>
        }
      />
      <Card>
        <Space wrap style={{ marginBottom: 8 }}>
          <Segmented
            value={scope}
            onChange={(value) => set('scope', String(value))}
            options={(['mine', 'team', 'all'] as const).map((s) => ({
              value: s,
              label: t(`deskAdmin.commitments.scope.${s}`),
            }))}
            data-testid="commitment-scope"
          />
          <CustomerSelect
            value={customerId ?? null}
            onChange={(value) => set('customer', value ?? undefined)}
            style={{ width: 280 }}
          />
        </Space>
        <Tabs
          activeKey={tab}
          onChange={(key) => set('tab', key)}
          items={TABS.map((key) => {
            const count = key === 'pending' || key === 'overdue' ? counts[key] : undefined;
            return {
              key,
              label: (
                <Space size={6}>
                  {t(`deskAdmin.commitments.tab.${key}`)}
                  {!!count?.count && (
                    <Badge
                      count={count.more ? `${count.count}+` : count.count}
                      color={key === 'overdue' ? 'red' : 'orange'}
                      data-testid={`commitment-count-${key}`}
                    />
                  )}
                </Space>
              ),
            };
          })}
        />
        <Table<Commitment>
          rowKey="id"
          data-testid="commitment-table"
          loading={list.isLoading}
          locale={{ emptyText: t(`deskAdmin.commitments.empty.${tab}`) }}
          dataSource={items}
          pagination={false}
          scroll={{ x: 1100 }}
          onRow={(c) => ({ style: c.overdue ? { background: '#fff1f0' } : undefined })}
          columns={[
            {
              title: t('deskAdmin.commitments.customer'),
              dataIndex: 'customerName',
              width: 200,
              render: (name: string, c) => (
                <Space direction="vertical" size={0}>
                  <Link to={`/customers/${c.customerId}`}>{name}</Link>
                  {c.contactName && <Typography.Text type="secondary">{c.contactName}</Typography.Text>}
                </Space>
              ),
            },
            {
              title: t('deskAdmin.commitments.promise'),
              dataIndex: 'promise',
              render: (promise: string, c) => (
                <Space direction="vertical" size={0}>
                  <Typography.Text>{promise}</Typography.Text>
                  {c.ticketNumber && <Typography.Text type="secondary">{c.ticketNumber}</Typography.Text>}
                  {c.outcomeNote && <Typography.Text type="secondary">{c.outcomeNote}</Typography.Text>}
                </Space>
              ),
            },
            {
              title: t('deskAdmin.commitments.amount'),
              dataIndex: 'amount',
              width: 150,
              render: (amount: number | null, c) => (
                <Space direction="vertical" size={0}>
                  <span>{amount === null ? '—' : `¥${Number(amount).toLocaleString()}`}</span>
                  {c.bottomLine && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('deskAdmin.commitments.bottomLine')}: {c.bottomLine}
                    </Typography.Text>
                  )}
                </Space>
              ),
            },
            {
              title: t('deskAdmin.commitments.dueAt'),
              dataIndex: 'dueAt',
              width: 150,
              render: (v: string, c) => (
                <Tooltip title={fromNow(v)}>
                  <Typography.Text type={c.overdue ? 'danger' : undefined}>
                    {formatDateTime(v)}
                  </Typography.Text>
                </Tooltip>
              ),
            },
            { title: t('deskAdmin.commitments.madeBy'), dataIndex: 'madeByName', width: 110 },
            {
              title: t('deskAdmin.commitments.state'),
              key: 'state',
              width: 170,
              render: (_: unknown, c) => <CommitmentStatusTags commitment={c} />,
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 190,
              fixed: 'right',
              render: (_: unknown, c) => {
                const actions = actionsOf(c);
                if (!actions.length) return null;
                const [first, ...rest] = actions;
                return (
                  <Space size={4}>
                    <Button
                      size="small"
                      onClick={() => setActing({ action: first.key, commitment: c })}
                      danger={first.danger}
                    >
                      {first.label}
                    </Button>
                    {rest.length > 0 && (
                      <Dropdown
                        menu={{
                          items: rest.map((a) => ({ key: a.key, label: a.label, danger: a.danger })),
                          onClick: ({ key }) => setActing({ action: key as CommitmentAction, commitment: c }),
                        }}
                      >
                        <Button size="small">{t('common.more')}</Button>
                      </Dropdown>
                    )}
                  </Space>
                );
              },
            },
          ]}
        />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <CommitmentFormDrawer
        open={creating}
        customerId={customerId}
        onClose={() => setCreating(false)}
        onSaved={(c) => {
          setCreating(false);
          void refresh();
          if (c.approvalStatus === 'pending') set('tab', 'pending');
        }}
      />
      <CommitmentActionModal
        action={acting?.action ?? null}
        commitment={acting?.commitment ?? null}
        onClose={() => setActing(null)}
        onDone={() => {
          setActing(null);
          void refresh();
        }}
      />
    </>
  );
}
