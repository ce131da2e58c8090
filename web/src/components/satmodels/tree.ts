import type { ModelNode } from './api';

/** A node with its children and its global weight (product of the weights along the path). */
export interface TreeRow extends ModelNode {
  globalWeight: number;
  children?: TreeRow[];
}

/** The nodes as a nested tree (siblings in stored order), each with its global weight. */
export function buildTree(nodes: ModelNode[]): TreeRow[] {
  const byParent = new Map<string | null, ModelNode[]>();
  for (const node of nodes) {
    const list = byParent.get(node.parentKey) ?? [];
    list.push(node);
    byParent.set(node.parentKey, list);
  }
  const build = (parentKey: string | null, parentWeight: number): TreeRow[] =>
    (byParent.get(parentKey) ?? []).map((node) => {
      // The root's weight is 1 whatever is stored.
      const globalWeight = parentKey === null ? 1 : parentWeight * node.weight;
      const kids = build(node.key, globalWeight);
      return { ...node, globalWeight, ...(kids.length ? { children: kids } : {}) };
    });
  return build(null, 1);
}

export function childrenOf(nodes: ModelNode[], parentKey: string): ModelNode[] {
  return nodes.filter((node) => node.parentKey === parentKey);
}

export function isLeaf(nodes: ModelNode[], key: string): boolean {
  return !nodes.some((node) => node.parentKey === key);
}

/** Nodes whose children can be weighted (inner nodes with at least two children). */
export function weightableParents(nodes: ModelNode[]): ModelNode[] {
  return nodes.filter((node) => childrenOf(nodes, node.key).length >= 2);
}

/** Weights scaled to sum to 1 (all equal when nothing positive was entered). */
export function normalise(values: number[]): number[] {
  const clean = values.map((value) => (Number.isFinite(value) && value > 0 ? value : 0));
  const sum = clean.reduce((a, b) => a + b, 0);
  if (sum <= 0) return values.map(() => 1 / values.length);
  return clean.map((value) => value / sum);
}

/** The node and all its descendants' keys. */
export function subtreeKeys(nodes: ModelNode[], key: string): Set<string> {
  const keys = new Set([key]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of nodes) {
      if (node.parentKey && keys.has(node.parentKey) && !keys.has(node.key)) {
        keys.add(node.key);
        grew = true;
      }
    }
  }
  return keys;
}

/** Saaty's 1–9 scale with reciprocals, as offered in a cell of the pairwise matrix. */
export const SAATY_VALUES = [
  1 / 9,
  1 / 8,
  1 / 7,
  1 / 6,
  1 / 5,
  1 / 4,
  1 / 3,
  1 / 2,
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
];

/** "1/3" for 0.333…, "3" for 3. */
export function saatyLabel(value: number): string {
  if (value >= 1) return String(Math.round(value * 100) / 100);
  const inverse = 1 / value;
  return Math.abs(inverse - Math.round(inverse)) < 1e-6 ? `1/${Math.round(inverse)}` : value.toFixed(2);
}

/** The closest value of Saaty's scale (stored judgements are on it; guards against rounding). */
export function nearestSaaty(value: number): number {
  let best = 1;
  for (const candidate of SAATY_VALUES) {
    if (Math.abs(Math.log(candidate) - Math.log(value)) < Math.abs(Math.log(best) - Math.log(value)))
      best = candidate;
  }
  return best;
}

/** An n×n matrix of ones (all children equally important). */
export function identityJudgement(n: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: n }, () => 1));
}

/** Sets a_ij and its reciprocal a_ji. */
export function withJudgement(matrix: number[][], i: number, j: number, value: number): number[][] {
  return matrix.map((row, r) =>
    row.map((cell, c) => (r === i && c === j ? value : r === j && c === i ? 1 / value : cell)),
  );
}

/**
 * The judgement that disagrees most with the priorities (Saaty's hint for revising an
 * inconsistent matrix): the upper cell whose a_ij is furthest, as a ratio, from w_i / w_j.
 */
export function mostInconsistent(
  matrix: number[][],
  weights: number[],
): { i: number; j: number; value: number; implied: number } | null {
  let worst: { i: number; j: number; value: number; implied: number; ratio: number } | null = null;
  for (let i = 0; i < matrix.length; i++) {
    for (let j = i + 1; j < matrix.length; j++) {
      const value = matrix[i]?.[j];
      const wi = weights[i];
      const wj = weights[j];
      if (!value || !wi || !wj) continue;
      const implied = wi / wj;
      const ratio = Math.abs(Math.log(value / implied));
      if (!worst || ratio > worst.ratio) worst = { i, j, value, implied, ratio };
    }
  }
  return worst && worst.ratio > 1e-9
    ? { i: worst.i, j: worst.j, value: worst.value, implied: worst.implied }
    : null;
}

export const formatPercent = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : `${(value * 100).toFixed(digits)}%`;
