import type { TFunction } from 'i18next';
import { dayjs, formatDateTime } from '../../lib/time';
import type { PortalTimelineRow, PublicMilestone } from './api';

/** Plain words for the public and portal tracking views (issue 4 §6): no codes shown to customers. */

const CLASSIFIERS = ['ACT', 'EST', 'PLN'];

export function milestoneLabel(t: TFunction, code: string, classifier: string): string {
  const c = CLASSIFIERS.includes(classifier) ? classifier : 'ACT';
  return t(`track.event.${c}.${code}`, { defaultValue: t('track.event.unknown', { code }) });
}

export function modeLabel(t: TFunction, mode: string): string {
  return t(`track.modes.${mode}`, { defaultValue: mode });
}

export function statusLabel(t: TFunction, status: string): string {
  return t(`track.statuses.${status}`, { defaultValue: status });
}

/** The exception in a sentence the customer understands; a delay names the new estimate. */
export function exceptionText(t: TFunction, kind: string, estimatedDeliveryAt: string | null): string {
  if (kind === 'delay') {
    return estimatedDeliveryAt
      ? t('track.exception.delay', { time: formatDateTime(estimatedDeliveryAt) })
      : t('track.exception.delayNoEstimate');
  }
  return t(`track.exception.${kind}`, { defaultValue: t('track.exception.other') });
}

const OFFSET_RE = /(Z|([+-])(\d{2}):?(\d{2}))$/;

/** A milestone time as the place's local time with its UTC offset, e.g. "2026-11-22 02:15 (UTC+08:00)". */
export function placeTime(value: string): string {
  const m = OFFSET_RE.exec(value);
  if (!m) return formatDateTime(value);
  if (m[1] === 'Z') return `${dayjs.utc(value).format('YYYY-MM-DD HH:mm')} (UTC)`;
  const minutes = (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
  return `${dayjs(value).utcOffset(minutes).format('YYYY-MM-DD HH:mm')} (UTC${m[2]}${m[3]}:${m[4]})`;
}

/** Timeline rows of GET /api/portal/shipments/:id/events as the public milestone list. */
export function milestonesOfTimeline(rows: PortalTimelineRow[]): PublicMilestone[] {
  const out: PublicMilestone[] = [];
  for (const row of rows) {
    const shown =
      row.actual.length > 0 ? row.actual : [row.estimated ?? row.planned].filter((e) => e !== null);
    for (const e of shown) {
      out.push({
        eventCode: e.eventCode,
        classifier: e.classifier,
        time: e.eventTimeText ?? e.eventTime,
        location: e.location ?? null,
        locationName: e.locationName ?? null,
      });
    }
  }
  return out;
}

/** "CNSHA → DEHAM" */
export function routeOf(origin: string | null, destination: string | null): string {
  return `${origin ?? '—'} → ${destination ?? '—'}`;
}
