import { type SQL, and, asc, eq, getTableColumns, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, STAFF_ROLES, isStaff } from '../../domain/access.ts';
import {
  type ApprovalState,
  type CommitmentState,
  type MakerScope,
  approvalAfterChange,
  approvalRefusal,
  canApproveCommitment,
  canChangeCommitment,
  commitmentOverdueKey,
  initialApproval,
  isCommitmentOverdue,
  nearestSupervisors,
  outcomeRefusal,
} from '../../domain/commitments.ts';
import { ancestors } from '../../domain/departments.ts';
import type { AppContext } from '../../server/context.ts';
import { isUuid } from '../../server/schemas.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { type FieldProblem, conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import type { Customer } from '../customers/service.ts';
import { contacts, customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { interactions } from '../interactions/tables.ts';
import { tickets } from '../tickets/tables.ts';
import { users } from '../users/tables.ts';
import { commitments } from './tables.ts';

export type Commitment = typeof commitments.$inferSelect;

export interface CommitmentView extends Omit<Commitment, 'amount'> {
  amount: number | null;
  customerName: string;
  contactName: string | null;
  madeByName: string;
  makerDepartmentId: string | null;
  approvedByName: string | null;
  ticketNumber: string | null;
  /** The earlier promise this one replaced (renegotiation chain). */
  replacesId: string | null;
  overdue: boolean;
}

export interface CommitmentInput {
  customerId: string;
  contactId?: string | null;
  ticketId?: string | null;
  promise: string;
  madeById?: string;
  dueAt: string;
  amount?: number | null;
  bottomLine?: string | null;
  exceedsBottomLine?: boolean;
}

export interface CommitmentChanges {
  contactId?: string | null;
  ticketId?: string | null;
  promise?: string;
  dueAt?: string;
  amount?: number | null;
  bottomLine?: string | null;
  exceedsBottomLine?: boolean;
}

export interface CommitmentFilter {
  customerId?: string;
  ticketId?: string;
  status?: CommitmentState;
  madeById?: string;
  approval?: ApprovalState;
  overdue?: boolean;
  limit: number;
  cursor?: string;
}

export interface RenegotiateInput {
  promise?: string;
  dueAt: string;
  note: string;
  amount?: number | null;
  bottomLine?: string | null;
  exceedsBottomLine?: boolean;
}

export const COMMITMENT_MADE = 'commitment.made';
export const COMMITMENT_KEPT = 'commitment.kept';
export const COMMITMENT_BROKEN = 'commitment.broken';
export const COMMITMENT_RENEGOTIATED = 'commitment.renegotiated';

const maker = alias(users, 'maker');
const approver = alias(users, 'approver');
const REVIEW_COMMUNICATIONS = 5;

function trimOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function money(value: number | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return (Math.round(value * 100) / 100).toFixed(2);
}

function short(text: string, n = 60): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

/**
 * 承诺管理 (SPEC §5): promises made to customers, their approval beyond the bottom line (底线),
 * their outcome, renegotiation chains, overdue notices and the managers' review of key customers.
 */
export class CommitmentsService {
  constructor(readonly ctx: AppContext) {}

  private selectViews(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        ...getTableColumns(commitments),
        customerName: customers.name,
        contactName: contacts.name,
        madeByName: maker.name,
        makerDepartmentId: maker.departmentId,
        approvedByName: approver.name,
        ticketNumber: tickets.number,
        replacesId: sql<
          string | null
        >`(select p.id from commitments p where p.replaced_by_id = ${commitments.id} limit 1)`,
      })
      .from(commitments)
      .innerJoin(customers, eq(customers.id, commitments.customerId))
      .innerJoin(maker, eq(maker.id, commitments.madeById))
      .leftJoin(approver, eq(approver.id, commitments.approvedBy))
      .leftJoin(contacts, eq(contacts.id, commitments.contactId))
      .leftJoin(tickets, eq(tickets.id, commitments.ticketId));
  }

  private toView(row: Awaited<ReturnType<ReturnType<CommitmentsService['selectViews']>['where']>>[number]) {
    return {
      ...row,
      amount: row.amount === null ? null : Number(row.amount),
      overdue: isCommitmentOverdue(row, this.ctx.now()),
    } satisfies CommitmentView;
  }

  async view(id: string, db: DbOrTx = this.ctx.db): Promise<CommitmentView | undefined> {
    const [row] = await this.selectViews(db).where(eq(commitments.id, id));
    return row ? this.toView(row) : undefined;
  }

  /** Commitments are internal: portal users never see them (404 for an id, 403 for lists). */
  private requireStaff(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden('Commitments are internal records.');
  }

  async get(actor: Actor, id: string): Promise<CommitmentView> {
    if (!isStaff(actor) || !isUuid(id)) throw notFound('Commitment');
    const row = await this.view(id);
    if (!row) throw notFound('Commitment');
    return row;
  }

  async list(actor: Actor, filter: CommitmentFilter) {
    this.requireStaff(actor);
    const now = this.ctx.now();
    const conditions: SQL[] = [];
    if (filter.customerId) conditions.push(eq(commitments.customerId, filter.customerId));
    if (filter.ticketId) conditions.push(eq(commitments.ticketId, filter.ticketId));
    if (filter.status) conditions.push(eq(commitments.status, filter.status));
    if (filter.madeById) conditions.push(eq(commitments.madeById, filter.madeById));
    if (filter.approval) conditions.push(eq(commitments.approvalStatus, filter.approval));
    if (filter.overdue === true) {
      conditions.push(eq(commitments.status, 'open'), lt(commitments.dueAt, now));
    } else if (filter.overdue === false) {
      conditions.push(
        or(
          sql`${commitments.status} <> 'open'`,
          sql`${commitments.dueAt} >= ${now.toISOString()}::timestamptz`,
        )!,
      );
    }
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor) conditions.push(afterTimeCursor(commitments.dueAt, commitments.id, cursor, 'asc'));
    const rows = await this.selectViews()
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(asc(commitments.dueAt), asc(commitments.id))
      .limit(filter.limit + 1);
    return toPage(
      rows.map((row) => this.toView(row)),
      filter.limit,
      (r) => [r.dueAt.toISOString(), r.id],
    );
  }

  private async threshold(): Promise<number> {
    const value = Number(await this.ctx.services.settings.get('commitments.approvalThreshold'));
    return Number.isFinite(value) ? value : 5000;
  }

  private async checkTicket(
    customerId: string,
    ticketId: string | null | undefined,
    problems: FieldProblem[],
  ) {
    if (!ticketId) return;
    const [ticket] = await this.ctx.db
      .select({ customerId: tickets.customerId })
      .from(tickets)
      .where(eq(tickets.id, ticketId));
    if (!ticket || ticket.customerId !== customerId) {
      problems.push({ field: 'ticketId', message: 'is not a ticket of this customer' });
    }
  }

  private checkDue(dueAt: string, problems: FieldProblem[], field = 'dueAt'): Date {
    const due = new Date(dueAt);
    if (Number.isNaN(due.getTime())) problems.push({ field, message: 'is not a date-time' });
    else if (due.getTime() <= this.ctx.now().getTime())
      problems.push({ field, message: 'must be in the future' });
    return due;
  }

  private checkAmount(amount: number | null | undefined, problems: FieldProblem[]) {
    if (amount === undefined || amount === null) return;
    if (!Number.isFinite(amount) || amount < 0)
      problems.push({ field: 'amount', message: 'must be 0 or more' });
    else if (amount >= 1e12) problems.push({ field: 'amount', message: 'is too large' });
  }

  /** The maker (an active member of staff); recording for someone else needs to be their supervisor, a manager or an admin. */
  private async checkMaker(actor: Actor, madeById: string | undefined, problems: FieldProblem[]) {
    const id = madeById ?? actor.id;
    const [person] = await this.ctx.db
      .select({ id: users.id, role: users.role, active: users.active, departmentId: users.departmentId })
      .from(users)
      .where(eq(users.id, id));
    if (!person?.active || !STAFF_ROLES.includes(person.role)) {
      problems.push({ field: 'madeById', message: 'must be an active member of staff' });
      return undefined;
    }
    if (
      id !== actor.id &&
      !(
        actor.role === 'admin' ||
        actor.role === 'manager' ||
        (actor.role === 'supervisor' &&
          person.departmentId !== null &&
          actor.teamDepartmentIds.includes(person.departmentId))
      )
    ) {
      throw forbidden(
        'Only a supervisor of their team, a manager or an admin records a promise for someone else.',
      );
    }
    return person;
  }

  /**
   * Who supervises a person: up from their department, the first level with a head or supervisor
   * other than the person. They are told about approvals and overdue promises.
   */
  async supervisorsOf(
    userId: string,
    departmentId: string | null,
    db: DbOrTx = this.ctx.db,
  ): Promise<string[]> {
    if (!departmentId) return [];
    const tree = await db
      .select({ id: departments.id, parentId: departments.parentId, headUserId: departments.headUserId })
      .from(departments);
    const chain = [departmentId, ...ancestors(tree, departmentId)];
    const supervisors = await db
      .select({ id: users.id, departmentId: users.departmentId })
      .from(users)
      .where(and(eq(users.role, 'supervisor'), eq(users.active, true), inArray(users.departmentId, chain)));
    const headIds = tree.filter((d) => chain.includes(d.id) && d.headUserId).map((d) => d.headUserId!);
    const activeHeads = headIds.length
      ? await db
          .select({ id: users.id })
          .from(users)
          .where(and(inArray(users.id, headIds), eq(users.active, true)))
      : [];
    const active = new Set(activeHeads.map((h) => h.id));
    const candidates = [
      ...tree
        .filter((d) => chain.includes(d.id) && d.headUserId && active.has(d.headUserId))
        .map((d) => ({ id: d.headUserId!, departmentId: d.id, isHead: true })),
      ...supervisors.map((s) => ({ id: s.id, departmentId: s.departmentId!, isHead: false })),
    ];
    return nearestSupervisors(chain, candidates, userId);
  }

  async create(actor: Actor, input: CommitmentInput): Promise<CommitmentView> {
    this.requireStaff(actor);
    const customer = await this.ctx.services.customers.requireReadable(actor, input.customerId);
    this.ctx.services.customers.assertOpenFile(customer);
    const problems: FieldProblem[] = [];
    const promise = input.promise.trim();
    if (!promise) problems.push({ field: 'promise', message: 'must not be blank' });
    const dueAt = this.checkDue(input.dueAt, problems);
    this.checkAmount(input.amount, problems);
    await this.ctx.services.customers.checkContactOf(customer.id, input.contactId, problems);
    await this.checkTicket(customer.id, input.ticketId, problems);
    const person = await this.checkMaker(actor, input.madeById, problems);
    if (problems.length || !person) throw validationFailed(problems);
    const approvalStatus = initialApproval(input.amount, await this.threshold(), input.exceedsBottomLine);
    const id = uuidv7();
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(commitments)
        .values({
          id,
          customerId: customer.id,
          contactId: input.contactId ?? null,
          ticketId: input.ticketId ?? null,
          promise,
          madeById: person.id,
          dueAt,
          amount: money(input.amount),
          bottomLine: trimOrNull(input.bottomLine),
          exceedsBottomLine: input.exceedsBottomLine ?? false,
          approvalStatus,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await this.recordCreated(tx, actor, customer, row, person.departmentId);
      return (await this.view(id, tx))!;
    });
  }

  private async recordCreated(
    tx: DbOrTx,
    actor: Actor,
    customer: Customer,
    row: Commitment,
    makerDepartmentId: string | null,
  ) {
    await this.ctx.services.timeline.add(tx, {
      customerId: customer.id,
      at: row.createdAt,
      kind: COMMITMENT_MADE,
      refType: 'commitment',
      refId: row.id,
      title: `承诺：${short(row.promise)}`,
      detail: {
        promise: row.promise,
        dueAt: row.dueAt.toISOString(),
        amount: row.amount,
        madeById: row.madeById,
        approvalStatus: row.approvalStatus,
      },
      departmentId: makerDepartmentId,
      actorId: actor.id,
    });
    await this.ctx.services.audit.record(tx, actor, {
      action: 'create',
      entityType: 'commitment',
      entityId: row.id,
      customerId: row.customerId,
      after: row,
    });
    if (row.approvalStatus === 'pending') await this.askForApproval(tx, row, customer, makerDepartmentId);
  }

  private async askForApproval(
    tx: DbOrTx,
    row: Commitment,
    customer: Customer,
    makerDepartmentId: string | null,
  ) {
    const supervisors = await this.supervisorsOf(row.madeById, makerDepartmentId, tx);
    await this.ctx.services.notifications.notify(
      tx,
      supervisors.map((userId) => ({
        userId,
        kind: 'commitment.approval_requested',
        title: `承诺待审批：${customer.name}`,
        body: short(row.promise, 200),
        link: `/commitments?tab=pending&customer=${row.customerId}`,
        refType: 'commitment',
        refId: row.id,
        sourceKey: `commitment.approval:${row.id}:v${row.version}:${userId}`,
      })),
    );
  }

  private scopeOf(row: CommitmentView): MakerScope {
    return { madeById: row.madeById, makerDepartmentId: row.makerDepartmentId, createdBy: row.createdBy };
  }

  private async requireChangeable(actor: Actor, id: string): Promise<CommitmentView> {
    const before = await this.get(actor, id);
    if (!canChangeCommitment(actor, this.scopeOf(before))) {
      throw forbidden('Only the maker, their supervisor or an admin may change this promise.');
    }
    return before;
  }

  async update(
    actor: Actor,
    id: string,
    changes: CommitmentChanges,
    version: number,
  ): Promise<CommitmentView> {
    const before = await this.requireChangeable(actor, id);
    if (before.status !== 'open')
      throw conflict(`This promise is already ${before.status}; it can no longer change.`);
    const customer = await this.ctx.services.customers.requireReadable(actor, before.customerId);
    const problems: FieldProblem[] = [];
    const values: Partial<typeof commitments.$inferInsert> = {};
    if (changes.promise !== undefined) {
      values.promise = changes.promise.trim();
      if (!values.promise) problems.push({ field: 'promise', message: 'must not be blank' });
    }
    if (changes.dueAt !== undefined && new Date(changes.dueAt).getTime() !== before.dueAt.getTime()) {
      values.dueAt = this.checkDue(changes.dueAt, problems);
      values.overdueNotifiedAt = null;
    }
    if (changes.contactId !== undefined) {
      await this.ctx.services.customers.checkContactOf(customer.id, changes.contactId, problems);
      values.contactId = changes.contactId;
    }
    if (changes.ticketId !== undefined) {
      await this.checkTicket(customer.id, changes.ticketId, problems);
      values.ticketId = changes.ticketId;
    }
    if (changes.bottomLine !== undefined) values.bottomLine = trimOrNull(changes.bottomLine);
    this.checkAmount(changes.amount, problems);
    if (problems.length) throw validationFailed(problems);
    const threshold = await this.threshold();
    const amount = changes.amount !== undefined ? changes.amount : before.amount;
    if (changes.amount !== undefined) values.amount = money(changes.amount);
    const beforeExceeds = before.exceedsBottomLine;
    if (changes.exceedsBottomLine !== undefined) values.exceedsBottomLine = changes.exceedsBottomLine;
    const approvalStatus = approvalAfterChange(
      {
        approvalStatus: before.approvalStatus as ApprovalState,
        amount: before.amount,
        exceedsBottomLine: beforeExceeds,
      },
      { amount: amount ?? null, exceedsBottomLine: changes.exceedsBottomLine ?? beforeExceeds },
      threshold,
    );
    if (approvalStatus !== before.approvalStatus) {
      values.approvalStatus = approvalStatus;
      if (approvalStatus === 'pending' || approvalStatus === 'not_needed') {
        values.approvedBy = null;
        values.approvedAt = null;
        values.approvalNote = null;
      }
    }
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(commitments)
        .set({ ...values, version: before.version + 1, updatedAt: this.ctx.now() })
        .where(and(eq(commitments.id, id), eq(commitments.version, version)))
        .returning();
      if (!row) throw staleVersion(before);
      await this.ctx.services.timeline.updateRef(tx, 'commitment', id, COMMITMENT_MADE, {
        title: `承诺：${short(row.promise)}`,
        detail: {
          promise: row.promise,
          dueAt: row.dueAt.toISOString(),
          amount: row.amount,
          madeById: row.madeById,
          approvalStatus: row.approvalStatus,
        },
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'commitment',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      if (row.approvalStatus === 'pending' && before.approvalStatus !== 'pending') {
        await this.askForApproval(tx, row, customer, before.makerDepartmentId);
      }
      return (await this.view(id, tx))!;
    });
  }

  async approve(
    actor: Actor,
    id: string,
    decision: { approved: boolean; note?: string | null },
    version?: number,
  ): Promise<CommitmentView> {
    const before = await this.get(actor, id);
    if (!canApproveCommitment(actor, this.scopeOf(before))) {
      throw forbidden(
        actor.id === before.madeById || actor.id === before.createdBy
          ? 'You cannot approve your own promise, nor one you recorded: someone else approves it (four eyes).'
          : 'Only a supervisor of the maker’s team, a manager or an admin approves promises.',
      );
    }
    const refusal = approvalRefusal(before.status as CommitmentState, before.approvalStatus as ApprovalState);
    if (refusal) throw conflict(refusal);
    if (version !== undefined && version !== before.version) throw staleVersion(before);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(commitments)
        .set({
          approvalStatus: decision.approved ? 'approved' : 'rejected',
          approvedBy: actor.id,
          approvedAt: now,
          approvalNote: trimOrNull(decision.note),
          version: before.version + 1,
          updatedAt: now,
        })
        .where(
          and(
            eq(commitments.id, id),
            eq(commitments.version, before.version),
            eq(commitments.approvalStatus, 'pending'),
          ),
        )
        .returning();
      if (!row) throw staleVersion(before);
      await this.ctx.services.audit.record(tx, actor, {
        action: decision.approved ? 'approve' : 'reject',
        entityType: 'commitment',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      await this.ctx.services.notifications.notify(tx, {
        userId: row.madeById,
        kind: decision.approved ? 'commitment.approved' : 'commitment.rejected',
        title: `${decision.approved ? '承诺已批准' : '承诺被驳回'}：${before.customerName}`,
        body: row.approvalNote ?? short(row.promise, 200),
        link: `/commitments?customer=${row.customerId}`,
        refType: 'commitment',
        refId: row.id,
      });
      return (await this.view(id, tx))!;
    });
  }

  async outcome(
    actor: Actor,
    id: string,
    input: { status: 'kept' | 'broken'; note?: string | null },
    version?: number,
  ): Promise<CommitmentView> {
    const before = await this.requireChangeable(actor, id);
    const refusal = outcomeRefusal(before.status as CommitmentState, before.approvalStatus as ApprovalState);
    if (refusal) throw conflict(refusal);
    if (version !== undefined && version !== before.version) throw staleVersion(before);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(commitments)
        .set({
          status: input.status,
          outcomeNote: trimOrNull(input.note),
          resolvedAt: now,
          resolvedBy: actor.id,
          version: before.version + 1,
          updatedAt: now,
        })
        .where(
          and(
            eq(commitments.id, id),
            eq(commitments.version, before.version),
            eq(commitments.status, 'open'),
          ),
        )
        .returning();
      if (!row) throw staleVersion(before);
      await this.ctx.services.timeline.add(tx, {
        customerId: row.customerId,
        at: now,
        kind: input.status === 'kept' ? COMMITMENT_KEPT : COMMITMENT_BROKEN,
        refType: 'commitment',
        refId: row.id,
        title: `${input.status === 'kept' ? '承诺已兑现' : '承诺未兑现'}：${short(row.promise)}`,
        detail: { promise: row.promise, dueAt: row.dueAt.toISOString(), note: row.outcomeNote },
        departmentId: before.makerDepartmentId,
        actorId: actor.id,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: input.status === 'kept' ? 'keep' : 'break',
        entityType: 'commitment',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      return (await this.view(id, tx))!;
    });
  }

  /**
   * Renegotiation: the open promise becomes `renegotiated` and points to a new open promise with the
   * new date (and wording), in one transaction. The new one is checked against the bottom line again.
   */
  async renegotiate(
    actor: Actor,
    id: string,
    input: RenegotiateInput,
    version?: number,
  ): Promise<{ previous: CommitmentView; commitment: CommitmentView }> {
    const before = await this.requireChangeable(actor, id);
    if (before.status !== 'open') throw conflict(`This promise is already ${before.status}.`);
    if (version !== undefined && version !== before.version) throw staleVersion(before);
    const customer = await this.ctx.services.customers.requireReadable(actor, before.customerId);
    this.ctx.services.customers.assertOpenFile(customer);
    const problems: FieldProblem[] = [];
    const note = input.note.trim();
    if (!note) problems.push({ field: 'note', message: 'must not be blank' });
    const promise = input.promise !== undefined ? input.promise.trim() : before.promise;
    if (!promise) problems.push({ field: 'promise', message: 'must not be blank' });
    const dueAt = this.checkDue(input.dueAt, problems);
    this.checkAmount(input.amount, problems);
    if (problems.length) throw validationFailed(problems);
    const amount = input.amount !== undefined ? input.amount : before.amount;
    const threshold = await this.threshold();
    const exceedsBottomLine = input.exceedsBottomLine ?? before.exceedsBottomLine;
    const approvalStatus = initialApproval(amount, threshold, exceedsBottomLine);
    const newId = uuidv7();
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(commitments)
        .values({
          id: newId,
          customerId: before.customerId,
          contactId: before.contactId,
          ticketId: before.ticketId,
          promise,
          madeById: before.madeById,
          dueAt,
          amount: money(amount),
          bottomLine: input.bottomLine !== undefined ? trimOrNull(input.bottomLine) : before.bottomLine,
          exceedsBottomLine,
          approvalStatus,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const [old] = await tx
        .update(commitments)
        .set({
          status: 'renegotiated',
          replacedById: newId,
          outcomeNote: note,
          resolvedAt: now,
          resolvedBy: actor.id,
          version: before.version + 1,
          updatedAt: now,
        })
        .where(
          and(
            eq(commitments.id, id),
            eq(commitments.version, before.version),
            eq(commitments.status, 'open'),
          ),
        )
        .returning();
      if (!old) throw staleVersion(before);
      await this.ctx.services.timeline.add(tx, {
        customerId: before.customerId,
        at: now,
        kind: COMMITMENT_RENEGOTIATED,
        refType: 'commitment',
        refId: id,
        title: `承诺重新约定：${short(promise)}`,
        detail: {
          previousPromise: before.promise,
          previousDueAt: before.dueAt.toISOString(),
          promise,
          dueAt: dueAt.toISOString(),
          note,
          replacedById: newId,
        },
        departmentId: before.makerDepartmentId,
        actorId: actor.id,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'renegotiate',
        entityType: 'commitment',
        entityId: id,
        customerId: before.customerId,
        before: stripView(before),
        after: old,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'commitment',
        entityId: newId,
        customerId: before.customerId,
        after: created,
      });
      if (created.approvalStatus === 'pending') {
        await this.askForApproval(tx, created, customer, before.makerDepartmentId);
      }
      return { previous: (await this.view(id, tx))!, commitment: (await this.view(newId, tx))! };
    });
  }

  /**
   * Overdue sweep: open promises past their due time tell the maker and their supervisor once
   * (overdue_notified_at and the notices' source keys make repeats harmless). Returns how many were flagged.
   */
  async flagOverdue(now: Date = this.ctx.now()): Promise<number> {
    const due = await this.ctx.db
      .select({
        id: commitments.id,
        promise: commitments.promise,
        madeById: commitments.madeById,
        dueAt: commitments.dueAt,
        makerDepartmentId: maker.departmentId,
        customerName: customers.name,
      })
      .from(commitments)
      .innerJoin(maker, eq(maker.id, commitments.madeById))
      .innerJoin(customers, eq(customers.id, commitments.customerId))
      .where(
        and(
          eq(commitments.status, 'open'),
          lt(commitments.dueAt, now),
          isNull(commitments.overdueNotifiedAt),
        ),
      )
      .orderBy(asc(commitments.dueAt))
      .limit(1000);
    let flagged = 0;
    for (const row of due) {
      await this.ctx.db.transaction(async (tx) => {
        const [claimed] = await tx
          .update(commitments)
          .set({ overdueNotifiedAt: now })
          .where(and(eq(commitments.id, row.id), isNull(commitments.overdueNotifiedAt)))
          .returning({ id: commitments.id });
        if (!claimed) return;
        flagged += 1;
        const supervisors = await this.supervisorsOf(row.madeById, row.makerDepartmentId, tx);
        const people = [...new Set([row.madeById, ...supervisors])];
        await this.ctx.services.notifications.notify(
          tx,
          people.map((userId) => ({
            userId,
            kind: 'commitment.overdue',
            title: `承诺已逾期：${row.customerName}`,
            body: short(row.promise, 200),
            link: `/commitments?tab=overdue`,
            refType: 'commitment',
            refId: row.id,
            sourceKey: commitmentOverdueKey(row.id, userId),
          })),
        );
      });
    }
    return flagged;
  }

  /**
   * The managers' review page: key (A-class) customers with open promises, nearest due first, each
   * with their open promises and most recent communications (interactions and tickets).
   */
  async review(actor: Actor, filter: { limit: number; cursor?: string }) {
    if (!['supervisor', 'manager', 'admin'].includes(actor.role)) {
      throw forbidden('The commitments review is for supervisors, managers and admins.');
    }
    const cursor = decodeTimeCursor(filter.cursor);
    let after: SQL | undefined;
    if (cursor) {
      after = sql`(g.next_due_at, g.customer_id) > (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
    }
    const groups = await this.ctx.database.query<{ customer_id: string; next_due_at: Date | string }>(sql`
      select g.customer_id, g.next_due_at from (
        select c.customer_id, min(c.due_at) as next_due_at
        from commitments c
        join customers cu on cu.id = c.customer_id
        where c.status = 'open' and cu.value_class = 'A' and cu.merged_into_id is null
        group by c.customer_id
      ) g
      ${after ? sql`where ${after}` : sql``}
      order by g.next_due_at, g.customer_id
      limit ${filter.limit + 1}`);
    const page = toPage(groups, filter.limit, (g) => [new Date(g.next_due_at).toISOString(), g.customer_id]);
    const ids = page.items.map((g) => g.customer_id);
    if (!ids.length) return { items: [], nextCursor: page.nextCursor };
    const owner = alias(users, 'owner');
    const idArray = `{${ids.join(',')}}`;
    const [customerRows, promiseRows, interactionRows, ticketRows] = await Promise.all([
      this.ctx.db
        .select({
          id: customers.id,
          name: customers.name,
          valueClass: customers.valueClass,
          ownerId: customers.ownerId,
          ownerName: owner.name,
        })
        .from(customers)
        .leftJoin(owner, eq(owner.id, customers.ownerId))
        .where(inArray(customers.id, ids)),
      this.selectViews()
        .where(and(inArray(commitments.customerId, ids), eq(commitments.status, 'open')))
        .orderBy(asc(commitments.dueAt), asc(commitments.id)),
      this.ctx.database.query<{
        id: string;
        customer_id: string;
        channel: string;
        direction: string;
        summary: string;
        occurred_at: Date | string;
        user_name: string | null;
      }>(sql`
        select i.id, i.customer_id, i.channel, i.direction, i.summary, i.occurred_at, u.name as user_name
        from unnest(${idArray}::uuid[]) as k(customer_id)
        cross join lateral (
          select * from ${interactions} x where x.customer_id = k.customer_id
          order by x.occurred_at desc, x.id desc limit ${REVIEW_COMMUNICATIONS}
        ) i
        left join users u on u.id = i.user_id`),
      this.ctx.database.query<{
        id: string;
        customer_id: string;
        number: string;
        type: string;
        status: string;
        subject: string;
        created_at: Date | string;
      }>(sql`
        select t.id, t.customer_id, t.number, t.type, t.status, t.subject, t.created_at
        from unnest(${idArray}::uuid[]) as k(customer_id)
        cross join lateral (
          select * from ${tickets} x where x.customer_id = k.customer_id
          order by x.created_at desc, x.id desc limit ${REVIEW_COMMUNICATIONS}
        ) t`),
    ]);
    const byCustomer = new Map(customerRows.map((c) => [c.id, c]));
    const items = page.items.map((group) => {
      const customer = byCustomer.get(group.customer_id)!;
      return {
        customerId: customer.id,
        customerName: customer.name,
        valueClass: customer.valueClass,
        ownerId: customer.ownerId,
        ownerName: customer.ownerName,
        nextDueAt: new Date(group.next_due_at),
        commitments: promiseRows.filter((p) => p.customerId === customer.id).map((p) => this.toView(p)),
        recentInteractions: interactionRows
          .filter((i) => i.customer_id === customer.id)
          .map((i) => ({
            id: i.id,
            channel: i.channel,
            direction: i.direction,
            summary: i.summary,
            occurredAt: new Date(i.occurred_at),
            userName: i.user_name,
          })),
        recentTickets: ticketRows
          .filter((r) => r.customer_id === customer.id)
          .map((r) => ({
            id: r.id,
            number: r.number,
            type: r.type,
            status: r.status,
            subject: r.subject,
            createdAt: new Date(r.created_at),
          })),
      };
    });
    return { items, nextCursor: page.nextCursor };
  }
}

function stripView(view: CommitmentView): Record<string, unknown> {
  const {
    customerName: _c,
    contactName: _k,
    madeByName: _m,
    makerDepartmentId: _d,
    approvedByName: _a,
    ticketNumber: _t,
    replacesId: _r,
    overdue: _o,
    ...row
  } = view;
  return row;
}
