import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from './access.ts';
import {
  addDays,
  canChangeInteraction,
  canCreateFollowUp,
  canLogInteraction,
  canManageFollowUp,
  canViewTeam,
  canViewWorkOf,
  canWorkOnFollowUp,
  addMonthsClamped,
  compareDates,
  daysBetween,
  daysInMonth,
  dayRange,
  fromZoned,
  greetingDue,
  greetingSourceKey,
  greetingTitle,
  isLeapYear,
  isOverdue,
  isPeriodicDue,
  monthDaysWithin,
  nextPeriodicDue,
  occurrenceInYear,
  occurrencesWithin,
  parseDate,
  parseImportantDate,
  periodicSourceKey,
  zonedParts,
} from './followups.ts';

const SH = 'Asia/Shanghai';
const NY = 'America/New_York';

/** Instants between 1990 and 2100, whole milliseconds. */
const instant = fc
  .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) })
  .map((ms) => new Date(ms));
const calendarDate = fc
  .record({
    year: fc.integer({ min: 1990, max: 2100 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
  })
  .map((d) => ({ ...d, day: Math.min(d.day, daysInMonth(d.year, d.month)) }));

describe('time zone arithmetic', () => {
  it('reads wall-clock time in Shanghai (UTC+8, no daylight saving)', () => {
    const parts = zonedParts(new Date('2024-01-31T16:30:00Z'), SH);
    expect(parts).toMatchObject({ year: 2024, month: 2, day: 1, hour: 0, minute: 30 });
  });

  it('turns wall-clock time back into the same instant (property)', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(SH, 'UTC', 'Europe/Berlin'), (at, zone) => {
        expect(fromZoned(zonedParts(at, zone), zone).getTime()).toBe(at.getTime());
      }),
    );
  });

  it('gives the local day as [start, end) instants', () => {
    const { start, end } = dayRange({ year: 2024, month: 3, day: 1 }, { year: 2024, month: 3, day: 1 }, SH);
    expect(start.toISOString()).toBe('2024-02-29T16:00:00.000Z');
    expect(end.toISOString()).toBe('2024-03-01T16:00:00.000Z');
  });

  it('parses only real calendar dates', () => {
    expect(parseDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseDate('2023-02-29')).toBeNull();
    expect(parseDate('2023-13-01')).toBeNull();
    expect(parseDate('2023-1-01')).toBeNull();
  });

  it('counts days across years and leap days', () => {
    expect(daysBetween({ year: 2023, month: 12, day: 31 }, { year: 2024, month: 3, day: 1 })).toBe(61);
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: -800, max: 800 }), (date, n) => {
        expect(daysBetween(date, addDays(date, n))).toBe(n);
      }),
    );
  });
});

describe('adding months with month-end clamping', () => {
  const at = (iso: string) => new Date(iso);

  it('clamps Jan 31 to the last day of February', () => {
    // 2024-01-31 10:00 in Shanghai
    expect(addMonthsClamped(at('2024-01-31T02:00:00Z'), 1, SH).toISOString()).toBe(
      '2024-02-29T02:00:00.000Z',
    );
    expect(addMonthsClamped(at('2023-01-31T02:00:00Z'), 1, SH).toISOString()).toBe(
      '2023-02-28T02:00:00.000Z',
    );
    expect(addMonthsClamped(at('2023-08-31T02:00:00Z'), 6, SH).toISOString()).toBe(
      '2024-02-29T02:00:00.000Z',
    );
  });

  it('works on the local calendar, not UTC', () => {
    // 2024-01-31 23:30 UTC is already Feb 1 07:30 in Shanghai: one month later is Mar 1 07:30 there.
    expect(addMonthsClamped(at('2024-01-31T23:30:00Z'), 1, SH).toISOString()).toBe(
      '2024-02-29T23:30:00.000Z',
    );
  });

  it('crosses years', () => {
    expect(addMonthsClamped(at('2024-11-15T01:00:00Z'), 3, SH).toISOString()).toBe(
      '2025-02-15T01:00:00.000Z',
    );
    expect(addMonthsClamped(at('2024-03-31T01:00:00Z'), -1, SH).toISOString()).toBe(
      '2024-02-29T01:00:00.000Z',
    );
  });

  it('keeps the local time of day across daylight-saving changes', () => {
    // 09:00 in New York in January (EST) stays 09:00 in April (EDT).
    const april = addMonthsClamped(at('2024-01-15T14:00:00Z'), 3, NY);
    expect(zonedParts(april, NY)).toMatchObject({ month: 4, day: 15, hour: 9, minute: 0 });
  });

  it('lands in the right month, on the clamped day, at the same time of day (property)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 24 }), (start, months) => {
        const before = zonedParts(start, SH);
        const after = zonedParts(addMonthsClamped(start, months, SH), SH);
        const monthIndex = (p: { year: number; month: number }) => p.year * 12 + p.month - 1;
        expect(monthIndex(after) - monthIndex(before)).toBe(months);
        expect(after.day).toBe(Math.min(before.day, daysInMonth(after.year, after.month)));
        expect([after.hour, after.minute, after.second, after.millisecond]).toEqual([
          before.hour,
          before.minute,
          before.second,
          before.millisecond,
        ]);
      }),
    );
  });

  it('never goes backwards and is monotonic in the interval (property)', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 23 }), (start, months) => {
        const shorter = addMonthsClamped(start, months, SH).getTime();
        const longer = addMonthsClamped(start, months + 1, SH).getTime();
        expect(shorter).toBeGreaterThan(start.getTime());
        expect(longer).toBeGreaterThan(shorter);
      }),
    );
  });
});

describe('periodic follow-ups', () => {
  const now = new Date('2024-05-10T01:10:00Z'); // 09:10 in Shanghai

  it('is due now for a customer never contacted', () => {
    expect(nextPeriodicDue(null, 3, now, SH)).toEqual(now);
  });

  it('is due the interval after the last contact', () => {
    expect(nextPeriodicDue(new Date('2024-02-10T06:00:00Z'), 3, now, SH).toISOString()).toBe(
      '2024-05-10T06:00:00.000Z',
    );
  });

  it('is generated on the local day it falls due, not before', () => {
    expect(isPeriodicDue(new Date('2024-05-10T15:59:00Z'), now, SH)).toBe(true); // 23:59 today
    expect(isPeriodicDue(new Date('2024-05-10T16:00:00Z'), now, SH)).toBe(false); // 00:00 tomorrow
    expect(isPeriodicDue(new Date('2023-01-01T00:00:00Z'), now, SH)).toBe(true);
  });

  it('keys a task by customer and contact basis', () => {
    expect(periodicSourceKey('c1', null)).toBe('periodic:c1:first');
    expect(periodicSourceKey('c1', new Date('2024-02-10T06:00:00Z'))).toBe(
      'periodic:c1:2024-02-10T06:00:00.000Z',
    );
  });
});

describe('overdue', () => {
  const now = new Date('2024-05-10T00:00:00Z');
  it('flags open tasks past their due time only', () => {
    expect(isOverdue({ status: 'open', dueAt: new Date('2024-05-09T23:59:59Z') }, now)).toBe(true);
    expect(isOverdue({ status: 'open', dueAt: now }, now)).toBe(false);
    expect(isOverdue({ status: 'done', dueAt: new Date('2020-01-01T00:00:00Z') }, now)).toBe(false);
    expect(isOverdue({ status: 'cancelled', dueAt: new Date('2020-01-01T00:00:00Z') }, now)).toBe(false);
  });
});

describe('greetings on important dates', () => {
  it('parses MM-DD and YYYY-MM-DD, accepting Feb 29 without a year', () => {
    expect(parseImportantDate('03-08')).toEqual({ month: 3, day: 8, sinceYear: null });
    expect(parseImportantDate('2008-09-18')).toEqual({ month: 9, day: 18, sinceYear: 2008 });
    expect(parseImportantDate('02-29')).toEqual({ month: 2, day: 29, sinceYear: null });
    expect(parseImportantDate('1996-02-29')).toEqual({ month: 2, day: 29, sinceYear: 1996 });
    expect(parseImportantDate('1995-02-29')).toBeNull();
    expect(parseImportantDate('04-31')).toBeNull();
    expect(parseImportantDate('13-01')).toBeNull();
    expect(parseImportantDate('3-8')).toBeNull();
  });

  it('greets a Feb 29 birthday on Feb 28 in common years', () => {
    expect(occurrenceInYear({ month: 2, day: 29 }, 2023)).toEqual({ year: 2023, month: 2, day: 28 });
    expect(occurrenceInYear({ month: 2, day: 29 }, 2024)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(occurrencesWithin({ month: 2, day: 29 }, { year: 2023, month: 2, day: 20 }, 10)).toEqual([
      { year: 2023, month: 2, day: 28 },
    ]);
    expect(monthDaysWithin({ year: 2023, month: 2, day: 27 }, 2)).toEqual([
      '02-27',
      '02-28',
      '02-29',
      '03-01',
    ]);
    expect(monthDaysWithin({ year: 2024, month: 2, day: 27 }, 2)).toEqual(['02-27', '02-28', '02-29']);
  });

  it('finds dates across the new year', () => {
    expect(occurrencesWithin({ month: 1, day: 2 }, { year: 2024, month: 12, day: 28 }, 10)).toEqual([
      { year: 2025, month: 1, day: 2 },
    ]);
  });

  it('is due lead days before at 09:00 local time, never before now', () => {
    const now = new Date('2024-03-01T00:00:00Z');
    expect(greetingDue({ year: 2024, month: 3, day: 10 }, 3, now, SH).toISOString()).toBe(
      '2024-03-07T01:00:00.000Z',
    );
    expect(greetingDue({ year: 2024, month: 3, day: 2 }, 3, now, SH)).toEqual(now);
  });

  it('window occurrences are inside the window and on the date or clamped (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        calendarDate,
        fc.integer({ min: 0, max: 60 }),
        (month, rawDay, from, days) => {
          const day = Math.min(rawDay, daysInMonth(2000, month));
          const found = occurrencesWithin({ month, day }, from, days);
          for (const occurrence of found) {
            expect(compareDates(occurrence, from)).toBeGreaterThanOrEqual(0);
            expect(daysBetween(from, occurrence)).toBeLessThanOrEqual(days);
            expect(occurrence.month).toBe(month);
            expect(occurrence.day).toBe(Math.min(day, daysInMonth(occurrence.year, month)));
            // The SQL pre-filter must not miss it.
            const mmdd = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
            expect(monthDaysWithin(from, days)).toContain(mmdd);
          }
          // Every day of the window is found when it is this date's occurrence.
          for (let i = 0; i <= days; i++) {
            const date = addDays(from, i);
            const expected = occurrenceInYear({ month, day }, date.year);
            if (compareDates(expected, date) === 0) expect(found).toContainEqual(date);
          }
        },
      ),
    );
  });

  it('greeting due time is never after the date itself and never before now (property)', () => {
    fc.assert(
      fc.property(calendarDate, fc.integer({ min: 0, max: 30 }), instant, (date, lead, now) => {
        const due = greetingDue(date, lead, now, SH);
        expect(due.getTime()).toBeGreaterThanOrEqual(now.getTime());
        if (
          now.getTime() <
          fromZoned({ ...addDays(date, -lead), hour: 9, minute: 0, second: 0, millisecond: 0 }, SH).getTime()
        ) {
          expect(daysBetween(zonedParts(due, SH), date)).toBe(lead);
        }
      }),
    );
  });

  it('keys and titles greetings', () => {
    const date = { kind: 'holiday', label: '春节', date: '01-29' };
    expect(greetingSourceKey('k1', date, 2025)).toBe('greeting:k1:holiday:春节:2025');
    expect(greetingSourceKey('k1', { kind: 'birthday', date: '03-08' }, 2025)).toBe(
      'greeting:k1:birthday:2025',
    );
    expect(
      greetingTitle('王经理', { kind: 'birthday', date: '03-08' }, { year: 2025, month: 3, day: 8 }),
    ).toBe('问候 王经理：生日（3月8日）');
  });

  it('knows leap years', () => {
    expect([1900, 2000, 2023, 2024].map(isLeapYear)).toEqual([false, true, false, true]);
  });
});

describe('who may do what', () => {
  const actor = (
    role: Actor['role'],
    id: string,
    departmentId: string | null,
    team: string[] = [],
  ): Actor => ({
    id,
    name: id,
    email: `${id}@x`,
    role,
    departmentId,
    customerId: null,
    teamDepartmentIds: team,
    via: 'session',
  });
  const owner = actor('agent', 'owner', 'team-a', ['team-a']);
  const colleague = actor('agent', 'colleague', 'team-a', ['team-a']);
  const supervisorA = actor('supervisor', 'sup-a', 'team-a', ['team-a']);
  const supervisorB = actor('supervisor', 'sup-b', 'team-b', ['team-b']);
  const airOps = actor('operations', 'ops', 'air', ['air']);
  const lostOps = actor('operations', 'ops2', null, []);
  const manager = actor('manager', 'mgr', 'centre', ['centre', 'team-a', 'team-b']);
  const admin = actor('admin', 'adm', null, []);
  const customer = { id: 'c1', ownerId: 'owner', teamId: 'team-a' };

  it('logs interactions: editors, and operations users for their own department only', () => {
    expect(canLogInteraction(owner, customer, 'team-a')).toBe(true);
    expect(canLogInteraction(colleague, customer, 'team-a')).toBe(false);
    expect(canLogInteraction(supervisorA, customer, null)).toBe(true);
    expect(canLogInteraction(supervisorB, customer, 'team-b')).toBe(false);
    expect(canLogInteraction(airOps, customer, 'air')).toBe(true);
    expect(canLogInteraction(airOps, customer, 'sea')).toBe(false);
    expect(canLogInteraction(airOps, customer, null)).toBe(false);
    expect(canLogInteraction(lostOps, customer, null)).toBe(false);
    expect(canLogInteraction(manager, customer, 'centre')).toBe(false);
    expect(canLogInteraction(admin, customer, null)).toBe(true);
    expect(canChangeInteraction(airOps, customer, { departmentId: 'air' })).toBe(true);
    expect(canChangeInteraction(airOps, customer, { departmentId: 'team-a' })).toBe(false);
    expect(canChangeInteraction(owner, customer, { departmentId: 'air' })).toBe(true);
  });

  it('works on tasks: the assignee, editors and the assignee’s supervisor', () => {
    const colleaguesTask = { assigneeId: 'colleague', assigneeDepartmentId: 'team-a' };
    const bTask = { assigneeId: 'b-agent', assigneeDepartmentId: 'team-b' };
    expect(canWorkOnFollowUp(colleague, customer, colleaguesTask)).toBe(true);
    expect(canManageFollowUp(colleague, customer, colleaguesTask)).toBe(false);
    expect(canManageFollowUp(owner, customer, bTask)).toBe(true);
    expect(canManageFollowUp(supervisorB, customer, bTask)).toBe(true);
    expect(canManageFollowUp(supervisorB, customer, colleaguesTask)).toBe(false);
    expect(canWorkOnFollowUp(manager, customer, colleaguesTask)).toBe(false);
    expect(canWorkOnFollowUp(airOps, customer, colleaguesTask)).toBe(false);
    expect(canWorkOnFollowUp(admin, customer, bTask)).toBe(true);
    expect(canCreateFollowUp(airOps, customer, { id: 'ops', departmentId: 'air' })).toBe(true);
    expect(canCreateFollowUp(airOps, customer, { id: 'owner', departmentId: 'team-a' })).toBe(false);
    expect(canCreateFollowUp(supervisorB, customer, { id: 'b-agent', departmentId: 'team-b' })).toBe(true);
    expect(canCreateFollowUp(colleague, customer, { id: 'colleague', departmentId: 'team-a' })).toBe(false);
  });

  it('opens task lists: one’s own, a supervised team’s, everyone’s for managers and admins', () => {
    expect(canViewWorkOf(colleague, { id: 'colleague', departmentId: 'team-a' })).toBe(true);
    expect(canViewWorkOf(colleague, { id: 'owner', departmentId: 'team-a' })).toBe(false);
    expect(canViewWorkOf(supervisorA, { id: 'owner', departmentId: 'team-a' })).toBe(true);
    expect(canViewWorkOf(supervisorB, { id: 'owner', departmentId: 'team-a' })).toBe(false);
    expect(canViewWorkOf(manager, { id: 'x', departmentId: null })).toBe(true);
    expect(canViewTeam(supervisorA, 'team-a')).toBe(true);
    expect(canViewTeam(supervisorA, 'team-b')).toBe(false);
    expect(canViewTeam(owner, 'team-a')).toBe(false);
    expect(canViewTeam(admin, 'anything')).toBe(true);
  });
});
