import type { Actor } from './access.ts';
import { isStaff } from './access.ts';
import { effectiveScore, rescale } from './satisfaction/index.ts';
import { ipaQuadrants } from './satisfaction/ipa.ts';

/**
 * Pure rules of corrective actions (整改措施, SPEC §7): which status changes are allowed, who may
 * open and change one, the overdue flag, the effectiveness verdict and the number format.
 * No I/O; the corrective-actions service calls these with plain data.
 */

export type ActionState = 'open' | 'in_progress' | 'verifying' | 'effective' | 'not_effective' | 'cancelled';

/** States in which the work is still going on (the board's left columns). */
export const ACTIVE_STATES: readonly ActionState[] = ['open', 'in_progress', 'verifying'];
/** Final states: nothing changes any more (not_effective may be taken up again, see below). */
export const FINAL_STATES: readonly ActionState[] = ['effective', 'cancelled'];

/**
 * Status changes made by hand (PATCH). Verification (effective / not_effective) and cancellation
 * have their own endpoints. A measure that did not work is taken up again (not_effective → in_progress).
 */
const MANUAL_MOVES: Record<ActionState, readonly ActionState[]> = {
  open: ['in_progress', 'verifying'],
  in_progress: ['open', 'verifying'],
  verifying: ['in_progress'],
  not_effective: ['in_progress'],
  effective: [],
  cancelled: [],
};

export function canMoveTo(from: ActionState, to: ActionState): boolean {
  return from === to || MANUAL_MOVES[from].includes(to);
}

/** Why the action cannot be verified now, or null. A not-effective action is verified again after more work. */
export function verifyRefusal(status: ActionState): string | null {
  if (status === 'effective') return 'This action was already verified as effective.';
  if (status === 'cancelled') return 'This action was cancelled.';
  if (status === 'not_effective') return 'This action was found not effective; take it up again first.';
  return null;
}

export function cancelRefusal(status: ActionState): string | null {
  if (status === 'cancelled') return 'This action is already cancelled.';
  if (status === 'effective') return 'This action was verified as effective; it cannot be cancelled.';
  return null;
}

/** Measures not yet carried out past their due time. Once verifying, the measures are done. */
export function isActionOverdue(action: { status: string; dueAt: Date }, now: Date): boolean {
  return (
    (action.status === 'open' || action.status === 'in_progress') && action.dueAt.getTime() < now.getTime()
  );
}

/** Supervisors, managers and admins open corrective actions. */
export function canCreateAction(actor: Actor): boolean {
  return actor.role === 'supervisor' || actor.role === 'manager' || actor.role === 'admin';
}

/** The owner, supervisors, managers and admins change and verify one. */
export function canChangeAction(actor: Actor, action: { ownerId: string }): boolean {
  if (!isStaff(actor)) return false;
  return canCreateAction(actor) || actor.id === action.ownerId;
}

/**
 * Effective when the after figure is better than the before one: a higher score (0–100), or fewer
 * complaints per 90 days for a cluster of complaints. Equal is not better.
 */
export function verdict(
  before: number | null,
  after: number,
  lowerIsBetter = false,
): 'effective' | 'not_effective' {
  if (before === null) return 'not_effective';
  const better = lowerIsBetter ? after < before : after > before;
  return better ? 'effective' : 'not_effective';
}

/** Complaints per 90 days over a window of the given length (at least one day, so one day's count is not blown up to infinity). */
export function complaintsPer90Days(count: number, windowMs: number): number {
  const days = Math.max(1, windowMs / 86_400_000);
  return Math.round((count * 90 * 100) / days) / 100;
}

/** ZG-2026-0001: 整改 + the year in the display zone + a sequence per year. */
export function actionNumber(year: number, sequence: number): string {
  return `ZG-${year}-${String(sequence).padStart(4, '0')}`;
}

/** The next sequence of the year from the numbers already given (any format other than ours is ignored). */
export function nextSequence(year: number, existing: string[]): number {
  const prefix = `ZG-${year}-`;
  let max = 0;
  for (const number of existing) {
    if (!number.startsWith(prefix)) continue;
    const n = Number(number.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return max + 1;
}

/**
 * An item's score 0–100 from counts of raw answers, with the shared arithmetic: effective score =
 * 6 − score when the item is reverse-scored (in the version answered), item score = (mean − 1) / 4 × 100.
 */
export function itemScore(counts: { score: number; n: number; reverse: boolean }[]): {
  score: number | null;
  answers: number;
} {
  let sum = 0;
  let answers = 0;
  for (const row of counts) {
    if (row.n <= 0 || row.score < 1 || row.score > 5) continue;
    sum += effectiveScore(row.score, row.reverse) * row.n;
    answers += row.n;
  }
  if (answers === 0) return { score: null, answers: 0 };
  return { score: round2(rescale(sum / answers)), answers };
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface TreeNode {
  key: string;
  parentKey: string | null;
  weight: number;
  nameZh: string;
  nameEn: string;
  dimension?: string;
}

/** Leaves of a tree with their global weight (product of weights on the path) and dimension. */
export function leavesOf<T extends TreeNode>(
  nodes: T[],
): (T & { globalWeight: number; dimensionKey: string | null })[] {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const parents = new Set(nodes.map((n) => n.parentKey).filter((k): k is string => k !== null));
  return nodes
    .filter((n) => n.parentKey !== null && !parents.has(n.key))
    .map((leaf) => {
      let weight = 1;
      let dimensionKey: string | null = null;
      let node: T | undefined = leaf;
      const seen = new Set<string>();
      while (node && node.parentKey !== null && !seen.has(node.key)) {
        seen.add(node.key);
        weight *= Number.isFinite(node.weight) ? node.weight : 0;
        if (node.dimension) dimensionKey = node.dimension;
        node = byKey.get(node.parentKey);
      }
      return { ...leaf, globalWeight: weight, dimensionKey };
    });
}

/**
 * Service elements worth an action: an item whose score (with enough answers) is below the line, or
 * in IPA's "concentrate here" quadrant (at least as important as the average item, performing
 * below the average).
 */
export function weakElements<E extends { key: string; importance: number; score: number | null }>(
  elements: E[],
  lowLine = 70,
): (E & { reasons: ('low_score' | 'concentrate_here')[] })[] {
  const scored = elements.filter((e) => e.score !== null);
  if (!scored.length) return [];
  // The analytics' IPA: cuts at the means, a value on a cut counts as high.
  const { elements: placed } = ipaQuadrants(scored.map((e) => ({ ...e, performance: e.score as number })));
  const out: (E & { reasons: ('low_score' | 'concentrate_here')[] })[] = [];
  for (const [i, e] of scored.entries()) {
    const reasons: ('low_score' | 'concentrate_here')[] = [];
    if ((e.score as number) < lowLine) reasons.push('low_score');
    if (placed[i].quadrant === 'concentrate_here') reasons.push('concentrate_here');
    if (reasons.length) out.push({ ...e, reasons });
  }
  return out.sort((a, b) => (a.score as number) - (b.score as number));
}
