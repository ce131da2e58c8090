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
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';

let t: TestApp;
let org: Organisation;
/** Owned by org.agent, team A. */
let customer: CustomerRow;
let contact: ContactRow;
/** Owned by org.otherAgent, team B. */
let otherCustomer: CustomerRow;
let otherContact: ContactRow;
let portal: Client;

const call = { channel: 'phone', direction: 'outbound', summary: '确认下周三 CNSHA→USLAX 的舱位和报价' };

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t);
  customer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '上海远洋物流有限公司',
  });
  contact = await createContact(t, { customerId: customer.id, name: '陈经理' });
  otherCustomer = await createCustomer(t, { ownerId: org.otherAgent.user.id, teamId: org.teamB.id });
  otherContact = await createContact(t, { customerId: otherCustomer.id });
  portal = await portalUser(t, customer.id);
});
afterAll(async () => {
  await t?.close();
});

async function countInteractions(customerId: string): Promise<number> {
  const rows = await t.ctx.db
    .select({ id: interactions.id })
    .from(interactions)
    .where(eq(interactions.customerId, customerId));
  return rows.length;
}

async function logAs(client: Client, body: Record<string, unknown> = call, customerId = customer.id) {
  return client.post(`/api/customers/${customerId}/interactions`, body);
}

describe('logging interactions', () => {
  it('logs a contact with defaults, a timeline entry and an audit record', async () => {
    const before = Date.now();
    const response = await logAs(org.agent, {
      ...call,
      contactId: contact.id,
      outcome: '客户同意',
      nextStep: '发报价',
    });
    expect(response.status).toBe(201);
    const body = response.body;
    expect(body).toMatchObject({
      customerId: customer.id,
      customerName: '上海远洋物流有限公司',
      contactId: contact.id,
      contactName: '陈经理',
      userId: org.agent.user.id,
      userName: '张客服',
      departmentId: org.teamA.id,
      channel: 'phone',
      direction: 'outbound',
      summary: call.summary,
      outcome: '客户同意',
      nextStep: '发报价',
      version: 1,
    });
    expect(body).not.toHaveProperty('followUp');
    expect(new Date(body.occurredAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(response.headers.get('etag')).toBe('"1"');

    const entries = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.refType, 'interaction'), eq(timelineEntries.refId, body.id)));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      customerId: customer.id,
      kind: 'interaction.logged',
      departmentId: org.teamA.id,
    });
    expect(entries[0].title).toContain('电话');
    expect(entries[0].at.toISOString()).toBe(body.occurredAt);

    const audit = await t.admin.get(`/api/audit?entityType=interaction&entityId=${body.id}`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: 'create',
      customerId: customer.id,
      actorId: org.agent.user.id,
    });
    expect(audit.body.items[0].after.summary).toBe(call.summary);
  });

  it('creates the next-step follow-up in the same request', async () => {
    const dueAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const response = await logAs(org.agent, {
      ...call,
      contactId: contact.id,
      followUp: { title: '发送报价并确认', dueAt },
    });
    expect(response.status).toBe(201);
    expect(response.body.followUp).toMatchObject({
      customerId: customer.id,
      contactId: contact.id,
      assigneeId: org.agent.user.id,
      kind: 'manual',
      title: '发送报价并确认',
      dueAt,
      status: 'open',
      overdue: false,
      sourceInteractionId: response.body.id,
    });
    const stored = await t.ctx.db.select().from(followUps).where(eq(followUps.id, response.body.followUp.id));
    expect(stored).toHaveLength(1);
  });

  it('stores neither the interaction nor the task when the task is invalid', async () => {
    const before = await countInteractions(customer.id);
    const response = await logAs(org.agent, {
      ...call,
      followUp: { title: '回访', dueAt: new Date().toISOString(), assigneeId: portal.user.id },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toContainEqual(expect.objectContaining({ field: 'assigneeId' }));
    expect(await countInteractions(customer.id)).toBe(before);
  });

  it('refuses a contact of another customer and an unknown contact', async () => {
    for (const contactId of [otherContact.id, '0190aaaa-0000-7000-8000-000000000000']) {
      const response = await logAs(org.agent, { ...call, contactId });
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'contactId' })]);
    }
  });

  it('refuses a time in the future beyond a few minutes', async () => {
    const late = await logAs(org.agent, {
      ...call,
      occurredAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(late.status).toBe(422);
    expect(late.body.errors[0].field).toBe('occurredAt');
    const skewed = await logAs(org.agent, {
      ...call,
      occurredAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(skewed.status).toBe(201);
  });

  it('refuses an unknown department', async () => {
    const response = await logAs(org.agent, {
      ...call,
      departmentId: '0190aaaa-0000-7000-8000-000000000000',
    });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].field).toBe('departmentId');
  });
});

describe('reading interactions', () => {
  let listCustomer: CustomerRow;
  const times = [1, 2, 3, 4, 5].map((d) => new Date(Date.UTC(2024, 4, d, 2)).toISOString());

  beforeAll(async () => {
    listCustomer = await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id });
    for (const [i, occurredAt] of times.entries()) {
      const response = await logAs(
        org.agent,
        {
          channel: i % 2 ? 'wechat' : 'phone',
          direction: i === 4 ? 'inbound' : 'outbound',
          summary: `第${i + 1}次联系`,
          occurredAt,
        },
        listCustomer.id,
      );
      expect(response.status).toBe(201);
    }
  });

  it('lists newest first in keyset pages', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: any = await org.otherAgent.get(`/api/customers/${listCustomer.id}/interactions?${query}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i: any) => i.occurredAt));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...times].reverse());
  });

  it('filters by channel, direction and time', async () => {
    const url = `/api/customers/${listCustomer.id}/interactions`;
    const wechat = await org.agent.get(`${url}?channel=wechat`);
    expect(wechat.body.items.map((i: any) => i.summary)).toEqual(['第4次联系', '第2次联系']);
    const inbound = await org.agent.get(`${url}?direction=inbound`);
    expect(inbound.body.items.map((i: any) => i.summary)).toEqual(['第5次联系']);
    const range = await org.agent.get(`${url}?from=${times[1]}&to=${times[2]}`);
    expect(range.body.items.map((i: any) => i.summary)).toEqual(['第3次联系', '第2次联系']);
  });

  it('answers a bad cursor or filter with 400', async () => {
    const url = `/api/customers/${listCustomer.id}/interactions`;
    expect((await org.agent.get(`${url}?cursor=not-a-cursor`)).status).toBe(400);
    expect((await org.agent.get(`${url}?channel=fax`)).status).toBe(400);
    expect((await org.agent.get(`${url}?from=yesterday`)).status).toBe(400);
    expect((await org.agent.get(`${url}?limit=0`)).status).toBe(400);
  });

  it('shows my activity by default, and a colleague’s or a team’s on request', async () => {
    const mine = await org.agent.get('/api/interactions?limit=200');
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThanOrEqual(5);
    expect(mine.body.items.every((i: any) => i.userId === org.agent.user.id)).toBe(true);

    const opsLogged = await logAs(
      org.operations,
      { ...call, summary: '空运出口部：航班延误通知' },
      otherCustomer.id,
    );
    expect(opsLogged.status).toBe(201);
    const theirs = await org.supervisor.get(`/api/interactions?userId=${org.operations.user.id}`);
    expect(theirs.body.items.map((i: any) => i.id)).toEqual([opsLogged.body.id]);
    const team = await org.supervisor.get(`/api/interactions?teamId=${org.airExport.id}`);
    expect(team.body.items.map((i: any) => i.id)).toEqual([opsLogged.body.id]);
    const centre = await org.manager.get(`/api/interactions?teamId=${org.centre.id}&limit=200`);
    expect(centre.body.items.some((i: any) => i.userId === org.agent.user.id)).toBe(true);
    expect(centre.body.items.some((i: any) => i.userId === org.operations.user.id)).toBe(false);
    const byTime = await org.agent.get(`/api/interactions?from=${times[3]}&to=${times[4]}`);
    expect(byTime.body.items.map((i: any) => i.summary)).toEqual(['第5次联系', '第4次联系']);
  });

  it('reads one interaction with its ETag', async () => {
    const created = await logAs(org.agent);
    const response = await org.manager.get(`/api/interactions/${created.body.id}`);
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(created.body.id);
    expect(response.headers.get('etag')).toBe('"1"');
    expect((await org.agent.get('/api/interactions/0190aaaa-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await org.agent.get('/api/interactions/not-a-uuid')).status).toBe(400);
  });
});

describe('correcting and deleting interactions', () => {
  it('updates with a version, corrects the timeline entry and audits before/after', async () => {
    const created = (await logAs(org.agent)).body;
    const response = await org.agent.patch(`/api/interactions/${created.id}`, {
      summary: '更正：确认周四舱位',
      channel: 'wechat',
      version: 1,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ summary: '更正：确认周四舱位', channel: 'wechat', version: 2 });
    expect(response.headers.get('etag')).toBe('"2"');
    const [entry] = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.refType, 'interaction'), eq(timelineEntries.refId, created.id)));
    expect(entry.title).toContain('更正：确认周四舱位');
    expect(entry.title).toContain('微信');
    const audit = await t.admin.get(`/api/audit?entityType=interaction&entityId=${created.id}&action=update`);
    expect(audit.body.items[0].before.summary).toBe(call.summary);
    expect(audit.body.items[0].after.summary).toBe('更正：确认周四舱位');
  });

  it('answers 409 to a stale version, 428 without one, and accepts If-Match', async () => {
    const created = (await logAs(org.agent)).body;
    const url = `/api/interactions/${created.id}`;
    expect((await org.agent.patch(url, { outcome: '第一次' }, { 'if-match': '"1"' })).status).toBe(200);
    const stale = await org.agent.patch(url, { outcome: '第二次', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.current.outcome).toBe('第一次');
    const missing = await org.agent.patch(url, { outcome: '第三次' });
    expect(missing.status).toBe(428);
    expect((await org.agent.get(url)).body).toMatchObject({ outcome: '第一次', version: 2 });
  });

  it('validates changes like a new log', async () => {
    const created = (await logAs(org.agent)).body;
    const url = `/api/interactions/${created.id}`;
    expect((await org.agent.patch(url, { contactId: otherContact.id, version: 1 })).status).toBe(422);
    expect((await org.agent.patch(url, { summary: '   ', version: 1 })).status).toBe(422);
    expect((await org.agent.patch(url, { direction: 'sideways', version: 1 })).status).toBe(400);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await org.agent.patch(url, { occurredAt: future, version: 1 })).status).toBe(422);
    expect((await org.agent.get(url)).body).toMatchObject({ summary: call.summary, version: 1 });
  });

  it('deletes: the record goes, the timeline notes the deletion, the audit log keeps it', async () => {
    const created = (await logAs(org.agent)).body;
    const url = `/api/interactions/${created.id}`;
    expect((await org.agent.delete(url, { 'if-match': '"7"' })).status).toBe(409);
    expect((await org.agent.delete(url)).status).toBe(204);
    expect((await org.agent.get(url)).status).toBe(404);
    expect((await org.agent.delete(url)).status).toBe(404);
    const entries = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.refType, 'interaction'), eq(timelineEntries.refId, created.id)));
    expect(entries.map((e) => e.kind)).toEqual(['interaction.deleted']);
    const audit = await t.admin.get(`/api/audit?entityType=interaction&entityId=${created.id}&action=delete`);
    expect(audit.body.items[0].before.summary).toBe(call.summary);
  });

  it('keeps the follow-up when its source interaction is deleted', async () => {
    const created = (
      await logAs(org.agent, {
        ...call,
        followUp: { title: '再联系', dueAt: new Date(Date.now() + 86_400_000).toISOString() },
      })
    ).body;
    expect((await org.agent.delete(`/api/interactions/${created.id}`)).status).toBe(204);
    const task = await org.agent.get(`/api/follow-ups/${created.followUp.id}`);
    expect(task.status).toBe(200);
    expect(task.body.sourceInteractionId).toBeNull();
  });
});

describe('who may log and change interactions', () => {
  it('lets the owner, their supervisor, the centre supervisor and admins log; not other agents, teammates, other supervisors or managers', async () => {
    expect((await logAs(org.agent)).status).toBe(201);
    expect((await logAs(org.supervisor)).status).toBe(201);
    expect((await logAs(org.centreSupervisor)).status).toBe(201);
    expect((await logAs(t.admin)).status).toBe(201);
    const before = await countInteractions(customer.id);
    for (const client of [org.otherAgent, org.teammate, org.otherSupervisor, org.manager]) {
      const response = await logAs(client);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await countInteractions(customer.id)).toBe(before);
  });

  it('lets operations users log for their own department on any customer, not for another department', async () => {
    const own = await logAs(org.operations, { ...call, summary: '空运出口：已订舱' });
    expect(own.status).toBe(201);
    expect(own.body.departmentId).toBe(org.airExport.id);
    const explicit = await logAs(org.operations, { ...call, departmentId: org.airExport.id });
    expect(explicit.status).toBe(201);
    const foreign = await logAs(org.operations, { ...call, departmentId: org.seaImport.id });
    expect(foreign.status).toBe(403);
    const none = await logAs(org.operations, { ...call, departmentId: null });
    expect(none.status).toBe(403);
  });

  it('lets operations users change their department’s interactions only', async () => {
    const logged = (await logAs(org.operations)).body;
    const url = `/api/interactions/${logged.id}`;
    expect((await org.otherOperations.patch(url, { outcome: 'x', version: 1 })).status).toBe(403);
    expect((await org.otherOperations.delete(url)).status).toBe(403);
    expect((await org.operations.patch(url, { departmentId: org.seaImport.id, version: 1 })).status).toBe(
      403,
    );
    expect((await org.operations.patch(url, { outcome: '已通知客户', version: 1 })).status).toBe(200);
    // The owner agent may correct it too: it is on their customer's file.
    expect((await org.agent.patch(url, { outcome: '客户已确认', version: 2 })).status).toBe(200);
    const agentLogged = (await logAs(org.agent)).body;
    expect(
      (await org.operations.patch(`/api/interactions/${agentLogged.id}`, { outcome: 'x', version: 1 }))
        .status,
    ).toBe(403);
    expect((await org.operations.delete(url)).status).toBe(204);
  });

  it('lets only editors change or delete others’ interactions', async () => {
    const logged = (await logAs(org.agent)).body;
    const url = `/api/interactions/${logged.id}`;
    for (const client of [org.otherAgent, org.teammate, org.otherSupervisor, org.manager]) {
      expect((await client.patch(url, { outcome: 'x', version: 1 })).status).toBe(403);
      expect((await client.delete(url)).status).toBe(403);
    }
    expect((await org.supervisor.patch(url, { outcome: '主管补充', version: 1 })).status).toBe(200);
    expect((await t.admin.patch(url, { outcome: '管理员更正', version: 2 })).status).toBe(200);
    expect((await org.agent.get(url)).body.version).toBe(3);
  });

  it('lets every staff member read every customer’s interactions', async () => {
    for (const client of [org.otherAgent, org.teammate, org.operations, org.manager, org.otherSupervisor]) {
      const response = await client.get(`/api/customers/${customer.id}/interactions`);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeGreaterThan(0);
    }
  });

  it('keeps portal users out: 404 for other customers, 403 for their own, 404 for single records', async () => {
    const logged = (await logAs(org.agent)).body;
    expect((await portal.get(`/api/customers/${otherCustomer.id}/interactions`)).status).toBe(404);
    expect((await portal.post(`/api/customers/${otherCustomer.id}/interactions`, call)).status).toBe(404);
    expect((await portal.get(`/api/customers/${customer.id}/interactions`)).status).toBe(403);
    expect((await portal.post(`/api/customers/${customer.id}/interactions`, call)).status).toBe(403);
    expect((await portal.get('/api/interactions')).status).toBe(403);
    expect((await portal.get(`/api/interactions/${logged.id}`)).status).toBe(404);
    expect((await portal.patch(`/api/interactions/${logged.id}`, { outcome: 'x', version: 1 })).status).toBe(
      404,
    );
    expect((await portal.delete(`/api/interactions/${logged.id}`)).status).toBe(404);
    expect((await org.agent.get(`/api/interactions/${logged.id}`)).body.version).toBe(1);
  });

  it('answers 401 without a login and 404 for an unknown customer', async () => {
    expect((await t.anonymous().get(`/api/customers/${customer.id}/interactions`)).status).toBe(401);
    expect((await t.anonymous().post(`/api/customers/${customer.id}/interactions`, call)).status).toBe(401);
    expect(
      (await org.agent.post('/api/customers/0190aaaa-0000-7000-8000-000000000000/interactions', call)).status,
    ).toBe(404);
  });
});

describe('bad input', () => {
  const cases: [string, unknown][] = [
    ['wrong type', { ...call, summary: 42 }],
    ['unknown channel', { ...call, channel: 'fax' }],
    ['missing summary', { channel: 'phone', direction: 'inbound' }],
    ['missing direction', { channel: 'phone', summary: 'x' }],
    ['unknown field', { ...call, priority: 'high' }],
    ['oversized summary', { ...call, summary: '长'.repeat(4001) }],
    ['oversized outcome', { ...call, outcome: 'x'.repeat(1001) }],
    ['bad date', { ...call, occurredAt: '2024-13-45' }],
    ['bad contact id', { ...call, contactId: 'abc' }],
    [
      'unknown field in followUp',
      { ...call, followUp: { title: 'x', dueAt: new Date().toISOString(), x: 1 } },
    ],
    ['followUp without dueAt', { ...call, followUp: { title: 'x' } }],
    ['array body', [call]],
  ];

  it.each(cases)('answers %s with 400 problem JSON and stores nothing', async (_name, body) => {
    const before = await countInteractions(customer.id);
    const response = await org.agent.post(`/api/customers/${customer.id}/interactions`, body);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, title: 'Bad Request' });
    expect(await countInteractions(customer.id)).toBe(before);
  });

  it('answers blank text with 422', async () => {
    const response = await logAs(org.agent, { ...call, summary: '   ' });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'summary' })]);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await org.agent.request(
      'POST',
      `/api/customers/${customer.id}/interactions`,
      '{"channel": "phone",',
    );
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('JSON');
  });

  it('answers unknown fields on update with 400 and leaves the record alone', async () => {
    const logged = (await logAs(org.agent)).body;
    const response = await org.agent.patch(`/api/interactions/${logged.id}`, {
      summary: '新',
      userId: org.otherAgent.user.id,
      version: 1,
    });
    expect(response.status).toBe(400);
    expect((await org.agent.get(`/api/interactions/${logged.id}`)).body).toMatchObject({
      summary: call.summary,
      version: 1,
    });
  });
});
