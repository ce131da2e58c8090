/**
 * Silent dissatisfaction (SPEC §7): which alerts one completed response raises. Pure.
 */
import { type BusinessCalendar, workingIntervalsOn } from '../sla.ts';
import { zonedParts } from '../followups.ts';
import { effectiveScore } from './index.ts';
import type { ModelNode } from './model.ts';

/** Same values as the satisfaction_alerts.kind column. */
export type AlertKind = 'low_answer' | 'index_drop';

export interface AlertThresholds {
  /** A response whose own index is below this raises low_answer. */
  alertBelowIndex: number;
  /** Any item answered at or below this effective score raises low_answer. */
  alertItemScoreAtMost: number;
  /** The index falling by more than this from the customer's previous response raises index_drop. */
  alertIndexDrop: number;
}

export interface LowItem {
  itemKey: string;
  score: number;
}

/** Answered leaves whose effective score (reverse items turned round) is at or below the threshold. */
export function lowItems(
  nodes: readonly ModelNode[],
  answers: readonly { itemKey: string; score: number | null | undefined }[],
  atMost: number,
): LowItem[] {
  const parents = new Set(nodes.map((n) => n.parentKey));
  const leaves = new Map(nodes.filter((n) => !parents.has(n.key)).map((n) => [n.key, n]));
  const out: LowItem[] = [];
  for (const a of answers) {
    const leaf = leaves.get(a.itemKey);
    if (!leaf || a.score === null || a.score === undefined) continue;
    const score = effectiveScore(a.score, leaf.reverse === true);
    if (score <= atMost) out.push({ itemKey: a.itemKey, score });
  }
  return out;
}

export interface AlertDecision {
  kind: AlertKind;
  currentIndex: number | null;
  previousIndex: number | null;
  lowItems: LowItem[];
}

export function decideAlerts(
  input: { index: number | null; previousIndex: number | null; lowItems: LowItem[] },
  t: AlertThresholds,
): AlertDecision[] {
  const out: AlertDecision[] = [];
  const below = input.index !== null && input.index < t.alertBelowIndex;
  if (below || input.lowItems.length > 0) {
    out.push({
      kind: 'low_answer',
      currentIndex: input.index,
      previousIndex: null,
      lowItems: input.lowItems,
    });
  }
  if (
    input.index !== null &&
    input.previousIndex !== null &&
    input.previousIndex - input.index > t.alertIndexDrop
  ) {
    out.push({
      kind: 'index_drop',
      currentIndex: input.index,
      previousIndex: input.previousIndex,
      lowItems: input.lowItems,
    });
  }
  return out;
}

function ymd(d: { year: number; month: number; day: number }): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/**
 * The end of the n-th working day after the day of `now` in the calendar's zone (today does not
 * count, so an alert raised on Friday afternoon is due Tuesday evening on a Monday–Friday week).
 */
export function endOfNthWorkingDay(calendar: BusinessCalendar, now: Date, n: number): Date {
  const today = zonedParts(now, calendar.timeZone);
  let found = 0;
  for (let i = 1; i <= 366; i++) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + i));
    const date = ymd({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() });
    const intervals = workingIntervalsOn(calendar, date);
    if (intervals.length === 0) continue;
    found++;
    if (found >= n) return (intervals[intervals.length - 1] as { end: Date }).end;
  }
  return new Date(now.getTime() + n * 86_400_000);
}
