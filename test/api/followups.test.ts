import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUps } from '../../src/modules/followups/tables.ts';
import { interactions } from '../../src/modules/interactions/tables.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import {
  type ContactRow,
  type CustomerRow,
  type Organisation,
  createContact,
  createCustomer,
  createFollowUp,
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
  });
  contact = await createContact(t, { customerId: customer.id, name: '刘总' });
  otherCustomer = await createCustomer(t, { ownerId: org.otherAgent.user.id, teamId: org.teamB.id });
  otherContact = await createContact(t, { customerId: otherCustomer.id });
  portal = await portalUser(t, customer.id);
});
afterAll(async () => {
  await t?.close();
});

const task = (extra: Record<string, unknown> = {}) => ({
  title: '回访：确认到港时间',
  dueAt: days(2),
  ...extra,
});

async function plan(client: Client, extra: Record<string, unknown> = {}, customerId = customer.id) {
  return client.post(`/api/customers/${customerId}/follow-ups`, task(extra));
}

async function countTasks(customerId = customer.id): Promise<number> {
  return (
    await t.ctx.db.select({ id: followUps.id }).from(followUps).where(eq(followUps.customerId, customerId))
  ).length;
}

describe('planning follow-ups', () => {
  it('creates a task for the owner by default, with timeline entry and audit record', async () => {
    const response = await plan(org.agent, { contactId: contact.id, notes: '客户关心清关' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      customerId: customer.id,
      customerName: '宁波港联货运代理有限公司',
      contactId: contact.id,
      contactName: '刘总',
      assigneeId: org.agent.user.id,
      assigneeName: '张客服',
      kind: 'manual',
      title: '回访：确认到港时间',
      notes: '客户关心清关',
      dueAt: days(2),
      status: 'open',
      overdue: false,
      result: null,
      completedAt: null,
      sourceKey: null,
      createdBy: org.agent.user.id,
      version: 1,
    });
    expect(response.headers.get('etag')).toBe('"1"');
    const entries = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.refType, 'follow_up'), eq(timelineEntries.refId, response.body.id)));
    expect(entries.map((e) => e.kind)).toEqual(['follow_up.created']);
    expect(entries[0].title).toContain('2025-03-14');
    const audit = await t.admin.get(`/api/audit?entityType=follow_up&entityId=${response.body.id}`);
    expect(audit.body.items.map((a: any) => a.action)).toEqual(['create']);
  });

  it('assigns to a colleague, takes any kind, and flags a past due time as overdue', async () => {
    const response = await plan(org.agent, {
      assigneeId: org.teammate.user.id,
      kind: 'post_delivery',
      dueAt: hours(-1),
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      assigneeId: org.teammate.user.id,
      kind: 'post_delivery',
      overdue: true,
    });
  });

  it('refuses assignees who are not active staff and contacts of other customers', async () => {
    const leaver = await t.userClient('agent', { departmentId: org.teamA.id });
    const { body: user } = await t.admin.get(`/api/users/${leaver.user.id}`);
    expect(
      (await t.admin.patch(`/api/users/${user.id}`, { active: false, version: user.version })).status,
    ).toBe(200);
    const before = await countTasks();
    for (const assigneeId of [portal.user.id, leaver.user.id, '0190aaaa-0000-7000-8000-000000000000']) {
      const response = await plan(org.agent, { assigneeId });
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'assigneeId' })]);
    }
    const wrongContact = await plan(org.agent, { contactId: otherContact.id });
    expect(wrongContact.status).toBe(422);
    expect(wrongContact.body.errors[0].field).toBe('contactId');
    expect((await plan(org.agent, { title: '  ' })).status).toBe(422);
    expect(await countTasks()).toBe(before);
  });

  it('lets editors and supervisors plan; not other agents, teammates or managers', async () => {
    expect((await plan(org.supervisor)).status).toBe(201);
    expect((await plan(org.centreSupervisor)).status).toBe(201);
    expect((await plan(t.admin)).status).toBe(201);
    const before = await countTasks();
    for (const client of [org.otherAgent, org.teammate, org.manager, org.otherSupervisor]) {
      expect((await plan(client)).status).toBe(403);
    }
    // A supervisor may give their own people a task on another team's customer.
    const help = await plan(org.otherSupervisor, { assigneeId: org.otherAgent.user.id });
    expect(help.status).toBe(201);
    expect(await countTasks()).toBe(before + 1);
  });

  it('gives an operations user the task themselves, and no one else', async () => {
    const own = await plan(org.operations, { title: '通知客户航班改期' });
    expect(own.status).toBe(201);
    expect(own.body.assigneeId).toBe(org.operations.user.id);
    expect((await plan(org.operations, { assigneeId: org.agent.user.id })).status).toBe(403);
  });

  it('keeps portal users out and answers 404 for unknown customers', async () => {
    expect((await plan(portal)).status).toBe(403);
    expect((await plan(portal, {}, otherCustomer.id)).status).toBe(404);
    expect((await portal.get(`/api/customers/${customer.id}/follow-ups`)).status).toBe(403);
    expect((await portal.get(`/api/customers/${otherCustomer.id}/follow-ups`)).status).toBe(404);
    expect((await plan(org.agent, {}, '0190aaaa-0000-7000-8000-000000000000')).status).toBe(404);
  });
});

describe('bad input', () => {
  const cases: [string, unknown][] = [
    ['missing title', { dueAt: days(1) }],
    ['missing dueAt', { title: 'x' }],
    ['wrong type', { title: 7, dueAt: days(1) }],
    ['bad date', { title: 'x', dueAt: 'next tuesday' }],
    ['unknown kind', { title: 'x', dueAt: days(1), kind: 'birthday' }],
    ['unknown field', { title: 'x', dueAt: days(1), priority: 1 }],
    ['oversized title', { title: '长'.repeat(201), dueAt: days(1) }],
    ['oversized notes', { title: 'x', dueAt: days(1), notes: 'x'.repeat(4001) }],
    ['bad assignee id', { title: 'x', dueAt: days(1), assigneeId: 'bob' }],
  ];
  it.each(cases)('answers %s with 400 and stores nothing', async (_name, body) => {
    const before = await countTasks();
    const response = await org.agent.post(`/api/customers/${customer.id}/follow-ups`, body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await countTasks()).toBe(before);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await org.agent.request('POST', `/api/customers/${customer.id}/follow-ups`, '{"title":');
    expect(response.status).toBe(400);
  });

  it('answers bad list parameters with 400', async () => {
    for (const query of [
      'status=late',
      'overdue=maybe',
      'limit=500',
      'dueFrom=tomorrow',
      'assigneeId=me',
      'cursor=%%%',
    ]) {
      expect((await org.agent.get(`/api/follow-ups?${query}`)).status).toBe(400);
    }
  });
});

describe('working on tasks', () => {
  async function teammateTask(extra: Record<string, unknown> = {}) {
    const response = await plan(org.agent, {
      assigneeId: org.teammate.user.id,
      contactId: contact.id,
      ...extra,
    });
    expect(response.status).toBe(201);
    return response.body;
  }

  it('lets the assignee complete their task on a customer they cannot edit, logging the interaction', async () => {
    const created = await teammateTask();
    const response = await org.teammate.post(`/api/follow-ups/${created.id}/complete`, {
      result: '客户确认周五到港，无异常',
      interaction: { channel: 'phone' },
      version: 1,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'done',
      result: '客户确认周五到港，无异常',
      completedAt: NOW.toISOString(),
      completedBy: org.teammate.user.id,
      overdue: false,
      version: 2,
    });
    const [logged] = await t.ctx.db
      .select()
      .from(interactions)
      .where(eq(interactions.id, response.body.interactionId));
    expect(logged).toMatchObject({
      customerId: customer.id,
      contactId: contact.id,
      userId: org.teammate.user.id,
      channel: 'phone',
      direction: 'outbound',
      departmentId: org.teamA.id,
    });
    expect(logged.summary).toContain('客户确认周五到港');
    const kinds = (
      await t.ctx.db
        .select()
        .from(timelineEntries)
        .where(and(eq(timelineEntries.refType, 'follow_up'), eq(timelineEntries.refId, created.id)))
    ).map((e) => e.kind);
    expect(kinds.sort()).toEqual(['follow_up.completed', 'follow_up.created']);
    const audit = await t.admin.get(`/api/audit?entityType=follow_up&entityId=${created.id}&action=complete`);
    expect(audit.body.items[0].before.status).toBe('open');
    expect(audit.body.items[0].after.status).toBe('done');
  });

  it('needs a version and a result; refuses a second completion', async () => {
    const created = await teammateTask();
    const url = `/api/follow-ups/${created.id}/complete`;
    expect((await org.teammate.post(url, { result: '好' })).status).toBe(428);
    expect((await org.teammate.post(url, { result: '好', version: 5 })).status).toBe(409);
    expect((await org.teammate.post(url, { result: '   ', version: 1 })).status).toBe(422);
    expect((await org.teammate.post(url, { version: 1 })).status).toBe(400);
    expect((await org.teammate.post(url, { result: 'x'.repeat(4001), version: 1 })).status).toBe(400);
    expect(
      (await org.teammate.post(url, { result: '好', interaction: { channel: 'pigeon' }, version: 1 })).status,
    ).toBe(400);
    expect((await org.teammate.post(url, { result: '好', version: 1 }, { 'if-match': '"1"' })).status).toBe(
      200,
    );
    const again = await org.teammate.post(url, { result: '再次', version: 2 });
    expect(again.status).toBe(409);
    expect(again.body.status).toBe(409);
  });

  it('rolls back the completion when its interaction is invalid', async () => {
    const created = await teammateTask();
    const before = (await t.ctx.db.select({ id: interactions.id }).from(interactions)).length;
    const response = await org.teammate.post(`/api/follow-ups/${created.id}/complete`, {
      result: '已联系',
      interaction: { channel: 'phone', contactId: otherContact.id },
      version: 1,
    });
    expect(response.status).toBe(422);
    expect((await org.teammate.get(`/api/follow-ups/${created.id}`)).body).toMatchObject({
      status: 'open',
      version: 1,
    });
    expect((await t.ctx.db.select({ id: interactions.id }).from(interactions)).length).toBe(before);
  });

  it('lets the owner, supervisors of the team and admins complete; not other agents or managers', async () => {
    for (const client of [org.otherAgent, org.manager, org.otherSupervisor, org.operations, portal]) {
      const created = await teammateTask();
      const response = await client.post(`/api/follow-ups/${created.id}/complete`, {
        result: 'x',
        version: 1,
      });
      expect(response.status).toBe(client === portal ? 404 : 403);
    }
    for (const client of [org.agent, org.supervisor, org.centreSupervisor, t.admin]) {
      const created = await teammateTask();
      expect(
        (await client.post(`/api/follow-ups/${created.id}/complete`, { result: '完成', version: 1 })).status,
      ).toBe(200);
    }
  });

  it('lets a supervisor work on tasks of their people on other teams’ customers', async () => {
    const created = (await plan(org.otherSupervisor, { assigneeId: org.otherAgent.user.id })).body;
    expect(
      (await org.supervisor.post(`/api/follow-ups/${created.id}/complete`, { result: 'x', version: 1 }))
        .status,
    ).toBe(200);
    const second = (await plan(org.otherSupervisor, { assigneeId: org.otherAgent.user.id })).body;
    expect(
      (
        await org.otherSupervisor.post(`/api/follow-ups/${second.id}/cancel`, {
          reason: '重复任务',
          version: 1,
        })
      ).status,
    ).toBe(200);
  });

  it('cancels with a reason and reopens with a new due time', async () => {
    const created = await teammateTask();
    const url = `/api/follow-ups/${created.id}`;
    expect((await org.teammate.post(`${url}/cancel`, {})).status).toBe(400);
    expect((await org.teammate.post(`${url}/cancel`, { reason: ' ' })).status).toBe(422);
    expect((await org.teammate.post(`${url}/cancel`, { reason: 'x', version: 9 })).status).toBe(409);
    const cancelled = await org.teammate.post(`${url}/cancel`, { reason: '客户已改由海运，无需回访' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancelReason: '客户已改由海运，无需回访',
      cancelledBy: org.teammate.user.id,
      overdue: false,
    });
    expect((await org.teammate.post(`${url}/cancel`, { reason: '再次' })).status).toBe(409);
    expect((await org.teammate.post(`${url}/complete`, { result: 'x', version: 2 })).status).toBe(409);
    const reopened = await org.teammate.post(`${url}/reopen`, { dueAt: days(5) });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({
      status: 'open',
      dueAt: days(5),
      cancelReason: null,
      cancelledAt: null,
      version: 3,
    });
    expect((await org.teammate.post(`${url}/reopen`, {})).status).toBe(409);
    const kinds = (
      await t.ctx.db
        .select()
        .from(timelineEntries)
        .where(and(eq(timelineEntries.refType, 'follow_up'), eq(timelineEntries.refId, created.id)))
    ).map((e) => e.kind);
    expect(kinds.sort()).toEqual(['follow_up.cancelled', 'follow_up.created', 'follow_up.reopened']);
    const audit = await t.admin.get(`/api/audit?entityType=follow_up&entityId=${created.id}`);
    expect(audit.body.items.map((a: any) => a.action)).toEqual(['reopen', 'cancel', 'create']);
  });

  it('lets the assignee reschedule but only editors and supervisors reassign', async () => {
    const created = await teammateTask();
    const url = `/api/follow-ups/${created.id}`;
    const moved = await org.teammate.patch(url, { dueAt: days(3), notes: '客户下周出差', version: 1 });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ dueAt: days(3), notes: '客户下周出差', version: 2 });
    expect((await org.teammate.patch(url, { assigneeId: org.agent.user.id, version: 2 })).status).toBe(403);
    expect((await org.otherAgent.patch(url, { dueAt: days(4), version: 2 })).status).toBe(403);
    expect((await org.manager.patch(url, { dueAt: days(4), version: 2 })).status).toBe(403);
    expect((await portal.patch(url, { dueAt: days(4), version: 2 })).status).toBe(404);
    const handed = await org.agent.patch(url, { assigneeId: org.supervisor.user.id, version: 2 });
    expect(handed.status).toBe(200);
    expect(handed.body).toMatchObject({
      assigneeId: org.supervisor.user.id,
      assigneeName: '一组主管',
      version: 3,
    });
    expect((await org.agent.patch(url, { assigneeId: portal.user.id, version: 3 })).status).toBe(422);
    expect((await org.agent.patch(url, { title: 'x' })).status).toBe(428);
    expect((await org.agent.patch(url, { title: 'x', version: 2 })).status).toBe(409);
    expect((await org.agent.patch(url, { title: 'x', status: 'done', version: 3 })).status).toBe(400);
    const audit = await t.admin.get(`/api/audit?entityType=follow_up&entityId=${created.id}&action=update`);
    expect(audit.body.items).toHaveLength(2);
  });

  it('refuses to change a finished task until it is reopened', async () => {
    const created = await teammateTask();
    await org.teammate.post(`/api/follow-ups/${created.id}/complete`, { result: '已完成', version: 1 });
    const response = await org.teammate.patch(`/api/follow-ups/${created.id}`, {
      dueAt: days(1),
      version: 2,
    });
    expect(response.status).toBe(409);
  });

  it('reads single tasks for every staff member and 404 for portal users and unknown ids', async () => {
    const created = await teammateTask();
    for (const client of [org.otherAgent, org.operations, org.manager]) {
      const response = await client.get(`/api/follow-ups/${created.id}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe('"1"');
    }
    expect((await portal.get(`/api/follow-ups/${created.id}`)).status).toBe(404);
    expect((await portal.post(`/api/follow-ups/${created.id}/cancel`, { reason: 'x' })).status).toBe(404);
    expect((await portal.post(`/api/follow-ups/${created.id}/reopen`, {})).status).toBe(404);
    expect((await org.agent.get('/api/follow-ups/0190aaaa-0000-7000-8000-000000000000')).status).toBe(404);
  });
});

describe('task lists', () => {
  let lister: Client;
  let listCustomer: CustomerRow;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    lister = await t.userClient('agent', { departmentId: org.teamB.id, name: '列表客服' });
    listCustomer = await createCustomer(t, { ownerId: lister.user.id, teamId: org.teamB.id });
    const make = async (name: string, values: Record<string, unknown>) => {
      const row = await createFollowUp(t, {
        customerId: listCustomer.id,
        assigneeId: lister.user.id,
        title: name,
        ...values,
      } as any);
      ids[name] = row.id;
    };
    await make('late', { dueAt: new Date(days(-3)) });
    await make('soon', { dueAt: new Date(days(1)), kind: 'periodic' });
    await make('later', { dueAt: new Date(days(10)), kind: 'greeting' });
    await make('done', { dueAt: new Date(days(-1)), status: 'done', completedAt: NOW, result: 'ok' });
    await make('dropped', { dueAt: new Date(days(-2)), status: 'cancelled' });
  });

  it('lists my tasks soonest first with the overdue flag and customer name', async () => {
    const response = await lister.get('/api/follow-ups');
    expect(response.status).toBe(200);
    expect(response.body.items.map((i: any) => i.title)).toEqual([
      'late',
      'dropped',
      'done',
      'soon',
      'later',
    ]);
    const late = response.body.items[0];
    expect(late).toMatchObject({ overdue: true, customerName: listCustomer.name, assigneeName: '列表客服' });
    expect(response.body.items.filter((i: any) => i.overdue).map((i: any) => i.title)).toEqual(['late']);
  });

  it('filters by status, kind, overdue, due range and customer', async () => {
    const titles = async (query: string, client = lister) =>
      (await client.get(`/api/follow-ups?${query}`)).body.items.map((i: any) => i.title);
    expect(await titles('status=open')).toEqual(['late', 'soon', 'later']);
    expect(await titles('kind=greeting')).toEqual(['later']);
    expect(await titles('overdue=true')).toEqual(['late']);
    expect(await titles('overdue=false&status=open')).toEqual(['soon', 'later']);
    expect(await titles(`dueFrom=${days(0)}&dueTo=${days(20)}`)).toEqual(['soon', 'later']);
    expect(await titles(`customerId=${listCustomer.id}&order=desc`, org.agent)).toEqual([
      'later',
      'soon',
      'done',
      'dropped',
      'late',
    ]);
    expect(await titles(`assigneeId=${lister.user.id}&status=done`, org.manager)).toEqual(['done']);
  });

  it('pages with a keyset cursor in both directions', async () => {
    for (const order of ['asc', 'desc']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await lister.get(
          `/api/follow-ups?limit=2&order=${order}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((i: any) => i.title));
        cursor = page.body.nextCursor;
      } while (cursor);
      const expected = ['late', 'dropped', 'done', 'soon', 'later'];
      expect(seen).toEqual(order === 'asc' ? expected : expected.reverse());
    }
  });

  it('defaults to everyone for supervisors and filters by team', async () => {
    const all = await org.supervisor.get('/api/follow-ups?limit=200');
    expect(new Set(all.body.items.map((i: any) => i.assigneeId)).size).toBeGreaterThan(1);
    const team = await org.supervisor.get(`/api/follow-ups?teamId=${org.teamB.id}&limit=200`);
    expect(team.body.items.map((i: any) => i.title)).toEqual(expect.arrayContaining(['late', 'soon']));
    expect(team.body.items.every((i: any) => i.assigneeId !== org.agent.user.id)).toBe(true);
  });

  it('lists a customer’s tasks latest first', async () => {
    const response = await org.operations.get(`/api/customers/${listCustomer.id}/follow-ups?status=open`);
    expect(response.body.items.map((i: any) => i.title)).toEqual(['later', 'soon', 'late']);
  });

  it('is closed to portal users', async () => {
    expect((await portal.get('/api/follow-ups')).status).toBe(403);
  });
});

describe('today, calendar and statistics', () => {
  let worker: Client;
  let workerCustomer: CustomerRow;
  const made: Record<string, string> = {};

  beforeAll(async () => {
    worker = await t.userClient('agent', { departmentId: org.teamA.id, name: '日程客服' });
    workerCustomer = await createCustomer(t, { ownerId: worker.user.id, teamId: org.teamA.id });
    const make = async (name: string, values: Record<string, unknown>) => {
      const row = await createFollowUp(t, {
        customerId: workerCustomer.id,
        assigneeId: worker.user.id,
        title: name,
        ...values,
      } as any);
      made[name] = row.id;
    };
    await make('last week', { dueAt: new Date(days(-7)) });
    await make('this morning', { dueAt: new Date(hours(-1)) });
    await make('this afternoon', { dueAt: new Date(hours(5)) });
    await make('last second of today', { dueAt: new Date('2025-03-12T15:59:59Z') });
    await make('tomorrow midnight', { dueAt: new Date('2025-03-12T16:00:00Z') });
    await make('done on time', {
      dueAt: new Date(hours(2)),
      status: 'done',
      completedAt: new Date(hours(-1)),
      result: 'ok',
    });
    await make('done late', {
      dueAt: new Date(days(-2)),
      status: 'done',
      completedAt: new Date(hours(-2)),
      result: 'ok',
    });
    await make('done yesterday', {
      dueAt: new Date(days(-1)),
      status: 'done',
      completedAt: new Date('2025-03-11T15:59:00Z'),
      result: 'ok',
    });
    await make('first of march', { dueAt: new Date('2025-02-28T16:30:00Z') });
    await make('first of april', { dueAt: new Date('2025-03-31T16:00:00Z') });
    await make('cancelled in march', { dueAt: new Date('2025-03-20T02:00:00Z'), status: 'cancelled' });
  });

  it('gives my day in Shanghai time: overdue, still due today, done today', async () => {
    const response = await worker.get('/api/follow-ups/today');
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ date: '2025-03-12', timeZone: 'Asia/Shanghai', assigneeId: worker.user.id });
    expect(body.overdue.map((i: any) => i.title)).toEqual(['first of march', 'last week', 'this morning']);
    expect(body.overdue.every((i: any) => i.overdue)).toBe(true);
    expect(body.dueToday.map((i: any) => i.title)).toEqual(['this afternoon', 'last second of today']);
    expect(body.doneToday.map((i: any) => i.title).sort()).toEqual(['done late', 'done on time']);
    expect(body.counts).toEqual({ overdue: 3, dueToday: 2, doneToday: 2 });
  });

  it('shows a person’s day to their supervisors and managers only', async () => {
    const path = `/api/follow-ups/today?assigneeId=${worker.user.id}`;
    for (const client of [org.supervisor, org.centreSupervisor, org.manager, t.admin]) {
      const response = await client.get(path);
      expect(response.status).toBe(200);
      expect(response.body.counts.overdue).toBe(3);
    }
    for (const client of [org.agent, org.otherSupervisor, org.operations]) {
      expect((await client.get(path)).status).toBe(403);
    }
    expect((await portal.get('/api/follow-ups/today')).status).toBe(403);
    expect((await org.supervisor.get(`/api/follow-ups/today?assigneeId=${portal.user.id}`)).status).toBe(404);
  });

  it('lists a month in the display time zone without cancelled tasks', async () => {
    const response = await worker.get('/api/follow-ups/calendar?from=2025-03-01&to=2025-03-31');
    expect(response.status).toBe(200);
    const titles = response.body.items.map((i: any) => i.title);
    expect(titles[0]).toBe('first of march');
    expect(titles).not.toContain('first of april');
    expect(titles).not.toContain('cancelled in march');
    expect(titles).toEqual(expect.arrayContaining(['this morning', 'done on time', 'tomorrow midnight']));
    expect(response.body).toMatchObject({ from: '2025-03-01', to: '2025-03-31', truncated: false });
    const cancelled = await worker.get(
      '/api/follow-ups/calendar?from=2025-03-01&to=2025-03-31&status=cancelled',
    );
    expect(cancelled.body.items.map((i: any) => i.title)).toEqual(['cancelled in march']);
  });

  it('checks the calendar range and who may look', async () => {
    expect((await worker.get('/api/follow-ups/calendar?from=2025-03-01&to=2025-05-02')).status).toBe(422);
    expect((await worker.get('/api/follow-ups/calendar?from=2025-03-10&to=2025-03-01')).status).toBe(422);
    expect(
      (await worker.get('/api/follow-ups/calendar?from=2025-03-01&to=2025-05-02')).body.errors[0].field,
    ).toBe('to');
    expect((await worker.get('/api/follow-ups/calendar?from=2025-03-01&to=2025-05-01x')).status).toBe(400);
    expect((await worker.get('/api/follow-ups/calendar?from=2025-03-01')).status).toBe(400);
    expect((await worker.get('/api/follow-ups/calendar?from=2025-02-01&to=2025-04-03')).status).toBe(200);
    const team = await org.supervisor.get(
      `/api/follow-ups/calendar?from=2025-03-01&to=2025-03-31&teamId=${org.teamA.id}`,
    );
    expect(team.status).toBe(200);
    expect(team.body.items.some((i: any) => i.assigneeId === worker.user.id)).toBe(true);
    const person = await org.supervisor.get(
      `/api/follow-ups/calendar?from=2025-03-01&to=2025-03-31&assigneeId=${worker.user.id}`,
    );
    expect(person.body.items.every((i: any) => i.assigneeId === worker.user.id)).toBe(true);
    expect(person.body.items.length).toBe(
      team.body.items.filter((i: any) => i.assigneeId === worker.user.id).length,
    );
    for (const [client, query] of [
      [worker, `teamId=${org.teamA.id}`],
      [org.otherSupervisor, `teamId=${org.teamA.id}`],
      [org.agent, `assigneeId=${worker.user.id}`],
    ] as const) {
      expect(
        (await client.get(`/api/follow-ups/calendar?from=2025-03-01&to=2025-03-31&${query}`)).status,
      ).toBe(403);
    }
    expect((await portal.get('/api/follow-ups/calendar?from=2025-03-01&to=2025-03-31')).status).toBe(403);
  });

  it('counts open, overdue and done tasks per person of a supervisor’s team', async () => {
    const response = await org.supervisor.get('/api/follow-ups/stats?from=2025-03-01&to=2025-03-12');
    expect(response.status).toBe(200);
    const row = response.body.items.find((i: any) => i.assigneeId === worker.user.id);
    // Open: last week, this morning, this afternoon, last second, tomorrow midnight, first of march, first of april.
    expect(row).toEqual({
      assigneeId: worker.user.id,
      assigneeName: '日程客服',
      departmentId: org.teamA.id,
      open: 7,
      overdue: 3,
      dueToday: 3,
      done: 3,
      doneOnTime: 1,
    });
    const names = response.body.items.map((i: any) => i.assigneeId);
    expect(names).toContain(org.supervisor.user.id);
    expect(names).not.toContain(org.otherAgent.user.id);
    expect(response.body.totals.open).toBe(
      response.body.items.reduce((sum: number, i: any) => sum + i.open, 0),
    );
    const narrow = await org.supervisor.get('/api/follow-ups/stats?from=2025-03-12&to=2025-03-12');
    expect(narrow.body.items.find((i: any) => i.assigneeId === worker.user.id).done).toBe(2);
  });

  it('shows statistics to supervisors for their team and to managers for anyone', async () => {
    expect((await org.manager.get('/api/follow-ups/stats')).status).toBe(200);
    expect((await org.manager.get(`/api/follow-ups/stats?teamId=${org.teamB.id}`)).status).toBe(200);
    expect((await org.centreSupervisor.get(`/api/follow-ups/stats?teamId=${org.teamA.id}`)).status).toBe(200);
    expect((await org.otherSupervisor.get(`/api/follow-ups/stats?teamId=${org.teamA.id}`)).status).toBe(403);
    for (const client of [worker, org.operations, portal]) {
      expect((await client.get('/api/follow-ups/stats')).status).toBe(403);
    }
    expect((await org.manager.get('/api/follow-ups/stats?from=2025-03-12&to=2025-03-01')).status).toBe(422);
  });
});

describe('follow-up plans', () => {
  it('has defaults A monthly, B quarterly, C half-yearly, readable by staff', async () => {
    const response = await org.agent.get('/api/follow-up-plans');
    expect(response.status).toBe(200);
    expect(response.body.items.map((p: any) => [p.valueClass, p.intervalMonths, p.enabled])).toEqual([
      ['A', 1, true],
      ['B', 3, true],
      ['C', 6, true],
    ]);
    expect(response.body.greetingLeadDays).toBe(3);
    expect((await portal.get('/api/follow-up-plans')).status).toBe(403);
  });

  it('lets admins change a plan with its version', async () => {
    const { body } = await t.admin.get('/api/follow-up-plans');
    const b = body.items.find((p: any) => p.valueClass === 'B');
    expect((await t.admin.put('/api/follow-up-plans/B', { intervalMonths: 2, enabled: true })).status).toBe(
      428,
    );
    const changed = await t.admin.put('/api/follow-up-plans/B', {
      intervalMonths: 2,
      enabled: true,
      version: b.version,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ valueClass: 'B', intervalMonths: 2, version: b.version + 1 });
    const stale = await t.admin.put('/api/follow-up-plans/B', {
      intervalMonths: 4,
      enabled: true,
      version: b.version,
    });
    expect(stale.status).toBe(409);
    const audit = await t.admin.get('/api/audit?entityType=follow_up_plan&entityId=B');
    expect(audit.body.items[0]).toMatchObject({ action: 'update' });
    expect(audit.body.items[0].before.intervalMonths).toBe(3);
    // Put it back for the other tests.
    expect(
      (
        await t.admin.put(
          '/api/follow-up-plans/B',
          { intervalMonths: 3, enabled: true },
          { 'if-match': `"${b.version + 1}"` },
        )
      ).status,
    ).toBe(200);
  });

  it('refuses bad plans and non-admins', async () => {
    for (const body of [
      { intervalMonths: 0, enabled: true, version: 1 },
      { intervalMonths: 25, enabled: true, version: 1 },
      { intervalMonths: 1.5, enabled: true, version: 1 },
      { intervalMonths: '3', enabled: true, version: 1 },
      { intervalMonths: 3, version: 1 },
      { intervalMonths: 3, enabled: true, version: 1, extra: 1 },
    ]) {
      expect((await t.admin.put('/api/follow-up-plans/A', body)).status).toBe(400);
    }
    expect(
      (await t.admin.put('/api/follow-up-plans/D', { intervalMonths: 3, enabled: true, version: 1 })).status,
    ).toBe(400);
    for (const client of [org.agent, org.supervisor, org.manager, portal]) {
      expect(
        (await client.put('/api/follow-up-plans/A', { intervalMonths: 2, enabled: true, version: 1 })).status,
      ).toBe(403);
    }
  });

  it('lets admins set the greeting lead time', async () => {
    expect((await org.supervisor.put('/api/follow-up-plans/greetings', { leadDays: 5 })).status).toBe(403);
    expect((await t.admin.put('/api/follow-up-plans/greetings', { leadDays: 61 })).status).toBe(400);
    expect((await t.admin.put('/api/follow-up-plans/greetings', { leadDays: 5 })).body).toEqual({
      greetingLeadDays: 5,
    });
    expect((await org.agent.get('/api/follow-up-plans')).body.greetingLeadDays).toBe(5);
    await t.admin.put('/api/follow-up-plans/greetings', { leadDays: 3 });
  });
});

describe('every endpoint', () => {
  it('answers 401 without a login', async () => {
    const anonymous = t.anonymous();
    const id = (await plan(org.agent)).body.id;
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/customers/${customer.id}/follow-ups`],
      ['POST', `/api/customers/${customer.id}/follow-ups`, task()],
      ['GET', '/api/follow-ups'],
      ['GET', '/api/follow-ups/today'],
      ['GET', '/api/follow-ups/calendar?from=2025-03-01&to=2025-03-31'],
      ['GET', '/api/follow-ups/stats'],
      ['POST', '/api/follow-ups/generate', {}],
      ['GET', `/api/follow-ups/${id}`],
      ['PATCH', `/api/follow-ups/${id}`, { title: 'x', version: 1 }],
      ['POST', `/api/follow-ups/${id}/complete`, { result: 'x', version: 1 }],
      ['POST', `/api/follow-ups/${id}/cancel`, { reason: 'x' }],
      ['POST', `/api/follow-ups/${id}/reopen`, {}],
      ['GET', '/api/follow-up-plans'],
      ['PUT', '/api/follow-up-plans/A', { intervalMonths: 1, enabled: true, version: 1 }],
      ['PUT', '/api/follow-up-plans/greetings', { leadDays: 1 }],
    ];
    for (const [method, path, body] of calls) {
      const response = await anonymous.request(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(401);
    }
    expect((await org.agent.get(`/api/follow-ups/${id}`)).body).toMatchObject({ status: 'open', version: 1 });
  });

  it('lets outsiders neither cancel nor reopen', async () => {
    const open = (await plan(org.agent)).body;
    const done = (await plan(org.agent)).body;
    await org.agent.post(`/api/follow-ups/${done.id}/complete`, { result: '完成', version: 1 });
    for (const client of [org.otherAgent, org.teammate, org.manager, org.otherSupervisor, org.operations]) {
      expect((await client.post(`/api/follow-ups/${open.id}/cancel`, { reason: 'x' })).status).toBe(403);
      expect((await client.post(`/api/follow-ups/${done.id}/reopen`, {})).status).toBe(403);
    }
    expect((await org.agent.get(`/api/follow-ups/${open.id}`)).body.status).toBe('open');
    expect((await org.agent.get(`/api/follow-ups/${done.id}`)).body.status).toBe('done');
  });

  it('counts tasks left with a deactivated team member, and nothing for an empty team', async () => {
    const leaver = await t.userClient('agent', { departmentId: org.teamB.id, name: '离职客服' });
    const own = await createCustomer(t, { ownerId: leaver.user.id, teamId: org.teamB.id });
    await createFollowUp(t, { customerId: own.id, assigneeId: leaver.user.id, dueAt: new Date(days(-1)) });
    const { body: user } = await t.admin.get(`/api/users/${leaver.user.id}`);
    await t.admin.patch(`/api/users/${user.id}`, { active: false, version: user.version });
    const stats = await org.otherSupervisor.get('/api/follow-ups/stats');
    expect(stats.body.items.find((i: any) => i.assigneeId === leaver.user.id)).toMatchObject({
      open: 1,
      overdue: 1,
    });
    const empty = await t.admin.post('/api/departments', { code: `EMPTY${Date.now()}`, name: '空组' });
    const none = await t.admin.get(`/api/follow-ups/stats?teamId=${empty.body.id}`);
    expect(none.status).toBe(200);
    expect(none.body.items).toEqual([]);
    expect(none.body.totals).toEqual({ open: 0, overdue: 0, dueToday: 0, done: 0, doneOnTime: 0 });
  });
});

describe('OpenAPI', () => {
  it('documents the follow-up and interaction endpoints with named schemas', async () => {
    const { body } = await t.anonymous().get('/api/openapi.json');
    for (const path of [
      '/api/customers/{id}/follow-ups',
      '/api/follow-ups',
      '/api/follow-ups/today',
      '/api/follow-ups/calendar',
      '/api/follow-ups/stats',
      '/api/follow-ups/generate',
      '/api/follow-ups/{id}/complete',
      '/api/follow-up-plans/{valueClass}',
      '/api/customers/{id}/interactions',
      '/api/interactions/{id}',
    ]) {
      expect(body.paths[path], path).toBeDefined();
    }
    expect(body.components.schemas.FollowUp).toBeDefined();
    expect(body.components.schemas.Interaction).toBeDefined();
  });
});

describe('do-not-contact', () => {
  it('refuses a follow-up aimed at a contact who asked not to be contacted', async () => {
    const quiet = await createContact(t, { customerId: customer.id, name: '勿扰联系人', doNotContact: true });
    const before = await countTasks();
    const response = await plan(org.agent, { contactId: quiet.id });
    expect(response.status).toBe(422);
    expect(response.body.errors[0]).toMatchObject({ field: 'contactId' });
    expect(await countTasks()).toBe(before);
  });
});
