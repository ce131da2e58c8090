import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { zonedParts } from './followups.ts';
import {
  type BusinessCalendar,
  type SlaPause,
  WEEKDAYS,
  addBusinessTime,
  businessMinutesBetween,
  createBusinessCalendar,
  isWorkingTime,
  nextBusinessInstant,
  slaDeadline,
  slaElapsedMinutes,
  slaStatus,
  validateBusinessCalendar,
  warningThresholdMinutes,
  workingIntervalsOn,
} from './sla.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Shanghai wall-clock time (UTC+8, no daylight saving since 1991). */
const cst = (local: string) => new Date(`${local}+08:00`);

const withLunch = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '18:00' },
];

/** A service centre's 2026 autumn: lunch break, 国庆 1–7 October, 调休 on Sunday 20 Sep and Saturday 10 Oct. */
const serviceCentre: BusinessCalendar = createBusinessCalendar({
  weeklyHours: { mon: withLunch, tue: withLunch, wed: withLunch, thu: withLunch, fri: withLunch },
  holidays: [
    { from: '2026-10-01', to: '2026-10-07', name: '国庆节' },
    { from: '2026-09-25', name: '中秋节' },
  ],
  makeUpWorkdays: [
    { date: '2026-09-20', name: '国庆调休' },
    { date: '2026-10-10', name: '国庆调休' },
  ],
});

/** Independent oracle for `serviceCentre`: is the local millisecond `localMs` (UTC+8) working time? */
function serviceCentreWorks(instant: number): boolean {
  const local = instant + 8 * 3_600_000;
  const day = Math.floor(local / DAY);
  const minute = Math.floor((local - day * DAY) / MINUTE);
  const date = new Date(day * DAY).toISOString().slice(0, 10);
  const weekday = new Date(day * DAY).getUTCDay();
  const holiday = (date >= '2026-10-01' && date <= '2026-10-07') || date === '2026-09-25';
  const makeUp = date === '2026-09-20' || date === '2026-10-10';
  const working = makeUp || (!holiday && weekday >= 1 && weekday <= 5);
  return working && ((minute >= 540 && minute < 720) || (minute >= 810 && minute < 1080));
}

/** Brute-force deadline for a minute-aligned start: walk minute by minute. */
function bruteForceDeadline(start: number, minutes: number): number {
  if (minutes === 0) return start;
  let at = start;
  let counted = 0;
  for (;;) {
    if (serviceCentreWorks(at)) counted++;
    at += MINUTE;
    if (counted === minutes) return at;
  }
}

const autumn = { min: cst('2026-08-01T00:00:00'), max: cst('2026-11-30T00:00:00'), noInvalidDate: true };

describe('business time examples (Asia/Shanghai)', () => {
  const office = createBusinessCalendar();

  it('defaults to Asia/Shanghai, Monday to Friday 09:00–18:00', () => {
    expect(office.timeZone).toBe('Asia/Shanghai');
    expect(workingIntervalsOn(office, '2026-03-06')).toEqual([
      { start: cst('2026-03-06T09:00:00'), end: cst('2026-03-06T18:00:00') },
    ]);
    expect(workingIntervalsOn(office, '2026-03-07')).toEqual([]);
  });

  it('Friday 17:30 + 60 min is due Monday 09:30', () => {
    expect(addBusinessTime(office, cst('2026-03-06T17:30:00'), 60)).toEqual(cst('2026-03-09T09:30:00'));
  });

  it('a deadline may fall exactly at closing time', () => {
    expect(addBusinessTime(office, cst('2026-03-06T17:30:00'), 30)).toEqual(cst('2026-03-06T18:00:00'));
  });

  it('a request arriving at the weekend starts counting on Monday morning', () => {
    expect(addBusinessTime(office, cst('2026-03-07T22:10:00'), 90)).toEqual(cst('2026-03-09T10:30:00'));
  });

  it('zero minutes is the start itself', () => {
    expect(addBusinessTime(office, cst('2026-03-07T22:10:00'), 0)).toEqual(cst('2026-03-07T22:10:00'));
  });

  it('skips the lunch break', () => {
    expect(addBusinessTime(serviceCentre, cst('2026-03-10T11:30:00'), 60)).toEqual(
      cst('2026-03-10T14:00:00'),
    );
    expect(
      businessMinutesBetween(serviceCentre, cst('2026-03-10T11:00:00'), cst('2026-03-10T14:00:00')),
    ).toBe(90);
  });

  it('a holiday week counts nothing and the clock resumes afterwards', () => {
    expect(
      businessMinutesBetween(serviceCentre, cst('2026-10-01T00:00:00'), cst('2026-10-08T00:00:00')),
    ).toBe(0);
    // Wednesday 30 Sep 17:00: one hour left that day, then nothing until Thursday 8 Oct.
    expect(addBusinessTime(serviceCentre, cst('2026-09-30T17:00:00'), 120)).toEqual(
      cst('2026-10-08T10:00:00'),
    );
    expect(nextBusinessInstant(serviceCentre, cst('2026-10-03T10:00:00'))).toEqual(
      cst('2026-10-08T09:00:00'),
    );
  });

  it('a single-day holiday (中秋) falling on a Friday is skipped', () => {
    expect(addBusinessTime(serviceCentre, cst('2026-09-24T17:30:00'), 60)).toEqual(
      cst('2026-09-28T09:30:00'),
    );
  });

  it('a 调休 Saturday and Sunday are worked with the weekday hours', () => {
    expect(addBusinessTime(serviceCentre, cst('2026-10-09T17:00:00'), 120)).toEqual(
      cst('2026-10-10T10:00:00'),
    );
    expect(
      businessMinutesBetween(serviceCentre, cst('2026-09-20T00:00:00'), cst('2026-09-21T00:00:00')),
    ).toBe(450);
    expect(isWorkingTime(serviceCentre, cst('2026-10-10T15:00:00'))).toBe(true);
    expect(isWorkingTime(serviceCentre, cst('2026-10-17T15:00:00'))).toBe(false);
  });

  it('a make-up day may have its own hours', () => {
    const halfDay = createBusinessCalendar({
      makeUpWorkdays: [{ date: '2026-10-10', hours: [{ start: '09:00', end: '12:00' }] }],
    });
    expect(businessMinutesBetween(halfDay, cst('2026-10-10T00:00:00'), cst('2026-10-11T00:00:00'))).toBe(180);
  });

  it('nextBusinessInstant keeps working time and jumps over breaks', () => {
    expect(nextBusinessInstant(serviceCentre, cst('2026-03-10T10:15:00'))).toEqual(
      cst('2026-03-10T10:15:00'),
    );
    expect(nextBusinessInstant(serviceCentre, cst('2026-03-10T12:00:00'))).toEqual(
      cst('2026-03-10T13:30:00'),
    );
    expect(nextBusinessInstant(serviceCentre, cst('2026-03-10T18:00:00'))).toEqual(
      cst('2026-03-11T09:00:00'),
    );
  });

  it('businessMinutesBetween is negative when reversed, and exact to the millisecond', () => {
    expect(businessMinutesBetween(office, cst('2026-03-09T10:00:00'), cst('2026-03-06T17:00:00'))).toBe(-120);
    expect(businessMinutesBetween(office, cst('2026-03-09T10:00:00'), cst('2026-03-09T10:00:30'))).toBe(0.5);
  });

  it('a day worked around the clock and periods ending at 24:00 join up', () => {
    const roundTheClock = createBusinessCalendar({
      weeklyHours: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
    });
    expect(addBusinessTime(roundTheClock, cst('2026-03-06T23:00:00'), 120)).toEqual(
      cst('2026-03-07T01:00:00'),
    );
    expect(
      businessMinutesBetween(roundTheClock, cst('2026-03-01T00:00:00'), cst('2026-04-01T00:00:00')),
    ).toBe(31 * 1440);
  });

  it('jumps by intervals: a year of working time is computed quickly', () => {
    const started = performance.now();
    const deadline = addBusinessTime(serviceCentre, cst('2026-01-05T09:00:00'), 250 * 450);
    const minutes = businessMinutesBetween(serviceCentre, cst('2026-01-05T09:00:00'), deadline);
    expect(minutes).toBe(250 * 450);
    expect(deadline.getTime()).toBeGreaterThan(cst('2026-12-01T00:00:00').getTime());
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('rejects negative or non-finite minutes and invalid dates', () => {
    expect(() => addBusinessTime(office, cst('2026-03-06T17:30:00'), -1)).toThrow(RangeError);
    expect(() => addBusinessTime(office, cst('2026-03-06T17:30:00'), Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessTime(office, new Date('nope'), 5)).toThrow(RangeError);
  });
});

describe('time zones with daylight saving', () => {
  const newYork = createBusinessCalendar({ timeZone: 'America/New_York' });
  const nightShift = createBusinessCalendar({
    timeZone: 'America/New_York',
    weeklyHours: { sun: [{ start: '00:00', end: '06:00' }] },
  });

  it('a working day keeps its wall-clock hours across the spring change', () => {
    // Friday 6 March 2026 17:00 EST (UTC-5) + 2 h → one hour that day, then Monday 9 March 10:00 EDT (UTC-4).
    expect(addBusinessTime(newYork, new Date('2026-03-06T22:00:00Z'), 120)).toEqual(
      new Date('2026-03-09T14:00:00Z'),
    );
  });

  it('a night shift over the change is as long as the clock says', () => {
    const spring = workingIntervalsOn(nightShift, '2026-03-08');
    expect(spring).toEqual([
      { start: new Date('2026-03-08T05:00:00Z'), end: new Date('2026-03-08T10:00:00Z') },
    ]);
    expect(
      businessMinutesBetween(nightShift, new Date('2026-03-07T00:00:00Z'), new Date('2026-03-09T00:00:00Z')),
    ).toBe(300);
    expect(
      businessMinutesBetween(nightShift, new Date('2026-10-31T00:00:00Z'), new Date('2026-11-02T00:00:00Z')),
    ).toBe(420);
  });

  it('round-trips and stays inside local working hours in zones with daylight saving', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2027-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 1, max: 20_000 }),
        (timeZone, start, minutes) => {
          const calendar = createBusinessCalendar({
            timeZone,
            weeklyHours: { mon: withLunch, wed: withLunch, sun: [{ start: '01:00', end: '04:00' }] },
          });
          const deadline = addBusinessTime(calendar, start, minutes);
          expect(businessMinutesBetween(calendar, start, deadline)).toBe(minutes);
          const local = zonedParts(new Date(deadline.getTime() - 1), timeZone);
          const weekday = new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
          const minute = local.hour * 60 + local.minute;
          const inside =
            ((weekday === 1 || weekday === 3) &&
              ((minute >= 540 && minute < 720) || (minute >= 810 && minute < 1080))) ||
            (weekday === 0 && minute >= 60 && minute < 240);
          expect(inside).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('business time properties (Asia/Shanghai service centre)', () => {
  it('adding working time never lands outside working hours', () => {
    fc.assert(
      fc.property(fc.date(autumn), fc.integer({ min: 1, max: 20_000 }), (start, minutes) => {
        const deadline = addBusinessTime(serviceCentre, start, minutes).getTime();
        // The last millisecond before the deadline was working time: it lies in (start, end] of a period.
        expect(serviceCentreWorks(deadline - 1)).toBe(true);
      }),
    );
  });

  it('agrees with a minute-by-minute walk', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 150 * 1440 }),
        fc.integer({ min: 0, max: 3_000 }),
        (offset, minutes) => {
          const start = cst('2026-08-01T00:00:00').getTime() + offset * MINUTE;
          expect(addBusinessTime(serviceCentre, new Date(start), minutes).getTime()).toBe(
            bruteForceDeadline(start, minutes),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is monotonic in minutes', () => {
    fc.assert(
      fc.property(
        fc.date(autumn),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (s, a, b) => {
          const [less, more] = a <= b ? [a, b] : [b, a];
          expect(addBusinessTime(serviceCentre, s, less).getTime()).toBeLessThanOrEqual(
            addBusinessTime(serviceCentre, s, more).getTime(),
          );
        },
      ),
    );
  });

  it('addBusinessTime then businessMinutesBetween round-trips', () => {
    fc.assert(
      fc.property(fc.date(autumn), fc.integer({ min: 0, max: 50_000 }), (start, minutes) => {
        expect(
          businessMinutesBetween(serviceCentre, start, addBusinessTime(serviceCentre, start, minutes)),
        ).toBe(minutes);
      }),
    );
  });

  it('businessMinutesBetween is additive and nextBusinessInstant is working time', () => {
    fc.assert(
      fc.property(fc.date(autumn), fc.date(autumn), fc.date(autumn), (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime());
        const whole = businessMinutesBetween(serviceCentre, a, c);
        const parts =
          businessMinutesBetween(serviceCentre, a, b) + businessMinutesBetween(serviceCentre, b, c);
        expect(Math.round(whole * MINUTE)).toBe(Math.round(parts * MINUTE));
        const next = nextBusinessInstant(serviceCentre, a);
        expect(serviceCentreWorks(next.getTime())).toBe(true);
        expect(businessMinutesBetween(serviceCentre, a, next)).toBe(0);
      }),
    );
  });
});

describe('SLA clock', () => {
  const tuesday10 = cst('2026-03-10T10:00:00');

  it('without pauses the deadline is the business-time deadline', () => {
    expect(slaDeadline(serviceCentre, tuesday10, 240)).toEqual(cst('2026-03-10T15:30:00'));
  });

  it('time waiting on the customer does not count', () => {
    const pauses = [{ from: cst('2026-03-10T11:00:00'), to: cst('2026-03-10T14:00:00') }];
    // 10:00–11:00 counts 60, 14:00–17:00 the other 180.
    expect(slaDeadline(serviceCentre, tuesday10, 240, pauses)).toEqual(cst('2026-03-10T17:00:00'));
  });

  it('overlapping pauses count once and pauses before the start are ignored', () => {
    const pauses = [
      { from: cst('2026-03-09T10:00:00'), to: cst('2026-03-10T10:30:00') },
      { from: cst('2026-03-10T11:00:00'), to: cst('2026-03-10T11:30:00') },
      { from: cst('2026-03-10T11:15:00'), to: cst('2026-03-10T11:45:00') },
    ];
    // Counted: 10:30–11:00 (30), 11:45–12:00 (15), 13:30–… 15 more.
    expect(slaDeadline(serviceCentre, tuesday10, 60, pauses)).toEqual(cst('2026-03-10T13:45:00'));
  });

  it('an open pause leaves the deadline unknown until the customer answers', () => {
    const waiting = [{ from: cst('2026-03-10T11:00:00'), to: null }];
    expect(slaDeadline(serviceCentre, tuesday10, 240, waiting)).toBeNull();
    // Reached before the pause began: the deadline stands.
    expect(slaDeadline(serviceCentre, tuesday10, 45, waiting)).toEqual(cst('2026-03-10T10:45:00'));
  });

  it('rejects a pause that ends before it starts', () => {
    expect(() =>
      slaDeadline(serviceCentre, tuesday10, 60, [{ from: cst('2026-03-10T11:00:00'), to: tuesday10 }]),
    ).toThrow(RangeError);
  });

  it('reports warning, breach, pause and the working minutes left', () => {
    const clock = { startedAt: tuesday10, targetMinutes: 240 };
    const early = slaStatus(serviceCentre, { ...clock, now: cst('2026-03-10T11:00:00') });
    expect(early).toMatchObject({
      deadline: cst('2026-03-10T15:30:00'),
      warningAt: cst('2026-03-10T14:42:00'),
      elapsedMinutes: 60,
      remainingMinutes: 180,
      paused: false,
      breached: false,
      warning: false,
    });
    const soon = slaStatus(serviceCentre, { ...clock, now: cst('2026-03-10T15:00:00') });
    expect(soon).toMatchObject({ remainingMinutes: 30, warning: true, breached: false });
    const atDeadline = slaStatus(serviceCentre, { ...clock, now: cst('2026-03-10T15:30:00') });
    expect(atDeadline).toMatchObject({ remainingMinutes: 0, warning: true, breached: false });
    const late = slaStatus(serviceCentre, { ...clock, now: cst('2026-03-11T09:30:00') });
    expect(late).toMatchObject({ remainingMinutes: -180, warning: false, breached: true });
    const byLead = slaStatus(serviceCentre, {
      ...clock,
      now: cst('2026-03-10T14:00:00'),
      warning: { leadMinutes: 90 },
    });
    expect(byLead).toMatchObject({ warningAt: cst('2026-03-10T14:00:00'), warning: true });
    const waiting = slaStatus(serviceCentre, {
      ...clock,
      pauses: [{ from: cst('2026-03-10T11:00:00'), to: null }],
      now: cst('2026-03-12T11:00:00'),
    });
    expect(waiting).toMatchObject({ deadline: null, paused: true, breached: false, elapsedMinutes: 60 });
  });

  it('warning thresholds: 20 % by default, a lead never beyond the target', () => {
    expect(warningThresholdMinutes(240)).toBe(48);
    expect(warningThresholdMinutes(240, { fraction: 0.5 })).toBe(120);
    expect(warningThresholdMinutes(30, { leadMinutes: 60 })).toBe(30);
    expect(() => warningThresholdMinutes(30, { fraction: 2 })).toThrow(RangeError);
  });

  const pauseArb = fc.tuple(fc.date(autumn), fc.integer({ min: 0, max: 5 * 1440 }), fc.boolean()).map(
    ([from, minutes, open]): SlaPause => ({
      from,
      to: open ? null : new Date(from.getTime() + minutes * MINUTE),
    }),
  );

  it('pausing never shortens a deadline', () => {
    fc.assert(
      fc.property(
        fc.date(autumn),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(pauseArb, { maxLength: 4 }),
        (start, target, pauses) => {
          const plain = slaDeadline(serviceCentre, start, target)!;
          const paused = slaDeadline(serviceCentre, start, target, pauses);
          if (paused !== null) expect(paused.getTime()).toBeGreaterThanOrEqual(plain.getTime());
          if (paused !== null && target > 0) {
            expect(slaElapsedMinutes(serviceCentre, start, pauses, paused)).toBe(target);
          }
          // More pauses never make it earlier either.
          const fewer = slaDeadline(serviceCentre, start, target, pauses.slice(1));
          if (paused !== null) expect(fewer).not.toBeNull();
          if (paused !== null && fewer !== null)
            expect(paused.getTime()).toBeGreaterThanOrEqual(fewer.getTime());
        },
      ),
    );
  });

  it('a zero-length pause changes nothing', () => {
    fc.assert(
      fc.property(
        fc.date(autumn),
        fc.integer({ min: 0, max: 10_000 }),
        fc.date(autumn),
        (start, target, at) => {
          expect(slaDeadline(serviceCentre, start, target, [{ from: at, to: at }])).toEqual(
            slaDeadline(serviceCentre, start, target),
          );
        },
      ),
    );
  });

  it('warning and breach agree with the minutes left', () => {
    fc.assert(
      fc.property(
        fc.date(autumn),
        fc.integer({ min: 1, max: 5_000 }),
        fc.date(autumn),
        fc.array(pauseArb, { maxLength: 2 }),
        (startedAt, targetMinutes, now, pauses) => {
          fc.pre(now.getTime() >= startedAt.getTime());
          const status = slaStatus(serviceCentre, { startedAt, targetMinutes, pauses, now });
          const threshold = warningThresholdMinutes(targetMinutes);
          expect(status.breached).toBe(status.deadline !== null && now.getTime() > status.deadline.getTime());
          if (status.breached) expect(status.remainingMinutes).toBeLessThanOrEqual(0);
          if (!status.breached) {
            expect(status.warning).toBe(status.remainingMinutes <= threshold + 1e-9);
          }
        },
      ),
    );
  });
});

describe('validateBusinessCalendar', () => {
  it('accepts the defaults and the service centre calendar', () => {
    expect(validateBusinessCalendar(createBusinessCalendar())).toEqual([]);
    expect(validateBusinessCalendar(serviceCentre)).toEqual([]);
  });

  it('names every problem', () => {
    const problems = validateBusinessCalendar({
      timeZone: 'Mars/Olympus',
      weeklyHours: {
        mon: [
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
        tue: [{ start: '18:00', end: '09:00' }],
        wed: [{ start: '9:00', end: '25:00' }],
      },
      holidays: [{ from: '2026-10-07', to: '2026-10-01' }, { from: '2026-02-30' }, { from: '2026-05-01' }],
      makeUpWorkdays: [{ date: '2026-05-01' }],
    });
    expect(problems.map((p) => p.field)).toEqual([
      'timeZone',
      'weeklyHours/mon/1/start',
      'weeklyHours/tue/0/end',
      'weeklyHours/wed/0/start',
      'weeklyHours/wed/0/end',
      'holidays/0/to',
      'holidays/1/from',
      'holidays/1/to',
      'makeUpWorkdays/0/date',
    ]);
  });

  it('refuses a week without working time, and the arithmetic refuses an invalid calendar', () => {
    const empty = createBusinessCalendar({ weeklyHours: {} });
    expect(validateBusinessCalendar(empty)).toEqual([
      { field: 'weeklyHours', message: 'the week needs at least one working period' },
    ]);
    expect(() => addBusinessTime(empty, cst('2026-03-06T17:30:00'), 60)).toThrow(/invalid business calendar/);
  });

  it('gives up on a calendar whose holidays cover everything', () => {
    const years = Array.from({ length: 12 }, (_, i) => ({
      from: `${2026 + i}-01-01`,
      to: `${2026 + i}-12-31`,
    }));
    const closed = createBusinessCalendar({ holidays: years });
    expect(() => addBusinessTime(closed, cst('2026-03-06T17:30:00'), 60)).toThrow(/no working time/);
  });
});
