import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tsvector } from '../../db/columns.ts';
import { departments } from '../departments/tables.ts';
import { users } from '../users/tables.ts';

export const LIFECYCLE_STAGES = ['prospect', 'negotiating', 'active', 'retained', 'churned'] as const;
export const VALUE_CLASSES = ['A', 'B', 'C'] as const;
export const NEED_TYPES = ['price', 'service', 'product'] as const;
export const RETENTION_BONDS = ['financial', 'social', 'structural'] as const;
export const SERVICE_MODES = ['air', 'sea', 'road', 'rail', 'warehouse', 'distribution', 'customs'] as const;
export const CHANNELS = ['phone', 'visit', 'email', 'wechat', 'portal', 'meeting', 'sms'] as const;

export interface Address {
  kind: string;
  text: string;
  postcode?: string;
}
export interface Lane {
  origin: string;
  destination: string;
  mode?: string;
}
export interface Requirements {
  serviceModes?: string[];
  lanes?: Lane[];
  cargoTypes?: string[];
  monthlyShipments?: number | null;
  monthlyTeu?: number | null;
  monthlyKg?: number | null;
  monthlyCbm?: number | null;
  frequency?: string | null;
  specialHandling?: string[];
  notes?: string | null;
}
export interface ImportantDate {
  kind: string;
  label?: string;
  /** MM-DD, or YYYY-MM-DD when the year matters (anniversaries). */
  date: string;
}

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    shortName: text('short_name'),
    kind: text('kind').notNull().default('company'),
    taxId: text('tax_id'),
    industry: text('industry'),
    phone: text('phone'),
    email: text('email'),
    website: text('website'),
    addresses: jsonb('addresses').$type<Address[]>().notNull().default([]),
    source: text('source'),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    teamId: uuid('team_id').references(() => departments.id),
    departmentIds: uuid('department_ids').array().notNull().default(sql`'{}'::uuid[]`),
    stage: text('stage').notNull().default('prospect'),
    churnReason: text('churn_reason'),
    valueClass: text('value_class'),
    needType: text('need_type'),
    bonds: text('bonds').array().notNull().default(sql`'{}'::text[]`),
    competitors: text('competitors').array().notNull().default(sql`'{}'::text[]`),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    requirements: jsonb('requirements').$type<Requirements>().notNull().default({}),
    notes: text('notes'),
    /** jieba-segmented words of name, short name, addresses etc. as a 'simple' tsvector. */
    searchVector: tsvector('search_vector'),
    /** Digits of every phone of the customer and its contacts, for fragment search. */
    searchPhones: text('search_phones').notNull().default(''),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    mergedIntoId: uuid('merged_into_id'),
    createdBy: uuid('created_by'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('customers_owner_idx').on(t.ownerId, t.id),
    index('customers_team_idx').on(t.teamId),
    index('customers_tax_idx').on(t.taxId),
    index('customers_stage_idx').on(t.stage),
    index('customers_verified_idx').on(t.verifiedAt),
    index('customers_search_idx').using('gin', t.searchVector),
    index('customers_tags_idx').using('gin', t.tags),
    index('customers_departments_idx').using('gin', t.departmentIds),
    index('customers_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('customers_phones_trgm_idx').using('gin', sql`${t.searchPhones} gin_trgm_ops`),
    index('customers_tax_trgm_idx').using('gin', sql`${t.taxId} gin_trgm_ops`),
    // The review queue: active files by when they were last verified (or created, if never).
    index('customers_review_idx')
      .on(sql`coalesce(${t.verifiedAt}, ${t.createdAt})`, t.id)
      .where(sql`${t.archivedAt} is null`),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    name: text('name').notNull(),
    title: text('title'),
    phones: text('phones').array().notNull().default(sql`'{}'::text[]`),
    email: text('email'),
    wechat: text('wechat'),
    preferredChannel: text('preferred_channel'),
    /** How often the contact wants to hear from us: weekly, monthly, quarterly, only_when_needed. */
    contactFrequency: text('contact_frequency'),
    doNotContact: boolean('do_not_contact').notNull().default(false),
    isPrimary: boolean('is_primary').notNull().default(false),
    importantDates: jsonb('important_dates').$type<ImportantDate[]>().notNull().default([]),
    notes: text('notes'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('contacts_customer_idx').on(t.customerId),
    // At most one primary contact per customer, even under concurrent edits.
    uniqueIndex('contacts_one_primary_idx')
      .on(t.customerId)
      .where(sql`${t.isPrimary} and ${t.archivedAt} is null`),
  ],
);

export const ownershipTransfers = pgTable(
  'ownership_transfers',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    fromUserId: uuid('from_user_id').references(() => users.id),
    toUserId: uuid('to_user_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason'),
    byUserId: uuid('by_user_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('ownership_transfers_customer_idx').on(t.customerId)],
);

/** A merge keeps the folded file (archived, merged_into_id set) and this record of what moved. */
export const customerMerges = pgTable('customer_merges', {
  id: uuid('id').primaryKey(),
  sourceId: uuid('source_id').notNull(),
  targetId: uuid('target_id').notNull(),
  byUserId: uuid('by_user_id'),
  moved: jsonb('moved').$type<Record<string, number>>().notNull().default({}),
  sourceSnapshot: jsonb('source_snapshot').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
});
