import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_CODES,
  INFORMATIONAL_CODES,
  type EventClassifier,
  type EventCode,
  type MilestoneEvent,
  currentStatus,
  mergeEvents,
  parseZonedTime,
  timelineOf,
  validateEvent,
} from './milestones.ts';

let seq = 0;
const ev = (over: Partial<MilestoneEvent> = {}): MilestoneEvent => ({
  id: `ev-${++seq}`,
  shipmentKey: 'SHP-1',
  eventCode: 'DEPARTED',
  classifier: 'ACT',
  eventTime: '2026-11-20T08:00:00+08:00',
  location: 'CNSHA',
  source: 'dcsa:MAEU',
  sourceEventId: `src-${seq}`,
  updatedAt: '2026-11-20T08:05:00+08:00',
  ...over,
});

describe('parseZonedTime', () => {
  it('needs a zone and a real date', () => {
    expect(parseZonedTime('2026-11-20T08:00:00+08:00')).toBe(Date.parse('2026-11-20T00:00:00Z'));
    expect(parseZonedTime('2026-11-20T00:00Z')).toBe(Date.parse('2026-11-20T00:00:00Z'));
    expect(parseZonedTime('2026-11-20T00:00:00.123456789-05:30')).toBe(
      Date.parse('2026-11-20T05:30:00.123Z'),
    );
    for (const bad of [
      '2026-11-20T08:00:00',
      '2026-02-30T00:00:00Z',
      '2026-11-20T24:00:00Z',
      '2026-11-20',
      42,
      null,
    ]) {
      expect(parseZonedTime(bad)).toBeNull();
    }
  });
});

describe('validateEvent', () => {
  it('names every bad field', () => {
    const errors = validateEvent({
      ...ev(),
      eventCode: 'ARRI',
      classifier: 'X',
      eventTime: '2026-11-20 08:00',
      location: 'Shanghai',
    });
    expect(errors).toEqual([
      expect.stringMatching(/^eventCode:/),
      expect.stringMatching(/^classifier:/),
      expect.stringMatching(/^eventTime:/),
      expect.stringMatching(/^location:/),
    ]);
    expect(validateEvent(null)).toEqual(['event: must be an object']);
    expect(validateEvent(ev())).toEqual([]);
    expect(validateEvent(ev({ location: null }))).toEqual([]);
  });

  it('a retraction needs identity and version only', () => {
    const { eventCode: _c, eventTime: _t, ...rest } = ev({ retracted: true });
    expect(validateEvent(rest)).toEqual([]);
    expect(validateEvent({ ...rest, updatedAt: 'yesterday' })).toEqual([
      expect.stringMatching(/^updatedAt:/),
    ]);
  });
});

describe('mergeEvents', () => {
  it('tags each event and never lets a bad one block the good ones', () => {
    const a = ev({ sourceEventId: 'A' });
    const b = ev({ sourceEventId: 'B', eventCode: 'ARRIVED' });
    const { events, results } = mergeEvents([], [a, { ...b, eventTime: 'soon' }, b, a]);
    expect(results.map((r) => r.outcome)).toEqual(['accepted', 'rejected', 'accepted', 'duplicate']);
    expect(results[1]).toMatchObject({
      index: 1,
      sourceEventId: 'B',
      reason: expect.stringContaining('eventTime'),
    });
    expect(events.map((e) => e.sourceEventId)).toEqual(['A', 'B']);
  });

  it('same source+id+updatedAt is a duplicate even with another internal id or offset spelling', () => {
    const a = ev({ sourceEventId: 'A' });
    const again = { ...a, id: 'other', updatedAt: '2026-11-20T00:05:00Z' };
    const { events, results } = mergeEvents([a], [again]);
    expect(results[0]!.outcome).toBe('duplicate');
    expect(events).toEqual([a]);
  });

  it('a later updatedAt replaces, an older one is superseded', () => {
    const v1 = ev({
      sourceEventId: 'E',
      eventCode: 'ARRIVED',
      classifier: 'EST',
      eventTime: '2026-11-25T10:00:00+01:00',
    });
    const v2 = { ...v1, id: 'v2', eventTime: '2026-11-26T10:00:00+01:00', updatedAt: '2026-11-21T00:00:00Z' };
    const first = mergeEvents([v1], [v2]);
    expect(first.results[0]!.outcome).toBe('replaced');
    expect(first.events).toEqual([v2]);
    const second = mergeEvents(first.events, [v1]);
    expect(second.results[0]).toMatchObject({
      outcome: 'superseded',
      reason: expect.stringContaining('newer version'),
    });
    expect(second.events).toEqual([v2]);
  });

  it('a retraction withdraws the event and leaves a tombstone; only a newer version revives it', () => {
    const v1 = ev({ sourceEventId: 'R' });
    const retraction = { ...v1, retracted: true, updatedAt: '2026-11-21T00:00:00Z' };
    const r1 = mergeEvents([v1], [retraction]);
    expect(r1.results[0]!.outcome).toBe('retracted');
    expect(timelineOf(r1.events)).toEqual([]);
    expect(currentStatus(r1.events).status).toBeNull();
    const resend = mergeEvents(r1.events, [v1]);
    expect(resend.results[0]!.outcome).toBe('superseded');
    expect(timelineOf(resend.events)).toEqual([]);
    const newer = { ...v1, updatedAt: '2026-11-22T00:00:00Z' };
    const revived = mergeEvents(resend.events, [newer]);
    expect(revived.results[0]!.outcome).toBe('replaced');
    expect(currentStatus(revived.events).status).toBe('DEPARTED');
  });

  it('a retraction arriving before the event it withdraws still wins (out-of-order feed)', () => {
    const v1 = ev({ sourceEventId: 'R2' });
    const retraction = { ...v1, retracted: true, updatedAt: '2026-11-21T00:00:00Z' };
    const { events, results } = mergeEvents([], [retraction, v1]);
    expect(results.map((r) => r.outcome)).toEqual(['retracted', 'superseded']);
    expect(timelineOf(events)).toEqual([]);
  });

  it('at the same updatedAt a retraction beats the event', () => {
    const v1 = ev({ sourceEventId: 'R3' });
    const { events, results } = mergeEvents([v1], [{ ...v1, retracted: true }]);
    expect(results[0]!.outcome).toBe('retracted');
    expect(events[0]!.retracted).toBe(true);
  });
});

describe('currentStatus', () => {
  it('takes the latest ACTUAL by event time, not by arrival order; estimates by issue time', () => {
    const departed = ev({ eventCode: 'DEPARTED', eventTime: '2026-11-20T08:00:00+08:00', location: 'CNSHA' });
    const arrived = ev({ eventCode: 'ARRIVED', eventTime: '2026-11-30T06:00:00+01:00', location: 'NLRTM' });
    // Late: the RECEIVED scan arrives after ARRIVED but happened first.
    const received = ev({ eventCode: 'RECEIVED', eventTime: '2026-11-18T10:00:00+08:00', location: 'CNSHA' });
    const estOld = ev({
      eventCode: 'DELIVERED',
      classifier: 'EST',
      eventTime: '2026-12-03T12:00:00+01:00',
      updatedAt: '2026-11-20T00:00:00Z',
      location: 'NLRTM',
    });
    const estNew = ev({
      eventCode: 'DELIVERED',
      classifier: 'EST',
      eventTime: '2026-12-02T12:00:00+01:00',
      updatedAt: '2026-11-29T00:00:00Z',
      location: 'NLRTM',
    });
    const plan = ev({
      eventCode: 'DELIVERED',
      classifier: 'PLN',
      eventTime: '2026-12-01T12:00:00+01:00',
      updatedAt: '2026-11-30T00:00:00Z',
      location: 'NLRTM',
    });
    const s = currentStatus([estNew, departed, arrived, received, plan, estOld]);
    expect(s.status).toBe('ARRIVED');
    expect(s.actualArrival).toBe(arrived.eventTime);
    expect(s.expectedArrival).toBeNull();
    expect(s.expectedDelivery).toMatchObject({ eventTime: estNew.eventTime, classifier: 'EST' });
    expect(s.actualDelivery).toBeNull();
  });

  it('compares instants across zones', () => {
    // 09:00+08:00 is 01:00Z, before 02:00Z.
    const a = ev({ eventCode: 'LOADED', eventTime: '2026-11-20T09:00:00+08:00' });
    const b = ev({ eventCode: 'DEPARTED', eventTime: '2026-11-20T02:00:00Z' });
    expect(currentStatus([b, a]).status).toBe('DEPARTED');
  });

  it('falls back to the plan, filters arrivals by destination, and lists open exceptions', () => {
    const transship = ev({
      eventCode: 'ARRIVED',
      classifier: 'ACT',
      location: 'SGSIN',
      eventTime: '2026-11-25T10:00:00+08:00',
    });
    const planArr = ev({
      eventCode: 'ARRIVED',
      classifier: 'PLN',
      location: 'NLRTM',
      eventTime: '2026-12-10T10:00:00+01:00',
    });
    const hold = ev({ eventCode: 'HOLD', location: 'SGSIN', eventTime: '2026-11-25T12:00:00+08:00' });
    const s = currentStatus([transship, planArr, hold], { destination: 'NLRTM' });
    expect(s.status).toBe('HOLD');
    expect(s.actualArrival).toBeNull();
    expect(s.expectedArrival).toMatchObject({ classifier: 'PLN', location: 'NLRTM' });
    expect(s.exceptions).toEqual([hold]);
    expect(currentStatus([transship, planArr, hold]).actualArrival).toBe(transship.eventTime);
    const delivered = ev({
      eventCode: 'DELIVERED',
      eventTime: '2026-12-11T10:00:00+01:00',
      location: 'NLRTM',
    });
    const after = currentStatus([transship, planArr, hold, delivered]);
    expect(after.exceptions).toEqual([]);
    expect(after.status).toBe('DELIVERED');
    expect(after.expectedDelivery).toBeNull();
  });

  it('has no status before any actual event', () => {
    expect(currentStatus([ev({ classifier: 'PLN', eventCode: 'BOOKED' })]).status).toBeNull();
    expect(currentStatus([]).latestActual).toBeNull();
  });
});

describe('timelineOf', () => {
  it('puts plan, estimate and actual of a milestone side by side, chronologically', () => {
    const planDep = ev({ eventCode: 'DEPARTED', classifier: 'PLN', eventTime: '2026-11-20T06:00:00+08:00' });
    const actDep = ev({ eventCode: 'DEPARTED', classifier: 'ACT', eventTime: '2026-11-20T08:00:00+08:00' });
    const estArr = ev({
      eventCode: 'ARRIVED',
      classifier: 'EST',
      location: 'NLRTM',
      eventTime: '2026-12-20T08:00:00+01:00',
    });
    const booked = ev({
      eventCode: 'BOOKED',
      classifier: 'ACT',
      location: null,
      eventTime: '2026-11-01T08:00:00+08:00',
    });
    const rows = timelineOf([estArr, actDep, planDep, booked]);
    expect(rows.map((r) => [r.eventCode, r.location])).toEqual([
      ['BOOKED', null],
      ['DEPARTED', 'CNSHA'],
      ['ARRIVED', 'NLRTM'],
    ]);
    expect(rows[1]).toMatchObject({
      planned: planDep,
      estimated: null,
      actual: [actDep],
      sortTime: actDep.eventTime,
    });
    expect(rows[2]).toMatchObject({
      planned: null,
      estimated: estArr,
      actual: [],
      sortTime: estArr.eventTime,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const CODES = EVENT_CODES as readonly EventCode[];
const LOCS = ['CNSHA', 'SGSIN', 'NLRTM', null] as const;
const BASE = Date.parse('2026-11-01T00:00:00Z');
const OFFSETS = ['Z', '+08:00', '-05:00', '+05:30'];

function iso(ms: number, offset: string): string {
  if (offset === 'Z') return new Date(ms).toISOString();
  const sign = offset[0] === '-' ? -1 : 1;
  const mins = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return `${new Date(ms + mins * 60_000).toISOString().slice(0, 23)}${offset}`;
}

/** A version of one of a few source events: small ranges so that collisions (duplicates, replacements) are common. */
const versionArb = fc
  .record({
    srcId: fc.integer({ min: 0, max: 5 }),
    source: fc.constantFrom('dcsa:MAEU', 'iata-fsu'),
    code: fc.constantFrom(...CODES),
    classifier: fc.constantFrom<EventClassifier>('PLN', 'EST', 'ACT'),
    hour: fc.integer({ min: 0, max: 400 }),
    version: fc.integer({ min: 0, max: 3 }),
    offset: fc.constantFrom(...OFFSETS),
    loc: fc.constantFrom(...LOCS),
    retracted: fc.boolean(),
  })
  .map((r): MilestoneEvent => {
    const e: MilestoneEvent = {
      id: '',
      shipmentKey: 'SHP-P',
      eventCode: r.code,
      classifier: r.classifier,
      eventTime: iso(BASE + r.hour * 3_600_000, r.offset),
      location: r.loc,
      source: r.source,
      sourceEventId: `E${r.srcId}`,
      updatedAt: iso(BASE + r.version * 86_400_000, r.offset),
      ...(r.retracted ? { retracted: true } : {}),
    };
    // Internal id derived from content, as an ingestion that hashes the event would assign it.
    e.id = JSON.stringify([
      e.source,
      e.sourceEventId,
      e.eventCode,
      e.classifier,
      e.eventTime,
      e.location,
      r.version,
      r.retracted,
    ]);
    return e;
  });
const batchArb = fc.array(versionArb, { minLength: 0, maxLength: 25 });

describe('properties', () => {
  it('any permutation of the same events gives the same stored state, status and timeline', () => {
    fc.assert(
      fc.property(
        batchArb.chain((batch) =>
          fc.tuple(
            fc.constant(batch),
            fc.shuffledSubarray(batch, { minLength: batch.length, maxLength: batch.length }),
          ),
        ),
        ([batch, shuffled]) => {
          const a = mergeEvents([], batch).events;
          const b = mergeEvents([], shuffled).events;
          expect(b).toEqual(a);
          expect(currentStatus(b)).toEqual(currentStatus(a));
          expect(timelineOf(b)).toEqual(timelineOf(a));
          // The display functions themselves do not depend on the order of their input either.
          const reversed = [...a].reverse();
          expect(currentStatus(reversed)).toEqual(currentStatus(a));
          expect(timelineOf(reversed)).toEqual(timelineOf(a));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('splitting a feed into batches in any order gives the same state as one batch', () => {
    fc.assert(
      fc.property(batchArb, batchArb, (x, y) => {
        const together = mergeEvents([], [...x, ...y]).events;
        const xThenY = mergeEvents(mergeEvents([], x).events, y).events;
        const yThenX = mergeEvents(mergeEvents([], y).events, x).events;
        expect(xThenY).toEqual(together);
        expect(yThenX).toEqual(together);
      }),
      { numRuns: 300 },
    );
  });

  it('sending a batch twice changes nothing, and the second time nothing is accepted, replaced or retracted', () => {
    fc.assert(
      fc.property(batchArb, batchArb, (before, batch) => {
        const once = mergeEvents(mergeEvents([], before).events, batch);
        const twice = mergeEvents(once.events, batch);
        expect(twice.events).toEqual(once.events);
        for (const r of twice.results) expect(['duplicate', 'superseded']).toContain(r.outcome);
      }),
      { numRuns: 300 },
    );
  });

  it('after a retraction, re-sending a version keeps it retracted unless that version is newer', () => {
    fc.assert(
      fc.property(versionArb, fc.integer({ min: -2, max: 2 }), (v, shift) => {
        const live = { ...v, retracted: undefined };
        delete live.retracted;
        const retraction: MilestoneEvent = { ...live, retracted: true };
        const retracted = mergeEvents([live], [retraction]).events;
        const resent = { ...live, updatedAt: iso(parseZonedTime(v.updatedAt)! + shift * 86_400_000, 'Z') };
        const after = mergeEvents(retracted, [resent]);
        const isLive = timelineOf(after.events).length > 0;
        expect(isLive).toBe(shift > 0);
        expect(after.results[0]!.outcome).toBe(
          shift > 0 ? 'replaced' : shift === 0 ? 'duplicate' : 'superseded',
        );
      }),
    );
  });

  it('the status is the code of the actual movement with the greatest event time', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const events = mergeEvents([], batch).events.filter((e) => !e.retracted);
        const acts = events.filter(
          (e) => e.classifier === 'ACT' && !INFORMATIONAL_CODES.includes(e.eventCode),
        );
        const s = currentStatus(events);
        if (acts.length === 0) {
          expect(s.status).toBeNull();
          return;
        }
        const max = Math.max(...acts.map((e) => parseZonedTime(e.eventTime)!));
        expect(parseZonedTime(s.latestActual!.eventTime)).toBe(max);
        expect(s.status).toBe(s.latestActual!.eventCode);
      }),
    );
  });
});

describe('codes appended for DCSA feeds', () => {
  it('break same-instant ties in process order (gate-in before loading, gate-out after discharge)', () => {
    const at = '2026-11-20T08:00:00+08:00';
    const rows = timelineOf([
      ev({ eventCode: 'LOADED', eventTime: at }),
      ev({ eventCode: 'GATE_IN', eventTime: at }),
      ev({ eventCode: 'GATE_OUT', eventTime: at, location: 'DEHAM' }),
      ev({ eventCode: 'DISCHARGED', eventTime: at, location: 'DEHAM' }),
    ]);
    expect(rows.map((r) => r.eventCode)).toEqual(['GATE_IN', 'LOADED', 'DISCHARGED', 'GATE_OUT']);
    expect(validateEvent(ev({ eventCode: 'DOCUMENT_STATUS' }))).toEqual([]);
  });
});

describe('status ignores paperwork', () => {
  it('keeps the latest movement as the status when a document or inspection event comes after it', () => {
    const base = {
      shipmentKey: 's1',
      classifier: 'ACT' as const,
      location: 'DEHAM',
      source: 'dcsa:TEST',
      retracted: false,
    };
    const events = [
      {
        ...base,
        id: '1',
        eventCode: 'ARRIVED' as const,
        eventTime: '2026-11-01T10:00:00Z',
        sourceEventId: 'a',
        updatedAt: '2026-11-01T10:00:00Z',
      },
      {
        ...base,
        id: '2',
        eventCode: 'DOCUMENT_STATUS' as const,
        eventTime: '2026-11-02T10:00:00Z',
        sourceEventId: 'b',
        updatedAt: '2026-11-02T10:00:00Z',
      },
      {
        ...base,
        id: '3',
        eventCode: 'INSPECTED' as const,
        eventTime: '2026-11-03T10:00:00Z',
        sourceEventId: 'c',
        updatedAt: '2026-11-03T10:00:00Z',
      },
    ];
    const status = currentStatus(events);
    expect(status.status).toBe('ARRIVED');
    expect(status.latestActual?.id).toBe('1');
  });
});
