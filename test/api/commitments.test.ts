import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import {
  type ContactRow,
  type CustomerRow,
  type Organisation,
  createContact,
  createCustomer,
  createInteraction,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';

// Wednesday 2025-03-12, 10:00 in Shanghai.
const NOW = new Date('2025-03-12T02:00:00Z');
const hours = (n: number) => new Date(NOW.getTime() + n * 3_600_000).toISOString();
const days = (n: number) => hours(24 * n);

let t: TestApp;
let org: Organisation;
let customer: CustomerRow;
let contact: ContactRow;
let keyCustomer: CustomerRow;
let keyContact: ContactRow;
let otherCustomer: CustomerRow;
let otherContact: ContactRow;
let portal: Client;

beforeAll(async () => {
  t = await startTestApp({ now: () => NOW });
  org = await createOrganisation(t);
  customer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '宁波港联货运代理有限公司',
    valueClass: 'B',
  });
  contact = await createContact(t, { customerId: customer.id, name: '刘总' });
  keyCustomer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '上海远航国际物流有限公司',
    valueClass: 'A',
  });
  keyContact = await createContact(t, { customerId: keyCustomer.id, name: '陈经理' });
  otherCustomer = await createCustomer(t, { ownerId: org.otherAgent.user.id, teamId: org.teamB.id });
  otherContact = await createContact(t, { customerId: otherCustomer.id });
  portal = await portalUser(t, customer.id);
});
afterAll(async () => {
  await t?.close();
});

function promise(extra: Record<string, unknown> = {}) {
  return {
    customerId: customer.id,
    contactId: contact.id,
    promise: '破损货物按运费 30% 赔偿，三个工作日内到账',
    dueAt: days(3),
    ...extra,
  };
}

async function make(client: Client, extra: Record<string, unknown> = {}) {
  const response = await client.post('/api/commitments', promise(extra));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

async function noticesFor(refId: string, kind: string) {
  return t.ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.refId, refId), eq(notifications.kind, kind)));
}

async function timelineOf(refId: string) {
  return t.ctx.db
    .select()
    .from(timelineEntries)
    .where(and(eq(timelineEntries.refType, 'commitment'), eq(timelineEntries.refId, refId)));
}

describe('making a promise', () => {
  it('records a promise within the bottom line without approval, on the timeline and in the audit log', async () => {
    const body = await make(org.agent, { amount: 1200, bottomLine: '赔偿不超过运费 30%' });
    expect(body).toMatchObject({
      customerName: customer.name,
      contactName: '刘总',
      madeById: org.agent.user.id,
      madeByName: '张客服',
      makerDepartmentId: org.teamA.id,
      amount: 1200,
      status: 'open',
      approvalStatus: 'not_needed',
      overdue: false,
      version: 1,
    });
    const entries = await timelineOf(body.id);
    expect(entries.map((e) => e.kind)).toEqual(['commitment.made']);
    const audit = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'commitment'), eq(auditLog.entityId, body.id)));
    expect(audit.map((a) => a.action)).toEqual(['create']);
    const read = await org.manager.get(`/api/commitments/${body.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
  });

  it('asks the maker’s supervisor to approve a promise above the threshold, and nobody else', async () => {
    const body = await make(org.agent, { amount: 8000 });
    expect(body.approvalStatus).toBe('pending');
    const notices = await noticesFor(body.id, 'commitment.approval_requested');
    expect(notices.map((n) => n.userId)).toEqual([org.supervisor.user.id]);
  });

  it('needs approval when the maker says it exceeds the bottom line, whatever the amount', async () => {
    const body = await make(org.agent, { amount: 10, exceedsBottomLine: true });
    expect(body.approvalStatus).toBe('pending');
    expect(body.exceedsBottomLine).toBe(true);
    // The flag is kept: a renegotiated promise with the same wording still needs approval.
    const approved = await org.supervisor.post(`/api/commitments/${body.id}/approve`, { approved: true });
    expect(approved.status).toBe(200);
    const again = await org.agent.post(`/api/commitments/${body.id}/renegotiate`, {
      dueAt: new Date(Date.now() + 9 * 86_400_000).toISOString(),
      note: '客户要求延期',
    });
    expect(again.status).toBe(201);
    expect(again.body.commitment.exceedsBottomLine).toBe(true);
    expect(again.body.commitment.approvalStatus).toBe('pending');
  });

  it('follows the admin-set threshold', async () => {
    await t.ctx.services.settings.set('commitments.approvalThreshold', 100);
    try {
      expect((await make(org.agent, { amount: 200 })).approvalStatus).toBe('pending');
      expect((await make(org.agent, { amount: 100 })).approvalStatus).toBe('not_needed');
    } finally {
      await t.ctx.services.settings.set('commitments.approvalThreshold', 5000);
    }
  });

  it('lets a supervisor record a promise for a team member, but not an agent for a colleague', async () => {
    const bySupervisor = await make(org.supervisor, { madeById: org.agent.user.id });
    expect(bySupervisor.madeById).toBe(org.agent.user.id);
    expect(bySupervisor.createdBy).toBe(org.supervisor.user.id);
    const byAgent = await org.agent.post('/api/commitments', promise({ madeById: org.teammate.user.id }));
    expect(byAgent.status).toBe(403);
  });

  it('refuses bad input with 4xx problems', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ amount: -1 }, 400],
      [{ promise: '' }, 400],
      [{ unknown: 1 }, 400],
      [{ amount: '100' }, 400],
      [{ dueAt: 'tomorrow' }, 400],
      [{ dueAt: hours(-1) }, 422],
      [{ contactId: otherContact.id }, 422],
      [{ ticketId: '0195f0a0-0000-7000-8000-000000000000' }, 422],
      [{ madeById: portal.user.id }, 422],
      [{ customerId: '0195f0a0-0000-7000-8000-000000000000' }, 404],
    ];
    for (const [extra, status] of cases) {
      const response = await org.agent.post('/api/commitments', promise(extra));
      expect(response.status, JSON.stringify(extra)).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('keeps promises internal: portal users get 403 for lists and 404 for ids', async () => {
    const body = await make(org.agent);
    expect((await portal.get('/api/commitments')).status).toBe(403);
    expect((await portal.get(`/api/commitments/${body.id}`)).status).toBe(404);
    expect((await portal.post('/api/commitments', promise())).status).toBe(403);
    expect((await org.agent.get('/api/commitments/0195f0a0-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await t.anonymous().get('/api/commitments')).status).toBe(401);
  });
});

describe('approval', () => {
  it('is refused to the maker, to agents and to supervisors of other teams; a team supervisor decides', async () => {
    const body = await make(org.agent, { amount: 9000 });
    expect((await org.agent.post(`/api/commitments/${body.id}/approve`, { approved: true })).status).toBe(
      403,
    );
    expect((await org.teammate.post(`/api/commitments/${body.id}/approve`, { approved: true })).status).toBe(
      403,
    );
    expect(
      (await org.otherSupervisor.post(`/api/commitments/${body.id}/approve`, { approved: true })).status,
    ).toBe(403);
    // No outcome while it waits.
    expect((await org.agent.post(`/api/commitments/${body.id}/outcome`, { status: 'kept' })).status).toBe(
      409,
    );
    const approved = await org.supervisor.post(`/api/commitments/${body.id}/approve`, {
      approved: true,
      note: '同意，特殊客户',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      approvalStatus: 'approved',
      approvedBy: org.supervisor.user.id,
      approvedByName: '一组主管',
      approvalNote: '同意，特殊客户',
      version: 2,
    });
    expect((await noticesFor(body.id, 'commitment.approved')).map((n) => n.userId)).toEqual([
      org.agent.user.id,
    ]);
    // Decided once.
    expect((await org.manager.post(`/api/commitments/${body.id}/approve`, { approved: false })).status).toBe(
      409,
    );
  });

  it('never lets a supervisor approve their own promise; the next level up does', async () => {
    const own = await make(org.supervisor, { amount: 20000 });
    expect(own.approvalStatus).toBe('pending');
    // The supervisor's supervisor is the centre's.
    const notices = await noticesFor(own.id, 'commitment.approval_requested');
    expect(notices.map((n) => n.userId)).toEqual([org.centreSupervisor.user.id]);
    const self = await org.supervisor.post(`/api/commitments/${own.id}/approve`, { approved: true });
    expect(self.status).toBe(403);
    expect(self.body.detail).toMatch(/own/);
    const rejected = await org.centreSupervisor.post(`/api/commitments/${own.id}/approve`, {
      approved: false,
      note: '超出底线',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.approvalStatus).toBe('rejected');
    // A rejected promise is renegotiated, not kept.
    expect((await org.supervisor.post(`/api/commitments/${own.id}/outcome`, { status: 'kept' })).status).toBe(
      409,
    );
  });

  it('checks a sent version', async () => {
    const body = await make(org.agent, { amount: 9000 });
    const stale = await org.supervisor.post(
      `/api/commitments/${body.id}/approve`,
      { approved: true },
      { 'if-match': '"7"' },
    );
    expect(stale.status).toBe(409);
  });
});

describe('outcome and corrections', () => {
  it('records kept once, on the timeline', async () => {
    const body = await make(org.agent);
    expect(
      (await org.otherAgent.post(`/api/commitments/${body.id}/outcome`, { status: 'kept' })).status,
    ).toBe(403);
    const kept = await org.agent.post(`/api/commitments/${body.id}/outcome`, {
      status: 'kept',
      note: '已到账',
    });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ status: 'kept', outcomeNote: '已到账', resolvedBy: org.agent.user.id });
    expect((await org.agent.post(`/api/commitments/${body.id}/outcome`, { status: 'broken' })).status).toBe(
      409,
    );
    expect((await timelineOf(body.id)).map((e) => e.kind).sort()).toEqual([
      'commitment.kept',
      'commitment.made',
    ]);
  });

  it('records broken', async () => {
    const body = await make(org.agent);
    const broken = await org.supervisor.post(`/api/commitments/${body.id}/outcome`, { status: 'broken' });
    expect(broken.status).toBe(200);
    expect((await timelineOf(body.id)).map((e) => e.kind)).toContain('commitment.broken');
  });

  it('corrects with the version; a larger amount goes back for approval', async () => {
    const body = await make(org.agent, { amount: 500 });
    expect((await org.agent.patch(`/api/commitments/${body.id}`, { promise: '改' })).status).toBe(428);
    const patched = await org.agent.patch(`/api/commitments/${body.id}`, { amount: 12000, version: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ amount: 12000, approvalStatus: 'pending', version: 2 });
    expect(await noticesFor(body.id, 'commitment.approval_requested')).toHaveLength(1);
    const stale = await org.agent.patch(
      `/api/commitments/${body.id}`,
      { promise: '再改' },
      { 'if-match': '"1"' },
    );
    expect(stale.status).toBe(409);
    expect(
      (await org.agent.patch(`/api/commitments/${body.id}`, { dueAt: hours(-2), version: 2 })).status,
    ).toBe(422);
    expect(
      (await org.manager.patch(`/api/commitments/${body.id}`, { promise: 'x', version: 2 })).status,
    ).toBe(403);
  });
});

describe('renegotiation', () => {
  it('turns the open promise into renegotiated, pointing to a new open one, as a chain', async () => {
    const first = await make(org.agent, { amount: 800 });
    const response = await org.agent.post(`/api/commitments/${first.id}/renegotiate`, {
      dueAt: days(10),
      promise: '改为十个工作日内赔付',
      note: '财务流程延长',
    });
    expect(response.status).toBe(201);
    const { previous, commitment } = response.body;
    expect(previous).toMatchObject({ id: first.id, status: 'renegotiated', replacedById: commitment.id });
    expect(commitment).toMatchObject({
      status: 'open',
      replacesId: first.id,
      promise: '改为十个工作日内赔付',
      dueAt: days(10),
      amount: 800,
      contactId: contact.id,
      madeById: org.agent.user.id,
      approvalStatus: 'not_needed',
    });
    // The old one is closed to changes; the new one renegotiates again.
    expect(
      (await org.agent.post(`/api/commitments/${first.id}/renegotiate`, { dueAt: days(12), note: 'x' }))
        .status,
    ).toBe(409);
    const second = await org.agent.post(`/api/commitments/${commitment.id}/renegotiate`, {
      dueAt: days(20),
      note: '客户同意再延后',
    });
    expect(second.status).toBe(201);
    expect(second.body.commitment.replacesId).toBe(commitment.id);
    expect(second.body.commitment.promise).toBe('改为十个工作日内赔付');
    expect((await timelineOf(first.id)).map((e) => e.kind).sort()).toEqual([
      'commitment.made',
      'commitment.renegotiated',
    ]);
    const list = await org.agent.get(`/api/commitments?customerId=${customer.id}&status=renegotiated`);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining([first.id, commitment.id]),
    );
    expect(
      (
        await org.agent.post(`/api/commitments/${second.body.commitment.id}/renegotiate`, {
          dueAt: hours(-1),
          note: 'x',
        })
      ).status,
    ).toBe(422);
  });
});

describe('overdue', () => {
  it('tells the maker and their supervisor once', async () => {
    const body = await make(org.agent, { dueAt: hours(1) });
    const later = new Date(NOW.getTime() + 2 * 3_600_000);
    expect(await t.ctx.services.commitments.flagOverdue(later)).toBeGreaterThan(0);
    await t.ctx.services.commitments.flagOverdue(later);
    await t.ctx.services.commitments.flagOverdue(new Date(later.getTime() + 3_600_000));
    const notices = await noticesFor(body.id, 'commitment.overdue');
    expect(notices.map((n) => n.userId).sort()).toEqual([org.agent.user.id, org.supervisor.user.id].sort());
    // Not-yet-due promises are untouched.
    const future = await make(org.agent, { dueAt: days(30) });
    expect(await noticesFor(future.id, 'commitment.overdue')).toHaveLength(0);
  });

  it('lists overdue promises through the overdue filter by the clock', async () => {
    const body = await make(org.agent, { dueAt: days(40) });
    const notYet = await org.agent.get(`/api/commitments?overdue=true&customerId=${customer.id}`);
    expect(notYet.body.items.map((c: { id: string }) => c.id)).not.toContain(body.id);
    const open = await org.agent.get(`/api/commitments?overdue=false&customerId=${customer.id}&limit=200`);
    expect(open.body.items.map((c: { id: string }) => c.id)).toContain(body.id);
  });
});

describe('list', () => {
  it('pages by due date with a cursor and filters by maker and approval', async () => {
    const mine = await t.userClient('agent', { departmentId: org.teamA.id });
    const made = [];
    for (const n of [5, 3, 4]) made.push(await make(mine, { dueAt: days(n), amount: n === 4 ? 9000 : 10 }));
    const first = await org.manager.get(`/api/commitments?madeById=${mine.user.id}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((c: { dueAt: string }) => c.dueAt)).toEqual([days(3), days(4)]);
    const second = await org.manager.get(
      `/api/commitments?madeById=${mine.user.id}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((c: { dueAt: string }) => c.dueAt)).toEqual([days(5)]);
    expect(second.body.nextCursor).toBeNull();
    const pending = await org.manager.get(`/api/commitments?madeById=${mine.user.id}&approval=pending`);
    expect(pending.body.items).toHaveLength(1);
    expect((await org.manager.get('/api/commitments?cursor=nonsense')).status).toBe(400);
    expect((await org.manager.get('/api/commitments?status=lost')).status).toBe(400);
  });
});

describe('review of key customers', () => {
  it('lists only A-class customers with open promises, nearest due first, with recent communications', async () => {
    await createInteraction(t, {
      customerId: keyCustomer.id,
      userId: org.agent.user.id,
      summary: '电话确认赔付方案',
      occurredAt: new Date(NOW.getTime() - 3_600_000),
    });
    const keyPromise = await make(org.agent, {
      customerId: keyCustomer.id,
      contactId: keyContact.id,
      dueAt: days(2),
    });
    const kept = await make(org.agent, { customerId: keyCustomer.id, contactId: keyContact.id });
    await org.agent.post(`/api/commitments/${kept.id}/outcome`, { status: 'kept' });
    const response = await org.manager.get('/api/commitments/review');
    expect(response.status).toBe(200);
    const ids = response.body.items.map((i: { customerId: string }) => i.customerId);
    expect(ids).toEqual([keyCustomer.id]);
    const [item] = response.body.items;
    expect(item).toMatchObject({ customerName: keyCustomer.name, valueClass: 'A', ownerName: '张客服' });
    expect(item.commitments.map((c: { id: string }) => c.id)).toEqual([keyPromise.id]);
    expect(item.nextDueAt).toBe(days(2));
    expect(item.recentInteractions.map((i: { summary: string }) => i.summary)).toEqual(['电话确认赔付方案']);
    expect(item.recentTickets).toEqual([]);
    expect((await org.supervisor.get('/api/commitments/review')).status).toBe(200);
    expect((await org.agent.get('/api/commitments/review')).status).toBe(403);
    expect((await org.operations.get('/api/commitments/review')).status).toBe(403);
    expect((await portal.get('/api/commitments/review')).status).toBe(403);
  });
});
