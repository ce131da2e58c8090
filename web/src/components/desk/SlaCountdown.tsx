import { ClockCircleOutlined, PauseCircleOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/time';
import type { SlaState } from './deskApi';
import { SLA_COLORS } from './deskEnums';

/** "2h 05m" / "2小时05分" from minutes. */
export function useDuration(): (minutes: number) => string {
  const { t } = useTranslation();
  return (minutes) => {
    const m = Math.max(0, Math.round(Math.abs(minutes)));
    const days = Math.floor(m / 1440);
    const hours = Math.floor((m % 1440) / 60);
    const mins = m % 60;
    if (days) return t('desk.sla.daysHours', { days, hours });
    if (hours) return t('desk.sla.hoursMinutes', { hours, minutes: String(mins).padStart(2, '0') });
    return t('desk.sla.minutes', { minutes: mins });
  };
}

/** Re-renders every 30 s so countdowns move. */
function useTick(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * Time left to an SLA deadline (or how long it is overdue), coloured by state. The server's state
 * decides the colour; the wall clock only drives the countdown text between refreshes.
 */
export function SlaCountdown({
  state,
  dueAt,
  remainingMinutes,
  label,
  testId,
}: {
  state: SlaState | undefined;
  dueAt: string | null | undefined;
  remainingMinutes?: number | null;
  label?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const duration = useDuration();
  const now = useTick();
  const s = state ?? 'none';
  if (s === 'none' || (!dueAt && s !== 'paused' && s !== 'met')) {
    return <span style={{ color: 'rgba(0,0,0,0.25)' }}>—</span>;
  }
  let text: string;
  if (s === 'met') text = t('desk.sla.met');
  else if (s === 'paused')
    text =
      remainingMinutes != null
        ? t('desk.sla.pausedLeft', { time: duration(remainingMinutes) })
        : t('desk.enum.sla.paused');
  else {
    // Business minutes from the server when known; else wall-clock minutes to the deadline.
    const left =
      remainingMinutes != null && s !== 'breached'
        ? remainingMinutes
        : dueAt
          ? (new Date(dueAt).getTime() - now) / 60_000
          : 0;
    text =
      s === 'breached' || left < 0
        ? t('desk.sla.overdue', { time: duration(left) })
        : t('desk.sla.left', { time: duration(left) });
  }
  return (
    <Tooltip title={dueAt ? t('desk.sla.dueAt', { time: formatDateTime(dueAt) }) : undefined}>
      <Tag
        color={SLA_COLORS[s]}
        icon={s === 'paused' ? <PauseCircleOutlined /> : <ClockCircleOutlined />}
        data-testid={testId}
        data-state={s}
      >
        {label ? `${label} ` : ''}
        {text}
      </Tag>
    </Tooltip>
  );
}
