import { type Actor, isStaff } from './access.ts';
import type { Role } from '../modules/users/tables.ts';

/**
 * Pure rules of the service desk's tickets: who may read and work a ticket, how its status moves,
 * the reopen and repeat windows and the first-contact-resolution rule. No database here.
 */

export type TicketStatus = 'new' | 'open' | 'waiting_customer' | 'resolved' | 'closed';

export interface TicketScope {
  customerId: string;
  ownerId: string | null;
  departmentId: string | null;
  status: TicketStatus;
}

/** Roles that may own (and so work) tickets. Operations handle work orders, portal users file them. */
export const TICKET_OWNER_ROLES: readonly Role[] = ['agent', 'supervisor', 'manager', 'admin'];

export function canOwnTickets(role: Role): boolean {
  return TICKET_OWNER_ROLES.includes(role);
}

/** Every member of staff reads every ticket; a portal user only its own company's. */
export function canReadTicket(actor: Actor, ticket: Pick<TicketScope, 'customerId'>): boolean {
  if (actor.role === 'portal') return actor.customerId !== null && actor.customerId === ticket.customerId;
  return isStaff(actor);
}

/** A supervisor's team: the ticket's department is the supervisor's department or one below it. */
export function isTeamSupervisor(actor: Actor, ticket: Pick<TicketScope, 'departmentId'>): boolean {
  return (
    actor.role === 'supervisor' &&
    ticket.departmentId !== null &&
    actor.teamDepartmentIds.includes(ticket.departmentId)
  );
}

/**
 * 首问负责制: the owner works the ticket; so do the supervisors of the owner's team, managers and
 * admins (they step in on escalations). Everyone else only reads.
 */
export function canWorkTicket(actor: Actor, ticket: Pick<TicketScope, 'ownerId' | 'departmentId'>): boolean {
  if (actor.role === 'admin' || actor.role === 'manager') return true;
  if (ticket.ownerId !== null && ticket.ownerId === actor.id) return true;
  return isTeamSupervisor(actor, ticket);
}

/**
 * Taking a ticket: anyone who may own tickets takes a new (unowned, portal-filed) one; an owned one
 * only a supervisor of its team, a manager or an admin may take over (and it is logged).
 */
export function canTakeTicket(actor: Actor, ticket: TicketScope): boolean {
  if (!canOwnTickets(actor.role)) return false;
  if (ticket.status === 'closed') return false;
  if (ticket.ownerId === null) return true;
  if (ticket.ownerId === actor.id) return false;
  return actor.role === 'admin' || actor.role === 'manager' || isTeamSupervisor(actor, ticket);
}

/** Transfer (with a reason): the owner, supervisors of the owner's team, managers and admins. */
export function canTransferTicket(actor: Actor, ticket: TicketScope): boolean {
  if (ticket.ownerId === null) return actor.role === 'admin' || actor.role === 'manager';
  return canWorkTicket(actor, ticket);
}

/** The status changes the desk actions make, and where each may start from. */
export const TICKET_ACTIONS = {
  wait: { from: ['open'], to: 'waiting_customer' },
  resume: { from: ['waiting_customer'], to: 'open' },
  resolve: { from: ['open', 'waiting_customer'], to: 'resolved' },
  close: { from: ['open', 'waiting_customer', 'resolved'], to: 'closed' },
  /** Staff reopen a resolved (customer not satisfied) or closed (within the window) ticket. */
  reopen: { from: ['resolved', 'closed'], to: 'open' },
  /** The customer rejects a proposed resolution in the portal: back to work, not counted as a reopen. */
  reject: { from: ['resolved'], to: 'open' },
} as const satisfies Record<string, { from: readonly TicketStatus[]; to: TicketStatus }>;
export type TicketAction = keyof typeof TICKET_ACTIONS;

export function canApply(action: TicketAction, status: TicketStatus): boolean {
  return (TICKET_ACTIONS[action].from as readonly TicketStatus[]).includes(status);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A closed ticket may be reopened until `days` full days after it was closed (inclusive of the last ms). */
export function withinReopenWindow(closedAt: Date | null, now: Date, days: number): boolean {
  if (!closedAt) return true;
  return now.getTime() - closedAt.getTime() <= days * DAY_MS;
}

/** When the reopen window of a ticket closed at `closedAt` ends. */
export function reopenDeadline(closedAt: Date, days: number): Date {
  return new Date(closedAt.getTime() + days * DAY_MS);
}

/**
 * Repeat detection looks back this far from the new ticket's receipt: an earlier ticket of the same
 * category for the same customer (or on the same lane) received at or after this moment is repeated.
 */
export function repeatWindowStart(receivedAt: Date, days: number): Date {
  return new Date(receivedAt.getTime() - days * DAY_MS);
}

/** Whether the reopen count has just reached the automatic 换人 threshold (0 or less: never). */
export function reopenTriggersEscalation(reopenCount: number, threshold: number): boolean {
  return threshold > 0 && reopenCount === threshold;
}

export interface FirstContactFacts {
  /** Owner changes away from a previous owner (transfers, escalations, take-overs). The first take of an unowned ticket does not count. */
  handOvers: number;
  /** 三换 steps of any kind (换人, 换地, 换时). */
  escalations: number;
  /** Work orders dispatched to other departments (派单). */
  workOrders: number;
  reopenCount: number;
  /** The ticket waited on the customer at least once (the first contact did not settle it). */
  waitedOnCustomer: boolean;
}

/**
 * First-contact resolution (一次解决): a ticket counts as resolved at first contact when the person
 * who first owned it settled it alone and at once — no hand-over to someone else (transfer,
 * take-over or 换人), no 三换 step at all, no work order to another department, never put on hold
 * waiting for the customer, and never reopened. Recorded when the ticket is closed.
 */
export function resolvedAtFirstContact(facts: FirstContactFacts): boolean {
  return (
    facts.handOvers === 0 &&
    facts.escalations === 0 &&
    facts.workOrders === 0 &&
    facts.reopenCount === 0 &&
    !facts.waitedOnCustomer
  );
}

/** Ticket number: T + yymm of the creation month (in the display zone) + the sequence value, 6 digits. */
export function formatTicketNumber(at: Date, sequence: number | bigint, timeZone = 'Asia/Shanghai'): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: '2-digit',
    month: '2-digit',
  }).formatToParts(at);
  const yy = parts.find((p) => p.type === 'year')?.value ?? '00';
  const mm = parts.find((p) => p.type === 'month')?.value ?? '00';
  return `T${yy}${mm}-${String(sequence).padStart(6, '0')}`;
}

/**
 * The complaint-card fields a customer sees in the portal. The result (处理结果) and the customer's
 * own reaction are shared; the root cause, the responsible department and person, the internal
 * measures and the verification stay internal.
 */
export const PUBLIC_CARD_FIELDS = ['result', 'customerReaction'] as const;
