import { describe, expect, it } from 'vitest';
import type { Actor } from './access.ts';
import {
  actionNumber,
  canChangeAction,
  canCreateAction,
  canMoveTo,
  cancelRefusal,
  complaintsPer90Days,
  isActionOverdue,
  itemScore,
  leavesOf,
  nextSequence,
  verdict,
  verifyRefusal,
  weakElements,
} from './correctiveactions.ts';

const actor = (role: Actor['role'], id = 'u1'): Actor => ({
  id,
  name: role,
  email: `${role}@x`,
  role,
  departmentId: null,
  customerId: null,
  teamDepartmentIds: [],
  via: 'session',
});

describe('status transitions', () => {
  it('moves between the working states by hand', () => {
    expect(canMoveTo('open', 'in_progress')).toBe(true);
    expect(canMoveTo('in_progress', 'open')).toBe(true);
    expect(canMoveTo('in_progress', 'verifying')).toBe(true);
    expect(canMoveTo('not_effective', 'in_progress')).toBe(true);
  });
  it('never moves into a verdict or out of a final state by hand', () => {
    expect(canMoveTo('open', 'effective')).toBe(false);
    expect(canMoveTo('in_progress', 'not_effective')).toBe(false);
    expect(canMoveTo('effective', 'in_progress')).toBe(false);
    expect(canMoveTo('cancelled', 'open')).toBe(false);
    expect(canMoveTo('open', 'cancelled')).toBe(false);
  });
  it('verifies working actions only and cancels anything but effective ones', () => {
    expect(verifyRefusal('open')).toBeNull();
    expect(verifyRefusal('verifying')).toBeNull();
    expect(verifyRefusal('effective')).toMatch(/already/);
    expect(verifyRefusal('cancelled')).toMatch(/cancelled/);
    expect(verifyRefusal('not_effective')).toMatch(/again/);
    expect(cancelRefusal('in_progress')).toBeNull();
    expect(cancelRefusal('not_effective')).toBeNull();
    expect(cancelRefusal('effective')).not.toBeNull();
    expect(cancelRefusal('cancelled')).not.toBeNull();
  });
});

describe('who', () => {
  it('supervisors, managers and admins open; the owner may also change', () => {
    expect(canCreateAction(actor('supervisor'))).toBe(true);
    expect(canCreateAction(actor('manager'))).toBe(true);
    expect(canCreateAction(actor('agent'))).toBe(false);
    expect(canCreateAction(actor('operations'))).toBe(false);
    expect(canChangeAction(actor('agent', 'me'), { ownerId: 'me' })).toBe(true);
    expect(canChangeAction(actor('agent', 'me'), { ownerId: 'other' })).toBe(false);
    expect(canChangeAction(actor('operations', 'me'), { ownerId: 'me' })).toBe(true);
    expect(canChangeAction(actor('portal', 'me'), { ownerId: 'me' })).toBe(false);
  });
});

describe('effectiveness verdict', () => {
  it('is effective only when the score rose', () => {
    expect(verdict(55, 72.5)).toBe('effective');
    expect(verdict(55, 55)).toBe('not_effective');
    expect(verdict(55, 40)).toBe('not_effective');
    expect(verdict(null, 90)).toBe('not_effective');
  });
  it('for complaints, is effective when there are fewer per 90 days', () => {
    expect(verdict(4, 1, true)).toBe('effective');
    expect(verdict(4, 4, true)).toBe('not_effective');
    expect(complaintsPer90Days(2, 45 * 86_400_000)).toBe(4);
    expect(complaintsPer90Days(0, 3 * 86_400_000)).toBe(0);
    // under a day counts as a day
    expect(complaintsPer90Days(1, 3_600_000)).toBe(90);
  });
});

describe('overdue', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const past = new Date('2026-02-01T00:00:00Z');
  it('flags open and in-progress actions past due only', () => {
    expect(isActionOverdue({ status: 'open', dueAt: past }, now)).toBe(true);
    expect(isActionOverdue({ status: 'in_progress', dueAt: past }, now)).toBe(true);
    expect(isActionOverdue({ status: 'verifying', dueAt: past }, now)).toBe(false);
    expect(isActionOverdue({ status: 'effective', dueAt: past }, now)).toBe(false);
    expect(isActionOverdue({ status: 'open', dueAt: new Date('2026-04-01T00:00:00Z') }, now)).toBe(false);
  });
});

describe('number format ZG-YYYY-NNNN', () => {
  it('pads to four digits and counts per year', () => {
    expect(actionNumber(2026, 1)).toBe('ZG-2026-0001');
    expect(actionNumber(2026, 12345)).toBe('ZG-2026-12345');
    expect(nextSequence(2026, [])).toBe(1);
    expect(nextSequence(2026, ['ZG-2026-0007', 'ZG-2026-0012', 'ZG-2025-0099', 'junk'])).toBe(13);
    expect(nextSequence(2027, ['ZG-2026-0007'])).toBe(1);
  });
});

describe('item score (the shared arithmetic)', () => {
  it('rescales the mean answer to 0–100', () => {
    // mean 4 → (4 − 1) / 4 × 100 = 75
    expect(itemScore([{ score: 4, n: 3, reverse: false }])).toEqual({ score: 75, answers: 3 });
    // 5,5,1 → mean 11/3 → 66.67
    expect(
      itemScore([
        { score: 5, n: 2, reverse: false },
        { score: 1, n: 1, reverse: false },
      ]),
    ).toEqual({ score: 66.67, answers: 3 });
  });
  it('reverses reverse-scored answers per version', () => {
    // a 1 on a reverse item is a 5
    expect(itemScore([{ score: 1, n: 2, reverse: true }])).toEqual({ score: 100, answers: 2 });
    expect(
      itemScore([
        { score: 2, n: 1, reverse: true },
        { score: 4, n: 1, reverse: false },
      ]),
    ).toEqual({ score: 75, answers: 2 });
  });
  it('has no score without answers', () => {
    expect(itemScore([])).toEqual({ score: null, answers: 0 });
  });
});

describe('leaves and weak elements', () => {
  const nodes = [
    { key: 'satisfaction', parentKey: null, weight: 1, nameZh: '满意度', nameEn: 'Satisfaction' },
    {
      key: 'quality',
      parentKey: 'satisfaction',
      weight: 0.6,
      nameZh: '感知质量',
      nameEn: 'Q',
      dimension: 'quality',
    },
    {
      key: 'value',
      parentKey: 'satisfaction',
      weight: 0.4,
      nameZh: '感知价值',
      nameEn: 'V',
      dimension: 'value',
    },
    { key: 'quality.ontime', parentKey: 'quality', weight: 0.5, nameZh: '准时', nameEn: 'On time' },
    { key: 'quality.damage', parentKey: 'quality', weight: 0.5, nameZh: '无破损', nameEn: 'Damage' },
    { key: 'value.price', parentKey: 'value', weight: 1, nameZh: '价格', nameEn: 'Price' },
  ];
  it('finds leaves with global weights and dimensions', () => {
    const leaves = leavesOf(nodes);
    expect(leaves.map((l) => [l.key, l.globalWeight, l.dimensionKey])).toEqual([
      ['quality.ontime', 0.3, 'quality'],
      ['quality.damage', 0.3, 'quality'],
      ['value.price', 0.4, 'value'],
    ]);
  });
  it('counts an importance on the cut as important (the analytics IPA rule)', () => {
    const weak = weakElements([
      { key: 'x', importance: 0.5, score: 80 },
      { key: 'y', importance: 0.5, score: 90 },
    ]);
    expect(weak.map((w) => [w.key, w.reasons])).toEqual([['x', ['concentrate_here']]]);
  });
  it('flags low scores and the concentrate-here quadrant, worst first', () => {
    const weak = weakElements([
      { key: 'a', importance: 0.4, score: 65 }, // important and below the mean → both
      { key: 'b', importance: 0.1, score: 90 },
      { key: 'c', importance: 0.5, score: 75 }, // important, below mean (76.25) → concentrate
      { key: 'd', importance: 0.2, score: 75 }, // unimportant, 75 ≥ 70 → nothing
      { key: 'e', importance: 0.9, score: null },
    ]);
    expect(weak.map((w) => [w.key, w.reasons])).toEqual([
      ['a', ['low_score', 'concentrate_here']],
      ['c', ['concentrate_here']],
    ]);
  });
});
