import { boolean, index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { contacts, customers } from '../customers/tables.ts';
import { users } from '../users/tables.ts';

export const COMMITMENT_STATUSES = ['open', 'kept', 'broken', 'renegotiated'] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];
/**
 * not_needed: within the bottom line; pending: beyond it and waiting for a supervisor; approved /
 * rejected: the supervisor's decision. A rejected promise must be renegotiated or withdrawn.
 */
export const APPROVAL_STATUSES = ['not_needed', 'pending', 'approved', 'rejected'] as const;

/** 承诺管理: what was promised to a customer, by whom, by when, and whether it was kept. */
export const commitments = pgTable(
  'commitments',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    ticketId: uuid('ticket_id'),
    promise: text('promise').notNull(),
    /** The member of staff who made the promise (accountable for it). */
    madeById: uuid('made_by_id')
      .notNull()
      .references(() => users.id),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** Money promised (compensation, discount), compared with the bottom line. */
    amount: numeric('amount', { precision: 14, scale: 2 }),
    /** The allowed bottom line (底线) at the time, as text (e.g. "赔偿不超过运费 30%"). */
    bottomLine: text('bottom_line'),
    /** The maker says the promise goes beyond the bottom line (whatever the amount). */
    exceedsBottomLine: boolean('exceeds_bottom_line').notNull().default(false),
    approvalStatus: text('approval_status').notNull().default('not_needed'),
    approvedBy: uuid('approved_by').references(() => users.id),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    approvalNote: text('approval_note'),
    status: text('status').$type<CommitmentStatus>().notNull().default('open'),
    outcomeNote: text('outcome_note'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by').references(() => users.id),
    /** The new promise that replaced this one when renegotiated. */
    replacedById: uuid('replaced_by_id'),
    overdueNotifiedAt: timestamp('overdue_notified_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('commitments_customer_idx').on(t.customerId, t.dueAt),
    index('commitments_made_by_idx').on(t.madeById, t.status, t.dueAt),
    index('commitments_status_due_idx').on(t.status, t.dueAt),
  ],
);
