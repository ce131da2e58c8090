import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../users/tables.ts';

/**
 * In-app notices (站内提醒): SLA warnings, overdue work orders and promises, escalations. `sourceKey`
 * makes a notice idempotent, so a job that runs twice tells a person once.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    /** Web path to open, e.g. /tickets/<id>. */
    link: text('link'),
    refType: text('ref_type'),
    refId: text('ref_id'),
    sourceKey: text('source_key').unique(),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.readAt, t.createdAt)],
);
