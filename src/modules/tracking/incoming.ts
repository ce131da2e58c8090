import type { IncomingEvent } from '../../domain/feeds/types.ts';
import { validateUnLocode } from '../../domain/identifiers.ts';
import { type MilestoneEvent, parseZonedTime, validateEvent } from '../../domain/milestones.ts';
import { isUuid } from '../../server/schemas.ts';

/**
 * Per-event checks of an incoming tracking event (the internal format of POST /api/tracking-events,
 * and what every adapter produces), before any database work: field-precise reasons, so one bad
 * event is rejected on its own and never blocks the others of its batch.
 */

const KNOWN_FIELDS = new Set([
  'shipmentId',
  'shipmentRef',
  'eventCode',
  'classifier',
  'eventTime',
  'location',
  'locationName',
  'source',
  'sourceEventId',
  'updatedAt',
  'retracted',
  'sourceCode',
  'details',
]);

/** A checked event, normalised: location upper-cased without space, versions as epoch ms. */
export interface CheckedEvent {
  shipmentId: string | null;
  shipmentRef: string | null;
  eventCode: string | null;
  classifier: string | null;
  eventTime: string | null;
  eventTimeMs: number | null;
  location: string | null;
  locationName: string | null;
  source: string;
  sourceEventId: string;
  /** Version as the source wrote it; '' when the source gave none (then `updatedMs` is the ingestion time). */
  updatedText: string;
  updatedMs: number;
  retracted: boolean;
  sourceCode: string | null;
  details: Record<string, unknown>;
}

export type CheckResult = { ok: true; event: CheckedEvent } | { ok: false; reason: string };

const MAX_DETAILS_CHARS = 16_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one incoming event; `nowMs` is the version of events whose source sends none. */
export function checkIncoming(input: unknown, nowMs: number): CheckResult {
  if (!isPlainObject(input)) return { ok: false, reason: 'event: must be an object' };
  const e = input as Record<string, unknown> & Partial<IncomingEvent>;
  const errors: string[] = [];
  for (const key of Object.keys(e)) if (!KNOWN_FIELDS.has(key)) errors.push(`${key}: unknown field`);
  const optionalText = (field: string, max: number) => {
    const value = e[field];
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') errors.push(`${field}: must be a string`);
    else if (value.length > max) errors.push(`${field}: at most ${max} characters`);
  };
  const requiredText = (field: string, max: number) => {
    const value = e[field];
    if (typeof value !== 'string' || value.trim() === '') errors.push(`${field}: required`);
    else if (value.length > max) errors.push(`${field}: at most ${max} characters`);
  };
  requiredText('source', 100);
  requiredText('sourceEventId', 200);
  if (e.shipmentId !== undefined && e.shipmentId !== null) {
    if (typeof e.shipmentId !== 'string' || !isUuid(e.shipmentId)) errors.push('shipmentId: must be a UUID');
  }
  optionalText('shipmentRef', 100);
  optionalText('locationName', 200);
  optionalText('sourceCode', 100);
  if (e.details !== undefined && e.details !== null) {
    if (!isPlainObject(e.details)) errors.push('details: must be an object');
    else if (JSON.stringify(e.details).length > MAX_DETAILS_CHARS)
      errors.push(`details: at most ${MAX_DETAILS_CHARS} characters of JSON`);
  }
  const hasShipment =
    (typeof e.shipmentId === 'string' && e.shipmentId !== '') ||
    (typeof e.shipmentRef === 'string' && e.shipmentRef.trim() !== '');
  if (e.updatedAt !== undefined && parseZonedTime(e.updatedAt) === null)
    errors.push('updatedAt: must be an ISO 8601 date-time with a zone offset');
  let location: string | null = null;
  if (typeof e.location === 'string' && e.location.trim() !== '') {
    const checked = validateUnLocode(e.location);
    if (checked.ok) location = checked.normalized;
  }
  const updatedText = typeof e.updatedAt === 'string' ? e.updatedAt : '';
  const updatedMs = updatedText ? parseZonedTime(updatedText) : nowMs;
  // The domain's own rules (codes, classifier, zoned times, UN/LOCODE); identity and version are
  // checked above with the API's field names.
  const milestone = {
    id: 'incoming',
    shipmentKey: hasShipment ? 'known' : 'unknown',
    eventCode: e.eventCode,
    classifier: e.classifier,
    eventTime: e.eventTime,
    location: location ?? (typeof e.location === 'string' && e.location.trim() === '' ? null : e.location),
    source: typeof e.source === 'string' && e.source.trim() ? e.source : 'x',
    sourceEventId: typeof e.sourceEventId === 'string' && e.sourceEventId.trim() ? e.sourceEventId : 'x',
    updatedAt: new Date(updatedMs ?? nowMs).toISOString(),
    retracted: e.retracted,
  };
  for (const problem of validateEvent(milestone)) {
    if (!errors.some((known) => known.split(':')[0] === problem.split(':')[0])) errors.push(problem);
  }
  // A retraction of an event we already hold may name only its identity; anything else needs a shipment.
  if (!hasShipment && e.retracted !== true) errors.push('shipmentId or shipmentRef: required');
  if (errors.length > 0) return { ok: false, reason: errors.join('; ') };
  const eventTimeMs = parseZonedTime(e.eventTime);
  return {
    ok: true,
    event: {
      shipmentId: typeof e.shipmentId === 'string' && e.shipmentId !== '' ? e.shipmentId.toLowerCase() : null,
      shipmentRef: typeof e.shipmentRef === 'string' && e.shipmentRef.trim() ? e.shipmentRef.trim() : null,
      eventCode: typeof e.eventCode === 'string' ? e.eventCode : null,
      classifier: typeof e.classifier === 'string' ? e.classifier : null,
      eventTime: eventTimeMs === null ? null : (e.eventTime as string),
      eventTimeMs,
      location,
      locationName:
        typeof e.locationName === 'string' && e.locationName.trim() ? e.locationName.trim() : null,
      source: (e.source as string).trim(),
      sourceEventId: (e.sourceEventId as string).trim(),
      updatedText,
      updatedMs: updatedMs as number,
      retracted: e.retracted === true,
      sourceCode: typeof e.sourceCode === 'string' && e.sourceCode !== '' ? e.sourceCode : null,
      details: isPlainObject(e.details) ? e.details : {},
    },
  };
}

/**
 * Tie-break key of two versions of one event at the same version instant (after "retraction wins"):
 * the canonically greater content wins, compared byte-wise (UTF-8, as PostgreSQL's "C" collation
 * does), so the database and this process agree and the stored version never depends on arrival order.
 */
export function contentKey(e: {
  shipmentId: string;
  eventCode: string;
  classifier: string;
  eventTimeText: string;
  location: string | null;
  retracted: boolean;
}): string {
  if (e.retracted) return '';
  return [e.shipmentId, e.eventCode, e.classifier, e.eventTimeText, e.location ?? ''].join('\u0001');
}

export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A stored row as the domain model (for currentStatus / timelineOf). */
export function toMilestone(row: {
  id: string;
  shipmentId: string;
  eventCode: string;
  classifier: string;
  eventTimeText: string;
  location: string | null;
  source: string;
  sourceEventId: string;
  sourceUpdatedAt: Date;
  retracted: boolean;
}): MilestoneEvent {
  return {
    id: row.id,
    shipmentKey: row.shipmentId,
    eventCode: row.eventCode as MilestoneEvent['eventCode'],
    classifier: row.classifier as MilestoneEvent['classifier'],
    eventTime: row.eventTimeText,
    location: row.location,
    source: row.source,
    sourceEventId: row.sourceEventId,
    updatedAt: row.sourceUpdatedAt.toISOString(),
    ...(row.retracted ? { retracted: true } : {}),
  };
}
