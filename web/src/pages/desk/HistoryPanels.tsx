import { Empty, Steps, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Escalation, itemsOf, type OwnershipChange, type Page } from '../../components/desk/deskApi';
import { useTicketPart } from '../../components/desk/useDesk';
import { useUserNames } from '../../api/queries';
import { formatDateTime } from '../../lib/time';

/** The escalation ladder (三换): every step with its level, who, when and why. */
export function EscalationLadder({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const users = useUserNames();
  const name = (id: string | null | undefined, given?: string | null) =>
    given ?? (id ? users.get(id)?.name : undefined) ?? '—';
  const steps = useTicketPart<Page<Escalation> | Escalation[]>(ticketId, 'escalations');
  const items = itemsOf(steps.data);
  if (!items.length)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('desk.escalation.none')} />;
  return (
    <Steps
      orientation="vertical"
      size="small"
      current={items.length - 1}
      data-testid="escalation-ladder"
      items={items.map((step) => ({
        key: step.id,
        title: (
          <span>
            <Tag color={step.kind === 'person' ? 'red' : step.kind === 'place' ? 'purple' : 'blue'}>
              {t(`desk.enum.escalation.${step.kind}`, { defaultValue: step.kind })}
            </Tag>
            {t('desk.escalation.levelN', { level: step.level })}
            {step.trigger !== 'manual' && (
              <Tag style={{ marginLeft: 8 }}>
                {t(`desk.enum.trigger.${step.trigger}`, { defaultValue: step.trigger })}
              </Tag>
            )}
          </span>
        ),
        content: (
          <div style={{ fontSize: 13 }}>
            <div>
              {formatDateTime(step.createdAt)} · {t('desk.escalation.by')}{' '}
              {name(
                step.byUserId,
                step.byUserName ?? (step.byUserId ? undefined : t('desk.escalation.system')),
              )}
            </div>
            {step.toUserId && (
              <div>
                {step.kind === 'time' ? t('desk.escalation.withManager') : t('desk.escalation.toOwner')}:{' '}
                {name(step.toUserId, step.toUserName)}
                {step.departmentName ? ` · ${step.departmentName}` : ''}
              </div>
            )}
            {step.place && (
              <div>
                {t('desk.escalation.place')}: {step.place}
              </div>
            )}
            {!!step.attendees?.length && (
              <div>
                {t('desk.escalation.attendees')}: {step.attendees.join('、')}
              </div>
            )}
            {step.scheduledAt && (
              <div>
                {t('desk.escalation.scheduledAt')}: {formatDateTime(step.scheduledAt)}
              </div>
            )}
            <div style={{ color: 'rgba(0,0,0,0.65)' }}>
              {t('desk.escalation.reason')}: {step.reason}
            </div>
          </div>
        ),
      }))}
    />
  );
}

/** 首问负责制: every change of owner, with its reason. */
export function OwnershipHistory({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const users = useUserNames();
  const name = (id: string | null | undefined, given?: string | null) =>
    given ?? (id ? users.get(id)?.name : undefined) ?? '—';
  const history = useTicketPart<Page<OwnershipChange> | OwnershipChange[]>(ticketId, 'ownership');
  return (
    <Table<OwnershipChange>
      rowKey="id"
      size="small"
      pagination={false}
      loading={history.isLoading}
      dataSource={itemsOf(history.data)}
      locale={{ emptyText: t('desk.ownership.none') }}
      data-testid="ownership-history"
      columns={[
        {
          title: t('desk.ownership.at'),
          dataIndex: 'at',
          render: (v: string) => formatDateTime(v),
          width: 140,
        },
        {
          title: t('desk.ownership.kind'),
          dataIndex: 'kind',
          width: 90,
          render: (v: string) => <Tag>{t(`desk.enum.ownershipKind.${v}`, { defaultValue: v })}</Tag>,
        },
        {
          title: t('desk.ownership.from'),
          key: 'from',
          render: (_: unknown, r) => name(r.fromUserId, r.fromUserName),
        },
        {
          title: t('desk.ownership.to'),
          key: 'to',
          render: (_: unknown, r) => name(r.toUserId, r.toUserName),
        },
        {
          title: t('desk.ownership.by'),
          key: 'by',
          render: (_: unknown, r) => name(r.byUserId, r.byUserName),
        },
        { title: t('desk.ownership.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '—' },
      ]}
    />
  );
}
