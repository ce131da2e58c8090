import {
  type SQL,
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  isNotNull,
  isNull,
  lte,
  ne,
  or,
  sql,
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import {
  type FirstContactFacts,
  TICKET_ACTIONS,
  type TicketAction,
  canApply,
  canOwnTickets,
  canReadTicket,
  canTakeTicket,
  canTransferTicket,
  canWorkTicket,
  formatTicketNumber,
  reopenDeadline,
  reopenTriggersEscalation,
  repeatWindowStart,
  resolvedAtFirstContact,
  withinReopenWindow,
} from '../../domain/tickets.ts';
import type { AppContext } from '../../server/context.ts';
import { isUuid } from '../../server/schemas.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { type FieldProblem, conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import { auditLog } from '../audit/tables.ts';
import { segment, toTsQuery } from '../customers/search.ts';
import { contacts, customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { followUps } from '../followups/tables.ts';
import { responseTemplates } from '../knowledge/tables.ts';
import { shipments } from '../shipments/tables.ts';
import { users } from '../users/tables.ts';
import { workOrders } from '../workorders/tables.ts';
import {
  type TicketSeverity,
  type TicketStatus,
  type TicketType,
  ticketCategories,
  ticketEscalations,
  ticketMessages,
  ticketOwnershipChanges,
  tickets,
} from './tables.ts';
import {
  TICKET_CLOSED,
  TICKET_CREATED,
  TICKET_REOPENED,
  TICKET_RESOLVED,
  ticketTimelineEvent,
} from './timeline.ts';

export type Ticket = typeof tickets.$inferSelect;
export type SlaState = 'none' | 'running' | 'warning' | 'breached' | 'paused' | 'met';
export type TicketCategory = typeof ticketCategories.$inferSelect;

export interface CategoryInput {
  code: string;
  name: string;
  nameEn?: string | null;
  sortOrder?: number;
  active?: boolean;
}

export interface TicketInput {
  type: TicketType;
  channel: string;
  customerId: string;
  contactId?: string | null;
  shipmentRef?: string | null;
  /** The shipment the ticket is about; must be the same customer's. */
  shipmentId?: string | null;
  lane?: string | null;
  categoryId: string;
  severity?: TicketSeverity;
  subject: string;
  customerWords: string;
  customerRequest?: string | null;
  receivedAt?: string;
}

export interface TicketChanges
  extends Partial<Omit<TicketInput, 'customerId' | 'receivedAt' | 'shipmentId'>> {
  rootCause?: 'value' | 'system' | 'people' | null;
  responsibleDepartmentId?: string | null;
  responsibleUserId?: string | null;
  responsiblePerson?: string | null;
  measures?: string | null;
  result?: string | null;
  customerReaction?: 'satisfied' | 'accepted' | 'dissatisfied' | 'no_response' | null;
  verification?: string | null;
}

export interface TicketFilter {
  view?: 'mine' | 'team' | 'all';
  status?: string;
  type?: TicketType;
  categoryId?: string;
  ownerId?: string;
  departmentId?: string;
  customerId?: string;
  shipmentId?: string;
  sla?: 'breaching_soon' | 'breached';
  repeat?: boolean;
  q?: string;
  limit: number;
  cursor?: string;
}

export interface TicketView extends Omit<Ticket, 'searchVector'> {
  customerName: string;
  contactName: string | null;
  ownerName: string | null;
  categoryCode: string;
  categoryName: string;
  departmentName: string | null;
  repeatOfNumber: string | null;
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

  /**
   * Ticket rows with the names people read. The names are scalar subqueries, not joins: with seven
   * relations the planner spent 5–14 ms per list call choosing a join order (bench `desk`, 1 M
   * tickets); each subquery is one primary-key probe and plans in well under a millisecond.
   */
  selectViews(db: DbOrTx = this.ctx.db, now: Date = this.ctx.now()) {
    // Written out in full: drizzle leaves columns unqualified in a one-table select, and inside a
    // subquery an unqualified name could bind to the inner table.
    const lookup = (select: string) => sql.raw(`(${select})`);
    return db
      .select({
        ...ticketColumns(),
        customerName: sql<string>`${lookup('select c.name from customers c where c.id = tickets.customer_id')}`,
        contactName: sql<
          string | null
        >`${lookup('select ct.name from contacts ct where ct.id = tickets.contact_id')}`,
        ownerName: sql<string | null>`${lookup('select u.name from users u where u.id = tickets.owner_id')}`,
        categoryCode: sql<string>`${lookup('select k.code from ticket_categories k where k.id = tickets.category_id')}`,
        categoryName: sql<string>`${lookup('select k.name from ticket_categories k where k.id = tickets.category_id')}`,
        departmentName: sql<
          string | null
        >`${lookup('select d.name from departments d where d.id = tickets.department_id')}`,
        repeatOfNumber: sql<
          string | null
        >`${lookup('select r.number from tickets r where r.id = tickets.repeat_of_ticket_id')}`,
        slaState: slaStateSql(now),
      })
      .from(tickets);
  }

  async view(id: string, db: DbOrTx = this.ctx.db): Promise<TicketView | undefined> {
    const [row] = await this.selectViews(db).where(eq(tickets.id, id));
    return row as TicketView | undefined;
  }

  /** The ticket row, locked for the rest of the transaction. */
  async lock(tx: DbOrTx, id: string): Promise<Ticket> {
    if (!isUuid(id)) throw notFound('Ticket');
    const [row] = await tx.select().from(tickets).where(eq(tickets.id, id)).for('update');
    if (!row) throw notFound('Ticket');
    return row;
  }

  /** The ticket if the actor may read it (all staff; a portal user only its own company's). 404 otherwise. */
  async requireTicket(actor: Actor, id: string, db: DbOrTx = this.ctx.db): Promise<TicketView> {
    if (!isUuid(id)) throw notFound('Ticket');
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
      throw conflict('A closed ticket has no owner changes; reopen it first.', {
        ticketStatus: before.status,
      });
    }
    const target = isUuid(input.toUserId)
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

  // ---------------------------------------------------------------- SLA and escalation hooks

  private get sla() {
    return this.ctx.services.sla;
  }

  /**
   * The desk settings the writes need, read BEFORE a transaction opens: on PGlite there is one
   * connection, so a read outside the transaction while it is open would wait forever.
   */
  private async deskSettings(): Promise<DeskSettings> {
    const settings = await this.ctx.services.settings.getMany([
      'tickets.repeatWindowDays',
      'tickets.followUpAfterDays',
      'tickets.secondVisitAfterDays',
    ]);
    return {
      timeZone: await this.ctx.services.settings.displayTimeZone(),
      repeatDays: Number(settings['tickets.repeatWindowDays']),
      followUpDays: Number(settings['tickets.followUpAfterDays']),
      secondDays: Number(settings['tickets.secondVisitAfterDays']),
    };
  }

  // ---------------------------------------------------------------- categories

  async listCategories(actor: Actor, all = false): Promise<TicketCategory[]> {
    const rows = await this.ctx.db
      .select()
      .from(ticketCategories)
      .where(all && actor.role === 'admin' ? undefined : eq(ticketCategories.active, true))
      .orderBy(asc(ticketCategories.sortOrder), asc(ticketCategories.code));
    return rows;
  }

  async createCategory(actor: Actor, input: CategoryInput): Promise<TicketCategory> {
    if (actor.role !== 'admin') throw forbidden('Only admins maintain ticket categories.');
    const name = input.name.trim();
    if (!name) throw validationFailed([{ field: 'name', message: 'must not be blank' }]);
    return this.ctx.db.transaction(async (tx) => {
      const [clash] = await tx
        .select({ id: ticketCategories.id })
        .from(ticketCategories)
        .where(eq(ticketCategories.code, input.code));
      if (clash) throw conflict('A category with this code exists already.', { field: 'code' });
      const [row] = await tx
        .insert(ticketCategories)
        .values({
          id: uuidv7(),
          code: input.code,
          name,
          nameEn: trimOrNull(input.nameEn),
          sortOrder: input.sortOrder ?? 0,
          active: input.active ?? true,
        })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'ticket_category',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  }

  async updateCategory(
    actor: Actor,
    id: string,
    input: Partial<CategoryInput>,
    version: number | undefined,
  ): Promise<TicketCategory> {
    if (actor.role !== 'admin') throw forbidden('Only admins maintain ticket categories.');
    if (!isUuid(id)) throw notFound('Ticket category');
    return this.ctx.db.transaction(async (tx) => {
      const [before] = await tx
        .select()
        .from(ticketCategories)
        .where(eq(ticketCategories.id, id))
        .for('update');
      if (!before) throw notFound('Ticket category');
      if (version !== undefined && version !== before.version) throw staleVersion(before);
      if (input.code !== undefined && input.code !== before.code) {
        const [clash] = await tx
          .select({ id: ticketCategories.id })
          .from(ticketCategories)
          .where(eq(ticketCategories.code, input.code));
        if (clash) throw conflict('A category with this code exists already.', { field: 'code' });
      }
      if (input.name !== undefined && !input.name.trim()) {
        throw validationFailed([{ field: 'name', message: 'must not be blank' }]);
      }
      const [row] = await tx
        .update(ticketCategories)
        .set({
          ...(input.code !== undefined ? { code: input.code } : {}),
          ...(input.name !== undefined ? { name: input.name.trim() } : {}),
          ...(input.nameEn !== undefined ? { nameEn: trimOrNull(input.nameEn) } : {}),
          ...(input.sortOrder !== undefined ? { sortOrder: input.sortOrder } : {}),
          ...(input.active !== undefined ? { active: input.active } : {}),
          version: before.version + 1,
          updatedAt: this.ctx.now(),
        })
        .where(eq(ticketCategories.id, id))
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'ticket_category',
        entityId: id,
        before,
        after: row,
      });
      return row;
    });
  }

  private async checkCategory(categoryId: string, problems: FieldProblem[], current?: string) {
    const [category] = await this.ctx.db
      .select({ id: ticketCategories.id, active: ticketCategories.active })
      .from(ticketCategories)
      .where(eq(ticketCategories.id, categoryId));
    if (!category) problems.push({ field: 'categoryId', message: 'no such category' });
    else if (!category.active && categoryId !== current)
      problems.push({ field: 'categoryId', message: 'this category is no longer in use' });
  }

  /** A ticket may name one of the same customer's shipments (else 422, whoever's it is). */
  private async checkShipment(
    customerId: string,
    shipmentId: string | null | undefined,
    problems: FieldProblem[],
  ) {
    if (!shipmentId) return;
    const [row] = await this.ctx.db
      .select({ customerId: shipments.customerId })
      .from(shipments)
      .where(eq(shipments.id, shipmentId));
    if (!row || row.customerId !== customerId) {
      problems.push({ field: 'shipmentId', message: 'no such shipment of this customer' });
    }
  }

  // ---------------------------------------------------------------- search

  private searchVector(values: {
    number: string;
    subject: string;
    customerWords: string;
    customerRequest?: string | null;
    shipmentRef?: string | null;
    lane?: string | null;
  }): SQL {
    const text = [
      values.number,
      values.subject,
      values.customerWords,
      values.customerRequest ?? '',
      values.shipmentRef ?? '',
      values.lane ?? '',
    ].join(' ');
    return sql`to_tsvector('simple', ${segment(text).join(' ')})`;
  }

  private searchCondition(q: string): SQL | undefined {
    const text = q.trim();
    if (!text) return undefined;
    const branches: SQL[] = [];
    if (/^T\d{4}-\d{1,}$/i.test(text)) branches.push(eq(tickets.number, text.toUpperCase()));
    const tsquery = toTsQuery(text);
    if (tsquery) branches.push(sql`${tickets.searchVector} @@ to_tsquery('simple', ${tsquery})`);
    if (!branches.length) return sql`false`;
    return or(...branches);
  }

  // ---------------------------------------------------------------- create

  async create(actor: Actor, input: TicketInput): Promise<TicketView> {
    if (!isStaff(actor)) throw forbidden('Portal users file tickets through the portal.');
    if (!canOwnTickets(actor.role)) {
      throw forbidden('Operations users work on work orders; the service desk opens tickets.');
    }
    const customer = await this.ctx.services.customers.requireReadable(actor, input.customerId);
    this.ctx.services.customers.assertOpenFile(customer);
    const values = await this.validateNew(customer.id, input);
    const settings = await this.deskSettings();
    return this.ctx.db.transaction(async (tx) => {
      const created = await this.insertTicket(tx, actor, settings, {
        ...values,
        source: 'staff',
        status: 'open',
        ownerId: actor.id,
        departmentId: actor.departmentId,
      });
      return (await this.view(created.id, tx))!;
    });
  }

  private async validateNew(customerId: string, input: TicketInput) {
    const problems: FieldProblem[] = [];
    const subject = input.subject.trim();
    const customerWords = input.customerWords.trim();
    if (!subject) problems.push({ field: 'subject', message: 'must not be blank' });
    if (!customerWords) problems.push({ field: 'customerWords', message: 'must not be blank' });
    const now = this.ctx.now();
    const receivedAt = input.receivedAt ? new Date(input.receivedAt) : now;
    if (receivedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      problems.push({ field: 'receivedAt', message: 'must not be in the future' });
    }
    await this.ctx.services.customers.checkContactOf(customerId, input.contactId, problems);
    await this.checkCategory(input.categoryId, problems);
    await this.checkShipment(customerId, input.shipmentId, problems);
    if (problems.length) throw validationFailed(problems);
    return {
      type: input.type,
      channel: input.channel,
      customerId,
      contactId: input.contactId ?? null,
      shipmentRef: trimOrNull(input.shipmentRef),
      shipmentId: input.shipmentId ?? null,
      lane: normalizeLane(input.lane),
      categoryId: input.categoryId,
      severity: input.severity ?? 'normal',
      subject,
      customerWords,
      customerRequest: trimOrNull(input.customerRequest),
      receivedAt,
    };
  }

  /** Inserts a validated ticket with its number, search words, repeat check, timeline, audit and SLA targets. */
  private async insertTicket(
    tx: DbOrTx,
    actor: Actor,
    settings: DeskSettings,
    values: Omit<typeof tickets.$inferInsert, 'id' | 'number'>,
  ): Promise<Ticket> {
    const now = this.ctx.now();
    const result = await tx.execute(sql`select nextval('ticket_number_seq')::bigint as seq`);
    const seq = BigInt(String((result as unknown as { rows: { seq: string | number }[] }).rows[0].seq));
    const number = formatTicketNumber(now, seq, settings.timeZone);
    const id = uuidv7();
    const [row] = await tx
      .insert(tickets)
      .values({
        ...values,
        id,
        number,
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
        searchVector: this.searchVector({ ...values, number }),
      })
      .returning();
    await this.addMessage(
      tx,
      id,
      'system',
      values.source === 'portal'
        ? '客户通过门户提交了工单，等待受理'
        : `${actor.name} 受理了工单（首问负责人）`,
      actor.id,
    );
    const repeated = await this.flagRepeat(tx, row, settings.repeatDays);
    await this.ctx.services.timeline.add(
      tx,
      ticketTimelineEvent(TICKET_CREATED, row, { at: now, actorId: actor.id }),
    );
    await this.ctx.services.audit.record(tx, actor, {
      action: 'create',
      entityType: 'ticket',
      entityId: id,
      customerId: row.customerId,
      after: repeated ?? row,
    });
    await this.sla.refresh(tx, id);
    return repeated ?? row;
  }

  /**
   * Repeat detection: the latest earlier ticket of the same category for the same customer, or on the
   * same lane when the new one has a lane, received within `tickets.repeatWindowDays`. Flags the new
   * ticket, says so in its conversation and tells the head of the owner's department (for a portal
   * ticket without owner: of the customer owner's department).
   */
  private async flagRepeat(tx: DbOrTx, row: Ticket, days: number): Promise<Ticket | undefined> {
    if (!(days > 0)) return undefined;
    const since = repeatWindowStart(row.receivedAt, days);
    const sameParty = row.lane
      ? or(eq(tickets.customerId, row.customerId), eq(tickets.lane, row.lane))!
      : eq(tickets.customerId, row.customerId);
    const [earlier] = await tx
      .select({ id: tickets.id, number: tickets.number, customerId: tickets.customerId })
      .from(tickets)
      .where(
        and(
          eq(tickets.categoryId, row.categoryId),
          sameParty,
          ne(tickets.id, row.id),
          gte(tickets.receivedAt, since),
          lte(tickets.receivedAt, row.receivedAt),
        ),
      )
      .orderBy(desc(tickets.receivedAt), desc(tickets.id))
      .limit(1);
    if (!earlier) return undefined;
    const [flagged] = await tx
      .update(tickets)
      .set({ repeatOfTicketId: earlier.id })
      .where(eq(tickets.id, row.id))
      .returning();
    const how = earlier.customerId === row.customerId ? '同一客户' : `同一线路 ${row.lane}`;
    await this.addMessage(
      tx,
      row.id,
      'system',
      `重复问题：${how}在 ${days} 天内已有同类工单 ${earlier.number}`,
      null,
    );
    const head = await this.departmentHeadFor(tx, row);
    if (head) {
      await this.ctx.services.notifications.notify(tx, {
        userId: head,
        kind: 'ticket.repeat',
        title: `重复问题：${row.number}（前次 ${earlier.number}）`,
        body: row.subject,
        link: `/tickets/${row.id}`,
        refType: 'ticket',
        refId: row.id,
        sourceKey: `ticket:${row.id}:repeat`,
      });
    }
    return flagged;
  }

  private async departmentHeadFor(tx: DbOrTx, row: Ticket): Promise<string | null> {
    let departmentId = row.departmentId;
    if (!departmentId) {
      const [owner] = await tx
        .select({ departmentId: users.departmentId })
        .from(customers)
        .innerJoin(users, eq(users.id, customers.ownerId))
        .where(eq(customers.id, row.customerId));
      departmentId = owner?.departmentId ?? null;
    }
    if (!departmentId) return null;
    const [department] = await tx
      .select({ headUserId: departments.headUserId })
      .from(departments)
      .where(eq(departments.id, departmentId));
    return department?.headUserId ?? null;
  }

  // ---------------------------------------------------------------- read

  async get(actor: Actor, id: string): Promise<TicketView> {
    if (!isStaff(actor)) throw notFound('Ticket');
    return this.requireTicket(actor, id);
  }

  async list(actor: Actor, filter: TicketFilter) {
    if (!isStaff(actor)) throw forbidden('Portal users see their tickets in the portal.');
    const now = this.ctx.now();
    const conditions: SQL[] = [];
    const view =
      filter.view ?? (actor.role === 'agent' ? 'mine' : actor.role === 'supervisor' ? 'team' : 'all');
    if (view === 'mine') conditions.push(eq(tickets.ownerId, actor.id));
    if (view === 'team') {
      const team =
        actor.role === 'supervisor' && actor.teamDepartmentIds.length
          ? actor.teamDepartmentIds
          : await this.ctx.services.departments.subtreeIds(actor.departmentId);
      conditions.push(team.length ? inArray(tickets.departmentId, team) : sql`false`);
    }
    if (filter.status) {
      const statuses = filter.status.split(',') as TicketStatus[];
      conditions.push(
        statuses.length === 1 ? eq(tickets.status, statuses[0]) : inArray(tickets.status, statuses),
      );
    }
    if (filter.type) conditions.push(eq(tickets.type, filter.type));
    if (filter.categoryId) conditions.push(eq(tickets.categoryId, filter.categoryId));
    if (filter.ownerId) conditions.push(eq(tickets.ownerId, filter.ownerId));
    if (filter.departmentId) conditions.push(eq(tickets.departmentId, filter.departmentId));
    if (filter.customerId) conditions.push(eq(tickets.customerId, filter.customerId));
    if (filter.shipmentId) conditions.push(eq(tickets.shipmentId, filter.shipmentId));
    if (filter.repeat === true) conditions.push(isNotNull(tickets.repeatOfTicketId));
    if (filter.repeat === false) conditions.push(isNull(tickets.repeatOfTicketId));
    if (filter.sla) conditions.push(this.slaCondition(filter.sla, now));
    if (filter.q !== undefined) {
      const condition = this.searchCondition(filter.q);
      if (condition) conditions.push(condition);
    }
    return this.page(conditions, filter, now);
  }

  /**
   * breaching_soon: still running (not resolved, closed or paused), past a warning threshold but not
   * yet past the deadline, of the first response (while unanswered) or the resolution.
   * breached: still open and a deadline passed or a breach was recorded.
   */
  private slaCondition(kind: 'breaching_soon' | 'breached', now: Date): SQL {
    const at = sql`${now.toISOString()}::timestamptz`;
    const t = tickets;
    const running = sql`${t.status} not in ('resolved', 'closed')`;
    if (kind === 'breached') {
      return sql`${running} and (${t.firstResponseBreachedAt} is not null or ${t.resolutionBreachedAt} is not null
        or (${t.firstRespondedAt} is null and ${t.slaPausedAt} is null and ${t.firstResponseDueAt} <= ${at})
        or (${t.slaPausedAt} is null and ${t.resolutionDueAt} <= ${at}))`;
    }
    return sql`${running} and ${t.slaPausedAt} is null
      and ${t.firstResponseBreachedAt} is null and ${t.resolutionBreachedAt} is null
      and ((${t.firstRespondedAt} is null and ${t.firstResponseWarnAt} <= ${at} and ${t.firstResponseDueAt} > ${at})
        or (${t.resolutionWarnAt} <= ${at} and ${t.resolutionDueAt} > ${at}))
      and not (${t.firstRespondedAt} is null and ${t.firstResponseDueAt} <= ${at})
      and not (${t.resolutionDueAt} <= ${at})`;
  }

  private async page(conditions: SQL[], filter: { limit: number; cursor?: string }, now: Date) {
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor) conditions.push(afterTimeCursor(tickets.createdAt, tickets.id, cursor, 'desc'));
    const rows = (await this.selectViews(this.ctx.db, now)
      .where(and(...conditions))
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(filter.limit + 1)) as TicketView[];
    return toPage(rows, filter.limit, (r) => [r.createdAt.toISOString(), r.id]);
  }

  /** Tickets flagged as repeats: supervisors see their team's, managers and admins all. */
  async listRepeats(
    actor: Actor,
    filter: { customerId?: string; categoryId?: string; limit: number; cursor?: string },
  ) {
    if (actor.role !== 'supervisor' && actor.role !== 'manager' && actor.role !== 'admin') {
      throw forbidden('Repeat tickets are listed for supervisors, managers and admins.');
    }
    const conditions: SQL[] = [isNotNull(tickets.repeatOfTicketId)];
    if (actor.role === 'supervisor') {
      conditions.push(
        actor.teamDepartmentIds.length ? inArray(tickets.departmentId, actor.teamDepartmentIds) : sql`false`,
      );
    }
    if (filter.customerId) conditions.push(eq(tickets.customerId, filter.customerId));
    if (filter.categoryId) conditions.push(eq(tickets.categoryId, filter.categoryId));
    return this.page(conditions, filter, this.ctx.now());
  }

  async ownership(actor: Actor, id: string) {
    if (!isStaff(actor)) throw notFound('Ticket');
    await this.requireTicket(actor, id);
    const from = alias(users, 'from_user');
    const to = alias(users, 'to_user');
    const by = alias(users, 'by_user');
    return this.ctx.db
      .select({
        id: ticketOwnershipChanges.id,
        kind: ticketOwnershipChanges.kind,
        fromUserId: ticketOwnershipChanges.fromUserId,
        fromUserName: from.name,
        toUserId: ticketOwnershipChanges.toUserId,
        toUserName: to.name,
        reason: ticketOwnershipChanges.reason,
        byUserId: ticketOwnershipChanges.byUserId,
        byUserName: by.name,
        at: ticketOwnershipChanges.at,
      })
      .from(ticketOwnershipChanges)
      .innerJoin(to, eq(to.id, ticketOwnershipChanges.toUserId))
      .leftJoin(from, eq(from.id, ticketOwnershipChanges.fromUserId))
      .leftJoin(by, eq(by.id, ticketOwnershipChanges.byUserId))
      .where(eq(ticketOwnershipChanges.ticketId, id))
      .orderBy(asc(ticketOwnershipChanges.at), asc(ticketOwnershipChanges.id));
  }

  async messages(actor: Actor, id: string, publicOnly = false) {
    await this.requireTicket(actor, id);
    const hidden = publicOnly || !isStaff(actor);
    return this.ctx.db
      .select({
        id: ticketMessages.id,
        ticketId: ticketMessages.ticketId,
        kind: ticketMessages.kind,
        body: ticketMessages.body,
        authorId: ticketMessages.authorId,
        authorName: users.name,
        templateId: ticketMessages.templateId,
        createdAt: ticketMessages.createdAt,
      })
      .from(ticketMessages)
      .leftJoin(users, eq(users.id, ticketMessages.authorId))
      .where(
        and(
          eq(ticketMessages.ticketId, id),
          hidden ? inArray(ticketMessages.kind, ['reply', 'customer']) : undefined,
        ),
      )
      .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id));
  }

  // ---------------------------------------------------------------- update

  async update(actor: Actor, id: string, changes: TicketChanges, version: number): Promise<TicketView> {
    if (!isStaff(actor)) throw notFound('Ticket');
    const before = await this.requireWorkable(actor, id);
    const problems: FieldProblem[] = [];
    for (const field of ['subject', 'customerWords'] as const) {
      if (changes[field] !== undefined && !changes[field]!.trim())
        problems.push({ field, message: 'must not be blank' });
    }
    if (changes.contactId)
      await this.ctx.services.customers.checkContactOf(before.customerId, changes.contactId, problems);
    if (changes.categoryId) await this.checkCategory(changes.categoryId, problems, before.categoryId);
    if (changes.responsibleDepartmentId) {
      const [department] = await this.ctx.db
        .select({ id: departments.id })
        .from(departments)
        .where(eq(departments.id, changes.responsibleDepartmentId));
      if (!department) problems.push({ field: 'responsibleDepartmentId', message: 'no such department' });
    }
    if (changes.responsibleUserId) {
      const [person] = await this.ctx.db
        .select({ role: users.role })
        .from(users)
        .where(eq(users.id, changes.responsibleUserId));
      if (!person || person.role === 'portal')
        problems.push({ field: 'responsibleUserId', message: 'must be a member of staff' });
    }
    if (problems.length) throw validationFailed(problems);
    const now = this.ctx.now();
    const set: Partial<typeof tickets.$inferInsert> = {};
    if (changes.type !== undefined) set.type = changes.type;
    if (changes.channel !== undefined) set.channel = changes.channel;
    if (changes.contactId !== undefined) set.contactId = changes.contactId;
    if (changes.shipmentRef !== undefined) set.shipmentRef = trimOrNull(changes.shipmentRef);
    if (changes.lane !== undefined) set.lane = normalizeLane(changes.lane);
    if (changes.categoryId !== undefined) set.categoryId = changes.categoryId;
    if (changes.severity !== undefined) set.severity = changes.severity;
    if (changes.subject !== undefined) set.subject = changes.subject.trim();
    if (changes.customerWords !== undefined) set.customerWords = changes.customerWords.trim();
    if (changes.customerRequest !== undefined) set.customerRequest = trimOrNull(changes.customerRequest);
    if (changes.rootCause !== undefined) set.rootCause = changes.rootCause;
    if (changes.responsibleDepartmentId !== undefined)
      set.responsibleDepartmentId = changes.responsibleDepartmentId;
    if (changes.responsibleUserId !== undefined) set.responsibleUserId = changes.responsibleUserId;
    if (changes.responsiblePerson !== undefined)
      set.responsiblePerson = trimOrNull(changes.responsiblePerson);
    if (changes.measures !== undefined) set.measures = trimOrNull(changes.measures);
    if (changes.result !== undefined) set.result = trimOrNull(changes.result);
    if (changes.customerReaction !== undefined) set.customerReaction = changes.customerReaction;
    if (changes.verification !== undefined) {
      set.verification = trimOrNull(changes.verification);
      set.verifiedAt = set.verification ? now : null;
      set.verifiedBy = set.verification ? actor.id : null;
    }
    const merged = { ...before, ...set } as Ticket;
    set.searchVector = this.searchVector(merged) as unknown as string;
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(tickets)
        .set({ ...set, version: before.version + 1, updatedAt: now })
        .where(and(eq(tickets.id, id), eq(tickets.version, version)))
        .returning();
      if (!row) throw staleVersion(stripView(before));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'ticket',
        entityId: id,
        customerId: row.customerId,
        before: stripView(before),
        after: row,
      });
      if (
        (changes.type !== undefined && changes.type !== before.type) ||
        (changes.severity !== undefined && changes.severity !== before.severity)
      ) {
        await this.sla.refresh(tx, id);
      }
      return (await this.view(id, tx))!;
    });
  }

  // ---------------------------------------------------------------- ownership

  async take(actor: Actor, id: string, version?: number): Promise<TicketView> {
    if (!isStaff(actor)) throw notFound('Ticket');
    const before = await this.requireTicket(actor, id);
    if (!canTakeTicket(actor, before)) {
      throw forbidden(
        before.ownerId
          ? '首问负责制: this ticket has an owner; it moves only by their transfer or an escalation (or a take-over by a supervisor of their team, a manager or an admin).'
          : 'Only agents, supervisors, managers and admins take tickets.',
      );
    }
    return this.ctx.db.transaction(async (tx) => {
      const current = await this.lock(tx, id);
      if (version !== undefined && version !== current.version) throw staleVersion(current);
      if (current.ownerId !== before.ownerId) throw staleVersion(current);
      await this.changeOwner(tx, { ticketId: id, toUserId: actor.id, kind: 'take', reason: null, actor });
      return (await this.view(id, tx))!;
    });
  }

  async transfer(
    actor: Actor,
    id: string,
    input: { toUserId: string; reason: string },
    version?: number,
  ): Promise<TicketView> {
    if (!isStaff(actor)) throw notFound('Ticket');
    const before = await this.requireTicket(actor, id);
    if (!canTransferTicket(actor, before)) {
      throw forbidden(
        'Only the owner, a supervisor of their team, a manager or an admin may transfer this ticket.',
      );
    }
    const reason = input.reason.trim();
    if (!reason) throw validationFailed([{ field: 'reason', message: 'must not be blank' }]);
    return this.ctx.db.transaction(async (tx) => {
      const current = await this.lock(tx, id);
      if (version !== undefined && version !== current.version) throw staleVersion(current);
      // The right to transfer was checked on the owner read above; a concurrent take-over or
      // transfer moved the ticket, so this one would silently undo it.
      if (current.ownerId !== before.ownerId) throw staleVersion(current);
      const row = await this.changeOwner(tx, {
        ticketId: id,
        toUserId: input.toUserId,
        kind: 'transfer',
        reason,
        actor,
      });
      await this.ctx.services.notifications.notify(tx, {
        userId: input.toUserId,
        kind: 'ticket.transferred',
        title: `${actor.name} 将工单 ${row.number} 转交给你`,
        body: reason,
        link: `/tickets/${id}`,
        refType: 'ticket',
        refId: id,
      });
      return (await this.view(id, tx))!;
    });
  }

  // ---------------------------------------------------------------- conversation

  async postMessage(
    actor: Actor,
    id: string,
    input: { kind: 'reply' | 'note'; body: string; templateId?: string | null },
  ) {
    if (!isStaff(actor)) throw notFound('Ticket');
    const body = input.body.trim();
    if (!body) throw validationFailed([{ field: 'body', message: 'must not be blank' }]);
    // Internal notes: any member of staff (an operations colleague adds what they know). Public
    // replies speak for the company: the owner, their supervisors, managers and admins.
    const before =
      input.kind === 'reply' ? await this.requireWorkable(actor, id) : await this.requireTicket(actor, id);
    if (input.kind === 'reply' && before.status === 'new') {
      throw conflict('Take the ticket first: the person who answers the customer owns it (首问负责制).');
    }
    if (input.kind === 'reply' && before.status === 'closed') {
      throw conflict('The ticket is closed; reopen it to answer the customer.');
    }
    return this.ctx.db.transaction(async (tx) => {
      const current = await this.lock(tx, id);
      // Again under the lock: the ticket may have been closed since it was read above.
      if (input.kind === 'reply' && !canWorkTicket(actor, current)) throw staleVersion(current);
      if (input.kind === 'reply' && (current.status === 'new' || current.status === 'closed')) {
        throw conflict(`A ticket in status "${current.status}" cannot be answered.`, {
          ticketStatus: current.status,
        });
      }
      if (input.templateId) {
        const [template] = await tx
          .select({ id: responseTemplates.id })
          .from(responseTemplates)
          .where(eq(responseTemplates.id, input.templateId));
        if (!template) throw validationFailed([{ field: 'templateId', message: 'no such template' }]);
      }
      const message = await this.addMessage(tx, id, input.kind, body, actor.id, input.templateId ?? null);
      const now = this.ctx.now();
      const set: Partial<typeof tickets.$inferInsert> = { updatedAt: now, version: current.version + 1 };
      const first = input.kind === 'reply' && current.firstRespondedAt === null;
      if (first) set.firstRespondedAt = now;
      await tx.update(tickets).set(set).where(eq(tickets.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: input.kind === 'reply' ? 'reply' : 'note',
        entityType: 'ticket',
        entityId: id,
        customerId: current.customerId,
        after: { messageId: message.id, kind: input.kind, body },
      });
      if (first) await this.sla.refresh(tx, id);
      return { ...message, authorName: actor.name };
    });
  }

  // ---------------------------------------------------------------- status

  private assertAction(action: TicketAction, ticket: { status: TicketStatus }) {
    if (!canApply(action, ticket.status)) {
      throw conflict(`A ticket in status "${ticket.status}" cannot be ${ACTION_PAST[action]}.`, {
        ticketStatus: ticket.status,
      });
    }
  }

  /** Shared frame of the status actions: access, lock, version, status check, audit, view. */
  private async act(
    actor: Actor,
    id: string,
    action: TicketAction,
    version: number | undefined,
    work: (tx: DbOrTx, current: Ticket, now: Date) => Promise<Partial<typeof tickets.$inferInsert>>,
    after?: (tx: DbOrTx, row: Ticket, before: Ticket, now: Date) => Promise<void>,
  ): Promise<TicketView> {
    if (!isStaff(actor)) throw notFound('Ticket');
    const seen = await this.requireWorkable(actor, id);
    this.assertAction(action, seen);
    return this.ctx.db.transaction(async (tx) => {
      const current = await this.lock(tx, id);
      if (version !== undefined && version !== current.version) throw staleVersion(current);
      // The ticket may have moved to another owner since the access check above.
      if (!canWorkTicket(actor, current)) throw staleVersion(current);
      this.assertAction(action, current);
      const now = this.ctx.now();
      const set = await work(tx, current, now);
      const [row] = await tx
        .update(tickets)
        .set({ ...set, status: TICKET_ACTIONS[action].to, version: current.version + 1, updatedAt: now })
        .where(eq(tickets.id, id))
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action,
        entityType: 'ticket',
        entityId: id,
        customerId: row.customerId,
        before: { status: current.status },
        after: { status: row.status, ...set },
      });
      if (after) await after(tx, row, current, now);
      return (await this.view(id, tx))!;
    });
  }

  async wait(actor: Actor, id: string, reason: string, version?: number) {
    const text = reason.trim();
    if (!text) throw validationFailed([{ field: 'reason', message: 'must not be blank' }]);
    return this.act(
      actor,
      id,
      'wait',
      version,
      async (tx) => {
        await this.addMessage(tx, id, 'system', `等待客户回复，SLA 计时暂停。原因：${text}`, actor.id);
        return {};
      },
      async (tx, _row, _before, now) => {
        await this.sla.pause(tx, id, now, text);
      },
    );
  }

  async resume(actor: Actor, id: string, version?: number) {
    return this.act(
      actor,
      id,
      'resume',
      version,
      async (tx) => {
        await this.addMessage(tx, id, 'system', '继续处理，SLA 计时恢复', actor.id);
        return {};
      },
      async (tx, _row, _before, now) => {
        await this.sla.resume(tx, id, now);
      },
    );
  }

  async resolve(actor: Actor, id: string, resolution: string, version?: number) {
    const text = resolution.trim();
    if (!text) throw validationFailed([{ field: 'resolution', message: 'must not be blank' }]);
    return this.act(
      actor,
      id,
      'resolve',
      version,
      async (tx, current, now) => {
        // The proposed resolution is a public reply: the customer reads it and confirms or rejects it.
        await this.addMessage(tx, id, 'reply', `解决方案：${text}`, actor.id);
        return {
          resolution: text,
          resolvedAt: now,
          ...(current.firstRespondedAt === null ? { firstRespondedAt: now } : {}),
        };
      },
      async (tx, row, before, now) => {
        if (before.status !== 'waiting_customer') await this.sla.pause(tx, id, now, 'resolved');
        if (before.firstRespondedAt === null) await this.sla.refresh(tx, id);
        await this.ctx.services.timeline.add(
          tx,
          ticketTimelineEvent(TICKET_RESOLVED, row, { at: now, actorId: actor.id }),
        );
      },
    );
  }

  async close(
    actor: Actor,
    id: string,
    input: { customerConfirmed?: boolean; reason?: string },
    version?: number,
  ) {
    const reason = input.reason?.trim() ?? '';
    if (input.customerConfirmed !== true && !reason) {
      throw validationFailed(
        [{ field: 'reason', message: 'needed when the customer has not confirmed' }],
        "Closing needs the customer's confirmation (customerConfirmed: true) or a recorded reason.",
      );
    }
    const settings = await this.deskSettings();
    return this.act(
      actor,
      id,
      'close',
      version,
      (tx, current, now) =>
        this.closing(tx, current, now, actor, input.customerConfirmed === true, reason || null),
      (tx, row, before, now) => this.afterClose(tx, row, before, now, actor, settings),
    );
  }

  /** The fields a close sets (staff close or the customer's confirmation in the portal). */
  private async closing(
    tx: DbOrTx,
    current: Ticket,
    now: Date,
    actor: Actor,
    confirmed: boolean,
    reason: string | null,
  ): Promise<Partial<typeof tickets.$inferInsert>> {
    const firstContact = await this.firstContactFacts(tx, current);
    await this.addMessage(
      tx,
      current.id,
      'system',
      confirmed
        ? `客户确认解决，工单关闭${reason ? `（${reason}）` : ''}`
        : `工单关闭（客户未确认）。原因：${reason}`,
      actor.id,
    );
    return {
      closedAt: now,
      closedBy: actor.id,
      closeReason: reason,
      customerConfirmed: confirmed,
      customerConfirmedAt: confirmed ? now : null,
      resolvedAt: current.resolvedAt ?? now,
      resolvedAtFirstContact: resolvedAtFirstContact(firstContact),
    };
  }

  private async afterClose(
    tx: DbOrTx,
    row: Ticket,
    before: Ticket,
    now: Date,
    actor: Actor,
    settings: DeskSettings,
  ): Promise<void> {
    if (before.status === 'open') await this.sla.pause(tx, row.id, now, 'closed');
    await this.ctx.services.workOrders.withdrawForClosedTicket(tx, actor, row.id);
    await this.scheduleVisits(tx, row, actor, now, settings);
    await this.ctx.services.timeline.add(
      tx,
      ticketTimelineEvent(
        TICKET_CLOSED,
        row,
        { at: now, actorId: actor.id },
        { customerConfirmed: row.customerConfirmed },
      ),
    );
    // A closed complaint: an active after-complaint survey asks the customer how it went (issue 5).
    await this.ctx.services.surveys.onComplaintClosed(tx, row.id);
  }

  private async firstContactFacts(tx: DbOrTx, ticket: Ticket): Promise<FirstContactFacts> {
    const [handOvers] = await tx
      .select({ n: count() })
      .from(ticketOwnershipChanges)
      .where(
        and(eq(ticketOwnershipChanges.ticketId, ticket.id), isNotNull(ticketOwnershipChanges.fromUserId)),
      );
    const [steps] = await tx
      .select({ n: count() })
      .from(ticketEscalations)
      .where(eq(ticketEscalations.ticketId, ticket.id));
    const [orders] = await tx
      .select({ n: count() })
      .from(workOrders)
      .where(eq(workOrders.ticketId, ticket.id));
    const [waits] = await tx
      .select({ n: count() })
      .from(auditLog)
      .where(
        and(eq(auditLog.entityType, 'ticket'), eq(auditLog.entityId, ticket.id), eq(auditLog.action, 'wait')),
      );
    return {
      handOvers: Number(handOvers.n),
      escalations: Number(steps.n),
      workOrders: Number(orders.n),
      reopenCount: ticket.reopenCount,
      waitedOnCustomer: Number(waits.n) > 0 || ticket.status === 'waiting_customer',
    };
  }

  /**
   * 回访 after every closed ticket and, for complaints, 二次回访, on the owner's task list. The source
   * keys make a second close (after a reopen) find the tasks it made the first time.
   */
  private async scheduleVisits(
    tx: DbOrTx,
    row: Ticket,
    actor: Actor,
    now: Date,
    settings: DeskSettings,
  ): Promise<void> {
    const assigneeId = row.ownerId;
    if (!assigneeId) return;
    const { followUpDays, secondDays, timeZone } = settings;
    const [customer] = await tx
      .select({ id: customers.id, ownerId: customers.ownerId, teamId: customers.teamId })
      .from(customers)
      .where(eq(customers.id, row.customerId));
    let contactId = row.contactId;
    if (contactId) {
      const [contact] = await tx
        .select({ doNotContact: contacts.doNotContact })
        .from(contacts)
        .where(eq(contacts.id, contactId));
      if (!contact || contact.doNotContact) contactId = null;
    }
    const plans: { kind: 'post_complaint' | 'second_visit'; key: string; days: number; title: string }[] = [
      {
        kind: 'post_complaint',
        key: `ticket:${row.id}:visit`,
        days: followUpDays,
        title: `回访：${row.number} ${row.subject}`,
      },
    ];
    if (row.type === 'complaint') {
      plans.push({
        kind: 'second_visit',
        key: `ticket:${row.id}:second`,
        days: secondDays,
        title: `二次回访：${row.number} ${row.subject}`,
      });
    }
    for (const plan of plans) {
      const [exists] = await tx
        .select({ id: followUps.id })
        .from(followUps)
        .where(eq(followUps.sourceKey, plan.key));
      if (exists) continue;
      await this.ctx.services.followUps.insert(
        tx,
        actor,
        customer,
        {
          assigneeId,
          contactId,
          kind: plan.kind,
          title: plan.title,
          notes: row.resolution,
          dueAt: new Date(now.getTime() + Math.max(0, plan.days) * DAY_MS),
          status: 'open',
          createdBy: actor.via === 'system' ? null : actor.id,
          sourceKey: plan.key,
        },
        timeZone,
      );
    }
  }

  async reopen(actor: Actor, id: string, reason: string, version?: number) {
    const text = reason.trim();
    if (!text) throw validationFailed([{ field: 'reason', message: 'must not be blank' }]);
    const reopening = await this.ctx.services.settings.getMany([
      'tickets.reopenWindowDays',
      'tickets.autoEscalateAfterReopens',
    ]);
    const windowDays = Number(reopening['tickets.reopenWindowDays']);
    const threshold = Number(reopening['tickets.autoEscalateAfterReopens']);
    return this.act(
      actor,
      id,
      'reopen',
      version,
      async (tx, current, now) => {
        if (current.status === 'closed' && !withinReopenWindow(current.closedAt, now, windowDays)) {
          throw conflict(
            `This ticket was closed on ${current.closedAt!.toISOString()}; it could be reopened for ${windowDays} days (until ${reopenDeadline(current.closedAt!, windowDays).toISOString()}). Open a new ticket instead.`,
            { closedAt: current.closedAt, reopenWindowDays: windowDays },
          );
        }
        await this.addMessage(
          tx,
          id,
          'system',
          `工单重新打开（第 ${current.reopenCount + 1} 次）。原因：${text}`,
          actor.id,
        );
        return {
          reopenCount: current.reopenCount + 1,
          closedAt: null,
          closedBy: null,
          closeReason: null,
          customerConfirmed: null,
          customerConfirmedAt: null,
          resolvedAt: null,
          resolvedAtFirstContact: null,
        };
      },
      async (tx, row, _before, now) => {
        await this.sla.resume(tx, id, now);
        await this.sla.refresh(tx, id);
        await this.ctx.services.timeline.add(
          tx,
          ticketTimelineEvent(
            TICKET_REOPENED,
            row,
            { at: now, actorId: actor.id },
            { reopenCount: row.reopenCount },
          ),
        );
        if (reopenTriggersEscalation(row.reopenCount, threshold)) {
          await this.ctx.services.escalations.escalate(tx, null, id, {
            kind: 'person',
            trigger: 'reopened',
            reason: `工单已重新打开 ${row.reopenCount} 次：${text}`,
          });
        }
      },
    );
  }

  // ---------------------------------------------------------------- portal (the customer's own view)

  private portalCustomerId(actor: Actor): string {
    if (actor.role !== 'portal' || !actor.customerId) throw notFound('Ticket');
    return actor.customerId;
  }

  private selectPortal(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        id: tickets.id,
        number: tickets.number,
        type: tickets.type,
        status: tickets.status,
        categoryId: tickets.categoryId,
        categoryName: ticketCategories.name,
        subject: tickets.subject,
        customerWords: tickets.customerWords,
        customerRequest: tickets.customerRequest,
        shipmentRef: tickets.shipmentRef,
        shipmentId: tickets.shipmentId,
        ownerName: owners.name,
        receivedAt: tickets.receivedAt,
        resolvedAt: tickets.resolvedAt,
        resolution: tickets.resolution,
        result: tickets.result,
        customerReaction: tickets.customerReaction,
        customerConfirmed: tickets.customerConfirmed,
        closedAt: tickets.closedAt,
        createdAt: tickets.createdAt,
        updatedAt: tickets.updatedAt,
      })
      .from(tickets)
      .innerJoin(ticketCategories, eq(ticketCategories.id, tickets.categoryId))
      .leftJoin(owners, eq(owners.id, tickets.ownerId));
  }

  /** The public view of one of the portal user's own tickets; any other id is 404. */
  async portalGet(actor: Actor, id: string, db: DbOrTx = this.ctx.db) {
    const customerId = this.portalCustomerId(actor);
    if (!isUuid(id)) throw notFound('Ticket');
    const [row] = await this.selectPortal(db).where(
      and(eq(tickets.id, id), eq(tickets.customerId, customerId)),
    );
    if (!row) throw notFound('Ticket');
    const messages = await this.messages(actor, id, true);
    return {
      ...row,
      messages: messages.map((m) => ({
        id: m.id,
        kind: m.kind as 'reply' | 'customer',
        body: m.body,
        authorName: m.authorName,
        createdAt: m.createdAt,
      })),
    };
  }

  async portalList(actor: Actor, filter: { status?: TicketStatus; limit: number; cursor?: string }) {
    // A bad cursor is a bad request whoever sends it (checked before the portal-only 404).
    const cursor = decodeTimeCursor(filter.cursor);
    const customerId = this.portalCustomerId(actor);
    const conditions: SQL[] = [eq(tickets.customerId, customerId)];
    if (filter.status) conditions.push(eq(tickets.status, filter.status));
    if (cursor) conditions.push(afterTimeCursor(tickets.createdAt, tickets.id, cursor, 'desc'));
    const rows = await this.selectPortal()
      .where(and(...conditions))
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(filter.limit + 1);
    return toPage(rows, filter.limit, (r) => [r.createdAt.toISOString(), r.id]);
  }

  /**
   * A portal user files an inquiry or complaint for their own company. It waits as `new` without an
   * owner until someone at the desk takes it; the customer's account owner gets an in-app notice.
   */
  async portalCreate(
    actor: Actor,
    input: {
      type: 'inquiry' | 'complaint';
      categoryId: string;
      subject: string;
      customerWords: string;
      customerRequest?: string | null;
      shipmentRef?: string | null;
      shipmentId?: string | null;
    },
  ) {
    const customerId = this.portalCustomerId(actor);
    const customer = await this.ctx.services.customers.requireReadable(actor, customerId);
    this.ctx.services.customers.assertOpenFile(customer);
    const values = await this.validateNew(customerId, { ...input, channel: 'portal', customerId });
    const settings = await this.deskSettings();
    const id = await this.ctx.db.transaction(async (tx) => {
      const row = await this.insertTicket(tx, actor, settings, {
        ...values,
        source: 'portal',
        status: 'new',
        ownerId: null,
        departmentId: null,
      });
      await this.ctx.services.notifications.notify(tx, {
        userId: customer.ownerId,
        kind: 'ticket.portal_filed',
        title: `${customer.name} 通过门户提交了${input.type === 'complaint' ? '投诉' : '咨询'}：${row.number}`,
        body: row.subject,
        link: `/tickets/${row.id}`,
        refType: 'ticket',
        refId: row.id,
        sourceKey: `ticket:${row.id}:filed`,
      });
      return row.id;
    });
    return this.portalGet(actor, id);
  }

  private async notifyHandler(tx: DbOrTx, row: Ticket, title: string, body: string, key?: string) {
    let userId = row.ownerId;
    if (!userId) {
      const [customer] = await tx
        .select({ ownerId: customers.ownerId })
        .from(customers)
        .where(eq(customers.id, row.customerId));
      userId = customer?.ownerId ?? null;
    }
    if (!userId) return;
    await this.ctx.services.notifications.notify(tx, {
      userId,
      kind: 'ticket.customer_message',
      title,
      body,
      link: `/tickets/${row.id}`,
      refType: 'ticket',
      refId: row.id,
      sourceKey: key ?? null,
    });
  }

  /** The customer writes on their ticket; a ticket waiting on the customer goes back to work. */
  async portalMessage(actor: Actor, id: string, body: string) {
    await this.portalGet(actor, id);
    const text = body.trim();
    if (!text) throw validationFailed([{ field: 'body', message: 'must not be blank' }]);
    await this.ctx.db.transaction(async (tx) => {
      const current = await this.lock(tx, id);
      if (current.status === 'closed') {
        throw conflict('This request is closed. Please file a new one if you need more help.');
      }
      const now = this.ctx.now();
      await this.addMessage(tx, id, 'customer', text, actor.id);
      const resumes = current.status === 'waiting_customer';
      const [row] = await tx
        .update(tickets)
        .set({
          ...(resumes ? { status: 'open' as const } : {}),
          version: current.version + 1,
          updatedAt: now,
        })
        .where(eq(tickets.id, id))
        .returning();
      if (resumes) {
        await this.addMessage(tx, id, 'system', '客户已回复，SLA 计时恢复', null);
        await this.sla.resume(tx, id, now);
      }
      await this.ctx.services.audit.record(tx, actor, {
        action: 'customer_message',
        entityType: 'ticket',
        entityId: id,
        customerId: row.customerId,
        after: { body: text, status: row.status },
      });
      await this.notifyHandler(tx, row, `客户在工单 ${row.number} 中留言`, text);
    });
    return this.portalGet(actor, id);
  }

  /**
   * The customer answers a proposed resolution: accepted closes the ticket as confirmed (with the
   * follow-up visits); rejected sends it back to work (status open, SLA clock running again) with the
   * comment as a customer message. A rejection is not counted as a reopen.
   */
  async portalConfirm(actor: Actor, id: string, input: { accepted: boolean; comment?: string }) {
    await this.portalGet(actor, id);
    const comment = input.comment?.trim() ?? '';
    const settings = await this.deskSettings();
    await this.ctx.db.transaction(async (tx) => {
      const current = await this.lock(tx, id);
      const action: TicketAction = input.accepted ? 'close' : 'reject';
      if (current.status !== 'resolved') {
        throw conflict('There is no proposed resolution to answer on this request.', {
          ticketStatus: current.status,
        });
      }
      const now = this.ctx.now();
      if (comment) await this.addMessage(tx, id, 'customer', comment, actor.id);
      let set: Partial<typeof tickets.$inferInsert>;
      if (input.accepted) {
        set = await this.closing(tx, current, now, actor, true, null);
      } else {
        await this.addMessage(tx, id, 'system', '客户未接受解决方案，工单回到处理中', null);
        set = { resolvedAt: null };
      }
      const [row] = await tx
        .update(tickets)
        .set({ ...set, status: TICKET_ACTIONS[action].to, version: current.version + 1, updatedAt: now })
        .where(eq(tickets.id, id))
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: input.accepted ? 'customer_confirm' : 'customer_reject',
        entityType: 'ticket',
        entityId: id,
        customerId: row.customerId,
        before: { status: current.status },
        after: { status: row.status, comment: comment || null },
      });
      if (input.accepted) {
        await this.afterClose(tx, row, current, now, actor, settings);
      } else {
        await this.sla.resume(tx, id, now);
      }
      await this.notifyHandler(
        tx,
        row,
        input.accepted
          ? `客户确认了工单 ${row.number} 的解决方案`
          : `客户未接受工单 ${row.number} 的解决方案`,
        comment,
      );
    });
    return this.portalGet(actor, id);
  }
}

interface DeskSettings {
  timeZone: string;
  repeatDays: number;
  followUpDays: number;
  secondDays: number;
}

const ACTION_PAST: Record<TicketAction, string> = {
  wait: 'put on hold',
  resume: 'resumed',
  resolve: 'resolved',
  close: 'closed',
  reopen: 'reopened',
  reject: 'sent back',
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far in the future a receipt time may be: clocks of phones and PCs drift a little. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

function trimOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** CNSHA - deham → CNSHA-DEHAM. */
function normalizeLane(lane: string | null | undefined): string | null {
  const text = trimOrNull(lane);
  if (!text) return null;
  const [from, to] = text.split(/\s*[-–>]\s*/);
  return `${from.toUpperCase()}-${to.toUpperCase()}`;
}

function stripView(view: TicketView): Omit<Ticket, 'searchVector'> {
  const {
    customerName: _c,
    contactName: _k,
    ownerName: _o,
    categoryCode: _cc,
    categoryName: _cn,
    departmentName: _d,
    slaState: _s,
    repeatOfNumber: _r,
    ...row
  } = view;
  return row;
}
