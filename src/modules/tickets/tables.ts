import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tsvector } from '../../db/columns.ts';
import { contacts, customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { users } from '../users/tables.ts';

export const TICKET_TYPES = ['inquiry', 'complaint', 'claim', 'return', 'suggestion'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
/** Channels a request arrives by (the interaction channels). */
export const TICKET_CHANNELS = ['phone', 'visit', 'email', 'wechat', 'portal', 'meeting', 'sms'] as const;
export const TICKET_SEVERITIES = ['low', 'normal', 'high', 'critical'] as const;
export type TicketSeverity = (typeof TICKET_SEVERITIES)[number];
/**
 * new: filed (e.g. from the portal) and nobody has taken it yet; open: someone owns it and works on
 * it; waiting_customer: the SLA clock is paused until the customer answers; resolved: a resolution
 * was proposed and awaits the customer's confirmation; closed: done (reopenable within a window).
 */
export const TICKET_STATUSES = ['new', 'open', 'waiting_customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Root cause classes of seed 003: the value offered, the system/process, or a person. */
export const ROOT_CAUSES = ['value', 'system', 'people'] as const;
export const CUSTOMER_REACTIONS = ['satisfied', 'accepted', 'dissatisfied', 'no_response'] as const;
export const TICKET_SOURCES = ['staff', 'portal'] as const;

/** Ticket categories (延误, 破损 …), seeded by the migration and editable by admins. */
export const ticketCategories = pgTable('ticket_categories', {
  id: uuid('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  nameEn: text('name_en'),
  sortOrder: integer('sort_order').notNull().default(0),
  active: boolean('active').notNull().default(true),
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey(),
    /** Human reference such as T2611-000123, from the ticket_number_seq sequence. */
    number: text('number').notNull().unique(),
    type: text('type').$type<TicketType>().notNull(),
    channel: text('channel').notNull(),
    status: text('status').$type<TicketStatus>().notNull().default('open'),
    source: text('source').notNull().default('staff'),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    /** Free-form shipment/order reference until shipments exist; never format-checked. */
    shipmentRef: text('shipment_ref'),
    /** The shipment the ticket is about, when it was opened from one (shipment page, exception, portal). */
    shipmentId: uuid('shipment_id'),
    /** Lane as origin–destination (e.g. CNSHA-DEHAM), for repeat detection across customers. */
    lane: text('lane'),
    categoryId: uuid('category_id')
      .notNull()
      .references(() => ticketCategories.id),
    severity: text('severity').$type<TicketSeverity>().notNull().default('normal'),
    subject: text('subject').notNull(),
    /** The customer's own words (客户原话). */
    customerWords: text('customer_words').notNull(),
    /** What the customer asks for (客户诉求). */
    customerRequest: text('customer_request'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    /** 首问负责人: null only while a portal-filed ticket waits to be taken. */
    ownerId: uuid('owner_id').references(() => users.id),
    /** The owner's department when they took it; the desk team queue and measures use it. */
    departmentId: uuid('department_id').references(() => departments.id),

    // Complaint card (投诉处理卡).
    rootCause: text('root_cause'),
    responsibleDepartmentId: uuid('responsible_department_id').references(() => departments.id),
    responsibleUserId: uuid('responsible_user_id').references(() => users.id),
    /** A responsible person outside Liaison (a driver, a subcontractor). */
    responsiblePerson: text('responsible_person'),
    measures: text('measures'),
    result: text('result'),
    customerReaction: text('customer_reaction'),
    verification: text('verification'),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    verifiedBy: uuid('verified_by').references(() => users.id),

    // SLA: targets copied from the matching policy at creation, deadlines recomputed on pause/resume.
    slaPolicyId: uuid('sla_policy_id'),
    firstResponseTargetMinutes: integer('first_response_target_minutes'),
    resolutionTargetMinutes: integer('resolution_target_minutes'),
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true }),
    firstResponseWarnAt: timestamp('first_response_warn_at', { withTimezone: true }),
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true }),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }),
    resolutionWarnAt: timestamp('resolution_warn_at', { withTimezone: true }),
    /** When the current pause (waiting on the customer) began; null when the clock runs. */
    slaPausedAt: timestamp('sla_paused_at', { withTimezone: true }),
    firstResponseBreachedAt: timestamp('first_response_breached_at', { withTimezone: true }),
    resolutionBreachedAt: timestamp('resolution_breached_at', { withTimezone: true }),

    /** 0 at the first owner; +1 per 换人 step up the hierarchy. */
    escalationLevel: integer('escalation_level').notNull().default(0),
    reopenCount: integer('reopen_count').notNull().default(0),
    /** Set when this ticket repeats an earlier one (same category, same customer or lane, within N days). */
    repeatOfTicketId: uuid('repeat_of_ticket_id'),

    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolution: text('resolution'),
    customerConfirmed: boolean('customer_confirmed'),
    customerConfirmedAt: timestamp('customer_confirmed_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: uuid('closed_by').references(() => users.id),
    /** Why it was closed without the customer's confirmation. */
    closeReason: text('close_reason'),
    resolvedAtFirstContact: boolean('resolved_at_first_contact'),

    searchVector: tsvector('search_vector'),
    createdBy: uuid('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The desk queue: keyset by (created_at, id) within the common filters.
    index('tickets_owner_status_idx').on(t.ownerId, t.status, t.createdAt, t.id),
    index('tickets_department_status_idx').on(t.departmentId, t.status, t.createdAt, t.id),
    index('tickets_customer_idx').on(t.customerId, t.createdAt),
    index('tickets_created_idx').on(t.createdAt, t.id),
    index('tickets_category_customer_idx').on(t.categoryId, t.customerId, t.receivedAt),
    index('tickets_category_lane_idx').on(t.categoryId, t.lane, t.receivedAt),
    // "Breaching soon" / "breached" filters only ever look at tickets that are still running.
    index('tickets_resolution_due_idx')
      .on(t.resolutionDueAt)
      .where(sql`${t.status} not in ('resolved', 'closed')`),
    index('tickets_first_response_due_idx')
      .on(t.firstResponseDueAt)
      .where(sql`${t.firstRespondedAt} is null and ${t.status} <> 'closed'`),
    index('tickets_search_idx').using('gin', t.searchVector),
  ],
);

/**
 * The conversation: public replies the customer sees (reply, customer), internal notes they never
 * see (note), and system lines (status changes) shown to staff.
 */
export const TICKET_MESSAGE_KINDS = ['reply', 'customer', 'note', 'system'] as const;
export const ticketMessages = pgTable(
  'ticket_messages',
  {
    id: uuid('id').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    body: text('body').notNull(),
    authorId: uuid('author_id').references(() => users.id),
    /** The response template or knowledge article the text came from, for usage counts. */
    templateId: uuid('template_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_messages_ticket_idx').on(t.ticketId, t.createdAt)],
);

/** Every change of owner: take, explicit transfer, or escalation (首问负责制 keeps this complete). */
export const OWNERSHIP_CHANGE_KINDS = ['take', 'transfer', 'escalation'] as const;
export const ticketOwnershipChanges = pgTable(
  'ticket_ownership_changes',
  {
    id: uuid('id').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    fromUserId: uuid('from_user_id').references(() => users.id),
    toUserId: uuid('to_user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason'),
    /** Null when the system did it (automatic escalation). */
    byUserId: uuid('by_user_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_ownership_changes_ticket_idx').on(t.ticketId, t.at)],
);

/** 三换: 换人 person, 换地 place, 换时 time. */
export const ESCALATION_KINDS = ['person', 'place', 'time'] as const;
export const ESCALATION_TRIGGERS = ['manual', 'sla_breach', 'reopened'] as const;
export const ticketEscalations = pgTable(
  'ticket_escalations',
  {
    id: uuid('id').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    trigger: text('trigger').notNull().default('manual'),
    /** The ticket's escalation level after this step. */
    level: integer('level').notNull(),
    reason: text('reason').notNull(),
    fromUserId: uuid('from_user_id').references(() => users.id),
    /** 换人: the new owner; 换时: the senior manager of the appointment. */
    toUserId: uuid('to_user_id').references(() => users.id),
    /** The department whose head was reached. */
    departmentId: uuid('department_id').references(() => departments.id),
    /** 换地: where the conversation moved (site visit, meeting room) and who attended. */
    place: text('place'),
    attendees: text('attendees').array().notNull().default(sql`'{}'::text[]`),
    /** 换地 meeting time or 换时 appointment time. */
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }),
    byUserId: uuid('by_user_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ticket_escalations_ticket_idx').on(t.ticketId, t.createdAt)],
);

/** Periods the SLA clock stood still while waiting on the customer. */
export const ticketSlaPauses = pgTable(
  'ticket_sla_pauses',
  {
    id: uuid('id').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    reason: text('reason'),
  },
  (t) => [index('ticket_sla_pauses_ticket_idx').on(t.ticketId, t.startedAt)],
);

/** Warnings and breaches, one row per ticket, target and kind: the job and the sweeper may both fire. */
export const SLA_TARGETS = ['first_response', 'resolution'] as const;
export const SLA_EVENT_KINDS = ['warning', 'breach'] as const;
export const ticketSlaEvents = pgTable(
  'ticket_sla_events',
  {
    id: uuid('id').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    target: text('target').notNull(),
    kind: text('kind').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    departmentId: uuid('department_id'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('ticket_sla_events_once_idx').on(t.ticketId, t.target, t.kind),
    index('ticket_sla_events_at_idx').on(t.at),
  ],
);
