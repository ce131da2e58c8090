import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ModelNode } from '../../domain/satisfaction/model.ts';
import { customers } from '../customers/tables.ts';
import { users } from '../users/tables.ts';

export const MODEL_STATUSES = ['active', 'archived'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** A satisfaction indicator tree (测评指标体系). Its content lives in versions. */
export const satisfactionModels = pgTable('satisfaction_models', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  status: text('status').$type<ModelStatus>().notNull().default('active'),
  /** The version new surveys use and the index rolls up with by default. */
  currentVersionId: uuid('current_version_id'),
  isDefault: integer('is_default').notNull().default(0),
  createdById: uuid('created_by_id').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One version of a model's tree: the nodes with their weights. A version that has answers is
 * never changed; editing it creates the next version. Leaves keep their keys across versions, so
 * an item's answers can be compared over time.
 */
export const satisfactionModelVersions = pgTable(
  'satisfaction_model_versions',
  {
    id: uuid('id').primaryKey(),
    modelId: uuid('model_id')
      .notNull()
      .references(() => satisfactionModels.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    nodes: jsonb('nodes').$type<ModelNode[]>().notNull(),
    /** Why this version exists (e.g. "AHP weights for 感知质量", "PLS estimate 2026-H2"). */
    changeNote: text('change_note'),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('satisfaction_model_versions_model_version_idx').on(t.modelId, t.version)],
);

/**
 * One expert's pairwise comparison (AHP) of a node's children in one version. Several experts
 * per node are combined by the geometric mean of their judgements.
 */
export const ahpJudgements = pgTable(
  'satisfaction_ahp_judgements',
  {
    id: uuid('id').primaryKey(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => satisfactionModelVersions.id, { onDelete: 'cascade' }),
    /** The node whose children are compared. */
    parentKey: text('parent_key').notNull(),
    expertName: text('expert_name').notNull(),
    /** Child keys in matrix order. */
    childKeys: jsonb('child_keys').$type<string[]>().notNull(),
    matrix: jsonb('matrix').$type<number[][]>().notNull(),
    consistencyRatio: numeric('consistency_ratio', { mode: 'number' }),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('satisfaction_ahp_judgements_expert_idx').on(t.versionId, t.parentKey, t.expertName)],
);

export const ALERT_KINDS = ['low_answer', 'index_drop'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * Silent dissatisfaction: a customer whose answers fall below the threshold, or whose index drops
 * by more than the configured points, whether or not they ever complained. On the owner's list.
 */
export const satisfactionAlerts = pgTable(
  'satisfaction_alerts',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    kind: text('kind').$type<AlertKind>().notNull(),
    status: text('status').$type<AlertStatus>().notNull().default('open'),
    /** The response that raised it. */
    responseId: uuid('response_id'),
    /** The response's index (low_answer) or the customer's current index (index_drop), 0–100. */
    currentIndex: numeric('current_index', { mode: 'number' }),
    previousIndex: numeric('previous_index', { mode: 'number' }),
    /** Items answered at or below the threshold: [{ itemKey, score }]. */
    lowItems: jsonb('low_items').$type<{ itemKey: string; score: number }[]>().notNull().default([]),
    ownerId: uuid('owner_id').references(() => users.id),
    followUpId: uuid('follow_up_id'),
    correctiveActionId: uuid('corrective_action_id'),
    note: text('note'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedById: uuid('closed_by_id').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('satisfaction_alerts_response_kind_idx')
      .on(t.responseId, t.kind)
      .where(sql`${t.responseId} is not null`),
    index('satisfaction_alerts_customer_idx').on(t.customerId, t.createdAt),
    index('satisfaction_alerts_status_idx').on(t.status, t.createdAt),
  ],
);
