import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { followUps } from '../../src/modules/followups/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { ticketMessages } from '../../src/modules/tickets/tables.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import { type Organisation, createCustomer, createOrganisation, portalUser } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { createSlaTicket, ticketRow } from '../support/sla-factories.ts';

// Wednesday 2025-03-12, 10:00 in Shanghai.
const NOW = new Date('2025-03-12T02:00:00Z');

let t: TestApp;
let org: Organisation;
let customerId: string;
let portal: Client;

beforeAll(async () => {
  t = await startTestApp({ now: () => NOW });
  org = await createOrganisation(t);
  customerId = (
    await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id, valueClass: 'B' })
  ).id;
  portal = await portalUser(t, customerId);
  // 客服中心 (head: centre supervisor) → 客服一组 (head: team A supervisor); 客服二组 has no head.
  await t.admin.patch(`/api/departments/${org.teamA.id}`, { headUserId: org.supervisor.user.id });
  await t.admin.patch(`/api/departments/${org.centre.id}`, { headUserId: org.centreSupervisor.user.id });
});
afterAll(async () => {
  await t?.close();
});

const newTicket = () =>
  createSlaTicket(t, { customerId, ownerId: org.agent.user.id, departmentId: org.teamA.id, receivedAt: NOW });

describe('换人: up the ladder', () => {
  let ticketId: string;

  beforeAll(async () => {
    ticketId = (await newTicket()).id;
  });

  it('lists the targets: the team head next, then the centre head', async () => {
    const targets = await org.agent.get(`/api/tickets/${ticketId}/escalation-targets`);
    expect(targets.status).toBe(200);
    expect(targets.body.currentLevel).toBe(0);
    expect(targets.body.next).toMatchObject({ userId: org.supervisor.user.id, level: 1, head: true });
    const heads = targets.body.items.filter((i: any) => i.head).map((i: any) => [i.userId, i.level]);
    expect(heads).toEqual([
      [org.supervisor.user.id, 1],
      [org.centreSupervisor.user.id, 2],
    ]);
    // The manager sits in the centre above team A: a more senior person too (not a head).
    expect(targets.body.items.map((i: any) => i.userId)).toContain(org.manager.user.id);
    expect(targets.body.items.map((i: any) => i.userId)).not.toContain(org.otherSupervisor.user.id);
  });

  it('the owner escalates to the team head (level 1), who escalates to the centre head (level 2)', async () => {
    const first = await org.agent.post(`/api/tickets/${ticketId}/escalations`, {
      kind: 'person',
      reason: '客户要求主管处理',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      kind: 'person',
      trigger: 'manual',
      level: 1,
      fromUserId: org.agent.user.id,
      toUserId: org.supervisor.user.id,
      toUserName: '一组主管',
      departmentId: org.teamA.id,
      byUserId: org.agent.user.id,
    });
    let row = await ticketRow(t, ticketId);
    expect(row.ownerId).toBe(org.supervisor.user.id);
    expect(row.escalationLevel).toBe(1);

    const second = await org.supervisor.post(`/api/tickets/${ticketId}/escalations`, {
      kind: 'person',
      reason: '需要中心协调赔偿',
    });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({
      level: 2,
      toUserId: org.centreSupervisor.user.id,
      departmentId: org.centre.id,
    });
    row = await ticketRow(t, ticketId);
    expect(row.ownerId).toBe(org.centreSupervisor.user.id);
    expect(row.escalationLevel).toBe(2);

    // The centre is the top: nowhere higher.
    const top = await org.centreSupervisor.post(`/api/tickets/${ticketId}/escalations`, {
      kind: 'person',
      reason: '再升级',
    });
    expect(top.status).toBe(422);
    expect(top.body.errors[0].message).toContain('nowhere higher');
    // The system (SLA breach, reopenings) does nothing there instead of failing the action.
    const moved = await t.ctx.db.transaction((tx) =>
      t.ctx.services.escalations.autoEscalate(tx, ticketId, 'reopened', '第二次重开'),
    );
    expect(moved).toBe(false);

    const ladder = await org.agent.get(`/api/tickets/${ticketId}/escalations`);
    expect(ladder.status).toBe(200);
    expect(ladder.body.items.map((s: any) => [s.kind, s.level, s.toUserName])).toEqual([
      ['person', 1, '一组主管'],
      ['person', 2, '中心主管'],
    ]);
    const notices = await t.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.refId, ticketId), eq(notifications.kind, 'ticket.escalated')));
    expect(notices.map((n) => n.userId).sort()).toEqual(
      [org.supervisor.user.id, org.centreSupervisor.user.id].sort(),
    );
    const timeline = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.refId, ticketId), eq(timelineEntries.kind, 'ticket.escalated')));
    expect(timeline).toHaveLength(2);
    const audit = await t.ctx.db.select().from(auditLog).where(eq(auditLog.entityType, 'ticket_escalation'));
    expect(audit.length).toBeGreaterThanOrEqual(2);
  });

  it('accepts a named more senior person and refuses anyone else with 422', async () => {
    const ticket = await newTicket();
    const peer = await org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
      kind: 'person',
      reason: '换个人',
      toUserId: org.teammate.user.id,
    });
    expect(peer.status).toBe(422);
    expect(peer.body.errors[0].field).toBe('toUserId');
    const otherBranch = await org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
      kind: 'person',
      reason: '换个人',
      toUserId: org.otherSupervisor.user.id,
    });
    expect(otherBranch.status).toBe(422);
    // Skipping a rung: straight to the centre head reaches level 2.
    const jump = await org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
      kind: 'person',
      reason: '重大投诉，直接交中心',
      toUserId: org.centreSupervisor.user.id,
    });
    expect(jump.status).toBe(201);
    expect(jump.body.level).toBe(2);
    expect((await ticketRow(t, ticket.id)).ownerId).toBe(org.centreSupervisor.user.id);
  });
});

describe('换地 and 换时', () => {
  it('换地 needs a place, records attendees and time, and keeps the owner', async () => {
    const ticket = await newTicket();
    const missing = await org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
      kind: 'place',
      reason: '当面沟通',
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: any) => e.field)).toEqual(['place']);
    const moved = await org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
      kind: 'place',
      reason: '电话里情绪激动，改为上门',
      place: '客户仓库会议室',
      attendees: ['张客服', '客户王经理'],
      scheduledAt: '2025-03-13T06:00:00Z',
    });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({
      kind: 'place',
      level: 0,
      place: '客户仓库会议室',
      attendees: ['张客服', '客户王经理'],
      scheduledAt: '2025-03-13T06:00:00.000Z',
      toUserId: null,
    });
    const row = await ticketRow(t, ticket.id);
    expect(row.ownerId).toBe(org.agent.user.id);
    expect(row.escalationLevel).toBe(0);
    const lines = await t.ctx.db.select().from(ticketMessages).where(eq(ticketMessages.ticketId, ticket.id));
    expect(lines.map((l) => l.body).join()).toContain('客户仓库会议室');
  });

  it('换时 needs a future time and a more senior manager, and books it on their task list', async () => {
    const ticket = await newTicket();
    const post = (body: Record<string, unknown>) =>
      org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
        kind: 'time',
        reason: '约经理面谈',
        ...body,
      });
    const past = await post({ scheduledAt: '2025-03-11T02:00:00Z', toUserId: org.manager.user.id });
    expect(past.status).toBe(422);
    expect(past.body.errors.map((e: any) => e.field)).toEqual(['scheduledAt']);
    const noManager = await post({ scheduledAt: '2025-03-14T02:00:00Z' });
    expect(noManager.status).toBe(422);
    expect(noManager.body.errors.map((e: any) => e.field)).toEqual(['toUserId']);
    const junior = await post({ scheduledAt: '2025-03-14T02:00:00Z', toUserId: org.teammate.user.id });
    expect(junior.status).toBe(422);
    const booked = await post({ scheduledAt: '2025-03-14T02:00:00Z', toUserId: org.manager.user.id });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ kind: 'time', level: 0, toUserId: org.manager.user.id });
    const tasks = await t.ctx.db
      .select()
      .from(followUps)
      .where(eq(followUps.assigneeId, org.manager.user.id));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      customerId,
      kind: 'manual',
      status: 'open',
      sourceKey: `escalation:${booked.body.id}`,
    });
    expect(tasks[0].dueAt.toISOString()).toBe('2025-03-14T02:00:00.000Z');
    const notices = await t.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, org.manager.user.id), eq(notifications.refId, ticket.id)));
    expect(notices.map((n) => n.kind)).toEqual(['ticket.appointment']);
    expect((await ticketRow(t, ticket.id)).ownerId).toBe(org.agent.user.id);
  });
});

describe('access', () => {
  it('lets the owner, team supervisors, managers and admins escalate; others get 403, portal 404', async () => {
    const ticket = await newTicket();
    const body = { kind: 'place', reason: '上门', place: '客户办公室' };
    const path = `/api/tickets/${ticket.id}/escalations`;
    expect((await org.teammate.post(path, body)).status).toBe(403);
    expect((await org.otherAgent.post(path, body)).status).toBe(403);
    expect((await org.otherSupervisor.post(path, body)).status).toBe(403);
    expect((await org.operations.post(path, body)).status).toBe(403);
    expect((await portal.post(path, body)).status).toBe(404);
    expect((await portal.get(path)).status).toBe(404);
    expect((await portal.get(`/api/tickets/${ticket.id}/escalation-targets`)).status).toBe(404);
    expect((await t.anonymous().get(path)).status).toBe(401);
    for (const client of [org.supervisor, org.manager, t.admin]) {
      expect((await client.post(path, body)).status).toBe(201);
    }
    // Every member of staff reads the ladder.
    const ladder = await org.operations.get(path);
    expect(ladder.status).toBe(200);
    expect(ladder.body.items).toHaveLength(3);
    // On the customer timeline for staff, never for the customer's portal users.
    const kinds = async (client: Client) => {
      const timeline = await client.get(`/api/customers/${customerId}/timeline?limit=200`);
      expect(timeline.status).toBe(200);
      return timeline.body.items.map((e: any) => e.kind);
    };
    expect(await kinds(org.agent)).toContain('ticket.escalated');
    expect(await kinds(portal)).not.toContain('ticket.escalated');
  });

  it('refuses bad input with 400 and unknown tickets with 404', async () => {
    const ticket = await newTicket();
    const path = `/api/tickets/${ticket.id}/escalations`;
    expect((await org.agent.post(path, { kind: 'money', reason: 'x' })).status).toBe(400);
    expect((await org.agent.post(path, { kind: 'person' })).status).toBe(400);
    expect((await org.agent.post(path, { kind: 'person', reason: 'x', toUserId: 'nope' })).status).toBe(400);
    expect((await org.agent.post(path, { kind: 'person', reason: '   ' })).status).toBe(422);
    expect((await org.agent.post(path, { kind: 'person', reason: 'x', extra: 1 })).status).toBe(400);
    expect(
      (
        await org.agent.post('/api/tickets/0195a0c2-0000-7000-8000-000000000000/escalations', {
          kind: 'person',
          reason: 'x',
        })
      ).status,
    ).toBe(404);
  });
});
