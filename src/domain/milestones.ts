import { isUnLocode } from './identifiers.ts';

/**
 * The internal milestone event model of shipment tracking (issue 4 §2) and the pure functions on
 * it: merging incoming events idempotently, deriving the current status and building the display
 * timeline. Every feed adapter (DCSA T&T, IATA FSU/XFSU, GS1 EPCIS, CSV import, manual entry) maps
 * its messages onto `MilestoneEvent`; nothing here does I/O.
 *
 * Identity of an event is `source` + `sourceEventId` (e.g. a carrier's DCSA `eventID`). A version
 * of it is identified by `updatedAt` (DCSA `eventUpdatedDateTime`; for feeds without one, the
 * adapter uses the event's creation time). Rules:
 * - same identity and same `updatedAt` instant: duplicate, the stored version stays;
 * - a later `updatedAt` replaces the stored version; `retracted: true` withdraws the event but is
 *   kept as a tombstone so that re-sending an older version does not bring it back;
 * - an older `updatedAt` than the stored one is superseded and changes nothing.
 * The merge result is independent of arrival order: the stored version of each identity is always
 * the greatest one by (updatedAt instant, retracted, canonical content).
 */

export const EVENT_CODES = [
  'BOOKED',
  'RECEIVED',
  'LOADED',
  'DEPARTED',
  'ARRIVED',
  'DISCHARGED',
  'CUSTOMS_RELEASED',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'DELIVERY_FAILED',
  'DAMAGED',
  'HOLD',
  'LOST',
  // Appended for DCSA T&T 2.2 / 3.0 equipment and shipment (document) events; the mapping table is
  // in src/domain/feeds/dcsa.ts. Order here is append-only; the process order is PROCESS_ORDER below.
  'GATE_IN',
  'GATE_OUT',
  'STUFFED',
  'STRIPPED',
  'PICKED_UP',
  'DROPPED_OFF',
  'INSPECTED',
  'RELEASED',
  'DOCUMENT_STATUS',
] as const;
export type EventCode = (typeof EVENT_CODES)[number];

/**
 * Codes that tell about paperwork or checks rather than where the cargo is (DCSA shipment events
 * such as a B/L drafted or issued, inspections). They appear on the timeline like any event.
 */
export const INFORMATIONAL_CODES: readonly EventCode[] = ['DOCUMENT_STATUS', 'INSPECTED'];

/** Codes that are exceptions rather than progress (issue 4 §4: damage/hold/loss and failed delivery). */
export const EXCEPTION_CODES: readonly EventCode[] = ['DELIVERY_FAILED', 'DAMAGED', 'HOLD', 'LOST'];

/** PLN planned, EST estimated, ACT actual — DCSA `eventClassifierCode`. */
export const EVENT_CLASSIFIERS = ['PLN', 'EST', 'ACT'] as const;
export type EventClassifier = (typeof EVENT_CLASSIFIERS)[number];

export interface MilestoneEvent {
  /** Internal id (assigned on ingestion); not part of the event's identity or content. */
  id: string;
  /** The shipment the event belongs to (internal shipment id or reference the adapter resolved). */
  shipmentKey: string;
  eventCode: EventCode;
  classifier: EventClassifier;
  /** When it happened / is planned / is estimated: ISO 8601 with a zone offset or Z. */
  eventTime: string;
  /** UN/LOCODE, normalized (5 characters), when known. */
  location?: string | null;
  /** Feed the event came from, e.g. `dcsa:MAEU`, `iata-fsu`, `epcis`, `manual`. */
  source: string;
  /** The event's id in its source; with `source` it identifies the event across versions. */
  sourceEventId: string;
  /** Version time of this event in its source: ISO 8601 with a zone offset or Z. */
  updatedAt: string;
  /** True when the source withdrew the event. */
  retracted?: boolean;
}

export type MergeOutcome = 'accepted' | 'duplicate' | 'replaced' | 'retracted' | 'superseded' | 'rejected';

export interface MergeResult {
  /** Position of the event in the incoming batch. */
  index: number;
  outcome: MergeOutcome;
  source?: string;
  sourceEventId?: string;
  /** For `rejected`: field-precise reasons; for `superseded`: why nothing changed. */
  reason?: string;
}

export interface MergeOutput {
  /**
   * The stored state: the current version of each event identity, retraction tombstones included,
   * in a canonical order (shipment, source, sourceEventId). Feed it back as `existing` next time.
   */
  events: MilestoneEvent[];
  /** One result per incoming event, in batch order. */
  results: MergeResult[];
}

const ISO_WITH_OFFSET_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses an ISO 8601 date-time that carries a zone (`Z` or `±HH:MM`) into epoch milliseconds;
 * `null` for anything else, including impossible dates (2026-02-30) and times without a zone.
 */
export function parseZonedTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = ISO_WITH_OFFSET_RE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', , oh = '00', om = '00'] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (Number(oh) > 23 || Number(om) > 59) return null;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), ms);
  const sign = m[8] === 'Z' ? 0 : m[8]!.startsWith('-') ? -1 : 1;
  return local - sign * (Number(oh) * 60 + Number(om)) * 60_000;
}

/** Field-precise problems of an event; empty when it is valid. Retractions need only identity and version. */
export function validateEvent(e: unknown): string[] {
  if (!e || typeof e !== 'object') return ['event: must be an object'];
  const ev = e as Record<string, unknown>;
  const errors: string[] = [];
  const nonEmpty = (field: string) => {
    if (typeof ev[field] !== 'string' || (ev[field] as string).trim() === '')
      errors.push(`${field}: required`);
  };
  nonEmpty('id');
  nonEmpty('shipmentKey');
  nonEmpty('source');
  nonEmpty('sourceEventId');
  if (parseZonedTime(ev.updatedAt) === null)
    errors.push('updatedAt: must be an ISO 8601 date-time with a zone offset');
  if (ev.retracted !== undefined && typeof ev.retracted !== 'boolean')
    errors.push('retracted: must be true or false');
  if (ev.retracted === true) return errors;
  if (!(EVENT_CODES as readonly unknown[]).includes(ev.eventCode))
    errors.push(`eventCode: must be one of ${EVENT_CODES.join(', ')}`);
  if (!(EVENT_CLASSIFIERS as readonly unknown[]).includes(ev.classifier))
    errors.push('classifier: must be PLN, EST or ACT');
  if (parseZonedTime(ev.eventTime) === null)
    errors.push('eventTime: must be an ISO 8601 date-time with a zone offset');
  if (
    ev.location !== undefined &&
    ev.location !== null &&
    !(typeof ev.location === 'string' && isUnLocode(ev.location))
  )
    errors.push('location: must be a UN/LOCODE such as CNSHA');
  return errors;
}

const identityOf = (e: MilestoneEvent) => `${e.source}\u0000${e.sourceEventId}`;

/** The event's content for comparing two versions with the same `updatedAt`: everything but `id`, keys sorted. */
function contentOf(e: MilestoneEvent): string {
  return JSON.stringify([
    e.shipmentKey,
    e.eventCode ?? null,
    e.classifier ?? null,
    e.eventTime ?? null,
    e.location ?? null,
    e.source,
    e.sourceEventId,
    parseZonedTime(e.updatedAt),
    e.retracted === true,
  ]);
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Total order of versions of one event: later `updatedAt` first wins; at the same instant a
 * retraction beats a non-retraction, then the canonically greater content (a deterministic
 * tie-break for a source that sends two different events under one version — rare, but merging
 * must not depend on arrival order).
 */
function compareVersions(a: MilestoneEvent, b: MilestoneEvent): number {
  return (
    cmp(parseZonedTime(a.updatedAt)!, parseZonedTime(b.updatedAt)!) ||
    cmp(a.retracted === true ? 1 : 0, b.retracted === true ? 1 : 0) ||
    cmp(contentOf(a), contentOf(b))
  );
}

/** Merges an incoming batch into the stored events; see the module comment for the rules. */
export function mergeEvents(existing: readonly MilestoneEvent[], incoming: readonly unknown[]): MergeOutput {
  const store = new Map<string, MilestoneEvent>();
  for (const e of existing) {
    const key = identityOf(e);
    const prev = store.get(key);
    if (!prev || compareVersions(e, prev) > 0) store.set(key, e);
  }
  const results: MergeResult[] = incoming.map((raw, index) => {
    const errors = validateEvent(raw);
    const r = raw as Partial<MilestoneEvent> | null;
    const ids =
      r && typeof r === 'object'
        ? {
            ...(typeof r.source === 'string' ? { source: r.source } : {}),
            ...(typeof r.sourceEventId === 'string' ? { sourceEventId: r.sourceEventId } : {}),
          }
        : {};
    if (errors.length > 0) return { index, outcome: 'rejected', ...ids, reason: errors.join('; ') };
    const e = normalizeEvent(raw as MilestoneEvent);
    const key = identityOf(e);
    const prev = store.get(key);
    if (!prev) {
      store.set(key, e);
      return { index, outcome: e.retracted ? 'retracted' : 'accepted', ...ids };
    }
    const order = compareVersions(e, prev);
    if (order === 0) return { index, outcome: 'duplicate', ...ids };
    const sameInstant = parseZonedTime(e.updatedAt) === parseZonedTime(prev.updatedAt);
    if (order < 0) {
      return {
        index,
        outcome: sameInstant ? 'duplicate' : 'superseded',
        ...ids,
        ...(sameInstant ? {} : { reason: `a newer version (updatedAt ${prev.updatedAt}) is already stored` }),
      };
    }
    store.set(key, e);
    if (e.retracted) return { index, outcome: 'retracted', ...ids };
    return { index, outcome: 'replaced', ...ids };
  });
  const events = [...store.values()].sort(
    (a, b) =>
      cmp(a.shipmentKey, b.shipmentKey) || cmp(a.source, b.source) || cmp(a.sourceEventId, b.sourceEventId),
  );
  return { events, results };
}

function normalizeEvent(e: MilestoneEvent): MilestoneEvent {
  const out: MilestoneEvent = { ...e };
  if (out.location === undefined) delete out.location;
  if (out.retracted !== true) delete out.retracted;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Status and timeline

/**
 * Process order of codes (a container is picked up empty, stuffed, gated in, loaded, departs …),
 * used only to break ties between events at the same instant. Every EventCode appears once.
 */
const PROCESS_ORDER: readonly EventCode[] = [
  'BOOKED',
  'DOCUMENT_STATUS',
  'PICKED_UP',
  'STUFFED',
  'RECEIVED',
  'GATE_IN',
  'LOADED',
  'DEPARTED',
  'ARRIVED',
  'DISCHARGED',
  'INSPECTED',
  'CUSTOMS_RELEASED',
  'RELEASED',
  'GATE_OUT',
  'STRIPPED',
  'OUT_FOR_DELIVERY',
  'DROPPED_OFF',
  'DELIVERED',
  'DELIVERY_FAILED',
  'DAMAGED',
  'HOLD',
  'LOST',
];
const CODE_RANK: Record<EventCode, number> = Object.fromEntries(
  PROCESS_ORDER.map((c, i) => [c, i]),
) as Record<EventCode, number>;
const CLASSIFIER_RANK: Record<EventClassifier, number> = { ACT: 0, EST: 1, PLN: 2 };

const live = (events: readonly MilestoneEvent[]) => events.filter((e) => e.retracted !== true);

/** Chronological order with deterministic tie-breaks (code process order, then identity). */
function compareByEventTime(a: MilestoneEvent, b: MilestoneEvent): number {
  return (
    cmp(parseZonedTime(a.eventTime)!, parseZonedTime(b.eventTime)!) ||
    cmp(CODE_RANK[a.eventCode], CODE_RANK[b.eventCode]) ||
    cmp(CLASSIFIER_RANK[a.classifier], CLASSIFIER_RANK[b.classifier]) ||
    cmp(a.source, b.source) ||
    cmp(a.sourceEventId, b.sourceEventId)
  );
}

export interface Expectation {
  eventTime: string;
  classifier: 'EST' | 'PLN';
  location: string | null;
  source: string;
  updatedAt: string;
}

export interface ShipmentStatus {
  /**
   * Event code of the latest actual milestone by event time, informational codes left out; `null`
   * before any actual movement.
   */
  status: EventCode | null;
  latestActual: MilestoneEvent | null;
  /** Actual exception events (DAMAGED, HOLD, LOST, DELIVERY_FAILED) not followed by a DELIVERED actual. */
  exceptions: MilestoneEvent[];
  /** Most recently issued estimate (EST, else PLN) of arrival, `null` once arrival is actual. */
  expectedArrival: Expectation | null;
  /** Most recently issued estimate (EST, else PLN) of delivery, `null` once delivered. */
  expectedDelivery: Expectation | null;
  actualArrival: string | null;
  actualDelivery: string | null;
}

export interface StatusOptions {
  /**
   * Destination UN/LOCODE. When given, only ARRIVED events at it count for arrival (a multi-leg
   * voyage has an ARRIVED per port of call); otherwise every ARRIVED counts.
   */
  destination?: string;
}

/**
 * Derives the shipment's state from its events, whatever order they arrived in: the status is the
 * latest ACTUAL milestone by event time (a late-arriving actual with an earlier time does not
 * override a later one), estimates are the most recently issued ones (highest `updatedAt`, so a
 * late re-send of an old estimate does not win over a newer estimate). Retracted events are ignored.
 */
export function currentStatus(
  events: readonly MilestoneEvent[],
  options: StatusOptions = {},
): ShipmentStatus {
  const all = live(events);
  const actuals = all.filter((e) => e.classifier === 'ACT').sort(compareByEventTime);
  // Paperwork and inspections (DOCUMENT_STATUS, INSPECTED) say nothing about where the cargo is.
  const latestActual = actuals.filter((e) => !INFORMATIONAL_CODES.includes(e.eventCode)).at(-1) ?? null;
  const isArrival = (e: MilestoneEvent) =>
    e.eventCode === 'ARRIVED' && (!options.destination || e.location === options.destination);
  const actualArrival = actuals.filter(isArrival).at(-1)?.eventTime ?? null;
  const delivered = actuals.filter((e) => e.eventCode === 'DELIVERED').at(-1) ?? null;
  const lastDeliveredMs = delivered ? parseZonedTime(delivered.eventTime)! : Number.NEGATIVE_INFINITY;
  const exceptions = actuals.filter(
    (e) => EXCEPTION_CODES.includes(e.eventCode) && parseZonedTime(e.eventTime)! > lastDeliveredMs,
  );
  return {
    status: latestActual?.eventCode ?? null,
    latestActual,
    exceptions,
    expectedArrival: actualArrival ? null : latestExpectation(all.filter(isArrival)),
    expectedDelivery: delivered ? null : latestExpectation(all.filter((e) => e.eventCode === 'DELIVERED')),
    actualArrival,
    actualDelivery: delivered?.eventTime ?? null,
  };
}

function latestExpectation(candidates: readonly MilestoneEvent[]): Expectation | null {
  for (const classifier of ['EST', 'PLN'] as const) {
    const best = candidates
      .filter((e) => e.classifier === classifier)
      .sort(
        (a, b) =>
          cmp(parseZonedTime(a.updatedAt)!, parseZonedTime(b.updatedAt)!) ||
          cmp(parseZonedTime(a.eventTime)!, parseZonedTime(b.eventTime)!) ||
          cmp(a.source, b.source) ||
          cmp(a.sourceEventId, b.sourceEventId),
      )
      .at(-1);
    if (best) {
      return {
        eventTime: best.eventTime,
        classifier,
        location: best.location ?? null,
        source: best.source,
        updatedAt: best.updatedAt,
      };
    }
  }
  return null;
}

/** One milestone of the display timeline: what was planned, estimated and happened, side by side. */
export interface TimelineRow {
  eventCode: EventCode;
  location: string | null;
  /** Most recently issued plan for this milestone. */
  planned: MilestoneEvent | null;
  /** Most recently issued estimate for this milestone. */
  estimated: MilestoneEvent | null;
  /** What happened, chronologically (usually one; a HOLD can happen twice at one place). */
  actual: MilestoneEvent[];
  /** The time the row is sorted by: first actual, else the estimate, else the plan. */
  sortTime: string;
}

/**
 * The display timeline: one row per milestone (event code + location), actual next to the latest
 * plan and estimate, in chronological order of the row's best-known time. Retracted events are left
 * out. Identical for any order of the same events.
 */
export function timelineOf(events: readonly MilestoneEvent[]): TimelineRow[] {
  const rows = new Map<
    string,
    { planned: MilestoneEvent[]; estimated: MilestoneEvent[]; actual: MilestoneEvent[] }
  >();
  for (const e of live(events)) {
    const key = `${e.eventCode}\u0000${e.location ?? ''}`;
    let row = rows.get(key);
    if (!row) {
      row = { planned: [], estimated: [], actual: [] };
      rows.set(key, row);
    }
    (e.classifier === 'ACT' ? row.actual : e.classifier === 'EST' ? row.estimated : row.planned).push(e);
  }
  const newest = (list: MilestoneEvent[]) =>
    list.length === 0
      ? null
      : list.reduce((best, e) => {
          const order =
            cmp(parseZonedTime(e.updatedAt)!, parseZonedTime(best.updatedAt)!) || compareByEventTime(e, best);
          return order > 0 ? e : best;
        });
  const out: TimelineRow[] = [...rows.values()].map((row) => {
    const actual = [...row.actual].sort(compareByEventTime);
    const planned = newest(row.planned);
    const estimated = newest(row.estimated);
    const lead = actual[0] ?? estimated ?? planned!;
    return {
      eventCode: lead.eventCode,
      location: lead.location ?? null,
      planned,
      estimated,
      actual,
      sortTime: lead.eventTime,
    };
  });
  return out.sort(
    (a, b) =>
      cmp(parseZonedTime(a.sortTime)!, parseZonedTime(b.sortTime)!) ||
      cmp(CODE_RANK[a.eventCode], CODE_RANK[b.eventCode]) ||
      cmp(a.location ?? '', b.location ?? ''),
  );
}
