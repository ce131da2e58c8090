import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq, ne } from 'drizzle-orm';
import {
  type EventClassifier,
  type EventCode,
  type MilestoneEvent,
  parseZonedTime,
  timelineOf,
} from '../../domain/milestones.ts';
import type { AppContext } from '../../server/context.ts';
import { Problem } from '../../server/problems.ts';
import { shipmentExceptions } from '../exceptions/tables.ts';
import { shipments } from '../shipments/tables.ts';
import { trackingEvents } from '../tracking/tables.ts';

/** Wrong second factors per tracking number per hour before the number is locked for the rest of that hour. */
export const LOCKOUT_FAILURES = 10;
export const LOCKOUT_WINDOW_MS = 60 * 60_000;
/** Numbers remembered by the lockout at most (oldest forgotten first), so guessing cannot exhaust memory. */
const LOCKOUT_MAX_ENTRIES = 100_000;
const RATE_LIMIT_CACHE_MS = 10_000;

export interface PublicMilestone {
  eventCode: string;
  classifier: string;
  time: string;
  location: string | null;
  locationName: string | null;
}

export interface PublicTrackView {
  number: string;
  mode: string;
  origin: string | null;
  destination: string | null;
  status: string;
  promisedAt: string | null;
  estimatedDeliveryAt: string | null;
  deliveredAt: string | null;
  milestones: PublicMilestone[];
  exceptions: { kind: string; since: string }[];
}

/**
 * The one answer for "no such number", "wrong second factor" and "number locked": the same status,
 * title, type and detail, so a caller cannot tell them apart (issue 4 §6).
 */
export function trackNotFound(): Problem {
  return new Problem(
    404,
    'Not Found',
    'No shipment matches this tracking number and second factor.',
    {},
    'https://liaison.dev/problems/tracking-not-found',
  );
}

/** Upper case without spaces or dashes: how numbers and second factors are compared. */
export function normaliseCode(value: string): string {
  return value.toUpperCase().replace(/[\s\-‐-―]/g, '');
}

/**
 * The public tracking page's lookups (/api/track): tracking number + second factor, no
 * enumeration, rate-limited.
 *
 * - The second factor is the shipment's destination postcode (case and spaces ignored) or the last
 *   four digits of the consignee's phone.
 * - Unknown number and wrong factor do the same work: the same single indexed query, then both
 *   factors compared through HMAC digests with timingSafeEqual (against unguessable dummies when the
 *   shipment or its postcode/phone is missing) — no early return — and the same 404 problem.
 * - Per-number lockout: after LOCKOUT_FAILURES wrong attempts on one number (known or not) within
 *   an hour, that number answers the same 404 for the rest of the hour even with the right factor.
 *   Kept in this process's memory (a restart forgets it; the per-IP rate limit still applies).
 * - Read-only: it reads shipments, tracking_events and shipment_exceptions and writes nothing.
 */
export class PublicTrackService {
  /** Per-process key for the factor digests; only equality of digests matters. */
  private readonly digestKey = randomBytes(32);
  private readonly failures = new Map<string, { start: number; count: number }>();
  private rateLimitCache: { value: number; at: number } | null = null;

  constructor(private readonly ctx: AppContext) {}

  get context(): AppContext {
    return this.ctx;
  }

  /** `tracking.publicRateLimitPerMinute`, re-read at most every 10 seconds (each lookup must stay cheap). */
  async rateLimitPerMinute(): Promise<number> {
    const now = Date.now();
    if (this.rateLimitCache && now - this.rateLimitCache.at < RATE_LIMIT_CACHE_MS) {
      return this.rateLimitCache.value;
    }
    const raw = Number(await this.ctx.services.settings.get('tracking.publicRateLimitPerMinute'));
    const value = Number.isFinite(raw) && raw >= 1 ? Math.floor(raw) : 30;
    this.rateLimitCache = { value, at: now };
    return value;
  }

  /** The public view of a shipment, or the one 404 problem (see the class comment). */
  async lookup(number: string, secondFactor: string): Promise<PublicTrackView> {
    const key = normaliseCode(number);
    const factor = normaliseCode(secondFactor);
    const [shipment] = await this.ctx.db
      .select({
        id: shipments.id,
        number: shipments.number,
        mode: shipments.mode,
        origin: shipments.origin,
        destination: shipments.destination,
        status: shipments.status,
        promisedAt: shipments.promisedAt,
        estimatedDeliveryAt: shipments.estimatedDeliveryAt,
        deliveredAt: shipments.deliveredAt,
        destinationPostcode: shipments.destinationPostcode,
        consigneePhone: shipments.consigneePhone,
      })
      .from(shipments)
      .where(eq(shipments.number, key))
      .limit(1);

    const postcode = shipment?.destinationPostcode ? normaliseCode(shipment.destinationPostcode) : '';
    const digits = (shipment?.consigneePhone ?? '').replace(/\D/g, '');
    const phoneLast4 = digits.length >= 4 ? digits.slice(-4) : '';
    const given = this.digest(factor);
    // Both comparisons always run; a missing value is replaced by a dummy no input can equal
    // (normalised input never contains a space).
    const postcodeMatch = timingSafeEqual(
      given,
      this.digest(postcode || ` ${randomBytes(8).toString('hex')}`),
    );
    const phoneMatch = timingSafeEqual(
      given,
      this.digest(phoneLast4 || ` ${randomBytes(8).toString('hex')}`),
    );
    const matched = (Number(postcodeMatch) | Number(phoneMatch)) === 1;
    const locked = this.isLocked(key);
    if (!shipment || !matched || locked || factor === '') {
      this.recordFailure(key);
      throw trackNotFound();
    }

    const [events, exceptions] = await Promise.all([
      this.ctx.db
        .select({
          id: trackingEvents.id,
          eventCode: trackingEvents.eventCode,
          classifier: trackingEvents.classifier,
          eventTime: trackingEvents.eventTime,
          eventTimeText: trackingEvents.eventTimeText,
          location: trackingEvents.location,
          locationName: trackingEvents.locationName,
          source: trackingEvents.source,
          sourceEventId: trackingEvents.sourceEventId,
          sourceUpdatedAt: trackingEvents.sourceUpdatedAt,
          sourceUpdatedText: trackingEvents.sourceUpdatedText,
        })
        .from(trackingEvents)
        .where(and(eq(trackingEvents.shipmentId, shipment.id), eq(trackingEvents.retracted, false)))
        .orderBy(asc(trackingEvents.eventTime)),
      this.ctx.db
        .select({ kind: shipmentExceptions.kind, raisedAt: shipmentExceptions.raisedAt })
        .from(shipmentExceptions)
        .where(and(eq(shipmentExceptions.shipmentId, shipment.id), ne(shipmentExceptions.status, 'resolved')))
        .orderBy(asc(shipmentExceptions.raisedAt)),
    ]);

    const names = new Map(events.map((e) => [e.id, e.locationName]));
    const model: MilestoneEvent[] = events.map((e) => ({
      id: e.id,
      shipmentKey: shipment.id,
      eventCode: e.eventCode as EventCode,
      classifier: e.classifier as EventClassifier,
      eventTime: parseZonedTime(e.eventTimeText) !== null ? e.eventTimeText : e.eventTime.toISOString(),
      location: e.location,
      source: e.source,
      sourceEventId: e.sourceEventId,
      updatedAt:
        parseZonedTime(e.sourceUpdatedText) !== null ? e.sourceUpdatedText : e.sourceUpdatedAt.toISOString(),
    }));
    const milestones: PublicMilestone[] = [];
    for (const row of timelineOf(model)) {
      // What happened replaces what was planned; otherwise the latest estimate, else the plan.
      const shown = row.actual.length > 0 ? row.actual : [row.estimated ?? row.planned!];
      for (const e of shown) {
        milestones.push({
          eventCode: e.eventCode,
          classifier: e.classifier,
          time: e.eventTime,
          location: e.location ?? null,
          locationName: names.get(e.id) ?? null,
        });
      }
    }

    return {
      number: shipment.number,
      mode: shipment.mode,
      origin: shipment.origin,
      destination: shipment.destination,
      status: shipment.status,
      promisedAt: shipment.promisedAt?.toISOString() ?? null,
      estimatedDeliveryAt: shipment.estimatedDeliveryAt?.toISOString() ?? null,
      deliveredAt: shipment.deliveredAt?.toISOString() ?? null,
      milestones,
      exceptions: exceptions.map((x) => ({ kind: x.kind, since: x.raisedAt.toISOString() })),
    };
  }

  private digest(value: string): Buffer {
    return createHmac('sha256', this.digestKey).update(value).digest();
  }

  private isLocked(key: string): boolean {
    const entry = this.failures.get(key);
    if (!entry) return false;
    if (this.ctx.now().getTime() - entry.start >= LOCKOUT_WINDOW_MS) return false;
    return entry.count >= LOCKOUT_FAILURES;
  }

  private recordFailure(key: string): void {
    const now = this.ctx.now().getTime();
    const entry = this.failures.get(key);
    if (entry && now - entry.start < LOCKOUT_WINDOW_MS) {
      entry.count += 1;
      return;
    }
    this.failures.delete(key);
    this.failures.set(key, { start: now, count: 1 });
    if (this.failures.size > LOCKOUT_MAX_ENTRIES) {
      // Map order is insertion order: the oldest windows go first.
      for (const k of this.failures.keys()) {
        if (this.failures.size <= LOCKOUT_MAX_ENTRIES * 0.9) break;
        this.failures.delete(k);
      }
    }
  }
}
