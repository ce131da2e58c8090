import { fromZoned, isValidTimeZone, parseDate, zonedParts } from './followups.ts';

/**
 * Pure SLA arithmetic of the service desk: business time on a business calendar (working hours per
 * weekday, public holidays, 调休 make-up working days, an IANA time zone) and the SLA clock that
 * stops while the ticket waits on the customer. No I/O: the ticket service and the SLA timers in
 * the job queue call these with plain data loaded from the SLA policy and calendar tables.
 *
 * Conventions:
 * - Working intervals are half-open local wall-clock periods `[start, end)`; a deadline may fall
 *   exactly on an interval's end (a 30-minute target from Friday 17:30 is due Friday 18:00, not
 *   Monday 09:00).
 * - Minutes may be fractional; instants are exact to the millisecond.
 * - Wall-clock times are converted to instants per day in the calendar's zone, so a working day
 *   across a daylight-saving change is as long as the clock says (09:00–17:00 is always 8 hours,
 *   a night shift 00:00–06:00 is 5 or 7 hours on the change days).
 */

export const DEFAULT_SLA_TIME_ZONE = 'Asia/Shanghai';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** Weekdays in the order of `Date#getUTCDay()` (0 = Sunday). */
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A working period of a day in local wall-clock time, `'HH:MM'`; `end` may be `'24:00'`. */
export interface WorkingPeriod {
  start: string;
  end: string;
}

/** A public holiday (节假日), one day or an inclusive range of `YYYY-MM-DD` dates. */
export interface Holiday {
  from: string;
  /** Last day, inclusive; defaults to `from`. */
  to?: string;
  name?: string;
}

/**
 * A make-up working day (调休上班日): a weekend date that is worked to compensate a long holiday.
 * It works the given hours, or Monday's hours when none are given.
 */
export interface MakeUpWorkday {
  date: string;
  name?: string;
  hours?: WorkingPeriod[];
}

/** The business calendar an SLA policy counts time on. */
export interface BusinessCalendar {
  /** IANA time zone the working hours are read in. */
  timeZone: string;
  /** Working periods per weekday; a missing or empty day is a day off. */
  weeklyHours: Partial<Record<Weekday, WorkingPeriod[]>>;
  holidays?: Holiday[];
  makeUpWorkdays?: MakeUpWorkday[];
}

/** Standard office week: Monday to Friday, 09:00–18:00. */
export const STANDARD_WEEKLY_HOURS: Readonly<Partial<Record<Weekday, WorkingPeriod[]>>> = {
  mon: [{ start: '09:00', end: '18:00' }],
  tue: [{ start: '09:00', end: '18:00' }],
  wed: [{ start: '09:00', end: '18:00' }],
  thu: [{ start: '09:00', end: '18:00' }],
  fri: [{ start: '09:00', end: '18:00' }],
};

/** A calendar with defaults filled in: Asia/Shanghai, Monday–Friday 09:00–18:00, no holidays. */
export function createBusinessCalendar(overrides: Partial<BusinessCalendar> = {}): BusinessCalendar {
  return {
    timeZone: overrides.timeZone ?? DEFAULT_SLA_TIME_ZONE,
    weeklyHours: overrides.weeklyHours ?? { ...STANDARD_WEEKLY_HOURS },
    holidays: overrides.holidays ?? [],
    makeUpWorkdays: overrides.makeUpWorkdays ?? [],
  };
}

/** A problem found in a calendar, shaped for `validationFailed([...])`. */
export interface CalendarProblem {
  field: string;
  message: string;
}

const TIME_PATTERN = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;
/** Longest holiday range accepted, to catch typos such as 2026-10-01..2027-10-07. */
const MAX_HOLIDAY_DAYS = 366;

function minuteOfDay(text: string): number | null {
  const match = TIME_PATTERN.exec(text);
  if (!match) return null;
  return match[3] ? 24 * 60 : Number(match[1]) * 60 + Number(match[2]);
}

function dayNumberOf(text: string): number | null {
  const date = parseDate(text);
  return date ? Date.UTC(date.year, date.month - 1, date.day) / DAY_MS : null;
}

function checkPeriods(periods: unknown, field: string, problems: CalendarProblem[]): void {
  if (!Array.isArray(periods)) {
    problems.push({ field, message: 'must be a list of working periods' });
    return;
  }
  let previousEnd = -1;
  periods.forEach((period: WorkingPeriod, index) => {
    const start = minuteOfDay(String(period?.start));
    const end = minuteOfDay(String(period?.end));
    if (start === null || start === 24 * 60) {
      problems.push({
        field: `${field}/${index}/start`,
        message: 'must be a time HH:MM from 00:00 to 23:59',
      });
    }
    if (end === null) {
      problems.push({ field: `${field}/${index}/end`, message: 'must be a time HH:MM from 00:01 to 24:00' });
    }
    if (start === null || end === null) return;
    if (end <= start) {
      problems.push({ field: `${field}/${index}/end`, message: 'must be after the start' });
    } else if (start < previousEnd) {
      problems.push({
        field: `${field}/${index}/start`,
        message: 'periods must be in order and must not overlap',
      });
    }
    previousEnd = Math.max(previousEnd, end);
  });
}

/**
 * Every problem of a calendar: unknown time zone, malformed or overlapping working periods,
 * impossible dates, a holiday range ending before it starts, a make-up day that is also a holiday,
 * a week without any working time. Empty when the calendar is usable.
 */
export function validateBusinessCalendar(calendar: BusinessCalendar): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  if (typeof calendar.timeZone !== 'string' || !isValidTimeZone(calendar.timeZone)) {
    problems.push({ field: 'timeZone', message: 'must be an IANA time zone such as Asia/Shanghai' });
  }
  let anyWorkingTime = false;
  for (const weekday of Object.keys(calendar.weeklyHours ?? {})) {
    if (!WEEKDAYS.includes(weekday as Weekday)) {
      problems.push({ field: `weeklyHours/${weekday}`, message: 'must be one of mon, tue, … sun' });
      continue;
    }
    const periods = calendar.weeklyHours[weekday as Weekday];
    checkPeriods(periods, `weeklyHours/${weekday}`, problems);
    if (Array.isArray(periods) && periods.length > 0) anyWorkingTime = true;
  }
  if (!anyWorkingTime) {
    problems.push({ field: 'weeklyHours', message: 'the week needs at least one working period' });
  }
  const holidayDays = new Set<number>();
  (calendar.holidays ?? []).forEach((holiday, index) => {
    const from = dayNumberOf(holiday.from);
    const to = holiday.to === undefined ? from : dayNumberOf(holiday.to);
    if (from === null)
      problems.push({ field: `holidays/${index}/from`, message: 'must be a date YYYY-MM-DD' });
    if (to === null) problems.push({ field: `holidays/${index}/to`, message: 'must be a date YYYY-MM-DD' });
    if (from === null || to === null) return;
    if (to < from) {
      problems.push({ field: `holidays/${index}/to`, message: 'must not be before the first day' });
    } else if (to - from >= MAX_HOLIDAY_DAYS) {
      problems.push({
        field: `holidays/${index}/to`,
        message: `a holiday lasts at most ${MAX_HOLIDAY_DAYS} days`,
      });
    } else {
      for (let day = from; day <= to; day++) holidayDays.add(day);
    }
  });
  (calendar.makeUpWorkdays ?? []).forEach((workday, index) => {
    const day = dayNumberOf(workday.date);
    if (day === null) {
      problems.push({ field: `makeUpWorkdays/${index}/date`, message: 'must be a date YYYY-MM-DD' });
    } else if (holidayDays.has(day)) {
      problems.push({ field: `makeUpWorkdays/${index}/date`, message: 'is also a holiday' });
    }
    if (workday.hours !== undefined) checkPeriods(workday.hours, `makeUpWorkdays/${index}/hours`, problems);
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Compiled calendar: working periods as minute pairs, holidays as day numbers, a per-day cache of
// the working intervals as instants (the expensive part is the time-zone conversion).

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Consecutive days without working time after which a calendar is declared empty. */
const EMPTY_HORIZON_DAYS = 3_700;
const DAY_CACHE_LIMIT = 20_000;

type Span = [start: number, end: number];

interface CompiledCalendar {
  timeZone: string;
  weekly: Span[][];
  holidays: Set<number>;
  makeUp: Map<number, Span[]>;
  days: Map<number, Span[]>;
}

const compiledCalendars = new WeakMap<BusinessCalendar, CompiledCalendar>();

function periodsOf(periods: WorkingPeriod[] | undefined): Span[] {
  return (periods ?? []).map((period) => [minuteOfDay(period.start)!, minuteOfDay(period.end)!]);
}

function compile(calendar: BusinessCalendar): CompiledCalendar {
  let compiled = compiledCalendars.get(calendar);
  if (compiled) return compiled;
  const problems = validateBusinessCalendar(calendar);
  if (problems.length > 0) {
    throw new RangeError(
      `invalid business calendar: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
    );
  }
  const weekly = WEEKDAYS.map((weekday) => periodsOf(calendar.weeklyHours[weekday]));
  const holidays = new Set<number>();
  for (const holiday of calendar.holidays ?? []) {
    const from = dayNumberOf(holiday.from)!;
    const to = holiday.to === undefined ? from : dayNumberOf(holiday.to)!;
    for (let day = from; day <= to; day++) holidays.add(day);
  }
  const makeUp = new Map<number, Span[]>();
  for (const workday of calendar.makeUpWorkdays ?? []) {
    makeUp.set(dayNumberOf(workday.date)!, periodsOf(workday.hours ?? calendar.weeklyHours.mon));
  }
  compiled = { timeZone: calendar.timeZone, weekly, holidays, makeUp, days: new Map() };
  compiledCalendars.set(calendar, compiled);
  return compiled;
}

/** The instant of a local minute-of-day (0..1440) on a local day number, in the zone. */
function instantOf(day: number, minute: number, timeZone: string): number {
  const date = new Date((day + Math.floor(minute / 1440)) * DAY_MS);
  const rest = minute % 1440;
  return fromZoned(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: Math.floor(rest / 60),
      minute: rest % 60,
      second: 0,
      millisecond: 0,
    },
    timeZone,
  ).getTime();
}

function localDayNumber(instant: number, timeZone: string): number {
  const local = zonedParts(new Date(instant), timeZone);
  return Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
}

/** Working intervals of a local day as instants, in order, non-overlapping. */
function intervalsOfDay(compiled: CompiledCalendar, day: number): Span[] {
  const cached = compiled.days.get(day);
  if (cached) return cached;
  let periods: Span[];
  if (compiled.makeUp.has(day)) periods = compiled.makeUp.get(day)!;
  else if (compiled.holidays.has(day)) periods = [];
  else periods = compiled.weekly[(((day + 4) % 7) + 7) % 7];
  const intervals: Span[] = [];
  let previousEnd = Number.NEGATIVE_INFINITY;
  for (const [startMinute, endMinute] of periods) {
    // A period touching a daylight-saving gap can shrink; never let it run backwards or overlap.
    const start = Math.max(instantOf(day, startMinute, compiled.timeZone), previousEnd);
    const end = instantOf(day, endMinute, compiled.timeZone);
    if (end > start) {
      intervals.push([start, end]);
      previousEnd = end;
    }
  }
  if (compiled.days.size >= DAY_CACHE_LIMIT) compiled.days.clear();
  compiled.days.set(day, intervals);
  return intervals;
}

/** Working intervals from an instant on, the first one clipped to start there. Never ends. */
function* workingIntervalsFrom(compiled: CompiledCalendar, from: number): Generator<Span> {
  // Start a day early: a period ending at 24:00 belongs to the previous local day.
  let day = localDayNumber(from, compiled.timeZone) - 1;
  let emptyDays = 0;
  for (;;) {
    let any = false;
    for (const [start, end] of intervalsOfDay(compiled, day)) {
      if (end <= from) continue;
      any = true;
      yield [Math.max(start, from), end];
    }
    emptyDays = any ? 0 : emptyDays + 1;
    if (emptyDays > EMPTY_HORIZON_DAYS) {
      throw new RangeError('the business calendar has no working time in the next ten years');
    }
    day++;
  }
}

/** Pauses clipped to start at `from`, sorted and merged; an open pause ends at +∞. */
function normalizePauses(pauses: readonly SlaPause[], from: number): Span[] {
  const spans: Span[] = [];
  for (const pause of pauses) {
    const start = pause.from.getTime();
    const end = pause.to === null ? Number.POSITIVE_INFINITY : pause.to.getTime();
    if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError('a pause has an invalid date');
    if (end < start) throw new RangeError('a pause cannot end before it starts');
    const clippedStart = Math.max(start, from);
    if (end > clippedStart) spans.push([clippedStart, end]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Span[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

/**
 * The stretches of time the SLA clock runs: working intervals from `from` on, minus the pauses.
 * Stops (returns) on reaching an open pause, since the clock does not run again until it ends.
 */
function* countedSpansFrom(compiled: CompiledCalendar, from: number, pauses: Span[]): Generator<Span> {
  let next = 0;
  for (const [intervalStart, intervalEnd] of workingIntervalsFrom(compiled, from)) {
    let at = intervalStart;
    while (at < intervalEnd) {
      while (next < pauses.length && pauses[next][1] <= at) next++;
      const pause = pauses[next];
      if (pause && pause[0] <= at) {
        if (pause[1] === Number.POSITIVE_INFINITY) return;
        at = Math.min(pause[1], intervalEnd);
        continue;
      }
      const end = pause ? Math.min(intervalEnd, pause[0]) : intervalEnd;
      yield [at, end];
      at = end;
    }
  }
}

function toMs(minutes: number, what: string): number {
  if (!Number.isFinite(minutes) || minutes < 0) {
    throw new RangeError(`${what} must be a finite, non-negative number of minutes`);
  }
  return Math.round(minutes * MINUTE_MS);
}

function timeOf(instant: Date, what: string): number {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError(`${what} is not a valid date`);
  return time;
}

/** Earliest instant at which `amount` ms of counted time have passed since `from`; null if never. */
function reach(compiled: CompiledCalendar, from: number, amount: number, pauses: Span[]): number | null {
  if (amount <= 0) return from;
  let left = amount;
  for (const [start, end] of countedSpansFrom(compiled, from, pauses)) {
    if (end - start >= left) return start + left;
    left -= end - start;
  }
  return null;
}

/** Counted ms in `[from, to)`. */
function countBetween(compiled: CompiledCalendar, from: number, to: number, pauses: Span[]): number {
  let total = 0;
  if (to <= from) return 0;
  for (const [start, end] of countedSpansFrom(compiled, from, pauses)) {
    if (start >= to) break;
    total += Math.min(end, to) - start;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Business time

/** Whether an instant lies in working time (inside a working interval; its end is not). */
export function isWorkingTime(calendar: BusinessCalendar, at: Date): boolean {
  const compiled = compile(calendar);
  const time = timeOf(at, 'at');
  const day = localDayNumber(time, compiled.timeZone);
  for (const candidate of [day - 1, day]) {
    for (const [start, end] of intervalsOfDay(compiled, candidate)) {
      if (start <= time && time < end) return true;
    }
  }
  return false;
}

/** The working intervals of a local calendar day (`YYYY-MM-DD`) as instants, in order. */
export function workingIntervalsOn(calendar: BusinessCalendar, date: string): { start: Date; end: Date }[] {
  const day = dayNumberOf(date);
  if (day === null) throw new RangeError('date must be YYYY-MM-DD');
  return intervalsOfDay(compile(calendar), day).map(([start, end]) => ({
    start: new Date(start),
    end: new Date(end),
  }));
}

/** `at` itself when it is working time, otherwise the start of the next working interval. */
export function nextBusinessInstant(calendar: BusinessCalendar, at: Date): Date {
  const compiled = compile(calendar);
  const first = workingIntervalsFrom(compiled, timeOf(at, 'at')).next();
  return new Date((first.value as Span)[0]);
}

/**
 * The deadline `minutes` of working time after `start`: the earliest instant by which that much
 * working time has passed. Zero minutes gives `start` itself; for more, the result is inside a
 * working interval or exactly at its end (Friday 17:30 + 60 min → Monday 09:30 on a 09:00–18:00
 * week).
 */
export function addBusinessTime(calendar: BusinessCalendar, start: Date, minutes: number): Date {
  const compiled = compile(calendar);
  return new Date(reach(compiled, timeOf(start, 'start'), toMs(minutes, 'minutes'), [])!);
}

/**
 * Working minutes between two instants (fractional, exact to the millisecond). Negative when `to`
 * is before `from`, so an overdue ticket can say how many working minutes it is late.
 */
export function businessMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const compiled = compile(calendar);
  const a = timeOf(from, 'from');
  const b = timeOf(to, 'to');
  if (b < a) return -countBetween(compiled, b, a, []) / MINUTE_MS;
  return countBetween(compiled, a, b, []) / MINUTE_MS;
}

// ---------------------------------------------------------------------------------------------
// SLA clock

/** A stretch during which the SLA clock stops (waiting on the customer); `to` null = still waiting. */
export interface SlaPause {
  from: Date;
  to: Date | null;
}

/**
 * When an SLA target of `targetMinutes` working minutes, counted from `startedAt`, falls due.
 * Working time inside a pause does not count; pauses before `startedAt` are ignored and
 * overlapping ones count once. Null while the clock is stopped by an open pause before reaching
 * the target: the deadline is not known until the customer answers.
 */
export function slaDeadline(
  calendar: BusinessCalendar,
  startedAt: Date,
  targetMinutes: number,
  pauses: readonly SlaPause[] = [],
): Date | null {
  const compiled = compile(calendar);
  const from = timeOf(startedAt, 'startedAt');
  const reached = reach(compiled, from, toMs(targetMinutes, 'targetMinutes'), normalizePauses(pauses, from));
  return reached === null ? null : new Date(reached);
}

/** Working minutes the SLA clock has run from `startedAt` to `now`, pauses excluded. */
export function slaElapsedMinutes(
  calendar: BusinessCalendar,
  startedAt: Date,
  pauses: readonly SlaPause[],
  now: Date,
): number {
  const compiled = compile(calendar);
  const from = timeOf(startedAt, 'startedAt');
  return countBetween(compiled, from, timeOf(now, 'now'), normalizePauses(pauses, from)) / MINUTE_MS;
}

/** When the "breaching soon" warning is due. Defaults to 20 % of the target left. */
export interface SlaWarningRule {
  /** Warn when at most this share of the target is left (0..1). */
  fraction?: number;
  /** Warn when at most this many working minutes are left; takes precedence over `fraction`. */
  leadMinutes?: number;
}

export const DEFAULT_SLA_WARNING_FRACTION = 0.2;

/** Working minutes left at which the warning is due, never more than the target itself. */
export function warningThresholdMinutes(targetMinutes: number, rule: SlaWarningRule = {}): number {
  if (rule.leadMinutes !== undefined) {
    toMs(rule.leadMinutes, 'leadMinutes');
    return Math.min(rule.leadMinutes, targetMinutes);
  }
  const fraction = rule.fraction ?? DEFAULT_SLA_WARNING_FRACTION;
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new RangeError('fraction must be between 0 and 1');
  }
  return targetMinutes * fraction;
}

export interface SlaClock {
  startedAt: Date;
  targetMinutes: number;
  pauses?: readonly SlaPause[];
  /** The moment judged: now for an open ticket, the resolution (or first response) time once met. */
  now: Date;
  warning?: SlaWarningRule;
}

export interface SlaStatus {
  /** When the target falls due; null while paused before reaching it. */
  deadline: Date | null;
  /** When the "breaching soon" warning falls due; null while paused before reaching it. */
  warningAt: Date | null;
  elapsedMinutes: number;
  /** Working minutes left; negative by the working minutes overdue. */
  remainingMinutes: number;
  /** An open pause covers `now` (waiting on the customer). */
  paused: boolean;
  /** `now` is past the deadline. */
  breached: boolean;
  /** Breaching soon: the warning point has passed but the deadline has not. */
  warning: boolean;
}

/**
 * The state of one SLA clock at `now`: deadline, working minutes elapsed and left, paused,
 * breached, and the "breaching soon" warning. `warningAt` and `deadline` are the instants the
 * job queue schedules its warning and breach timers at; `warning` is true exactly from
 * `warningAt` until the deadline passes.
 */
export function slaStatus(calendar: BusinessCalendar, clock: SlaClock): SlaStatus {
  const pauses = clock.pauses ?? [];
  const now = timeOf(clock.now, 'now');
  const deadline = slaDeadline(calendar, clock.startedAt, clock.targetMinutes, pauses);
  const threshold = warningThresholdMinutes(clock.targetMinutes, clock.warning);
  const warningAt = slaDeadline(calendar, clock.startedAt, clock.targetMinutes - threshold, pauses);
  const elapsedMinutes = slaElapsedMinutes(calendar, clock.startedAt, pauses, clock.now);
  const breached = deadline !== null && now > deadline.getTime();
  return {
    deadline,
    warningAt,
    elapsedMinutes,
    remainingMinutes: clock.targetMinutes - elapsedMinutes,
    paused: pauses.some(
      (pause) => pause.from.getTime() <= now && (pause.to === null || now < pause.to.getTime()),
    ),
    breached,
    warning: !breached && warningAt !== null && now >= warningAt.getTime(),
  };
}
