import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { contacts, customers } from '../customers/tables.ts';
import { interactions } from '../interactions/tables.ts';
import { users } from '../users/tables.ts';

export const FOLLOW_UP_KINDS = [
  'manual',
  'periodic',
  'greeting',
  'post_delivery',
  'post_complaint',
  'second_visit',
  /** The owner's call to the customer about a shipment exception (src/modules/exceptions). */
  'shipment_exception',
  /** The owner's call to a customer whose survey answers show silent dissatisfaction (src/modules/satisfaction). */
  'satisfaction_alert',
  /** A corrective action's owner task, and the follow-up that verifies it (src/modules/correctiveactions). */
  'corrective_action',
] as const;
export const FOLLOW_UP_STATUSES = ['open', 'done', 'cancelled'] as const;

export const followUps = pgTable(
  'follow_ups',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    assigneeId: uuid('assignee_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull().default('manual'),
    title: text('title').notNull(),
    notes: text('notes'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status').notNull().default('open'),
    result: text('result'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedBy: uuid('completed_by'),
    /** The interaction logged when the task was completed. */
    interactionId: uuid('interaction_id').references(() => interactions.id, { onDelete: 'set null' }),
    /** The interaction whose next step created this task. */
    sourceInteractionId: uuid('source_interaction_id').references(() => interactions.id, {
      onDelete: 'set null',
    }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelledBy: uuid('cancelled_by'),
    cancelReason: text('cancel_reason'),
    /** Deterministic key of automatically generated tasks so that a generator run twice creates one task. */
    sourceKey: text('source_key').unique(),
    createdBy: uuid('created_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('follow_ups_assignee_idx').on(t.assigneeId, t.status, t.dueAt),
    index('follow_ups_customer_idx').on(t.customerId, t.dueAt),
    // Overdue and calendar queries across a team or the whole company.
    index('follow_ups_status_due_idx').on(t.status, t.dueAt),
  ],
);

/** Periodic follow-up plan per value class (A monthly, B quarterly, C half-yearly by default). */
export const followUpPlans = pgTable('follow_up_plans', {
  valueClass: text('value_class').primaryKey(),
  intervalMonths: integer('interval_months').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  version: integer('version').notNull().default(1),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
