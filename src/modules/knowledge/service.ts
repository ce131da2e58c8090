import { type SQL, and, asc, desc, eq, getTableColumns, isNull, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import {
  TEMPLATE_PLACEHOLDERS,
  type TemplateValues,
  chineseDate,
  renderTemplate,
  unknownPlaceholders,
} from '../../domain/templates.ts';
import type { AppContext } from '../../server/context.ts';
import {
  afterTimeCursor,
  decodeCursor,
  decodeTimeCursor,
  encodeCursor,
  toPage,
} from '../../server/pagination.ts';
import { type FieldProblem, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import { contacts, customers } from '../customers/tables.ts';
import { ticketCategories, tickets } from '../tickets/tables.ts';
import { users } from '../users/tables.ts';
import { anyWordsQuery, articleSearchWords, articleVectorSql } from './search.ts';
import { knowledgeArticles, knowledgeUsages, responseTemplates } from './tables.ts';

export type ResponseTemplate = typeof responseTemplates.$inferSelect;
export type KnowledgeArticle = typeof knowledgeArticles.$inferSelect;
export type TemplateView = ResponseTemplate & { categoryName: string | null };
export type ArticleView = Omit<KnowledgeArticle, 'searchVector'> & {
  categoryName: string | null;
  rank?: number;
};

export interface TemplateInput {
  categoryId?: string | null;
  kind: ResponseTemplate['kind'];
  title: string;
  body: string;
  locale?: string;
  active?: boolean;
}

export interface ArticleInput {
  topic: string;
  question: string;
  answer: string;
  tags?: string[];
  categoryId?: string | null;
  active?: boolean;
}

export interface ArticleFilter {
  q?: string;
  topic?: string;
  categoryId?: string;
  tag?: string;
  active?: boolean;
  limit: number;
  cursor?: string;
}

/** Example values shown to admins next to each placeholder. */
const PLACEHOLDER_EXAMPLES: Record<keyof typeof TEMPLATE_PLACEHOLDERS, string> = {
  'customer.name': '上海远洋物流有限公司',
  'contact.name': '张伟',
  'ticket.number': 'T2611-000123',
  'ticket.subject': '货物外箱破损',
  'ticket.category': '破损',
  'agent.name': '王晓燕',
  today: '2026年11月23日',
};

/** Suggestions beside a ticket: this many articles. */
const SUGGESTED_ARTICLES = 5;

const { searchVector: _vector, ...articleColumns } = getTableColumns(knowledgeArticles);

/**
 * Standard wording (规范用语) and the knowledge base of standard answers (标准答案库). Admins
 * maintain templates; admins and managers maintain articles; all staff read and use both. Portal
 * users see neither (403): the wording is internal.
 */
export class KnowledgeService {
  constructor(readonly ctx: AppContext) {}

  private requireStaff(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden('The knowledge base is internal.');
  }

  private requireTemplateEditor(actor: Actor): void {
    if (actor.role !== 'admin') throw forbidden('Only administrators maintain the response templates.');
  }

  private requireArticleEditor(actor: Actor): void {
    if (actor.role !== 'admin' && actor.role !== 'manager')
      throw forbidden('Only administrators and managers maintain the knowledge base.');
  }

  // -------------------------------------------------------------------------------------------
  // Response templates

  private selectTemplates(db: DbOrTx = this.ctx.db) {
    return db
      .select({ ...getTableColumns(responseTemplates), categoryName: ticketCategories.name })
      .from(responseTemplates)
      .leftJoin(ticketCategories, eq(ticketCategories.id, responseTemplates.categoryId));
  }

  placeholders(actor: Actor) {
    this.requireStaff(actor);
    return Object.entries(TEMPLATE_PLACEHOLDERS).map(([name, label]) => ({
      name,
      label,
      example: PLACEHOLDER_EXAMPLES[name as keyof typeof TEMPLATE_PLACEHOLDERS],
    }));
  }

  async listTemplates(actor: Actor, filter: { categoryId?: string; kind?: string; active?: boolean }) {
    this.requireStaff(actor);
    const conditions: SQL[] = [];
    if (filter.categoryId) conditions.push(eq(responseTemplates.categoryId, filter.categoryId));
    if (filter.kind) conditions.push(eq(responseTemplates.kind, filter.kind));
    if (filter.active !== undefined) conditions.push(eq(responseTemplates.active, filter.active));
    const items = await this.selectTemplates()
      .where(and(...conditions))
      .orderBy(
        sql`${ticketCategories.sortOrder} nulls first`,
        asc(responseTemplates.kind),
        asc(responseTemplates.title),
        asc(responseTemplates.id),
      )
      .limit(1000);
    return { items, nextCursor: null };
  }

  async getTemplate(actor: Actor, id: string): Promise<TemplateView> {
    this.requireStaff(actor);
    const [row] = await this.selectTemplates().where(eq(responseTemplates.id, id));
    if (!row) throw notFound('Response template');
    return row;
  }

  private async checkTemplate(input: TemplateInput): Promise<void> {
    const problems: FieldProblem[] = [];
    if (!input.title.trim()) problems.push({ field: 'title', message: 'must not be blank' });
    if (!input.body.trim()) problems.push({ field: 'body', message: 'must not be blank' });
    const unknown = unknownPlaceholders(input.body);
    if (unknown.length) {
      problems.push({
        field: 'body',
        message: `unknown placeholders: ${unknown.map((name) => `{{${name}}}`).join(', ')}; allowed: ${Object.keys(
          TEMPLATE_PLACEHOLDERS,
        )
          .map((name) => `{{${name}}}`)
          .join(', ')}`,
      });
    }
    await this.checkCategory(input.categoryId, problems);
    if (problems.length) throw validationFailed(problems);
  }

  private async checkCategory(
    categoryId: string | null | undefined,
    problems: FieldProblem[],
  ): Promise<void> {
    if (!categoryId) return;
    const [row] = await this.ctx.db
      .select({ id: ticketCategories.id })
      .from(ticketCategories)
      .where(eq(ticketCategories.id, categoryId));
    if (!row) problems.push({ field: 'categoryId', message: 'no such ticket category' });
  }

  async createTemplate(actor: Actor, input: TemplateInput): Promise<TemplateView> {
    this.requireTemplateEditor(actor);
    await this.checkTemplate(input);
    const id = uuidv7();
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(responseTemplates)
        .values({
          id,
          categoryId: input.categoryId ?? null,
          kind: input.kind,
          title: input.title.trim(),
          body: input.body,
          locale: input.locale ?? 'zh-CN',
          active: input.active ?? true,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'response_template',
        entityId: id,
        after: row,
      });
      return (await this.selectTemplates(tx).where(eq(responseTemplates.id, id)))[0];
    });
  }

  async updateTemplate(
    actor: Actor,
    id: string,
    changes: Partial<TemplateInput>,
    version: number,
  ): Promise<TemplateView> {
    this.requireTemplateEditor(actor);
    const before = await this.getTemplate(actor, id);
    const merged: TemplateInput = {
      categoryId: changes.categoryId !== undefined ? changes.categoryId : before.categoryId,
      kind: changes.kind ?? before.kind,
      title: changes.title ?? before.title,
      body: changes.body ?? before.body,
      locale: changes.locale ?? before.locale,
      active: changes.active ?? before.active,
    };
    await this.checkTemplate(merged);
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(responseTemplates)
        .set({
          ...merged,
          title: merged.title.trim(),
          categoryId: merged.categoryId ?? null,
          version: before.version + 1,
          updatedAt: this.ctx.now(),
        })
        .where(and(eq(responseTemplates.id, id), eq(responseTemplates.version, version)))
        .returning();
      if (!row) throw staleVersion(before);
      const { categoryName: _c, ...plain } = before;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'response_template',
        entityId: id,
        before: plain,
        after: row,
      });
      return (await this.selectTemplates(tx).where(eq(responseTemplates.id, id)))[0];
    });
  }

  async removeTemplate(actor: Actor, id: string, version?: number): Promise<void> {
    this.requireTemplateEditor(actor);
    const before = await this.getTemplate(actor, id);
    await this.ctx.db.transaction(async (tx) => {
      const conditions = [eq(responseTemplates.id, id)];
      if (version !== undefined) conditions.push(eq(responseTemplates.version, version));
      const gone = await tx
        .delete(responseTemplates)
        .where(and(...conditions))
        .returning({ id: responseTemplates.id });
      if (!gone.length) throw staleVersion(before);
      const { categoryName: _c, ...plain } = before;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'delete',
        entityType: 'response_template',
        entityId: id,
        before: plain,
      });
    });
  }

  /**
   * A ticket as the knowledge base sees it (read-only), after the caller's read check: staff who
   * may read the ticket's customer file. Unknown ids and unreadable ones look the same (404).
   */
  private async readableTicket(actor: Actor, ticketId: string) {
    this.requireStaff(actor);
    const [row] = await this.ctx.db
      .select({
        id: tickets.id,
        number: tickets.number,
        subject: tickets.subject,
        customerWords: tickets.customerWords,
        customerId: tickets.customerId,
        categoryId: tickets.categoryId,
        customerName: customers.name,
        contactName: contacts.name,
        categoryName: ticketCategories.name,
        ownerName: users.name,
      })
      .from(tickets)
      .innerJoin(customers, eq(customers.id, tickets.customerId))
      .innerJoin(ticketCategories, eq(ticketCategories.id, tickets.categoryId))
      .leftJoin(contacts, eq(contacts.id, tickets.contactId))
      .leftJoin(users, eq(users.id, tickets.ownerId))
      .where(eq(tickets.id, ticketId));
    if (!row) throw notFound('Ticket');
    await this.ctx.services.customers.requireReadable(actor, row.customerId);
    return row;
  }

  /** Fills a template from a ticket and counts the use. The agent edits the text before sending it. */
  async render(actor: Actor, id: string, ticketId: string) {
    const template = await this.getTemplate(actor, id);
    const ticket = await this.readableTicket(actor, ticketId);
    const values: TemplateValues = {
      'customer.name': ticket.customerName,
      'contact.name': ticket.contactName,
      'ticket.number': ticket.number,
      'ticket.subject': ticket.subject,
      'ticket.category': ticket.categoryName,
      // The agent writing the reply speaks; the owner's name when a colleague drafts it is not wanted.
      'agent.name': actor.name,
      today: chineseDate(this.ctx.now(), await this.ctx.services.settings.displayTimeZone()),
    };
    const text = renderTemplate(template.body, values);
    await this.ctx.db.transaction(async (tx) => {
      await tx
        .update(responseTemplates)
        .set({ usageCount: sql`${responseTemplates.usageCount} + 1` })
        .where(eq(responseTemplates.id, id));
      await tx
        .insert(knowledgeUsages)
        .values({ id: uuidv7(), templateId: id, ticketId, userId: actor.id, at: this.ctx.now() });
    });
    return { text, templateId: id, ticketId };
  }

  // -------------------------------------------------------------------------------------------
  // Knowledge articles

  private selectArticles(db: DbOrTx = this.ctx.db, rank?: SQL<number>) {
    return db
      .select({
        ...articleColumns,
        categoryName: ticketCategories.name,
        ...(rank ? { rank } : {}),
      })
      .from(knowledgeArticles)
      .leftJoin(ticketCategories, eq(ticketCategories.id, knowledgeArticles.categoryId));
  }

  async listArticles(actor: Actor, filter: ArticleFilter) {
    this.requireStaff(actor);
    const conditions: SQL[] = [];
    if (filter.topic) conditions.push(eq(knowledgeArticles.topic, filter.topic));
    if (filter.categoryId) conditions.push(eq(knowledgeArticles.categoryId, filter.categoryId));
    if (filter.tag) conditions.push(sql`${knowledgeArticles.tags} @> array[${filter.tag}]::text[]`);
    if (filter.active !== undefined) conditions.push(eq(knowledgeArticles.active, filter.active));
    const query = filter.q?.trim() ? anyWordsQuery(filter.q) : null;
    if (filter.q?.trim() && !query) return { items: [], nextCursor: null };
    if (query) {
      // Ranked: best first; the cursor is the offset (ranks are not a stable keyset).
      const tsquery = sql`to_tsquery('simple', ${query})`;
      const rank = sql<number>`ts_rank(${knowledgeArticles.searchVector}, ${tsquery})::float8`;
      const cursor = decodeCursor(filter.cursor, 1);
      const offset = cursor ? Number(cursor[0]) : 0;
      if (!Number.isInteger(offset) || offset < 0) throw this.badCursor();
      conditions.push(sql`${knowledgeArticles.searchVector} @@ ${tsquery}`);
      const rows = await this.selectArticles(this.ctx.db, rank)
        .where(and(...conditions))
        .orderBy(desc(rank), desc(knowledgeArticles.usageCount), asc(knowledgeArticles.id))
        .limit(filter.limit + 1)
        .offset(offset);
      const more = rows.length > filter.limit;
      return {
        items: rows.slice(0, filter.limit),
        nextCursor: more ? encodeCursor([offset + filter.limit]) : null,
      };
    }
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor)
      conditions.push(afterTimeCursor(knowledgeArticles.updatedAt, knowledgeArticles.id, cursor, 'desc'));
    const rows = await this.selectArticles()
      .where(and(...conditions))
      .orderBy(desc(knowledgeArticles.updatedAt), desc(knowledgeArticles.id))
      .limit(filter.limit + 1);
    return toPage(rows, filter.limit, (r) => [r.updatedAt.toISOString(), r.id]);
  }

  private badCursor() {
    return validationFailed([{ field: 'cursor', message: 'invalid cursor' }], 'The cursor is not valid.');
  }

  async getArticle(actor: Actor, id: string): Promise<ArticleView> {
    this.requireStaff(actor);
    const [row] = await this.selectArticles().where(eq(knowledgeArticles.id, id));
    if (!row) throw notFound('Knowledge article');
    return row;
  }

  private async checkArticle(input: ArticleInput): Promise<ArticleInput> {
    const problems: FieldProblem[] = [];
    const question = input.question.trim();
    const answer = input.answer.trim();
    if (!question) problems.push({ field: 'question', message: 'must not be blank' });
    if (!answer) problems.push({ field: 'answer', message: 'must not be blank' });
    const tags = [...new Set((input.tags ?? []).map((t) => t.trim()).filter(Boolean))];
    await this.checkCategory(input.categoryId, problems);
    if (problems.length) throw validationFailed(problems);
    return { ...input, question, answer, tags };
  }

  private vector(input: ArticleInput): SQL {
    const words = articleSearchWords(input);
    return articleVectorSql(words.questionWords, words.answerWords);
  }

  async createArticle(actor: Actor, input: ArticleInput): Promise<ArticleView> {
    this.requireArticleEditor(actor);
    const values = await this.checkArticle(input);
    const id = uuidv7();
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(knowledgeArticles)
        .values({
          id,
          topic: values.topic,
          question: values.question,
          answer: values.answer,
          tags: values.tags ?? [],
          categoryId: values.categoryId ?? null,
          active: values.active ?? true,
          searchVector: this.vector(values),
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning(articleColumns);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'knowledge_article',
        entityId: id,
        after: row,
      });
      return (await this.selectArticles(tx).where(eq(knowledgeArticles.id, id)))[0];
    });
  }

  async updateArticle(
    actor: Actor,
    id: string,
    changes: Partial<ArticleInput>,
    version: number,
  ): Promise<ArticleView> {
    this.requireArticleEditor(actor);
    const before = await this.getArticle(actor, id);
    const merged = await this.checkArticle({
      topic: changes.topic ?? before.topic,
      question: changes.question ?? before.question,
      answer: changes.answer ?? before.answer,
      tags: changes.tags ?? before.tags,
      categoryId: changes.categoryId !== undefined ? changes.categoryId : before.categoryId,
      active: changes.active ?? before.active,
    });
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(knowledgeArticles)
        .set({
          topic: merged.topic,
          question: merged.question,
          answer: merged.answer,
          tags: merged.tags ?? [],
          categoryId: merged.categoryId ?? null,
          active: merged.active ?? true,
          searchVector: this.vector(merged),
          version: before.version + 1,
          updatedAt: this.ctx.now(),
        })
        .where(and(eq(knowledgeArticles.id, id), eq(knowledgeArticles.version, version)))
        .returning(articleColumns);
      if (!row) throw staleVersion(before);
      const { categoryName: _c, ...plain } = before;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'knowledge_article',
        entityId: id,
        before: plain,
        after: row,
      });
      return (await this.selectArticles(tx).where(eq(knowledgeArticles.id, id)))[0];
    });
  }

  async removeArticle(actor: Actor, id: string, version?: number): Promise<void> {
    this.requireArticleEditor(actor);
    const before = await this.getArticle(actor, id);
    await this.ctx.db.transaction(async (tx) => {
      const conditions = [eq(knowledgeArticles.id, id)];
      if (version !== undefined) conditions.push(eq(knowledgeArticles.version, version));
      const gone = await tx
        .delete(knowledgeArticles)
        .where(and(...conditions))
        .returning({ id: knowledgeArticles.id });
      if (!gone.length) throw staleVersion(before);
      const { categoryName: _c, ...plain } = before;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'delete',
        entityType: 'knowledge_article',
        entityId: id,
        before: plain,
      });
    });
  }

  /** An agent used a standard answer (optionally on a ticket): counted per article. */
  async useArticle(actor: Actor, id: string, ticketId?: string | null): Promise<{ usageCount: number }> {
    await this.getArticle(actor, id);
    if (ticketId) await this.readableTicket(actor, ticketId);
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(knowledgeArticles)
        .set({ usageCount: sql`${knowledgeArticles.usageCount} + 1` })
        .where(eq(knowledgeArticles.id, id))
        .returning({ usageCount: knowledgeArticles.usageCount });
      if (!row) throw notFound('Knowledge article');
      await tx.insert(knowledgeUsages).values({
        id: uuidv7(),
        articleId: id,
        ticketId: ticketId ?? null,
        userId: actor.id,
        at: this.ctx.now(),
      });
      return row;
    });
  }

  /**
   * What to show beside a ticket: the best-matching active articles for its subject, the
   * customer's words and its category name (articles of the ticket's category get a bonus), and
   * the active templates of its category followed by the generic ones.
   */
  async suggestions(
    actor: Actor,
    ticketId: string,
  ): Promise<{ articles: ArticleView[]; templates: TemplateView[] }> {
    const ticket = await this.readableTicket(actor, ticketId);
    const query = anyWordsQuery(`${ticket.subject} ${ticket.customerWords} ${ticket.categoryName}`);
    let articles: ArticleView[] = [];
    if (query) {
      const tsquery = sql`to_tsquery('simple', ${query})`;
      const rank = sql<number>`(ts_rank(${knowledgeArticles.searchVector}, ${tsquery}) + case when ${knowledgeArticles.categoryId} = ${ticket.categoryId} then 0.05 else 0 end)::float8`;
      articles = await this.selectArticles(this.ctx.db, rank)
        .where(and(eq(knowledgeArticles.active, true), sql`${knowledgeArticles.searchVector} @@ ${tsquery}`))
        .orderBy(desc(rank), desc(knowledgeArticles.usageCount), asc(knowledgeArticles.id))
        .limit(SUGGESTED_ARTICLES);
    }
    const templates = await this.selectTemplates()
      .where(
        and(
          eq(responseTemplates.active, true),
          or(eq(responseTemplates.categoryId, ticket.categoryId), isNull(responseTemplates.categoryId)),
        ),
      )
      .orderBy(
        sql`${responseTemplates.categoryId} is null`,
        asc(responseTemplates.kind),
        desc(responseTemplates.usageCount),
        asc(responseTemplates.title),
      )
      .limit(50);
    return { articles, templates };
  }
}
