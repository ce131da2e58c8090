/**
 * The SLA state of one target as the desk shows it, from the SLA columns of a ticket alone (no
 * calendar needed): lists and filters use this, the detail view (`GET /api/tickets/:id/sla`) adds
 * the working minutes from the calendar.
 */
export const SLA_STATES = ['none', 'running', 'warning', 'breached', 'paused', 'met'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export interface SlaTargetColumns {
  /** Null when no policy applied. */
  targetMinutes: number | null;
  dueAt: Date | null;
  warnAt: Date | null;
  /** When the target was met (first reply, resolution); null while running. */
  metAt: Date | null;
  breachedAt: Date | null;
}

export function targetState(target: SlaTargetColumns, pausedAt: Date | null, now: Date): SlaState {
  if (target.targetMinutes === null) return 'none';
  if (target.metAt) {
    const late = target.breachedAt !== null || (target.dueAt !== null && target.metAt > target.dueAt);
    return late ? 'breached' : 'met';
  }
  if (target.breachedAt || (target.dueAt && now.getTime() >= target.dueAt.getTime())) return 'breached';
  if (pausedAt) return 'paused';
  if (target.warnAt && now.getTime() >= target.warnAt.getTime()) return 'warning';
  return 'running';
}

/** The columns of a ticket row the SLA state is read from. */
export interface TicketSlaColumns {
  status: string;
  firstResponseTargetMinutes: number | null;
  firstResponseDueAt: Date | null;
  firstResponseWarnAt: Date | null;
  firstRespondedAt: Date | null;
  firstResponseBreachedAt: Date | null;
  resolutionTargetMinutes: number | null;
  resolutionDueAt: Date | null;
  resolutionWarnAt: Date | null;
  resolutionBreachedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  slaPausedAt: Date | null;
}

const DONE = new Set(['resolved', 'closed']);

export function firstResponseState(ticket: TicketSlaColumns, now: Date): SlaState {
  return targetState(
    {
      targetMinutes: ticket.firstResponseTargetMinutes,
      dueAt: ticket.firstResponseDueAt,
      warnAt: ticket.firstResponseWarnAt,
      metAt: ticket.firstRespondedAt,
      breachedAt: ticket.firstResponseBreachedAt,
    },
    ticket.slaPausedAt,
    now,
  );
}

export function resolutionState(ticket: TicketSlaColumns, now: Date): SlaState {
  const metAt = DONE.has(ticket.status) ? (ticket.resolvedAt ?? ticket.closedAt ?? now) : null;
  return targetState(
    {
      targetMinutes: ticket.resolutionTargetMinutes,
      dueAt: ticket.resolutionDueAt,
      warnAt: ticket.resolutionWarnAt,
      metAt,
      breachedAt: ticket.resolutionBreachedAt,
    },
    ticket.slaPausedAt,
    now,
  );
}
