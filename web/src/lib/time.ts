import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';
import isoWeek from 'dayjs/plugin/isoWeek';
import relativeTime from 'dayjs/plugin/relativeTime';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(relativeTime);
dayjs.extend(isoWeek);

/** Times are stored in UTC and shown in the company's zone (Asia/Shanghai unless configured). */
export const DISPLAY_ZONE = 'Asia/Shanghai';
dayjs.tz.setDefault(DISPLAY_ZONE);

export function setDayjsLanguage(language: string): void {
  dayjs.locale(language === 'en' ? 'en' : 'zh-cn');
}

/** A server timestamp in the display zone. */
export function local(value: string | Date | Dayjs): Dayjs {
  return dayjs(value).tz(DISPLAY_ZONE);
}

export function formatDateTime(value: string | null | undefined): string {
  return value ? local(value).format('YYYY-MM-DD HH:mm') : '—';
}

export function formatDate(value: string | null | undefined): string {
  return value ? local(value).format('YYYY-MM-DD') : '—';
}

export function fromNow(value: string | null | undefined): string {
  return value ? local(value).fromNow() : '—';
}

/** Start of today in the display zone. */
export function today(): Dayjs {
  return dayjs().tz(DISPLAY_ZONE).startOf('day');
}

export { dayjs };

/**
 * Pickers work in the browser's zone; the company's zone may differ. These keep the wall-clock
 * time the user sees and picks equal to the display zone's.
 */
export function toPicker(value: string | null | undefined): Dayjs | undefined {
  return value ? dayjs(local(value).format('YYYY-MM-DDTHH:mm:ss')) : undefined;
}

export function fromPicker(value: Dayjs): string {
  return dayjs.tz(value.format('YYYY-MM-DDTHH:mm:ss'), DISPLAY_ZONE).toISOString();
}
