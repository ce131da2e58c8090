import { type SQL, and, desc, eq, getTableColumns, gte, inArray, lte } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import { canChangeInteraction, canLogInteraction } from '../../domain/followups.ts';
import type { AppContext } from '../../server/context.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import { contacts, customers } from '../customers/tables.ts';
import type { Customer } from '../customers/service.ts';
import { departments } from '../departments/tables.ts';
import type { FollowUpView, NewFollowUp } from '../followups/service.ts';
import { users } from '../users/tables.ts';
import type { Channel, Direction } from './schema.ts';
import { interactions } from './tables.ts';
import {
  INTERACTION_DELETED,
  INTERACTION_LOGGED,
  interactionTimelineDetail as timelineDetail,
  interactionTimelineTitle as timelineTitle,
} from './timeline.ts';

export type Interaction = typeof interactions.$inferSelect;
export interface InteractionView extends Interaction {
  customerName: string;
  contactName: string | null;
  userName: string;
  departmentName: string | null;
}

export interface InteractionInput {
  channel: Channel;
  direction: Direction;
  contactId?: string | null;
  summary: string;
  outcome?: string | null;
  nextStep?: string | null;
  occurredAt?: string;
  departmentId?: string | null;
}

export interface InteractionChanges extends Partial<InteractionInput> {}

export interface CustomerInteractionFilter {
  channel?: Channel;
  direction?: Direction;
  contactId?: string;
  userId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export interface ActivityFilter extends Omit<CustomerInteractionFilter, 'contactId'> {
  teamId?: string;
  customerId?: string;
}

/** How far in the future a contact time may be: clocks of phones and PCs drift a little. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

function trimOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/**
 * The interaction log (接触记录): every call, visit, e-mail or chat with a customer, from every
 * department, on the one customer file.
 */
export class InteractionsService {
  constructor(readonly ctx: AppContext) {}

  private selectViews(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        ...getTableColumns(interactions),
        customerName: customers.name,
        contactName: contacts.name,
        userName: users.name,
        departmentName: departments.name,
      })
      .from(interactions)
      .innerJoin(customers, eq(customers.id, interactions.customerId))
      .innerJoin(users, eq(users.id, interactions.userId))
      .leftJoin(contacts, eq(contacts.id, interactions.contactId))
      .leftJoin(departments, eq(departments.id, interactions.departmentId));
  }

  async view(id: string, db: DbOrTx = this.ctx.db): Promise<InteractionView | undefined> {
    const [row] = await this.selectViews(db).where(eq(interactions.id, id));
    return row;
  }

  /** Interactions are internal: portal users never see them, whatever the customer. */
  private requireStaff(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden('Interactions are internal records.');
  }

  async listForCustomer(actor: Actor, customerId: string, filter: CustomerInteractionFilter) {
    await this.ctx.services.customers.requireReadable(actor, customerId);
    this.requireStaff(actor);
    const conditions: SQL[] = [eq(interactions.customerId, customerId)];
    if (filter.contactId) conditions.push(eq(interactions.contactId, filter.contactId));
    return this.page(conditions, filter);
  }

  /** My (or a colleague's, or a team's) recent activity across customers. */
  async listActivity(actor: Actor, filter: ActivityFilter) {
    this.requireStaff(actor);
    // All staff read every customer file, so a colleague's or a team's activity is not secret.
    const conditions: SQL[] = [];
    if (filter.teamId) {
      const team = await this.ctx.services.departments.subtreeIds(filter.teamId);
      const members = this.ctx.db
        .select({ id: users.id })
        .from(users)
        .where(inArray(users.departmentId, team.length ? team : [filter.teamId]));
      conditions.push(inArray(interactions.userId, members));
    }
    // Without a person or team the list is the caller's own activity.
    if (!filter.teamId && !filter.userId && !filter.customerId)
      conditions.push(eq(interactions.userId, actor.id));
    if (filter.customerId) conditions.push(eq(interactions.customerId, filter.customerId));
    return this.page(conditions, filter);
  }

  private async page(conditions: SQL[], filter: CustomerInteractionFilter | ActivityFilter) {
    if (filter.channel) conditions.push(eq(interactions.channel, filter.channel));
    if (filter.direction) conditions.push(eq(interactions.direction, filter.direction));
    if (filter.userId) conditions.push(eq(interactions.userId, filter.userId));
    if (filter.from) conditions.push(gte(interactions.occurredAt, new Date(filter.from)));
    if (filter.to) conditions.push(lte(interactions.occurredAt, new Date(filter.to)));
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor) conditions.push(afterTimeCursor(interactions.occurredAt, interactions.id, cursor, 'desc'));
    const rows = await this.selectViews()
      .where(and(...conditions))
      .orderBy(desc(interactions.occurredAt), desc(interactions.id))
      .limit(filter.limit + 1);
    return toPage(rows, filter.limit, (r) => [r.occurredAt.toISOString(), r.id]);
  }

  async get(actor: Actor, id: string): Promise<InteractionView> {
    // Portal users and unknown ids look the same.
    if (!isStaff(actor)) throw notFound('Interaction');
    const row = await this.view(id);
    if (!row) throw notFound('Interaction');
    await this.ctx.services.customers.requireReadable(actor, row.customerId);
    return row;
  }

  /**
   * Logs an interaction; with `followUp` the next-step task is created in the same transaction so
   * the contact and its agreed next step are stored together or not at all.
   */
  async create(
    actor: Actor,
    customerId: string,
    input: InteractionInput & { followUp?: Omit<NewFollowUp, 'kind' | 'contactId'> },
  ): Promise<InteractionView & { followUp?: FollowUpView }> {
    const customer = await this.ctx.services.customers.requireReadable(actor, customerId);
    this.requireStaff(actor);
    this.ctx.services.customers.assertOpenFile(customer);
    const departmentId = input.departmentId !== undefined ? input.departmentId : actor.departmentId;
    if (!canLogInteraction(actor, customer, departmentId)) {
      throw forbidden(
        actor.role === 'operations'
          ? 'Operations users log interactions for their own department.'
          : 'Only the owner, their supervisor or an admin may log contacts on this customer.',
      );
    }
    const values = await this.validate(customer, { ...input, departmentId });
    const followUps = this.ctx.services.followUps;
    const task = input.followUp
      ? await followUps.prepare(actor, customer, {
          ...input.followUp,
          kind: 'manual',
          contactId: values.contactId ?? null,
        })
      : undefined;
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    const id = uuidv7();
    return this.ctx.db.transaction(async (tx) => {
      const row = await this.insert(tx, actor, { id, customerId, userId: actor.id, ...values });
      const view = (await this.view(id, tx))!;
      if (!task) return view;
      const followUp = await followUps.insert(
        tx,
        actor,
        customer,
        { ...task, sourceInteractionId: row.id },
        timeZone,
      );
      return { ...view, followUp };
    });
  }

  /**
   * Checks the fields against the customer and returns the row values. Used by `create` and by the
   * follow-ups service when a task is completed with an interaction.
   */
  async validate(
    customer: Customer,
    input: InteractionInput,
  ): Promise<Omit<typeof interactions.$inferInsert, 'id' | 'customerId' | 'userId'>> {
    const problems: { field: string; message: string }[] = [];
    const summary = input.summary.trim();
    if (!summary) problems.push({ field: 'summary', message: 'must not be blank' });
    const occurredAt = input.occurredAt ? new Date(input.occurredAt) : this.ctx.now();
    if (occurredAt.getTime() > this.ctx.now().getTime() + FUTURE_TOLERANCE_MS) {
      problems.push({ field: 'occurredAt', message: 'must not be in the future' });
    }
    await this.ctx.services.customers.checkContactOf(customer.id, input.contactId, problems);
    await this.checkDepartment(input.departmentId, problems);
    if (problems.length) throw validationFailed(problems);
    return {
      channel: input.channel,
      direction: input.direction,
      contactId: input.contactId ?? null,
      summary,
      outcome: trimOrNull(input.outcome),
      nextStep: trimOrNull(input.nextStep),
      occurredAt,
      departmentId: input.departmentId ?? null,
    };
  }

  private async checkDepartment(
    departmentId: string | null | undefined,
    problems: { field: string; message: string }[],
  ) {
    if (!departmentId) return;
    const [department] = await this.ctx.db
      .select({ id: departments.id })
      .from(departments)
      .where(eq(departments.id, departmentId));
    if (!department) problems.push({ field: 'departmentId', message: 'no such department' });
  }

  /** Inserts a validated interaction with its timeline entry and audit record, inside `tx`. */
  async insert(tx: DbOrTx, actor: Actor, values: typeof interactions.$inferInsert): Promise<Interaction> {
    const [row] = await tx.insert(interactions).values(values).returning();
    await this.ctx.services.timeline.add(tx, {
      customerId: row.customerId,
      at: row.occurredAt,
      kind: INTERACTION_LOGGED,
      refType: 'interaction',
      refId: row.id,
      title: timelineTitle(row),
      detail: timelineDetail(row),
      departmentId: row.departmentId,
      actorId: actor.id,
    });
    await this.ctx.services.audit.record(tx, actor, {
      action: 'create',
      entityType: 'interaction',
      entityId: row.id,
      customerId: row.customerId,
      after: row,
    });
    return row;
  }

  private async requireChangeable(actor: Actor, id: string) {
    const before = await this.get(actor, id);
    const customer = await this.ctx.services.customers.requireReadable(actor, before.customerId);
    if (!canChangeInteraction(actor, customer, before)) {
      throw forbidden('Only editors of this customer (or its department, for operations) may change it.');
    }
    return { before, customer };
  }

  async update(
    actor: Actor,
    id: string,
    changes: InteractionChanges,
    version: number,
  ): Promise<InteractionView> {
    const { before, customer } = await this.requireChangeable(actor, id);
    if (
      actor.role === 'operations' &&
      changes.departmentId !== undefined &&
      changes.departmentId !== actor.departmentId
    ) {
      throw forbidden('Operations users log interactions for their own department.');
    }
    const merged: InteractionInput = {
      channel: changes.channel ?? (before.channel as Channel),
      direction: changes.direction ?? (before.direction as Direction),
      contactId: changes.contactId !== undefined ? changes.contactId : before.contactId,
      summary: changes.summary ?? before.summary,
      outcome: changes.outcome !== undefined ? changes.outcome : before.outcome,
      nextStep: changes.nextStep !== undefined ? changes.nextStep : before.nextStep,
      occurredAt: changes.occurredAt ?? before.occurredAt.toISOString(),
      departmentId: changes.departmentId !== undefined ? changes.departmentId : before.departmentId,
    };
    // An unchanged time in the past stays valid even though it is checked again.
    const values = await this.validate(customer, merged);
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(interactions)
        .set({ ...values, version: before.version + 1, updatedAt: this.ctx.now() })
        .where(and(eq(interactions.id, id), eq(interactions.version, version)))
        .returning();
      if (!row) throw staleVersion(before);
      await this.ctx.services.timeline.updateRef(tx, 'interaction', id, INTERACTION_LOGGED, {
        at: row.occurredAt,
        title: timelineTitle(row),
        detail: timelineDetail(row),
        departmentId: row.departmentId,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'interaction',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      return (await this.view(id, tx))!;
    });
  }

  /**
   * Deletes a wrongly logged interaction. Its timeline entry goes and a note of the deletion takes
   * its place, so the timeline does not silently lose history; the audit log keeps the full record.
   */
  async remove(actor: Actor, id: string, version?: number): Promise<void> {
    const { before } = await this.requireChangeable(actor, id);
    await this.ctx.db.transaction(async (tx) => {
      const conditions = [eq(interactions.id, id)];
      if (version !== undefined) conditions.push(eq(interactions.version, version));
      const deleted = await tx
        .delete(interactions)
        .where(and(...conditions))
        .returning({ id: interactions.id });
      if (!deleted.length) throw staleVersion(before);
      await this.ctx.services.timeline.removeRef(tx, 'interaction', id, INTERACTION_LOGGED);
      await this.ctx.services.timeline.add(tx, {
        customerId: before.customerId,
        at: this.ctx.now(),
        kind: INTERACTION_DELETED,
        refType: 'interaction',
        refId: id,
        title: `删除接触记录：${timelineTitle(before)}`,
        detail: {
          ...timelineDetail(before),
          occurredAt: before.occurredAt.toISOString(),
          deletedBy: actor.id,
        },
        departmentId: before.departmentId,
        actorId: actor.id,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'delete',
        entityType: 'interaction',
        entityId: id,
        customerId: before.customerId,
        before: stripView(before),
      });
    });
  }
}

function stripView(view: InteractionView): Interaction {
  const { customerName: _c, contactName: _k, userName: _u, departmentName: _d, ...row } = view;
  return row;
}
