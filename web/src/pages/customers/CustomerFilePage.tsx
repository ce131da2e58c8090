import {
  CheckCircleOutlined,
  DownOutlined,
  EditOutlined,
  InboxOutlined,
  MergeCellsOutlined,
  RollbackOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Dropdown,
  Result,
  Skeleton,
  Space,
  Tabs,
  Tag,
  Tooltip,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { ApiError, api, unwrap } from '../../api/client';
import { subtreeIds, useDepartments } from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { useDepartmentName } from '../../components/selects';
import { EnumTag, StageTag, ValueClassTag } from '../../components/tags';
import { canTransfer, useMe } from '../../lib/auth';
import { errorText, isStale } from '../../lib/forms';
import { formatDate, fromNow } from '../../lib/time';
import { CustomerCommitmentsTab } from './CustomerCommitmentsTab';
import { CustomerFormDrawer } from './CustomerFormDrawer';
import { CustomerTicketsTab } from './CustomerTicketsTab';
import { CustomerShipmentsTab } from '../shipments/CustomerShipmentsTab';
import { ContactsTab } from './file/ContactsTab';
import { FollowUpsTab } from './file/FollowUpsTab';
import { InteractionsTab } from './file/InteractionsTab';
import { MergeModal } from './file/MergeModal';
import { ProfileTab } from './file/ProfileTab';
import { RequirementsTab } from './file/RequirementsTab';
import { TimelineTab } from './file/TimelineTab';
import { TransferModal } from './file/TransferModal';
import { TransfersTab } from './file/TransfersTab';
import { canEdit, useCustomer, useRefreshCustomer } from './file/useCustomer';

const TABS = [
  'profile',
  'contacts',
  'requirements',
  'timeline',
  'interactions',
  'followUps',
  'tickets',
  'shipments',
  'commitments',
  'transfers',
] as const;

export function CustomerFilePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const customer = useCustomer(id);
  const departments = useDepartments();
  const departmentName = useDepartmentName();
  const refresh = useRefreshCustomer(id);
  const [editing, setEditing] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [merging, setMerging] = useState(false);
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? params.get('tab')! : 'profile';

  const teamIds = useMemo(
    () => subtreeIds(departments.data ?? [], me.departmentId),
    [departments.data, me.departmentId],
  );

  const action = useMutation({
    mutationFn: async (kind: 'verify' | 'archive' | 'restore') => {
      const version = customer.data!.version;
      const path = { params: { path: { id } }, body: { version } };
      if (kind === 'verify')
        return unwrap(api.POST('/api/customers/{id}/verify', { params: { path: { id } }, body: {} }));
      if (kind === 'archive') return unwrap(api.POST('/api/customers/{id}/archive', path));
      return unwrap(api.POST('/api/customers/{id}/restore', path));
    },
    onSuccess: (_data, kind) => {
      message.success(t(`customer.done.${kind}`));
      void refresh();
    },
    onError: (error) => {
      message.error(isStale(error) ? t('errors.stale') : errorText(t, error));
      if (isStale(error)) void refresh();
    },
  });

  if (customer.isLoading) {
    return (
      <div style={{ paddingTop: 24 }}>
        <Skeleton active paragraph={{ rows: 8 }} />
      </div>
    );
  }
  if (customer.isError || !customer.data) {
    const notFound = customer.error instanceof ApiError && customer.error.status === 404;
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('customer.notFound') : t('errors.loadFailed')}
        subTitle={notFound ? undefined : errorText(t, customer.error)}
        extra={<Button onClick={() => navigate('/customers')}>{t('customer.backToList')}</Button>}
      />
    );
  }

  const c = customer.data;
  const editable = canEdit(me, c, teamIds) && !c.archivedAt;
  const transferable = canTransfer(me.role) && canEdit(me, c, teamIds) && !c.archivedAt;

  // Editors work on the file; operations users log contacts and next steps for their department.
  const worksOnFile = (editable || me.role === 'operations') && !c.archivedAt;
  const tabContent = {
    profile: <ProfileTab customer={c} />,
    contacts: <ContactsTab customer={c} editable={editable} />,
    requirements: <RequirementsTab customer={c} editable={editable} />,
    timeline: <TimelineTab customerId={c.id} />,
    interactions: <InteractionsTab customer={c} editable={worksOnFile} />,
    followUps: <FollowUpsTab customer={c} editable={worksOnFile} />,
    // Operations users work on work orders; the desk roles open tickets (首问负责制).
    tickets: <CustomerTicketsTab customer={c} canCreate={!c.archivedAt && me.role !== 'operations'} />,
    // 货物: the customer's shipments (issue 4); managers only read.
    shipments: <CustomerShipmentsTab customerId={c.id} canCreate={!c.archivedAt && me.role !== 'manager'} />,
    commitments: <CustomerCommitmentsTab customer={c} />,
    transfers: <TransfersTab customerId={c.id} />,
  }[tab as (typeof TABS)[number]];

  const moreItems = [
    transferable && { key: 'transfer', icon: <SwapOutlined />, label: t('customer.transfer') },
    me.role !== 'manager' &&
      canEdit(me, c, teamIds) &&
      !c.archivedAt && { key: 'merge', icon: <MergeCellsOutlined />, label: t('customer.merge') },
    canEdit(me, c, teamIds) &&
      (c.archivedAt
        ? !c.mergedIntoId && { key: 'restore', icon: <RollbackOutlined />, label: t('customer.restore') }
        : { key: 'archive', icon: <InboxOutlined />, label: t('customer.archive'), danger: true }),
  ].filter(Boolean) as { key: string; icon: React.ReactNode; label: string; danger?: boolean }[];

  const onMore = (key: string) => {
    if (key === 'transfer') setTransferring(true);
    else if (key === 'merge') setMerging(true);
    else if (key === 'restore') action.mutate('restore');
    else if (key === 'archive') {
      modal.confirm({
        title: t('customer.archiveConfirm', { name: c.name }),
        content: t('customer.archiveHint'),
        okButtonProps: { danger: true },
        okText: t('customer.archive'),
        onOk: () => action.mutateAsync('archive'),
      });
    }
  };

  return (
    <>
      <PageHeader
        title={<span data-testid="customer-name">{c.name}</span>}
        documentTitle={c.shortName || c.name}
        crumbs={[{ title: t('menu.customers'), to: '/customers' }, { title: c.shortName || c.name }]}
        tags={
          <Space size={4}>
            <StageTag stage={c.stage} reason={c.churnReason} />
            <ValueClassTag value={c.valueClass} />
            <EnumTag group="needType" value={c.needType} color="purple" />
            {c.archivedAt && (
              <Tag color="default">{c.mergedIntoId ? t('customer.merged') : t('customer.archived')}</Tag>
            )}
          </Space>
        }
        extra={
          <Space>
            {transferable && (
              <Button
                icon={<SwapOutlined />}
                onClick={() => setTransferring(true)}
                data-testid="transfer-button"
              >
                {t('customer.transfer')}
              </Button>
            )}
            {editable && (
              <Tooltip
                title={
                  c.verifiedAt
                    ? t('customer.verifiedAgo', { ago: fromNow(c.verifiedAt) })
                    : t('customer.neverVerified')
                }
              >
                <Button
                  icon={<CheckCircleOutlined />}
                  loading={action.isPending && action.variables === 'verify'}
                  onClick={() => action.mutate('verify')}
                >
                  {t('customer.verify')}
                </Button>
              </Tooltip>
            )}
            {editable && (
              <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
            )}
            {moreItems.length > 0 && (
              <Dropdown menu={{ items: moreItems, onClick: ({ key }) => onMore(key) }}>
                <Button>
                  {t('common.more')} <DownOutlined />
                </Button>
              </Dropdown>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} style={{ marginTop: 12 }}>
          <Descriptions.Item label={t('customer.owner')}>{c.ownerName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('customer.team')}>{departmentName(c.teamId)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.taxId')}>{c.taxId ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('customer.lastVerified')}>
            {c.verifiedAt ? formatDate(c.verifiedAt) : t('customer.neverVerified')}
          </Descriptions.Item>
        </Descriptions>
        {c.mergedIntoId && (
          <Alert
            type="info"
            showIcon
            style={{ marginTop: 12 }}
            title={
              <span>
                {t('customer.mergedInto')}{' '}
                <Link to={`/customers/${c.mergedIntoId}`}>{t('customer.openTarget')}</Link>
              </span>
            }
          />
        )}
        {!c.mergedIntoId && c.archivedAt && (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 12 }}
            title={t('customer.archivedOn', { date: formatDate(c.archivedAt) })}
          />
        )}
        {!editable && !c.archivedAt && (
          <Alert type="info" showIcon style={{ marginTop: 12 }} title={t('customer.readOnly')} />
        )}
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          className="page-header-tabs"
          items={TABS.map((key) => ({
            key,
            label: key === 'shipments' ? t('shipments.customerTab.tab') : t(`customer.tabs.${key}`),
          }))}
        />
      </PageHeader>

      <div data-testid={`tab-${tab}`}>{tabContent}</div>

      <CustomerFormDrawer open={editing} onClose={() => setEditing(false)} customer={c} />
      <TransferModal open={transferring} onClose={() => setTransferring(false)} customer={c} />
      <MergeModal open={merging} onClose={() => setMerging(false)} customer={c} />
    </>
  );
}
