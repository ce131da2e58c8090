import { and, asc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import {
  type LadderInput,
  type LadderPerson,
  departmentChain,
  escalationLadder,
  isMoreSenior,
  nextEscalation,
} from '../../domain/escalation.ts';
import { canWorkTicket } from '../../domain/tickets.ts';
import type { AppContext } from '../../server/context.ts';
import { isUuid } from '../../server/schemas.ts';
import { Problem, conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { ticketEscalations, ticketMessages, tickets } from '../tickets/tables.ts';
import { users } from '../users/tables.ts';

export type EscalationKind = 'person' | 'place' | 'time';
export type EscalationTrigger = 'manual' | 'sla_breach' | 'reopened';
type Ticket = typeof tickets.$inferSelect;

export interface EscalationInput {
  kind: EscalationKind;
  trigger?: EscalationTrigger;
  reason: string;
  toUserId?: string | null;
  place?: string | null;
  attendees?: string[];
  scheduledAt?: string | Date | null;
}

export interface EscalationTargetView {
  userId: string;
  name: string;
  role: string;
  departmentId: string | null;
  departmentName: string | null;
  /** The level the ticket reaches when this person takes it over (换人). */
  level: number;
  /** Heads a department on the ladder (else a supervisor or manager above). */
  head: boolean;
}

const KIND_NAMES: Record<EscalationKind, string> = { person: '换人', place: '换地', time: '换时' };
const OWNER_ROLES = ['agent', 'supervisor', 'manager', 'admin'];
const fromUser = alias(users, 'escalation_from');
const toUser = alias(users, 'escalation_to');
const byUser = alias(users, 'escalation_by');

function trimOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/**
 * 三换 escalation of tickets: 换人 hands the ticket to a more senior person up the department tree
 * (manually or automatically on an SLA breach or repeated reopening), 换地 records moving the
 * conversation to a visit or meeting, 换时 books a later appointment with a more senior manager.
 * Every step is a ticket_escalations row with who, when, why and the level reached.
 */
export class EscalationsService {
  constructor(readonly ctx: AppContext) {}

  // --- the ladder --------------------------------------------------------------------------------

  private async ladderInput(
    db: DbOrTx,
    ticket: Ticket,
  ): Promise<LadderInput & { owner: LadderPerson | null }> {
    const tree = await db
      .select({ id: departments.id, parentId: departments.parentId, headUserId: departments.headUserId })
      .from(departments);
    const owner = ticket.ownerId ? await this.person(db, ticket.ownerId) : null;
    return {
      departments: tree,
      ownerId: ticket.ownerId,
      ownerDepartmentId: owner?.departmentId ?? ticket.departmentId,
      currentLevel: ticket.escalationLevel,
      owner: owner ?? null,
    };
  }

  private async person(db: DbOrTx, id: string) {
    if (!isUuid(id)) return undefined;
    const [row] = await db
      .select({
        id: users.id,
        name: users.name,
        role: users.role,
        active: users.active,
        departmentId: users.departmentId,
      })
      .from(users)
      .where(eq(users.id, id));
    return row;
  }

  /** Who 换人 / 换时 may go to: the heads up the ladder, then other supervisors and managers above. */
  private async targetsOf(db: DbOrTx, ticket: Ticket): Promise<EscalationTargetView[]> {
    const input = await this.ladderInput(db, ticket);
    const ladder = escalationLadder(input);
    const chain = input.ownerDepartmentId ? departmentChain(input.departments, input.ownerDepartmentId) : [];
    const ids = new Set(ladder.map((rung) => rung.userId));
    const people = chain.length
      ? await db
          .select({
            id: users.id,
            name: users.name,
            role: users.role,
            active: users.active,
            departmentId: users.departmentId,
            departmentName: departments.name,
          })
          .from(users)
          .leftJoin(departments, eq(departments.id, users.departmentId))
          .where(and(eq(users.active, true), inArray(users.role, ['supervisor', 'manager'])))
      : [];
    const heads = ladder.length
      ? await db
          .select({
            id: users.id,
            name: users.name,
            role: users.role,
            active: users.active,
            departmentId: users.departmentId,
          })
          .from(users)
          .where(inArray(users.id, [...ids]))
      : [];
    const names = new Map(
      (await db.select({ id: departments.id, name: departments.name }).from(departments)).map((d) => [
        d.id,
        d.name,
      ]),
    );
    const result: EscalationTargetView[] = [];
    for (const rung of ladder) {
      const head = heads.find((h) => h.id === rung.userId);
      if (!head?.active || !OWNER_ROLES.includes(head.role)) continue;
      result.push({
        userId: head.id,
        name: head.name,
        role: head.role,
        departmentId: rung.departmentId,
        departmentName: names.get(rung.departmentId) ?? null,
        level: rung.level,
        head: true,
      });
    }
    for (const person of people) {
      if (ids.has(person.id) || !isMoreSenior(input, person)) continue;
      result.push({
        userId: person.id,
        name: person.name,
        role: person.role,
        departmentId: person.departmentId,
        departmentName: person.departmentName,
        level: ticket.escalationLevel + 1,
        head: false,
      });
    }
    return result;
  }

  // --- reading ---------------------------------------------------------------------------------

  /** Escalations are internal: staff read them, a portal user gets 404 like for an unknown ticket. */
  private async requireStaffTicket(actor: Actor, ticketId: string): Promise<Ticket> {
    if (!isUuid(ticketId)) throw notFound('Ticket');
    await this.ctx.services.sla.requireReadableTicket(actor, ticketId);
    if (!isStaff(actor)) throw notFound('Ticket');
    const [ticket] = await this.ctx.db.select().from(tickets).where(eq(tickets.id, ticketId));
    if (!ticket) throw notFound('Ticket');
    return ticket;
  }

  /** The ticket's escalation ladder: every 三换 step, oldest first. */
  async list(actor: Actor, ticketId: string) {
    await this.requireStaffTicket(actor, ticketId);
    return this.ctx.db
      .select({
        id: ticketEscalations.id,
        ticketId: ticketEscalations.ticketId,
        kind: ticketEscalations.kind,
        trigger: ticketEscalations.trigger,
        level: ticketEscalations.level,
        reason: ticketEscalations.reason,
        fromUserId: ticketEscalations.fromUserId,
        fromUserName: fromUser.name,
        toUserId: ticketEscalations.toUserId,
        toUserName: toUser.name,
        departmentId: ticketEscalations.departmentId,
        departmentName: departments.name,
        place: ticketEscalations.place,
        attendees: ticketEscalations.attendees,
        scheduledAt: ticketEscalations.scheduledAt,
        byUserId: ticketEscalations.byUserId,
        byUserName: byUser.name,
        createdAt: ticketEscalations.createdAt,
      })
      .from(ticketEscalations)
      .leftJoin(fromUser, eq(fromUser.id, ticketEscalations.fromUserId))
      .leftJoin(toUser, eq(toUser.id, ticketEscalations.toUserId))
      .leftJoin(byUser, eq(byUser.id, ticketEscalations.byUserId))
      .leftJoin(departments, eq(departments.id, ticketEscalations.departmentId))
      .where(eq(ticketEscalations.ticketId, ticketId))
      .orderBy(asc(ticketEscalations.createdAt), asc(ticketEscalations.id));
  }

  async targets(actor: Actor, ticketId: string) {
    const ticket = await this.requireStaffTicket(actor, ticketId);
    const items = await this.targetsOf(this.ctx.db, ticket);
    return {
      ticketId,
      currentLevel: ticket.escalationLevel,
      ownerId: ticket.ownerId,
      next: items.find((item) => item.head) ?? null,
      items,
    };
  }

  // --- escalating --------------------------------------------------------------------------------

  /** Manual escalation: the owner, supervisors of the ticket's team, managers and admins. */
  async escalateByActor(actor: Actor, ticketId: string, input: EscalationInput) {
    const ticket = await this.requireStaffTicket(actor, ticketId);
    const allowed =
      actor.role === 'admin' ||
      actor.role === 'manager' ||
      (ticket.ownerId !== null && ticket.ownerId === actor.id) ||
      (actor.role === 'supervisor' &&
        ticket.departmentId !== null &&
        actor.teamDepartmentIds.includes(ticket.departmentId));
    if (!allowed) {
      throw forbidden(
        'Only the ticket owner, a supervisor of their team, a manager or an admin may escalate.',
      );
    }
    const id = await this.ctx.db.transaction((tx) =>
      this.escalate(tx, actor, ticketId, { ...input, trigger: 'manual' }),
    );
    const [row] = (await this.list(actor, ticketId)).filter((step) => step.id === id);
    return row;
  }

  /**
   * 换人 by the system (SLA breach, reopenings) to the next person up the ladder inside `tx`;
   * nothing when there is nobody higher. Returns whether the ticket moved.
   */
  async autoEscalate(
    tx: DbOrTx,
    ticketId: string,
    trigger: EscalationTrigger,
    reason: string,
  ): Promise<boolean> {
    return (await this.escalate(tx, null, ticketId, { kind: 'person', trigger, reason })) !== null;
  }

  /**
   * One 三换 step inside `tx` (the caller checked the actor may do it). Returns the id of the
   * ticket_escalations row. With `actor` null the system escalates (SLA breach, reopenings): when
   * there is nobody higher, or the ticket is closed, nothing happens and null is returned instead
   * of an error, so the action that triggered it still succeeds.
   */
  async escalate(tx: DbOrTx, actor: Actor, ticketId: string, input: EscalationInput): Promise<string>;
  async escalate(tx: DbOrTx, actor: null, ticketId: string, input: EscalationInput): Promise<string | null>;
  async escalate(
    tx: DbOrTx,
    actor: Actor | null,
    ticketId: string,
    input: EscalationInput,
  ): Promise<string | null> {
    if (actor) return this.step(tx, actor, ticketId, input);
    try {
      return await this.step(tx, null, ticketId, input);
    } catch (error) {
      if (error instanceof Problem && (error.status === 422 || error.status === 409)) {
        this.ctx.log.info(
          { ticketId, trigger: input.trigger, detail: error.detail },
          'no automatic escalation',
        );
        return null;
      }
      throw error;
    }
  }

  private async step(
    tx: DbOrTx,
    actor: Actor | null,
    ticketId: string,
    input: EscalationInput,
  ): Promise<string> {
    const [ticket] = await tx.select().from(tickets).where(eq(tickets.id, ticketId)).for('update');
    if (!ticket) throw notFound('Ticket');
    if (ticket.status === 'closed') throw conflict('A closed ticket is not escalated; reopen it first.');
    // The actor's right was checked before the lock; a concurrent step or transfer may have moved
    // the ticket since (a double click would otherwise climb two rungs).
    if (actor && !canWorkTicket(actor, ticket)) {
      throw conflict('The ticket changed hands meanwhile; reload it and decide again.', {
        ownerId: ticket.ownerId,
        escalationLevel: ticket.escalationLevel,
      });
    }
    const now = this.ctx.now();
    const reason = input.reason.trim();
    const problems: { field: string; message: string }[] = [];
    if (!reason) problems.push({ field: 'reason', message: 'must not be blank' });
    const ladder = await this.ladderInput(tx, ticket);
    const id = uuidv7();
    let level = ticket.escalationLevel;
    let toUserId: string | null = null;
    let departmentId: string | null = null;
    let place: string | null = null;
    let attendees: string[] = [];
    let scheduledAt: Date | null = null;

    const senior = async (field: string) => {
      const candidate = input.toUserId ? await this.person(tx, input.toUserId) : undefined;
      if (!candidate || !OWNER_ROLES.includes(candidate.role) || !isMoreSenior(ladder, candidate)) {
        problems.push({
          field,
          message:
            'must be a more senior person: the head of a department above the owner, or a supervisor or manager above them',
        });
        return undefined;
      }
      return candidate;
    };

    if (input.kind === 'person') {
      if (input.toUserId) {
        const candidate = await senior('toUserId');
        if (candidate) {
          const rung = escalationLadder(ladder).find((r) => r.userId === candidate.id);
          toUserId = candidate.id;
          level = rung?.level ?? ticket.escalationLevel + 1;
          departmentId = rung?.departmentId ?? candidate.departmentId;
        }
      } else {
        const next = nextEscalation(ladder);
        if (!next.found) {
          problems.push({
            field: 'toUserId',
            message:
              next.reason === 'no_department'
                ? 'the owner has no department, so there is no ladder to climb; name the person'
                : 'nowhere higher: nobody heads a department above the owner',
          });
        } else {
          const head = await this.person(tx, next.rung.userId);
          if (!head?.active || !OWNER_ROLES.includes(head.role)) {
            problems.push({
              field: 'toUserId',
              message: 'the next head up the ladder is not an active staff user',
            });
          } else {
            toUserId = head.id;
            level = next.rung.level;
            departmentId = next.rung.departmentId;
          }
        }
      }
    } else if (input.kind === 'place') {
      place = trimOrNull(input.place);
      if (!place)
        problems.push({ field: 'place', message: 'is required for 换地 (where the conversation moves)' });
      attendees = (input.attendees ?? []).map((a) => a.trim()).filter((a) => a !== '');
      scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : null;
      // 换地 changes no owner: a toUserId sent along (a form's leftover) is ignored.
    } else {
      scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : null;
      if (!scheduledAt || Number.isNaN(scheduledAt.getTime())) {
        problems.push({ field: 'scheduledAt', message: 'is required for 换时 (the appointment time)' });
      } else if (scheduledAt.getTime() <= now.getTime()) {
        problems.push({ field: 'scheduledAt', message: 'must be in the future' });
      }
      if (!input.toUserId) {
        problems.push({ field: 'toUserId', message: 'is required for 换时 (the more senior manager)' });
      } else {
        const candidate = await senior('toUserId');
        if (candidate) {
          toUserId = candidate.id;
          departmentId = candidate.departmentId;
        }
      }
      place = trimOrNull(input.place);
      attendees = (input.attendees ?? []).map((a) => a.trim()).filter((a) => a !== '');
    }
    if (problems.length) throw validationFailed(problems);

    const byUserId = actor && actor.via !== 'system' ? actor.id : null;
    const target = toUserId ? await this.person(tx, toUserId) : undefined;
    if (input.kind === 'person') {
      await this.ctx.services.tickets.changeOwner(tx, {
        ticketId,
        toUserId: toUserId!,
        kind: 'escalation',
        reason,
        actor,
        escalationLevel: level,
      });
    }
    const [row] = await tx
      .insert(ticketEscalations)
      .values({
        id,
        ticketId,
        kind: input.kind,
        trigger: input.trigger ?? 'manual',
        level,
        reason,
        fromUserId: ticket.ownerId,
        toUserId,
        departmentId,
        place,
        attendees,
        scheduledAt,
        byUserId,
        createdAt: now,
      })
      .returning();
    const by = actor?.name ?? '系统';
    const when = scheduledAt ? scheduledAt.toISOString() : null;
    let line: string;
    if (input.kind === 'person') line = `升级（换人）至 ${target?.name}（第 ${level} 级）`;
    else if (input.kind === 'place')
      line = `换地：改在「${place}」沟通${attendees.length ? `，参加人：${attendees.join('、')}` : ''}`;
    else line = `换时：约定与 ${target?.name} 面谈`;
    if (input.kind !== 'person') {
      // 换人 writes its own line through the ownership change.
      await tx.insert(ticketMessages).values({
        id: uuidv7(),
        ticketId,
        kind: 'system',
        body: `${by} ${line}${when ? `（${await this.formatAt(tx, scheduledAt!)}）` : ''}。原因：${reason}`,
        authorId: byUserId,
        createdAt: now,
      });
    }
    if (input.kind === 'time') await this.bookAppointment(tx, actor, ticket, row, target!);
    if (target && target.id !== byUserId) {
      await this.ctx.services.notifications.notify(tx, {
        userId: target.id,
        kind: input.kind === 'person' ? 'ticket.escalated' : 'ticket.appointment',
        title:
          input.kind === 'person'
            ? `工单 ${ticket.number} 已升级交给您（第 ${level} 级）`
            : `换时约见：工单 ${ticket.number} 请您与客户面谈`,
        body: `${ticket.subject}。原因：${reason}`,
        link: `/tickets/${ticketId}`,
        refType: 'ticket',
        refId: ticketId,
        sourceKey: `escalation:${id}`,
      });
    }
    await this.ctx.services.timeline.add(tx, {
      customerId: ticket.customerId,
      at: now,
      kind: 'ticket.escalated',
      refType: 'ticket',
      refId: ticketId,
      title: `工单 ${ticket.number} ${KIND_NAMES[input.kind]}：${line}`,
      detail: {
        escalationId: id,
        kind: input.kind,
        trigger: input.trigger ?? 'manual',
        level,
        reason,
        toUserId,
        place,
        attendees,
        scheduledAt: when,
      },
      departmentId: ticket.departmentId,
      actorId: byUserId,
    });
    await this.ctx.services.audit.record(tx, actor, {
      action: 'create',
      entityType: 'ticket_escalation',
      entityId: id,
      customerId: ticket.customerId,
      after: row,
    });
    return id;
  }

  private async formatAt(tx: DbOrTx, at: Date): Promise<string> {
    return at.toLocaleString('zh-CN', {
      timeZone: await this.ctx.services.settings.displayTimeZone(tx),
      hour12: false,
    });
  }

  /** 换时: the appointment goes on the senior manager's task list as a follow-up. */
  private async bookAppointment(
    tx: DbOrTx,
    actor: Actor | null,
    ticket: Ticket,
    escalation: typeof ticketEscalations.$inferSelect,
    manager: { id: string },
  ): Promise<void> {
    const [customer] = await tx
      .select({ id: customers.id, ownerId: customers.ownerId, teamId: customers.teamId })
      .from(customers)
      .where(eq(customers.id, ticket.customerId));
    await this.ctx.services.followUps.insert(
      tx,
      actor,
      customer,
      {
        assigneeId: manager.id,
        contactId: ticket.contactId,
        kind: 'manual',
        title: `换时约见：工单 ${ticket.number} ${ticket.subject}`.slice(0, 200),
        notes: `升级原因：${escalation.reason}${escalation.place ? `\n地点：${escalation.place}` : ''}${
          escalation.attendees.length ? `\n参加人：${escalation.attendees.join('、')}` : ''
        }`,
        dueAt: escalation.scheduledAt!,
        status: 'open',
        createdBy: actor && actor.via !== 'system' ? actor.id : null,
        sourceKey: `escalation:${escalation.id}`,
      },
      await this.ctx.services.settings.displayTimeZone(tx),
    );
  }
}
