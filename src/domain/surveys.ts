import { createHash } from 'node:crypto';
import type { ModelNode } from './satisfaction/model.ts';

/**
 * Pure rules of surveys: token links, their expiry, reminders and waves, which questions a model
 * version asks, how answers are checked and what a response's own index is.
 */

const DAY_MS = 86_400_000;

/** Only the SHA-256 of a token link is stored; the link itself lives only in the recipient's mail. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token link is a 32-byte base64url string: 43 characters of [A-Za-z0-9_-]. */
export function looksLikeToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function tokenExpiresAt(sentAt: Date, ttlDays: number): Date {
  return new Date(sentAt.getTime() + ttlDays * DAY_MS);
}

export type TokenState = 'open' | 'completed' | 'expired' | 'cancelled' | 'closed';

/**
 * What a token link may still do. A completed answer is final (409); an expired link or one whose
 * survey was closed after sending answers 410; a cancelled invitation is as good as unknown (404).
 */
export function tokenState(
  invitation: { status: string; expiresAt: Date },
  surveyStatus: string,
  now: Date,
): TokenState {
  if (invitation.status === 'completed') return 'completed';
  if (invitation.status === 'cancelled') return 'cancelled';
  if (invitation.status === 'expired' || invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (surveyStatus === 'closed') return 'closed';
  return 'open';
}

/**
 * The reminder due now, if any: the n-th reminder (n = reminders already sent) goes out
 * reminderDays[n] days after sending, never after expiry or completion. Days are read sorted, so
 * [7, 3] means the same as [3, 7]. Returns the reminder's number (1-based) or null.
 */
export function dueReminder(
  invitation: { status: string; sentAt: Date | null; expiresAt: Date; reminderCount: number },
  reminderDays: readonly number[],
  now: Date,
): number | null {
  if (!invitation.sentAt) return null;
  if (!['sent', 'opened', 'partial'].includes(invitation.status)) return null;
  if (invitation.expiresAt.getTime() <= now.getTime()) return null;
  const days = [...new Set(reminderDays.filter((d) => Number.isFinite(d) && d > 0))].sort((a, b) => a - b);
  const next = days[invitation.reminderCount];
  if (next === undefined) return null;
  const dueAt = invitation.sentAt.getTime() + next * DAY_MS;
  return now.getTime() >= dueAt ? invitation.reminderCount + 1 : null;
}

/** Adds calendar months in UTC; the 31st in a shorter month becomes that month's last day. */
export function addMonths(at: Date, months: number): Date {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(at.getUTCDate(), lastDay),
      at.getUTCHours(),
      at.getUTCMinutes(),
      at.getUTCSeconds(),
      at.getUTCMilliseconds(),
    ),
  );
}

/**
 * The wave after the one due at `dueAt`: recurrenceMonths later, and past `now` — a sweeper that
 * was down for a year sends one wave, not two.
 */
export function nextWaveAt(dueAt: Date, recurrenceMonths: number, now: Date): Date {
  const step = Math.max(1, Math.floor(recurrenceMonths));
  let next = addMonths(dueAt, step);
  for (let n = 2; next.getTime() <= now.getTime(); n++) next = addMonths(dueAt, step * n);
  return next;
}

/** The questionnaire items: the version's leaves, in tree order (depth first, siblings as listed). */
export function surveyItems(nodes: readonly ModelNode[]): ModelNode[] {
  const children = new Map<string | null, ModelNode[]>();
  for (const node of nodes) {
    const list = children.get(node.parentKey) ?? [];
    list.push(node);
    children.set(node.parentKey, list);
  }
  const leaves: ModelNode[] = [];
  const seen = new Set<string>();
  const walk = (node: ModelNode) => {
    if (seen.has(node.key)) return;
    seen.add(node.key);
    const kids = children.get(node.key) ?? [];
    if (kids.length === 0 && node.parentKey !== null) leaves.push(node);
    for (const kid of kids) walk(kid);
  };
  for (const root of children.get(null) ?? []) walk(root);
  return leaves;
}

/** The level-2 dimension a node belongs to (its own, or its nearest ancestor's). */
export function dimensionOf(nodes: readonly ModelNode[], key: string): string | null {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  let node = byKey.get(key);
  for (let depth = 0; node && depth < 10; depth++) {
    if (node.dimension) return node.dimension;
    node = node.parentKey ? byKey.get(node.parentKey) : undefined;
  }
  return null;
}

export interface AnswerInput {
  itemKey: string;
  score?: number | null;
  idealScore?: number | null;
  importance?: number | null;
}

export interface AnswerProblem {
  field: string;
  message: string;
}

const onScale = (value: unknown) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 5;

/**
 * Checks answers against the questionnaire. Partial saves may leave items out; a submit needs a
 * score for every item (given now or saved before: `saved`). Scores, ideal levels and importance
 * are whole numbers 1–5; ideal and importance only where the survey asks them. Each problem names
 * the item.
 */
export function validateAnswers(
  items: readonly ModelNode[],
  answers: readonly AnswerInput[],
  options: { askIdeal: boolean; askImportance: boolean; complete: boolean; saved?: readonly AnswerInput[] },
): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const known = new Set(items.map((i) => i.key));
  const given = new Set<string>();
  answers.forEach((answer, index) => {
    const field = `answers[${index}]`;
    if (!known.has(answer.itemKey)) {
      problems.push({ field: `${field}.itemKey`, message: `unknown item "${answer.itemKey}"` });
      return;
    }
    if (given.has(answer.itemKey)) {
      problems.push({ field: `${field}.itemKey`, message: `item "${answer.itemKey}" is answered twice` });
      return;
    }
    given.add(answer.itemKey);
    if (answer.score != null && !onScale(answer.score)) {
      problems.push({
        field: `${field}.score`,
        message: `item "${answer.itemKey}": the score must be a whole number from 1 to 5`,
      });
    }
    for (const [name, asked] of [
      ['idealScore', options.askIdeal],
      ['importance', options.askImportance],
    ] as const) {
      const value = answer[name];
      if (value == null) continue;
      if (!asked) {
        problems.push({
          field: `${field}.${name}`,
          message: `item "${answer.itemKey}": this survey does not ask for ${name}`,
        });
      } else if (!onScale(value)) {
        problems.push({
          field: `${field}.${name}`,
          message: `item "${answer.itemKey}": ${name} must be a whole number from 1 to 5`,
        });
      }
    }
  });
  if (options.complete) {
    const scored = new Set<string>();
    for (const answer of options.saved ?? []) if (answer.score != null) scored.add(answer.itemKey);
    for (const answer of answers) {
      if (answer.score != null) scored.add(answer.itemKey);
      // An explicit null clears a saved score.
      else if (answer.score === null) scored.delete(answer.itemKey);
    }
    for (const item of items) {
      if (!scored.has(item.key)) {
        problems.push({ field: `answers.${item.key}`, message: `item "${item.key}" is not answered` });
      }
    }
  }
  return problems;
}

/** Saved answers with the new ones laid over them (a new value replaces, an explicit null clears). */
export function mergeAnswers(saved: readonly AnswerInput[], given: readonly AnswerInput[]): AnswerInput[] {
  const merged = new Map(saved.map((a) => [a.itemKey, { ...a }]));
  for (const answer of given) {
    const before = merged.get(answer.itemKey) ?? { itemKey: answer.itemKey };
    merged.set(answer.itemKey, {
      itemKey: answer.itemKey,
      score: answer.score !== undefined ? answer.score : (before.score ?? null),
      idealScore: answer.idealScore !== undefined ? answer.idealScore : (before.idealScore ?? null),
      importance: answer.importance !== undefined ? answer.importance : (before.importance ?? null),
    });
  }
  return [...merged.values()];
}
