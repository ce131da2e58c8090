import type { Actor } from './access.ts';

/**
 * Pure rules of commitments (承诺管理, SPEC §5): when a promise needs a supervisor's approval, who
 * approves and who may change it, which state changes are allowed, the overdue flag and who is told.
 * No I/O; the commitments service calls these with plain data.
 */

export type CommitmentState = 'open' | 'kept' | 'broken' | 'renegotiated';
export type ApprovalState = 'not_needed' | 'pending' | 'approved' | 'rejected';

/** A promise of more money than the threshold, or one the maker says exceeds the bottom line, needs approval. */
export function needsApproval(
  amount: number | null | undefined,
  threshold: number,
  exceedsBottomLine = false,
) {
  if (exceedsBottomLine) return true;
  return amount !== null && amount !== undefined && amount > threshold;
}

export function initialApproval(
  amount: number | null | undefined,
  threshold: number,
  exceedsBottomLine = false,
): ApprovalState {
  return needsApproval(amount, threshold, exceedsBottomLine) ? 'pending' : 'not_needed';
}

/**
 * The approval state after a correction. Within the bottom line again: not needed. An approval
 * stands when the promise did not grow (same or smaller amount, no newly exceeded bottom line);
 * otherwise the changed promise goes back to the supervisor. A rejection stands while nothing changed.
 */
export function approvalAfterChange(
  before: { approvalStatus: ApprovalState; amount: number | null; exceedsBottomLine: boolean },
  after: { amount: number | null; exceedsBottomLine: boolean },
  threshold: number,
): ApprovalState {
  if (!needsApproval(after.amount, threshold, after.exceedsBottomLine)) return 'not_needed';
  const grew =
    (after.amount ?? 0) > (before.amount ?? 0) || (after.exceedsBottomLine && !before.exceedsBottomLine);
  if (before.approvalStatus === 'approved' && !grew) return 'approved';
  if (before.approvalStatus === 'rejected' && !grew && after.amount === before.amount) return 'rejected';
  return 'pending';
}

export interface MakerScope {
  madeById: string;
  /** The maker's department (their team), null when they have none. */
  makerDepartmentId: string | null;
  createdBy?: string | null;
}

/**
 * Supervisors of the maker's team, managers and admins decide on approvals — never the maker of
 * the promise nor whoever recorded it for them (four eyes).
 */
export function canApproveCommitment(actor: Actor, commitment: MakerScope): boolean {
  if (actor.id === commitment.madeById) return false;
  if (commitment.createdBy && actor.id === commitment.createdBy) return false;
  switch (actor.role) {
    case 'admin':
    case 'manager':
      return true;
    case 'supervisor':
      return (
        commitment.makerDepartmentId !== null &&
        actor.teamDepartmentIds.includes(commitment.makerDepartmentId)
      );
    default:
      return false;
  }
}

/** The maker, whoever recorded it, a supervisor of the maker's team, and admins may change a promise. */
export function canChangeCommitment(actor: Actor, commitment: MakerScope): boolean {
  if (actor.role === 'portal') return false;
  if (actor.role === 'admin') return true;
  if (actor.id === commitment.madeById || (commitment.createdBy && actor.id === commitment.createdBy))
    return true;
  return (
    actor.role === 'supervisor' &&
    commitment.makerDepartmentId !== null &&
    actor.teamDepartmentIds.includes(commitment.makerDepartmentId)
  );
}

/** Why an outcome (kept / broken) cannot be recorded now, or null when it can. */
export function outcomeRefusal(status: CommitmentState, approval: ApprovalState): string | null {
  if (status !== 'open') return `This promise is already ${status}.`;
  if (approval === 'pending') return 'This promise still waits for a supervisor’s approval.';
  if (approval === 'rejected') return 'This promise was rejected; renegotiate it instead.';
  return null;
}

/** Why the approval cannot be decided now, or null when it can. */
export function approvalRefusal(status: CommitmentState, approval: ApprovalState): string | null {
  if (status !== 'open') return `This promise is already ${status}.`;
  if (approval !== 'pending') return 'This promise does not wait for an approval.';
  return null;
}

/** Open and past its due time. Kept, broken and renegotiated promises are never overdue. */
export function isCommitmentOverdue(commitment: { status: string; dueAt: Date }, now: Date): boolean {
  return commitment.status === 'open' && commitment.dueAt.getTime() < now.getTime();
}

/**
 * Who supervises a person: walking up from their department, the first level with anyone to tell —
 * the department's head and its supervisors — except the person themselves.
 */
export function nearestSupervisors(
  chain: string[],
  candidates: { id: string; departmentId: string; isHead: boolean }[],
  personId: string,
): string[] {
  for (const departmentId of chain) {
    const found = candidates
      .filter((c) => c.departmentId === departmentId && c.id !== personId)
      .sort((a, b) => Number(b.isHead) - Number(a.isHead));
    if (found.length) return [...new Set(found.map((c) => c.id))];
  }
  return [];
}

/** Source key of the once-only overdue notice to one person about one promise. */
export function commitmentOverdueKey(commitmentId: string, userId: string): string {
  return `commitment.overdue:${commitmentId}:${userId}`;
}
