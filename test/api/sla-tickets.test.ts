import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Organisation, createCustomer, createOrganisation } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';

// SLA through the ticket endpoints: the policy a created ticket gets, the pause while waiting on the
// customer, the first reply, and a breach that escalates. Friday 2025-03-14, 17:10 in Shanghai.
const START = new Date('2025-03-14T09:10:00Z');
let clock = START;
const at = (iso: string) => {
  clock = new Date(iso);
};

let t: TestApp;
let org: Organisation;
let customerA: string;
let customerB: string;
let categoryId: string;

beforeAll(async () => {
  t = await startTestApp({ now: () => clock });
  org = await createOrganisation(t);
  customerA = (await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id, valueClass: 'A' }))
    .id;
  customerB = (await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id, valueClass: 'B' }))
    .id;
  const categories = await org.agent.get('/api/ticket-categories');
  const items = Array.isArray(categories.body) ? categories.body : categories.body.items;
  categoryId = items.find((c: any) => c.code === 'damage').id;
  await t.admin.patch(`/api/departments/${org.teamA.id}`, { headUserId: org.supervisor.user.id });
});
afterAll(async () => {
  await t?.close();
});

async function createTicket(body: Record<string, unknown>) {
  const created = await org.agent.post('/api/tickets', {
    type: 'complaint',
    channel: 'phone',
    customerId: customerB,
    categoryId,
    severity: 'normal',
    subject: '货物破损',
    customerWords: '外箱压坏，里面的货也坏了',
    ...body,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

describe('SLA of tickets created through the API', () => {
  it('matches the policy by type, severity and the customer’s value class', async () => {
    const cases: [Record<string, unknown>, string, number][] = [
      [{}, '投诉 Complaint', 60],
      [{ severity: 'critical' }, '紧急投诉 Critical complaint', 30],
      [{ customerId: customerA }, 'A 类客户投诉 A-class complaint', 30],
      [{ type: 'inquiry' }, '咨询 Inquiry', 120],
      [{ type: 'claim' }, '索赔 Claim', 120],
      [{ type: 'suggestion' }, '默认 Default', 240],
    ];
    for (const [body, policyName, minutes] of cases) {
      const ticket = await createTicket(body);
      const sla = await org.agent.get(`/api/tickets/${ticket.id}/sla`);
      expect(sla.status).toBe(200);
      expect(sla.body.policyName, policyName).toBe(policyName);
      expect(sla.body.firstResponse.targetMinutes).toBe(minutes);
      expect(sla.body.firstResponse.state).toBe('running');
    }
  });

  it('pauses while waiting on the customer, moves the deadline by the pause and stops at the first reply', async () => {
    at('2025-03-14T09:10:00Z');
    // A-class complaint: 30 working minutes → due Friday 17:40.
    const ticket = await createTicket({ customerId: customerA });
    let sla = (await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body;
    expect(sla.firstResponse.dueAt).toBe('2025-03-14T09:40:00.000Z');

    at('2025-03-14T09:20:00Z');
    const wait = await org.agent.post(`/api/tickets/${ticket.id}/wait`, { reason: '请客户提供破损照片' });
    expect(wait.status, JSON.stringify(wait.body)).toBe(200);
    sla = (await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body;
    expect(sla.paused).toBe(true);
    expect(sla.firstResponse.state).toBe('paused');

    // Resumed 15 minutes later: due 15 minutes later, never earlier.
    at('2025-03-14T09:35:00Z');
    const resumed = await org.agent.post(`/api/tickets/${ticket.id}/resume`, {});
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    sla = (await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body;
    expect(sla.paused).toBe(false);
    expect(sla.firstResponse.dueAt).toBe('2025-03-14T09:55:00.000Z');
    expect(sla.firstResponse.elapsedMinutes).toBe(10);
    expect(sla.pauses).toEqual([
      {
        startedAt: '2025-03-14T09:20:00.000Z',
        endedAt: '2025-03-14T09:35:00.000Z',
        reason: '请客户提供破损照片',
      },
    ]);

    at('2025-03-14T09:40:00Z');
    const reply = await org.agent.post(`/api/tickets/${ticket.id}/messages`, {
      kind: 'reply',
      body: '非常抱歉，我们已安排理赔专员跟进。',
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    sla = (await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body;
    expect(sla.firstResponse.state).toBe('met');
    expect(sla.resolution.state).toBe('running');
    // Nothing fires for the met first response, however late the sweeper runs.
    await t.ctx.services.sla.sweep(new Date('2025-03-14T10:30:00Z'));
    sla = (await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body;
    expect(sla.events).toEqual([]);
  });

  it('a resolution breach shows on the ticket, in the queue filter and as a 换人 step', async () => {
    at('2025-03-14T09:10:00Z');
    const ticket = await createTicket({ severity: 'critical' });
    // Critical complaint: 480 working minutes → due Monday 16:10 (50 on Friday, 430 on Monday).
    const sla = (await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body;
    expect(sla.resolution.dueAt).toBe('2025-03-17T08:10:00.000Z');
    // The sweeper runs on Monday at 16:20; the clients stay on Friday (their sessions would expire).
    await t.ctx.services.sla.sweep(new Date('2025-03-17T08:20:00Z'));
    const after = (await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body;
    expect(after.resolution.state).toBe('breached');
    expect(after.events.map((e: any) => `${e.target}:${e.kind}`)).toContain('resolution:breach');
    const breached = await org.supervisor.get('/api/tickets?view=all&sla=breached');
    expect(breached.status).toBe(200);
    expect(breached.body.items.map((i: any) => i.id)).toContain(ticket.id);
    const ladder = await org.supervisor.get(`/api/tickets/${ticket.id}/escalations`);
    expect(ladder.body.items).toEqual([
      expect.objectContaining({
        kind: 'person',
        trigger: 'sla_breach',
        level: 1,
        toUserId: org.supervisor.user.id,
      }),
    ]);
    const view = await org.supervisor.get(`/api/tickets/${ticket.id}`);
    expect(view.body).toMatchObject({
      ownerId: org.supervisor.user.id,
      escalationLevel: 1,
      slaState: 'breached',
    });
  });
});
