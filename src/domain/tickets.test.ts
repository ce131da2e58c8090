import { describe, expect, it } from 'vitest';
import type { Actor } from './access.ts';
import {
  type TicketScope,
  canApply,
  canReadTicket,
  canTakeTicket,
  canTransferTicket,
  canWorkTicket,
  formatTicketNumber,
  reopenDeadline,
  reopenTriggersEscalation,
  repeatWindowStart,
  resolvedAtFirstContact,
  withinReopenWindow,
} from './tickets.ts';

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

const ticket = (extra: Partial<TicketScope> = {}): TicketScope => ({
  customerId: 'c1',
  ownerId: 'agent-1',
  departmentId: 'team-a',
  status: 'open',
  ...extra,
});

describe('who reads and works a ticket', () => {
  it('lets all staff read, and a portal user only its own company', () => {
    for (const role of ['agent', 'supervisor', 'operations', 'manager', 'admin'] as const) {
      expect(canReadTicket(actor(role), ticket())).toBe(true);
    }
    expect(canReadTicket(actor('portal', { customerId: 'c1' }), ticket())).toBe(true);
    expect(canReadTicket(actor('portal', { customerId: 'c2' }), ticket())).toBe(false);
    expect(canReadTicket(actor('portal', { customerId: null }), ticket())).toBe(false);
  });

  it('lets the owner, their team supervisors, managers and admins work it (首问负责制)', () => {
    expect(canWorkTicket(actor('agent'), ticket())).toBe(true);
    expect(canWorkTicket(actor('agent', { id: 'agent-2' }), ticket())).toBe(false);
    expect(canWorkTicket(actor('supervisor'), ticket())).toBe(true);
    expect(canWorkTicket(actor('supervisor'), ticket({ departmentId: 'team-b' }))).toBe(false);
    expect(canWorkTicket(actor('manager'), ticket())).toBe(true);
    expect(canWorkTicket(actor('admin'), ticket())).toBe(true);
    expect(canWorkTicket(actor('operations'), ticket())).toBe(false);
    expect(canWorkTicket(actor('portal', { customerId: 'c1' }), ticket())).toBe(false);
  });

  it('lets anyone at the desk take a new ticket, but an owned one only its team supervisor, managers, admins', () => {
    const fresh = ticket({ ownerId: null, departmentId: null, status: 'new' });
    expect(canTakeTicket(actor('agent', { id: 'agent-9' }), fresh)).toBe(true);
    expect(canTakeTicket(actor('operations'), fresh)).toBe(false);
    expect(canTakeTicket(actor('portal', { customerId: 'c1' }), fresh)).toBe(false);
    expect(canTakeTicket(actor('agent', { id: 'agent-2' }), ticket())).toBe(false);
    expect(canTakeTicket(actor('agent'), ticket())).toBe(false); // already the owner
    expect(canTakeTicket(actor('supervisor'), ticket())).toBe(true);
    expect(canTakeTicket(actor('supervisor'), ticket({ departmentId: 'team-b' }))).toBe(false);
    expect(canTakeTicket(actor('manager'), ticket())).toBe(true);
    expect(canTakeTicket(actor('admin'), ticket({ status: 'closed' }))).toBe(false);
  });

  it('lets only the owner, their team supervisors, managers and admins transfer', () => {
    expect(canTransferTicket(actor('agent'), ticket())).toBe(true);
    expect(canTransferTicket(actor('agent', { id: 'agent-2' }), ticket())).toBe(false);
    expect(canTransferTicket(actor('supervisor'), ticket({ departmentId: 'team-a-1' }))).toBe(true);
    expect(canTransferTicket(actor('operations'), ticket())).toBe(false);
    expect(canTransferTicket(actor('agent'), ticket({ ownerId: null, status: 'new' }))).toBe(false);
    expect(canTransferTicket(actor('admin'), ticket({ ownerId: null, status: 'new' }))).toBe(true);
  });
});

describe('status actions', () => {
  it('allows each action only from its starting statuses', () => {
    expect(canApply('wait', 'open')).toBe(true);
    expect(canApply('wait', 'new')).toBe(false);
    expect(canApply('resume', 'waiting_customer')).toBe(true);
    expect(canApply('resume', 'open')).toBe(false);
    expect(canApply('resolve', 'waiting_customer')).toBe(true);
    expect(canApply('resolve', 'resolved')).toBe(false);
    expect(canApply('close', 'resolved')).toBe(true);
    expect(canApply('close', 'new')).toBe(false);
    expect(canApply('close', 'closed')).toBe(false);
    expect(canApply('reopen', 'closed')).toBe(true);
    expect(canApply('reopen', 'open')).toBe(false);
    expect(canApply('reject', 'resolved')).toBe(true);
    expect(canApply('reject', 'closed')).toBe(false);
  });
});

describe('windows', () => {
  const closed = new Date('2025-03-01T00:00:00Z');
  it('reopens up to and including the last day of the window', () => {
    expect(withinReopenWindow(closed, new Date('2025-03-15T00:00:00Z'), 14)).toBe(true);
    expect(withinReopenWindow(closed, new Date('2025-03-15T00:00:00.001Z'), 14)).toBe(false);
    expect(withinReopenWindow(null, new Date(), 14)).toBe(true);
    expect(reopenDeadline(closed, 14).toISOString()).toBe('2025-03-15T00:00:00.000Z');
  });

  it('looks back N days for repeats', () => {
    expect(repeatWindowStart(new Date('2025-03-31T08:00:00Z'), 30).toISOString()).toBe(
      '2025-03-01T08:00:00.000Z',
    );
  });

  it('escalates once, when the reopen count reaches the threshold (0 disables)', () => {
    expect(reopenTriggersEscalation(1, 2)).toBe(false);
    expect(reopenTriggersEscalation(2, 2)).toBe(true);
    expect(reopenTriggersEscalation(3, 2)).toBe(false);
    expect(reopenTriggersEscalation(5, 0)).toBe(false);
  });
});

describe('first-contact resolution', () => {
  const clean = { handOvers: 0, escalations: 0, workOrders: 0, reopenCount: 0, waitedOnCustomer: false };
  it('holds only when the first owner settled it alone and at once', () => {
    expect(resolvedAtFirstContact(clean)).toBe(true);
    expect(resolvedAtFirstContact({ ...clean, handOvers: 1 })).toBe(false);
    expect(resolvedAtFirstContact({ ...clean, escalations: 1 })).toBe(false);
    expect(resolvedAtFirstContact({ ...clean, workOrders: 1 })).toBe(false);
    expect(resolvedAtFirstContact({ ...clean, reopenCount: 1 })).toBe(false);
    expect(resolvedAtFirstContact({ ...clean, waitedOnCustomer: true })).toBe(false);
  });
});

describe('ticket numbers', () => {
  it('formats T + yymm in the display zone + six digits', () => {
    // 2025-11-30 20:00 UTC is already December 1st in Shanghai.
    expect(formatTicketNumber(new Date('2025-11-30T20:00:00Z'), 123)).toBe('T2512-000123');
    expect(formatTicketNumber(new Date('2025-11-30T20:00:00Z'), 123, 'UTC')).toBe('T2511-000123');
    expect(formatTicketNumber(new Date('2026-01-05T00:00:00Z'), 1234567n)).toBe('T2601-1234567');
  });
});
