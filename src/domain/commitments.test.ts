import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from './access.ts';
import {
  approvalAfterChange,
  approvalRefusal,
  canApproveCommitment,
  canChangeCommitment,
  commitmentOverdueKey,
  initialApproval,
  isCommitmentOverdue,
  nearestSupervisors,
  needsApproval,
  outcomeRefusal,
} from './commitments.ts';

const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({
  id: `${role}-1`,
  name: role,
  email: `${role}@x`,
  role,
  departmentId: 'team-a',
  customerId: null,
  teamDepartmentIds: role === 'supervisor' ? ['team-a', 'team-a-1'] : [],
  via: 'session',
  ...extra,
});

const scope = { madeById: 'agent-9', makerDepartmentId: 'team-a-1', createdBy: 'agent-9' };

describe('approval rule', () => {
  it('needs approval above the threshold or beyond the bottom line, never at or below it', () => {
    expect(needsApproval(5000, 5000)).toBe(false);
    expect(needsApproval(5000.01, 5000)).toBe(true);
    expect(needsApproval(null, 5000)).toBe(false);
    expect(needsApproval(0, 5000, true)).toBe(true);
    expect(initialApproval(100, 5000)).toBe('not_needed');
    expect(initialApproval(6000, 5000)).toBe('pending');
  });

  it('is monotonic: more money never needs less approval', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 1e9, noNaN: true }),
        (a, b, threshold) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          if (needsApproval(low, threshold)) expect(needsApproval(high, threshold)).toBe(true);
        },
      ),
    );
  });

  it('keeps an approval when a correction does not enlarge the promise, asks again when it does', () => {
    const approved = { approvalStatus: 'approved' as const, amount: 8000, exceedsBottomLine: false };
    expect(approvalAfterChange(approved, { amount: 7000, exceedsBottomLine: false }, 5000)).toBe('approved');
    expect(approvalAfterChange(approved, { amount: 9000, exceedsBottomLine: false }, 5000)).toBe('pending');
    expect(approvalAfterChange(approved, { amount: 8000, exceedsBottomLine: true }, 5000)).toBe('pending');
    expect(approvalAfterChange(approved, { amount: 100, exceedsBottomLine: false }, 5000)).toBe('not_needed');
    const rejected = { approvalStatus: 'rejected' as const, amount: 8000, exceedsBottomLine: false };
    expect(approvalAfterChange(rejected, { amount: 8000, exceedsBottomLine: false }, 5000)).toBe('rejected');
    expect(approvalAfterChange(rejected, { amount: 7000, exceedsBottomLine: false }, 5000)).toBe('pending');
    const none = { approvalStatus: 'not_needed' as const, amount: 100, exceedsBottomLine: false };
    expect(approvalAfterChange(none, { amount: 6000, exceedsBottomLine: false }, 5000)).toBe('pending');
  });
});

describe('who approves and changes', () => {
  it('supervisors of the maker’s team, managers and admins approve; never the maker; agents and operations never', () => {
    expect(canApproveCommitment(actor('supervisor'), scope)).toBe(true);
    expect(canApproveCommitment(actor('supervisor', { teamDepartmentIds: ['team-b'] }), scope)).toBe(false);
    expect(canApproveCommitment(actor('manager'), scope)).toBe(true);
    expect(canApproveCommitment(actor('admin'), scope)).toBe(true);
    expect(canApproveCommitment(actor('agent'), scope)).toBe(false);
    expect(canApproveCommitment(actor('operations'), scope)).toBe(false);
    expect(canApproveCommitment(actor('supervisor', { id: 'sup-1' }), { ...scope, madeById: 'sup-1' })).toBe(
      false,
    );
    expect(canApproveCommitment(actor('admin', { id: 'agent-9' }), scope)).toBe(false);
    // Four eyes: whoever recorded the promise for the maker does not approve it either.
    expect(canApproveCommitment(actor('supervisor', { id: 'sup-1' }), { ...scope, createdBy: 'sup-1' })).toBe(
      false,
    );
    expect(canApproveCommitment(actor('supervisor'), { ...scope, makerDepartmentId: null })).toBe(false);
  });

  it('the maker, the recorder, their supervisor and admins change a promise; portal users and others do not', () => {
    expect(canChangeCommitment(actor('agent', { id: 'agent-9' }), scope)).toBe(true);
    expect(canChangeCommitment(actor('agent', { id: 'rec' }), { ...scope, createdBy: 'rec' })).toBe(true);
    expect(canChangeCommitment(actor('agent'), scope)).toBe(false);
    expect(canChangeCommitment(actor('supervisor'), scope)).toBe(true);
    expect(canChangeCommitment(actor('manager'), scope)).toBe(false);
    expect(canChangeCommitment(actor('admin'), scope)).toBe(true);
    expect(canChangeCommitment(actor('portal', { id: 'agent-9' }), scope)).toBe(false);
  });
});

describe('state changes', () => {
  it('records an outcome only on an open promise that needs no (more) approval', () => {
    expect(outcomeRefusal('open', 'not_needed')).toBeNull();
    expect(outcomeRefusal('open', 'approved')).toBeNull();
    expect(outcomeRefusal('open', 'pending')).toMatch(/approval/);
    expect(outcomeRefusal('open', 'rejected')).toMatch(/renegotiate/);
    expect(outcomeRefusal('kept', 'approved')).toMatch(/kept/);
    expect(outcomeRefusal('renegotiated', 'not_needed')).toMatch(/renegotiated/);
  });

  it('decides an approval only while it is pending on an open promise', () => {
    expect(approvalRefusal('open', 'pending')).toBeNull();
    expect(approvalRefusal('open', 'approved')).not.toBeNull();
    expect(approvalRefusal('kept', 'pending')).not.toBeNull();
  });

  it('flags only open promises past their due time', () => {
    const now = new Date('2025-03-12T02:00:00Z');
    const past = new Date('2025-03-12T01:59:59Z');
    expect(isCommitmentOverdue({ status: 'open', dueAt: past }, now)).toBe(true);
    expect(isCommitmentOverdue({ status: 'open', dueAt: now }, now)).toBe(false);
    expect(isCommitmentOverdue({ status: 'kept', dueAt: past }, now)).toBe(false);
    expect(isCommitmentOverdue({ status: 'renegotiated', dueAt: past }, now)).toBe(false);
  });

  it('gives one notice key per promise and person', () => {
    expect(commitmentOverdueKey('c1', 'u1')).not.toBe(commitmentOverdueKey('c1', 'u2'));
    expect(commitmentOverdueKey('c1', 'u1')).toBe(commitmentOverdueKey('c1', 'u1'));
  });
});

describe('nearestSupervisors', () => {
  const chain = ['team', 'centre', 'company'];
  it('takes the first level up with someone other than the person, head first', () => {
    const candidates = [
      { id: 'sup-team', departmentId: 'team', isHead: false },
      { id: 'head-team', departmentId: 'team', isHead: true },
      { id: 'head-centre', departmentId: 'centre', isHead: true },
    ];
    expect(nearestSupervisors(chain, candidates, 'agent')).toEqual(['head-team', 'sup-team']);
  });
  it('skips the person themselves (a head’s own promise goes one level up)', () => {
    const candidates = [
      { id: 'head-team', departmentId: 'team', isHead: true },
      { id: 'head-centre', departmentId: 'centre', isHead: true },
    ];
    expect(nearestSupervisors(chain, candidates, 'head-team')).toEqual(['head-centre']);
  });
  it('is empty when nobody is above', () => {
    expect(nearestSupervisors(chain, [], 'agent')).toEqual([]);
  });
});
