import { index, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { satisfactionModels } from '../satisfaction/tables.ts';
import { users } from '../users/tables.ts';

/**
 * element: a low-scoring service element (an item of the model); answer: one dissatisfied
 * response; complaints: a cluster of repeated complaints; manual.
 */
export const ACTION_SOURCES = ['element', 'answer', 'complaints', 'alert', 'manual'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];
export const ACTION_STATUSES = [
  'open',
  'in_progress',
  'verifying',
  'effective',
  'not_effective',
  'cancelled',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const VERIFICATION_METHODS = ['survey', 'follow_up'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** 整改措施: what is done about a weak service element, and whether it worked (before/after scores). */
export const correctiveActions = pgTable(
  'corrective_actions',
  {
    id: uuid('id').primaryKey(),
    /** ZG-2026-0001 */
    number: text('number').notNull().unique(),
    title: text('title').notNull(),
    source: text('source').$type<ActionSource>().notNull(),
    modelId: uuid('model_id').references(() => satisfactionModels.id),
    /** The model item (service element) it improves. */
    itemKey: text('item_key'),
    responseId: uuid('response_id'),
    alertId: uuid('alert_id'),
    ticketIds: jsonb('ticket_ids').$type<string[]>().notNull().default([]),
    customerId: uuid('customer_id').references(() => customers.id),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    departmentId: uuid('department_id').references(() => departments.id),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    /** The problem as found, and the measures taken (整改内容). */
    problem: text('problem'),
    measures: text('measures').notNull(),
    status: text('status').$type<ActionStatus>().notNull().default('open'),
    /** The element's score (0–100) and answer count before the action, fixed when opened. */
    beforeScore: numeric('before_score', { mode: 'number' }),
    beforeCount: integer('before_count'),
    beforeUntil: timestamp('before_until', { withTimezone: true }),
    verificationMethod: text('verification_method').$type<VerificationMethod>(),
    verificationSurveyId: uuid('verification_survey_id'),
    verificationFollowUpId: uuid('verification_follow_up_id'),
    afterScore: numeric('after_score', { mode: 'number' }),
    afterCount: integer('after_count'),
    verificationNote: text('verification_note'),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    verifiedById: uuid('verified_by_id').references(() => users.id),
    followUpId: uuid('follow_up_id'),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('corrective_actions_status_idx').on(t.status, t.dueAt),
    index('corrective_actions_owner_idx').on(t.ownerId, t.status),
    index('corrective_actions_customer_idx').on(t.customerId),
  ],
);
