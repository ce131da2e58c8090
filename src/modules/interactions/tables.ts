import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { contacts, customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { users } from '../users/tables.ts';

export const interactions = pgTable(
  'interactions',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    departmentId: uuid('department_id').references(() => departments.id),
    channel: text('channel').notNull(),
    direction: text('direction').notNull(),
    summary: text('summary').notNull(),
    outcome: text('outcome'),
    nextStep: text('next_step'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('interactions_customer_idx').on(t.customerId, t.occurredAt),
    index('interactions_user_idx').on(t.userId, t.occurredAt),
  ],
);
