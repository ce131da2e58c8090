import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXCEPTION_KINDS as TABLE_KINDS } from '../modules/exceptions/tables.ts';
import {
  EXCEPTION_KINDS,
  type ExceptionSettings,
  type OpenException,
  type ShipmentFacts,
  clearsByItself,
  customerNotice,
  describeException,
  exceptionConditions,
  formatLocal,
  planExceptions,
  repeatsResolved,
} from './exceptions.ts';
import {
  EVENT_CODES,
  type EventClassifier,
  type EventCode,
  type MilestoneEvent,
  currentStatus,
  mergeEvents,
} from './milestones.ts';

const SETTINGS: ExceptionSettings = {
  silenceHours: { air: 12, sea: 72, road: 8 },
  delayToleranceMinutes: 60,
};
const T0 = Date.parse('2026-11-20T00:00:00Z');
const at = (hours: number) => new Date(T0 + hours * 3_600_000);
const isoAt = (hours: number) => at(hours).toISOString();

const facts = (over: Partial<ShipmentFacts> = {}): ShipmentFacts => ({
  mode: 'sea',
  promisedAt: isoAt(100),
  deliveredAt: null,
  cancelledAt: null,
  lastEventAt: isoAt(0),
  createdAt: isoAt(0),
  ...over,
});

let n = 0;
const ev = (
  code: EventCode,
  classifier: EventClassifier,
  hours: number,
  over: Partial<MilestoneEvent> = {},
) => {
  n += 1;
  return {
    id: `id-${n}`,
    shipmentKey: 'S',
    eventCode: code,
    classifier,
    eventTime: isoAt(hours),
    location: 'DEHAM',
    source: 'test',
    sourceEventId: `e${n}`,
    updatedAt: isoAt(hours - 1 + n / 1000),
    ...over,
  } satisfies MilestoneEvent;
};

function kindsAt(shipment: ShipmentFacts, events: MilestoneEvent[], hours: number, settings = SETTINGS) {
  return conditionsAt(shipment, events, hours, settings).map((c) => c.kind);
}
function conditionsAt(shipment: ShipmentFacts, events: MilestoneEvent[], hours: number, settings = SETTINGS) {
  return exceptionConditions(shipment, currentStatus(events), events, at(hours), settings);
}

describe('exception kinds', () => {
  it('match the table vocabulary', () => {
    expect([...EXCEPTION_KINDS]).toEqual([...TABLE_KINDS]);
  });
});

describe('delay', () => {
  it('is raised when the latest estimate breaks the promise beyond the tolerance', () => {
    const within = [ev('DEPARTED', 'ACT', 1), ev('DELIVERED', 'EST', 100.9)];
    expect(kindsAt(facts({ lastEventAt: isoAt(1) }), within, 2)).toEqual([]);
    const late = [ev('DEPARTED', 'ACT', 1), ev('DELIVERED', 'EST', 130)];
    const [c] = conditionsAt(facts({ lastEventAt: isoAt(1) }), late, 2);
    expect(c.kind).toBe('delay');
    expect(c.detail).toMatchObject({
      basis: 'estimate',
      promisedAt: isoAt(100),
      expectedAt: isoAt(130),
      delayMinutes: 30 * 60,
      classifier: 'EST',
    });
    expect(c.severity).toBe('high');
  });

  it('uses the most recently issued estimate, so a later better estimate lifts it', () => {
    const early = ev('DELIVERED', 'EST', 130, { updatedAt: isoAt(1) });
    const better = ev('DELIVERED', 'EST', 99, { updatedAt: isoAt(2) });
    expect(kindsAt(facts(), [early], 3)).toEqual(['delay']);
    expect(kindsAt(facts(), [early, better], 3)).toEqual([]);
  });

  it('is raised on an actual delivery after the promise, not on one in time', () => {
    const late = [ev('DELIVERED', 'ACT', 102)];
    const [c] = conditionsAt(facts({ deliveredAt: isoAt(102) }), late, 103);
    expect(c).toMatchObject({ kind: 'delay', detail: { basis: 'actual', delayMinutes: 120 } });
    expect(kindsAt(facts({ deliveredAt: isoAt(100.5) }), [ev('DELIVERED', 'ACT', 100.5)], 200)).toEqual([]);
  });

  it('is raised when the promise plus tolerance passed without delivery', () => {
    const events = [ev('DEPARTED', 'ACT', 90)];
    const shipment = facts({ lastEventAt: isoAt(99) });
    expect(kindsAt(shipment, events, 100.9)).toEqual([]);
    const [c] = conditionsAt(shipment, events, 101.5);
    expect(c).toMatchObject({ kind: 'delay', detail: { basis: 'overdue', expectedAt: null } });
  });

  it('needs a promise and a live shipment', () => {
    expect(kindsAt(facts({ promisedAt: null, lastEventAt: isoAt(199) }), [], 200)).toEqual([]);
    expect(kindsAt(facts({ cancelledAt: isoAt(5) }), [ev('DELIVERED', 'EST', 300)], 200)).toEqual([]);
  });
});

describe('silence', () => {
  it('counts from the last event received, per mode', () => {
    const sea = facts({ promisedAt: null, lastEventAt: isoAt(10) });
    expect(kindsAt(sea, [], 82)).toEqual([]);
    const [c] = conditionsAt(sea, [], 83);
    expect(c).toMatchObject({ kind: 'silence', detail: { silenceHours: 72, silentHours: 73 } });
    const air = facts({ mode: 'air', promisedAt: null, lastEventAt: isoAt(10) });
    expect(kindsAt(air, [], 23)).toEqual(['silence']);
  });

  it('counts from creation when nothing arrived yet, and never for delivered or cancelled shipments', () => {
    const fresh = facts({ mode: 'road', promisedAt: null, lastEventAt: null, createdAt: isoAt(0) });
    expect(kindsAt(fresh, [], 7)).toEqual([]);
    expect(kindsAt(fresh, [], 9)).toEqual(['silence']);
    expect(kindsAt({ ...fresh, deliveredAt: isoAt(1) }, [], 50)).toEqual([]);
    expect(kindsAt({ ...fresh, cancelledAt: isoAt(1) }, [], 50)).toEqual([]);
  });

  it('has no rule for a mode without silence hours', () => {
    expect(kindsAt(facts({ mode: 'customs', promisedAt: null }), [], 10_000)).toEqual([]);
  });
});

describe('event-based kinds', () => {
  const quiet = (over: Partial<ShipmentFacts> = {}) =>
    facts({ promisedAt: null, lastEventAt: isoAt(20), ...over });

  it('raise damaged and lost from actual events (also damage found at delivery), with the event', () => {
    const damaged = ev('DAMAGED', 'ACT', 10, { location: 'SGSIN' });
    const [c] = conditionsAt(quiet(), [ev('DEPARTED', 'ACT', 5), damaged], 21);
    expect(c).toMatchObject({
      kind: 'damaged',
      severity: 'high',
      eventId: damaged.id,
      detail: { eventCode: 'DAMAGED', location: 'SGSIN', eventTime: isoAt(10) },
    });
    const atDelivery = [ev('DAMAGED', 'ACT', 30), ev('DELIVERED', 'ACT', 30.1)];
    expect(kindsAt(quiet({ deliveredAt: isoAt(30.1) }), atDelivery, 31)).toEqual(['damaged']);
    expect(kindsAt(quiet(), [ev('LOST', 'ACT', 12)], 21)).toEqual(['lost']);
  });

  it('ignore estimated and retracted exception events', () => {
    expect(kindsAt(quiet(), [ev('DAMAGED', 'EST', 10)], 21)).toEqual([]);
    expect(kindsAt(quiet(), [ev('HOLD', 'ACT', 10, { retracted: true })], 21)).toEqual([]);
  });

  it('hold holds until released by a later progress milestone or delivery', () => {
    const hold = ev('HOLD', 'ACT', 10);
    expect(kindsAt(quiet(), [ev('ARRIVED', 'ACT', 8), hold], 21)).toEqual(['hold']);
    expect(kindsAt(quiet(), [hold, ev('CUSTOMS_RELEASED', 'ACT', 15)], 21)).toEqual([]);
    expect(kindsAt(quiet(), [hold, ev('DELIVERED', 'ACT', 15)], 21)).toEqual([]);
    expect(kindsAt(quiet(), [hold, ev('INSPECTED', 'ACT', 15)], 21)).toEqual(['hold']);
    // A release reported earlier than the hold does not release it.
    expect(kindsAt(quiet(), [hold, ev('CUSTOMS_RELEASED', 'ACT', 9)], 21)).toEqual(['hold']);
  });

  it('delivery_failed holds until delivered', () => {
    const failed = ev('DELIVERY_FAILED', 'ACT', 10);
    expect(kindsAt(quiet(), [failed], 21)).toEqual(['delivery_failed']);
    expect(kindsAt(quiet(), [failed, ev('OUT_FOR_DELIVERY', 'ACT', 12)], 21)).toEqual(['delivery_failed']);
    expect(kindsAt(quiet({ deliveredAt: isoAt(14) }), [failed, ev('DELIVERED', 'ACT', 14)], 21)).toEqual([]);
  });

  it('a cancelled shipment keeps only the facts (damage, loss)', () => {
    const events = [ev('HOLD', 'ACT', 10), ev('DAMAGED', 'ACT', 11), ev('DELIVERY_FAILED', 'ACT', 12)];
    expect(kindsAt(quiet({ cancelledAt: isoAt(13) }), events, 21)).toEqual(['damaged']);
  });
});

describe('planExceptions', () => {
  it('raises kinds not open, resolves only self-clearing kinds that cleared, refreshes a moved delay', () => {
    const open = [
      { id: 'a', kind: 'silence' as const, detail: {} },
      { id: 'b', kind: 'damaged' as const, detail: {} },
      {
        id: 'c',
        kind: 'delay' as const,
        detail: { basis: 'estimate', expectedAt: isoAt(120), promisedAt: isoAt(100) },
      },
      { id: 'd', kind: 'hold' as const, detail: {} },
    ];
    const conditions = [
      {
        kind: 'delay' as const,
        severity: 'normal' as const,
        detail: { basis: 'estimate', expectedAt: isoAt(130), promisedAt: isoAt(100) },
        eventId: null,
      },
      { kind: 'hold' as const, severity: 'normal' as const, detail: {}, eventId: 'x' },
      { kind: 'lost' as const, severity: 'critical' as const, detail: {}, eventId: 'y' },
    ];
    const plan = planExceptions(open, conditions);
    expect(plan.raise.map((c) => c.kind)).toEqual(['lost']);
    expect(plan.resolve.map((o) => o.id)).toEqual(['a']);
    expect(plan.refresh.map((r) => r.exception.id)).toEqual(['c']);
    expect(clearsByItself('delay')).toBe(false);
    expect(clearsByItself('damaged')).toBe(false);
    expect(clearsByItself('lost')).toBe(false);
  });

  it('a stream of ever later estimates raises a delay once', () => {
    let open: OpenException[] = [];
    let raised = 0;
    const events: MilestoneEvent[] = [];
    for (let i = 0; i < 10; i++) {
      events.push(ev('DELIVERED', 'EST', 110 + i * 5, { updatedAt: isoAt(1 + i) }));
      const plan = planExceptions(open, conditionsAt(facts(), events, 2 + i));
      raised += plan.raise.length;
      for (const c of plan.raise) open.push({ id: `x${i}`, kind: 'delay', detail: c.detail });
      for (const r of plan.refresh) open = [{ ...r.exception, detail: r.condition.detail }];
    }
    expect(raised).toBe(1);
    expect(open[0].detail.expectedAt).toBe(isoAt(155));
  });
});

describe('after a person resolved', () => {
  const delay = (detail: Record<string, unknown>) => ({
    kind: 'delay' as const,
    severity: 'normal' as const,
    detail: { promisedAt: isoAt(100), ...detail },
    eventId: null,
  });
  const resolved = (
    detail: Record<string, unknown>,
    kind: 'delay' | 'silence' | 'damaged' = 'delay',
    eventId: string | null = null,
  ) => ({
    kind,
    detail: { promisedAt: isoAt(100), ...detail },
    eventId,
  });

  it('the same situation is not raised again; a worse one is', () => {
    const was = resolved({ basis: 'estimate', expectedAt: isoAt(130) });
    expect(repeatsResolved(delay({ basis: 'estimate', expectedAt: isoAt(130.5) }), was, 60)).toBe(true);
    expect(repeatsResolved(delay({ basis: 'actual', actualAt: isoAt(129) }), was, 60)).toBe(true);
    expect(repeatsResolved(delay({ basis: 'overdue', expectedAt: null }), was, 60)).toBe(true);
    expect(repeatsResolved(delay({ basis: 'estimate', expectedAt: isoAt(140) }), was, 60)).toBe(false);
    expect(
      repeatsResolved(delay({ basis: 'estimate', expectedAt: isoAt(130), promisedAt: isoAt(120) }), was, 60),
    ).toBe(false);
    expect(
      repeatsResolved(
        { kind: 'damaged', severity: 'high', detail: {}, eventId: 'e1' },
        resolved({}, 'damaged', 'e1'),
        60,
      ),
    ).toBe(true);
    expect(
      repeatsResolved(
        { kind: 'damaged', severity: 'high', detail: {}, eventId: 'e2' },
        resolved({}, 'damaged', 'e1'),
        60,
      ),
    ).toBe(false);
    const plan = planExceptions([], [delay({ basis: 'estimate', expectedAt: isoAt(130) })], [was], 60);
    expect(plan.raise).toEqual([]);
  });
});

describe('words', () => {
  it('formats local times and says in plain zh-CN what happened and what we do', () => {
    expect(formatLocal('2026-11-20T10:00:00Z', 'Asia/Shanghai')).toBe('2026-11-20 18:00');
    const notice = customerNotice(
      'delay',
      {
        basis: 'estimate',
        promisedAt: '2026-11-25T10:00:00Z',
        expectedAt: '2026-11-27T02:00:00Z',
        delayMinutes: 2400,
      },
      {
        number: 'LS2611000001',
        origin: 'CNSHA',
        destination: 'DEHAM',
        ownerName: '王芳',
        timeZone: 'Asia/Shanghai',
      },
    );
    expect(notice.subject).toContain('LS2611000001');
    expect(notice.body).toContain('2026-11-25 18:00');
    expect(notice.body).toContain('2026-11-27 10:00');
    expect(notice.body).toContain('约晚 40 小时');
    expect(notice.body).toContain('我们的处理');
    expect(notice.body).toContain('王芳');
    for (const kind of EXCEPTION_KINDS) {
      const text = customerNotice(
        kind,
        { eventTime: '2026-11-20T10:00:00Z' },
        {
          number: 'LS1',
          origin: null,
          destination: null,
          ownerName: null,
          timeZone: 'UTC',
        },
      );
      expect(text.body.length).toBeGreaterThan(20);
      expect(describeException(kind, { eventTime: '2026-11-20T10:00:00Z' }, 'UTC').length).toBeGreaterThan(5);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const CODES = EVENT_CODES as readonly EventCode[];
const eventArb = fc
  .record({
    srcId: fc.integer({ min: 0, max: 6 }),
    code: fc.constantFrom(...CODES),
    classifier: fc.constantFrom<EventClassifier>('PLN', 'EST', 'ACT'),
    hour: fc.integer({ min: 0, max: 200 }),
    version: fc.integer({ min: 0, max: 3 }),
    retracted: fc.boolean(),
  })
  .map(
    (r): MilestoneEvent => ({
      id: `${r.srcId}:${r.version}:${r.code}:${r.classifier}:${r.hour}:${r.retracted}`,
      shipmentKey: 'S',
      eventCode: r.code,
      classifier: r.classifier,
      eventTime: isoAt(r.hour),
      location: 'DEHAM',
      source: 'p',
      sourceEventId: `E${r.srcId}`,
      updatedAt: isoAt(r.version * 24),
      ...(r.retracted ? { retracted: true } : {}),
    }),
  );
const factsArb = fc.record({
  mode: fc.constantFrom('air', 'sea', 'road', 'customs'),
  promised: fc.option(fc.integer({ min: 0, max: 200 })),
  cancelled: fc.option(fc.integer({ min: 0, max: 200 }), { freq: 5 }),
  lastEvent: fc.option(fc.integer({ min: 0, max: 200 })),
});

function shipmentOf(
  f: { mode: string; promised: number | null; cancelled: number | null; lastEvent: number | null },
  events: MilestoneEvent[],
): ShipmentFacts {
  const status = currentStatus(events);
  return {
    mode: f.mode,
    promisedAt: f.promised === null ? null : isoAt(f.promised),
    deliveredAt: status.actualDelivery,
    cancelledAt: f.cancelled === null ? null : isoAt(f.cancelled),
    lastEventAt: f.lastEvent === null ? null : isoAt(f.lastEvent),
    createdAt: isoAt(0),
  };
}

describe('properties', () => {
  it('evaluation does not depend on the order the events arrived in', () => {
    fc.assert(
      fc.property(
        factsArb,
        fc
          .array(eventArb, { maxLength: 20 })
          .chain((batch) =>
            fc.tuple(
              fc.constant(batch),
              fc.shuffledSubarray(batch, { minLength: batch.length, maxLength: batch.length }),
            ),
          ),
        fc.integer({ min: 0, max: 400 }),
        (f, [batch, shuffled], hour) => {
          // Events as stored: merged (one version per identity), in whatever order they arrived.
          const a = mergeEvents([], batch).events;
          const b = [...mergeEvents([], shuffled).events].reverse();
          const run = (events: MilestoneEvent[]) =>
            exceptionConditions(shipmentOf(f, events), currentStatus(events), events, at(hour), SETTINGS);
          expect(run(b)).toEqual(run(a));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('raising is monotone in time: a condition that holds keeps holding later unless events change', () => {
    fc.assert(
      fc.property(
        factsArb,
        fc.array(eventArb, { maxLength: 15 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        (f, batch, h1, dh) => {
          const events = mergeEvents([], batch).events;
          const shipment = shipmentOf(f, events);
          const before = new Set(
            exceptionConditions(shipment, currentStatus(events), events, at(h1), SETTINGS).map((c) => c.kind),
          );
          const after = new Set(
            exceptionConditions(shipment, currentStatus(events), events, at(h1 + dh), SETTINGS).map(
              (c) => c.kind,
            ),
          );
          for (const kind of before) expect(after.has(kind)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('re-planning with what was raised raises nothing new (once per exception)', () => {
    fc.assert(
      fc.property(
        factsArb,
        fc.array(eventArb, { maxLength: 15 }),
        fc.integer({ min: 0, max: 400 }),
        (f, batch, h) => {
          const events = mergeEvents([], batch).events;
          const conditions = exceptionConditions(
            shipmentOf(f, events),
            currentStatus(events),
            events,
            at(h),
            SETTINGS,
          );
          const first = planExceptions([], conditions);
          const open = first.raise.map((c, i) => ({ id: String(i), kind: c.kind, detail: c.detail }));
          const second = planExceptions(open, conditions);
          expect(second.raise).toEqual([]);
          expect(second.resolve).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
