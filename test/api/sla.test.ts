import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { slaPolicies } from '../../src/modules/sla/tables.ts';
import {
  ticketEscalations,
  ticketMessages,
  ticketSlaEvents,
  tickets,
} from '../../src/modules/tickets/tables.ts';
import { type Organisation, createCustomer, createOrganisation, portalUser } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createSlaTicket, slaStep, ticketRow } from '../support/sla-factories.ts';

// Friday 2025-03-14, 17:10 in Shanghai. The HTTP clients stay at this time; the sweeper is given
// later moments directly.
const NOW = new Date('2025-03-14T09:10:00Z');

let t: TestApp;
let org: Organisation;
let customerB: string;
let customerA: string;

beforeAll(async () => {
  t = await startTestApp({ now: () => NOW });
  org = await createOrganisation(t);
  customerB = (await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id, valueClass: 'B' }))
    .id;
  customerA = (await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id, valueClass: 'A' }))
    .id;
  // Team A is headed by its supervisor, the centre by the centre supervisor.
  expect(
    (await t.admin.patch(`/api/departments/${org.teamA.id}`, { headUserId: org.supervisor.user.id })).status,
  ).toBe(200);
  expect(
    (await t.admin.patch(`/api/departments/${org.centre.id}`, { headUserId: org.centreSupervisor.user.id }))
      .status,
  ).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const ticketFor = (options: Record<string, unknown> = {}) =>
  createSlaTicket(t, {
    customerId: customerB,
    ownerId: org.agent.user.id,
    departmentId: org.teamA.id,
    receivedAt: NOW,
    ...options,
  });

async function policyNamed(name: string) {
  const [row] = await t.ctx.db.select().from(slaPolicies).where(eq(slaPolicies.name, name));
  return row;
}

describe('policy matching', () => {
  it('picks the most specific active policy for type, severity and value class', async () => {
    const cases: [Record<string, unknown>, string, number, number][] = [
      [{ type: 'complaint', severity: 'normal' }, '投诉 Complaint', 60, 1440],
      [{ type: 'complaint', severity: 'critical' }, '紧急投诉 Critical complaint', 30, 480],
      [
        { type: 'complaint', severity: 'normal', customerId: customerA },
        'A 类客户投诉 A-class complaint',
        30,
        960,
      ],
      [{ type: 'inquiry' }, '咨询 Inquiry', 120, 480],
      [{ type: 'suggestion' }, '默认 Default', 240, 1440],
    ];
    for (const [options, name, first, resolution] of cases) {
      const ticket = await ticketFor(options);
      expect(ticket.slaPolicyId, name).toBe((await policyNamed(name)).id);
      expect(ticket.firstResponseTargetMinutes).toBe(first);
      expect(ticket.resolutionTargetMinutes).toBe(resolution);
    }
  });

  it('breaks ties by the lowest sort order and ignores inactive policies', async () => {
    const make = (body: Record<string, unknown>) => t.admin.post('/api/sla-policies', body);
    const later = await make({
      name: '退货 B',
      ticketType: 'return',
      firstResponseMinutes: 90,
      resolutionMinutes: 900,
      sortOrder: 9,
    });
    const first = await make({
      name: '退货 A',
      ticketType: 'return',
      firstResponseMinutes: 45,
      resolutionMinutes: 600,
      sortOrder: 3,
    });
    const off = await make({
      name: '退货 关闭',
      ticketType: 'return',
      severity: 'high',
      firstResponseMinutes: 5,
      resolutionMinutes: 5,
      active: false,
    });
    expect([later.status, first.status, off.status]).toEqual([201, 201, 201]);
    const ticket = await ticketFor({ type: 'return', severity: 'high' });
    expect(ticket.slaPolicyId).toBe(first.body.id);
    expect(ticket.firstResponseTargetMinutes).toBe(45);
  });
});

describe('deadlines on the business calendar', () => {
  it('counts only working hours: Friday 17:10 + 60 minutes is Monday 09:10 in Shanghai', async () => {
    const ticket = await ticketFor({ type: 'complaint' });
    expect(ticket.firstResponseDueAt?.toISOString()).toBe('2025-03-17T01:10:00.000Z');
    // Warning when 20 % is left: after 48 working minutes, Friday 17:58.
    expect(ticket.firstResponseWarnAt?.toISOString()).toBe('2025-03-14T09:58:00.000Z');
    // 1440 working minutes: 50 on Friday, 540 Monday and Tuesday, 310 on Wednesday → 14:10.
    expect(ticket.resolutionDueAt?.toISOString()).toBe('2025-03-19T06:10:00.000Z');
    const sla = await org.agent.get(`/api/tickets/${ticket.id}/sla`);
    expect(sla.status).toBe(200);
    expect(sla.body.firstResponse).toMatchObject({
      targetMinutes: 60,
      dueAt: '2025-03-17T01:10:00.000Z',
      warnAt: '2025-03-14T09:58:00.000Z',
      elapsedMinutes: 0,
      remainingMinutes: 60,
      state: 'running',
    });
    expect(sla.body.resolution.state).toBe('running');
    expect(sla.body).toMatchObject({ paused: false, pauses: [], events: [], policyName: '投诉 Complaint' });
  });

  it('follows the calendar an admin sets: holidays and time zone', async () => {
    const before = await t.admin.get('/api/sla-calendar');
    expect(before.body.timeZone).toBe('Asia/Shanghai');
    const running = await ticketFor({ type: 'complaint' });
    expect(running.firstResponseDueAt?.toISOString()).toBe('2025-03-17T01:10:00.000Z');
    const put = await t.admin.put('/api/sla-calendar', {
      ...before.body,
      holidays: [{ from: '2025-03-17', name: '测试假日' }],
    });
    expect(put.status).toBe(200);
    try {
      const ticket = await ticketFor({ type: 'complaint' });
      // Monday is a holiday now: due Tuesday 09:10, for new tickets and running ones alike.
      expect(ticket.firstResponseDueAt?.toISOString()).toBe('2025-03-18T01:10:00.000Z');
      expect((await ticketRow(t, running.id)).firstResponseDueAt?.toISOString()).toBe(
        '2025-03-18T01:10:00.000Z',
      );
    } finally {
      expect((await t.admin.put('/api/sla-calendar', before.body)).status).toBe(200);
    }
    const audit = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'setting'), eq(auditLog.entityId, 'sla.calendar')));
    expect(audit.length).toBe(2);
  });

  it('pausing never shortens a deadline, and the clock stops while waiting on the customer', async () => {
    const ticket = await ticketFor({ type: 'complaint', receivedAt: new Date('2025-03-17T01:00:00Z') });
    // Monday 09:00 + 60 minutes = 10:00.
    expect(ticket.firstResponseDueAt?.toISOString()).toBe('2025-03-17T02:00:00.000Z');
    const pausedAt = new Date('2025-03-17T01:30:00Z');
    await slaStep(t, (tx) => t.ctx.services.sla.pause(tx, ticket.id, pausedAt, '等客户提供单据'));
    // Pausing twice does nothing.
    await slaStep(t, (tx) =>
      t.ctx.services.sla.pause(tx, ticket.id, new Date('2025-03-17T01:40:00Z'), 'again'),
    );
    const paused = await ticketRow(t, ticket.id);
    expect(paused.slaPausedAt?.toISOString()).toBe(pausedAt.toISOString());
    expect(paused.firstResponseDueAt).toBeNull();
    const view = await org.agent.get(`/api/tickets/${ticket.id}/sla`);
    expect(view.body.paused).toBe(true);
    expect(view.body.pauses).toEqual([
      { startedAt: pausedAt.toISOString(), endedAt: null, reason: '等客户提供单据' },
    ]);
    // Nothing fires while paused, however late it gets.
    await t.ctx.services.sla.sweep(new Date('2025-03-20T01:00:00Z'));
    expect(
      await t.ctx.db.select().from(ticketSlaEvents).where(eq(ticketSlaEvents.ticketId, ticket.id)),
    ).toEqual([]);
    // Resumed two working hours later: the deadline moves by exactly two hours.
    await slaStep(t, (tx) => t.ctx.services.sla.resume(tx, ticket.id, new Date('2025-03-17T03:30:00Z')));
    const resumed = await ticketRow(t, ticket.id);
    expect(resumed.slaPausedAt).toBeNull();
    expect(resumed.firstResponseDueAt?.toISOString()).toBe('2025-03-17T04:00:00.000Z');
    expect(resumed.firstResponseDueAt!.getTime()).toBeGreaterThanOrEqual(
      ticket.firstResponseDueAt!.getTime(),
    );
    expect(resumed.resolutionDueAt!.getTime()).toBeGreaterThanOrEqual(ticket.resolutionDueAt!.getTime());
  });

  it('answers 404 to portal users and unknown tickets', async () => {
    const ticket = await ticketFor();
    const portal = await portalUser(t, customerB);
    expect((await portal.get(`/api/tickets/${ticket.id}/sla`)).status).toBe(404);
    expect((await org.agent.get('/api/tickets/0195a0c2-0000-7000-8000-000000000000/sla')).status).toBe(404);
    expect((await t.anonymous().get(`/api/tickets/${ticket.id}/sla`)).status).toBe(401);
  });
});

describe('warnings and breaches', () => {
  const eventsOf = async (ticketId: string) =>
    (await t.ctx.db.select().from(ticketSlaEvents).where(eq(ticketSlaEvents.ticketId, ticketId)))
      .map((e) => `${e.target}:${e.kind}`)
      .sort();
  const noticesOf = async (userId: string, ticketId: string) =>
    (
      await t.ctx.db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, userId), eq(notifications.refId, ticketId)))
    ).map((n) => n.kind);

  it('the sweeper records the warning, then the breach, each once, with notices to owner and head', async () => {
    const ticket = await ticketFor({ type: 'complaint' });
    const sla = t.ctx.services.sla;
    await sla.sweep(new Date('2025-03-14T09:57:00Z'));
    expect(await eventsOf(ticket.id)).toEqual([]);
    await sla.sweep(new Date('2025-03-14T09:59:00Z'));
    await sla.sweep(new Date('2025-03-14T09:59:30Z'));
    expect(await eventsOf(ticket.id)).toEqual(['first_response:warning']);
    expect(await noticesOf(org.agent.user.id, ticket.id)).toEqual(['ticket.sla_warning']);
    expect(await noticesOf(org.supervisor.user.id, ticket.id)).toEqual([]);

    await sla.sweep(new Date('2025-03-17T01:11:00Z'));
    await sla.sweep(new Date('2025-03-17T01:12:00Z'));
    expect(await eventsOf(ticket.id)).toEqual(['first_response:breach', 'first_response:warning']);
    expect((await noticesOf(org.agent.user.id, ticket.id)).sort()).toEqual([
      'ticket.sla_breach',
      'ticket.sla_warning',
    ]);
    // The breach goes to the head of the owner's department as well.
    expect(await noticesOf(org.supervisor.user.id, ticket.id)).toEqual(['ticket.sla_breach']);
    const row = await ticketRow(t, ticket.id);
    expect(row.firstResponseBreachedAt?.toISOString()).toBe('2025-03-17T01:10:00.000Z');
    const lines = await t.ctx.db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, ticket.id));
    expect(lines.map((l) => l.kind)).toEqual(['system', 'system']);
    expect(lines.map((l) => l.body).join('\n')).toMatch(/SLA 预警[\s\S]*SLA 超时/);
    const view = await org.agent.get(`/api/tickets/${ticket.id}/sla`);
    expect(view.body.firstResponse.state).toBe('breached');
    expect(view.body.events.map((e: any) => `${e.target}:${e.kind}`)).toEqual([
      'first_response:warning',
      'first_response:breach',
    ]);
    // The owner is still the agent: only a resolution breach escalates.
    expect(row.ownerId).toBe(org.agent.user.id);
  });

  it('a first response in time stops the first-response clock', async () => {
    const ticket = await ticketFor({ type: 'complaint' });
    await t.ctx.db
      .update(tickets)
      .set({ firstRespondedAt: new Date('2025-03-14T09:30:00Z') })
      .where(eq(tickets.id, ticket.id));
    await t.ctx.services.sla.sweep(new Date('2025-03-17T02:00:00Z'));
    expect(await eventsOf(ticket.id)).toEqual([]);
    const view = await org.agent.get(`/api/tickets/${ticket.id}/sla`);
    expect(view.body.firstResponse.state).toBe('met');
  });

  it('a resolution breach escalates automatically to the head of the owner’s department', async () => {
    const ticket = await ticketFor({ type: 'complaint' });
    await t.ctx.services.sla.sweep(new Date('2025-03-19T06:11:00Z'));
    expect(await eventsOf(ticket.id)).toEqual([
      'first_response:breach',
      'first_response:warning',
      'resolution:breach',
      'resolution:warning',
    ]);
    const row = await ticketRow(t, ticket.id);
    expect(row.ownerId).toBe(org.supervisor.user.id);
    expect(row.escalationLevel).toBe(1);
    const [step] = await t.ctx.db
      .select()
      .from(ticketEscalations)
      .where(eq(ticketEscalations.ticketId, ticket.id));
    expect(step).toMatchObject({
      kind: 'person',
      trigger: 'sla_breach',
      level: 1,
      fromUserId: org.agent.user.id,
      toUserId: org.supervisor.user.id,
      departmentId: org.teamA.id,
      byUserId: null,
    });
    expect(await noticesOf(org.supervisor.user.id, ticket.id)).toContain('ticket.escalated');
    // Warnings that passed together with their breach are recorded but not announced.
    expect((await noticesOf(org.agent.user.id, ticket.id)).sort()).toEqual([
      'ticket.sla_breach',
      'ticket.sla_breach',
    ]);
    // Once only: another sweep changes nothing.
    expect(await t.ctx.services.sla.sweep(new Date('2025-03-19T07:00:00Z'))).toBe(0);
    expect((await ticketRow(t, ticket.id)).escalationLevel).toBe(1);
  });

  it('does not escalate when tickets.autoEscalateOnBreach is off', async () => {
    const put = await t.admin.put('/api/service-desk/settings', { 'tickets.autoEscalateOnBreach': false });
    expect(put.status).toBe(200);
    try {
      const ticket = await ticketFor({ type: 'complaint' });
      await t.ctx.services.sla.sweep(new Date('2025-03-19T06:11:00Z'));
      const row = await ticketRow(t, ticket.id);
      expect(row.resolutionBreachedAt).not.toBeNull();
      expect(row.ownerId).toBe(org.agent.user.id);
      expect(row.escalationLevel).toBe(0);
    } finally {
      await t.admin.put('/api/service-desk/settings', { 'tickets.autoEscalateOnBreach': true });
    }
  });
});

describe('admin: policies, calendar, settings', () => {
  let policy: any;

  it('lets staff read and only admins write policies, with validation and versions', async () => {
    expect((await org.agent.get('/api/sla-policies')).body.items.length).toBeGreaterThanOrEqual(6);
    const portal = await portalUser(t, customerB);
    expect((await portal.get('/api/sla-policies')).status).toBe(403);
    const body = {
      name: '测试政策',
      ticketType: 'claim',
      valueClass: 'B',
      firstResponseMinutes: 30,
      resolutionMinutes: 300,
    };
    expect((await org.agent.post('/api/sla-policies', body)).status).toBe(403);
    expect((await org.supervisor.post('/api/sla-policies', body)).status).toBe(403);
    const bad = await t.admin.post('/api/sla-policies', { ...body, resolutionMinutes: 10 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'resolutionMinutes' })]);
    expect((await t.admin.post('/api/sla-policies', { ...body, firstResponseMinutes: 0 })).status).toBe(400);
    expect((await t.admin.post('/api/sla-policies', { ...body, ticketType: 'praise' })).status).toBe(400);
    expect((await t.admin.post('/api/sla-policies', { ...body, valueClass: 'D' })).status).toBe(400);
    expect((await t.admin.post('/api/sla-policies', { ...body, warningFraction: 1.5 })).status).toBe(400);
    expect((await t.admin.post('/api/sla-policies', { ...body, extra: 1 })).status).toBe(400);
    const created = await t.admin.post('/api/sla-policies', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...body,
      severity: null,
      warningFraction: 0.2,
      active: true,
      version: 1,
    });
    policy = created.body;
  });

  it('updates with If-Match, refuses stale and missing versions, deletes', async () => {
    const path = `/api/sla-policies/${policy.id}`;
    expect((await t.admin.patch(path, { resolutionMinutes: 600 })).status).toBe(428);
    const updated = await t.admin.patch(path, { resolutionMinutes: 600 }, { 'if-match': '"1"' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ resolutionMinutes: 600, version: 2 });
    expect(updated.headers.get('etag')).toBe('"2"');
    expect((await t.admin.patch(path, { name: '旧' }, { 'if-match': '"1"' })).status).toBe(409);
    const invalid = await t.admin.patch(path, { firstResponseMinutes: 700, version: 2 });
    expect(invalid.status).toBe(422);
    expect((await org.agent.patch(path, { name: 'x', version: 2 })).status).toBe(403);
    expect((await org.agent.delete(path)).status).toBe(403);
    expect((await t.admin.delete(path)).status).toBe(204);
    expect((await t.admin.get(path)).status).toBe(404);
  });

  it('validates the calendar with field errors and lets only admins change it', async () => {
    const calendar = (await org.agent.get('/api/sla-calendar')).body;
    expect(calendar.weeklyHours.mon).toEqual([{ start: '09:00', end: '18:00' }]);
    expect((await org.supervisor.put('/api/sla-calendar', calendar)).status).toBe(403);
    const bad = await t.admin.put('/api/sla-calendar', {
      timeZone: 'Mars/Olympus',
      weeklyHours: { mon: [{ start: '18:00', end: '09:00' }] },
      holidays: [{ from: '2025-02-30' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual([
      'holidays/0/from',
      'holidays/0/to',
      'timeZone',
      'weeklyHours/mon/0/end',
    ]);
    expect((await t.admin.put('/api/sla-calendar', { ...calendar, weeklyHours: { moon: [] } })).status).toBe(
      400,
    );
  });

  it('reads and writes typed service-desk settings', async () => {
    const read = await org.agent.get('/api/service-desk/settings');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      'tickets.autoEscalateOnBreach': true,
      'tickets.reopenWindowDays': 14,
      'commitments.approvalThreshold': 5000,
    });
    expect(
      (await org.supervisor.put('/api/service-desk/settings', { 'tickets.reopenWindowDays': 7 })).status,
    ).toBe(403);
    expect(
      (await t.admin.put('/api/service-desk/settings', { 'tickets.reopenWindowDays': 'seven' })).status,
    ).toBe(400);
    expect((await t.admin.put('/api/service-desk/settings', { 'tickets.reopenWindowDays': -1 })).status).toBe(
      400,
    );
    expect((await t.admin.put('/api/service-desk/settings', { 'sla.calendar': {} })).status).toBe(400);
    const put = await t.admin.put('/api/service-desk/settings', { 'tickets.reopenWindowDays': 7 });
    expect(put.status).toBe(200);
    expect(put.body['tickets.reopenWindowDays']).toBe(7);
    expect(await t.ctx.services.settings.get('tickets.reopenWindowDays')).toBe(7);
    await t.admin.put('/api/service-desk/settings', { 'tickets.reopenWindowDays': 14 });
  });
});
