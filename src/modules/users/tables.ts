import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { departments } from '../departments/tables.ts';

export const ROLES = ['agent', 'supervisor', 'operations', 'manager', 'admin', 'portal'] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<Role>().notNull(),
    departmentId: uuid('department_id').references(() => departments.id),
    // Portal users belong to exactly one customer. No FK here to keep module tables independent of
    // load order; the users service checks the customer exists.
    customerId: uuid('customer_id'),
    locale: text('locale').notNull().default('zh-CN'),
    active: boolean('active').notNull().default(true),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('users_department_idx').on(t.departmentId), index('users_customer_idx').on(t.customerId)],
);
