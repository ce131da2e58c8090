import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { SEVERITY_COLORS, STATUS_COLORS, TYPE_COLORS, WORK_ORDER_COLORS } from './deskEnums';

export function TicketStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-testid="ticket-status">
      {t(`desk.enum.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}

export function SeverityTag({ severity }: { severity: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={SEVERITY_COLORS[severity] ?? 'default'}>
      {t(`desk.enum.severity.${severity}`, { defaultValue: severity })}
    </Tag>
  );
}

export function TicketTypeTag({ type }: { type: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={TYPE_COLORS[type] ?? 'default'}>{t(`desk.enum.type.${type}`, { defaultValue: type })}</Tag>
  );
}

export function WorkOrderStatusTag({ status, overdue }: { status: string; overdue?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Tag color={WORK_ORDER_COLORS[status] ?? 'default'} data-testid="work-order-status">
        {t(`desk.enum.workOrderStatus.${status}`, { defaultValue: status })}
      </Tag>
      {overdue && <Tag color="error">{t('desk.workOrders.overdue')}</Tag>}
    </>
  );
}
