import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type LadderDepartment,
  type LadderInput,
  departmentChain,
  escalationLadder,
  isMoreSenior,
  nextEscalation,
} from './escalation.ts';

// 总公司 (head: ceo) → 客服中心 (head: director) → 客服一组 (head: lead) / 客服二组 (vacant head)
const tree: LadderDepartment[] = [
  { id: 'hq', parentId: null, headUserId: 'ceo' },
  { id: 'centre', parentId: 'hq', headUserId: 'director' },
  { id: 'teamA', parentId: 'centre', headUserId: 'lead' },
  { id: 'teamB', parentId: 'centre', headUserId: null },
];

const input = (ownerId: string | null, ownerDepartmentId: string | null, currentLevel = 0): LadderInput => ({
  departments: tree,
  ownerId,
  ownerDepartmentId,
  currentLevel,
});

describe('escalation ladder (换人)', () => {
  it('goes to the head of the owner’s department when the owner is not the head', () => {
    expect(escalationLadder(input('agent', 'teamA'))).toEqual([
      { userId: 'lead', departmentId: 'teamA', level: 1 },
      { userId: 'director', departmentId: 'centre', level: 2 },
      { userId: 'ceo', departmentId: 'hq', level: 3 },
    ]);
  });

  it('goes to the head of the parent when the owner heads the department', () => {
    const next = nextEscalation(input('lead', 'teamA', 1));
    expect(next).toEqual({ found: true, rung: { userId: 'director', departmentId: 'centre', level: 2 } });
  });

  it('skips vacant heads', () => {
    expect(nextEscalation(input('agent2', 'teamB'))).toEqual({
      found: true,
      rung: { userId: 'director', departmentId: 'centre', level: 1 },
    });
  });

  it('says “nowhere higher” at the top and “no department” without one', () => {
    expect(nextEscalation(input('ceo', 'hq', 3))).toEqual({ found: false, reason: 'nowhere_higher' });
    expect(nextEscalation(input('agent', null))).toEqual({ found: false, reason: 'no_department' });
  });

  it('starts above the highest department the owner heads, even when their own is lower', () => {
    // The director sits in team A but heads the centre: team A’s lead is not more senior.
    expect(escalationLadder(input('director', 'teamA', 2))).toEqual([
      { userId: 'ceo', departmentId: 'hq', level: 3 },
    ]);
  });

  it('lists a person heading two departments once, at the higher one', () => {
    const doubled = tree.map((d) => (d.id === 'centre' ? { ...d, headUserId: 'ceo' } : d));
    expect(escalationLadder({ ...input('agent', 'teamA'), departments: doubled })).toEqual([
      { userId: 'lead', departmentId: 'teamA', level: 1 },
      { userId: 'ceo', departmentId: 'hq', level: 2 },
    ]);
  });

  it('survives a cycle in the tree', () => {
    const cyclic = [
      { id: 'x', parentId: 'y', headUserId: 'hx' },
      { id: 'y', parentId: 'x', headUserId: 'hy' },
    ];
    expect(departmentChain(cyclic, 'x')).toEqual(['x', 'y']);
    expect(
      escalationLadder({ departments: cyclic, ownerId: 'a', ownerDepartmentId: 'x', currentLevel: 0 }),
    ).toHaveLength(2);
  });
});

describe('more senior people for a manual 换人 or 换时', () => {
  const owner = { id: 'agent', role: 'agent', departmentId: 'teamA', active: true };
  const ladder = { ...input('agent', 'teamA'), owner };
  it('accepts heads up the ladder and supervisors or managers above', () => {
    expect(
      isMoreSenior(ladder, { id: 'director', role: 'supervisor', departmentId: 'centre', active: true }),
    ).toBe(true);
    expect(isMoreSenior(ladder, { id: 'm', role: 'manager', departmentId: 'hq', active: true })).toBe(true);
    expect(isMoreSenior(ladder, { id: 's', role: 'supervisor', departmentId: 'teamA', active: true })).toBe(
      true,
    );
  });
  it('refuses peers, people in other branches, the owner and inactive users', () => {
    expect(isMoreSenior(ladder, { id: 'peer', role: 'agent', departmentId: 'teamA', active: true })).toBe(
      false,
    );
    expect(isMoreSenior(ladder, { id: 's2', role: 'supervisor', departmentId: 'teamB', active: true })).toBe(
      false,
    );
    expect(isMoreSenior(ladder, owner)).toBe(false);
    expect(isMoreSenior(ladder, { id: 'm', role: 'manager', departmentId: 'hq', active: false })).toBe(false);
  });
  it('refuses a supervisor of the department the owner heads', () => {
    const headLadder = {
      ...input('lead', 'teamA', 1),
      owner: { id: 'lead', role: 'supervisor', departmentId: 'teamA', active: true },
    };
    expect(
      isMoreSenior(headLadder, { id: 's', role: 'supervisor', departmentId: 'teamA', active: true }),
    ).toBe(false);
    expect(
      isMoreSenior(headLadder, { id: 'director', role: 'supervisor', departmentId: 'centre', active: true }),
    ).toBe(true);
  });
});

/** Random department forests: each node's parent is an earlier node (or none); heads from a small pool. */
const forest = fc
  .array(
    fc.record({ parent: fc.nat(), hasParent: fc.boolean(), head: fc.option(fc.integer({ min: 0, max: 6 })) }),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((nodes) =>
    nodes.map(
      (node, index): LadderDepartment => ({
        id: `d${index}`,
        parentId: index > 0 && node.hasParent ? `d${node.parent % index}` : null,
        headUserId: node.head === null ? null : `u${node.head}`,
      }),
    ),
  );

describe('ladder properties', () => {
  const scenario = fc
    .tuple(forest, fc.nat(), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 5 }))
    .map(([departments, at, owner, level]) => ({
      departments,
      ownerDepartmentId: departments[at % departments.length].id,
      ownerId: `u${owner}`,
      currentLevel: level,
    }));

  it('levels strictly increase from the current level, targets are ancestors’ heads, never the owner', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const ladder = escalationLadder(s);
        const chain = departmentChain(s.departments, s.ownerDepartmentId);
        let previous = s.currentLevel;
        for (const rung of ladder) {
          expect(rung.level).toBe(previous + 1);
          previous = rung.level;
          expect(rung.userId).not.toBe(s.ownerId);
          expect(chain).toContain(rung.departmentId);
          expect(s.departments.find((d) => d.id === rung.departmentId)?.headUserId).toBe(rung.userId);
        }
        expect(new Set(ladder.map((r) => r.userId)).size).toBe(ladder.length);
      }),
    );
  });

  it('climbing terminates: following the next head always reaches “nowhere higher”', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        let state: LadderInput = s;
        const byId = new Map(s.departments.map((d) => [d.id, d]));
        let steps = 0;
        for (;;) {
          const next = nextEscalation(state);
          if (!next.found) {
            expect(next.reason).toBe('nowhere_higher');
            break;
          }
          expect(next.rung.level).toBe(state.currentLevel + 1);
          // The new owner sits in the department they head.
          state = {
            ...state,
            ownerId: next.rung.userId,
            ownerDepartmentId: next.rung.departmentId,
            currentLevel: next.rung.level,
          };
          steps++;
          expect(steps).toBeLessThanOrEqual(s.departments.length);
        }
        // Every rung was strictly higher up the chain: at most one step per department.
        expect(byId.size).toBeGreaterThanOrEqual(steps);
      }),
    );
  });

  it('every rung is more senior than the owner', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const rung of escalationLadder(s)) {
          const candidate = { id: rung.userId, role: 'agent', departmentId: rung.departmentId, active: true };
          expect(isMoreSenior({ ...s, owner: null }, candidate)).toBe(true);
        }
      }),
    );
  });
});
