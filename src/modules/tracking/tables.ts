import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { customers } from '../customers/tables.ts';
import { shipments } from '../shipments/tables.ts';

/**
 * Milestone events, stored in the internal model of src/domain/milestones.ts whatever feed they
 * came from. Identity is (source, source_event_id); a later version replaces the row in place and
 * a retraction keeps the row as a tombstone (retracted = true) so an older re-send cannot revive it.
 */
export const trackingEvents = pgTable(
  'tracking_events',
  {
    id: uuid('id').primaryKey(),
    /** Monotonic insertion/update order: the DCSA provider's cursor and the ingestion audit. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id, { onDelete: 'cascade' }),
    /** Denormalised for per-customer feeds (DCSA provider, portal) without a join. */
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** EventCode of src/domain/milestones.ts. */
    eventCode: text('event_code').notNull(),
    /** PLN / EST / ACT. */
    classifier: text('classifier').notNull(),
    eventTime: timestamp('event_time', { withTimezone: true }).notNull(),
    /** The event time as the source wrote it, zone offset included (shown in local time of the place). */
    eventTimeText: text('event_time_text').notNull(),
    /** UN/LOCODE when known. */
    location: text('location'),
    /** Free-text place (facility, terminal, city) when the source gives one. */
    locationName: text('location_name'),
    /** e.g. dcsa:MAEU, iata-fsu, epcis, csv, manual, or a feed id. */
    source: text('source').notNull(),
    sourceEventId: text('source_event_id').notNull(),
    sourceUpdatedAt: timestamp('source_updated_at', { withTimezone: true }).notNull(),
    sourceUpdatedText: text('source_updated_text').notNull(),
    retracted: boolean('retracted').notNull().default(false),
    /** Source code as received (DCSA ARRI/ARRIVED, IATA DEP, EPCIS bizStep …) for display and audit. */
    sourceCode: text('source_code'),
    /** Mode-specific details: vessel/voyage, flight, equipment reference, pieces, discrepancy, remarks. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** The event exactly as received from the feed. */
    raw: jsonb('raw'),
    /** Who entered it by hand (source = manual). */
    recordedById: uuid('recorded_by_id'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tracking_events_identity_idx').on(t.source, t.sourceEventId),
    index('tracking_events_shipment_idx').on(t.shipmentId, t.eventTime),
    uniqueIndex('tracking_events_seq_idx').on(t.seq),
    index('tracking_events_customer_seq_idx').on(t.customerId, t.seq),
  ],
);

export const FEED_KINDS = ['dcsa-2.2', 'dcsa-3.0', 'iata', 'epcis'] as const;

/**
 * Carriers' and partners' feeds we consume: polled (DCSA `GET /v2/events` with a cursor) and/or
 * pushed to us (subscription callbacks, verified with `callback_secret`).
 */
export const trackingFeeds = pgTable('tracking_feeds', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  /** Source label stored on the events, e.g. dcsa:MAEU. */
  source: text('source').notNull().unique(),
  /** Base URL of the carrier's API for polling, e.g. https://api.carrier.example/v2. */
  baseUrl: text('base_url'),
  /** Header value sent when polling (API key / bearer), if the carrier needs one. */
  apiKey: text('api_key'),
  /** Shared secret of pushed callbacks (Notification-Signature HMAC-SHA256). */
  callbackSecret: text('callback_secret'),
  pollIntervalMinutes: integer('poll_interval_minutes').notNull().default(15),
  /** Where the next poll continues: the carrier's cursor, or the last eventCreatedDateTime seen. */
  pollCursor: text('poll_cursor'),
  lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
  lastError: text('last_error'),
  /** Counters of the last run: { accepted, duplicate, rejected }. */
  lastResult: jsonb('last_result').$type<Record<string, number>>(),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Events we could not place (unknown shipment reference, invalid): kept for review and replay. */
export const trackingRejects = pgTable(
  'tracking_rejects',
  {
    id: uuid('id').primaryKey(),
    source: text('source').notNull(),
    reason: text('reason').notNull(),
    raw: jsonb('raw'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('tracking_rejects_received_idx').on(t.receivedAt)],
);
