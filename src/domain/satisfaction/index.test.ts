import { describe, expect, it } from 'vitest';
import {
  effectiveScore,
  halfWidth95,
  meanCi,
  momentsOf,
  periodBounds,
  periodKey,
  periodsBetween,
  rescale,
  rescaleMoments,
  responseIndex,
  responseNodeScores,
  rollUp,
  tQuantile,
} from './index.ts';
import type { ModelNode } from './model.ts';

const node = (
  key: string,
  parentKey: string | null,
  level: 1 | 2 | 3,
  weight: number,
  extra: Partial<ModelNode> = {},
) => ({ key, parentKey, level, weight, nameZh: key, nameEn: key, ...extra }) as ModelNode;

/** satisfaction ← quality 0.6 (a 0.5, b 0.5 reverse) and value 0.4 (v). */
const TREE: ModelNode[] = [
  node('satisfaction', null, 1, 1),
  node('quality', 'satisfaction', 2, 0.6),
  node('value', 'satisfaction', 2, 0.4),
  node('a', 'quality', 3, 0.5),
  node('b', 'quality', 3, 0.5, { reverse: true }),
  node('v', 'value', 3, 1),
];

describe('rescaling', () => {
  // ACSI methodology: answers on a 1–10 scale are reported 0–100 as (mean − 1) / (10 − 1) × 100
  // (Fornell et al. 1996, "The American Customer Satisfaction Index: Nature, Purpose, and
  // Findings", Journal of Marketing 60(4); theacsi.org "ACSI Methodology"). The same with 5 points.
  it('maps the scale ends to 0 and 100 and the middle to 50', () => {
    expect(rescale(1, 10)).toBe(0);
    expect(rescale(10, 10)).toBe(100);
    expect(rescale(5.5, 10)).toBe(50);
    expect(rescale(1)).toBe(0);
    expect(rescale(5)).toBe(100);
    expect(rescale(4.2)).toBeCloseTo(80, 12);
  });

  it('turns reverse-worded answers round', () => {
    expect(effectiveScore(1, true)).toBe(5);
    expect(effectiveScore(2, true)).toBe(4);
    expect(effectiveScore(2, false)).toBe(2);
  });

  it('rescales moments like the values themselves', () => {
    const raw = [5, 4, 4, 3, 5, 2, 3, 1];
    const direct = momentsOf(raw.map((x) => rescale(x)));
    const via = rescaleMoments(momentsOf(raw));
    expect(via.n).toBe(direct.n);
    expect(via.sum).toBeCloseTo(direct.sum, 9);
    expect(via.sumSq).toBeCloseTo(direct.sumSq, 6);
  });
});

describe("Student's t and the 95 % interval", () => {
  // Critical values from the NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2
  // "Critical Values of the Student's t Distribution",
  // https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm (3 decimals).
  it('matches the published critical values', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(tQuantile(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.262, 3);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
    expect(tQuantile(0.975, 100)).toBeCloseTo(1.984, 3);
    expect(tQuantile(0.995, 4)).toBeCloseTo(4.604, 3);
    expect(tQuantile(0.95, 10)).toBeCloseTo(1.812, 3);
    expect(tQuantile(0.025, 9)).toBeCloseTo(-2.262, 3);
    expect(tQuantile(0.975, 1e6)).toBeCloseTo(1.96, 2);
  });

  // NIST/SEMATECH e-Handbook §1.3.5.2 "Confidence Limits for the Mean", worked example on
  // ZARR13.DAT: N = 195, mean 9.261460, s = 0.022789, t(0.975, 194) = 1.9723, 95 % interval
  // (9.258242, 9.264679). https://www.itl.nist.gov/div898/handbook/eda/section3/eda352.htm
  // The inputs are published rounded to 6 digits, so the limits agree to 5 decimals.
  it("reproduces NIST's worked confidence-limits example", () => {
    expect(tQuantile(0.975, 194)).toBeCloseTo(1.9723, 4);
    const h = halfWidth95(195, 0.022789);
    expect(9.26146 - h).toBeCloseTo(9.258242, 5);
    expect(9.26146 + h).toBeCloseTo(9.264679, 5);
  });

  it('clamps index intervals to 0–100 and needs two values', () => {
    const wide = meanCi([0, 100, 100]);
    expect(wide.ciLow).toBe(0);
    expect(wide.ciHigh).toBe(100);
    expect(meanCi([50])).toMatchObject({ mean: 50, ciLow: null, ciHigh: null });
    expect(meanCi([])).toMatchObject({ n: 0, mean: null });
  });
});

describe('roll-up over the tree', () => {
  const leaf = (values: number[]) => momentsOf(values);

  it('weights the children and renormalises over the sufficient ones', () => {
    // a: 4,4 → 75; b effective 5,5 → 100; v: one answer, below the minimum of 2.
    const root = rollUp(TREE, { leaves: { a: leaf([4, 4]), b: leaf([5, 5]), v: leaf([3]) }, inner: {} }, 2);
    const [quality, value] = root?.children ?? [];
    expect(quality?.value).toBeCloseTo(87.5, 12);
    expect(value).toMatchObject({ value: null, insufficient: true, answers: 1 });
    // Only quality is sufficient: the root is quality's value, not 0.6 × it.
    expect(root?.value).toBeCloseTo(87.5, 12);
    expect(root?.answers).toBe(5);
  });

  it('leaves a node without sufficient children insufficient', () => {
    const root = rollUp(TREE, { leaves: { a: leaf([4]) } }, 5);
    expect(root).toMatchObject({ value: null, insufficient: true, ciLow: null });
    expect(root?.children?.[0]?.children?.[0]).toMatchObject({ value: null, insufficient: true, answers: 1 });
  });

  it("centres an inner node's interval on its weighted value with the spread of response scores", () => {
    const responseScores = [60, 70, 80, 90, 100];
    const root = rollUp(
      TREE,
      {
        leaves: { a: leaf([4, 4, 4, 5, 5]), b: leaf([5, 5, 5, 5, 5]), v: leaf([4, 4, 4, 4, 5]) },
        inner: { satisfaction: momentsOf(responseScores) },
      },
      5,
    );
    const h = tQuantile(0.975, 4) * (Math.sqrt(250) / Math.sqrt(5));
    expect(root?.ciLow).toBeCloseTo((root?.value as number) - h, 9);
    expect(root?.ciHigh).toBeCloseTo(Math.min(100, (root?.value as number) + h), 9);
    expect(root?.responses).toBe(5);
  });
});

describe("one response's own index", () => {
  it('rolls up what was answered, reverse items turned round', () => {
    // a 5 → 100, b raw 1 → 5 → 100, v 3 → 50: 0.6 × 100 + 0.4 × 50 = 80.
    expect(
      responseIndex(TREE, [
        { itemKey: 'a', score: 5 },
        { itemKey: 'b', score: 1 },
        { itemKey: 'v', score: 3 },
      ]),
    ).toBeCloseTo(80, 12);
  });

  it('renormalises over answered items and ignores skipped and unknown ones', () => {
    const scores = responseNodeScores(TREE, [
      { itemKey: 'a', score: 2 },
      { itemKey: 'b', score: null },
      { itemKey: 'unknown', score: 1 },
    ]);
    expect(scores.get('quality')).toBe(25);
    expect(scores.has('value')).toBe(false);
    expect(scores.get('satisfaction')).toBe(25);
    expect(responseIndex(TREE, [])).toBeNull();
  });
});

describe('periods', () => {
  it('labels and bounds months, quarters, halves and years', () => {
    const d = { year: 2026, month: 8, day: 15 };
    expect(periodKey(d, 'month')).toBe('2026-08');
    expect(periodKey(d, 'quarter')).toBe('2026-Q3');
    expect(periodKey(d, 'half')).toBe('2026-H2');
    expect(periodKey(d, 'year')).toBe('2026');
    expect(periodBounds('2026-Q4', 'quarter')).toEqual({
      start: { year: 2026, month: 10, day: 1 },
      end: { year: 2027, month: 1, day: 1 },
    });
    expect(periodBounds('2026-H1', 'half')?.end).toEqual({ year: 2026, month: 7, day: 1 });
    expect(periodBounds('2026-13', 'month')).toBeNull();
    expect(
      periodsBetween({ year: 2025, month: 11, day: 20 }, { year: 2026, month: 2, day: 1 }, 'month'),
    ).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(
      periodsBetween({ year: 2025, month: 5, day: 1 }, { year: 2026, month: 8, day: 1 }, 'half'),
    ).toEqual(['2025-H1', '2025-H2', '2026-H1', '2026-H2']);
  });
});
