import { PrinterOutlined } from '@ant-design/icons';
import { Button, Result, Skeleton } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { useUserNames } from '../../api/queries';
import { itemsOf, type Page, type WorkOrder } from '../../components/desk/deskApi';
import { useCategoryLabel, useTicket, useTicketPart } from '../../components/desk/useDesk';
import { useDepartmentName } from '../../components/selects';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import './print.css';

/** 投诉处理卡 as a printable A4 form: every card field, the work done, and lines for the signatures. */
export function TicketPrintPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const ticketQuery = useTicket(id);
  const orders = useTicketPart<Page<WorkOrder> | WorkOrder[]>(id, 'work-orders');
  const users = useUserNames();
  const departmentName = useDepartmentName();
  const categoryLabel = useCategoryLabel();

  useEffect(() => {
    if (ticketQuery.data) document.title = `${t('desk.print.title')} ${ticketQuery.data.number}`;
  }, [ticketQuery.data, t]);

  if (ticketQuery.isLoading) return <Skeleton active style={{ padding: 24 }} />;
  const ticket = ticketQuery.data;
  if (!ticket) return <Result status="warning" title={errorText(t, ticketQuery.error)} />;
  const v = (value: string | null | undefined) => (value?.trim() ? value : '');
  const enumText = (group: string, value: string | null | undefined) =>
    value ? t(`desk.enum.${group}.${value}`, { defaultValue: value }) : '';
  const responsible = [
    ticket.responsibleDepartmentId ? departmentName(ticket.responsibleDepartmentId) : '',
    ticket.responsibleUserId ? users.get(ticket.responsibleUserId)?.name : '',
    ticket.responsiblePerson ?? '',
  ]
    .filter(Boolean)
    .join(' / ');
  const workOrders = itemsOf(orders.data);

  return (
    <div className="print-page">
      <div className="print-toolbar no-print">
        <Link to={`/tickets/${ticket.id}`}>← {t('desk.print.back')}</Link>
        <Button
          type="primary"
          icon={<PrinterOutlined />}
          onClick={() => window.print()}
          data-testid="print-button"
        >
          {t('desk.print.print')}
        </Button>
      </div>
      <article className="print-sheet" data-testid="print-sheet">
        <h1>{t('desk.print.title')}</h1>
        <div className="print-meta">
          <span>
            {t('desk.ticket.number')}: <b>{ticket.number}</b>
          </span>
          <span>
            {t('desk.ticket.receivedAt')}: {formatDateTime(ticket.receivedAt)}
          </span>
        </div>
        <table className="print-table">
          <tbody>
            <tr>
              <th>{t('desk.ticket.customer')}</th>
              <td colSpan={3}>{ticket.customerName}</td>
            </tr>
            <tr>
              <th>{t('desk.ticket.contact')}</th>
              <td>{v(ticket.contactName)}</td>
              <th>{t('desk.ticket.channel')}</th>
              <td>{t(`enum.channel.${ticket.channel}`, { defaultValue: ticket.channel })}</td>
            </tr>
            <tr>
              <th>{t('desk.ticket.type')}</th>
              <td>{enumText('type', ticket.type)}</td>
              <th>{t('desk.ticket.category')}</th>
              <td>{categoryLabel(ticket.categoryId, ticket.categoryName)}</td>
            </tr>
            <tr>
              <th>{t('desk.ticket.severity')}</th>
              <td>{enumText('severity', ticket.severity)}</td>
              <th>{t('desk.ticket.shipmentRef')}</th>
              <td>
                {v(ticket.shipmentRef)}
                {ticket.lane ? ` (${ticket.lane})` : ''}
              </td>
            </tr>
            <tr>
              <th>{t('desk.ticket.subject')}</th>
              <td colSpan={3}>{ticket.subject}</td>
            </tr>
            <tr className="tall">
              <th>{t('desk.ticket.customerWords')}</th>
              <td colSpan={3}>{ticket.customerWords}</td>
            </tr>
            <tr>
              <th>{t('desk.ticket.customerRequest')}</th>
              <td colSpan={3}>{v(ticket.customerRequest)}</td>
            </tr>
            <tr>
              <th>{t('desk.ticket.owner')}</th>
              <td>{v(ticket.ownerName)}</td>
              <th>{t('desk.ticket.status')}</th>
              <td>{enumText('status', ticket.status)}</td>
            </tr>
            <tr>
              <th>{t('desk.card.rootCause')}</th>
              <td colSpan={3}>
                {(['value', 'system', 'people'] as const).map((cause) => (
                  <span key={cause} className="print-check">
                    {ticket.rootCause === cause ? '☑' : '☐'} {t(`desk.enum.rootCause.${cause}`)}
                  </span>
                ))}
              </td>
            </tr>
            <tr>
              <th>{t('desk.card.responsible')}</th>
              <td colSpan={3}>{responsible}</td>
            </tr>
            <tr className="tall">
              <th>{t('desk.card.measures')}</th>
              <td colSpan={3}>{v(ticket.measures)}</td>
            </tr>
            {workOrders.length > 0 && (
              <tr>
                <th>{t('desk.tabs.workOrders')}</th>
                <td colSpan={3}>
                  {workOrders.map((order) => (
                    <div key={order.id}>
                      {order.number} {order.departmentName ?? departmentName(order.departmentId)} ·{' '}
                      {enumText('workOrderStatus', order.status)}
                      {order.result ? `：${order.result}` : ''}
                    </div>
                  ))}
                </td>
              </tr>
            )}
            <tr className="tall">
              <th>{t('desk.card.result')}</th>
              <td colSpan={3}>{v(ticket.result) || v(ticket.resolution)}</td>
            </tr>
            <tr>
              <th>{t('desk.card.customerReaction')}</th>
              <td colSpan={3}>
                {(['satisfied', 'accepted', 'dissatisfied', 'no_response'] as const).map((r) => (
                  <span key={r} className="print-check">
                    {ticket.customerReaction === r ? '☑' : '☐'} {t(`desk.enum.reaction.${r}`)}
                  </span>
                ))}
              </td>
            </tr>
            <tr className="tall">
              <th>{t('desk.card.verification')}</th>
              <td colSpan={3}>
                {v(ticket.verification)}
                {ticket.verifiedAt ? ` (${formatDateTime(ticket.verifiedAt)})` : ''}
              </td>
            </tr>
            <tr>
              <th>{t('desk.print.closed')}</th>
              <td colSpan={3}>
                {ticket.closedAt ? formatDateTime(ticket.closedAt) : ''}
                {ticket.customerConfirmed ? ` · ${t('desk.ticket.customerConfirmed')}` : ''}
                {ticket.closeReason ? ` · ${ticket.closeReason}` : ''}
              </td>
            </tr>
          </tbody>
        </table>
        <div className="print-signatures">
          <div>
            {t('desk.print.signHandler')}: ____________ {t('desk.print.date')}: ________
          </div>
          <div>
            {t('desk.print.signDepartment')}: ____________ {t('desk.print.date')}: ________
          </div>
          <div>
            {t('desk.print.signSupervisor')}: ____________ {t('desk.print.date')}: ________
          </div>
          <div>
            {t('desk.print.signCustomer')}: ____________ {t('desk.print.date')}: ________
          </div>
        </div>
        <div className="print-footer">
          {t('desk.print.printedAt', { time: formatDateTime(new Date().toISOString()) })}
        </div>
      </article>
    </div>
  );
}
