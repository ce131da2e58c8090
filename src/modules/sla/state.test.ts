import { describe, expect, it } from 'vitest';
import { type TicketSlaColumns, firstResponseState, resolutionState, targetState } from './state.ts';

const d = (iso: string) => new Date(iso);
const now = d('2025-03-14T10:00:00Z');
const target = {
  targetMinutes: 60,
  dueAt: d('2025-03-14T10:30:00Z'),
  warnAt: d('2025-03-14T10:18:00Z'),
  metAt: null,
  breachedAt: null,
};

describe('SLA state of a target', () => {
  it('runs, warns, breaches by the clock', () => {
    expect(targetState(target, null, now)).toBe('running');
    expect(targetState(target, null, d('2025-03-14T10:18:00Z'))).toBe('warning');
    expect(targetState(target, null, d('2025-03-14T10:30:00Z'))).toBe('breached');
  });
  it('is none without a policy, paused while waiting, breached once recorded', () => {
    expect(targetState({ ...target, targetMinutes: null }, null, now)).toBe('none');
    expect(targetState({ ...target, dueAt: null, warnAt: null }, now, now)).toBe('paused');
    expect(targetState({ ...target, breachedAt: target.dueAt }, now, now)).toBe('breached');
  });
  it('is met in time, breached when met late', () => {
    expect(targetState({ ...target, metAt: d('2025-03-14T10:29:00Z') }, null, now)).toBe('met');
    expect(targetState({ ...target, metAt: d('2025-03-14T10:31:00Z') }, null, now)).toBe('breached');
  });
});

describe('ticket targets', () => {
  const ticket: TicketSlaColumns = {
    status: 'open',
    firstResponseTargetMinutes: 60,
    firstResponseDueAt: target.dueAt,
    firstResponseWarnAt: target.warnAt,
    firstRespondedAt: d('2025-03-14T09:50:00Z'),
    firstResponseBreachedAt: null,
    resolutionTargetMinutes: 480,
    resolutionDueAt: d('2025-03-17T01:00:00Z'),
    resolutionWarnAt: d('2025-03-14T09:55:00Z'),
    resolutionBreachedAt: null,
    resolvedAt: null,
    closedAt: null,
    slaPausedAt: null,
  };
  it('reads the first response from first_responded_at and the resolution from the status', () => {
    expect(firstResponseState(ticket, now)).toBe('met');
    expect(resolutionState(ticket, now)).toBe('warning');
    expect(resolutionState({ ...ticket, status: 'resolved', resolvedAt: now }, now)).toBe('met');
  });
});
