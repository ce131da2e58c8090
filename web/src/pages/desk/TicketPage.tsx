import { RetweetOutlined } from '@ant-design/icons';
import { Badge, Card, Col, Descriptions, Result, Row, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { itemsOf, type Page, type TicketSla, type WorkOrder } from '../../components/desk/deskApi';
import { SeverityTag, TicketStatusTag, TicketTypeTag } from '../../components/desk/DeskTags';
import { SlaCountdown } from '../../components/desk/SlaCountdown';
import {
  useCategoryLabel,
  useDepartmentLabel,
  useTicket,
  useTicketPart,
} from '../../components/desk/useDesk';
import { PageHeader } from '../../components/PageHeader';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { ComplaintCardForm } from './ComplaintCardForm';
import { ConversationPanel, type Draft } from './ConversationPanel';
import { EscalationLadder, OwnershipHistory } from './HistoryPanels';
import { SuggestionsPanel } from './SuggestionsPanel';
import { TicketActions } from './TicketActions';
import { WorkOrdersPanel } from './WorkOrdersPanel';

/** One ticket: who owns it, its clocks, the conversation, the complaint card, work orders and escalations. */
export function TicketPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const me = useMe();
  const ticketQuery = useTicket(id);
  const sla = useTicketPart<TicketSla>(id, 'sla');
  const workOrders = useTicketPart<Page<WorkOrder> | WorkOrder[]>(id, 'work-orders');
  const [draft, setDraft] = useState<Draft>({ kind: 'reply', body: '' });
  const [tab, setTab] = useState('conversation');
  const categoryLabel = useCategoryLabel();
  const departmentLabel = useDepartmentLabel();

  if (ticketQuery.isLoading) return <Skeleton active />;
  if (!ticketQuery.data) {
    const missing = ticketQuery.error instanceof ApiError && ticketQuery.error.status === 404;
    return (
      <Result
        status={missing ? '404' : 'error'}
        title={missing ? t('desk.ticket.missing') : errorText(t, ticketQuery.error)}
        extra={<Link to="/desk">{t('desk.ticket.backToQueue')}</Link>}
      />
    );
  }
  const ticket = ticketQuery.data;
  const lead = me.role === 'supervisor' || me.role === 'admin';
  const mayWork = ticket.ownerId === me.id || lead;
  const open = ticket.status !== 'closed';
  const openOrders = itemsOf(workOrders.data).filter(
    (o) => o.status === 'pending' || o.status === 'accepted',
  ).length;
  const insert = (text: string, templateId?: string) => {
    setDraft((d) => ({
      ...d,
      body: d.body ? `${d.body}\n${text}` : text,
      templateId: templateId ?? d.templateId,
    }));
    setTab('conversation');
  };

  return (
    <>
      <PageHeader
        title={
          <span>
            <span data-testid="ticket-number">{ticket.number}</span> · {ticket.subject}
          </span>
        }
        documentTitle={`${ticket.number} ${ticket.subject}`}
        crumbs={[{ title: t('desk.menu.desk'), to: '/desk' }, { title: ticket.number }]}
        tags={
          <Space size={4} wrap>
            <TicketTypeTag type={ticket.type} />
            <TicketStatusTag status={ticket.status} />
            <SeverityTag severity={ticket.severity} />
            {ticket.repeatOfTicketId && (
              <Link to={`/tickets/${ticket.repeatOfTicketId}`}>
                <Tag color="red" icon={<RetweetOutlined />} data-testid="repeat-flag">
                  {t('desk.ticket.repeat')}
                </Tag>
              </Link>
            )}
            {(ticket.escalationLevel ?? 0) > 0 && (
              <Tag color="volcano">{t('desk.escalation.levelN', { level: ticket.escalationLevel })}</Tag>
            )}
          </Space>
        }
        subTitle={
          <Space wrap size={16}>
            <span>
              {t('desk.ticket.customer')}:{' '}
              <Link to={`/customers/${ticket.customerId}`} data-testid="ticket-customer">
                {ticket.customerName ?? '—'}
              </Link>
            </span>
            <span data-testid="ticket-owner">
              {t('desk.ticket.owner')}: {ticket.ownerName ?? t('desk.ticket.unowned')}
            </span>
            {sla.data && (
              <>
                <SlaCountdown
                  label={t('desk.sla.firstResponse')}
                  state={sla.data.firstResponse?.state}
                  dueAt={sla.data.firstResponse?.dueAt}
                  remainingMinutes={sla.data.firstResponse?.remainingMinutes}
                  testId="sla-first-response"
                />
                <SlaCountdown
                  label={t('desk.sla.resolution')}
                  state={sla.data.resolution?.state}
                  dueAt={sla.data.resolution?.dueAt}
                  remainingMinutes={sla.data.resolution?.remainingMinutes}
                  testId="sla-resolution"
                />
              </>
            )}
          </Space>
        }
      >
        <div style={{ marginTop: 12 }}>
          <TicketActions ticket={ticket} />
        </div>
      </PageHeader>
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Card>
            <Tabs
              activeKey={tab}
              onChange={setTab}
              items={[
                {
                  key: 'conversation',
                  label: t('desk.tabs.conversation'),
                  children: <ConversationPanel ticket={ticket} draft={draft} onDraft={setDraft} />,
                },
                {
                  key: 'card',
                  label: t('desk.tabs.card'),
                  children: <ComplaintCardForm ticket={ticket} editable={mayWork} />,
                },
                {
                  key: 'workOrders',
                  label: (
                    <Badge count={openOrders} size="small" offset={[8, 0]}>
                      {t('desk.tabs.workOrders')}
                    </Badge>
                  ),
                  children: (
                    <WorkOrdersPanel ticket={ticket} canDispatch={mayWork && open && !!ticket.ownerId} />
                  ),
                },
                {
                  key: 'escalations',
                  label: t('desk.tabs.escalations'),
                  children: <EscalationLadder ticketId={ticket.id} />,
                },
                {
                  key: 'ownership',
                  label: t('desk.tabs.ownership'),
                  children: <OwnershipHistory ticketId={ticket.id} />,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card title={t('desk.ticket.details')} size="small">
              <Descriptions column={1} size="small" data-testid="ticket-details">
                <Descriptions.Item label={t('desk.ticket.contact')}>
                  {ticket.contactName ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('desk.ticket.channel')}>
                  {t(`enum.channel.${ticket.channel}`, { defaultValue: ticket.channel })}
                </Descriptions.Item>
                <Descriptions.Item label={t('desk.ticket.category')}>
                  {categoryLabel(ticket.categoryId, ticket.categoryName)}
                </Descriptions.Item>
                <Descriptions.Item label={t('desk.ticket.shipmentRef')}>
                  {ticket.shipmentRef ?? '—'}
                </Descriptions.Item>
                <Descriptions.Item label={t('desk.ticket.lane')}>{ticket.lane ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('desk.ticket.receivedAt')}>
                  {formatDateTime(ticket.receivedAt)}
                </Descriptions.Item>
                <Descriptions.Item label={t('desk.ticket.department')}>
                  {departmentLabel(ticket.departmentId, ticket.departmentName)}
                </Descriptions.Item>
                {(ticket.reopenCount ?? 0) > 0 && (
                  <Descriptions.Item label={t('desk.ticket.reopenCount')}>
                    {ticket.reopenCount}
                  </Descriptions.Item>
                )}
              </Descriptions>
              <Typography.Text type="secondary">{t('desk.ticket.customerWords')}</Typography.Text>
              <Typography.Paragraph
                style={{ whiteSpace: 'pre-wrap', background: '#fafafa', padding: 8, borderRadius: 6 }}
              >
                {ticket.customerWords}
              </Typography.Paragraph>
              {ticket.customerRequest && (
                <>
                  <Typography.Text type="secondary">{t('desk.ticket.customerRequest')}</Typography.Text>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
                    {ticket.customerRequest}
                  </Typography.Paragraph>
                </>
              )}
              {ticket.resolution && (
                <>
                  <Typography.Text type="secondary">{t('desk.actions.resolution')}</Typography.Text>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="ticket-resolution">
                    {ticket.resolution}
                  </Typography.Paragraph>
                </>
              )}
              {ticket.status === 'closed' && (
                <Typography.Paragraph type="secondary" data-testid="ticket-closed-info">
                  {t('desk.ticket.closedAt', { time: formatDateTime(ticket.closedAt) })}
                  {ticket.customerConfirmed ? ` · ${t('desk.ticket.customerConfirmed')}` : ''}
                  {ticket.closeReason ? ` · ${ticket.closeReason}` : ''}
                  {ticket.resolvedAtFirstContact ? ` · ${t('desk.ticket.firstContact')}` : ''}
                </Typography.Paragraph>
              )}
            </Card>
            <Card title={t('desk.suggestions.title')} size="small">
              <SuggestionsPanel ticketId={ticket.id} onInsert={insert} disabled={!open} />
            </Card>
          </Space>
        </Col>
      </Row>
    </>
  );
}
