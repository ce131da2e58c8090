import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tsvector } from '../../db/columns.ts';
import { ticketCategories } from '../tickets/tables.ts';
import { users } from '../users/tables.ts';

export const TEMPLATE_KINDS = ['apology', 'explanation', 'acknowledgement', 'closing'] as const;

/**
 * Standard wording (规范用语): a reply with placeholders such as {{customer.name}} or
 * {{ticket.number}}, chosen per category; a null category fits every category.
 */
export const responseTemplates = pgTable(
  'response_templates',
  {
    id: uuid('id').primaryKey(),
    categoryId: uuid('category_id').references(() => ticketCategories.id),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    locale: text('locale').notNull().default('zh-CN'),
    active: boolean('active').notNull().default(true),
    usageCount: integer('usage_count').notNull().default(0),
    createdBy: uuid('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('response_templates_category_idx').on(t.categoryId, t.kind)],
);

export const KNOWLEDGE_TOPICS = ['price', 'service', 'competitor', 'process', 'claims', 'other'] as const;

/** Standard answers (标准答案库): price questions, service explanations, competitor comparisons. */
export const knowledgeArticles = pgTable(
  'knowledge_articles',
  {
    id: uuid('id').primaryKey(),
    topic: text('topic').notNull(),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    categoryId: uuid('category_id').references(() => ticketCategories.id),
    active: boolean('active').notNull().default(true),
    usageCount: integer('usage_count').notNull().default(0),
    searchVector: tsvector('search_vector'),
    createdBy: uuid('created_by').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('knowledge_articles_search_idx').using('gin', t.searchVector)],
);

/** Each time an agent used a template or an article on a ticket: usage counts per period and agent. */
export const knowledgeUsages = pgTable(
  'knowledge_usages',
  {
    id: uuid('id').primaryKey(),
    templateId: uuid('template_id').references(() => responseTemplates.id, { onDelete: 'cascade' }),
    articleId: uuid('article_id').references(() => knowledgeArticles.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id'),
    userId: uuid('user_id').references(() => users.id),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('knowledge_usages_template_idx').on(t.templateId, t.at),
    index('knowledge_usages_article_idx').on(t.articleId, t.at),
  ],
);
