import { type SQL, and, desc, eq, isNull, lt, ne, or } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import { decideAlerts, endOfNthWorkingDay, lowItems } from '../../domain/satisfaction/alerts.ts';
import { responseIndex } from '../../domain/satisfaction/index.ts';
import type { AppContext } from '../../server/context.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { registerCustomerOwnedTable } from '../customers/merge.ts';
import { customers } from '../customers/tables.ts';
import { surveyAnswers, surveyResponses } from '../surveys/tables.ts';
import { users } from '../users/tables.ts';
import { getSatisfactionSettings } from './settings.ts';
import { type AlertKind, type AlertStatus, satisfactionAlerts, satisfactionModelVersions } from './tables.ts';

registerCustomerOwnedTable('satisfactionAlerts', satisfactionAlerts, satisfactionAlerts.customerId);

export type SatisfactionAlert = typeof satisfactionAlerts.$inferSelect;

export interface AlertView {
  id: string;
  customerId: string;
  customerName: string;
  kind: AlertKind;
  status: AlertStatus;
  responseId: string | null;
  currentIndex: number | null;
  previousIndex: number | null;
  lowItems: { itemKey: string; score: number }[];
  ownerId: string | null;
  ownerName: string | null;
  followUpId: string | null;
  correctiveActionId: string | null;
  note: string | null;
  createdAt: string;
  closedAt: string | null;
}

export interface AlertFilter {
  status?: AlertStatus;
  customerId?: string;
  ownerId?: string;
  kind?: AlertKind;
  limit: number;
  cursor?: string;
}

const KIND_NAMES_ZH: Record<AlertKind, string> = { low_answer: '低分答卷', index_drop: '满意度下降' };
/** The owner's call is due by the end of the second working day. */
const DUE_WORKING_DAYS = 2;

function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}

/** Silent dissatisfaction: alerts on the owner's list from low answers and index drops. */
export class SatisfactionAlertsService {
  constructor(protected readonly ctx: AppContext) {}

  private async answersOf(tx: DbOrTx, responseId: string) {
    return tx
      .select({ itemKey: surveyAnswers.itemKey, score: surveyAnswers.score })
      .from(surveyAnswers)
      .where(eq(surveyAnswers.responseId, responseId));
  }

  private async nodesOf(tx: DbOrTx, versionId: string) {
    const [version] = await tx
      .select({ nodes: satisfactionModelVersions.nodes })
      .from(satisfactionModelVersions)
      .where(eq(satisfactionModelVersions.id, versionId));
    return version?.nodes ?? [];
  }

  /**
   * Runs inside the transaction that completes a response: stores the response's own index when
   * it is not set yet, and raises low_answer / index_drop alerts, each with the owner's follow-up
   * task, an in-app notice and a timeline entry. Idempotent per (response, kind).
   */
  async onResponseCompleted(tx: DbOrTx, responseId: string): Promise<SatisfactionAlert[]> {
    const [response] = await tx.select().from(surveyResponses).where(eq(surveyResponses.id, responseId));
    if (response?.status !== 'complete') return [];
    const nodes = await this.nodesOf(tx, response.versionId);
    const answers = await this.answersOf(tx, responseId);
    const exact = responseIndex(nodes, answers);
    if (response.responseIndex === null && exact !== null) {
      await tx
        .update(surveyResponses)
        .set({ responseIndex: Math.round(exact) })
        .where(eq(surveyResponses.id, responseId));
    }
    const thresholds = await getSatisfactionSettings(this.ctx, null, tx);

    // The customer's previous complete response of the same model, before this one.
    const submittedAt = response.submittedAt ?? this.ctx.now();
    const [previous] = await tx
      .select({ id: surveyResponses.id, versionId: surveyResponses.versionId })
      .from(surveyResponses)
      .where(
        and(
          eq(surveyResponses.customerId, response.customerId),
          eq(surveyResponses.modelId, response.modelId),
          eq(surveyResponses.status, 'complete'),
          ne(surveyResponses.id, response.id),
          or(
            lt(surveyResponses.submittedAt, submittedAt),
            and(eq(surveyResponses.submittedAt, submittedAt), lt(surveyResponses.id, response.id)),
          ),
        ),
      )
      .orderBy(desc(surveyResponses.submittedAt), desc(surveyResponses.id))
      .limit(1);
    let previousIndex: number | null = null;
    if (previous) {
      const prevNodes =
        previous.versionId === response.versionId ? nodes : await this.nodesOf(tx, previous.versionId);
      previousIndex = responseIndex(prevNodes, await this.answersOf(tx, previous.id));
    }
    const decisions = decideAlerts(
      {
        index: exact,
        previousIndex,
        lowItems: lowItems(nodes, answers, thresholds['satisfaction.alertItemScoreAtMost']),
      },
      {
        alertBelowIndex: thresholds['satisfaction.alertBelowIndex'],
        alertItemScoreAtMost: thresholds['satisfaction.alertItemScoreAtMost'],
        alertIndexDrop: thresholds['satisfaction.alertIndexDrop'],
      },
    );
    if (decisions.length === 0) return [];

    const [customer] = await tx
      .select({
        id: customers.id,
        name: customers.name,
        ownerId: customers.ownerId,
        teamId: customers.teamId,
      })
      .from(customers)
      .where(eq(customers.id, response.customerId));
    if (!customer) return [];
    const now = this.ctx.now();
    const created: SatisfactionAlert[] = [];
    for (const decision of decisions) {
      const [alert] = await tx
        .insert(satisfactionAlerts)
        .values({
          id: uuidv7(),
          customerId: customer.id,
          kind: decision.kind,
          status: 'open',
          responseId,
          currentIndex: round1(decision.currentIndex),
          previousIndex: round1(decision.previousIndex),
          lowItems: decision.lowItems,
          ownerId: customer.ownerId,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!alert) continue;
      const row = await this.raise(tx, alert, customer, nodes, now);
      created.push(row);
    }
    return created;
  }

  /** The owner's task, notice and the timeline entry of a new alert. */
  private async raise(
    tx: DbOrTx,
    alert: SatisfactionAlert,
    customer: { id: string; name: string; ownerId: string; teamId: string | null },
    nodes: { key: string; nameZh: string }[],
    now: Date,
  ): Promise<SatisfactionAlert> {
    const timeZone = await this.ctx.services.settings.displayTimeZone(tx);
    const calendar = await this.ctx.services.sla.calendar(tx);
    const names = new Map(nodes.map((n) => [n.key, n.nameZh]));
    const kindName = KIND_NAMES_ZH[alert.kind];
    const items = alert.lowItems.map((i) => `${names.get(i.itemKey) ?? i.itemKey} ${i.score}`).join('、');
    const summary =
      alert.kind === 'index_drop'
        ? `满意度指数 ${alert.previousIndex} → ${alert.currentIndex}`
        : `答卷指数 ${alert.currentIndex ?? '—'}${items ? `；低分项：${items}` : ''}`;
    const key = `satisfaction_alert:${alert.id}`;
    const task = await this.ctx.services.followUps.insert(
      tx,
      null,
      { id: customer.id, ownerId: customer.ownerId, teamId: customer.teamId },
      {
        assigneeId: customer.ownerId,
        contactId: null,
        kind: 'satisfaction_alert',
        title: `满意度预警（${kindName}）：${customer.name} 回访客户`,
        notes: summary,
        dueAt: endOfNthWorkingDay(calendar, now, DUE_WORKING_DAYS),
        status: 'open',
        createdBy: null,
        sourceKey: key,
      },
      timeZone,
    );
    await this.ctx.services.notifications.notify(tx, {
      userId: customer.ownerId,
      kind: 'satisfaction.alert',
      title: `满意度预警（${kindName}）：${customer.name}`,
      body: summary,
      link: '/satisfaction/alerts',
      refType: 'satisfaction_alert',
      refId: alert.id,
      sourceKey: `${key}:owner`,
    });
    // Staff only: the kind is not registered as portal-visible.
    await this.ctx.services.timeline.add(tx, {
      customerId: customer.id,
      at: now,
      kind: 'satisfaction_alert',
      refType: 'satisfaction_alert',
      refId: alert.id,
      title: `满意度预警（${kindName}）`,
      detail: {
        kind: alert.kind,
        currentIndex: alert.currentIndex,
        previousIndex: alert.previousIndex,
        summary,
      },
    });
    const [updated] = await tx
      .update(satisfactionAlerts)
      .set({ followUpId: task.id })
      .where(eq(satisfactionAlerts.id, alert.id))
      .returning();
    return updated ?? alert;
  }

  // --- reading and working the list ---------------------------------------------------------------

  private requireStaff(actor: Actor) {
    if (!isStaff(actor)) throw forbidden('Satisfaction alerts are for staff.');
  }

  /** Agents see their own customers' alerts; other staff all. */
  private scope(actor: Actor): SQL | undefined {
    return actor.role === 'agent' ? eq(customers.ownerId, actor.id) : undefined;
  }

  private selectViews(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        alert: satisfactionAlerts,
        customerName: customers.name,
        customerOwnerId: customers.ownerId,
        ownerName: users.name,
      })
      .from(satisfactionAlerts)
      .innerJoin(customers, eq(customers.id, satisfactionAlerts.customerId))
      .leftJoin(users, eq(users.id, satisfactionAlerts.ownerId));
  }

  private toView(row: {
    alert: SatisfactionAlert;
    customerName: string;
    ownerName: string | null;
  }): AlertView {
    const a = row.alert;
    return {
      id: a.id,
      customerId: a.customerId,
      customerName: row.customerName,
      kind: a.kind,
      status: a.status,
      responseId: a.responseId,
      currentIndex: a.currentIndex === null ? null : Number(a.currentIndex),
      previousIndex: a.previousIndex === null ? null : Number(a.previousIndex),
      lowItems: a.lowItems,
      ownerId: a.ownerId,
      ownerName: row.ownerName,
      followUpId: a.followUpId,
      correctiveActionId: a.correctiveActionId,
      note: a.note,
      createdAt: a.createdAt.toISOString(),
      closedAt: a.closedAt ? a.closedAt.toISOString() : null,
    };
  }

  async list(actor: Actor, filter: AlertFilter) {
    this.requireStaff(actor);
    const conditions: (SQL | undefined)[] = [this.scope(actor)];
    if (filter.status) conditions.push(eq(satisfactionAlerts.status, filter.status));
    if (filter.customerId) conditions.push(eq(satisfactionAlerts.customerId, filter.customerId));
    if (filter.ownerId) conditions.push(eq(satisfactionAlerts.ownerId, filter.ownerId));
    if (filter.kind) conditions.push(eq(satisfactionAlerts.kind, filter.kind));
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor)
      conditions.push(afterTimeCursor(satisfactionAlerts.createdAt, satisfactionAlerts.id, cursor, 'desc'));
    const rows = await this.selectViews()
      .where(and(...conditions))
      .orderBy(desc(satisfactionAlerts.createdAt), desc(satisfactionAlerts.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.alert.createdAt.toISOString(), r.alert.id]);
    return { items: page.items.map((r) => this.toView(r)), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string, db: DbOrTx = this.ctx.db): Promise<AlertView> {
    this.requireStaff(actor);
    const [row] = await this.selectViews(db)
      .where(and(eq(satisfactionAlerts.id, id), this.scope(actor)))
      .limit(1);
    if (!row) throw notFound('Satisfaction alert');
    return this.toView(row);
  }

  /** Operations users read alerts; the owner's side (agents on their own, supervisors, managers, admins) works them. */
  private requireWorker(actor: Actor) {
    if (actor.role === 'operations') throw forbidden('Operations users do not work satisfaction alerts.');
  }

  async acknowledge(actor: Actor, id: string, note?: string): Promise<AlertView> {
    this.requireStaff(actor);
    this.requireWorker(actor);
    return this.ctx.db.transaction(async (tx) => {
      const before = await this.get(actor, id, tx);
      if (before.status !== 'open') throw conflict(`The alert is ${before.status}, not open.`);
      const text = note?.trim() || null;
      await tx
        .update(satisfactionAlerts)
        .set({ status: 'acknowledged', note: text ?? before.note, updatedAt: this.ctx.now() })
        .where(and(eq(satisfactionAlerts.id, id), eq(satisfactionAlerts.status, 'open')));
      const after = await this.get(actor, id, tx);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'satisfaction_alert',
        entityId: id,
        customerId: before.customerId,
        before,
        after,
      });
      return after;
    });
  }

  async close(actor: Actor, id: string, note: string): Promise<AlertView> {
    this.requireStaff(actor);
    this.requireWorker(actor);
    const text = note.trim();
    if (!text) throw validationFailed([{ field: 'note', message: 'must not be blank' }]);
    return this.ctx.db.transaction(async (tx) => {
      const before = await this.get(actor, id, tx);
      if (before.status === 'closed') throw conflict('The alert is closed already.');
      const now = this.ctx.now();
      await tx
        .update(satisfactionAlerts)
        .set({ status: 'closed', note: text, closedAt: now, closedById: actor.id, updatedAt: now })
        .where(and(eq(satisfactionAlerts.id, id), isNull(satisfactionAlerts.closedAt)));
      const after = await this.get(actor, id, tx);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'satisfaction_alert',
        entityId: id,
        customerId: before.customerId,
        before,
        after,
      });
      return after;
    });
  }
}
