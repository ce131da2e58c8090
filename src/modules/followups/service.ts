import {
  type SQL,
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  lt,
  lte,
  ne,
  not,
  or,
  sql,
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, type CustomerScope, STAFF_ROLES, isStaff } from '../../domain/access.ts';
import {
  type CalendarDate,
  DEFAULT_PLAN_INTERVALS,
  type ImportantDateInput,
  canCreateFollowUp,
  canManageFollowUp,
  canViewTeam,
  canViewWorkOf,
  canWorkOnFollowUp,
  compareDates,
  dayRange,
  daysBetween,
  formatDate,
  greetingDue,
  greetingSourceKey,
  greetingTitle,
  intervalName,
  isOverdue,
  isPeriodicDue,
  localDateOf,
  monthDaysWithin,
  nextPeriodicDue,
  occurrencesWithin,
  parseDate,
  parseImportantDate,
  periodicSourceKey,
} from '../../domain/followups.ts';
import type { AppContext } from '../../server/context.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import type { Customer } from '../customers/service.ts';
import { VALUE_CLASSES, contacts, customers } from '../customers/tables.ts';
import type { InteractionInput } from '../interactions/service.ts';
import { users } from '../users/tables.ts';
import type { FOLLOW_UP_KINDS, FOLLOW_UP_STATUSES } from './tables.ts';
import { followUpPlans, followUps } from './tables.ts';
import {
  followUpCancelledEvent,
  followUpCompletedEvent,
  followUpCreatedEvent,
  followUpReopenedEvent,
} from './timeline.ts';

export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export type FollowUp = typeof followUps.$inferSelect;
export type FollowUpPlan = typeof followUpPlans.$inferSelect;

export interface FollowUpView extends FollowUp {
  customerName: string;
  contactName: string | null;
  assigneeName: string;
  overdue: boolean;
}

/** A row with what the access rules need about its assignee. */
interface ScopedRow extends Omit<FollowUpView, 'overdue'> {
  assigneeDepartmentId: string | null;
}

export interface NewFollowUp {
  title: string;
  dueAt: string;
  assigneeId?: string;
  contactId?: string | null;
  kind?: FollowUpKind;
  notes?: string | null;
}

export interface FollowUpChanges {
  title?: string;
  dueAt?: string;
  assigneeId?: string;
  contactId?: string | null;
  kind?: FollowUpKind;
  notes?: string | null;
}

export interface FollowUpFilter {
  assigneeId?: string;
  teamId?: string;
  customerId?: string;
  contactId?: string;
  status?: FollowUpStatus;
  kind?: FollowUpKind;
  overdue?: boolean;
  dueFrom?: string;
  dueTo?: string;
  order?: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

export interface CompleteInput {
  result: string;
  interaction?: Partial<InteractionInput> & { channel: InteractionInput['channel'] };
}

type PreparedFollowUp = Omit<typeof followUps.$inferInsert, 'id' | 'customerId'>;

/** Generators read and write this many customers (or contacts) per statement. */
const BATCH = 1000;
/** Greetings are generated this many days beyond the lead time, so a missed run catches up. */
const GREETING_LOOKAHEAD_DAYS = 7;
/** Longest calendar range one request may ask for (a month view with its edges). */
const MAX_CALENDAR_DAYS = 62;
const CALENDAR_LIMIT = 2000;
const TODAY_LIST_LIMIT = 200;

const assignee = alias(users, 'assignee');

function trimOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

/**
 * Follow-up tasks (回访/跟进任务): manual next steps, periodic visits by value class, greetings on
 * contacts' important dates and (later) visits after deliveries and complaints — one task queue per
 * person with a "today" list, a calendar and per-team statistics.
 */
export class FollowUpsService {
  constructor(readonly ctx: AppContext) {}

  // --- reading ------------------------------------------------------------------------------------

  private selectRows(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        ...getTableColumns(followUps),
        customerName: customers.name,
        contactName: contacts.name,
        assigneeName: assignee.name,
        assigneeDepartmentId: assignee.departmentId,
      })
      .from(followUps)
      .innerJoin(customers, eq(customers.id, followUps.customerId))
      .innerJoin(assignee, eq(assignee.id, followUps.assigneeId))
      .leftJoin(contacts, eq(contacts.id, followUps.contactId));
  }

  private toView(row: ScopedRow): FollowUpView {
    const { assigneeDepartmentId: _d, ...rest } = row;
    return { ...rest, overdue: isOverdue(row, this.ctx.now()) };
  }

  private async row(id: string, db: DbOrTx = this.ctx.db): Promise<ScopedRow | undefined> {
    const [row] = await this.selectRows(db).where(eq(followUps.id, id));
    return row;
  }

  async view(id: string, db: DbOrTx = this.ctx.db): Promise<FollowUpView> {
    const row = await this.row(id, db);
    if (!row) throw notFound('Follow-up');
    return this.toView(row);
  }

  /** Follow-ups are internal work: portal users never see them. */
  private requireStaff(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden('Follow-ups are internal records.');
  }

  /** The display time zone (setting `display.timeZone`), falling back to the configured one. */

  async get(actor: Actor, id: string): Promise<FollowUpView> {
    if (!isStaff(actor)) throw notFound('Follow-up');
    const row = await this.row(id);
    if (!row) throw notFound('Follow-up');
    await this.ctx.services.customers.requireReadable(actor, row.customerId);
    return this.toView(row);
  }

  async listForCustomer(
    actor: Actor,
    customerId: string,
    filter: Pick<FollowUpFilter, 'status' | 'kind' | 'overdue' | 'order' | 'limit' | 'cursor'>,
  ) {
    await this.ctx.services.customers.requireReadable(actor, customerId);
    this.requireStaff(actor);
    return this.page([eq(followUps.customerId, customerId)], { order: 'desc', ...filter });
  }

  /**
   * The task list. Agents and operations users see their own tasks unless they ask for someone,
   * a team or a customer; every staff member may read any task (all staff read every file).
   */
  async list(actor: Actor, filter: FollowUpFilter) {
    this.requireStaff(actor);
    const conditions: SQL[] = [];
    let assigneeId = filter.assigneeId;
    if (
      !assigneeId &&
      !filter.teamId &&
      !filter.customerId &&
      (actor.role === 'agent' || actor.role === 'operations')
    ) {
      assigneeId = actor.id;
    }
    if (assigneeId) conditions.push(eq(followUps.assigneeId, assigneeId));
    if (filter.teamId)
      conditions.push(inArray(followUps.assigneeId, await this.teamMemberIds(filter.teamId)));
    if (filter.customerId) conditions.push(eq(followUps.customerId, filter.customerId));
    if (filter.contactId) conditions.push(eq(followUps.contactId, filter.contactId));
    return this.page(conditions, filter);
  }

  private async teamMemberIds(teamId: string): Promise<string[]> {
    const departmentIds = await this.ctx.services.departments.subtreeIds(teamId);
    if (!departmentIds.length) return [];
    const members = await this.ctx.db
      .select({ id: users.id })
      .from(users)
      .where(inArray(users.departmentId, departmentIds));
    return members.map((m) => m.id);
  }

  private async page(conditions: SQL[], filter: Omit<FollowUpFilter, 'assigneeId' | 'teamId'>) {
    const now = this.ctx.now();
    if (filter.status) conditions.push(eq(followUps.status, filter.status));
    if (filter.kind) conditions.push(eq(followUps.kind, filter.kind));
    const overdue = and(eq(followUps.status, 'open'), lt(followUps.dueAt, now))!;
    if (filter.overdue === true) conditions.push(overdue);
    if (filter.overdue === false) conditions.push(not(overdue));
    if (filter.dueFrom) conditions.push(gte(followUps.dueAt, new Date(filter.dueFrom)));
    if (filter.dueTo) conditions.push(lte(followUps.dueAt, new Date(filter.dueTo)));
    const descending = filter.order === 'desc';
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor) {
      conditions.push(afterTimeCursor(followUps.dueAt, followUps.id, cursor, descending ? 'desc' : 'asc'));
    }
    const direction = descending ? desc : asc;
    const rows = await this.selectRows()
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(direction(followUps.dueAt), direction(followUps.id))
      .limit(filter.limit + 1);
    return toPage(
      rows.map((r) => this.toView(r)),
      filter.limit,
      (r) => [r.dueAt.toISOString(), r.id],
    );
  }

  // --- creating -----------------------------------------------------------------------------------

  private async person(id: string) {
    const [person] = await this.ctx.db
      .select({
        id: users.id,
        name: users.name,
        role: users.role,
        active: users.active,
        departmentId: users.departmentId,
      })
      .from(users)
      .where(eq(users.id, id));
    return person;
  }

  /**
   * Checks a new task against the customer and the actor's rights and returns its row values. The
   * assignee defaults to the customer's owner; an operations user who is not an editor gets the
   * task themselves.
   */
  async prepare(actor: Actor, customer: Customer, input: NewFollowUp): Promise<PreparedFollowUp> {
    const problems: { field: string; message: string }[] = [];
    const title = input.title.trim();
    if (!title) problems.push({ field: 'title', message: 'must not be blank' });
    const defaultAssignee =
      actor.role === 'operations' && customer.ownerId !== actor.id ? actor.id : customer.ownerId;
    const assigneeId = input.assigneeId ?? defaultAssignee;
    const person = await this.person(assigneeId);
    if (!person || !STAFF_ROLES.includes(person.role) || !person.active) {
      problems.push({ field: 'assigneeId', message: 'must be an active staff user' });
    }
    await this.checkContact(customer.id, input.contactId, problems);
    if (problems.length) throw validationFailed(problems);
    if (!canCreateFollowUp(actor, customer, person!)) {
      throw forbidden('Only the owner, their supervisor or an admin may plan follow-ups on this customer.');
    }
    return {
      assigneeId,
      contactId: input.contactId ?? null,
      kind: input.kind ?? 'manual',
      title,
      notes: trimOrNull(input.notes),
      dueAt: new Date(input.dueAt),
      status: 'open',
      createdBy: actor.id,
    };
  }

  private async checkContact(
    customerId: string,
    contactId: string | null | undefined,
    problems: { field: string; message: string }[],
  ) {
    const contact = await this.ctx.services.customers.checkContactOf(customerId, contactId, problems);
    // A follow-up is a plan to reach this person, who asked not to be contacted.
    if (contact?.doNotContact) {
      problems.push({ field: 'contactId', message: 'asked not to be contacted (do-not-contact)' });
    }
  }

  /**
   * Inserts a prepared task with its timeline entry and audit record, inside `tx`. The time zone is
   * read before the transaction: on PGlite a query outside `tx` would wait for it forever.
   */
  async insert(
    tx: DbOrTx,
    actor: Actor | null,
    customer: CustomerScope,
    values: PreparedFollowUp,
    timeZone: string,
  ): Promise<FollowUpView> {
    const [row] = await tx
      .insert(followUps)
      .values({ ...values, id: uuidv7(), customerId: customer.id })
      .returning();
    await this.recordCreated(tx, actor, [row], timeZone);
    return this.view(row.id, tx);
  }

  private async recordCreated(
    tx: DbOrTx,
    actor: Actor | null,
    rows: FollowUp[],
    timeZone: string,
  ): Promise<void> {
    await this.ctx.services.timeline.addMany(
      tx,
      rows.map((row) =>
        followUpCreatedEvent(row, { at: row.createdAt, actorId: actor?.id ?? null }, timeZone),
      ),
    );
    await this.ctx.services.audit.recordMany(
      tx,
      actor,
      rows.map((row) => ({
        action: 'create',
        entityType: 'follow_up',
        entityId: row.id,
        customerId: row.customerId,
        after: row,
      })),
    );
  }

  /**
   * When a customer changes owner, the new owner inherits the previous owner's open tasks on it, or
   * they would be orphaned on a colleague's list. Runs inside the transfer's transaction.
   */
  async handOverOpenTasks(
    tx: DbOrTx,
    move: { customerId: string; fromUserId: string; toUserId: string; at: Date },
  ): Promise<number> {
    const moved = await tx
      .update(followUps)
      .set({ assigneeId: move.toUserId, version: sql`${followUps.version} + 1`, updatedAt: move.at })
      .where(
        and(
          eq(followUps.customerId, move.customerId),
          eq(followUps.assigneeId, move.fromUserId),
          eq(followUps.status, 'open'),
        ),
      )
      .returning({ id: followUps.id });
    return moved.length;
  }

  async create(actor: Actor, customerId: string, input: NewFollowUp): Promise<FollowUpView> {
    const customer = await this.ctx.services.customers.requireReadable(actor, customerId);
    this.requireStaff(actor);
    this.ctx.services.customers.assertOpenFile(customer);
    const values = await this.prepare(actor, customer, input);
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    return this.ctx.db.transaction((tx) => this.insert(tx, actor, customer, values, timeZone));
  }

  // --- changing -----------------------------------------------------------------------------------

  /** The task and its customer when the actor may work on it (assignee, editors, supervisors). */
  private async requireWorkable(actor: Actor, id: string) {
    const row = await this.row(id);
    if (!row || !isStaff(actor)) throw notFound('Follow-up');
    const customer = await this.ctx.services.customers.requireReadable(actor, row.customerId);
    const scope = { assigneeId: row.assigneeId, assigneeDepartmentId: row.assigneeDepartmentId };
    if (!canWorkOnFollowUp(actor, customer, scope)) {
      throw forbidden('Only the assignee, the customer’s editors or the assignee’s supervisor may do this.');
    }
    return { row, customer, manager: canManageFollowUp(actor, customer, scope) };
  }

  /** Applies a conditional update; no row means a stale version or a task no longer in that state. */
  private async transition(
    tx: DbOrTx,
    row: ScopedRow,
    set: Partial<typeof followUps.$inferInsert>,
    version: number | undefined,
    requiredStatus: FollowUpStatus | FollowUpStatus[],
  ): Promise<FollowUp> {
    const statuses = Array.isArray(requiredStatus) ? requiredStatus : [requiredStatus];
    const conditions = [eq(followUps.id, row.id), inArray(followUps.status, statuses)];
    conditions.push(eq(followUps.version, version ?? row.version));
    const [updated] = await tx
      .update(followUps)
      .set({ ...set, version: row.version + 1, updatedAt: this.ctx.now() })
      .where(and(...conditions))
      .returning();
    if (updated) return updated;
    const [current] = await tx.select().from(followUps).where(eq(followUps.id, row.id));
    if (current && version !== undefined && current.version !== version) throw staleVersion(current);
    if (current && !statuses.includes(current.status as FollowUpStatus)) {
      throw conflict(`The follow-up is ${current.status}.`, { currentStatus: current.status });
    }
    throw staleVersion(current);
  }

  async update(actor: Actor, id: string, changes: FollowUpChanges, version: number): Promise<FollowUpView> {
    const { row, customer, manager } = await this.requireWorkable(actor, id);
    if (row.version !== version) throw staleVersion(this.toView(row));
    if (row.status !== 'open') {
      throw conflict(`The follow-up is ${row.status}; reopen it to change it.`, {
        currentStatus: row.status,
      });
    }
    const problems: { field: string; message: string }[] = [];
    const set: Partial<typeof followUps.$inferInsert> = {};
    if (changes.title !== undefined) {
      set.title = changes.title.trim();
      if (!set.title) problems.push({ field: 'title', message: 'must not be blank' });
    }
    if (changes.dueAt !== undefined) set.dueAt = new Date(changes.dueAt);
    if (changes.notes !== undefined) set.notes = trimOrNull(changes.notes);
    if (changes.kind !== undefined) set.kind = changes.kind;
    if (changes.contactId !== undefined) {
      await this.checkContact(row.customerId, changes.contactId, problems);
      set.contactId = changes.contactId;
    }
    if (changes.assigneeId !== undefined && changes.assigneeId !== row.assigneeId) {
      const person = await this.person(changes.assigneeId);
      if (!person || !STAFF_ROLES.includes(person.role) || !person.active) {
        problems.push({ field: 'assigneeId', message: 'must be an active staff user' });
      } else if (!manager && !canCreateFollowUp(actor, customer, person)) {
        throw forbidden('Only the customer’s editors or a supervisor may hand this task to someone else.');
      }
      set.assigneeId = changes.assigneeId;
    }
    if (problems.length) throw validationFailed(problems);
    return this.ctx.db.transaction(async (tx) => {
      const updated = await this.transition(tx, row, set, version, 'open');
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'follow_up',
        entityId: id,
        customerId: row.customerId,
        before: this.stripRow(row),
        after: updated,
      });
      return this.view(id, tx);
    });
  }

  /**
   * Completes a task with its result; with `interaction` the contact is logged at once (by the
   * actor, linked to the task). The assignee may do this even without edit rights on the file.
   */
  async complete(actor: Actor, id: string, input: CompleteInput, version: number): Promise<FollowUpView> {
    const { row, customer } = await this.requireWorkable(actor, id);
    const result = input.result.trim();
    if (!result) throw validationFailed([{ field: 'result', message: 'must not be blank' }]);
    const interactionValues = input.interaction
      ? await this.ctx.services.interactions.validate(customer, {
          channel: input.interaction.channel,
          direction: input.interaction.direction ?? 'outbound',
          summary: input.interaction.summary?.trim() || `${row.title}：${result}`,
          outcome: input.interaction.outcome,
          nextStep: input.interaction.nextStep,
          contactId: input.interaction.contactId !== undefined ? input.interaction.contactId : row.contactId,
          occurredAt: input.interaction.occurredAt,
          departmentId: actor.departmentId,
        })
      : undefined;
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      let interactionId: string | null = null;
      if (interactionValues) {
        const logged = await this.ctx.services.interactions.insert(tx, actor, {
          ...interactionValues,
          id: uuidv7(),
          customerId: row.customerId,
          userId: actor.id,
        });
        interactionId = logged.id;
      }
      const updated = await this.transition(
        tx,
        row,
        { status: 'done', result, completedAt: now, completedBy: actor.id, interactionId },
        version,
        'open',
      );
      await this.ctx.services.timeline.add(
        tx,
        followUpCompletedEvent(
          row,
          { at: now, actorId: actor.id, departmentId: actor.departmentId },
          { result, interactionId },
        ),
      );
      await this.ctx.services.audit.record(tx, actor, {
        action: 'complete',
        entityType: 'follow_up',
        entityId: id,
        customerId: row.customerId,
        before: this.stripRow(row),
        after: updated,
      });
      return this.view(id, tx);
    });
  }

  async cancel(actor: Actor, id: string, reason: string, version?: number): Promise<FollowUpView> {
    const { row } = await this.requireWorkable(actor, id);
    const why = reason.trim();
    if (!why) throw validationFailed([{ field: 'reason', message: 'must not be blank' }]);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const updated = await this.transition(
        tx,
        row,
        { status: 'cancelled', cancelledAt: now, cancelledBy: actor.id, cancelReason: why },
        version,
        'open',
      );
      await this.ctx.services.timeline.add(
        tx,
        followUpCancelledEvent(row, { at: now, actorId: actor.id, departmentId: actor.departmentId }, why),
      );
      await this.ctx.services.audit.record(tx, actor, {
        action: 'cancel',
        entityType: 'follow_up',
        entityId: id,
        customerId: row.customerId,
        before: this.stripRow(row),
        after: updated,
      });
      return this.view(id, tx);
    });
  }

  /** Reopens a done or cancelled task (optionally with a new due time); the old result stays in the audit log. */
  async reopen(actor: Actor, id: string, input: { dueAt?: string }, version?: number): Promise<FollowUpView> {
    const { row } = await this.requireWorkable(actor, id);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const updated = await this.transition(
        tx,
        row,
        {
          status: 'open',
          dueAt: input.dueAt ? new Date(input.dueAt) : row.dueAt,
          result: null,
          completedAt: null,
          completedBy: null,
          interactionId: null,
          cancelledAt: null,
          cancelledBy: null,
          cancelReason: null,
        },
        version,
        ['done', 'cancelled'],
      );
      await this.ctx.services.timeline.add(
        tx,
        followUpReopenedEvent(
          updated,
          { at: now, actorId: actor.id, departmentId: actor.departmentId },
          row.status,
        ),
      );
      await this.ctx.services.audit.record(tx, actor, {
        action: 'reopen',
        entityType: 'follow_up',
        entityId: id,
        customerId: row.customerId,
        before: this.stripRow(row),
        after: updated,
      });
      return this.view(id, tx);
    });
  }

  private stripRow(row: ScopedRow): FollowUp {
    const { customerName: _c, contactName: _k, assigneeName: _a, assigneeDepartmentId: _d, ...rest } = row;
    return rest;
  }

  // --- today, calendar, statistics ---------------------------------------------------------------

  /** Whose work is asked for: the actor, or someone they may oversee. */
  private async overseen(actor: Actor, assigneeId: string | undefined) {
    this.requireStaff(actor);
    if (!assigneeId || assigneeId === actor.id) return { id: actor.id, departmentId: actor.departmentId };
    const person = await this.person(assigneeId);
    if (!person || !STAFF_ROLES.includes(person.role)) throw notFound('User');
    if (!canViewWorkOf(actor, person)) throw forbidden('You may see the tasks of your own team only.');
    return person;
  }

  /** Overdue tasks, tasks still due today and what was done today, for one person. */
  async today(actor: Actor, assigneeId?: string) {
    const person = await this.overseen(actor, assigneeId);
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    const now = this.ctx.now();
    const today = localDateOf(now, timeZone);
    const { start, end } = dayRange(today, today, timeZone);
    const mine = eq(followUps.assigneeId, person.id);
    const open = eq(followUps.status, 'open');
    const list = (condition: SQL, order: SQL) =>
      this.selectRows().where(and(mine, condition)).orderBy(order, asc(followUps.id)).limit(TODAY_LIST_LIMIT);
    const [overdue, dueToday, doneToday, [counts]] = await Promise.all([
      list(and(open, lt(followUps.dueAt, now))!, asc(followUps.dueAt)),
      list(and(open, gte(followUps.dueAt, now), lt(followUps.dueAt, end))!, asc(followUps.dueAt)),
      list(
        and(eq(followUps.status, 'done'), gte(followUps.completedAt, start), lt(followUps.completedAt, end))!,
        desc(followUps.completedAt),
      ),
      this.ctx.db
        .select({
          overdue: sql<number>`count(*) filter (where ${followUps.status} = 'open' and ${followUps.dueAt} < ${now})`,
          dueToday: sql<number>`count(*) filter (where ${followUps.status} = 'open' and ${followUps.dueAt} >= ${now} and ${followUps.dueAt} < ${end})`,
          doneToday: sql<number>`count(*) filter (where ${followUps.status} = 'done' and ${followUps.completedAt} >= ${start} and ${followUps.completedAt} < ${end})`,
        })
        .from(followUps)
        .where(and(mine, or(open, gte(followUps.completedAt, start)))),
    ]);
    return {
      date: formatDate(today),
      timeZone,
      assigneeId: person.id,
      overdue: overdue.map((r) => this.toView(r)),
      dueToday: dueToday.map((r) => this.toView(r)),
      doneToday: doneToday.map((r) => this.toView(r)),
      counts: {
        overdue: Number(counts.overdue),
        dueToday: Number(counts.dueToday),
        doneToday: Number(counts.doneToday),
      },
    };
  }

  private parseRange(
    fromText: string,
    toText: string,
    maxDays?: number,
  ): { from: CalendarDate; to: CalendarDate } {
    const from = parseDate(fromText);
    const to = parseDate(toText);
    const problems: { field: string; message: string }[] = [];
    if (!from) problems.push({ field: 'from', message: 'must be a date YYYY-MM-DD' });
    if (!to) problems.push({ field: 'to', message: 'must be a date YYYY-MM-DD' });
    if (from && to && compareDates(to, from) < 0)
      problems.push({ field: 'to', message: 'must not be before from' });
    if (from && to && maxDays && daysBetween(from, to) + 1 > maxDays) {
      problems.push({ field: 'to', message: `the range may cover at most ${maxDays} days` });
    }
    if (problems.length) throw validationFailed(problems);
    return { from: from!, to: to! };
  }

  /** Tasks due in a date range (a month view) for a person or a team; cancelled ones only when asked. */
  async calendar(
    actor: Actor,
    query: { from: string; to: string; assigneeId?: string; teamId?: string; status?: FollowUpStatus },
  ) {
    this.requireStaff(actor);
    const { from, to } = this.parseRange(query.from, query.to, MAX_CALENDAR_DAYS);
    const conditions: SQL[] = [];
    if (query.teamId) {
      if (!canViewTeam(actor, query.teamId))
        throw forbidden('You may see the calendar of your own team only.');
      conditions.push(inArray(followUps.assigneeId, await this.teamMemberIds(query.teamId)));
    }
    if (query.assigneeId || !query.teamId) {
      const person = await this.overseen(actor, query.assigneeId);
      conditions.push(eq(followUps.assigneeId, person.id));
    }
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    const { start, end } = dayRange(from, to, timeZone);
    conditions.push(gte(followUps.dueAt, start), lt(followUps.dueAt, end));
    conditions.push(query.status ? eq(followUps.status, query.status) : ne(followUps.status, 'cancelled'));
    const rows = await this.selectRows()
      .where(and(...conditions))
      .orderBy(asc(followUps.dueAt), asc(followUps.id))
      .limit(CALENDAR_LIMIT + 1);
    return {
      from: formatDate(from),
      to: formatDate(to),
      timeZone,
      items: rows.slice(0, CALENDAR_LIMIT).map((r) => this.toView(r)),
      truncated: rows.length > CALENDAR_LIMIT,
    };
  }

  /**
   * Per assignee: open, overdue and due-today tasks now, and tasks done in the period (on time or
   * not). Supervisors see their team; managers and admins any team or everyone.
   */
  async stats(actor: Actor, query: { teamId?: string; from?: string; to?: string }) {
    this.requireStaff(actor);
    if (actor.role !== 'supervisor' && actor.role !== 'manager' && actor.role !== 'admin') {
      throw forbidden('Team statistics are for supervisors, managers and admins.');
    }
    const teamId =
      query.teamId ?? (actor.role === 'supervisor' ? (actor.departmentId ?? undefined) : undefined);
    if (actor.role === 'supervisor' && !teamId) throw forbidden('You have no team.');
    if (teamId && !canViewTeam(actor, teamId))
      throw forbidden('You may see the statistics of your own team only.');
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    const now = this.ctx.now();
    const today = localDateOf(now, timeZone);
    const { from, to } = this.parseRange(
      query.from ?? formatDate({ ...today, day: 1 }),
      query.to ?? formatDate(today),
    );
    const period = dayRange(from, to, timeZone);
    const day = dayRange(today, today, timeZone);
    // Every member, active or not: tasks left with someone who has gone still count for the team.
    const members = teamId
      ? await this.ctx.db
          .select({
            id: users.id,
            name: users.name,
            departmentId: users.departmentId,
            role: users.role,
            active: users.active,
          })
          .from(users)
          .where(inArray(users.departmentId, await this.ctx.services.departments.subtreeIds(teamId)))
      : [];
    const doneInPeriod = and(
      eq(followUps.status, 'done'),
      gte(followUps.completedAt, period.start),
      lt(followUps.completedAt, period.end),
    );
    const conditions: SQL[] = [or(eq(followUps.status, 'open'), doneInPeriod)!];
    // A team without members has no tasks (inArray of nothing is false).
    if (teamId)
      conditions.push(
        inArray(
          followUps.assigneeId,
          members.map((m) => m.id),
        ),
      );
    const rows = await this.ctx.db
      .select({
        assigneeId: followUps.assigneeId,
        assigneeName: assignee.name,
        departmentId: assignee.departmentId,
        open: sql<number>`count(*) filter (where ${followUps.status} = 'open')`,
        overdue: sql<number>`count(*) filter (where ${followUps.status} = 'open' and ${followUps.dueAt} < ${now})`,
        dueToday: sql<number>`count(*) filter (where ${followUps.status} = 'open' and ${followUps.dueAt} >= ${day.start} and ${followUps.dueAt} < ${day.end})`,
        done: sql<number>`count(*) filter (where ${doneInPeriod})`,
        doneOnTime: sql<number>`count(*) filter (where ${doneInPeriod} and ${followUps.completedAt} <= ${followUps.dueAt})`,
      })
      .from(followUps)
      .innerJoin(assignee, eq(assignee.id, followUps.assigneeId))
      .where(and(...conditions))
      .groupBy(followUps.assigneeId, assignee.name, assignee.departmentId);
    const counted = new Map(rows.map((r) => [r.assigneeId, r]));
    const items = rows.map((r) => ({
      assigneeId: r.assigneeId,
      assigneeName: r.assigneeName,
      departmentId: r.departmentId,
      open: Number(r.open),
      overdue: Number(r.overdue),
      dueToday: Number(r.dueToday),
      done: Number(r.done),
      doneOnTime: Number(r.doneOnTime),
    }));
    // Team members without any task are listed too: an empty queue is information for a supervisor.
    for (const member of members) {
      if (member.role === 'portal' || !member.active || counted.has(member.id)) continue;
      items.push({
        assigneeId: member.id,
        assigneeName: member.name,
        departmentId: member.departmentId,
        open: 0,
        overdue: 0,
        dueToday: 0,
        done: 0,
        doneOnTime: 0,
      });
    }
    items.sort(
      (a, b) => b.overdue - a.overdue || b.open - a.open || a.assigneeName.localeCompare(b.assigneeName),
    );
    const totals = { open: 0, overdue: 0, dueToday: 0, done: 0, doneOnTime: 0 };
    for (const item of items) {
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += item[key];
    }
    return { from: formatDate(from), to: formatDate(to), timeZone, items, totals };
  }

  // --- plans and settings -------------------------------------------------------------------------

  /** The default plans (A monthly, B quarterly, C half-yearly) exist once anyone looks at them. */
  private async ensurePlans(): Promise<void> {
    await this.ctx.db
      .insert(followUpPlans)
      .values(
        VALUE_CLASSES.map((valueClass) => ({
          valueClass,
          intervalMonths: DEFAULT_PLAN_INTERVALS[valueClass],
        })),
      )
      .onConflictDoNothing();
  }

  async listPlans(actor: Actor) {
    this.requireStaff(actor);
    await this.ensurePlans();
    const items = await this.ctx.db.select().from(followUpPlans).orderBy(asc(followUpPlans.valueClass));
    return { items, greetingLeadDays: await this.greetingLeadDays() };
  }

  async updatePlan(
    actor: Actor,
    valueClass: string,
    input: { intervalMonths: number; enabled: boolean },
    version: number,
  ): Promise<FollowUpPlan> {
    if (actor.role !== 'admin') throw forbidden('Only administrators change follow-up plans.');
    await this.ensurePlans();
    const [before] = await this.ctx.db
      .select()
      .from(followUpPlans)
      .where(eq(followUpPlans.valueClass, valueClass));
    if (!before) throw notFound('Follow-up plan');
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(followUpPlans)
        .set({ ...input, version: before.version + 1, updatedAt: this.ctx.now() })
        .where(and(eq(followUpPlans.valueClass, valueClass), eq(followUpPlans.version, version)))
        .returning();
      if (!row) throw staleVersion(before);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'follow_up_plan',
        entityId: valueClass,
        before,
        after: row,
      });
      return row;
    });
  }

  async greetingLeadDays(): Promise<number> {
    const value = Number(await this.ctx.services.settings.get('followups.greetingLeadDays'));
    return Number.isInteger(value) && value >= 0 && value <= 60 ? value : 3;
  }

  async setGreetingLeadDays(actor: Actor, leadDays: number): Promise<{ greetingLeadDays: number }> {
    if (actor.role !== 'admin') throw forbidden('Only administrators change follow-up plans.');
    const before = await this.greetingLeadDays();
    await this.ctx.services.settings.set('followups.greetingLeadDays', leadDays);
    await this.ctx.services.audit.record(this.ctx.db, actor, {
      action: 'update',
      entityType: 'setting',
      entityId: 'followups.greetingLeadDays',
      before: { value: before },
      after: { value: leadDays },
    });
    return { greetingLeadDays: leadDays };
  }

  // --- generators ---------------------------------------------------------------------------------

  /**
   * PGlite has no autovacuum, so its planner has no statistics unless someone runs ANALYZE; without
   * them the generators' scans degrade to sorting every customer per batch (measured: 1 s per batch
   * at 100 000 customers). PostgreSQL analyzes by itself, but only a while after a bulk insert: right
   * after the generators added thousands of tasks, `follow_ups` is analyzed at once on both drivers
   * (measured on PostgreSQL 15: a second run took 42 s on stale statistics, 1.3 s after ANALYZE).
   */
  private async refreshStatistics(afterBulkInsert = false): Promise<void> {
    if (afterBulkInsert) {
      await this.ctx.database.executeSql('analyze follow_ups, timeline_entries');
      return;
    }
    if (this.ctx.database.kind !== 'pglite') return;
    await this.ctx.database.executeSql('analyze customers, contacts, interactions, follow_ups');
  }

  /**
   * Consecutive id ranges (after, upTo] of `BATCH` rows each. The generators query one range at a
   * time: every statement touches a bounded number of rows, whatever the planner estimates (an
   * open-ended keyset with LIMIT looked so expensive to PostgreSQL that it JIT-compiled each batch,
   * 0.7 s per 1 000 customers).
   */
  private async *idRanges(table: 'customers' | 'contacts'): AsyncGenerator<[string, string]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const [row] = await this.ctx.database.query<{ up_to: string | null }>(
        // (no max(uuid) before PostgreSQL 18)
        sql`select id as up_to from (
              select id from ${sql.identifier(table)} where id > ${after} order by id limit ${BATCH}) batch
            order by id desc limit 1`,
      );
      if (!row?.up_to) return;
      yield [after, row.up_to];
      after = row.up_to;
    }
  }

  /** Inserts generated tasks; a source key already taken (an earlier or concurrent run) is skipped. */
  private async insertGenerated(
    values: (typeof followUps.$inferInsert)[],
    timeZone: string,
  ): Promise<number> {
    if (!values.length) return 0;
    return this.ctx.db.transaction(async (tx) => {
      const rows = await tx
        .insert(followUps)
        .values(values)
        .onConflictDoNothing({ target: followUps.sourceKey })
        .returning();
      await this.recordCreated(tx, null, rows, timeZone);
      return rows.length;
    });
  }

  /**
   * Periodic follow-ups by value class: for every active customer with an enabled plan and no open
   * periodic task, a task for the owner due the plan's interval after the last contact (any
   * interaction, completed follow-up or skipped periodic task), or now if never contacted. Runs
   * set-based over ranges of 1 000 customers, so 100 000 files take a few hundred statements.
   */
  async generatePeriodic(now: Date = this.ctx.now()): Promise<number> {
    await this.ensurePlans();
    await this.refreshStatistics();
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    // First decide, then write: the reads see the follow-ups as they were when the run started, so
    // the planner's statistics stay true while thousands of tasks are added.
    const due: (typeof followUps.$inferInsert)[] = [];
    for await (const [after, upTo] of this.idRanges('customers')) {
      const rows = await this.ctx.database.query<{
        id: string;
        owner_id: string;
        value_class: string;
        interval_months: number;
        basis: Date | string | null;
      }>(sql`
        select c.id, c.owner_id, c.value_class, p.interval_months,
          greatest(
            (select max(i.occurred_at) from interactions i where i.customer_id = c.id),
            (select max(coalesce(f.completed_at, f.cancelled_at)) from follow_ups f
              where f.customer_id = c.id
                and (f.status = 'done' or (f.status = 'cancelled' and f.kind = 'periodic')))
          ) as basis
        from customers c
        join follow_up_plans p on p.value_class = c.value_class and p.enabled
        where c.id > ${after} and c.id <= ${upTo}
          and c.archived_at is null and c.merged_into_id is null and c.stage <> 'churned'
          -- A scalar subquery, not NOT EXISTS: it stays one index probe per customer instead of an
          -- anti-join the planner may turn into a scan of all follow-ups per customer.
          and (select o.id from follow_ups o
               where o.customer_id = c.id and o.kind = 'periodic' and o.status = 'open' limit 1) is null`);
      for (const row of rows) {
        const basis = asDate(row.basis);
        const interval = Number(row.interval_months);
        const dueAt = nextPeriodicDue(basis, interval, now, timeZone);
        if (!isPeriodicDue(dueAt, now, timeZone)) continue;
        due.push({
          id: uuidv7(),
          customerId: row.id,
          assigneeId: row.owner_id,
          kind: 'periodic',
          title: `定期回访（${row.value_class}类客户，${intervalName(interval)}）`,
          notes: basis ? null : '尚无联系记录：首次回访。',
          dueAt,
          sourceKey: periodicSourceKey(row.id, basis),
        });
      }
    }
    let created = 0;
    for (let i = 0; i < due.length; i += BATCH) {
      created += await this.insertGenerated(due.slice(i, i + BATCH), timeZone);
    }
    if (created >= BATCH) await this.refreshStatistics(true);
    if (created) this.ctx.log.info({ created }, 'periodic follow-ups generated');
    return created;
  }

  /**
   * Greeting tasks (节日/生日/纪念日问候) for contacts whose important dates fall within the lead time
   * plus a week; due `leadDays` before the date at 09:00. Contacts who asked not to be contacted and
   * archived files are skipped.
   */
  async generateGreetings(now: Date = this.ctx.now()): Promise<number> {
    await this.refreshStatistics();
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    const leadDays = await this.greetingLeadDays();
    const today = localDateOf(now, timeZone);
    const windowDays = leadDays + GREETING_LOOKAHEAD_DAYS;
    const monthDays = monthDaysWithin(today, windowDays);
    const wanted = sql.join(
      monthDays.map((md) => sql`${md}`),
      sql`, `,
    );
    let created = 0;
    for await (const [after, upTo] of this.idRanges('contacts')) {
      const rows = await this.ctx.database.query<{
        id: string;
        customer_id: string;
        name: string;
        preferred_channel: string | null;
        important_dates: ImportantDateInput[];
        owner_id: string;
      }>(sql`
        select ct.id, ct.customer_id, ct.name, ct.preferred_channel, ct.important_dates, cu.owner_id
        from contacts ct
        join customers cu on cu.id = ct.customer_id
        where ct.id > ${after} and ct.id <= ${upTo}
          and not ct.do_not_contact and ct.archived_at is null
          and cu.archived_at is null and cu.merged_into_id is null
          and exists (
            select 1 from jsonb_array_elements(
              case when jsonb_typeof(ct.important_dates) = 'array' then ct.important_dates else '[]'::jsonb end
            ) e
            where right(e ->> 'date', 5) in (${wanted}))`);
      const values = new Map<string, typeof followUps.$inferInsert>();
      for (const contact of rows) {
        const dates =
          typeof contact.important_dates === 'string'
            ? JSON.parse(contact.important_dates)
            : contact.important_dates;
        for (const date of Array.isArray(dates) ? (dates as ImportantDateInput[]) : []) {
          if (!date || typeof date.date !== 'string' || typeof date.kind !== 'string') continue;
          const parsed = parseImportantDate(date.date);
          if (!parsed) continue;
          for (const occurrence of occurrencesWithin(parsed, today, windowDays)) {
            const key = greetingSourceKey(contact.id, date, occurrence.year);
            const years = parsed.sinceYear !== null ? occurrence.year - parsed.sinceYear : null;
            values.set(key, {
              id: uuidv7(),
              customerId: contact.customer_id,
              contactId: contact.id,
              assigneeId: contact.owner_id,
              kind: 'greeting',
              title: greetingTitle(contact.name, date, occurrence),
              notes:
                [
                  years !== null && years > 0 ? `第 ${years} 年` : null,
                  contact.preferred_channel ? `偏好渠道：${contact.preferred_channel}` : null,
                ]
                  .filter(Boolean)
                  .join('；') || null,
              dueAt: greetingDue(occurrence, leadDays, now, timeZone),
              sourceKey: key,
            });
          }
        }
      }
      created += await this.insertGenerated([...values.values()], timeZone);
    }
    if (created >= BATCH) await this.refreshStatistics(true);
    if (created) this.ctx.log.info({ created }, 'greeting follow-ups generated');
    return created;
  }

  /** Runs both generators now (admin, supervisor) and says how many tasks were created. */
  async generateNow(actor: Actor): Promise<{ periodic: number; greetings: number }> {
    if (actor.role !== 'admin' && actor.role !== 'supervisor') {
      throw forbidden('Only administrators and supervisors run the generators.');
    }
    const periodic = await this.generatePeriodic();
    const greetings = await this.generateGreetings();
    return { periodic, greetings };
  }
}
