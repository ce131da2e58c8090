import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { departments } from '../departments/tables.ts';
import { tickets } from '../tickets/tables.ts';
import { users } from '../users/tables.ts';

/**
 * pending: dispatched, nobody in the department has accepted it; accepted: a member works on it;
 * done: the result came back; cancelled: the ticket owner withdrew it.
 */
export const WORK_ORDER_STATUSES = ['pending', 'accepted', 'done', 'cancelled'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

/** 派单: a piece of a ticket handed to a department, with a due time, coming back with a result. */
export const workOrders = pgTable(
  'work_orders',
  {
    id: uuid('id').primaryKey(),
    /** Human reference such as W2611-000045, from the work_order_number_seq sequence. */
    number: text('number').notNull().unique(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** Copied from the ticket so customer merges and customer-scoped queries need no join. */
    customerId: uuid('customer_id').notNull(),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    instructions: text('instructions').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    status: text('status').$type<WorkOrderStatus>().notNull().default('pending'),
    assigneeId: uuid('assignee_id').references(() => users.id),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    result: text('result'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    completedBy: uuid('completed_by').references(() => users.id),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelReason: text('cancel_reason'),
    /** When the department head was told it is overdue (once). */
    overdueNotifiedAt: timestamp('overdue_notified_at', { withTimezone: true }),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('work_orders_department_idx').on(t.departmentId, t.status, t.dueAt, t.id),
    index('work_orders_ticket_idx').on(t.ticketId, t.createdAt),
    index('work_orders_due_idx').on(t.status, t.dueAt),
  ],
);

export const workOrderNotes = pgTable(
  'work_order_notes',
  {
    id: uuid('id').primaryKey(),
    workOrderId: uuid('work_order_id')
      .notNull()
      .references(() => workOrders.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('work_order_notes_order_idx').on(t.workOrderId, t.createdAt)],
);
