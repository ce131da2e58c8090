import { Badge, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime, local } from '../../lib/time';
import { EXCEPTION_EVENT_CODES, type Shipment } from './api';

const STATUS_COLORS: Record<string, string> = {
  created: 'default',
  booked: 'cyan',
  received: 'cyan',
  loaded: 'blue',
  departed: 'processing',
  arrived: 'geekblue',
  discharged: 'geekblue',
  customs_released: 'purple',
  out_for_delivery: 'gold',
  delivered: 'success',
  cancelled: 'default',
};

/** The shipment's derived status (created, a milestone, cancelled) as a coloured tag. */
export function ShipmentStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const exception = EXCEPTION_EVENT_CODES.includes(status.toUpperCase());
  return (
    <Tag color={exception ? 'error' : (STATUS_COLORS[status] ?? 'blue')} data-testid="shipment-status">
      {t(`shipments.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}

export function ModeTag({ mode }: { mode: string }) {
  const { t } = useTranslation();
  return <Tag>{t(`enum.serviceMode.${mode}`, { defaultValue: mode })}</Tag>;
}

const KIND_COLORS: Record<string, string> = {
  delay: 'orange',
  silence: 'gold',
  damaged: 'red',
  hold: 'volcano',
  lost: 'magenta',
  delivery_failed: 'red',
};

export function ExceptionKindTag({ kind }: { kind: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={KIND_COLORS[kind] ?? 'red'}>
      {t(`shipments.exceptionKind.${kind}`, { defaultValue: kind })}
    </Tag>
  );
}

export function ExceptionStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const color = status === 'open' ? 'error' : status === 'acknowledged' ? 'warning' : 'success';
  return (
    <Tag color={color} data-testid="exception-status">
      {t(`shipments.exceptionStatus.${status}`, { defaultValue: status })}
    </Tag>
  );
}

export function OpenExceptionsBadge({ count }: { count: number }) {
  const { t } = useTranslation();
  if (!count) return <span style={{ color: 'rgba(0,0,0,0.25)' }}>—</span>;
  return (
    <Tooltip title={t('shipments.list.openExceptionsHint', { count })}>
      <Badge count={count} data-testid="open-exceptions" />
    </Tooltip>
  );
}

const ZONED = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** "2026-11-20 08:00 UTC+01:00": a time as its source wrote it, in the zone of the place. */
export function ownZoneText(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = ZONED.exec(text);
  if (!m) return null;
  return `${m[1]} ${m[2]} ${m[3] === 'Z' ? 'UTC' : `UTC${m[3]}`}`;
}

/**
 * An event time twice: in the event's own offset (the local time at the place) and in the display
 * zone, so a departure in Hamburg reads as Hamburg time and as Beijing time.
 */
export function EventTime({ time, text }: { time: string; text?: string | null }) {
  const { t } = useTranslation();
  const own = ownZoneText(text ?? time);
  const display = formatDateTime(time);
  const sameAsDisplay = own !== null && local(time).format('YYYY-MM-DD HH:mm') === own.slice(0, 16);
  return (
    <span className="event-time">
      <span>{own ?? display}</span>
      {own && !sameAsDisplay && (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
          {t('shipments.time.displayZone', { time: display })}
        </Typography.Text>
      )}
    </span>
  );
}

/** Estimated delivery, red when later than what was promised. */
export function EtaText({ shipment }: { shipment: Pick<Shipment, 'estimatedDeliveryAt' | 'promisedAt'> }) {
  const { t } = useTranslation();
  const eta = shipment.estimatedDeliveryAt;
  if (!eta) return <span>—</span>;
  const late = !!shipment.promisedAt && new Date(eta).getTime() > new Date(shipment.promisedAt).getTime();
  return late ? (
    <Tooltip title={t('shipments.list.lateHint')}>
      <Typography.Text type="danger" strong data-testid="eta-late">
        {formatDateTime(eta)}
      </Typography.Text>
    </Tooltip>
  ) : (
    <span>{formatDateTime(eta)}</span>
  );
}

/** Bytes → "1.2 MB". */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
