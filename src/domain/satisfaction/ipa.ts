import { rootOf } from './index.ts';
import type { ModelNode } from './model.ts';

/**
 * Importance–performance analysis (Martilla & James 1977): each service element placed by its
 * importance and performance; the cross-hairs at the means by default. Pure.
 */

export type IpaQuadrant = 'concentrate_here' | 'keep_up' | 'low_priority' | 'possible_overkill';

export interface IpaInput {
  importance: number;
  performance: number;
}

export interface IpaCuts {
  importanceCut?: number;
  performanceCut?: number;
}

/**
 * Quadrant I "concentrate here" (important, performing below the cut), II "keep up the good work"
 * (important, above), III "low priority" (less important, below), IV "possible overkill" (less
 * important, above). A value on a cut counts as high, as a point on the axis is not a shortfall.
 */
export function quadrantOf(e: IpaInput, importanceCut: number, performanceCut: number): IpaQuadrant {
  const important = e.importance >= importanceCut;
  const performing = e.performance >= performanceCut;
  if (important) return performing ? 'keep_up' : 'concentrate_here';
  return performing ? 'possible_overkill' : 'low_priority';
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
}

export function ipaQuadrants<T extends IpaInput>(
  elements: readonly T[],
  cuts: IpaCuts = {},
): { importanceCut: number; performanceCut: number; elements: (T & { quadrant: IpaQuadrant })[] } {
  const importanceCut = cuts.importanceCut ?? mean(elements.map((e) => e.importance));
  const performanceCut = cuts.performanceCut ?? mean(elements.map((e) => e.performance));
  return {
    importanceCut,
    performanceCut,
    elements: elements.map((e) => ({ ...e, quadrant: quadrantOf(e, importanceCut, performanceCut) })),
  };
}

/** The gap of gap analysis: ideal (expected) level − perceived level; positive means falling short. */
export function gap(ideal: number | null, perceived: number | null): number | null {
  return ideal === null || perceived === null ? null : ideal - perceived;
}

/**
 * Derived importance from the model: each leaf's global weight (product of the weights on its
 * path), rescaled so its mean equals the target mean (the mean stated importance), so both kinds
 * sit on the same axis.
 */
export function scaleToMean(values: readonly number[], targetMean: number): number[] {
  const m = mean([...values]);
  if (m === 0) return values.map(() => targetMean);
  return values.map((v) => (v * targetMean) / m);
}

/** Each leaf's global weight: the product of the (sibling-normalised) weights on its path. */
export function globalWeights(nodes: readonly ModelNode[]): Map<string, number> {
  const byParent = new Map<string | null, ModelNode[]>();
  for (const n of nodes) byParent.set(n.parentKey, [...(byParent.get(n.parentKey) ?? []), n]);
  const out = new Map<string, number>();
  const visit = (node: ModelNode, w: number) => {
    const kids = byParent.get(node.key) ?? [];
    if (kids.length === 0) {
      out.set(node.key, w);
      return;
    }
    const total = kids.reduce((s, k) => s + Math.max(0, k.weight), 0);
    for (const k of kids) visit(k, total > 0 ? (w * Math.max(0, k.weight)) / total : w / kids.length);
  };
  const root = rootOf(nodes);
  if (root) visit(root, 1);
  return out;
}
