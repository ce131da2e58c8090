import { boolean, integer, pgTable, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * SLA targets by ticket type, severity and customer value class. A null criterion matches any value;
 * the most specific active policy wins (ties: lowest sort order). The business calendar the minutes
 * are counted on is the `sla.calendar` setting.
 */
export const slaPolicies = pgTable('sla_policies', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  ticketType: text('ticket_type'),
  severity: text('severity'),
  valueClass: text('value_class'),
  /** Business minutes to the first public reply. */
  firstResponseMinutes: integer('first_response_minutes').notNull(),
  /** Business minutes to resolution. */
  resolutionMinutes: integer('resolution_minutes').notNull(),
  /** Warn when this fraction of the target remains (default 0.2). */
  warningFraction: real('warning_fraction').notNull().default(0.2),
  sortOrder: integer('sort_order').notNull().default(0),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
