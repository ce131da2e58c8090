/**
 * The satisfaction index arithmetic (SPEC §7): Likert answers rescaled to 0–100 the way ACSI
 * does, rolled up the indicator tree by the siblings' weights, with 95 % t-intervals. Pure.
 */
import type { ModelNode } from './model.ts';

/** Points on the answer scale (5-level Likert). */
export const SCALE_POINTS = 5;

/** ACSI's 0–100 rescaling of a mean answer: (mean − 1) / (scale − 1) × 100. */
export function rescale(mean: number, scalePoints = SCALE_POINTS): number {
  return ((mean - 1) / (scalePoints - 1)) * 100;
}

/** A reverse-worded item counts the other way round: 6 − score on a 5-point scale. */
export function effectiveScore(score: number, reverse = false, scalePoints = SCALE_POINTS): number {
  return reverse ? scalePoints + 1 - score : score;
}

// ---- Student's t quantile (no dependency: regularised incomplete beta + bisection) ----

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~15 digits for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta (Numerical Recipes' betacf, modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with df degrees of freedom (bisection on the CDF, 1e-12). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return Number.NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// ---- Means and intervals ----

export interface MeanCi {
  n: number;
  mean: number | null;
  sd: number | null;
  /** 95 % t-interval; null below two values. */
  ciLow: number | null;
  ciHigh: number | null;
}

/** Count, sum and sum of squares: what SQL aggregates return and intervals need. */
export interface Moments {
  n: number;
  sum: number;
  sumSq: number;
}

/** Sample standard deviation (n − 1) from moments; null below two values. */
export function sdFromMoments(m: Moments): number | null {
  if (m.n < 2) return null;
  const variance = (m.sumSq - (m.sum * m.sum) / m.n) / (m.n - 1);
  return Math.sqrt(Math.max(0, variance));
}

/** Half-width of the 95 % t-interval of a mean: t(0.975, n − 1) × sd / √n. */
export function halfWidth95(n: number, sd: number): number {
  return tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
}

/** Mean and 95 % t-interval from moments, not clamped (see meanCi for the 0–100 case). */
export function meanCiFromMoments(m: Moments): MeanCi {
  if (m.n === 0) return { n: 0, mean: null, sd: null, ciLow: null, ciHigh: null };
  const mean = m.sum / m.n;
  const sd = sdFromMoments(m);
  if (sd === null) return { n: m.n, mean, sd: null, ciLow: null, ciHigh: null };
  const h = halfWidth95(m.n, sd);
  return { n: m.n, mean, sd, ciLow: mean - h, ciHigh: mean + h };
}

export function momentsOf(values: readonly number[]): Moments {
  let sum = 0;
  let sumSq = 0;
  for (const v of values) {
    sum += v;
    sumSq += v * v;
  }
  return { n: values.length, sum, sumSq };
}

/** Mean and 95 % t-interval of values on the 0–100 index scale, the interval clamped to 0–100. */
export function meanCi(values: readonly number[]): MeanCi {
  const r = meanCiFromMoments(momentsOf(values));
  return { ...r, ciLow: clampIndex(r.ciLow), ciHigh: clampIndex(r.ciHigh) };
}

function clampIndex(v: number | null): number | null {
  return v === null ? null : Math.min(100, Math.max(0, v));
}

/** Moments of raw effective scores (1..5) → moments of the same answers on the 0–100 scale. */
export function rescaleMoments(m: Moments, scalePoints = SCALE_POINTS): Moments {
  const k = 100 / (scalePoints - 1);
  // y = k(x − 1): Σy = k(Σx − n), Σy² = k²(Σx² − 2Σx + n)
  return { n: m.n, sum: k * (m.sum - m.n), sumSq: k * k * (m.sumSq - 2 * m.sum + m.n) };
}

// ---- The roll-up over the tree ----

export interface IndexNode {
  key: string;
  nameZh: string;
  nameEn: string;
  level: number;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Leaves: answers of the item; inner nodes: answers of all the leaves below. */
  answers: number;
  /** Responses with at least one answer under the node. */
  responses: number;
  insufficient: boolean;
  children?: IndexNode[];
}

/**
 * What the roll-up needs per node. Leaves: the moments of the effective scores (1..5) of the item.
 * Inner nodes (optional): the moments of the per-response node scores (0–100, see
 * responseNodeScores), which give the responses count and the interval's width.
 */
export interface RollUpStats {
  leaves: Record<string, Moments | undefined>;
  inner?: Record<string, Moments | undefined>;
}

function childrenByParent(nodes: readonly ModelNode[]): Map<string | null, ModelNode[]> {
  const map = new Map<string | null, ModelNode[]>();
  for (const n of nodes) {
    const list = map.get(n.parentKey) ?? [];
    list.push(n);
    map.set(n.parentKey, list);
  }
  return map;
}

export function rootOf(nodes: readonly ModelNode[]): ModelNode | undefined {
  return nodes.find((n) => n.parentKey === null);
}

/** Leaves are nodes without children. */
export function leavesOf(nodes: readonly ModelNode[]): ModelNode[] {
  const parents = new Set(nodes.map((n) => n.parentKey));
  return nodes.filter((n) => !parents.has(n.key));
}

/**
 * Rolls the tree up: a leaf's value is its rescaled mean with a t-interval; an inner node's value
 * is Σ weight × child value over its sufficient children, the weights renormalised over them.
 * A node with fewer than minAnswers answers (leaf) or responses (inner) is insufficient (null),
 * as is an inner node without a sufficient child. An inner node's interval is its value ± the
 * t half-width of the per-response node scores (each response's own roll-up), so it stays centred
 * on the weighted value.
 */
export function rollUp(
  nodes: readonly ModelNode[],
  stats: RollUpStats,
  minAnswers: number,
): IndexNode | null {
  const root = rootOf(nodes);
  if (!root) return null;
  const byParent = childrenByParent(nodes);
  const visit = (node: ModelNode): IndexNode & { leafAnswers: number } => {
    const kids = byParent.get(node.key) ?? [];
    const base = { key: node.key, nameZh: node.nameZh, nameEn: node.nameEn, level: node.level };
    if (kids.length === 0) {
      const m = stats.leaves[node.key] ?? { n: 0, sum: 0, sumSq: 0 };
      const insufficient = m.n < Math.max(1, minAnswers);
      const ci = meanCiFromMoments(rescaleMoments(m));
      return {
        ...base,
        value: insufficient ? null : ci.mean,
        ciLow: insufficient ? null : clampIndex(ci.ciLow),
        ciHigh: insufficient ? null : clampIndex(ci.ciHigh),
        answers: m.n,
        responses: m.n,
        insufficient,
        leafAnswers: m.n,
      };
    }
    const children = kids.map(visit);
    let weighted = 0;
    let weightSum = 0;
    kids.forEach((kid, i) => {
      const child = children[i];
      if (!child || child.value === null) return;
      const w = Math.max(0, kid.weight);
      weighted += w * child.value;
      weightSum += w;
    });
    // Sufficient children all weighted 0: fall back to their plain mean rather than lose the node.
    let value: number | null = null;
    if (weightSum > 0) value = weighted / weightSum;
    else {
      const valued = children.filter((c) => c.value !== null);
      if (valued.length > 0) value = valued.reduce((s, c) => s + (c.value as number), 0) / valued.length;
    }
    const answers = children.reduce((s, c) => s + c.leafAnswers, 0);
    const m = stats.inner?.[node.key];
    const responses = m ? m.n : Math.max(0, ...children.map((c) => c.responses));
    const insufficient = value === null || responses < Math.max(1, minAnswers);
    let ciLow: number | null = null;
    let ciHigh: number | null = null;
    if (!insufficient && m) {
      const sd = sdFromMoments(m);
      if (sd !== null) {
        const h = halfWidth95(m.n, sd);
        ciLow = clampIndex((value as number) - h);
        ciHigh = clampIndex((value as number) + h);
      }
    }
    return {
      ...base,
      value: insufficient ? null : value,
      ciLow,
      ciHigh,
      answers,
      responses,
      insufficient,
      children: children.map(stripLeafAnswers),
      leafAnswers: answers,
    };
  };
  return stripLeafAnswers(visit(root));
}

function stripLeafAnswers(n: IndexNode & { leafAnswers?: number }): IndexNode {
  const { leafAnswers: _ignored, ...node } = n;
  return node;
}

/** Depth-first list of a rolled-up tree's nodes. */
export function flattenIndex(node: IndexNode): IndexNode[] {
  return [node, ...(node.children ?? []).flatMap(flattenIndex)];
}

// ---- One response's own roll-up ----

export interface AnswerScore {
  itemKey: string;
  /** Raw answer 1..5 as given, or null when skipped. */
  score: number | null | undefined;
}

/**
 * One response's node scores (0–100): each answered leaf rescaled (reverse items turned round),
 * each inner node the weighted mean of its answered children, weights renormalised over them. Nodes
 * with nothing answered below them are absent. Answers to keys not in the tree are ignored.
 */
export function responseNodeScores(
  nodes: readonly ModelNode[],
  answers: readonly AnswerScore[],
): Map<string, number> {
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const byParent = childrenByParent(nodes);
  const given = new Map<string, number>();
  for (const a of answers) {
    if (a.score === null || a.score === undefined) continue;
    const node = byKey.get(a.itemKey);
    if (!node || (byParent.get(node.key)?.length ?? 0) > 0) continue;
    given.set(a.itemKey, rescale(effectiveScore(a.score, node.reverse === true)));
  }
  const out = new Map<string, number>();
  const visit = (node: ModelNode): number | null => {
    const kids = byParent.get(node.key) ?? [];
    if (kids.length === 0) {
      const v = given.get(node.key);
      if (v === undefined) return null;
      out.set(node.key, v);
      return v;
    }
    let weighted = 0;
    let weightSum = 0;
    const plain: number[] = [];
    for (const kid of kids) {
      const v = visit(kid);
      if (v === null) continue;
      plain.push(v);
      const w = Math.max(0, kid.weight);
      weighted += w * v;
      weightSum += w;
    }
    if (plain.length === 0) return null;
    const v = weightSum > 0 ? weighted / weightSum : plain.reduce((s, x) => s + x, 0) / plain.length;
    out.set(node.key, v);
    return v;
  };
  const root = rootOf(nodes);
  if (root) visit(root);
  return out;
}

/** One response's index (0–100, the root of its own roll-up), or null when nothing was answered. */
export function responseIndex(nodes: readonly ModelNode[], answers: readonly AnswerScore[]): number | null {
  const root = rootOf(nodes);
  if (!root) return null;
  return responseNodeScores(nodes, answers).get(root.key) ?? null;
}

// ---- Periods (bucketed on the local calendar of the display time zone) ----

export const PERIODS = ['month', 'quarter', 'half', 'year'] as const;
export type Period = (typeof PERIODS)[number];

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MONTHS_OF: Record<Period, number> = { month: 1, quarter: 3, half: 6, year: 12 };

/** The period's label, which is also its key: 2026-11, 2026-Q3, 2026-H2, 2026. */
export function periodKey(date: LocalDate, period: Period): string {
  const y = String(date.year).padStart(4, '0');
  switch (period) {
    case 'month':
      return `${y}-${String(date.month).padStart(2, '0')}`;
    case 'quarter':
      return `${y}-Q${Math.ceil(date.month / 3)}`;
    case 'half':
      return `${y}-H${date.month <= 6 ? 1 : 2}`;
    case 'year':
      return y;
  }
}

/** First local day of the period with that key, and the first day of the next one. */
export function periodBounds(key: string, period: Period): { start: LocalDate; end: LocalDate } | null {
  const m = /^(\d{4})(?:-(?:(\d{2})|Q([1-4])|H([12])))?$/.exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  let month = 1;
  if (period === 'month' && m[2]) month = Number(m[2]);
  else if (period === 'quarter' && m[3]) month = (Number(m[3]) - 1) * 3 + 1;
  else if (period === 'half' && m[4]) month = m[4] === '1' ? 1 : 7;
  else if (period !== 'year') return null;
  if (month < 1 || month > 12) return null;
  const next = year * 12 + (month - 1) + MONTHS_OF[period];
  return {
    start: { year, month, day: 1 },
    end: { year: Math.floor(next / 12), month: (next % 12) + 1, day: 1 },
  };
}

/** Keys of every period from the one containing `from` to the one containing `to`, in order. */
export function periodsBetween(from: LocalDate, to: LocalDate, period: Period, max = 400): string[] {
  const keys: string[] = [];
  let cursor: LocalDate = { year: from.year, month: from.month, day: 1 };
  const last = periodKey(to, period);
  for (let i = 0; i < max; i++) {
    const key = periodKey(cursor, period);
    keys.push(key);
    if (key === last) break;
    const bounds = periodBounds(key, period);
    if (!bounds) break;
    cursor = bounds.end;
  }
  return keys;
}
