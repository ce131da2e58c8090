import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/tables.ts';
import { shipments } from '../shipments/tables.ts';
import { users } from '../users/tables.ts';

/**
 * delay: an estimate or actual time breaks the promised time; silence: no event for longer than
 * expected for the mode; damaged / hold / lost / delivery_failed: from the event codes.
 */
export const EXCEPTION_KINDS = ['delay', 'silence', 'damaged', 'hold', 'lost', 'delivery_failed'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];
export const EXCEPTION_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];

/**
 * Shipment exceptions. At most one unresolved exception per shipment and kind, so a stream of
 * late estimates raises (and notifies) once, not once per event.
 */
export const shipmentExceptions = pgTable(
  'shipment_exceptions',
  {
    id: uuid('id').primaryKey(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: text('kind').$type<ExceptionKind>().notNull(),
    status: text('status').$type<ExceptionStatus>().notNull().default('open'),
    severity: text('severity').notNull().default('normal'),
    /** What the rule saw: promised vs expected time, delay minutes, silent hours, event code … */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    /** The event that raised it, if any. */
    eventId: uuid('event_id'),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedById: uuid('acknowledged_by_id').references(() => users.id),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedById: uuid('resolved_by_id').references(() => users.id),
    resolution: text('resolution'),
    /** The owner's task (follow-up) created for it. */
    followUpId: uuid('follow_up_id'),
    /** The ticket opened from it with one click. */
    ticketId: uuid('ticket_id'),
    /** When the proactive notice to the customer went out (null: not sent / suppressed). */
    customerNotifiedAt: timestamp('customer_notified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shipment_exceptions_one_open_idx')
      .on(t.shipmentId, t.kind)
      .where(sql`${t.status} <> 'resolved'`),
    index('shipment_exceptions_customer_idx').on(t.customerId, t.raisedAt),
    index('shipment_exceptions_status_idx').on(t.status, t.raisedAt),
    index('shipment_exceptions_shipment_idx').on(t.shipmentId, t.raisedAt),
  ],
);
