import { RetweetOutlined } from '@ant-design/icons';
import { Space, Tag, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../lib/time';
import type { Ticket } from './deskApi';
import { SeverityTag, TicketStatusTag, TicketTypeTag } from './DeskTags';
import { SlaCountdown } from './SlaCountdown';
import { useCategoryLabel } from './useDesk';

export interface TicketColumnOptions {
  /** Show the customer column (the queue does; the customer file does not — it is that customer). */
  customer?: boolean;
  /** Width of the subject column. */
  subjectWidth?: number;
}

/** The columns of a ticket list: the desk queue and the customer file's 工单/投诉 tab share them. */
export function useTicketColumns({
  customer = true,
  subjectWidth = 320,
}: TicketColumnOptions = {}): ColumnsType<Ticket> {
  const { t } = useTranslation();
  const categoryLabel = useCategoryLabel();
  return [
    {
      title: t('desk.ticket.number'),
      dataIndex: 'number',
      width: 140,
      render: (value: string, row) => <Link to={`/tickets/${row.id}`}>{value}</Link>,
    },
    {
      title: t('desk.ticket.subject'),
      dataIndex: 'subject',
      width: subjectWidth,
      render: (value: string, row) => (
        <Space size={4} wrap>
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
    ...(customer
      ? [
          {
            title: t('desk.ticket.customer'),
            dataIndex: 'customerName',
            width: 220,
            ellipsis: true,
            render: (value: string | null, row: Ticket) => (
              <Link to={`/customers/${row.customerId}`}>{value ?? '—'}</Link>
            ),
          },
        ]
      : []),
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
            !row.firstRespondedAt && row.firstResponseDueAt ? row.firstResponseDueAt : row.resolutionDueAt
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
  ];
}
