import { type Actor, type CustomerScope, canEditCustomer } from './access.ts';

/**
 * Pure scheduling rules of follow-ups (回访): calendar arithmetic in the display time zone, the
 * periodic plan's next due date, greeting dates, the overdue flag, and who may do what with
 * interactions and tasks. No I/O; the services and generators call these with plain data.
 */

/** A wall-clock moment in some time zone. `month` is 1..12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** A calendar day without a time zone. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** False for a time zone the runtime does not know. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of an instant in a time zone. */
export function zonedParts(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
    millisecond: ((instant.getTime() % 1000) + 1000) % 1000,
  };
}

function utcOf(local: LocalDateTime): number {
  return Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const local = zonedParts(new Date(instant), timeZone);
  return utcOf(local) - instant;
}

/**
 * The instant a wall-clock time in a zone denotes. Around a daylight-saving gap the later offset
 * wins (the clock reading moves forward), which is what calendars do.
 */
export function fromZoned(local: LocalDateTime, timeZone: string): Date {
  const guess = utcOf(local);
  const first = guess - offsetAt(guess, timeZone);
  const second = guess - offsetAt(first, timeZone);
  return new Date(second);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Adds calendar months to an instant in a time zone, keeping the time of day and clamping the day
 * to the end of a shorter month (Jan 31 + 1 month = Feb 28/29), as PostgreSQL's interval does.
 */
export function addMonthsClamped(instant: Date, months: number, timeZone: string): Date {
  const local = zonedParts(instant, timeZone);
  const index = local.year * 12 + (local.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const day = Math.min(local.day, daysInMonth(year, month));
  return fromZoned({ ...local, year, month, day }, timeZone);
}

/** The calendar day an instant falls on in a zone. */
export function localDateOf(instant: Date, timeZone: string): CalendarDate {
  const { year, month, day } = zonedParts(instant, timeZone);
  return { year, month, day };
}

export function formatDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** Parses YYYY-MM-DD into a valid calendar date, or null. */
export function parseDate(text: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) {
    return null;
  }
  return date;
}

/** Calendar arithmetic on days (no time zone involved). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  );
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** The first instant of a calendar day in a zone. */
export function startOfDay(date: CalendarDate, timeZone: string): Date {
  return fromZoned({ ...date, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** [start, end) of the local days from `from` to `to` inclusive. */
export function dayRange(from: CalendarDate, to: CalendarDate, timeZone: string): { start: Date; end: Date } {
  return { start: startOfDay(from, timeZone), end: startOfDay(addDays(to, 1), timeZone) };
}

/** Open and past its due time. */
export function isOverdue(task: { status: string; dueAt: Date }, now: Date): boolean {
  return task.status === 'open' && task.dueAt.getTime() < now.getTime();
}

/**
 * When the next periodic follow-up of a customer is due: its last contact plus the plan's interval,
 * or now when it was never contacted.
 */
export function nextPeriodicDue(
  lastContact: Date | null,
  intervalMonths: number,
  now: Date,
  timeZone: string,
): Date {
  if (!lastContact) return now;
  return addMonthsClamped(lastContact, intervalMonths, timeZone);
}

/**
 * A periodic task is generated once its due day has come (in the display zone), so it lands on the
 * owner's "today" list that morning rather than weeks ahead of time.
 */
export function isPeriodicDue(due: Date, now: Date, timeZone: string): boolean {
  return compareDates(localDateOf(due, timeZone), localDateOf(now, timeZone)) <= 0;
}

/**
 * Idempotency key of a periodic task: one per customer and contact basis. A second run (or a second
 * process) computing the same basis hits the unique key; a new contact gives a new key. Keying by
 * the due month instead would block the next cycle when a task is completed early.
 */
export function periodicSourceKey(customerId: string, basis: Date | null): string {
  return `periodic:${customerId}:${basis ? basis.toISOString() : 'first'}`;
}

/** A contact's important date: MM-DD, or YYYY-MM-DD when the year matters (anniversaries). */
export interface ImportantDateInput {
  kind: string;
  label?: string | null;
  date: string;
}

export interface ParsedImportantDate {
  month: number;
  day: number;
  /** The year the date started (birth year, founding year), when given. */
  sinceYear: number | null;
}

/** Parses MM-DD or YYYY-MM-DD; Feb 29 is accepted without a year. Null when invalid. */
export function parseImportantDate(text: string): ParsedImportantDate | null {
  const match = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const sinceYear = match[1] ? Number(match[1]) : null;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  // Without a year Feb 29 is valid; with one it must be a leap year.
  const limit = sinceYear === null ? daysInMonth(2000, month) : daysInMonth(sinceYear, month);
  if (day > limit) return null;
  return { month, day, sinceYear };
}

/** The day a recurring date falls on in a year: Feb 29 is kept on Feb 28 in common years. */
export function occurrenceInYear(date: { month: number; day: number }, year: number): CalendarDate {
  return { year, month: date.month, day: Math.min(date.day, daysInMonth(year, date.month)) };
}

/** Occurrences of a recurring date within [from, from + days] (inclusive), at most one per year. */
export function occurrencesWithin(
  date: { month: number; day: number },
  from: CalendarDate,
  days: number,
): CalendarDate[] {
  const to = addDays(from, days);
  const result: CalendarDate[] = [];
  for (let year = from.year; year <= to.year; year++) {
    const occurrence = occurrenceInYear(date, year);
    if (compareDates(occurrence, from) >= 0 && compareDates(occurrence, to) <= 0) result.push(occurrence);
  }
  return result;
}

/** Greeting tasks are due at 09:00 local time on the working morning they should be prepared. */
export const GREETING_HOUR = 9;

/**
 * Due time of a greeting: `leadDays` before the date at 09:00 local time, but never before now (a
 * contact added two days before a birthday still gets a task, due at once).
 */
export function greetingDue(occurrence: CalendarDate, leadDays: number, now: Date, timeZone: string): Date {
  const day = addDays(occurrence, -leadDays);
  const due = fromZoned({ ...day, hour: GREETING_HOUR, minute: 0, second: 0, millisecond: 0 }, timeZone);
  return due.getTime() < now.getTime() ? now : due;
}

/**
 * Calendar days (MM-DD) a greeting generator looks for: every day of the window, plus 02-29 when
 * the window holds Feb 28 of a common year (those birthdays are greeted on the 28th).
 */
export function monthDaysWithin(from: CalendarDate, days: number): string[] {
  const result = new Set<string>();
  for (let i = 0; i <= days; i++) {
    const date = addDays(from, i);
    const text = `${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
    result.add(text);
    if (date.month === 2 && date.day === 28 && !isLeapYear(date.year)) result.add('02-29');
  }
  return [...result];
}

/** Idempotency key of a greeting: one per contact, date kind (and label) and year. */
export function greetingSourceKey(contactId: string, date: ImportantDateInput, year: number): string {
  const label = date.label?.trim() ? `:${date.label.trim().slice(0, 40)}` : '';
  return `greeting:${contactId}:${date.kind}${label}:${year}`;
}

const GREETING_KIND_NAMES: Record<string, string> = {
  birthday: '生日',
  anniversary: '纪念日',
  founding: '公司成立纪念日',
  holiday: '节日',
};

/** Title of a greeting task, in Chinese (the product's first language). */
export function greetingTitle(
  contactName: string,
  date: ImportantDateInput,
  occurrence: CalendarDate,
): string {
  const what = date.label?.trim() || GREETING_KIND_NAMES[date.kind] || date.kind;
  return `问候 ${contactName}：${what}（${occurrence.month}月${occurrence.day}日）`;
}

/** How far ahead the interval of a plan is described for people: 每月 / 每季度 / 每半年 / 每N个月. */
export function intervalName(months: number): string {
  if (months === 1) return '每月';
  if (months === 3) return '每季度';
  if (months === 6) return '每半年';
  if (months === 12) return '每年';
  return `每${months}个月`;
}

export const DEFAULT_PLAN_INTERVALS: Record<string, number> = { A: 1, B: 3, C: 6 };

// --- Who may do what with interactions and follow-ups -------------------------------------------

/** A follow-up task as the access rules see it. */
export interface TaskScope {
  assigneeId: string;
  /** The assignee's department: a supervisor manages the tasks of their team's people. */
  assigneeDepartmentId: string | null;
}

/**
 * Who may log an interaction on a customer. Editors of the file may; besides them, operations
 * users log contacts of their own department on any customer, because there is one file per
 * customer shared by every department (the air-import desk records its call on the same file the
 * owner agent keeps) — they may not change the file itself.
 */
export function canLogInteraction(
  actor: Actor,
  customer: CustomerScope,
  departmentId: string | null,
): boolean {
  if (canEditCustomer(actor, customer)) return true;
  return actor.role === 'operations' && actor.departmentId !== null && departmentId === actor.departmentId;
}

/** Changing or deleting an interaction: editors of the file, or operations users of its department. */
export function canChangeInteraction(
  actor: Actor,
  customer: CustomerScope,
  interaction: { departmentId: string | null },
): boolean {
  if (canEditCustomer(actor, customer)) return true;
  return (
    actor.role === 'operations' &&
    actor.departmentId !== null &&
    interaction.departmentId === actor.departmentId
  );
}

function supervises(actor: Actor, departmentId: string | null): boolean {
  return (
    actor.role === 'supervisor' && departmentId !== null && actor.teamDepartmentIds.includes(departmentId)
  );
}

/**
 * Creating a task: editors of the file; a supervisor for people of their team; an operations
 * user for themselves (the next step of a contact they logged).
 */
export function canCreateFollowUp(
  actor: Actor,
  customer: CustomerScope,
  assignee: { id: string; departmentId: string | null },
): boolean {
  if (canEditCustomer(actor, customer)) return true;
  if (supervises(actor, assignee.departmentId)) return true;
  return actor.role === 'operations' && assignee.id === actor.id;
}

/** Reassigning, rescheduling anything: editors of the file, supervisors of the assignee, admins. */
export function canManageFollowUp(actor: Actor, customer: CustomerScope, task: TaskScope): boolean {
  return canEditCustomer(actor, customer) || supervises(actor, task.assigneeDepartmentId);
}

/** Completing, cancelling, reopening, rescheduling: also the assignee, even without edit rights on the file. */
export function canWorkOnFollowUp(actor: Actor, customer: CustomerScope, task: TaskScope): boolean {
  return task.assigneeId === actor.id || canManageFollowUp(actor, customer, task);
}

/** Whose task lists (today, calendar) an actor may open: their own; supervisors their team's; managers and admins all. */
export function canViewWorkOf(actor: Actor, person: { id: string; departmentId: string | null }): boolean {
  if (person.id === actor.id) return true;
  if (actor.role === 'manager' || actor.role === 'admin') return true;
  return supervises(actor, person.departmentId);
}

/** A team's lists and statistics: supervisors for departments in their subtree; managers and admins any. */
export function canViewTeam(actor: Actor, departmentId: string): boolean {
  if (actor.role === 'manager' || actor.role === 'admin') return true;
  return supervises(actor, departmentId);
}
