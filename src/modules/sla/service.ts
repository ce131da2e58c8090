import { type SQLWrapper, and, asc, eq, isNotNull, isNull, notInArray, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import { isStaff } from '../../domain/access.ts';
import { nextEscalation } from '../../domain/escalation.ts';
import {
  type BusinessCalendar,
  DEFAULT_SLA_WARNING_FRACTION,
  type SlaPause,
  type SlaStatus,
  createBusinessCalendar,
  slaStatus,
  validateBusinessCalendar,
} from '../../domain/sla.ts';
import type { AppContext } from '../../server/context.ts';
import { forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import { customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import type { SETTING_DEFAULTS, SettingKey } from '../settings/service.ts';
import {
  type TicketSeverity,
  type TicketStatus,
  type TicketType,
  ticketMessages,
  ticketSlaEvents,
  ticketSlaPauses,
  tickets,
} from '../tickets/tables.ts';
import { users } from '../users/tables.ts';
import { type SlaState, firstResponseState, resolutionState } from './state.ts';
import { slaPolicies } from './tables.ts';

export type SlaPolicy = typeof slaPolicies.$inferSelect;
export type SlaTarget = 'first_response' | 'resolution';
export type SlaEventKind = 'warning' | 'breach';
type Ticket = typeof tickets.$inferSelect;

/** Job names: one delayed check per SLA instant, and the every-minute sweeper. */
export const SLA_CHECK_JOB = 'sla.check';
export const SLA_SWEEP_JOB = 'sla.sweep';
/** Recomputes the deadlines of every running ticket (after the business calendar changed). */
export const SLA_RECOMPUTE_JOB = 'sla.recompute';

export interface PolicyCriteria {
  type: TicketType | string;
  severity: TicketSeverity | string | null;
  valueClass: string | null;
}

export interface PolicyInput {
  name: string;
  ticketType?: string | null;
  severity?: string | null;
  valueClass?: string | null;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  warningFraction?: number;
  sortOrder?: number;
  active?: boolean;
}

/** The admin-tunable service-desk settings `GET/PUT /api/service-desk/settings` exposes. */
export const DESK_SETTING_KEYS = [
  'tickets.autoEscalateOnBreach',
  'tickets.autoEscalateAfterReopens',
  'tickets.reopenWindowDays',
  'tickets.repeatWindowDays',
  'tickets.followUpAfterDays',
  'tickets.secondVisitAfterDays',
  'commitments.approvalThreshold',
] as const satisfies readonly SettingKey[];
export type DeskSettingKey = (typeof DESK_SETTING_KEYS)[number];
export type DeskSettings = {
  [K in DeskSettingKey]: (typeof SETTING_DEFAULTS)[K] extends boolean ? boolean : number;
};

export interface SlaTargetView {
  targetMinutes: number | null;
  dueAt: Date | null;
  warnAt: Date | null;
  elapsedMinutes: number | null;
  remainingMinutes: number | null;
  state: SlaState;
  metAt: Date | null;
  breachedAt: Date | null;
}

interface TargetClock {
  target: SlaTarget;
  targetMinutes: number;
  /** When the target was met, or null while it runs. */
  metAt: Date | null;
  status: SlaStatus;
}

const DONE_STATUSES: TicketStatus[] = ['resolved', 'closed'];
const TARGET_NAMES: Record<SlaTarget, string> = { first_response: '首次响应', resolution: '解决' };
const SWEEP_BATCH = 500;

function round(minutes: number): number {
  return Math.round(minutes * 10) / 10;
}

function specificity(policy: SlaPolicy): number {
  return [policy.ticketType, policy.severity, policy.valueClass].filter((v) => v !== null).length;
}

function formatInstant(at: Date, timeZone: string): string {
  return at.toLocaleString('zh-CN', { timeZone, hour12: false });
}

/**
 * SLA policies, the business calendar, the SLA clock of each ticket (deadlines written as columns on
 * the ticket, pauses while waiting on the customer) and the timers that turn a reached warning or
 * deadline into a once-only event with notices and, on a resolution breach, an automatic 换人.
 */
export class SlaService {
  private cachedCalendar: { json: string; calendar: BusinessCalendar } | null = null;

  constructor(readonly ctx: AppContext) {}

  // --- business calendar --------------------------------------------------------------------------

  /** The business calendar SLA minutes count on (setting `sla.calendar`); defaults when unusable. */
  async calendar(db: DbOrTx = this.ctx.db): Promise<BusinessCalendar> {
    const value = await this.ctx.services.settings.get('sla.calendar', db);
    const json = JSON.stringify(value);
    if (this.cachedCalendar?.json === json) return this.cachedCalendar.calendar;
    let calendar = value as BusinessCalendar;
    if (!calendar || typeof calendar !== 'object' || validateBusinessCalendar(calendar).length > 0) {
      this.ctx.log.warn('the stored sla.calendar is not usable; using the standard office week');
      calendar = createBusinessCalendar();
    }
    this.cachedCalendar = { json, calendar };
    return calendar;
  }

  // --- policies ------------------------------------------------------------------------------------

  /**
   * The most specific active policy for a ticket: null criteria match anything, more non-null
   * criteria are more specific, ties go to the lowest sort order (then the oldest).
   */
  async policyFor(criteria: PolicyCriteria, db: DbOrTx = this.ctx.db): Promise<SlaPolicy | null> {
    const rows = await db
      .select()
      .from(slaPolicies)
      .where(eq(slaPolicies.active, true))
      .orderBy(asc(slaPolicies.sortOrder), asc(slaPolicies.id));
    let best: SlaPolicy | null = null;
    for (const policy of rows) {
      if (policy.ticketType !== null && policy.ticketType !== criteria.type) continue;
      if (policy.severity !== null && policy.severity !== criteria.severity) continue;
      if (policy.valueClass !== null && policy.valueClass !== criteria.valueClass) continue;
      if (!best || specificity(policy) > specificity(best)) best = policy;
    }
    return best;
  }

  // --- the clock -----------------------------------------------------------------------------------

  private async pausesOf(db: DbOrTx, ticketId: string): Promise<SlaPause[]> {
    const rows = await db
      .select()
      .from(ticketSlaPauses)
      .where(eq(ticketSlaPauses.ticketId, ticketId))
      .orderBy(asc(ticketSlaPauses.startedAt));
    return rows.map((row) => ({ from: row.startedAt, to: row.endedAt }));
  }

  private async warningFraction(db: DbOrTx, policyId: string | null): Promise<number> {
    if (!policyId) return DEFAULT_SLA_WARNING_FRACTION;
    const [policy] = await db
      .select({ fraction: slaPolicies.warningFraction })
      .from(slaPolicies)
      .where(eq(slaPolicies.id, policyId));
    return policy?.fraction ?? DEFAULT_SLA_WARNING_FRACTION;
  }

  /** When the resolution clock stopped: resolved or closed tickets are done. */
  private resolvedAt(ticket: Ticket): Date | null {
    if (!DONE_STATUSES.includes(ticket.status)) return null;
    return ticket.resolvedAt ?? ticket.closedAt ?? ticket.updatedAt;
  }

  /** Both clocks of a ticket at `now` (a met target is judged at the moment it was met). */
  private clocks(
    ticket: Ticket,
    calendar: BusinessCalendar,
    pauses: SlaPause[],
    fraction: number,
    now: Date,
  ): TargetClock[] {
    const result: TargetClock[] = [];
    const targets: [SlaTarget, number | null, Date | null][] = [
      ['first_response', ticket.firstResponseTargetMinutes, ticket.firstRespondedAt],
      ['resolution', ticket.resolutionTargetMinutes, this.resolvedAt(ticket)],
    ];
    for (const [target, minutes, metAt] of targets) {
      if (minutes === null) continue;
      const status = slaStatus(calendar, {
        startedAt: ticket.receivedAt,
        targetMinutes: minutes,
        pauses,
        now: metAt ?? now,
        warning: { fraction },
      });
      result.push({ target, targetMinutes: minutes, metAt, status });
    }
    return result;
  }

  /**
   * Recomputes a ticket's SLA inside the caller's transaction: picks the policy when none is stored
   * yet (type, severity, the customer's value class), computes the first-response and resolution
   * deadlines and warning instants on the business calendar with the pauses, writes the SLA columns
   * and schedules the timers. Does not change the ticket's version (these are derived columns).
   */
  async refresh(tx: DbOrTx, ticketId: string): Promise<void> {
    const [found] = await tx
      .select({ ticket: tickets, valueClass: customers.valueClass })
      .from(tickets)
      .innerJoin(customers, eq(customers.id, tickets.customerId))
      .where(eq(tickets.id, ticketId));
    if (!found) throw notFound('Ticket');
    let ticket = found.ticket;
    const set: Partial<typeof tickets.$inferInsert> = {};
    if (!ticket.slaPolicyId) {
      const policy = await this.policyFor(
        { type: ticket.type, severity: ticket.severity, valueClass: found.valueClass },
        tx,
      );
      if (!policy) return;
      set.slaPolicyId = policy.id;
      set.firstResponseTargetMinutes = policy.firstResponseMinutes;
      set.resolutionTargetMinutes = policy.resolutionMinutes;
      ticket = { ...ticket, ...set } as Ticket;
    }
    const calendar = await this.calendar(tx);
    const pauses = await this.pausesOf(tx, ticketId);
    const fraction = await this.warningFraction(tx, ticket.slaPolicyId);
    const clocks = this.clocks(ticket, calendar, pauses, fraction, this.ctx.now());
    for (const clock of clocks) {
      if (clock.target === 'first_response') {
        set.firstResponseDueAt = clock.status.deadline;
        set.firstResponseWarnAt = clock.status.warningAt;
      } else {
        set.resolutionDueAt = clock.status.deadline;
        set.resolutionWarnAt = clock.status.warningAt;
      }
    }
    const open = pauses.find((pause) => pause.to === null);
    set.slaPausedAt = open ? open.from : null;
    await tx.update(tickets).set(set).where(eq(tickets.id, ticketId));
    const after = { ...ticket, ...set } as Ticket;
    this.scheduleTimers(found.ticket, after);
  }

  /**
   * Starts a pause (waiting on the customer) at `at` and refreshes; a ticket already paused stays
   * as it is.
   */
  async pause(tx: DbOrTx, ticketId: string, at: Date, reason: string | null = null): Promise<void> {
    const [open] = await tx
      .select({ id: ticketSlaPauses.id })
      .from(ticketSlaPauses)
      .where(and(eq(ticketSlaPauses.ticketId, ticketId), isNull(ticketSlaPauses.endedAt)));
    if (open) return;
    await tx.insert(ticketSlaPauses).values({ id: uuidv7(), ticketId, startedAt: at, endedAt: null, reason });
    await this.refresh(tx, ticketId);
  }

  /** Ends the open pause at `at` (never before it began) and refreshes; nothing when not paused. */
  async resume(tx: DbOrTx, ticketId: string, at: Date): Promise<void> {
    const [open] = await tx
      .select()
      .from(ticketSlaPauses)
      .where(and(eq(ticketSlaPauses.ticketId, ticketId), isNull(ticketSlaPauses.endedAt)));
    if (!open) return;
    const endedAt = at.getTime() < open.startedAt.getTime() ? open.startedAt : at;
    await tx.update(ticketSlaPauses).set({ endedAt }).where(eq(ticketSlaPauses.id, open.id));
    await this.refresh(tx, ticketId);
  }

  // --- timers --------------------------------------------------------------------------------------

  /**
   * Delayed `sla.check` jobs at the warning and due instants that changed. Sent without awaiting:
   * on PGlite the queue shares the one connection, so the send waits for the caller's transaction
   * to finish. A lost or early job does no harm: the handler re-reads the ticket and the sweeper
   * catches anything missed.
   */
  private scheduleTimers(before: Ticket, after: Ticket): void {
    if (!this.ctx.queue.running) return;
    const now = this.ctx.now().getTime();
    const instants: [SlaTarget, SlaEventKind, Date | null, Date | null][] = [];
    if (!after.firstRespondedAt && !DONE_STATUSES.includes(after.status)) {
      instants.push(['first_response', 'warning', before.firstResponseWarnAt, after.firstResponseWarnAt]);
      instants.push(['first_response', 'breach', before.firstResponseDueAt, after.firstResponseDueAt]);
    }
    if (!DONE_STATUSES.includes(after.status)) {
      instants.push(['resolution', 'warning', before.resolutionWarnAt, after.resolutionWarnAt]);
      instants.push(['resolution', 'breach', before.resolutionDueAt, after.resolutionDueAt]);
    }
    for (const [target, kind, previous, instant] of instants) {
      if (!instant || previous?.getTime() === instant.getTime()) continue;
      const startAfter = new Date(Math.max(instant.getTime(), now + 1000));
      this.ctx.queue
        .send(
          SLA_CHECK_JOB,
          { ticketId: after.id, target, kind, at: instant.toISOString() },
          { startAfter, key: `${after.id}:${target}:${kind}:${instant.toISOString()}` },
        )
        .catch((error) =>
          this.ctx.log.warn({ err: error, ticketId: after.id }, 'could not schedule SLA timer'),
        );
    }
  }

  /**
   * Fires what is due on one ticket at `now`: the warning and breach events not yet recorded (each
   * once per ticket, target and kind), the breach columns, notices to the owner (warning, breach)
   * and the department head above them (breach), a system line in the conversation and, on a
   * resolution breach with `tickets.autoEscalateOnBreach`, a 换人 escalation. Returns the events
   * recorded. Safe to run any number of times.
   */
  async check(
    ticketId: string,
    now: Date = this.ctx.now(),
  ): Promise<{ target: SlaTarget; kind: SlaEventKind }[]> {
    return this.ctx.db.transaction(async (tx) => {
      const [ticket] = await tx.select().from(tickets).where(eq(tickets.id, ticketId)).for('update');
      if (!ticket || ticket.firstResponseTargetMinutes === null) return [];
      const calendar = await this.calendar(tx);
      const pauses = await this.pausesOf(tx, ticketId);
      const fraction = await this.warningFraction(tx, ticket.slaPolicyId);
      const recorded = await tx
        .select({ target: ticketSlaEvents.target, kind: ticketSlaEvents.kind })
        .from(ticketSlaEvents)
        .where(eq(ticketSlaEvents.ticketId, ticketId));
      const has = (target: SlaTarget, kind: SlaEventKind) =>
        recorded.some((event) => event.target === target && event.kind === kind);
      const fired: { target: SlaTarget; kind: SlaEventKind; dueAt: Date; notify: boolean }[] = [];
      for (const clock of this.clocks(ticket, calendar, pauses, fraction, now)) {
        const { deadline, warningAt } = clock.status;
        if (clock.metAt) {
          // Met late while no timer ran: the breach is a fact for the measures, but nobody is told.
          if (deadline && clock.metAt.getTime() > deadline.getTime() && !has(clock.target, 'breach')) {
            fired.push({ target: clock.target, kind: 'breach', dueAt: deadline, notify: false });
          }
          continue;
        }
        const breached = deadline !== null && now.getTime() >= deadline.getTime();
        if (warningAt && now.getTime() >= warningAt.getTime() && !has(clock.target, 'warning')) {
          fired.push({
            target: clock.target,
            kind: 'warning',
            dueAt: deadline ?? warningAt,
            notify: !breached,
          });
        }
        if (breached && !has(clock.target, 'breach')) {
          fired.push({ target: clock.target, kind: 'breach', dueAt: deadline!, notify: true });
        }
      }
      const done: { target: SlaTarget; kind: SlaEventKind }[] = [];
      for (const event of fired) {
        const inserted = await tx
          .insert(ticketSlaEvents)
          .values({
            id: uuidv7(),
            ticketId,
            target: event.target,
            kind: event.kind,
            dueAt: event.dueAt,
            departmentId: ticket.departmentId,
            at: now,
          })
          .onConflictDoNothing()
          .returning({ id: ticketSlaEvents.id });
        if (inserted.length === 0) continue;
        done.push({ target: event.target, kind: event.kind });
        if (event.kind === 'breach') {
          await tx
            .update(tickets)
            .set(
              event.target === 'first_response'
                ? { firstResponseBreachedAt: event.dueAt }
                : { resolutionBreachedAt: event.dueAt },
            )
            .where(eq(tickets.id, ticketId));
        }
        if (event.notify) await this.announce(tx, ticket, event, calendar.timeZone);
      }
      const resolutionBreach = fired.find(
        (event) => event.target === 'resolution' && event.kind === 'breach' && event.notify,
      );
      if (
        resolutionBreach &&
        done.some((event) => event.target === 'resolution' && event.kind === 'breach') &&
        (await this.ctx.services.settings.get('tickets.autoEscalateOnBreach', tx)) === true
      ) {
        await this.ctx.services.escalations.autoEscalate(
          tx,
          ticketId,
          'sla_breach',
          '解决时限已超时，系统自动升级（换人）',
        );
      }
      return done;
    });
  }

  /** Notices and the system line of a fired warning or breach. */
  private async announce(
    tx: DbOrTx,
    ticket: Ticket,
    event: { target: SlaTarget; kind: SlaEventKind; dueAt: Date },
    timeZone: string,
  ): Promise<void> {
    const what = TARGET_NAMES[event.target];
    const due = formatInstant(event.dueAt, timeZone);
    const title =
      event.kind === 'warning'
        ? `SLA 预警：工单 ${ticket.number} ${what}将于 ${due} 到期`
        : `SLA 超时：工单 ${ticket.number} ${what}已于 ${due} 超时`;
    await tx.insert(ticketMessages).values({
      id: uuidv7(),
      ticketId: ticket.id,
      kind: 'system',
      body: title,
      authorId: null,
      createdAt: this.ctx.now(),
    });
    const link = `/tickets/${ticket.id}`;
    const notices = [];
    const sourceKey = `sla:${ticket.id}:${event.target}:${event.kind}`;
    if (ticket.ownerId) {
      notices.push({
        userId: ticket.ownerId,
        kind: `ticket.sla_${event.kind}`,
        title,
        body: ticket.subject,
        link,
        refType: 'ticket',
        refId: ticket.id,
        sourceKey: `${sourceKey}:owner`,
      });
    }
    if (event.kind === 'breach') {
      const head = await this.headAbove(tx, ticket);
      if (head && head !== ticket.ownerId) {
        notices.push({
          userId: head,
          kind: 'ticket.sla_breach',
          title,
          body: ticket.subject,
          link,
          refType: 'ticket',
          refId: ticket.id,
          sourceKey: `${sourceKey}:head`,
        });
      }
    }
    await this.ctx.services.notifications.notify(tx, notices);
  }

  /** The head of the owner's department (or above, when the owner is that head). */
  async headAbove(db: DbOrTx, ticket: Pick<Ticket, 'ownerId' | 'departmentId' | 'escalationLevel'>) {
    let ownerDepartmentId = ticket.departmentId;
    if (ticket.ownerId) {
      const [owner] = await db
        .select({ departmentId: users.departmentId })
        .from(users)
        .where(eq(users.id, ticket.ownerId));
      ownerDepartmentId = owner?.departmentId ?? ticket.departmentId;
    }
    const tree = await db
      .select({ id: departments.id, parentId: departments.parentId, headUserId: departments.headUserId })
      .from(departments);
    const next = nextEscalation({
      departments: tree,
      ownerId: ticket.ownerId,
      ownerDepartmentId,
      currentLevel: ticket.escalationLevel,
    });
    return next.found ? next.rung.userId : null;
  }

  /**
   * Finds tickets whose warning or due instant passed without its event and checks each: catches
   * whatever the timers missed (the process was down, the queue not started). Idempotent.
   */
  async sweep(now: Date = this.ctx.now()): Promise<number> {
    const at = sql`${now.toISOString()}::timestamptz`;
    const passed = (column: SQLWrapper) => sql`${column} <= ${at}`;
    const noEvent = (target: SlaTarget, kind: SlaEventKind) =>
      sql`not exists (select 1 from ${ticketSlaEvents} e where e.ticket_id = ${tickets.id} and e.target = ${target} and e.kind = ${kind})`;
    // One query per target, each written to imply its partial index (running tickets only), so the
    // sweeper reads the open tickets, not the whole history.
    const firstResponse = and(
      sql`${tickets.firstRespondedAt} is null and ${tickets.status} <> 'closed'`,
      sql`${tickets.status} <> 'resolved'`,
      sql`${tickets.firstResponseDueAt} is not null`,
      isNull(tickets.slaPausedAt),
      or(
        and(passed(tickets.firstResponseWarnAt), noEvent('first_response', 'warning')),
        and(passed(tickets.firstResponseDueAt), isNull(tickets.firstResponseBreachedAt)),
      ),
    )!;
    const resolution = and(
      sql`${tickets.status} not in ('resolved', 'closed')`,
      sql`${tickets.resolutionDueAt} is not null`,
      isNull(tickets.slaPausedAt),
      or(
        and(passed(tickets.resolutionWarnAt), noEvent('resolution', 'warning')),
        and(passed(tickets.resolutionDueAt), isNull(tickets.resolutionBreachedAt)),
      ),
    )!;
    const checked = new Set<string>();
    let fired = 0;
    for (const condition of [firstResponse, resolution]) {
      let afterId: string | null = null;
      for (;;) {
        const rows: { id: string }[] = await this.ctx.db
          .select({ id: tickets.id })
          .from(tickets)
          .where(afterId ? and(condition, sql`${tickets.id} > ${afterId}`) : condition)
          .orderBy(asc(tickets.id))
          .limit(SWEEP_BATCH);
        for (const row of rows) {
          if (checked.has(row.id)) continue;
          checked.add(row.id);
          try {
            fired += (await this.check(row.id, now)).length;
          } catch (error) {
            this.ctx.log.error({ err: error, ticketId: row.id }, 'SLA check failed');
          }
        }
        if (rows.length < SWEEP_BATCH) break;
        afterId = rows[rows.length - 1].id;
      }
    }
    return fired;
  }

  /**
   * Recomputes the deadlines of every ticket still running (not resolved or closed), in batches,
   * each ticket in its own transaction: what a change of the business calendar needs. Returns how
   * many tickets were refreshed.
   */
  async recomputeOpen(): Promise<number> {
    let count = 0;
    let afterId: string | null = null;
    for (;;) {
      const conditions = [notInArray(tickets.status, DONE_STATUSES), isNotNull(tickets.slaPolicyId)];
      if (afterId) conditions.push(sql`${tickets.id} > ${afterId}`);
      const rows = await this.ctx.db
        .select({ id: tickets.id })
        .from(tickets)
        .where(and(...conditions))
        .orderBy(asc(tickets.id))
        .limit(SWEEP_BATCH);
      for (const row of rows) {
        await this.ctx.db.transaction((tx) => this.refresh(tx, row.id));
        count++;
      }
      if (rows.length < SWEEP_BATCH) return count;
      afterId = rows[rows.length - 1].id;
    }
  }

  // --- reading a ticket's SLA ---------------------------------------------------------------------

  /** `GET /api/tickets/:id/sla`: both targets with working minutes, pauses and events. */
  async ticketSla(actor: Actor, ticketId: string) {
    await this.requireReadableTicket(actor, ticketId);
    // Deadlines and breaches are internal: a portal user sees the ticket, never its SLA.
    if (!isStaff(actor)) throw notFound('Ticket');
    const [ticket] = await this.ctx.db.select().from(tickets).where(eq(tickets.id, ticketId));
    if (!ticket) throw notFound('Ticket');
    const now = this.ctx.now();
    const calendar = await this.calendar();
    const pauseRows = await this.ctx.db
      .select()
      .from(ticketSlaPauses)
      .where(eq(ticketSlaPauses.ticketId, ticketId))
      .orderBy(asc(ticketSlaPauses.startedAt));
    const pauses = pauseRows.map((row) => ({ from: row.startedAt, to: row.endedAt }));
    const fraction = await this.warningFraction(this.ctx.db, ticket.slaPolicyId);
    const events = await this.ctx.db
      .select()
      .from(ticketSlaEvents)
      .where(eq(ticketSlaEvents.ticketId, ticketId))
      .orderBy(asc(ticketSlaEvents.at), asc(ticketSlaEvents.id));
    const clocks =
      ticket.firstResponseTargetMinutes === null ? [] : this.clocks(ticket, calendar, pauses, fraction, now);
    const view = (target: SlaTarget): SlaTargetView => {
      const clock = clocks.find((c) => c.target === target);
      const first = target === 'first_response';
      const state = first ? firstResponseState(ticket, now) : resolutionState(ticket, now);
      return {
        targetMinutes: first ? ticket.firstResponseTargetMinutes : ticket.resolutionTargetMinutes,
        dueAt: first ? ticket.firstResponseDueAt : ticket.resolutionDueAt,
        warnAt: first ? ticket.firstResponseWarnAt : ticket.resolutionWarnAt,
        elapsedMinutes: clock ? round(clock.status.elapsedMinutes) : null,
        remainingMinutes: clock ? round(clock.status.remainingMinutes) : null,
        state,
        metAt: clock?.metAt ?? null,
        breachedAt: first ? ticket.firstResponseBreachedAt : ticket.resolutionBreachedAt,
      };
    };
    return {
      ticketId,
      policyId: ticket.slaPolicyId,
      policyName: ticket.slaPolicyId
        ? ((
            await this.ctx.db
              .select({ name: slaPolicies.name })
              .from(slaPolicies)
              .where(eq(slaPolicies.id, ticket.slaPolicyId))
          )[0]?.name ?? null)
        : null,
      timeZone: calendar.timeZone,
      firstResponse: view('first_response'),
      resolution: view('resolution'),
      paused: ticket.slaPausedAt !== null,
      pauses: pauseRows.map((row) => ({
        startedAt: row.startedAt,
        endedAt: row.endedAt,
        reason: row.reason,
      })),
      events: events.map((event) => ({
        target: event.target as SlaTarget,
        kind: event.kind as SlaEventKind,
        dueAt: event.dueAt,
        at: event.at,
      })),
    };
  }

  /** Staff read every ticket; a portal user only its own company's (404 otherwise). */
  async requireReadableTicket(actor: Actor, ticketId: string): Promise<void> {
    await this.ctx.services.tickets.requireTicket(actor, ticketId);
  }

  // --- admin: policies -----------------------------------------------------------------------------

  private requireAdmin(actor: Actor): void {
    if (actor.role !== 'admin') throw forbidden('Only administrators change SLA settings.');
  }

  private requireStaff(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden('SLA settings are internal.');
  }

  private checkPolicy(input: PolicyInput): void {
    const problems: { field: string; message: string }[] = [];
    if (!input.name.trim()) problems.push({ field: 'name', message: 'must not be blank' });
    if (!(input.firstResponseMinutes > 0))
      problems.push({ field: 'firstResponseMinutes', message: 'must be more than 0' });
    if (!(input.resolutionMinutes > 0))
      problems.push({ field: 'resolutionMinutes', message: 'must be more than 0' });
    if (input.resolutionMinutes < input.firstResponseMinutes) {
      problems.push({ field: 'resolutionMinutes', message: 'must not be less than firstResponseMinutes' });
    }
    if (input.warningFraction !== undefined && !(input.warningFraction >= 0 && input.warningFraction <= 1)) {
      problems.push({ field: 'warningFraction', message: 'must be between 0 and 1' });
    }
    if (problems.length) throw validationFailed(problems);
  }

  async listPolicies(actor: Actor): Promise<SlaPolicy[]> {
    this.requireStaff(actor);
    return this.ctx.db.select().from(slaPolicies).orderBy(asc(slaPolicies.sortOrder), asc(slaPolicies.id));
  }

  async getPolicy(actor: Actor, id: string): Promise<SlaPolicy> {
    this.requireStaff(actor);
    const [row] = await this.ctx.db.select().from(slaPolicies).where(eq(slaPolicies.id, id));
    if (!row) throw notFound('SLA policy');
    return row;
  }

  async createPolicy(actor: Actor, input: PolicyInput): Promise<SlaPolicy> {
    this.requireAdmin(actor);
    this.checkPolicy(input);
    return this.ctx.db.transaction(async (tx) => {
      const now = this.ctx.now();
      const [row] = await tx
        .insert(slaPolicies)
        .values({
          id: uuidv7(),
          name: input.name.trim(),
          ticketType: input.ticketType ?? null,
          severity: input.severity ?? null,
          valueClass: input.valueClass ?? null,
          firstResponseMinutes: input.firstResponseMinutes,
          resolutionMinutes: input.resolutionMinutes,
          warningFraction: input.warningFraction ?? DEFAULT_SLA_WARNING_FRACTION,
          sortOrder: input.sortOrder ?? 0,
          active: input.active ?? true,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'sla_policy',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  }

  async updatePolicy(
    actor: Actor,
    id: string,
    changes: Partial<PolicyInput>,
    version: number,
  ): Promise<SlaPolicy> {
    this.requireAdmin(actor);
    const before = await this.getPolicy(actor, id);
    if (before.version !== version) throw staleVersion(before);
    const merged: PolicyInput = {
      name: changes.name ?? before.name,
      ticketType: changes.ticketType === undefined ? before.ticketType : changes.ticketType,
      severity: changes.severity === undefined ? before.severity : changes.severity,
      valueClass: changes.valueClass === undefined ? before.valueClass : changes.valueClass,
      firstResponseMinutes: changes.firstResponseMinutes ?? before.firstResponseMinutes,
      resolutionMinutes: changes.resolutionMinutes ?? before.resolutionMinutes,
      warningFraction: changes.warningFraction ?? before.warningFraction,
      sortOrder: changes.sortOrder ?? before.sortOrder,
      active: changes.active ?? before.active,
    };
    this.checkPolicy(merged);
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(slaPolicies)
        .set({
          ...merged,
          name: merged.name.trim(),
          ticketType: merged.ticketType ?? null,
          severity: merged.severity ?? null,
          valueClass: merged.valueClass ?? null,
          version: before.version + 1,
          updatedAt: this.ctx.now(),
        })
        .where(and(eq(slaPolicies.id, id), eq(slaPolicies.version, version)))
        .returning();
      if (!row) throw staleVersion((await tx.select().from(slaPolicies).where(eq(slaPolicies.id, id)))[0]);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'sla_policy',
        entityId: id,
        before,
        after: row,
      });
      return row;
    });
  }

  /** Deletes a policy; tickets keep the targets copied from it. */
  async deletePolicy(actor: Actor, id: string, version: number | undefined): Promise<void> {
    this.requireAdmin(actor);
    const before = await this.getPolicy(actor, id);
    if (version !== undefined && before.version !== version) throw staleVersion(before);
    await this.ctx.db.transaction(async (tx) => {
      await tx.delete(slaPolicies).where(eq(slaPolicies.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'delete',
        entityType: 'sla_policy',
        entityId: id,
        before,
      });
    });
  }

  // --- admin: calendar and desk settings ----------------------------------------------------------

  async getCalendar(actor: Actor): Promise<BusinessCalendar> {
    this.requireStaff(actor);
    return createBusinessCalendar(await this.calendar());
  }

  /**
   * Replaces the business calendar; the deadlines of running tickets are recomputed by a job (at
   * once, in-process, when the queue is not started).
   */
  async putCalendar(actor: Actor, calendar: BusinessCalendar): Promise<BusinessCalendar> {
    this.requireAdmin(actor);
    const problems = validateBusinessCalendar(calendar);
    if (problems.length) throw validationFailed(problems, 'The business calendar is not valid.');
    const value = createBusinessCalendar(calendar);
    await this.ctx.db.transaction(async (tx) => {
      const before = await this.ctx.services.settings.get('sla.calendar', tx);
      await this.ctx.services.settings.set('sla.calendar', value, tx);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'setting',
        entityId: 'sla.calendar',
        before,
        after: value,
      });
    });
    await this.ctx.queue.send(SLA_RECOMPUTE_JOB, {}, { key: `recompute:${this.ctx.now().toISOString()}` });
    return value;
  }

  async getDeskSettings(actor: Actor, db: DbOrTx = this.ctx.db): Promise<DeskSettings> {
    this.requireStaff(actor);
    return (await this.ctx.services.settings.getMany(DESK_SETTING_KEYS, db)) as DeskSettings;
  }

  /** Stores the given desk settings (the body schema types each one). */
  async putDeskSettings(actor: Actor, changes: Partial<DeskSettings>): Promise<DeskSettings> {
    this.requireAdmin(actor);
    return this.ctx.db.transaction(async (tx) => {
      const before = await this.getDeskSettings(actor, tx);
      for (const key of DESK_SETTING_KEYS) {
        const value = changes[key];
        if (value === undefined) continue;
        await this.ctx.services.settings.set(key, value, tx);
      }
      const after = await this.getDeskSettings(actor, tx);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'setting',
        entityId: 'service-desk',
        before,
        after,
      });
      return after;
    });
  }
}
