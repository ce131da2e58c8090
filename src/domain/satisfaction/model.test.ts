import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultModelNodes } from '../../modules/satisfaction/default-model.ts';
import {
  DIMENSIONS,
  type ModelNode,
  childrenOf,
  globalWeights,
  leavesOf,
  normaliseWeights,
  pathOf,
  validateTree,
} from './model.ts';

const replace = (nodes: ModelNode[], key: string, patch: Partial<ModelNode>) =>
  nodes.map((node) => (node.key === key ? { ...node, ...patch } : node));

describe('the default logistics model', () => {
  const nodes = defaultModelNodes();

  it('is a valid tree: the root, the five dimensions keyed by name, 20–24 leaves with questions', () => {
    expect(validateTree(nodes)).toEqual([]);
    expect(nodes[0]).toMatchObject({ key: 'satisfaction', level: 1, parentKey: null });
    expect(childrenOf(nodes, 'satisfaction').map((n) => n.key)).toEqual([...DIMENSIONS]);
    const leaves = leavesOf(nodes);
    expect(leaves.length).toBeGreaterThanOrEqual(20);
    expect(leaves.length).toBeLessThanOrEqual(24);
    expect(leaves.some((leaf) => leaf.level === 4)).toBe(true);
    expect(leaves.filter((leaf) => leaf.reverse).map((leaf) => leaf.key)).toEqual(['complaints.frequency']);
    for (const leaf of leaves) expect(leaf.questionZh && leaf.questionEn).toBeTruthy();
    expect(new Set(leaves.map((leaf) => leaf.serviceElement).filter(Boolean))).toContain('on_time_delivery');
  });

  it("has siblings' weights summing to 1 and global weights of the leaves summing to 1", () => {
    for (const parent of nodes) {
      const children = childrenOf(nodes, parent.key);
      if (children.length) expect(children.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 10);
    }
    const global = globalWeights(nodes);
    const leafSum = leavesOf(nodes).reduce((s, leaf) => s + global.get(leaf.key)!, 0);
    expect(leafSum).toBeCloseTo(1, 10);
    // on-time delivery: 0.35 (quality) × 0.45 (transport) × 0.35
    expect(global.get('quality.transport.on_time')).toBeCloseTo(0.35 * 0.45 * 0.35, 12);
    expect(pathOf(nodes, 'quality.transport.on_time')).toBe(
      'satisfaction › quality › quality.transport › quality.transport.on_time',
    );
  });
});

describe('validateTree', () => {
  const base = defaultModelNodes();

  it('names the node for each problem', () => {
    const broken = replace(
      replace(replace(base, 'quality.transport.speed', { questionEn: '  ', weight: -1 }), 'loyalty.reuse', {
        key: 'Loyalty Reuse',
      }),
      'value.vs_competitors',
      { level: 4 },
    );
    const problems = validateTree(broken);
    const i = base.findIndex((n) => n.key === 'quality.transport.speed');
    expect(problems).toContainEqual({
      field: `nodes[${i}].questionEn`,
      message:
        'satisfaction › quality › quality.transport › quality.transport.speed: the English question is missing',
    });
    expect(problems).toContainEqual(expect.objectContaining({ field: `nodes[${i}].weight` }));
    expect(problems.map((p) => p.message).join('\n')).toContain('key "Loyalty Reuse" must be');
    expect(problems.map((p) => p.message).join('\n')).toContain(
      'level 4 must be one below its parent "value" (level 3)',
    );
  });

  it('requires exactly the five dimensions once each, keyed by their name', () => {
    const withoutLoyalty = base.filter((n) => n.key !== 'loyalty' && n.parentKey !== 'loyalty');
    expect(validateTree(withoutLoyalty).map((p) => p.message)).toContain(
      'the tree lacks the level-2 dimension loyalty',
    );
    const twice = replace(base, 'value', { dimension: 'quality' });
    const messages = validateTree(twice).map((p) => p.message);
    expect(messages.some((m) => m.includes('dimension "quality" appears twice'))).toBe(true);
    expect(messages).toContain('the tree lacks the level-2 dimension value');
    const renamed = base.map((n) =>
      n.key === 'quality'
        ? { ...n, key: 'perceived' }
        : n.parentKey === 'quality'
          ? { ...n, parentKey: 'perceived' }
          : n,
    );
    expect(validateTree(renamed).map((p) => p.message)).toContain(
      'satisfaction › perceived: the quality dimension\'s key must be "quality"',
    );
  });

  it('requires one root called satisfaction, known parents, unique keys and at most 200 nodes', () => {
    expect(validateTree(replace(base, 'satisfaction', { key: 'root' })).map((p) => p.message)).toEqual(
      expect.arrayContaining(['the root\'s key must be "satisfaction", not "root"']),
    );
    const orphan = [...base, { ...base[3]!, key: 'x.orphan', parentKey: 'nowhere' }];
    expect(validateTree(orphan).map((p) => p.message)).toContain(
      'x.orphan: parent "nowhere" is not in the tree',
    );
    const dup = [...base, { ...base[base.length - 1]! }];
    expect(
      validateTree(dup)
        .map((p) => p.message)
        .join(),
    ).toContain('is used twice');
    const twoRoots = [...base, { ...base[0]!, key: 'other' }];
    expect(validateTree(twoRoots)[0]!.message).toContain('exactly one root');
    const many = [
      ...base,
      ...Array.from({ length: 200 }, (_, i) => ({ ...base[3]!, key: `expectation.extra${i}` })),
    ];
    expect(validateTree(many)).toEqual([
      { field: 'nodes', message: `a tree has at most 200 nodes; this one has ${base.length + 200}` },
    ]);
    expect(validateTree([])).toHaveLength(1);
  });

  it('refuses a dimension without items and a bad scale label list', () => {
    const empty = base.filter((n) => n.parentKey !== 'value');
    expect(validateTree(empty).map((p) => p.message)).toContain(
      'satisfaction › value: a level-2 node needs children (questionnaire items are at level 3 or 4)',
    );
    const labels = replace(base, 'complaints.frequency', { scaleLabelsZh: ['a', 'b'] });
    expect(validateTree(labels)[0]!.field).toMatch(/scaleLabelsZh$/);
  });
});

describe('normaliseWeights', () => {
  it('scales siblings to sum to 1 and gives all-zero siblings equal weights', () => {
    const nodes = replace(
      replace(replace(defaultModelNodes(), 'expectation.overall', { weight: 0 }), 'expectation.reliability', {
        weight: 0,
      }),
      'expectation.customisation',
      { weight: 0 },
    ).map((n) => (n.parentKey === 'value' ? { ...n, weight: 2 } : n));
    const out = normaliseWeights(nodes);
    for (const leaf of childrenOf(out, 'expectation')) expect(leaf.weight).toBeCloseTo(1 / 3, 12);
    for (const leaf of childrenOf(out, 'value')) expect(leaf.weight).toBeCloseTo(1 / 3, 12);
    expect(out[0]!.weight).toBe(1);
  });

  it('always yields non-negative sibling weights summing to 1 (property)', () => {
    const base = defaultModelNodes();
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1000, noNaN: true })), {
          minLength: base.length,
          maxLength: base.length,
        }),
        (weights) => {
          const out = normaliseWeights(base.map((n, i) => ({ ...n, weight: weights[i]! })));
          for (const parent of out) {
            const children = childrenOf(out, parent.key);
            if (!children.length) continue;
            expect(children.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 9);
            for (const child of children) expect(child.weight).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
