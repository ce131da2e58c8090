import type { Actor } from './access.ts';

/**
 * Pure rules of work orders (派单): the state machine, the overdue flag, the number format and who
 * may do what. No I/O; the work-orders service calls these with plain data.
 */

export type WorkOrderState = 'pending' | 'accepted' | 'done' | 'cancelled';
export type WorkOrderAction = 'accept' | 'complete' | 'cancel' | 'note';

const ALLOWED: Record<WorkOrderAction, WorkOrderState[]> = {
  accept: ['pending'],
  // A member may return the result straight away; it counts as accepted by them.
  complete: ['pending', 'accepted'],
  cancel: ['pending', 'accepted'],
  note: ['pending', 'accepted', 'done'],
};

/** Why an action is not possible in a state, or null when it is. */
export function workOrderRefusal(action: WorkOrderAction, status: WorkOrderState): string | null {
  if (ALLOWED[action].includes(status)) return null;
  if (action === 'accept' && status === 'accepted')
    return 'Someone in the department has accepted it already.';
  return `This work order is ${status}; it cannot be ${action === 'note' ? 'annotated' : `${action}ed`} now.`;
}

/** Pending or accepted and past its due time. Done and cancelled work orders are never overdue. */
export function isWorkOrderOverdue(order: { status: string; dueAt: Date }, now: Date): boolean {
  return (order.status === 'pending' || order.status === 'accepted') && order.dueAt.getTime() < now.getTime();
}

/** A member of the department the work order went to (its head counts as a member). */
export function isDepartmentMember(
  actor: Actor,
  order: { departmentId: string },
  headUserId: string | null = null,
): boolean {
  if (actor.role === 'portal') return false;
  return actor.departmentId === order.departmentId || (headUserId !== null && headUserId === actor.id);
}

/**
 * Who sees a work order: operations users only their own department's (others look like unknown
 * ids); the rest of the staff every one, since the ticket is shared; portal users none.
 */
export function canSeeWorkOrder(
  actor: Actor,
  order: { departmentId: string },
  headUserId: string | null = null,
) {
  if (actor.role === 'portal') return false;
  if (actor.role === 'operations') return isDepartmentMember(actor, order, headUserId);
  return true;
}

/**
 * The department filter of an operations user's queue: always their own. Another department is
 * refused (403); without a department they have no queue.
 */
export function queueDepartmentFor(
  actor: Actor,
  requested: string | undefined,
): { departmentId: string | undefined } | { refused: string } {
  if (actor.role === 'portal') return { refused: 'Work orders are internal.' };
  if (actor.role !== 'operations') return { departmentId: requested };
  if (!actor.departmentId)
    return { refused: 'You belong to no department, so you have no work-order queue.' };
  if (requested && requested !== actor.departmentId) {
    return { refused: 'Operations users see only their own department’s work orders.' };
  }
  return { departmentId: actor.departmentId };
}

/** Work-order number: W + yymm of the dispatch month (display zone) + the sequence value, 6 digits. */
export function formatWorkOrderNumber(
  at: Date,
  sequence: number | bigint,
  timeZone = 'Asia/Shanghai',
): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: '2-digit',
    month: '2-digit',
  }).formatToParts(at);
  const yy = parts.find((p) => p.type === 'year')?.value ?? '00';
  const mm = parts.find((p) => p.type === 'month')?.value ?? '00';
  return `W${yy}${mm}-${String(sequence).padStart(6, '0')}`;
}

/** Source key of the once-only overdue notice to one person about one work order. */
export function workOrderOverdueKey(workOrderId: string, userId: string): string {
  return `work_order.overdue:${workOrderId}:${userId}`;
}
