import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import type { AdapterResult, IncomingEvent } from '../../domain/feeds/types.ts';
import {
  EVENT_CLASSIFIERS,
  EVENT_CODES,
  type MergeOutcome,
  type MilestoneEvent,
  type ShipmentStatus as DerivedStatus,
  type TimelineRow,
  currentStatus,
  timelineOf,
} from '../../domain/milestones.ts';
import type { AppContext } from '../../server/context.ts';
import { decodeCursor, toPage } from '../../server/pagination.ts';
import { badRequest, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { shipmentReferences, shipments } from '../shipments/tables.ts';
import { users } from '../users/tables.ts';
import { type CheckedEvent, checkIncoming, compareBytes, contentKey, toMilestone } from './incoming.ts';
import { TrackingFeeds } from './feeds.ts';
import { trackingEvents, trackingRejects } from './tables.ts';

export type TrackingEventRow = typeof trackingEvents.$inferSelect;
export type TrackingReject = typeof trackingRejects.$inferSelect;

export interface IngestResult {
  index: number;
  outcome: MergeOutcome;
  eventId?: string;
  shipmentId?: string;
  reason?: string;
}

export interface IngestAnswer {
  results: IngestResult[];
  counts: Record<MergeOutcome, number>;
}

export interface IngestOptions {
  /** The payload each event was mapped from (an adapter's input); defaults to the event itself. */
  raw?: readonly unknown[];
  /** Label of the channel in the audit entry (api, dcsa, iata, epcis, feed:<id>, csv …). */
  via?: string;
  /** Entries an adapter could not map: rejected with the adapter's reason (and kept in tracking_rejects). */
  rejected?: ReadonlyMap<number, string>;
}

export interface ManualEventInput {
  eventCode: string;
  classifier: string;
  eventTime: string;
  location?: string | null;
  locationName?: string | null;
  remark?: string | null;
}

/** A stored event as the API shows it. */
export interface TrackingEventView {
  id: string;
  seq: number;
  shipmentId: string;
  eventCode: string;
  classifier: string;
  eventTime: string;
  eventTimeText: string;
  location: string | null;
  locationName: string | null;
  source: string;
  sourceEventId: string;
  sourceUpdatedAt: string;
  retracted: boolean;
  sourceCode: string | null;
  details: Record<string, unknown>;
  raw?: unknown;
  recordedById: string | null;
  recordedByName: string | null;
  receivedAt: string;
  updatedAt: string;
}

export interface EventsAnswer {
  status: string | null;
  derived: {
    latestActual: TrackingEventView | null;
    exceptions: TrackingEventView[];
    expectedArrival: DerivedStatus['expectedArrival'];
    expectedDelivery: DerivedStatus['expectedDelivery'];
    actualArrival: string | null;
    actualDelivery: string | null;
  };
  timeline: {
    eventCode: string;
    location: string | null;
    locationName: string | null;
    planned: TrackingEventView | null;
    estimated: TrackingEventView | null;
    actual: TrackingEventView[];
    sortTime: string;
  }[];
  events: TrackingEventView[];
}

// Managers read everything and change nothing (the foundation's rule), feeds included.
const INGEST_ROLES = new Set(['operations', 'supervisor', 'admin']);
/** Rows per set-based statement (about 20 values a row stays far below the parameter limit). */
const CHUNK = 1000;
export const MAX_BATCH = 10_000;

const emptyCounts = (): Record<MergeOutcome, number> => ({
  accepted: 0,
  duplicate: 0,
  replaced: 0,
  retracted: 0,
  superseded: 0,
  rejected: 0,
});

const identity = (source: string, sourceEventId: string) => `${source}\u0000${sourceEventId}`;

/** PostgreSQL errors worth retrying the whole batch for: deadlock, serialization failure. */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: string; cause?: { code?: string } })?.code ?? (error as any)?.cause?.code;
  return code === '40P01' || code === '40001';
}

interface PreparedRow {
  ord: number;
  id: string;
  shipment_id: string;
  customer_id: string;
  event_code: string;
  classifier: string;
  event_time: string;
  event_time_text: string;
  location: string | null;
  location_name: string | null;
  source: string;
  source_event_id: string;
  source_updated_at: string;
  source_updated_text: string;
  retracted: boolean;
  source_code: string | null;
  details: Record<string, unknown>;
  raw: unknown;
  recorded_by_id: string | null;
  received_at: string;
}

interface Candidate {
  index: number;
  event: CheckedEvent;
  row: PreparedRow;
  key: string;
}

/** Greater version first wins: version instant, then retraction, then content (byte order). */
function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    a.event.updatedMs - b.event.updatedMs ||
    Number(a.event.retracted) - Number(b.event.retracted) ||
    compareBytes(a.key, b.key)
  );
}

/**
 * The one statement that stores a chunk: insert, or replace the stored version when the incoming
 * one is greater in the total order of src/domain/milestones.ts (later version; at the same instant
 * a retraction, then the greater content). The unique index on (source, source_event_id)
 * arbitrates between concurrent batches, so an event is stored once whoever sends it first.
 * A retraction keeps the withdrawn content as a tombstone. Events without a source version are
 * stamped with the ingestion time and written by a second statement that replaces only a changed content.
 */
const KEY = (alias: string) =>
  `(CASE WHEN ${alias}.retracted THEN '' ELSE concat_ws(E'\\x01', ${alias}.shipment_id::text, ${alias}.event_code, ${alias}.classifier, ${alias}.event_time_text, coalesce(${alias}.location, '')) END) COLLATE "C"`;
const keepOnRetraction = (column: string) =>
  `${column} = CASE WHEN excluded.retracted THEN t.${column} ELSE excluded.${column} END`;
const UPSERT_HEAD = `
INSERT INTO tracking_events AS t (id, shipment_id, customer_id, event_code, classifier, event_time,
  event_time_text, location, location_name, source, source_event_id, source_updated_at,
  source_updated_text, retracted, source_code, details, raw, recorded_by_id, received_at, updated_at)
SELECT x.id, x.shipment_id, x.customer_id, x.event_code, x.classifier, x.event_time, x.event_time_text,
  x.location, x.location_name, x.source, x.source_event_id, x.source_updated_at, x.source_updated_text,
  x.retracted, x.source_code, coalesce(x.details, '{}'::jsonb), x.raw, x.recorded_by_id, x.received_at,
  x.received_at
FROM jsonb_to_recordset(`;
const UPSERT_TAIL_SET = `::jsonb) AS x(ord int, id uuid, shipment_id uuid, customer_id uuid,
  event_code text, classifier text, event_time timestamptz, event_time_text text, location text,
  location_name text, source text, source_event_id text, source_updated_at timestamptz,
  source_updated_text text, retracted boolean, source_code text, details jsonb, raw jsonb,
  recorded_by_id uuid, received_at timestamptz)
ORDER BY x.ord
ON CONFLICT (source, source_event_id) DO UPDATE SET
  ${[
    'shipment_id',
    'customer_id',
    'event_code',
    'classifier',
    'event_time',
    'event_time_text',
    'location',
    'location_name',
    'source_code',
    'details',
  ]
    .map(keepOnRetraction)
    .join(',\n  ')},
  source_updated_at = excluded.source_updated_at,
  source_updated_text = excluded.source_updated_text,
  retracted = excluded.retracted,
  raw = excluded.raw,
  recorded_by_id = excluded.recorded_by_id,
  seq = nextval(pg_get_serial_sequence('tracking_events', 'seq')),
  updated_at = excluded.updated_at
__WHERE__
RETURNING t.id, t.source, t.source_event_id AS "sourceEventId", t.shipment_id AS "shipmentId",
  t.retracted, (t.xmax = 0) AS inserted`;
/** Versioned events: the greater version wins (later; at the same instant retraction, then content). */
const NEWER_VERSION = `excluded.source_updated_at > t.source_updated_at OR (excluded.source_updated_at = t.source_updated_at
  AND (excluded.retracted, ${KEY('excluded')}) > (t.retracted, ${KEY('t')}))`;
/** Events whose source gives no version (stamped with the ingestion time): only a changed content replaces. */
const CHANGED_CONTENT = `excluded.source_updated_at >= t.source_updated_at AND (CASE WHEN excluded.retracted
  THEN NOT t.retracted ELSE t.retracted OR ${KEY('excluded')} <> ${KEY('t')} END)`;

async function rowsOf<T>(db: DbOrTx, statement: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}

/** Tracking events: idempotent batch ingestion from every feed, feeds we poll, status derivation. */
export class TrackingService {
  /** Feeds we consume (CRUD, polling, push callbacks). */
  readonly feeds: TrackingFeeds;

  constructor(private readonly ctx: AppContext) {
    this.feeds = new TrackingFeeds(ctx);
  }

  get context(): AppContext {
    return this.ctx;
  }

  /** Feeds are integrations of operations: operations, supervisors, admins and their tokens. */
  assertMayIngest(actor: Actor): void {
    if (actor.via === 'system') return;
    if (!INGEST_ROLES.has(actor.role))
      throw forbidden('Only operations, supervisors and admins (or their API tokens) send tracking events.');
  }

  /**
   * Stores a batch of events idempotently and answers one result per event, in batch order. Every
   * event is checked on its own (a bad one is rejected with field-precise reasons and kept in
   * tracking_rejects, the others go on); the batch is stored in one transaction, with the derived
   * state of every affected shipment recomputed in it, so what the answer acknowledges is committed.
   */
  async ingest(actor: Actor, events: readonly unknown[], opts: IngestOptions = {}): Promise<IngestAnswer> {
    this.assertMayIngest(actor);
    if (events.length > MAX_BATCH)
      throw badRequest(`A batch holds at most ${MAX_BATCH} events.`, [
        { field: 'events', message: `at most ${MAX_BATCH} events` },
      ]);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.ingestOnce(actor, events, opts);
      } catch (error) {
        if (attempt < 4 && isRetryable(error)) {
          await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
          continue;
        }
        throw error;
      }
    }
  }

  private async ingestOnce(
    actor: Actor,
    events: readonly unknown[],
    opts: IngestOptions,
  ): Promise<IngestAnswer> {
    const now = this.ctx.now();
    const nowIso = now.toISOString();
    const results: IngestResult[] = new Array(events.length);
    const checked: { index: number; event: CheckedEvent }[] = [];
    events.forEach((input, index) => {
      const adapterReason = opts.rejected?.get(index);
      if (adapterReason !== undefined) {
        results[index] = { index, outcome: 'rejected', reason: adapterReason };
        return;
      }
      const result = checkIncoming(input, now.getTime());
      if (result.ok) checked.push({ index, event: result.event });
      else results[index] = { index, outcome: 'rejected', reason: result.reason };
    });
    const rawOf = (index: number) => (opts.raw ? opts.raw[index] : events[index]) ?? null;

    const answer = await this.ctx.db.transaction(async (tx) => {
      const placement = await this.place(tx, checked);
      const candidates: Candidate[] = [];
      for (const { index, event } of checked) {
        const place = placement.get(index);
        if (!place || 'reason' in place) {
          results[index] = { index, outcome: 'rejected', reason: place?.reason ?? 'shipment: not found' };
          continue;
        }
        const eventTimeMs = event.eventTimeMs ?? event.updatedMs;
        const row: PreparedRow = {
          ord: 0,
          id: uuidv7(),
          shipment_id: place.shipmentId,
          customer_id: place.customerId,
          // A retraction of an event we never held may carry no content; the tombstone then holds
          // placeholders that no status or timeline reads (retracted events are left out).
          event_code: event.eventCode ?? EVENT_CODES[0],
          classifier: event.classifier ?? EVENT_CLASSIFIERS[0],
          event_time: new Date(eventTimeMs).toISOString(),
          event_time_text: event.eventTime ?? new Date(eventTimeMs).toISOString(),
          location: event.location,
          location_name: event.locationName,
          source: event.source,
          source_event_id: event.sourceEventId,
          source_updated_at: new Date(event.updatedMs).toISOString(),
          // Always a zoned time; events without a source version carry the ingestion time.
          source_updated_text: event.updatedText || new Date(event.updatedMs).toISOString(),
          retracted: event.retracted,
          source_code: event.sourceCode,
          details: event.details,
          raw: rawOf(index),
          recorded_by_id: actor.via === 'system' ? null : actor.id,
          received_at: nowIso,
        };
        candidates.push({
          index,
          event,
          row,
          key: contentKey({
            shipmentId: row.shipment_id,
            eventCode: row.event_code,
            classifier: row.classifier,
            eventTimeText: row.event_time_text,
            location: row.location,
            retracted: row.retracted,
          }),
        });
      }

      // One version per identity goes to the database: the greatest of the batch.
      const winners = new Map<string, Candidate>();
      for (const c of candidates) {
        const id = identity(c.event.source, c.event.sourceEventId);
        const best = winners.get(id);
        if (!best || compareCandidates(c, best) > 0) winners.set(id, c);
      }
      // Same lock order in every batch (identity, byte order), so overlapping batches never deadlock.
      const ordered = [...winners.values()].sort(
        (a, b) =>
          compareBytes(a.event.source, b.event.source) ||
          compareBytes(a.event.sourceEventId, b.event.sourceEventId),
      );
      ordered.forEach((c, i) => {
        c.row.ord = i;
      });
      const written = new Map<string, WrittenRow>();
      // Versioned events first, then those without a source version (their own replacement rule).
      for (const implicit of [false, true]) {
        const group = ordered.filter((c) => (c.event.updatedText === '') === implicit).map((c) => c.row);
        for (let i = 0; i < group.length; i += CHUNK) {
          const [set, returning] = UPSERT_TAIL_SET.split('__WHERE__');
          const rows = await rowsOf<WrittenRow>(
            tx,
            sql`${sql.raw(UPSERT_HEAD)}${JSON.stringify(group.slice(i, i + CHUNK))}${sql.raw(
              `${set}WHERE ${implicit ? CHANGED_CONTENT : NEWER_VERSION}${returning}`,
            )}`,
          );
          for (const row of rows) written.set(identity(row.source, row.sourceEventId), row);
        }
      }
      // Versions the database kept: is what it holds the same version (duplicate) or a newer one?
      const kept = ordered.filter((c) => !written.has(identity(c.event.source, c.event.sourceEventId)));
      const stored = new Map<string, StoredVersion>();
      for (let i = 0; i < kept.length; i += CHUNK) {
        const keys = kept.slice(i, i + CHUNK).map((c) => ({ s: c.event.source, e: c.event.sourceEventId }));
        const rows = await rowsOf<StoredVersion>(
          tx,
          sql`select t.id, t.source, t.source_event_id as "sourceEventId", t.shipment_id as "shipmentId",
                t.source_updated_text as "updatedText",
                (extract(epoch from t.source_updated_at) * 1000)::float8 as "updatedMs"
              from tracking_events t
              join jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(s text, e text)
                on t.source = k.s and t.source_event_id = k.e`,
        );
        for (const row of rows) stored.set(identity(row.source, row.sourceEventId), row);
      }
      const changedEventIds: string[] = [];
      const affected = new Set<string>();
      for (const c of candidates) {
        const key = identity(c.event.source, c.event.sourceEventId);
        const winner = winners.get(key)!;
        const done = written.get(key);
        if (winner !== c) {
          // Another version of this event in the same batch is greater.
          const same = winner.event.updatedMs === c.event.updatedMs;
          const target = done ?? stored.get(key);
          results[c.index] = {
            index: c.index,
            outcome: same ? 'duplicate' : 'superseded',
            ...(target ? { eventId: target.id, shipmentId: target.shipmentId } : {}),
            ...(same
              ? {}
              : {
                  reason: `a newer version (updatedAt ${winner.event.updatedText || 'now'}) is in the same batch`,
                }),
          };
          continue;
        }
        if (done) {
          changedEventIds.push(done.id);
          affected.add(done.shipmentId);
          results[c.index] = {
            index: c.index,
            outcome: done.retracted ? 'retracted' : done.inserted ? 'accepted' : 'replaced',
            eventId: done.id,
            shipmentId: done.shipmentId,
          };
          continue;
        }
        const have = stored.get(key);
        const storedMs = have ? Math.round(have.updatedMs) : c.event.updatedMs;
        const newer = storedMs > c.event.updatedMs;
        results[c.index] = {
          index: c.index,
          outcome: newer ? 'superseded' : 'duplicate',
          ...(have ? { eventId: have.id, shipmentId: have.shipmentId } : {}),
          ...(newer
            ? {
                reason: `a newer version (updatedAt ${have?.updatedText || new Date(storedMs).toISOString()}) is already stored`,
              }
            : {}),
        };
      }

      const rejected = results.filter((r) => r.outcome === 'rejected');
      for (let i = 0; i < rejected.length; i += CHUNK) {
        await tx.insert(trackingRejects).values(
          rejected.slice(i, i + CHUNK).map((r) => {
            const input = (events[r.index] ?? null) as { source?: unknown } | null;
            const source =
              typeof input?.source === 'string' && input.source.trim()
                ? input.source.slice(0, 100)
                : (opts.via ?? 'api');
            return {
              id: uuidv7(),
              source,
              reason: r.reason ?? 'rejected',
              raw: (rawOf(r.index) ?? null) as never,
              receivedAt: now,
            };
          }),
        );
      }

      await this.recompute(tx, [...affected], changedEventIds);
      const counts = emptyCounts();
      for (const r of results) counts[r.outcome]++;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'tracking.ingest',
        entityType: 'tracking_batch',
        entityId: uuidv7(),
        after: { via: opts.via ?? 'api', events: events.length, ...counts },
      });
      return { results, counts };
    });
    return answer;
  }

  /**
   * Ingests what a feed adapter mapped (DCSA, IATA, EPCIS …): its failures are rejected with the
   * adapter's reason beside the stored events, the raw payload of each entry is kept.
   */
  async ingestAdapted(actor: Actor, mapped: readonly AdapterResult[], via: string): Promise<IngestAnswer> {
    const events: unknown[] = [];
    const raw: unknown[] = [];
    const rejected = new Map<number, string>();
    mapped.forEach((entry, i) => {
      events.push(entry.ok ? entry.event : null);
      raw.push(entry.raw ?? null);
      if (!entry.ok) rejected.set(i, entry.reason);
    });
    const answer = await this.ingest(actor, events, { raw, via, rejected });
    // Report the adapter's own entry numbers (a payload's event order).
    return {
      counts: answer.counts,
      results: answer.results.map((r, i) => ({ ...r, index: mapped[i]?.index ?? r.index })),
    };
  }

  /**
   * Finds each checked event's shipment: its shipmentId, else its reference (a reference that names
   * exactly one shipment is resolved in one query; others through ShipmentsService.resolveReference,
   * best match first), else — for a retraction — the shipment of the event we already hold.
   */
  private async place(
    tx: DbOrTx,
    checked: { index: number; event: CheckedEvent }[],
  ): Promise<Map<number, { shipmentId: string; customerId: string } | { reason: string }>> {
    const out = new Map<number, { shipmentId: string; customerId: string } | { reason: string }>();
    const ids = new Set<string>();
    const refs = new Set<string>();
    const orphans: { index: number; event: CheckedEvent }[] = [];
    for (const c of checked) {
      if (c.event.shipmentId) ids.add(c.event.shipmentId);
      else if (c.event.shipmentRef) for (const ref of referencesOf(c.event)) refs.add(ref);
      else orphans.push(c);
    }
    const byRef = new Map<string, string | null>();
    if (refs.size > 0) {
      // Stored values are upper-cased without spaces; container numbers and AWBs also without the
      // separators people print between their parts (MSKU 907032-3, 020-1234 5675).
      const normalized = new Map<string, string[]>();
      for (const ref of refs)
        normalized.set(ref, [...new Set([normalizeReference(ref), compactReference(ref)])]);
      const values = [...new Set([...normalized.values()].flat())];
      const found = new Map<string, Set<string>>();
      for (let i = 0; i < values.length; i += CHUNK) {
        const rows = await tx
          .selectDistinct({ value: shipmentReferences.value, shipmentId: shipmentReferences.shipmentId })
          .from(shipmentReferences)
          .where(inArray(shipmentReferences.value, values.slice(i, i + CHUNK)));
        for (const row of rows) {
          const set = found.get(row.value) ?? new Set<string>();
          set.add(row.shipmentId);
          found.set(row.value, set);
        }
      }
      for (const ref of refs) {
        const hits = new Set(normalized.get(ref)!.flatMap((v) => [...(found.get(v) ?? [])]));
        if (hits && hits.size === 1) {
          byRef.set(ref, [...hits][0]!);
          continue;
        }
        const resolved = await this.ctx.services.shipments.resolveReference(ref, tx);
        const first = resolved[0];
        byRef.set(ref, first ?? null);
      }
      for (const id of byRef.values()) if (id) ids.add(id);
    }
    const holders = new Map<string, string>();
    if (orphans.length > 0) {
      const keys = orphans.map((c) => ({ s: c.event.source, e: c.event.sourceEventId }));
      const rows = await rowsOf<{ source: string; sourceEventId: string; shipmentId: string }>(
        tx,
        sql`select t.source, t.source_event_id as "sourceEventId", t.shipment_id as "shipmentId"
            from tracking_events t
            join jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as k(s text, e text)
              on t.source = k.s and t.source_event_id = k.e`,
      );
      for (const row of rows) {
        holders.set(identity(row.source, row.sourceEventId), row.shipmentId);
        ids.add(row.shipmentId);
      }
    }
    const customerOf = new Map<string, string>();
    const idList = [...ids];
    for (let i = 0; i < idList.length; i += CHUNK) {
      const rows = await tx
        .select({ id: shipments.id, customerId: shipments.customerId })
        .from(shipments)
        .where(inArray(shipments.id, idList.slice(i, i + CHUNK)));
      for (const row of rows) customerOf.set(row.id, row.customerId);
    }
    for (const { index, event } of checked) {
      let shipmentId: string | null | undefined;
      let missing: string;
      if (event.shipmentId) {
        shipmentId = event.shipmentId;
        missing = `shipmentId: no shipment ${event.shipmentId}`;
      } else if (event.shipmentRef) {
        shipmentId = referencesOf(event)
          .map((ref) => byRef.get(ref))
          .find((id) => !!id);
        missing = `shipmentRef: no shipment with reference ${event.shipmentRef}`;
      } else {
        shipmentId = holders.get(identity(event.source, event.sourceEventId));
        missing =
          'shipmentId or shipmentRef: required (a retraction without them must withdraw an event already stored)';
      }
      const customerId = shipmentId ? customerOf.get(shipmentId) : undefined;
      out.set(index, shipmentId && customerId ? { shipmentId, customerId } : { reason: missing });
    }
    return out;
  }

  /**
   * After events changed: per affected shipment (in id order, the same lock order everywhere) its
   * derived state, the exception rules, then the DCSA subscribers of the changed events.
   */
  private async recompute(tx: DbOrTx, shipmentIds: string[], changedEventIds: string[]): Promise<void> {
    if (shipmentIds.length === 0) return;
    const ids = [...shipmentIds].sort();
    const rowsByShipment = new Map<string, MilestoneRow[]>();
    const destinations = new Map<string, string | null>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const slice = ids.slice(i, i + CHUNK);
      // Only what the status needs (not the raw payloads).
      const rows = await tx
        .select({
          id: trackingEvents.id,
          shipmentId: trackingEvents.shipmentId,
          eventCode: trackingEvents.eventCode,
          classifier: trackingEvents.classifier,
          eventTimeText: trackingEvents.eventTimeText,
          location: trackingEvents.location,
          source: trackingEvents.source,
          sourceEventId: trackingEvents.sourceEventId,
          sourceUpdatedAt: trackingEvents.sourceUpdatedAt,
          retracted: trackingEvents.retracted,
          updatedAt: trackingEvents.updatedAt,
        })
        .from(trackingEvents)
        .where(inArray(trackingEvents.shipmentId, slice));
      for (const row of rows) {
        const list = rowsByShipment.get(row.shipmentId) ?? [];
        list.push(row);
        rowsByShipment.set(row.shipmentId, list);
      }
      const ships = await tx
        .select({ id: shipments.id, destination: shipments.destination })
        .from(shipments)
        .where(inArray(shipments.id, slice));
      for (const s of ships) destinations.set(s.id, s.destination);
    }
    const milestones = new Map<string, MilestoneEvent[]>();
    const items = ids.map((id) => {
      const rows = rowsByShipment.get(id) ?? [];
      const destination = destinations.get(id) ?? undefined;
      const events = rows.map(toMilestone);
      milestones.set(id, events);
      const status = currentStatus(events, destination ? { destination } : {});
      let lastEventAt: Date | null = null;
      for (const row of rows) {
        if (!row.retracted && (!lastEventAt || row.updatedAt > lastEventAt)) lastEventAt = row.updatedAt;
      }
      return { shipmentId: id, status, lastEventAt };
    });
    // The derived state and the exception rules of the whole batch, a few statements per chunk.
    for (let i = 0; i < items.length; i += CHUNK)
      await this.ctx.services.shipments.applyStatuses(tx, items.slice(i, i + CHUNK));
    await this.ctx.services.exceptions.evaluateMany(tx, ids, milestones);
    if (changedEventIds.length > 0) await this.ctx.services.dcsa.publish(tx, changedEventIds);
  }

  /** Every stored event of a shipment (retraction tombstones included), in event-time order. */
  async eventsOf(shipmentId: string, db: DbOrTx = this.ctx.db): Promise<TrackingEventRow[]> {
    return db
      .select()
      .from(trackingEvents)
      .where(eq(trackingEvents.shipmentId, shipmentId))
      .orderBy(asc(trackingEvents.eventTime), asc(trackingEvents.seq));
  }

  /** Status, timeline and stored events of a shipment, for staff (raw payloads) or portal users (no raw, no retracted). */
  async shipmentEvents(actor: Actor, shipmentId: string, portal = false): Promise<EventsAnswer> {
    await this.ctx.services.shipments.requireReadable(actor, shipmentId);
    const staff = isStaff(actor) && !portal;
    const [rows, shipment] = await Promise.all([
      this.eventsOf(shipmentId),
      this.ctx.db
        .select({ destination: shipments.destination })
        .from(shipments)
        .where(eq(shipments.id, shipmentId))
        .then((r) => r[0]),
    ]);
    const visible = staff ? rows : rows.filter((r) => !r.retracted);
    const recorders = new Map<string, string>();
    const recorderIds = [...new Set(visible.map((r) => r.recordedById).filter((v): v is string => !!v))];
    if (recorderIds.length > 0) {
      for (const u of await this.ctx.db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(inArray(users.id, recorderIds)))
        recorders.set(u.id, u.name);
    }
    const views = new Map<string, TrackingEventView>();
    for (const row of visible)
      views.set(row.id, toView(row, staff, recorders.get(row.recordedById ?? '') ?? null));
    const milestones = rows.map(toMilestone);
    const status = currentStatus(
      milestones,
      shipment?.destination ? { destination: shipment.destination } : {},
    );
    const view = (e: MilestoneEvent | null) => (e ? (views.get(e.id) ?? null) : null);
    const timeline = timelineOf(milestones).map((row: TimelineRow) => {
      const lead = row.actual[0] ?? row.estimated ?? row.planned;
      return {
        eventCode: row.eventCode,
        location: row.location,
        locationName: lead ? (views.get(lead.id)?.locationName ?? null) : null,
        planned: view(row.planned),
        estimated: view(row.estimated),
        actual: row.actual.map((e) => views.get(e.id)!).filter(Boolean),
        sortTime: row.sortTime,
      };
    });
    return {
      status: status.status,
      derived: {
        latestActual: view(status.latestActual),
        exceptions: status.exceptions.map((e) => views.get(e.id)!).filter(Boolean),
        expectedArrival: status.expectedArrival,
        expectedDelivery: status.expectedDelivery,
        actualArrival: status.actualArrival,
        actualDelivery: status.actualDelivery,
      },
      timeline,
      events: [...views.values()],
    };
  }

  /**
   * A milestone entered by hand (operations of the shipment's department, supervisors, admins) or
   * recorded by another module (POD: source 'pod'); stored through the same ingestion as any feed.
   */
  async addManualEvent(
    actor: Actor,
    shipmentId: string,
    input: ManualEventInput,
    source = 'manual',
  ): Promise<TrackingEventView> {
    const shipment = await this.ctx.services.shipments.requireReadable(actor, shipmentId);
    const allowed =
      actor.via === 'system' ||
      actor.role === 'admin' ||
      actor.role === 'supervisor' ||
      (actor.role === 'operations' &&
        actor.departmentId !== null &&
        actor.departmentId === shipment.departmentId);
    if (!allowed)
      throw forbidden(
        "Milestones are entered by operations of the shipment's department, supervisors and admins.",
      );
    const remark = input.remark?.trim() || null;
    const event: IncomingEvent = {
      shipmentId,
      eventCode: input.eventCode as IncomingEvent['eventCode'],
      classifier: input.classifier as IncomingEvent['classifier'],
      eventTime: input.eventTime,
      location: input.location ?? null,
      locationName: input.locationName ?? null,
      source,
      sourceEventId: uuidv7(),
      updatedAt: this.ctx.now().toISOString(),
      ...(remark ? { details: { remark } } : {}),
    };
    const checked = checkIncoming(event, this.ctx.now().getTime());
    if (!checked.ok) {
      throw validationFailed(
        checked.reason.split('; ').map((problem) => {
          const [field, ...message] = problem.split(': ');
          return { field: field ?? 'event', message: message.join(': ') || problem };
        }),
      );
    }
    const answer = await this.ingest(actor, [event], { via: source });
    const result = answer.results[0];
    if (!result?.eventId)
      throw validationFailed([{ field: 'event', message: result?.reason ?? 'not stored' }]);
    const [row] = await this.ctx.db
      .select()
      .from(trackingEvents)
      .where(eq(trackingEvents.id, result.eventId));
    return toView(row, true, actor.via === 'system' ? null : actor.name);
  }

  /** Events that could not be placed, newest first (admins). */
  async listRejects(actor: Actor, filter: { source?: string; limit: number; cursor?: string }) {
    if (actor.role !== 'admin') throw forbidden('Only admins review rejected tracking events.');
    const cursor = decodeCursor(filter.cursor, 2) as [string, string] | undefined;
    const conditions = [];
    if (filter.source) conditions.push(eq(trackingRejects.source, filter.source));
    if (cursor) {
      const at = new Date(cursor[0]);
      if (Number.isNaN(at.getTime()) || typeof cursor[1] !== 'string')
        throw badRequest('The cursor is not valid; start again from the first page.', [
          { field: 'cursor', message: 'invalid cursor' },
        ]);
      conditions.push(
        sql`(${trackingRejects.receivedAt}, ${trackingRejects.id}) < (${at.toISOString()}::timestamptz, ${cursor[1]}::uuid)`,
      );
    }
    const rows = await this.ctx.db
      .select()
      .from(trackingRejects)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(trackingRejects.receivedAt), desc(trackingRejects.id))
      .limit(filter.limit + 1);
    return toPage(
      rows.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })),
      filter.limit,
      (r) => [r.receivedAt, r.id],
    );
  }

  /** One stored event or 404. */
  async event(id: string, db: DbOrTx = this.ctx.db): Promise<TrackingEventRow> {
    const [row] = await db.select().from(trackingEvents).where(eq(trackingEvents.id, id));
    if (!row) throw notFound('Tracking event');
    return row;
  }
}

type MilestoneRow = Pick<
  TrackingEventRow,
  | 'id'
  | 'shipmentId'
  | 'eventCode'
  | 'classifier'
  | 'eventTimeText'
  | 'location'
  | 'source'
  | 'sourceEventId'
  | 'sourceUpdatedAt'
  | 'retracted'
  | 'updatedAt'
>;

interface WrittenRow {
  id: string;
  source: string;
  sourceEventId: string;
  shipmentId: string;
  retracted: boolean;
  inserted: boolean;
}

interface StoredVersion {
  id: string;
  source: string;
  sourceEventId: string;
  shipmentId: string;
  updatedText: string;
  updatedMs: number;
}

/**
 * The references to try for an event, best first: its shipmentRef, then the alternates an adapter
 * listed (DCSA: booking and equipment references beside the transport document reference).
 */
function referencesOf(event: CheckedEvent): string[] {
  const alternates = Array.isArray(event.details.alternateRefs) ? event.details.alternateRefs : [];
  const out = event.shipmentRef ? [event.shipmentRef] : [];
  for (const ref of alternates) {
    const value = typeof ref === 'string' ? ref : (ref as { value?: unknown } | null)?.value;
    if (typeof value === 'string' && value.trim() && value.length <= 100 && out.length < 6)
      out.push(value.trim());
  }
  return out;
}

/** How shipment_references stores values: upper-cased, without spaces. */
export function normalizeReference(reference: string): string {
  return reference.replace(/\s+/g, '').toUpperCase();
}

/** Container numbers and AWBs as validated: also without hyphens, dots and slashes. */
export function compactReference(reference: string): string {
  return reference.replace(/[\s\-./]/g, '').toUpperCase();
}

export function toView(
  row: TrackingEventRow,
  staff: boolean,
  recordedByName: string | null,
): TrackingEventView {
  return {
    id: row.id,
    seq: row.seq,
    shipmentId: row.shipmentId,
    eventCode: row.eventCode,
    classifier: row.classifier,
    eventTime: row.eventTime.toISOString(),
    eventTimeText: row.eventTimeText,
    location: row.location,
    locationName: row.locationName,
    source: row.source,
    sourceEventId: row.sourceEventId,
    sourceUpdatedAt: row.sourceUpdatedAt.toISOString(),
    retracted: row.retracted,
    sourceCode: row.sourceCode,
    details: staff ? (row.details ?? {}) : publicDetails(row.details),
    ...(staff ? { raw: row.raw ?? null } : {}),
    recordedById: staff ? row.recordedById : null,
    recordedByName: staff ? recordedByName : null,
    receivedAt: row.receivedAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Details a customer may see: everything but staff remarks. */
function publicDetails(details: Record<string, unknown> | null): Record<string, unknown> {
  const { remark: _remark, ...rest } = details ?? {};
  return rest;
}
