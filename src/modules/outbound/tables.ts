import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { contacts, customers } from '../customers/tables.ts';

/** Outgoing channels of the notification layer (SPEC §6). `dcsa_callback`: DCSA T&T subscription callbacks. */
export const OUTBOUND_CHANNELS = ['email', 'webhook', 'wecom', 'dingtalk', 'dcsa_callback'] as const;
export type OutboundChannel = (typeof OUTBOUND_CHANNELS)[number];

export const ENDPOINT_KINDS = ['webhook', 'wecom', 'dingtalk'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

/**
 * A customer's machine endpoints: a signed webhook (HMAC-SHA256 of the body), or a WeCom / DingTalk
 * group robot. `secret` is the webhook signing key or DingTalk's 加签 secret.
 */
export const notificationEndpoints = pgTable(
  'notification_endpoints',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').references(() => customers.id),
    kind: text('kind').$type<EndpointKind>().notNull(),
    name: text('name').notNull(),
    url: text('url').notNull(),
    secret: text('secret'),
    /** Topics it receives: shipment.exception, shipment.milestone, shipment.delivered, ticket.* … */
    topics: text('topics').array().notNull(),
    active: boolean('active').notNull().default(true),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notification_endpoints_customer_idx').on(t.customerId)],
);

export const MESSAGE_STATUSES = ['queued', 'retrying', 'sent', 'failed', 'suppressed'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/**
 * One outgoing notification (an email, a webhook call, a robot message, a DCSA callback). Delivered
 * by the job queue with retries and backoff; `dedupe_key` makes enqueueing idempotent. A message
 * stopped by an opt-out or a frequency cap is recorded as `suppressed` with the reason.
 */
export const outboundMessages = pgTable(
  'outbound_messages',
  {
    id: uuid('id').primaryKey(),
    channel: text('channel').$type<OutboundChannel>().notNull(),
    topic: text('topic').notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    /** notification_endpoints.id or dcsa_event_subscriptions.id, by channel. */
    endpointId: uuid('endpoint_id'),
    /** Email address or URL. */
    recipient: text('recipient').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    /** JSON payload for machine channels (sent as the body). */
    payload: jsonb('payload'),
    refType: text('ref_type'),
    refId: text('ref_id'),
    dedupeKey: text('dedupe_key').unique(),
    status: text('status').$type<MessageStatus>().notNull().default('queued'),
    suppressedReason: text('suppressed_reason'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('outbound_messages_status_idx').on(t.status, t.nextAttemptAt),
    index('outbound_messages_contact_idx').on(t.contactId, t.createdAt),
    index('outbound_messages_ref_idx').on(t.refType, t.refId),
    index('outbound_messages_customer_idx').on(t.customerId, t.createdAt),
  ],
);

/** Every delivery attempt of a message, successful or not. */
export const outboundAttempts = pgTable(
  'outbound_attempts',
  {
    id: uuid('id').primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => outboundMessages.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    ok: boolean('ok').notNull(),
    /** HTTP status or SMTP reply code. */
    statusCode: integer('status_code'),
    response: text('response'),
    error: text('error'),
    durationMs: integer('duration_ms'),
  },
  (t) => [index('outbound_attempts_message_idx').on(t.messageId, t.attempt)],
);

/** Per-contact opt-outs by channel or topic ('email', 'sms', 'shipment.milestone', 'all'). */
export const contactOptOuts = pgTable(
  'contact_opt_outs',
  {
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    scope: text('scope').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('contact_opt_outs_idx').on(t.contactId, t.scope)],
);
