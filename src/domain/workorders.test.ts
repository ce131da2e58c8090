import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from './access.ts';
import {
  type WorkOrderAction,
  type WorkOrderState,
  canSeeWorkOrder,
  formatWorkOrderNumber,
  isDepartmentMember,
  isWorkOrderOverdue,
  queueDepartmentFor,
  workOrderOverdueKey,
  workOrderRefusal,
} from './workorders.ts';

const actor = (role: Actor['role'], departmentId: string | null = 'warehouse', id = `${role}-1`): Actor => ({
  id,
  name: role,
  email: `${role}@x`,
  role,
  departmentId,
  customerId: role === 'portal' ? 'c1' : null,
  teamDepartmentIds: [],
  via: 'session',
});

const order = { departmentId: 'warehouse' };
const STATES: WorkOrderState[] = ['pending', 'accepted', 'done', 'cancelled'];
const ACTIONS: WorkOrderAction[] = ['accept', 'complete', 'cancel', 'note'];

describe('state machine', () => {
  it('accepts only pending, completes and cancels only live work orders, annotates all but cancelled', () => {
    const allowed = Object.fromEntries(
      ACTIONS.map((action) => [action, STATES.filter((s) => workOrderRefusal(action, s) === null)]),
    );
    expect(allowed).toEqual({
      accept: ['pending'],
      complete: ['pending', 'accepted'],
      cancel: ['pending', 'accepted'],
      note: ['pending', 'accepted', 'done'],
    });
    expect(workOrderRefusal('accept', 'accepted')).toMatch(/accepted it already/);
  });

  it('never lets a finished work order change state again', () => {
    for (const state of ['done', 'cancelled'] as const) {
      for (const action of ['accept', 'complete', 'cancel'] as const) {
        expect(workOrderRefusal(action, state)).not.toBeNull();
      }
    }
  });
});

describe('overdue', () => {
  it('is overdue only while pending or accepted and past due', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), fc.integer({ min: -1e9, max: 1e9 }), (status, offset) => {
        const now = new Date('2025-03-12T02:00:00Z');
        const dueAt = new Date(now.getTime() + offset);
        const overdue = isWorkOrderOverdue({ status, dueAt }, now);
        expect(overdue).toBe((status === 'pending' || status === 'accepted') && offset < 0);
      }),
    );
  });

  it('gives one notice key per work order and person', () => {
    expect(workOrderOverdueKey('w', 'a')).not.toBe(workOrderOverdueKey('w', 'b'));
  });
});

describe('access', () => {
  it('members are the department’s people and its head; portal users never', () => {
    expect(isDepartmentMember(actor('operations'), order)).toBe(true);
    expect(isDepartmentMember(actor('operations', 'sea'), order)).toBe(false);
    expect(isDepartmentMember(actor('supervisor', 'elsewhere', 'boss'), order, 'boss')).toBe(true);
    expect(isDepartmentMember(actor('portal', 'warehouse'), order)).toBe(false);
  });

  it('operations users see only their department’s work orders, other staff all, portal users none', () => {
    expect(canSeeWorkOrder(actor('operations'), order)).toBe(true);
    expect(canSeeWorkOrder(actor('operations', 'sea'), order)).toBe(false);
    expect(canSeeWorkOrder(actor('agent', 'team'), order)).toBe(true);
    expect(canSeeWorkOrder(actor('manager', null), order)).toBe(true);
    expect(canSeeWorkOrder(actor('portal'), order)).toBe(false);
  });

  it('forces an operations user’s queue to their own department', () => {
    expect(queueDepartmentFor(actor('operations'), undefined)).toEqual({ departmentId: 'warehouse' });
    expect(queueDepartmentFor(actor('operations'), 'warehouse')).toEqual({ departmentId: 'warehouse' });
    expect(queueDepartmentFor(actor('operations'), 'sea')).toHaveProperty('refused');
    expect(queueDepartmentFor(actor('operations', null), undefined)).toHaveProperty('refused');
    expect(queueDepartmentFor(actor('supervisor', 'team'), 'sea')).toEqual({ departmentId: 'sea' });
    expect(queueDepartmentFor(actor('agent', 'team'), undefined)).toEqual({ departmentId: undefined });
    expect(queueDepartmentFor(actor('portal'), undefined)).toHaveProperty('refused');
  });
});

describe('number', () => {
  it('is W + yymm in the display zone + six digits', () => {
    expect(formatWorkOrderNumber(new Date('2026-11-05T03:00:00Z'), 45)).toBe('W2611-000045');
    // 31 October 20:00 UTC is already 1 November in Shanghai.
    expect(formatWorkOrderNumber(new Date('2026-10-31T20:00:00Z'), 7n, 'Asia/Shanghai')).toBe('W2611-000007');
    expect(formatWorkOrderNumber(new Date('2026-10-31T20:00:00Z'), 7n, 'UTC')).toBe('W2610-000007');
    expect(formatWorkOrderNumber(new Date('2026-01-01T00:00:00Z'), 1234567)).toBe('W2601-1234567');
  });
});
