import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/tables.ts';
import { users } from '../users/tables.ts';

/**
 * DCSA T&T 2.2 event subscriptions that our customers' systems hold with us (we are the
 * provider): matching events are POSTed to `callback_url` signed with `secret`
 * (Notification-Signature: sha256=<hex HMAC-SHA256 of the body>).
 */
export const dcsaEventSubscriptions = pgTable(
  'dcsa_event_subscriptions',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    createdById: uuid('created_by_id').references(() => users.id),
    callbackUrl: text('callback_url').notNull(),
    /** Base64 secret as DCSA sends it; stored to sign callbacks, never returned after creation. */
    secret: text('secret').notNull(),
    /** The subscription's filters as in the DCSA request (eventType, shipmentEventTypeCode, …). */
    filters: jsonb('filters').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('dcsa_event_subscriptions_customer_idx').on(t.customerId)],
);
