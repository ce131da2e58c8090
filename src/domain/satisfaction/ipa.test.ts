import { describe, expect, it } from 'vitest';
import { gap, globalWeights, ipaQuadrants, scaleToMean } from './ipa.ts';
import type { ModelNode } from './model.ts';

/**
 * Martilla, J. A. & James, J. C. (1977), "Importance-Performance Analysis", Journal of Marketing
 * 41(1), 77–79: the grid's quadrants A "Concentrate here" (important, performing poorly),
 * B "Keep up the good work", C "Low priority", D "Possible overkill"; the cross-hairs where the
 * analyst puts them — here the means of importance and performance by default.
 */
describe('importance–performance quadrants', () => {
  const elements = [
    { key: 'on_time', importance: 4.8, performance: 55 },
    { key: 'tracking', importance: 4.5, performance: 85 },
    { key: 'invoice_layout', importance: 2.5, performance: 50 },
    { key: 'gifts', importance: 2.2, performance: 90 },
  ];

  it('puts the cross-hairs at the means and names each quadrant', () => {
    const r = ipaQuadrants(elements);
    expect(r.importanceCut).toBeCloseTo(3.5, 12);
    expect(r.performanceCut).toBeCloseTo(70, 12);
    expect(r.elements.map((e) => [e.key, e.quadrant])).toEqual([
      ['on_time', 'concentrate_here'],
      ['tracking', 'keep_up'],
      ['invoice_layout', 'low_priority'],
      ['gifts', 'possible_overkill'],
    ]);
  });

  it('takes given cuts, a value on a cut counting as high', () => {
    const r = ipaQuadrants(elements, { importanceCut: 4.5, performanceCut: 85 });
    expect(r.elements.map((e) => e.quadrant)).toEqual([
      'concentrate_here',
      'keep_up',
      'low_priority',
      'possible_overkill',
    ]);
  });

  it('gives the gap as ideal minus perceived, only where both exist', () => {
    expect(gap(100, 59.375)).toBeCloseTo(40.625, 12);
    expect(gap(null, 50)).toBeNull();
  });
});

describe('derived importance', () => {
  const n = (key: string, parentKey: string | null, weight: number) =>
    ({ key, parentKey, weight, level: 1, nameZh: key, nameEn: key }) as ModelNode;

  it("multiplies the weights on a leaf's path, normalising siblings", () => {
    const w = globalWeights([
      n('root', null, 1),
      n('q', 'root', 3),
      n('v', 'root', 2),
      n('q1', 'q', 1),
      n('q2', 'q', 1),
      n('v1', 'v', 5),
    ]);
    expect(w.get('q1')).toBeCloseTo(0.3, 12);
    expect(w.get('q2')).toBeCloseTo(0.3, 12);
    expect(w.get('v1')).toBeCloseTo(0.4, 12);
  });

  it('rescales weights to a target mean', () => {
    const scaled = scaleToMean([0.3, 0.3, 0.4], 11 / 3);
    expect(scaled[0]).toBeCloseTo(3.3, 12);
    expect(scaled[2]).toBeCloseTo(4.4, 12);
    expect(scaleToMean([0, 0], 3)).toEqual([3, 3]);
  });
});
