import { type SQL, and, asc, eq, getTableColumns, inArray, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, STAFF_ROLES, isStaff } from '../../domain/access.ts';
import {
  type ActionState,
  actionNumber,
  canChangeAction,
  canCreateAction,
  canMoveTo,
  cancelRefusal,
  complaintsPer90Days,
  isActionOverdue,
  itemScore,
  leavesOf,
  nextSequence,
  round2,
  verdict,
  verifyRefusal,
  weakElements,
} from '../../domain/correctiveactions.ts';
import type { ModelNode } from '../../domain/satisfaction/model.ts';
import type { AppContext } from '../../server/context.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { type FieldProblem, conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { isUuid } from '../../server/schemas.ts';
import { registerCustomerOwnedTable } from '../customers/merge.ts';
import type { Customer } from '../customers/service.ts';
import { customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { followUps } from '../followups/tables.ts';
import { satisfactionAlerts, satisfactionModelVersions, satisfactionModels } from '../satisfaction/tables.ts';
import { surveyResponses } from '../surveys/tables.ts';
import { ticketCategories, tickets } from '../tickets/tables.ts';
import { users } from '../users/tables.ts';
import { type ActionSource, correctiveActions } from './tables.ts';

// A customer's corrective actions follow the customer when two files are merged.
registerCustomerOwnedTable('correctiveActions', correctiveActions, correctiveActions.customerId);

export type CorrectiveAction = typeof correctiveActions.$inferSelect;

export interface CorrectiveActionView extends CorrectiveAction {
  ownerName: string | null;
  departmentName: string | null;
  customerName: string | null;
  verifiedByName: string | null;
  itemNameZh: string | null;
  itemNameEn: string | null;
  overdue: boolean;
  measure: 'score' | 'complaints';
}

export interface CorrectiveActionInput {
  title: string;
  source: ActionSource;
  modelId?: string | null;
  itemKey?: string | null;
  responseId?: string | null;
  alertId?: string | null;
  ticketIds?: string[];
  customerId?: string | null;
  ownerId: string;
  departmentId?: string | null;
  dueAt: string;
  problem?: string | null;
  measures: string;
}

export interface CorrectiveActionChanges {
  title?: string;
  measures?: string;
  problem?: string | null;
  ownerId?: string;
  departmentId?: string | null;
  dueAt?: string;
  status?: 'open' | 'in_progress' | 'verifying';
}

export interface VerifyInput {
  method: 'survey' | 'follow_up';
  surveyId?: string | null;
  followUpId?: string | null;
  afterScore?: number | null;
  outcome?: 'effective' | 'not_effective';
  note: string;
}

export interface CorrectiveActionFilter {
  status?: ActionState;
  ownerId?: string;
  departmentId?: string;
  customerId?: string;
  itemKey?: string;
  overdue?: boolean;
  limit: number;
  cursor?: string;
}

/** Where a score is measured: one item (or, without one, the response index) over a window. */
interface ScoreScope {
  modelId: string | null;
  itemKey: string | null;
  customerId: string | null;
  surveyId?: string | null;
  from: Date;
  to: Date;
}

export const ACTION_OPENED = 'corrective_action.opened';
export const ACTION_VERIFIED = 'corrective_action.verified';
export const ACTION_CANCELLED = 'corrective_action.cancelled';

const DAY = 86_400_000;
/** The element's "before" score looks back a year; a complaint cluster 90 days. */
const BEFORE_WINDOW_DAYS = 365;
const COMPLAINT_WINDOW_DAYS = 90;
const CLUSTER_MIN = 3;
const LOW_SCORE_LINE = 70;

const owner = alias(users, 'action_owner');
const verifier = alias(users, 'action_verifier');

function trimOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function short(text: string, n = 60): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

function yearIn(date: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(date));
}

/**
 * 整改措施 (SPEC §7): actions opened from a low-scoring service element, a dissatisfied answer, a
 * satisfaction alert or a cluster of repeated complaints, with owner, department, due date and
 * measures; verified by a later survey or a follow-up that records the after score against the
 * before score fixed when the action was opened.
 */
export class CorrectiveActionsService {
  constructor(protected readonly ctx: AppContext) {}

  // --- reading ------------------------------------------------------------------------------------

  private selectViews(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        ...getTableColumns(correctiveActions),
        ownerName: owner.name,
        verifiedByName: verifier.name,
        departmentName: departments.name,
        customerName: customers.name,
      })
      .from(correctiveActions)
      .leftJoin(owner, eq(owner.id, correctiveActions.ownerId))
      .leftJoin(verifier, eq(verifier.id, correctiveActions.verifiedById))
      .leftJoin(departments, eq(departments.id, correctiveActions.departmentId))
      .leftJoin(customers, eq(customers.id, correctiveActions.customerId));
  }

  /** The current version's nodes of each model, for item names. */
  private async currentNodes(
    modelIds: string[],
    db: DbOrTx = this.ctx.db,
  ): Promise<Map<string, ModelNode[]>> {
    const ids = [...new Set(modelIds)];
    if (!ids.length) return new Map();
    const rows = await db
      .select({ modelId: satisfactionModels.id, nodes: satisfactionModelVersions.nodes })
      .from(satisfactionModels)
      .innerJoin(
        satisfactionModelVersions,
        eq(satisfactionModelVersions.id, satisfactionModels.currentVersionId),
      )
      .where(inArray(satisfactionModels.id, ids));
    return new Map(rows.map((r) => [r.modelId, r.nodes ?? []]));
  }

  private async toViews(
    rows: Awaited<ReturnType<ReturnType<CorrectiveActionsService['selectViews']>['where']>>,
    db: DbOrTx = this.ctx.db,
  ): Promise<CorrectiveActionView[]> {
    const nodes = await this.currentNodes(
      rows.filter((r) => r.modelId && r.itemKey).map((r) => r.modelId as string),
      db,
    );
    const now = this.ctx.now();
    return rows.map((row) => {
      const item = row.itemKey ? nodes.get(row.modelId ?? '')?.find((n) => n.key === row.itemKey) : undefined;
      return {
        ...row,
        beforeScore: row.beforeScore === null ? null : Number(row.beforeScore),
        afterScore: row.afterScore === null ? null : Number(row.afterScore),
        itemNameZh: item?.nameZh ?? null,
        itemNameEn: item?.nameEn ?? null,
        overdue: isActionOverdue(row, now),
        measure: row.source === 'complaints' ? 'complaints' : 'score',
      };
    });
  }

  async view(id: string, db: DbOrTx = this.ctx.db): Promise<CorrectiveActionView | undefined> {
    const rows = await this.selectViews(db).where(eq(correctiveActions.id, id));
    return (await this.toViews(rows, db))[0];
  }

  /** Corrective actions are internal: all staff read them, portal users never. */
  private requireStaff(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden('Corrective actions are internal records.');
  }

  async get(actor: Actor, id: string): Promise<CorrectiveActionView> {
    this.requireStaff(actor);
    if (!isUuid(id)) throw notFound('Corrective action');
    const row = await this.view(id);
    if (!row) throw notFound('Corrective action');
    return row;
  }

  async list(actor: Actor, filter: CorrectiveActionFilter) {
    this.requireStaff(actor);
    const now = this.ctx.now();
    const conditions: SQL[] = [];
    if (filter.status) conditions.push(eq(correctiveActions.status, filter.status));
    if (filter.ownerId) conditions.push(eq(correctiveActions.ownerId, filter.ownerId));
    if (filter.departmentId) conditions.push(eq(correctiveActions.departmentId, filter.departmentId));
    if (filter.customerId) conditions.push(eq(correctiveActions.customerId, filter.customerId));
    if (filter.itemKey) conditions.push(eq(correctiveActions.itemKey, filter.itemKey));
    const working = inArray(correctiveActions.status, ['open', 'in_progress']);
    if (filter.overdue === true) {
      conditions.push(working, lt(correctiveActions.dueAt, now));
    } else if (filter.overdue === false) {
      conditions.push(
        or(
          sql`${correctiveActions.status} not in ('open', 'in_progress')`,
          sql`${correctiveActions.dueAt} >= ${now.toISOString()}::timestamptz`,
        )!,
      );
    }
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor)
      conditions.push(afterTimeCursor(correctiveActions.dueAt, correctiveActions.id, cursor, 'asc'));
    const rows = await this.selectViews()
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(correctiveActions.dueAt), asc(correctiveActions.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.dueAt.toISOString(), r.id]);
    return { items: await this.toViews(page.items), nextCursor: page.nextCursor };
  }

  // --- measuring ----------------------------------------------------------------------------------

  /** Whether each version of a model scores an item in reverse. */
  private async reverseByVersion(
    modelId: string,
    itemKey: string,
    db: DbOrTx,
  ): Promise<Map<string, boolean>> {
    const versions = await db
      .select({ id: satisfactionModelVersions.id, nodes: satisfactionModelVersions.nodes })
      .from(satisfactionModelVersions)
      .where(eq(satisfactionModelVersions.modelId, modelId));
    return new Map(versions.map((v) => [v.id, !!(v.nodes ?? []).find((n) => n.key === itemKey)?.reverse]));
  }

  /**
   * The item's score 0–100 over complete responses submitted in the window, with the shared
   * arithmetic (reverse scoring per version answered; (mean − 1) / 4 × 100). A small aggregate of
   * its own: the index service offers no item score to call. Without an item: the mean response
   * index of the (customer's) responses.
   */
  async measureScore(
    scope: ScoreScope,
    db: DbOrTx = this.ctx.db,
  ): Promise<{ score: number | null; answers: number }> {
    const filters: SQL[] = [
      sql`r.status = 'complete'`,
      sql`r.submitted_at > ${scope.from.toISOString()}::timestamptz`,
      sql`r.submitted_at <= ${scope.to.toISOString()}::timestamptz`,
    ];
    if (scope.customerId) filters.push(sql`r.customer_id = ${scope.customerId}::uuid`);
    if (scope.surveyId) filters.push(sql`r.survey_id = ${scope.surveyId}::uuid`);
    if (scope.modelId) filters.push(sql`r.model_id = ${scope.modelId}::uuid`);
    const where = sql.join(filters, sql` and `);
    if (scope.itemKey && scope.modelId) {
      const reverse = await this.reverseByVersion(scope.modelId, scope.itemKey, db);
      const counts = rowsOf<{ version_id: string; score: number; n: number }>(
        await db.execute(sql`
          select r.version_id, a.score::int as score, count(*)::int as n
          from survey_answers a join survey_responses r on r.id = a.response_id
          where ${where} and a.item_key = ${scope.itemKey} and a.score between 1 and 5
          group by r.version_id, a.score`),
      );
      return itemScore(
        counts.map((c) => ({
          score: Number(c.score),
          n: Number(c.n),
          reverse: reverse.get(c.version_id) ?? false,
        })),
      );
    }
    const [row] = rowsOf<{ mean: string | number | null; n: number }>(
      await db.execute(sql`
        select avg(r.response_index) as mean, count(r.response_index)::int as n
        from survey_responses r where ${where}`),
    );
    const n = Number(row?.n ?? 0);
    return { score: n ? round2(Number(row.mean)) : null, answers: n };
  }

  /** Complaints of the categories (of one customer, or everyone's) received in the window. */
  private async countComplaints(
    categoryIds: string[],
    customerId: string | null,
    from: Date,
    to: Date,
    db: DbOrTx = this.ctx.db,
  ): Promise<number> {
    if (!categoryIds.length) return 0;
    const conditions: SQL[] = [
      eq(tickets.type, 'complaint'),
      inArray(tickets.categoryId, categoryIds),
      sql`${tickets.receivedAt} > ${from.toISOString()}::timestamptz`,
      sql`${tickets.receivedAt} <= ${to.toISOString()}::timestamptz`,
    ];
    if (customerId) conditions.push(eq(tickets.customerId, customerId));
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(tickets)
      .where(and(...conditions));
    return Number(row?.n ?? 0);
  }

  private async ticketCategoriesOf(ticketIds: string[], db: DbOrTx = this.ctx.db): Promise<string[]> {
    if (!ticketIds.length) return [];
    const rows = await db
      .selectDistinct({ categoryId: tickets.categoryId })
      .from(tickets)
      .where(inArray(tickets.id, ticketIds));
    return rows.map((r) => r.categoryId);
  }

  /** Answers and alerts are about one customer: their scores are that customer's. */
  private scoreCustomer(action: { source: ActionSource; customerId: string | null }): string | null {
    return action.source === 'answer' || action.source === 'alert' ? action.customerId : null;
  }

  // --- creating -----------------------------------------------------------------------------------

  private async checkOwner(ownerId: string, problems: FieldProblem[], field = 'ownerId') {
    const [person] = await this.ctx.db
      .select({ id: users.id, role: users.role, active: users.active, name: users.name })
      .from(users)
      .where(eq(users.id, ownerId));
    if (!person?.active || !STAFF_ROLES.includes(person.role)) {
      problems.push({ field, message: 'must be an active member of staff' });
      return undefined;
    }
    return person;
  }

  private async checkDepartment(departmentId: string | null | undefined, problems: FieldProblem[]) {
    if (!departmentId) return;
    const [row] = await this.ctx.db
      .select({ id: departments.id })
      .from(departments)
      .where(eq(departments.id, departmentId));
    if (!row) problems.push({ field: 'departmentId', message: 'is not a department' });
  }

  private checkDue(dueAt: string, problems: FieldProblem[]): Date {
    const due = new Date(dueAt);
    if (Number.isNaN(due.getTime())) problems.push({ field: 'dueAt', message: 'is not a date-time' });
    else if (due.getTime() <= this.ctx.now().getTime())
      problems.push({ field: 'dueAt', message: 'must be in the future' });
    return due;
  }

  /** The model an action refers to (the given one, else the default one) and the item as a leaf of its current version. */
  private async checkItem(
    modelId: string | null,
    itemKey: string | null,
    problems: FieldProblem[],
    required: boolean,
  ): Promise<string | null> {
    if (!itemKey) {
      if (required) problems.push({ field: 'itemKey', message: 'is required for a low-scoring element' });
      return modelId;
    }
    let id = modelId;
    if (!id) {
      const [fallback] = await this.ctx.db
        .select({ id: satisfactionModels.id })
        .from(satisfactionModels)
        .orderBy(sql`${satisfactionModels.isDefault} desc`, asc(satisfactionModels.createdAt))
        .limit(1);
      id = fallback?.id ?? null;
    }
    if (!id) {
      problems.push({ field: 'modelId', message: 'is required with an item' });
      return null;
    }
    const nodes = (await this.currentNodes([id])).get(id);
    if (!nodes) {
      problems.push({ field: 'modelId', message: 'is not a satisfaction model' });
      return null;
    }
    if (!leavesOf(nodes).some((leaf) => leaf.key === itemKey)) {
      problems.push({ field: 'itemKey', message: `is not an item of this model: ${itemKey}` });
    }
    return id;
  }

  async create(actor: Actor, input: CorrectiveActionInput): Promise<CorrectiveActionView> {
    this.requireStaff(actor);
    if (!canCreateAction(actor)) {
      throw forbidden('Supervisors, managers and admins open corrective actions.');
    }
    const problems: FieldProblem[] = [];
    const title = input.title.trim();
    if (!title) problems.push({ field: 'title', message: 'must not be blank' });
    const measures = input.measures.trim();
    if (!measures) problems.push({ field: 'measures', message: 'must not be blank' });
    const dueAt = this.checkDue(input.dueAt, problems);
    const person = await this.checkOwner(input.ownerId, problems);
    await this.checkDepartment(input.departmentId, problems);
    const now = this.ctx.now();
    let customerId = input.customerId ?? null;
    let modelId = input.modelId ?? null;
    let itemKey = input.itemKey ?? null;
    let responseId: string | null = null;
    let alertId: string | null = null;
    let ticketIds: string[] = [];
    let fallbackBefore: { score: number | null; count: number | null } | null = null;

    const sameCustomer = (found: string, field: string) => {
      if (customerId && customerId !== found)
        problems.push({ field: 'customerId', message: `is not the customer of the ${field}` });
      customerId = found;
    };

    switch (input.source) {
      case 'element':
        modelId = await this.checkItem(modelId, itemKey, problems, true);
        break;
      case 'answer': {
        if (!input.responseId) {
          problems.push({ field: 'responseId', message: 'is required for a dissatisfied answer' });
          break;
        }
        const [response] = await this.ctx.db
          .select()
          .from(surveyResponses)
          .where(eq(surveyResponses.id, input.responseId));
        if (!response) {
          problems.push({ field: 'responseId', message: 'is not a survey response' });
          break;
        }
        responseId = response.id;
        sameCustomer(response.customerId, 'response');
        if (modelId && modelId !== response.modelId)
          problems.push({ field: 'modelId', message: 'is not the model of the response' });
        modelId = await this.checkItem(response.modelId, itemKey, problems, false);
        if (!itemKey) fallbackBefore = { score: response.responseIndex, count: 1 };
        break;
      }
      case 'alert': {
        if (!input.alertId) {
          problems.push({ field: 'alertId', message: 'is required for a satisfaction alert' });
          break;
        }
        const [alert] = await this.ctx.db
          .select()
          .from(satisfactionAlerts)
          .where(eq(satisfactionAlerts.id, input.alertId));
        if (!alert) {
          problems.push({ field: 'alertId', message: 'is not a satisfaction alert' });
          break;
        }
        if (alert.correctiveActionId) {
          throw conflict('This alert already has a corrective action.', {
            correctiveActionId: alert.correctiveActionId,
          });
        }
        alertId = alert.id;
        sameCustomer(alert.customerId, 'alert');
        responseId = alert.responseId;
        if (!modelId && alert.responseId) {
          const [response] = await this.ctx.db
            .select({ modelId: surveyResponses.modelId })
            .from(surveyResponses)
            .where(eq(surveyResponses.id, alert.responseId));
          modelId = response?.modelId ?? null;
        }
        if (!itemKey && alert.lowItems.length) itemKey = alert.lowItems[0].itemKey;
        modelId = await this.checkItem(modelId, itemKey, problems, false);
        if (!itemKey) fallbackBefore = { score: alert.currentIndex, count: null };
        break;
      }
      case 'complaints': {
        const ids = [...new Set(input.ticketIds ?? [])];
        if (!ids.length) {
          problems.push({ field: 'ticketIds', message: 'name the repeated complaints' });
          break;
        }
        const found = await this.ctx.db
          .select({ id: tickets.id, type: tickets.type, customerId: tickets.customerId })
          .from(tickets)
          .where(inArray(tickets.id, ids));
        const missing = ids.filter((id) => !found.some((f) => f.id === id));
        if (missing.length)
          problems.push({ field: 'ticketIds', message: `not tickets: ${missing.join(', ')}` });
        const notComplaints = found.filter((f) => f.type !== 'complaint').map((f) => f.id);
        if (notComplaints.length)
          problems.push({ field: 'ticketIds', message: `not complaints: ${notComplaints.join(', ')}` });
        const owners = [...new Set(found.map((f) => f.customerId))];
        if (customerId && owners.some((c) => c !== customerId))
          problems.push({ field: 'customerId', message: 'is not the customer of every complaint' });
        // One customer's complaints make the action that customer's; a cross-customer cluster has none.
        if (!customerId && owners.length === 1) customerId = owners[0];
        ticketIds = ids;
        if (itemKey) modelId = await this.checkItem(modelId, itemKey, problems, false);
        break;
      }
      case 'manual':
        if (itemKey) modelId = await this.checkItem(modelId, itemKey, problems, false);
        break;
    }
    if (problems.length) throw validationFailed(problems);
    let customer: Customer | null = null;
    if (customerId) {
      customer = await this.ctx.services.customers.requireReadable(actor, customerId);
      this.ctx.services.customers.assertOpenFile(customer);
    }

    // The before figure, fixed now.
    let beforeScore: number | null = null;
    let beforeCount: number | null = null;
    if (input.source === 'complaints') {
      const categories = await this.ticketCategoriesOf(ticketIds);
      beforeCount = await this.countComplaints(
        categories,
        customerId,
        new Date(now.getTime() - COMPLAINT_WINDOW_DAYS * DAY),
        now,
      );
      beforeScore = beforeCount;
    } else if (itemKey && modelId) {
      const measured = await this.measureScore({
        modelId,
        itemKey,
        customerId: this.scoreCustomer({ source: input.source, customerId }),
        from: new Date(now.getTime() - BEFORE_WINDOW_DAYS * DAY),
        to: now,
      });
      beforeScore = measured.score;
      beforeCount = measured.answers;
    } else if (fallbackBefore) {
      beforeScore = fallbackBefore.score === null ? null : Number(fallbackBefore.score);
      beforeCount = fallbackBefore.count;
    }

    const timeZone = await this.ctx.services.settings.displayTimeZone();
    const id = uuidv7();
    const year = yearIn(now, timeZone);
    return this.ctx.db.transaction(async (tx) => {
      // One numbering per year: the advisory lock serialises concurrent openings.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('corrective_actions.number'))`);
      const existing = await tx
        .select({ number: correctiveActions.number })
        .from(correctiveActions)
        .where(sql`${correctiveActions.number} like ${`ZG-${year}-%`}`);
      const number = actionNumber(
        year,
        nextSequence(
          year,
          existing.map((e) => e.number),
        ),
      );
      const [row] = await tx
        .insert(correctiveActions)
        .values({
          id,
          number,
          title,
          source: input.source,
          modelId,
          itemKey,
          responseId,
          alertId,
          ticketIds,
          customerId,
          ownerId: person!.id,
          departmentId: input.departmentId ?? null,
          dueAt,
          problem: trimOrNull(input.problem),
          measures,
          status: 'open',
          beforeScore,
          beforeCount,
          beforeUntil: now,
          createdById: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      let followUpId: string | null = null;
      if (customer) {
        // The owner's task on the customer's list (follow-ups belong to a customer).
        const task = await this.ctx.services.followUps.insert(
          tx,
          actor,
          customer,
          {
            assigneeId: person!.id,
            contactId: null,
            kind: 'corrective_action',
            title: `整改措施 ${number}：${short(title)}`,
            notes: measures,
            dueAt,
            status: 'open',
            createdBy: actor.id,
            sourceKey: `corrective_action:${id}`,
          },
          timeZone,
        );
        followUpId = task.id;
        await tx.update(correctiveActions).set({ followUpId }).where(eq(correctiveActions.id, id));
        await this.ctx.services.timeline.add(tx, {
          customerId: customer.id,
          at: now,
          kind: ACTION_OPENED,
          refType: 'corrective_action',
          refId: id,
          title: `整改措施 ${number}：${short(title)}`,
          detail: { number, source: input.source, itemKey, beforeScore, dueAt: dueAt.toISOString() },
          departmentId: input.departmentId ?? actor.departmentId,
          actorId: actor.id,
        });
      }
      if (alertId) {
        // The analytics service offers no method to link an action yet: the link is one column.
        await tx
          .update(satisfactionAlerts)
          .set({ correctiveActionId: id, updatedAt: now })
          .where(eq(satisfactionAlerts.id, alertId));
      }
      await this.ctx.services.notifications.notify(tx, {
        userId: person!.id,
        kind: 'corrective_action.assigned',
        title: `整改措施 ${number}：${short(title)}`,
        body: short(measures, 200),
        link: `/corrective-actions?action=${id}`,
        refType: 'corrective_action',
        refId: id,
        sourceKey: `corrective_action.assigned:${id}:${person!.id}`,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'corrective_action',
        entityId: id,
        customerId,
        after: { ...row, followUpId },
      });
      return (await this.view(id, tx))!;
    });
  }

  // --- changing -----------------------------------------------------------------------------------

  private async requireChangeable(actor: Actor, id: string): Promise<CorrectiveActionView> {
    const before = await this.get(actor, id);
    if (!canChangeAction(actor, before)) {
      throw forbidden('Only the owner, supervisors, managers and admins change a corrective action.');
    }
    return before;
  }

  async update(actor: Actor, id: string, changes: CorrectiveActionChanges): Promise<CorrectiveActionView> {
    const before = await this.requireChangeable(actor, id);
    const status = before.status as ActionState;
    if (status === 'effective' || status === 'cancelled') {
      throw conflict(`This action is ${status}; it no longer changes.`);
    }
    const problems: FieldProblem[] = [];
    const set: Partial<typeof correctiveActions.$inferInsert> = {};
    if (changes.title !== undefined) {
      const title = changes.title.trim();
      if (!title) problems.push({ field: 'title', message: 'must not be blank' });
      set.title = title;
    }
    if (changes.measures !== undefined) {
      const measures = changes.measures.trim();
      if (!measures) problems.push({ field: 'measures', message: 'must not be blank' });
      set.measures = measures;
    }
    if (changes.problem !== undefined) set.problem = trimOrNull(changes.problem);
    if (changes.dueAt !== undefined) set.dueAt = this.checkDue(changes.dueAt, problems);
    if (changes.departmentId !== undefined) {
      await this.checkDepartment(changes.departmentId, problems);
      set.departmentId = changes.departmentId;
    }
    let newOwner: { id: string; name: string } | undefined;
    if (changes.ownerId !== undefined && changes.ownerId !== before.ownerId) {
      if (!canCreateAction(actor)) throw forbidden('Supervisors, managers and admins hand an action over.');
      newOwner = await this.checkOwner(changes.ownerId, problems);
      set.ownerId = changes.ownerId;
    }
    if (changes.status !== undefined && changes.status !== status) {
      if (!canMoveTo(status, changes.status)) {
        throw conflict(`A ${status} action cannot be moved to ${changes.status}.`);
      }
      set.status = changes.status;
    }
    if (problems.length) throw validationFailed(problems);
    if (!Object.keys(set).length) return before;
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(correctiveActions)
        .set({ ...set, updatedAt: now })
        .where(and(eq(correctiveActions.id, id), eq(correctiveActions.status, status)))
        .returning();
      if (!row) throw conflict('This action changed meanwhile; reload it.');
      if (newOwner) {
        // The new owner takes over the open task and is told.
        if (before.followUpId) {
          await tx
            .update(followUps)
            .set({ assigneeId: newOwner.id, version: sql`${followUps.version} + 1`, updatedAt: now })
            .where(and(eq(followUps.id, before.followUpId), eq(followUps.status, 'open')));
        }
        await this.ctx.services.notifications.notify(tx, {
          userId: newOwner.id,
          kind: 'corrective_action.assigned',
          title: `整改措施 ${row.number}：${short(row.title)}`,
          body: short(row.measures, 200),
          link: `/corrective-actions?action=${id}`,
          refType: 'corrective_action',
          refId: id,
          sourceKey: `corrective_action.assigned:${id}:${newOwner.id}`,
        });
      }
      await this.ctx.services.audit.record(tx, actor, {
        action: set.status ? `status:${set.status}` : 'update',
        entityType: 'corrective_action',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      return (await this.view(id, tx))!;
    });
  }

  /**
   * Verification: the after figure against the before one. By survey: the item's score from complete
   * responses submitted after the action was opened (of the given survey, if any; of the customer
   * for an answer or alert), with at least satisfaction.minAnswers answers for an element. By
   * follow-up: a done follow-up and the score (or outcome) it recorded. A cluster of complaints is
   * measured by its complaints per 90 days since the action opened, whichever method.
   */
  async verify(actor: Actor, id: string, input: VerifyInput): Promise<CorrectiveActionView> {
    const before = await this.requireChangeable(actor, id);
    const refusal = verifyRefusal(before.status as ActionState);
    if (refusal) throw conflict(refusal);
    const note = input.note.trim();
    const problems: FieldProblem[] = [];
    if (!note) problems.push({ field: 'note', message: 'must not be blank' });
    const now = this.ctx.now();
    const opened = before.createdAt;
    let followUpId: string | null = null;
    let surveyId: string | null = null;
    if (input.method === 'follow_up') {
      if (!input.followUpId) {
        problems.push({ field: 'followUpId', message: 'name the follow-up that checked the result' });
      } else {
        const [task] = await this.ctx.db
          .select({ status: followUps.status, customerId: followUps.customerId })
          .from(followUps)
          .where(eq(followUps.id, input.followUpId));
        if (!task) problems.push({ field: 'followUpId', message: 'is not a follow-up' });
        else if (task.status !== 'done')
          problems.push({ field: 'followUpId', message: 'is not done yet: record its result first' });
        else if (before.customerId && task.customerId !== before.customerId)
          problems.push({ field: 'followUpId', message: 'is a follow-up of another customer' });
        followUpId = input.followUpId;
      }
    } else if (input.surveyId) {
      surveyId = input.surveyId;
    }
    if (problems.length) throw validationFailed(problems);

    let afterScore: number | null;
    let afterCount: number | null = null;
    let status: 'effective' | 'not_effective';
    if (before.measure === 'complaints') {
      const categories = await this.ticketCategoriesOf(before.ticketIds);
      const count = await this.countComplaints(categories, before.customerId, opened, now);
      afterCount = count;
      afterScore = complaintsPer90Days(count, now.getTime() - opened.getTime());
      status = verdict(before.beforeScore, afterScore, true);
    } else if (input.method === 'survey') {
      const customerId = this.scoreCustomer(before);
      const measured = await this.measureScore({
        modelId: before.modelId,
        itemKey: before.itemKey,
        customerId,
        surveyId,
        from: opened,
        to: now,
      });
      // One customer's answers are few by nature; an element's score needs the configured minimum.
      const minAnswers = customerId
        ? 1
        : Number(await this.ctx.services.settings.get('satisfaction.minAnswers'));
      if (measured.score === null || measured.answers < minAnswers) {
        throw validationFailed(
          [{ field: 'method', message: `too few answers yet (${measured.answers} of ${minAnswers})` }],
          `too few answers yet (${measured.answers} of ${minAnswers})`,
        );
      }
      afterScore = measured.score;
      afterCount = measured.answers;
      status = verdict(before.beforeScore, afterScore);
    } else {
      if ((input.afterScore === undefined || input.afterScore === null) && !input.outcome) {
        throw validationFailed([
          { field: 'afterScore', message: 'record the score (0–100) or the outcome the follow-up found' },
        ]);
      }
      afterScore = input.afterScore ?? null;
      status =
        afterScore !== null && before.beforeScore !== null
          ? verdict(before.beforeScore, afterScore)
          : (input.outcome ?? 'not_effective');
    }

    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(correctiveActions)
        .set({
          status,
          verificationMethod: input.method,
          verificationSurveyId: surveyId,
          verificationFollowUpId: followUpId,
          afterScore,
          afterCount,
          verificationNote: note,
          verifiedAt: now,
          verifiedById: actor.id,
          closedAt: status === 'effective' ? now : null,
          updatedAt: now,
        })
        .where(and(eq(correctiveActions.id, id), eq(correctiveActions.status, before.status)))
        .returning();
      if (!row) throw conflict('This action changed meanwhile; reload it.');
      if (row.customerId) {
        await this.ctx.services.timeline.add(tx, {
          customerId: row.customerId,
          at: now,
          kind: ACTION_VERIFIED,
          refType: 'corrective_action',
          refId: id,
          title: `整改措施 ${row.number}${status === 'effective' ? '已见效' : '未见效'}：${short(row.title)}`,
          detail: {
            number: row.number,
            status,
            beforeScore: row.beforeScore,
            afterScore,
            method: input.method,
          },
          departmentId: row.departmentId,
          actorId: actor.id,
        });
      }
      if (row.ownerId !== actor.id) {
        await this.ctx.services.notifications.notify(tx, {
          userId: row.ownerId,
          kind: `corrective_action.${status}`,
          title: `整改措施 ${row.number}${status === 'effective' ? '已见效' : '未见效'}`,
          body: note,
          link: `/corrective-actions?action=${id}`,
          refType: 'corrective_action',
          refId: id,
        });
      }
      await this.ctx.services.audit.record(tx, actor, {
        action: 'verify',
        entityType: 'corrective_action',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      return (await this.view(id, tx))!;
    });
  }

  async cancel(actor: Actor, id: string, reason: string): Promise<CorrectiveActionView> {
    const before = await this.requireChangeable(actor, id);
    const refusal = cancelRefusal(before.status as ActionState);
    if (refusal) throw conflict(refusal);
    const why = reason.trim();
    if (!why) throw validationFailed([{ field: 'reason', message: 'must not be blank' }]);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(correctiveActions)
        .set({ status: 'cancelled', verificationNote: why, closedAt: now, updatedAt: now })
        .where(and(eq(correctiveActions.id, id), eq(correctiveActions.status, before.status)))
        .returning();
      if (!row) throw conflict('This action changed meanwhile; reload it.');
      if (row.customerId) {
        await this.ctx.services.timeline.add(tx, {
          customerId: row.customerId,
          at: now,
          kind: ACTION_CANCELLED,
          refType: 'corrective_action',
          refId: id,
          title: `整改措施 ${row.number} 已取消：${short(row.title)}`,
          detail: { number: row.number, reason: why },
          departmentId: row.departmentId,
          actorId: actor.id,
        });
      }
      await this.ctx.services.audit.record(tx, actor, {
        action: 'cancel',
        entityType: 'corrective_action',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      return (await this.view(id, tx))!;
    });
  }

  // --- suggestions --------------------------------------------------------------------------------

  /**
   * What deserves an action and has none open: the model's items scoring below 70 (with enough
   * answers over the last 12 months) or in IPA's concentrate-here quadrant (importance = the item's
   * global weight), and clusters of ≥ 3 complaints of one category within 90 days, for one customer
   * or across all.
   */
  async suggestions(actor: Actor, query: { modelId?: string }) {
    this.requireStaff(actor);
    const now = this.ctx.now();
    const from = new Date(now.getTime() - BEFORE_WINDOW_DAYS * DAY);
    const minAnswers = Number(await this.ctx.services.settings.get('satisfaction.minAnswers'));
    let modelId = query.modelId ?? null;
    if (!modelId) {
      const [fallback] = await this.ctx.db
        .select({ id: satisfactionModels.id })
        .from(satisfactionModels)
        .where(eq(satisfactionModels.status, 'active'))
        .orderBy(sql`${satisfactionModels.isDefault} desc`, asc(satisfactionModels.createdAt))
        .limit(1);
      modelId = fallback?.id ?? null;
    }
    const open = await this.ctx.db
      .select({
        source: correctiveActions.source,
        modelId: correctiveActions.modelId,
        itemKey: correctiveActions.itemKey,
        customerId: correctiveActions.customerId,
        ticketIds: correctiveActions.ticketIds,
      })
      .from(correctiveActions)
      .where(inArray(correctiveActions.status, ['open', 'in_progress', 'verifying']));

    const elements: {
      modelId: string;
      itemKey: string;
      nameZh: string;
      nameEn: string;
      dimension: string | null;
      serviceElement: string | null;
      score: number;
      answers: number;
      importance: number;
      reasons: ('low_score' | 'concentrate_here')[];
    }[] = [];
    if (modelId) {
      const nodes = (await this.currentNodes([modelId])).get(modelId);
      if (!nodes) throw notFound('Satisfaction model');
      const leaves = leavesOf(nodes);
      const measured = await this.leafScores(modelId, from, now);
      const candidates = leaves.map((leaf) => {
        const m = measured.get(leaf.key);
        const enough = m && m.answers >= minAnswers && m.score !== null;
        return {
          key: leaf.key,
          leaf,
          importance: round2(leaf.globalWeight * 1000) / 1000,
          score: enough ? m.score : null,
          answers: m?.answers ?? 0,
        };
      });
      const covered = new Set(
        open.filter((a) => a.modelId === modelId && a.itemKey && !a.customerId).map((a) => a.itemKey),
      );
      for (const weak of weakElements(candidates, LOW_SCORE_LINE)) {
        if (covered.has(weak.key)) continue;
        elements.push({
          modelId,
          itemKey: weak.key,
          nameZh: weak.leaf.nameZh,
          nameEn: weak.leaf.nameEn,
          dimension: weak.leaf.dimensionKey,
          serviceElement: weak.leaf.serviceElement ?? null,
          score: weak.score as number,
          answers: weak.answers,
          importance: weak.importance,
          reasons: weak.reasons,
        });
      }
    }

    const clusters = await this.complaintClusters(now, open);
    return {
      modelId,
      minAnswers,
      from,
      to: now,
      elements,
      complaintClusters: clusters,
    };
  }

  /** Every leaf's score over the window in one pass (per version, item and score). */
  private async leafScores(modelId: string, from: Date, to: Date) {
    const versions = await this.ctx.db
      .select({ id: satisfactionModelVersions.id, nodes: satisfactionModelVersions.nodes })
      .from(satisfactionModelVersions)
      .where(eq(satisfactionModelVersions.modelId, modelId));
    const reverse = new Map<string, boolean>();
    for (const v of versions) for (const n of v.nodes ?? []) reverse.set(`${v.id}:${n.key}`, !!n.reverse);
    const rows = rowsOf<{ version_id: string; item_key: string; score: number; n: number }>(
      await this.ctx.db.execute(sql`
        select r.version_id, a.item_key, a.score::int as score, count(*)::int as n
        from survey_answers a join survey_responses r on r.id = a.response_id
        where r.model_id = ${modelId}::uuid and r.status = 'complete'
          and r.submitted_at > ${from.toISOString()}::timestamptz
          and r.submitted_at <= ${to.toISOString()}::timestamptz
          and a.score between 1 and 5
        group by r.version_id, a.item_key, a.score`),
    );
    const byItem = new Map<string, { score: number; n: number; reverse: boolean }[]>();
    for (const row of rows) {
      const list = byItem.get(row.item_key) ?? [];
      list.push({
        score: Number(row.score),
        n: Number(row.n),
        reverse: reverse.get(`${row.version_id}:${row.item_key}`) ?? false,
      });
      byItem.set(row.item_key, list);
    }
    return new Map([...byItem].map(([key, counts]) => [key, itemScore(counts)]));
  }

  private async complaintClusters(
    now: Date,
    open: { source: string; customerId: string | null; ticketIds: string[] }[],
  ) {
    const since = new Date(now.getTime() - COMPLAINT_WINDOW_DAYS * DAY);
    const recent = await this.ctx.db
      .select({
        id: tickets.id,
        customerId: tickets.customerId,
        customerName: customers.name,
        categoryId: tickets.categoryId,
        categoryName: ticketCategories.name,
        categoryNameEn: ticketCategories.nameEn,
        receivedAt: tickets.receivedAt,
      })
      .from(tickets)
      .innerJoin(customers, eq(customers.id, tickets.customerId))
      .innerJoin(ticketCategories, eq(ticketCategories.id, tickets.categoryId))
      .where(
        and(
          eq(tickets.type, 'complaint'),
          sql`${tickets.receivedAt} > ${since.toISOString()}::timestamptz`,
          sql`${tickets.receivedAt} <= ${now.toISOString()}::timestamptz`,
        ),
      )
      .orderBy(asc(tickets.receivedAt))
      .limit(20_000);
    // What open complaint actions already cover: (customer or all, category).
    const openTicketIds = [
      ...new Set(open.filter((a) => a.source === 'complaints').flatMap((a) => a.ticketIds)),
    ];
    const categoryOf = new Map<string, string>();
    if (openTicketIds.length) {
      const rows = await this.ctx.db
        .select({ id: tickets.id, categoryId: tickets.categoryId })
        .from(tickets)
        .where(inArray(tickets.id, openTicketIds));
      for (const r of rows) categoryOf.set(r.id, r.categoryId);
    }
    const covered = new Set<string>();
    for (const action of open.filter((a) => a.source === 'complaints')) {
      for (const ticketId of action.ticketIds) {
        const category = categoryOf.get(ticketId);
        if (category) covered.add(`${action.customerId ?? '*'}:${category}`);
      }
    }
    type Cluster = {
      customerId: string | null;
      customerName: string | null;
      categoryId: string;
      categoryName: string;
      categoryNameEn: string | null;
      ticketIds: string[];
      firstAt: Date;
      lastAt: Date;
    };
    const groups = new Map<string, Cluster>();
    const add = (key: string, t: (typeof recent)[number], customerId: string | null) => {
      const group = groups.get(key) ?? {
        customerId,
        customerName: customerId ? t.customerName : null,
        categoryId: t.categoryId,
        categoryName: t.categoryName,
        categoryNameEn: t.categoryNameEn,
        ticketIds: [],
        firstAt: t.receivedAt,
        lastAt: t.receivedAt,
      };
      group.ticketIds.push(t.id);
      group.lastAt = t.receivedAt;
      groups.set(key, group);
    };
    for (const t of recent) {
      add(`${t.customerId}:${t.categoryId}`, t, t.customerId);
      add(`*:${t.categoryId}`, t, null);
    }
    const clusters = [...groups.entries()]
      .filter(([key, g]) => g.ticketIds.length >= CLUSTER_MIN && !covered.has(key))
      // Across all customers only when it is more than one customer's cluster.
      .filter(([, g]) => {
        if (g.customerId) return true;
        const single = groups.get(
          `${recent.find((t) => t.id === g.ticketIds[0])?.customerId}:${g.categoryId}`,
        );
        return !single || single.ticketIds.length !== g.ticketIds.length;
      })
      .map(([, g]) => ({ ...g, count: g.ticketIds.length }));
    return clusters.sort((a, b) => b.count - a.count).slice(0, 50);
  }
}

function stripView(view: CorrectiveActionView): Record<string, unknown> {
  const {
    ownerName: _o,
    departmentName: _d,
    customerName: _c,
    verifiedByName: _v,
    itemNameZh: _z,
    itemNameEn: _e,
    overdue: _x,
    measure: _m,
    ...row
  } = view;
  return row;
}
