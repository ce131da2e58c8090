import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { ticketMessages, tickets } from '../../src/modules/tickets/tables.ts';
import { insertTicket, makeDepartmentHead, ticketCategoryIds } from '../support/commitments-factories.ts';
import {
  type CustomerRow,
  type Organisation,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';

// Wednesday 2025-03-12, 10:00 in Shanghai.
const NOW = new Date('2025-03-12T02:00:00Z');
const hours = (n: number) => new Date(NOW.getTime() + n * 3_600_000).toISOString();
let clock = NOW;

let t: TestApp;
let org: Organisation;
let customer: CustomerRow;
let categories: Record<string, string>;
let head: Client;
let colleague: Client;
let portal: Client;

beforeAll(async () => {
  t = await startTestApp({ now: () => clock });
  org = await createOrganisation(t);
  customer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '苏州精工电子',
  });
  categories = await ticketCategoryIds(t);
  head = await t.userClient('operations', { departmentId: org.airExport.id, name: '空出经理' });
  colleague = await t.userClient('operations', { departmentId: org.airExport.id, name: '空出操作二' });
  await makeDepartmentHead(t, org.airExport.id, head.user.id);
  portal = await portalUser(t, customer.id);
});
afterAll(async () => {
  await t?.close();
});

async function ticket() {
  return insertTicket(t, {
    customerId: customer.id,
    categoryId: categories.damage,
    ownerId: org.agent.user.id,
    departmentId: org.teamA.id,
  });
}

async function dispatch(ticketId: string, extra: Record<string, unknown> = {}, client = org.agent) {
  const response = await client.post(`/api/tickets/${ticketId}/work-orders`, {
    departmentId: org.airExport.id,
    dueAt: hours(8),
    instructions: '请仓库核查破损货物照片并说明包装情况',
    ...extra,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

async function notices(refId: string, kind: string) {
  return t.ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.refId, refId), eq(notifications.kind, kind)));
}

async function systemLines(ticketId: string) {
  const rows = await t.ctx.db
    .select()
    .from(ticketMessages)
    .where(and(eq(ticketMessages.ticketId, ticketId), eq(ticketMessages.kind, 'system')));
  return rows.map((r) => r.body);
}

const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);

describe('dispatch', () => {
  it('the owner dispatches: numbered, on the ticket, audited, the head and the department’s operations told', async () => {
    const tk = await ticket();
    const order = await dispatch(tk.id);
    expect(order.number).toMatch(/^W2503-\d{6}$/);
    expect(order).toMatchObject({
      status: 'pending',
      ticketId: tk.id,
      ticketNumber: tk.number,
      ticketSubject: '货物破损',
      customerId: customer.id,
      customerName: '苏州精工电子',
      departmentName: '空运出口部',
      assigneeId: null,
      overdue: false,
      createdByName: '张客服',
      version: 1,
    });
    expect((await systemLines(tk.id)).some((line) => line.includes(order.number))).toBe(true);
    const told = (await notices(order.id, 'work_order.dispatched')).map((n) => n.userId).sort();
    expect(told).toEqual([org.operations.user.id, head.user.id, colleague.user.id].sort());
    const audit = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'work_order'), eq(auditLog.entityId, order.id)));
    expect(audit.map((a) => a.action)).toEqual(['create']);
  });

  it('is refused to others than the ticket side, and for bad input', async () => {
    const tk = await ticket();
    const body = { departmentId: org.airExport.id, dueAt: hours(8), instructions: '核查' };
    const path = `/api/tickets/${tk.id}/work-orders`;
    expect((await org.otherAgent.post(path, body)).status).toBe(403);
    expect((await org.operations.post(path, body)).status).toBe(403);
    expect((await portal.post(path, body)).status).toBe(404);
    expect((await t.anonymous().post(path, body)).status).toBe(401);
    expect((await org.supervisor.post(path, body)).status).toBe(201);
    const bad: [Record<string, unknown>, number][] = [
      [{ departmentId: '0195f0a0-0000-7000-8000-000000000000' }, 422],
      [{ dueAt: hours(-1) }, 422],
      [{ instructions: '   ' }, 422],
      [{ instructions: '' }, 400],
      [{ dueAt: 'soon' }, 400],
      [{ extra: true }, 400],
    ];
    for (const [extra, status] of bad) {
      const response = await org.agent.post(path, { ...body, ...extra });
      expect(response.status, JSON.stringify(extra)).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(
      (await org.agent.post('/api/tickets/0195f0a0-0000-7000-8000-000000000000/work-orders', body)).status,
    ).toBe(404);
    await t.ctx.db.update(tickets).set({ status: 'closed' }).where(eq(tickets.id, tk.id));
    expect((await org.agent.post(path, body)).status).toBe(409);
  });
});

describe('department queue', () => {
  it('operations users see only their department’s work orders and get 403/404 outside it', async () => {
    const tk = await ticket();
    const air = await dispatch(tk.id);
    const sea = await dispatch(tk.id, { departmentId: org.seaImport.id });

    const mine = await org.operations.get('/api/work-orders?limit=200');
    expect(mine.status).toBe(200);
    expect(ids(mine.body)).toContain(air.id);
    expect(ids(mine.body)).not.toContain(sea.id);
    expect(mine.body.items.every((w: { departmentId: string }) => w.departmentId === org.airExport.id)).toBe(
      true,
    );
    expect((await org.operations.get(`/api/work-orders?departmentId=${org.airExport.id}`)).status).toBe(200);
    expect((await org.operations.get(`/api/work-orders?departmentId=${org.seaImport.id}`)).status).toBe(403);

    // Another department's work order looks like an unknown id.
    expect((await org.otherOperations.get(`/api/work-orders/${air.id}`)).status).toBe(404);
    expect((await org.otherOperations.post(`/api/work-orders/${air.id}/accept`, {})).status).toBe(404);
    expect((await org.otherOperations.get(`/api/work-orders/${air.id}/notes`)).status).toBe(404);
    expect((await org.otherOperations.post(`/api/work-orders/${air.id}/notes`, { body: 'x' })).status).toBe(
      404,
    );
    expect(
      (await org.otherOperations.post(`/api/work-orders/${air.id}/complete`, { result: 'x' })).status,
    ).toBe(404);
    const onTicket = await org.otherOperations.get(`/api/tickets/${tk.id}/work-orders`);
    expect(ids(onTicket.body)).toEqual([sea.id]);
    expect((await portal.get(`/api/work-orders/${air.id}`)).status).toBe(404);
    expect((await portal.get('/api/work-orders')).status).toBe(403);
    expect((await portal.get(`/api/tickets/${tk.id}/work-orders`)).status).toBe(404);

    // The ticket side and supervisors filter by department.
    const bySupervisor = await org.supervisor.get(
      `/api/work-orders?departmentId=${org.seaImport.id}&limit=200`,
    );
    expect(ids(bySupervisor.body)).toContain(sea.id);
    expect(ids(bySupervisor.body)).not.toContain(air.id);
    const byTicket = await org.agent.get(`/api/work-orders?ticketId=${tk.id}`);
    expect(ids(byTicket.body).sort()).toEqual([air.id, sea.id].sort());
  });

  it('pages by due time and refuses a forged cursor', async () => {
    const tk = await ticket();
    const dept = await t.admin.post('/api/departments', {
      code: `Q${Date.now()}`,
      name: '仓储部',
      parentId: null,
    });
    const created = [];
    for (const h of [30, 10, 20])
      created.push(await dispatch(tk.id, { departmentId: dept.body.id, dueAt: hours(h) }));
    const first = await org.manager.get(`/api/work-orders?departmentId=${dept.body.id}&limit=2`);
    expect(first.body.items.map((w: { dueAt: string }) => w.dueAt)).toEqual([hours(10), hours(20)]);
    const second = await org.manager.get(
      `/api/work-orders?departmentId=${dept.body.id}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((w: { dueAt: string }) => w.dueAt)).toEqual([hours(30)]);
    expect(second.body.nextCursor).toBeNull();
    expect((await org.manager.get('/api/work-orders?cursor=abc')).status).toBe(400);
    expect((await org.manager.get('/api/work-orders?status=lost')).status).toBe(400);
  });
});

describe('accept, notes, complete', () => {
  it('a member accepts, both sides add notes, a member completes; the owner sees it on the ticket', async () => {
    const tk = await ticket();
    const order = await dispatch(tk.id);
    expect((await org.agent.post(`/api/work-orders/${order.id}/accept`)).status).toBe(403);
    const accepted = await org.operations.post(`/api/work-orders/${order.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      assigneeId: org.operations.user.id,
      assigneeName: '空出操作',
      version: 2,
    });
    expect(accepted.headers.get('etag')).toBe('"2"');
    expect((await colleague.post(`/api/work-orders/${order.id}/accept`)).status).toBe(409);

    expect(
      (await org.operations.post(`/api/work-orders/${order.id}/notes`, { body: '已联系仓库拍照' })).status,
    ).toBe(201);
    expect(
      (await org.agent.post(`/api/work-orders/${order.id}/notes`, { body: '客户催促，请加急' })).status,
    ).toBe(201);
    expect((await org.otherAgent.post(`/api/work-orders/${order.id}/notes`, { body: '插话' })).status).toBe(
      403,
    );
    expect((await org.agent.post(`/api/work-orders/${order.id}/notes`, { body: '' })).status).toBe(400);
    const notes = await org.agent.get(`/api/work-orders/${order.id}/notes`);
    expect(notes.body.items.map((n: { body: string; authorName: string }) => [n.authorName, n.body])).toEqual(
      [
        ['空出操作', '已联系仓库拍照'],
        ['张客服', '客户催促，请加急'],
      ],
    );

    expect((await org.agent.post(`/api/work-orders/${order.id}/complete`, { result: '自己写' })).status).toBe(
      403,
    );
    const stale = await org.operations.post(
      `/api/work-orders/${order.id}/complete`,
      { result: '包装完好' },
      { 'if-match': '"1"' },
    );
    expect(stale.status).toBe(409);
    const done = await colleague.post(`/api/work-orders/${order.id}/complete`, {
      result: '外包装完好，内部缓冲不足，建议赔付',
      version: 2,
    });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      status: 'done',
      result: '外包装完好，内部缓冲不足，建议赔付',
      completedBy: colleague.user.id,
      assigneeId: org.operations.user.id,
    });
    expect((await notices(order.id, 'work_order.done')).map((n) => n.userId)).toEqual([org.agent.user.id]);
    expect((await systemLines(tk.id)).some((line) => line.includes('外包装完好'))).toBe(true);
    const onTicket = await org.agent.get(`/api/tickets/${tk.id}/work-orders`);
    expect(onTicket.body.items).toEqual([
      expect.objectContaining({ id: order.id, status: 'done', result: '外包装完好，内部缓冲不足，建议赔付' }),
    ]);
    expect(
      (await org.operations.post(`/api/work-orders/${order.id}/complete`, { result: '再来' })).status,
    ).toBe(409);
    expect((await org.agent.post(`/api/work-orders/${order.id}/cancel`, { reason: '晚了' })).status).toBe(
      409,
    );
  });

  it('of two members accepting at once, one wins and the other gets 409', async () => {
    const tk = await ticket();
    const order = await dispatch(tk.id);
    const results = await Promise.all([
      org.operations.post(`/api/work-orders/${order.id}/accept`, { version: 1 }),
      colleague.post(`/api/work-orders/${order.id}/accept`, { version: 1 }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const read = await org.agent.get(`/api/work-orders/${order.id}`);
    expect(read.body.assigneeId).toBe(winner.body.assigneeId);
    expect(read.body.version).toBe(2);
  });

  it('the ticket side cancels with a reason; the department may not', async () => {
    const tk = await ticket();
    const order = await dispatch(tk.id);
    await org.operations.post(`/api/work-orders/${order.id}/accept`);
    expect(
      (await org.operations.post(`/api/work-orders/${order.id}/cancel`, { reason: '不做' })).status,
    ).toBe(403);
    expect((await org.agent.post(`/api/work-orders/${order.id}/cancel`, {})).status).toBe(400);
    const cancelled = await org.agent.post(`/api/work-orders/${order.id}/cancel`, { reason: '客户撤回投诉' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '客户撤回投诉' });
    expect((await notices(order.id, 'work_order.cancelled')).map((n) => n.userId)).toEqual([
      org.operations.user.id,
    ]);
    expect((await org.operations.post(`/api/work-orders/${order.id}/accept`)).status).toBe(409);
    expect((await org.operations.post(`/api/work-orders/${order.id}/notes`, { body: 'x' })).status).toBe(409);
    expect((await org.agent.post(`/api/work-orders/${order.id}/cancel`, { reason: '再撤' })).status).toBe(
      409,
    );
  });
});

describe('overdue', () => {
  it('flags an overdue work order to the department head and the ticket owner once', async () => {
    const tk = await ticket();
    const order = await dispatch(tk.id, { dueAt: hours(1) });
    const done = await dispatch(tk.id, { dueAt: hours(1) });
    await org.operations.post(`/api/work-orders/${done.id}/complete`, { result: '已处理' });
    const later = new Date(NOW.getTime() + 2 * 3_600_000);
    expect(await t.ctx.services.workOrders.flagOverdue(later)).toBeGreaterThan(0);
    expect(await t.ctx.services.workOrders.flagOverdue(later)).toBe(0);
    await t.ctx.services.workOrders.flagOverdue(new Date(later.getTime() + 3_600_000));
    const told = (await notices(order.id, 'work_order.overdue')).map((n) => n.userId).sort();
    expect(told).toEqual([head.user.id, org.agent.user.id].sort());
    expect(await notices(done.id, 'work_order.overdue')).toHaveLength(0);

    clock = later;
    try {
      const overdue = await org.operations.get('/api/work-orders?overdue=true&limit=200');
      expect(ids(overdue.body)).toContain(order.id);
      expect(ids(overdue.body)).not.toContain(done.id);
      expect(overdue.body.items.every((w: { overdue: boolean }) => w.overdue)).toBe(true);
      const read = await org.operations.get(`/api/work-orders/${order.id}`);
      expect(read.body.overdue).toBe(true);
      expect(read.body.overdueNotifiedAt).toBe(later.toISOString());
    } finally {
      clock = NOW;
    }
  });
});
