import { type SQL, and, asc, eq, getTableColumns, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import {
  type WorkOrderAction,
  type WorkOrderState,
  canSeeWorkOrder,
  formatWorkOrderNumber,
  isDepartmentMember,
  isWorkOrderOverdue,
  queueDepartmentFor,
  workOrderOverdueKey,
  workOrderRefusal,
} from '../../domain/workorders.ts';
import type { AppContext } from '../../server/context.ts';
import { isUuid } from '../../server/schemas.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { type FieldProblem, conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import { customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { tickets } from '../tickets/tables.ts';
import { users } from '../users/tables.ts';
import { type WorkOrderStatus, workOrderNotes, workOrders } from './tables.ts';

export type WorkOrder = typeof workOrders.$inferSelect;

export interface WorkOrderView extends WorkOrder {
  ticketNumber: string;
  ticketSubject: string;
  ticketStatus: string;
  ticketOwnerId: string | null;
  ticketOwnerName: string | null;
  customerName: string;
  departmentName: string;
  departmentHeadId: string | null;
  assigneeName: string | null;
  createdByName: string;
  overdue: boolean;
}

export interface WorkOrderFilter {
  departmentId?: string;
  status?: WorkOrderStatus;
  overdue?: boolean;
  ticketId?: string;
  assigneeId?: string;
  limit: number;
  cursor?: string;
}

const assignee = alias(users, 'wo_assignee');
const creator = alias(users, 'wo_creator');
const ticketOwner = alias(users, 'wo_ticket_owner');
const author = alias(users, 'wo_note_author');

function short(text: string, n = 60): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

/**
 * 派单: the ticket owner hands a piece of the work to a department with a due time and instructions;
 * the department's members accept it, add notes and return a result, which goes back onto the ticket.
 * Overdue work orders are flagged to the department head and the ticket owner once.
 */
export class WorkOrdersService {
  constructor(readonly ctx: AppContext) {}

  private selectViews(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        ...getTableColumns(workOrders),
        ticketNumber: tickets.number,
        ticketSubject: tickets.subject,
        ticketStatus: tickets.status,
        ticketOwnerId: tickets.ownerId,
        ticketOwnerName: ticketOwner.name,
        customerName: customers.name,
        departmentName: departments.name,
        departmentHeadId: departments.headUserId,
        assigneeName: assignee.name,
        createdByName: creator.name,
      })
      .from(workOrders)
      .innerJoin(tickets, eq(tickets.id, workOrders.ticketId))
      .innerJoin(customers, eq(customers.id, workOrders.customerId))
      .innerJoin(departments, eq(departments.id, workOrders.departmentId))
      .innerJoin(creator, eq(creator.id, workOrders.createdBy))
      .leftJoin(ticketOwner, eq(ticketOwner.id, tickets.ownerId))
      .leftJoin(assignee, eq(assignee.id, workOrders.assigneeId));
  }

  private toView<T extends WorkOrder>(row: T): T & { overdue: boolean } {
    return { ...row, overdue: isWorkOrderOverdue(row, this.ctx.now()) };
  }

  async view(id: string, db: DbOrTx = this.ctx.db): Promise<WorkOrderView | undefined> {
    const [row] = await this.selectViews(db).where(eq(workOrders.id, id));
    return row ? this.toView(row) : undefined;
  }

  /** The work order if the actor may see it; operations users of other departments and portal users get 404. */
  async get(actor: Actor, id: string): Promise<WorkOrderView> {
    if (actor.role === 'portal' || !isUuid(id)) throw notFound('Work order');
    const row = await this.view(id);
    if (!row || !canSeeWorkOrder(actor, row, row.departmentHeadId)) throw notFound('Work order');
    return row;
  }

  /** The owner's side of the ticket: its owner, a supervisor of the owner's team, a manager or an admin. */
  private async isTicketSide(actor: Actor, ticketId: string): Promise<boolean> {
    try {
      await this.ctx.services.tickets.requireWorkable(actor, ticketId);
      return true;
    } catch {
      return false;
    }
  }

  private refuse(action: WorkOrderAction, status: string) {
    const refusal = workOrderRefusal(action, status as WorkOrderState);
    if (refusal) throw conflict(refusal);
  }

  private async number(tx: DbOrTx, timeZone: string): Promise<string> {
    const result = await tx.execute(sql`select nextval('work_order_number_seq')::bigint as seq`);
    const [row] = (result as unknown as { rows: { seq: string | number }[] }).rows;
    return formatWorkOrderNumber(this.ctx.now(), BigInt(String(row.seq)), timeZone);
  }

  async dispatch(
    actor: Actor,
    ticketId: string,
    input: { departmentId: string; dueAt: string; instructions: string },
  ): Promise<WorkOrderView> {
    const ticket = await this.ctx.services.tickets.requireWorkable(actor, ticketId);
    if (ticket.status === 'closed')
      throw conflict('The ticket is closed; reopen it before dispatching work.');
    const problems: FieldProblem[] = [];
    const instructions = input.instructions.trim();
    if (!instructions) problems.push({ field: 'instructions', message: 'must not be blank' });
    const dueAt = new Date(input.dueAt);
    if (Number.isNaN(dueAt.getTime()) || dueAt.getTime() <= this.ctx.now().getTime()) {
      problems.push({ field: 'dueAt', message: 'must be in the future' });
    }
    const [department] = isUuid(input.departmentId)
      ? await this.ctx.db.select().from(departments).where(eq(departments.id, input.departmentId))
      : [];
    if (!department) problems.push({ field: 'departmentId', message: 'no such department' });
    if (problems.length) throw validationFailed(problems);
    const now = this.ctx.now();
    const id = uuidv7();
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    return this.ctx.db.transaction(async (tx) => {
      // Under the ticket's lock: a close that committed meanwhile already withdrew its work orders.
      const current = await this.ctx.services.tickets.lock(tx, ticket.id);
      if (current.status === 'closed')
        throw conflict('The ticket is closed; reopen it before dispatching work.');
      const number = await this.number(tx, timeZone);
      const [row] = await tx
        .insert(workOrders)
        .values({
          id,
          number,
          ticketId: ticket.id,
          customerId: ticket.customerId,
          departmentId: department.id,
          instructions,
          dueAt,
          status: 'pending',
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await this.ctx.services.tickets.addMessage(
        tx,
        ticket.id,
        'system',
        `派单 ${number} → ${department.name}（要求完成时间 ${dueAt.toISOString()}）：${instructions}`,
        actor.id,
      );
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'work_order',
        entityId: id,
        customerId: row.customerId,
        after: row,
      });
      const members = await tx
        .select({ id: users.id })
        .from(users)
        .where(
          and(eq(users.departmentId, department.id), eq(users.role, 'operations'), eq(users.active, true)),
        );
      const people = new Set(members.map((m) => m.id));
      if (department.headUserId) people.add(department.headUserId);
      people.delete(actor.id);
      await this.ctx.services.notifications.notify(
        tx,
        [...people].map((userId) => ({
          userId,
          kind: 'work_order.dispatched',
          title: `新派单 ${number}：${ticket.subject}`,
          body: short(instructions, 200),
          link: `/work-orders/${id}`,
          refType: 'work_order',
          refId: id,
          sourceKey: `work_order.dispatched:${id}:${userId}`,
        })),
      );
      return (await this.view(id, tx))!;
    });
  }

  /** Every work order of a ticket, oldest first (operations users: only their department's). */
  async listForTicket(actor: Actor, ticketId: string): Promise<WorkOrderView[]> {
    const ticket = await this.ctx.services.tickets.requireTicket(actor, ticketId);
    if (actor.role === 'portal') throw notFound('Ticket');
    const conditions: SQL[] = [eq(workOrders.ticketId, ticket.id)];
    if (actor.role === 'operations') {
      if (!actor.departmentId) return [];
      conditions.push(eq(workOrders.departmentId, actor.departmentId));
    }
    const rows = await this.selectViews()
      .where(and(...conditions))
      .orderBy(asc(workOrders.createdAt), asc(workOrders.id));
    return rows.map((row) => this.toView(row));
  }

  /** The department queue, nearest due first. Operations users always get their own department's. */
  async list(actor: Actor, filter: WorkOrderFilter) {
    const scope = queueDepartmentFor(actor, filter.departmentId);
    if ('refused' in scope) throw forbidden(scope.refused);
    const now = this.ctx.now();
    const conditions: SQL[] = [];
    if (scope.departmentId) conditions.push(eq(workOrders.departmentId, scope.departmentId));
    if (filter.status) conditions.push(eq(workOrders.status, filter.status));
    if (filter.ticketId) conditions.push(eq(workOrders.ticketId, filter.ticketId));
    if (filter.assigneeId) conditions.push(eq(workOrders.assigneeId, filter.assigneeId));
    if (filter.overdue === true) {
      conditions.push(inArray(workOrders.status, ['pending', 'accepted']), lt(workOrders.dueAt, now));
    } else if (filter.overdue === false) {
      conditions.push(
        or(
          sql`${workOrders.status} not in ('pending', 'accepted')`,
          sql`${workOrders.dueAt} >= ${now.toISOString()}::timestamptz`,
        )!,
      );
    }
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor) conditions.push(afterTimeCursor(workOrders.dueAt, workOrders.id, cursor, 'asc'));
    const rows = await this.selectViews()
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(workOrders.dueAt), asc(workOrders.id))
      .limit(filter.limit + 1);
    return toPage(
      rows.map((row) => this.toView(row)),
      filter.limit,
      (r) => [r.dueAt.toISOString(), r.id],
    );
  }

  private requireMember(actor: Actor, order: WorkOrderView, what: string) {
    if (!isDepartmentMember(actor, order, order.departmentHeadId)) {
      throw forbidden(`Only members of ${order.departmentName} may ${what} this work order.`);
    }
  }

  /** A member of the department takes the work order on; of two at once, one gets 409. */
  async accept(actor: Actor, id: string, version?: number): Promise<WorkOrderView> {
    const before = await this.get(actor, id);
    this.requireMember(actor, before, 'accept');
    this.refuse('accept', before.status);
    if (version !== undefined && version !== before.version) throw staleVersion(before);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(workOrders)
        .set({
          status: 'accepted',
          assigneeId: actor.id,
          acceptedAt: now,
          version: before.version + 1,
          updatedAt: now,
        })
        .where(
          and(
            eq(workOrders.id, id),
            eq(workOrders.version, before.version),
            eq(workOrders.status, 'pending'),
          ),
        )
        .returning();
      if (!row) throw staleVersion(await this.view(id, tx));
      await this.ctx.services.tickets.addMessage(
        tx,
        before.ticketId,
        'system',
        `派单 ${before.number} 已由 ${before.departmentName} 的 ${actor.name} 接单`,
        actor.id,
      );
      await this.ctx.services.audit.record(tx, actor, {
        action: 'accept',
        entityType: 'work_order',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      return (await this.view(id, tx))!;
    });
  }

  /** The department returns its result: done, on the ticket's conversation, and the ticket owner is told. */
  async complete(actor: Actor, id: string, result: string, version?: number): Promise<WorkOrderView> {
    const before = await this.get(actor, id);
    this.requireMember(actor, before, 'complete');
    this.refuse('complete', before.status);
    if (version !== undefined && version !== before.version) throw staleVersion(before);
    const text = result.trim();
    if (!text) throw validationFailed([{ field: 'result', message: 'must not be blank' }]);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(workOrders)
        .set({
          status: 'done',
          result: text,
          completedAt: now,
          completedBy: actor.id,
          assigneeId: before.assigneeId ?? actor.id,
          acceptedAt: before.acceptedAt ?? now,
          version: before.version + 1,
          updatedAt: now,
        })
        .where(
          and(
            eq(workOrders.id, id),
            eq(workOrders.version, before.version),
            inArray(workOrders.status, ['pending', 'accepted']),
          ),
        )
        .returning();
      if (!row) throw staleVersion(await this.view(id, tx));
      await this.ctx.services.tickets.addMessage(
        tx,
        before.ticketId,
        'system',
        `派单 ${before.number} 已完成（${before.departmentName}，${actor.name}）：${text}`,
        actor.id,
      );
      await this.ctx.services.audit.record(tx, actor, {
        action: 'complete',
        entityType: 'work_order',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      if (before.ticketOwnerId && before.ticketOwnerId !== actor.id) {
        await this.ctx.services.notifications.notify(tx, {
          userId: before.ticketOwnerId,
          kind: 'work_order.done',
          title: `派单 ${before.number} 已完成：${before.ticketSubject}`,
          body: short(text, 200),
          link: `/tickets/${before.ticketId}`,
          refType: 'work_order',
          refId: id,
          sourceKey: `work_order.done:${id}`,
        });
      }
      return (await this.view(id, tx))!;
    });
  }

  /** The ticket side withdraws the work order with a reason. */
  async cancel(actor: Actor, id: string, reason: string, version?: number): Promise<WorkOrderView> {
    const before = await this.get(actor, id);
    if (!(await this.isTicketSide(actor, before.ticketId))) {
      throw forbidden(
        'Only the ticket owner, a supervisor of their team, a manager or an admin may cancel it.',
      );
    }
    this.refuse('cancel', before.status);
    if (version !== undefined && version !== before.version) throw staleVersion(before);
    const text = reason.trim();
    if (!text) throw validationFailed([{ field: 'reason', message: 'must not be blank' }]);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(workOrders)
        .set({
          status: 'cancelled',
          cancelReason: text,
          cancelledAt: now,
          version: before.version + 1,
          updatedAt: now,
        })
        .where(
          and(
            eq(workOrders.id, id),
            eq(workOrders.version, before.version),
            inArray(workOrders.status, ['pending', 'accepted']),
          ),
        )
        .returning();
      if (!row) throw staleVersion(await this.view(id, tx));
      await this.ctx.services.tickets.addMessage(
        tx,
        before.ticketId,
        'system',
        `派单 ${before.number} 已撤销：${text}`,
        actor.id,
      );
      await this.ctx.services.audit.record(tx, actor, {
        action: 'cancel',
        entityType: 'work_order',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      if (before.assigneeId && before.assigneeId !== actor.id) {
        await this.ctx.services.notifications.notify(tx, {
          userId: before.assigneeId,
          kind: 'work_order.cancelled',
          title: `派单 ${before.number} 已撤销`,
          body: short(text, 200),
          link: `/work-orders/${id}`,
          refType: 'work_order',
          refId: id,
          sourceKey: `work_order.cancelled:${id}`,
        });
      }
      return (await this.view(id, tx))!;
    });
  }

  /**
   * Inside the closing transaction of a ticket: its pending and accepted work orders are withdrawn
   * (cancelled with the reason), so they leave the department queue, take no late result and raise
   * no overdue alarm; an assignee who was working on one is told. Returns how many were withdrawn.
   */
  async withdrawForClosedTicket(tx: DbOrTx, actor: Actor, ticketId: string): Promise<number> {
    const now = this.ctx.now();
    const reason = '工单已关闭，派单自动撤销';
    const rows = await tx
      .update(workOrders)
      .set({
        status: 'cancelled',
        cancelReason: reason,
        cancelledAt: now,
        version: sql`${workOrders.version} + 1`,
        updatedAt: now,
      })
      .where(and(eq(workOrders.ticketId, ticketId), inArray(workOrders.status, ['pending', 'accepted'])))
      .returning();
    for (const row of rows) {
      await this.ctx.services.tickets.addMessage(
        tx,
        ticketId,
        'system',
        `派单 ${row.number} 已撤销：${reason}`,
        actor.via === 'system' ? null : actor.id,
      );
      await this.ctx.services.audit.record(tx, actor, {
        action: 'cancel',
        entityType: 'work_order',
        entityId: row.id,
        customerId: row.customerId,
        after: row,
      });
      if (row.assigneeId && row.assigneeId !== actor.id) {
        await this.ctx.services.notifications.notify(tx, {
          userId: row.assigneeId,
          kind: 'work_order.cancelled',
          title: `派单 ${row.number} 已撤销`,
          body: reason,
          link: `/work-orders/${row.id}`,
          refType: 'work_order',
          refId: row.id,
          sourceKey: `work_order.cancelled:${row.id}`,
        });
      }
    }
    return rows.length;
  }

  async notes(actor: Actor, id: string) {
    const order = await this.get(actor, id);
    return this.ctx.db
      .select({ ...getTableColumns(workOrderNotes), authorName: author.name })
      .from(workOrderNotes)
      .innerJoin(author, eq(author.id, workOrderNotes.authorId))
      .where(eq(workOrderNotes.workOrderId, order.id))
      .orderBy(asc(workOrderNotes.createdAt), asc(workOrderNotes.id));
  }

  /** Notes from the department's members and the ticket side (not on cancelled work orders). */
  async addNote(actor: Actor, id: string, body: string) {
    const order = await this.get(actor, id);
    if (
      !isDepartmentMember(actor, order, order.departmentHeadId) &&
      !(await this.isTicketSide(actor, order.ticketId))
    ) {
      throw forbidden('Only the department’s members and the ticket’s owner side may add notes.');
    }
    this.refuse('note', order.status);
    const text = body.trim();
    if (!text) throw validationFailed([{ field: 'body', message: 'must not be blank' }]);
    const noteId = uuidv7();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(workOrderNotes)
        .values({ id: noteId, workOrderId: id, authorId: actor.id, body: text, createdAt: this.ctx.now() })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'work_order_note',
        entityId: noteId,
        customerId: order.customerId,
        after: row,
      });
      return { ...row, authorName: actor.name };
    });
  }

  /**
   * Overdue sweep: pending or accepted work orders past their due time tell the department head and
   * the ticket owner once (overdue_notified_at plus source keys). Returns how many were flagged.
   */
  async flagOverdue(now: Date = this.ctx.now()): Promise<number> {
    const due = await this.ctx.db
      .select({
        id: workOrders.id,
        number: workOrders.number,
        ticketId: workOrders.ticketId,
        ticketSubject: tickets.subject,
        ticketOwnerId: tickets.ownerId,
        headUserId: departments.headUserId,
        departmentName: departments.name,
        dueAt: workOrders.dueAt,
      })
      .from(workOrders)
      .innerJoin(tickets, eq(tickets.id, workOrders.ticketId))
      .innerJoin(departments, eq(departments.id, workOrders.departmentId))
      .where(
        and(
          inArray(workOrders.status, ['pending', 'accepted']),
          lt(workOrders.dueAt, now),
          isNull(workOrders.overdueNotifiedAt),
        ),
      )
      .orderBy(asc(workOrders.dueAt))
      .limit(1000);
    let flagged = 0;
    for (const row of due) {
      await this.ctx.db.transaction(async (tx) => {
        const [claimed] = await tx
          .update(workOrders)
          .set({ overdueNotifiedAt: now })
          .where(and(eq(workOrders.id, row.id), isNull(workOrders.overdueNotifiedAt)))
          .returning({ id: workOrders.id });
        if (!claimed) return;
        flagged += 1;
        const people = [...new Set([row.headUserId, row.ticketOwnerId].filter((u): u is string => !!u))];
        await this.ctx.services.notifications.notify(
          tx,
          people.map((userId) => ({
            userId,
            kind: 'work_order.overdue',
            title: `派单已逾期 ${row.number}（${row.departmentName}）`,
            body: row.ticketSubject,
            link: `/work-orders/${row.id}`,
            refType: 'work_order',
            refId: row.id,
            sourceKey: workOrderOverdueKey(row.id, userId),
          })),
        );
      });
    }
    return flagged;
  }
}

function stripView(view: WorkOrderView): WorkOrder {
  const {
    ticketNumber: _n,
    ticketSubject: _s,
    ticketStatus: _st,
    ticketOwnerId: _o,
    ticketOwnerName: _on,
    customerName: _c,
    departmentName: _d,
    departmentHeadId: _h,
    assigneeName: _a,
    createdByName: _cb,
    overdue: _ov,
    ...row
  } = view;
  return row;
}
