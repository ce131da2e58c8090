import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { contacts, customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { satisfactionModelVersions, satisfactionModels } from '../satisfaction/tables.ts';
import { users } from '../users/tables.ts';

/**
 * manual: sent by hand to chosen customers; after_delivery: to the consignee's customer when a
 * shipment is delivered; after_complaint: when a complaint closes (回访); wave: periodically to a
 * segment (e.g. every A-class customer twice a year).
 */
export const SURVEY_TRIGGERS = ['manual', 'after_delivery', 'after_complaint', 'wave'] as const;
export type SurveyTrigger = (typeof SURVEY_TRIGGERS)[number];
export const SURVEY_STATUSES = ['draft', 'active', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/** Who a wave or manual sending goes to. Empty lists mean "any". */
export interface SurveySegment {
  valueClasses?: string[];
  departmentIds?: string[];
  customerIds?: string[];
  /** Only customers with a shipment in one of these modes in the last 12 months. */
  modes?: string[];
}

export const surveys = pgTable(
  'surveys',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    modelId: uuid('model_id')
      .notNull()
      .references(() => satisfactionModels.id),
    /** The model version the questionnaire is built from; answers keep it. */
    versionId: uuid('version_id')
      .notNull()
      .references(() => satisfactionModelVersions.id),
    trigger: text('trigger').$type<SurveyTrigger>().notNull().default('manual'),
    status: text('status').$type<SurveyStatus>().notNull().default('draft'),
    segment: jsonb('segment').$type<SurveySegment>().notNull().default({}),
    /** Waves: months between waves (6 = twice a year) and when the next one is due. */
    recurrenceMonths: integer('recurrence_months'),
    nextWaveAt: timestamp('next_wave_at', { withTimezone: true }),
    /** Ask the ideal level next to the perceived one (gap analysis), and stated importance. */
    askIdeal: boolean('ask_ideal').notNull().default(false),
    askImportance: boolean('ask_importance').notNull().default(false),
    introZh: text('intro_zh'),
    introEn: text('intro_en'),
    /** Days a token link stays valid, and days after sending when reminders go out. */
    tokenTtlDays: integer('token_ttl_days').notNull().default(30),
    reminderDays: jsonb('reminder_days').$type<number[]>().notNull().default([3, 7]),
    /** after_delivery / after_complaint: at most one invitation per contact in this many days. */
    minDaysBetween: integer('min_days_between').notNull().default(30),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('surveys_trigger_status_idx').on(t.trigger, t.status)],
);

/** One sending of a survey to its segment (a wave, or one manual sending). */
export const surveyWaves = pgTable(
  'survey_waves',
  {
    id: uuid('id').primaryKey(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    segment: jsonb('segment').$type<SurveySegment>().notNull().default({}),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    startedById: uuid('started_by_id').references(() => users.id),
  },
  (t) => [uniqueIndex('survey_waves_survey_number_idx').on(t.surveyId, t.number)],
);

export const INVITATION_STATUSES = [
  'pending',
  'sent',
  'opened',
  'partial',
  'completed',
  'expired',
  'cancelled',
] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/**
 * One recipient of a survey: a one-time token link (only its SHA-256 is stored) and, for portal
 * users, the portal's survey list. One response per invitation.
 */
export const surveyInvitations = pgTable(
  'survey_invitations',
  {
    id: uuid('id').primaryKey(),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    waveId: uuid('wave_id').references(() => surveyWaves.id, { onDelete: 'set null' }),
    versionId: uuid('version_id')
      .notNull()
      .references(() => satisfactionModelVersions.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    status: text('status').$type<InvitationStatus>().notNull().default('pending'),
    /** What it follows: the delivered shipment or the closed complaint. */
    refType: text('ref_type'),
    refId: uuid('ref_id'),
    /** The segment of the answer, fixed at sending: department, service mode, lane (origin→destination). */
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    mode: text('mode'),
    lane: text('lane'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    lastReminderAt: timestamp('last_reminder_at', { withTimezone: true }),
    reminderCount: integer('reminder_count').notNull().default(0),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('survey_invitations_token_idx').on(t.tokenHash),
    uniqueIndex('survey_invitations_ref_idx')
      .on(t.surveyId, t.refType, t.refId)
      .where(sql`${t.refId} is not null`),
    uniqueIndex('survey_invitations_wave_contact_idx')
      .on(t.waveId, t.customerId, t.contactId)
      .where(sql`${t.waveId} is not null`),
    index('survey_invitations_survey_idx').on(t.surveyId, t.status),
    index('survey_invitations_customer_idx').on(t.customerId, t.createdAt),
    index('survey_invitations_reminder_idx')
      .on(t.status, t.sentAt)
      .where(sql`${t.status} in ('sent', 'opened', 'partial')`),
  ],
);

export const RESPONSE_STATUSES = ['partial', 'complete'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];
export const RESPONSE_CHANNELS = ['link', 'portal', 'staff'] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];

/**
 * One invitation's answers. The segment columns are copied from the invitation and the customer
 * at answer time, so the index breaks down without joins and history does not move when a
 * customer changes class later.
 */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: uuid('id').primaryKey(),
    invitationId: uuid('invitation_id')
      .notNull()
      .references(() => surveyInvitations.id, { onDelete: 'cascade' }),
    surveyId: uuid('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    modelId: uuid('model_id')
      .notNull()
      .references(() => satisfactionModels.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => satisfactionModelVersions.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contactId: uuid('contact_id'),
    departmentId: uuid('department_id'),
    mode: text('mode'),
    lane: text('lane'),
    valueClass: text('value_class'),
    channel: text('channel').$type<ResponseChannel>().notNull().default('link'),
    status: text('status').$type<ResponseStatus>().notNull().default('partial'),
    comment: text('comment'),
    /** The response's own index (0–100) over the items answered, set on completion. */
    responseIndex: smallint('response_index'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('survey_responses_invitation_idx').on(t.invitationId),
    index('survey_responses_model_submitted_idx').on(t.modelId, t.submittedAt),
    index('survey_responses_customer_idx').on(t.customerId, t.submittedAt),
    index('survey_responses_survey_idx').on(t.surveyId, t.submittedAt),
  ],
);

/**
 * One item's answer: the raw Likert score 1 (不满意) … 5 (很满意) as given (reverse scoring is
 * applied when computing), and where the survey asks, the ideal level and stated importance.
 */
export const surveyAnswers = pgTable(
  'survey_answers',
  {
    responseId: uuid('response_id')
      .notNull()
      .references(() => surveyResponses.id, { onDelete: 'cascade' }),
    itemKey: text('item_key').notNull(),
    score: smallint('score'),
    idealScore: smallint('ideal_score'),
    importance: smallint('importance'),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.itemKey] })],
);
