import { type SQL, eq, getTableColumns, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import { canOwnTickets, canReadTicket, canWorkTicket } from '../../domain/tickets.ts';
import type { AppContext } from '../../server/context.ts';
import { forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { contacts, customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { users } from '../users/tables.ts';
import { ticketCategories, ticketMessages, ticketOwnershipChanges, tickets } from './tables.ts';

export type Ticket = typeof tickets.$inferSelect;
export type SlaState = 'none' | 'running' | 'warning' | 'breached' | 'paused' | 'met';

export interface TicketView extends Omit<Ticket, 'searchVector'> {
  customerName: string;
  contactName: string | null;
  ownerName: string | null;
  categoryCode: string;
  categoryName: string;
  departmentName: string | null;
  slaState: SlaState;
}

export interface ChangeOwnerInput {
  ticketId: string;
  toUserId: string;
  kind: 'take' | 'transfer' | 'escalation';
  reason: string | null;
  /** Null when the system does it (automatic escalation). */
  actor: Actor | null;
  /** The escalation level after the change (escalations set it; take/transfer keep it). */
  escalationLevel?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const owners = alias(users, 'ticket_owner');

/**
 * The SLA state of a ticket at `now`, as SQL so lists can filter on it:
 * none (no policy), met / breached once resolved or closed, breached (a target passed or recorded),
 * paused (waiting on the customer), warning (a warning threshold passed), running.
 */
export function slaStateSql(now: Date): SQL<SlaState> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const t = tickets;
  return sql<SlaState>`case
    when ${t.firstResponseDueAt} is null and ${t.resolutionDueAt} is null then 'none'
    when ${t.status} in ('resolved', 'closed') then
      case when ${t.firstResponseBreachedAt} is not null or ${t.resolutionBreachedAt} is not null
        or (${t.resolutionDueAt} is not null and coalesce(${t.resolvedAt}, ${t.closedAt}) > ${t.resolutionDueAt})
      then 'breached' else 'met' end
    when ${t.firstResponseBreachedAt} is not null or ${t.resolutionBreachedAt} is not null then 'breached'
    when ${t.slaPausedAt} is not null then 'paused'
    when (${t.firstRespondedAt} is null and ${t.firstResponseDueAt} <= ${at}) or ${t.resolutionDueAt} <= ${at} then 'breached'
    when (${t.firstRespondedAt} is null and ${t.firstResponseWarnAt} <= ${at}) or ${t.resolutionWarnAt} <= ${at} then 'warning'
    else 'running' end`;
}

/** Ticket columns without the search vector (never sent out). */
export function ticketColumns() {
  const { searchVector: _s, ...columns } = getTableColumns(tickets);
  return columns;
}

/**
 * Tickets (咨询, 投诉, 索赔, 退货, 建议) with the complaint card, first-contact ownership (首问负责制),
 * the conversation and closure. SLA clocks are the SLA service's; escalations the escalation service's.
 */
export class TicketsService {
  constructor(readonly ctx: AppContext) {}

  selectViews(db: DbOrTx = this.ctx.db, now: Date = this.ctx.now()) {
    return db
      .select({
        ...ticketColumns(),
        customerName: customers.name,
        contactName: contacts.name,
        ownerName: owners.name,
        categoryCode: ticketCategories.code,
        categoryName: ticketCategories.name,
        departmentName: departments.name,
        slaState: slaStateSql(now),
      })
      .from(tickets)
      .innerJoin(customers, eq(customers.id, tickets.customerId))
      .innerJoin(ticketCategories, eq(ticketCategories.id, tickets.categoryId))
      .leftJoin(contacts, eq(contacts.id, tickets.contactId))
      .leftJoin(owners, eq(owners.id, tickets.ownerId))
      .leftJoin(departments, eq(departments.id, tickets.departmentId));
  }

  async view(id: string, db: DbOrTx = this.ctx.db): Promise<TicketView | undefined> {
    const [row] = await this.selectViews(db).where(eq(tickets.id, id));
    return row as TicketView | undefined;
  }

  /** The ticket row, locked for the rest of the transaction. */
  async lock(tx: DbOrTx, id: string): Promise<Ticket> {
    if (!UUID.test(id)) throw notFound('Ticket');
    const [row] = await tx.select().from(tickets).where(eq(tickets.id, id)).for('update');
    if (!row) throw notFound('Ticket');
    return row;
  }

  /** The ticket if the actor may read it (all staff; a portal user only its own company's). 404 otherwise. */
  async requireTicket(actor: Actor, id: string, db: DbOrTx = this.ctx.db): Promise<TicketView> {
    if (!UUID.test(id)) throw notFound('Ticket');
    const row = await this.view(id, db);
    if (!row || !canReadTicket(actor, row)) throw notFound('Ticket');
    return row;
  }

  /** The ticket if the actor may work it: its owner, a supervisor of the owner's team, a manager or an admin. */
  async requireWorkable(actor: Actor, id: string, db: DbOrTx = this.ctx.db): Promise<TicketView> {
    const row = await this.requireTicket(actor, id, db);
    if (actor.role === 'portal') throw notFound('Ticket');
    if (!canWorkTicket(actor, row)) {
      throw forbidden(
        'Only the ticket owner (首问负责人), a supervisor of their team, a manager or an admin may do this.',
      );
    }
    return row;
  }

  /** Adds a line to the conversation. */
  async addMessage(
    tx: DbOrTx,
    ticketId: string,
    kind: 'reply' | 'customer' | 'note' | 'system',
    body: string,
    authorId: string | null,
    templateId: string | null = null,
  ) {
    const [row] = await tx
      .insert(ticketMessages)
      .values({ id: uuidv7(), ticketId, kind, body, authorId, templateId, createdAt: this.ctx.now() })
      .returning();
    return row;
  }

  /**
   * Moves the ticket to another owner inside `tx`: take, transfer or escalation (换人). Checks that the
   * new owner is an active user who may own tickets, but NOT whether the actor may do it — callers
   * check that. Writes the ownership history, a system line in the conversation and the audit record;
   * the ticket's department becomes the new owner's. A new ticket becomes open.
   */
  async changeOwner(tx: DbOrTx, input: ChangeOwnerInput): Promise<Ticket> {
    const before = await this.lock(tx, input.ticketId);
    if (before.status === 'closed') {
      throw validationFailed([{ field: 'status', message: 'a closed ticket has no owner changes' }]);
    }
    const target = UUID.test(input.toUserId)
      ? (
          await tx
            .select({
              id: users.id,
              name: users.name,
              role: users.role,
              active: users.active,
              departmentId: users.departmentId,
            })
            .from(users)
            .where(eq(users.id, input.toUserId))
        )[0]
      : undefined;
    if (!target?.active || !canOwnTickets(target.role)) {
      throw validationFailed([
        { field: 'toUserId', message: 'must be an active agent, supervisor, manager or admin' },
      ]);
    }
    if (target.id === before.ownerId && input.kind !== 'escalation') {
      throw validationFailed([{ field: 'toUserId', message: 'already owns this ticket' }]);
    }
    const now = this.ctx.now();
    const [row] = await tx
      .update(tickets)
      .set({
        ownerId: target.id,
        departmentId: target.departmentId,
        status: before.status === 'new' ? 'open' : before.status,
        escalationLevel: input.escalationLevel ?? before.escalationLevel,
        version: before.version + 1,
        updatedAt: now,
      })
      .where(eq(tickets.id, before.id))
      .returning();
    await tx.insert(ticketOwnershipChanges).values({
      id: uuidv7(),
      ticketId: before.id,
      kind: input.kind,
      fromUserId: before.ownerId,
      toUserId: target.id,
      reason: input.reason,
      byUserId: input.actor && input.actor.via !== 'system' ? input.actor.id : null,
      at: now,
    });
    const by = input.actor?.name ?? '系统';
    const line =
      input.kind === 'take'
        ? `${target.name} 受理了工单`
        : input.kind === 'transfer'
          ? `${by} 将工单转交给 ${target.name}`
          : `升级（换人）：${by} 将工单交给 ${target.name}（第 ${row.escalationLevel} 级）`;
    await this.addMessage(
      tx,
      before.id,
      'system',
      input.reason ? `${line}。原因：${input.reason}` : line,
      input.actor && input.actor.via !== 'system' ? input.actor.id : null,
    );
    await this.ctx.services.audit.record(tx, input.actor, {
      action: input.kind === 'escalation' ? 'escalate' : input.kind,
      entityType: 'ticket',
      entityId: before.id,
      customerId: before.customerId,
      before: { ownerId: before.ownerId, departmentId: before.departmentId, status: before.status },
      after: {
        ownerId: row.ownerId,
        departmentId: row.departmentId,
        status: row.status,
        escalationLevel: row.escalationLevel,
        reason: input.reason,
      },
    });
    return row;
  }
}
