import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * One row per thing that happened to a customer, written by the module that owns the record
 * (interaction, follow-up, ownership transfer, and later tickets, shipments, surveys). Keeping one
 * narrow table keyed by customer_id makes the timeline one index scan and stays distributable.
 */
export const timelineEntries = pgTable(
  'timeline_entries',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    kind: text('kind').notNull(),
    refType: text('ref_type').notNull(),
    refId: text('ref_id').notNull(),
    title: text('title').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    departmentId: uuid('department_id'),
    actorId: uuid('actor_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('timeline_customer_at_idx').on(t.customerId, t.at, t.id),
    index('timeline_ref_idx').on(t.refType, t.refId),
  ],
);
