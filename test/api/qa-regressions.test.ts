import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type Org, createCustomer, setupOrg } from './customers-fixtures.ts';

// QA defects of issue 2 — each test states the expected behaviour and FAILS on the current code.
// Not committed (never commit a failing test); kept in the QA report.

let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await startTestApp();
  org = await setupOrg(t);
});
afterAll(async () => {
  await t?.close();
});

const soon = () => new Date(Date.now() + 86_400_000).toISOString();

describe('D1 NUL character in text answers 4xx, not 500 (item 11)', () => {
  it.each([
    ['POST /api/customers name', async () => t.admin.post('/api/customers', { name: 'a\u0000b' })],
    [
      'POST contacts name',
      async () => {
        const c = await createCustomer(org.agentA);
        return org.agentA.post(`/api/customers/${c.id}/contacts`, { name: 'a\u0000b' });
      },
    ],
    [
      'POST interactions summary',
      async () => {
        const c = await createCustomer(org.agentA);
        return org.agentA.post(`/api/customers/${c.id}/interactions`, {
          channel: 'phone',
          direction: 'inbound',
          summary: 'a\u0000b',
        });
      },
    ],
    [
      'POST follow-ups title',
      async () => {
        const c = await createCustomer(org.agentA);
        return org.agentA.post(`/api/customers/${c.id}/follow-ups`, { title: 'a\u0000b', dueAt: soon() });
      },
    ],
    ['GET /api/customers?tag=%00', async () => t.admin.get('/api/customers?tag=a%00b')],
    ['GET /api/users?q=%00', async () => t.admin.get('/api/users?q=a%00b')],
  ])('%s answers 400, not 500', async (_label, run) => {
    expect((await run()).status).toBe(400);
  });
});

describe('D2 year-0000 timestamps answers 4xx, not 500 (item 11)', () => {
  it('POST follow-ups with dueAt 0000-01-01 answers 4xx', async () => {
    const c = await createCustomer(org.agentA);
    const r = await org.agentA.post(`/api/customers/${c.id}/follow-ups`, {
      title: 'x',
      dueAt: '0000-01-01T00:00:00Z',
    });
    expect(r.status).toBeLessThan(500);
    expect(r.status).toBeGreaterThanOrEqual(400);
  });
  it('GET /api/follow-ups?dueFrom=0000-01-01 answers 4xx', async () => {
    const r = await t.admin.get('/api/follow-ups?dueFrom=0000-01-01T00:00:00Z');
    expect(r.status).toBe(400);
  });
});

describe('D3 forged cursors answers 4xx, not 500 (item 11)', () => {
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it('timeline with a cursor whose first part is not a timestamp answers 400', async () => {
    const c = await createCustomer(org.agentA);
    const r = await org.agentA.get(
      `/api/customers/${c.id}/timeline?cursor=${cursor(['x', '01a20000-0000-7000-8000-000000000000'])}`,
    );
    expect(r.status).toBe(400);
  });
  it('audit with a cursor of the wrong shape answers 400', async () => {
    const r = await t.admin.get(`/api/audit?cursor=${cursor(['2026-01-01T00:00:00Z', 'not-a-number'])}`);
    expect(r.status).toBe(400);
  });
});

describe('D4 portal users do not read internal interactions and follow-ups through the timeline (item 12, §1)', () => {
  it('does not show interaction.* or follow_up.* entries to a portal user', async () => {
    const own = await createCustomer(org.agentA);
    await org.agentA.post(`/api/customers/${own.id}/interactions`, {
      channel: 'phone',
      direction: 'outbound',
      summary: '内部：客户抱怨价格，考虑降级为C类',
    });
    await org.agentA.post(`/api/customers/${own.id}/follow-ups`, { title: '内部：催收欠款', dueAt: soon() });
    const portal = await t.userClient('portal', { customerId: own.id });
    // the dedicated endpoints call these records internal …
    expect((await portal.get(`/api/customers/${own.id}/interactions`)).status).toBe(403);
    // … but the timeline hands them out
    const timeline = await portal.get(`/api/customers/${own.id}/timeline`);
    const kinds = timeline.body.items.map((e: any) => e.kind);
    expect(kinds.filter((k: string) => k.startsWith('interaction.') || k.startsWith('follow_up.'))).toEqual(
      [],
    );
  });
});

describe('D5 no new records on a merged (closed) customer file (item 4)', () => {
  it('refuses interactions and follow-ups on a file merged into another', async () => {
    const target = await createCustomer(org.agentA);
    const source = await createCustomer(org.agentA);
    expect(
      (await org.supervisorA.post(`/api/customers/${target.id}/merge`, { sourceId: source.id })).status,
    ).toBe(200);
    const call = await org.agentA.post(`/api/customers/${source.id}/interactions`, {
      channel: 'phone',
      direction: 'inbound',
      summary: '合并后记在旧档案上',
    });
    const task = await org.agentA.post(`/api/customers/${source.id}/follow-ups`, {
      title: '旧档案',
      dueAt: soon(),
    });
    // contacts already answer 409 here
    expect((await org.agentA.post(`/api/customers/${source.id}/contacts`, { name: 'x' })).status).toBe(409);
    expect(call.status).toBe(409);
    expect(task.status).toBe(409);
  });
});

describe('D6 CSRF is checked before body validation; logout needs CSRF (item 3)', () => {
  it('answers 403 (not 400) to a cookie request without CSRF token and an invalid body', async () => {
    const r = await t.admin.post('/api/customers', {}, { 'x-csrf-token': '' });
    expect(r.status).toBe(403);
  });
  it('does not end a cookie session on a logout without the CSRF token', async () => {
    const agent = await t.userClient('agent', { departmentId: org.teamA });
    await agent.post('/api/auth/logout', {}, { 'x-csrf-token': '' });
    expect((await agent.get('/api/auth/me')).status).toBe(200);
  });
});

describe('D7 follow-up plan version beyond int range answers 4xx, not 500 (item 11)', () => {
  it('PUT /api/follow-up-plans/A with version 2^63 answers 4xx', async () => {
    const r = await t.admin.request(
      'PUT',
      '/api/follow-up-plans/A',
      '{"intervalMonths":1,"enabled":true,"version":9223372036854775808}',
    );
    expect(r.status).toBeLessThan(500);
  });
});
