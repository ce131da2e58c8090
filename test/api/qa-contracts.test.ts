import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { type Org, createCustomer, setupOrg, taxId } from './customers-fixtures.ts';

// Independent QA of issue 2: contract points checked from the outside, mostly driven by the
// OpenAPI document so that a new endpoint is covered without editing this file.

let t: TestApp;
let org: Org;
let openapi: any;

beforeAll(async () => {
  t = await startTestApp();
  org = await setupOrg(t);
  openapi = (await t.anonymous().get('/api/openapi.json')).body;
});
afterAll(async () => {
  await t?.close();
});

type Operation = { method: string; path: string; op: any };
const UNSAFE = ['post', 'put', 'patch', 'delete'];

function operations(methods: string[]): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries<any>(openapi.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      if (methods.includes(method)) out.push({ method: method.toUpperCase(), path, op });
    }
  }
  return out;
}

function resolve(schema: any): any {
  let current = schema;
  while (current?.$ref) current = openapi.components.schemas[current.$ref.split('/').pop()];
  return current;
}

/** Every path parameter replaced by a random (well-formed, unknown) uuid or a valid value class. */
const concrete = (path: string) =>
  path.replace('{valueClass}', 'A').replace(/\{[^}]+\}/g, () => '01a20000-0000-7000-8000-000000000000');

// Login is left out of the loops: its rate limit (tested last) would answer 429 instead.
const LOOP_SKIP = new Set(['/api/auth/login', '/api/auth/logout']);

describe('OpenAPI document (item 2)', () => {
  it('documents a schema for every 2xx answer and a closed request body for every write that takes one', () => {
    const problems: string[] = [];
    for (const { method, path, op } of operations(['get', ...UNSAFE])) {
      const success = Object.entries<any>(op.responses ?? {}).filter(([code]) => code.startsWith('2'));
      if (success.length === 0) problems.push(`${method} ${path}: no 2xx response`);
      for (const [code, response] of success) {
        if (code === '204') continue;
        // JSON for most; a download (the customer export) documents each file type it sends.
        const schema =
          response.content?.['application/json']?.schema ??
          Object.values<any>(response.content ?? {})[0]?.schema;
        if (!schema || !resolve(schema)) problems.push(`${method} ${path} ${code}: no schema`);
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) {
        const resolved = resolve(body);
        if (resolved?.type === 'object' && resolved.additionalProperties !== false)
          problems.push(`${method} ${path}: request body accepts unknown fields`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('lists the endpoints the issue names', () => {
    const required = [
      'post /api/auth/login',
      'post /api/auth/logout',
      'get /api/auth/me',
      'post /api/auth/tokens',
      'post /api/users',
      'get /api/customers',
      'post /api/customers',
      'get /api/customers/{id}',
      'patch /api/customers/{id}',
      'post /api/customers/{id}/archive',
      'post /api/customers/{id}/merge',
      'get /api/customers/{id}/contacts',
      'post /api/customers/{id}/contacts',
      'get /api/customers/{id}/timeline',
      'get /api/audit',
    ];
    for (const entry of required) {
      const [method, path] = entry.split(' ');
      expect(openapi.paths[path]?.[method], entry).toBeDefined();
    }
  });
});

describe('bad input on every write endpoint (item 11)', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['malformed JSON', '{"name": ', 'application/json'],
    ['a JSON array', '[]', 'application/json'],
    ['a bare number', '42', 'application/json'],
    ['text/plain', '{"name":"x"}', 'text/plain'],
    ['a form body', 'name=x', 'application/x-www-form-urlencoded'],
  ];

  it.each(cases)('answers %s with a 4xx problem document, never a 500', async (_label, raw, type) => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, path, op } of operations(UNSAFE)) {
      if (LOOP_SKIP.has(path) || !op.requestBody) continue;
      checked += 1;
      const response = await t.admin.request(method, concrete(path), raw, { 'content-type': type });
      const contentType = response.headers.get('content-type') ?? '';
      if (response.status < 400 || response.status >= 500 || !contentType.includes('problem+json'))
        failures.push(`${method} ${path}: ${response.status} ${contentType}`);
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('refuses a 100 000 character value in every string field with 400', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, path, op } of operations(UNSAFE)) {
      const schema = resolve(op.requestBody?.content?.['application/json']?.schema);
      if (LOOP_SKIP.has(path) || !schema?.properties) continue;
      for (const [field, property] of Object.entries<any>(schema.properties)) {
        const resolved = resolve(property);
        const isString = resolved.type === 'string' || resolved.anyOf?.some((s: any) => s.type === 'string');
        if (!isString) continue;
        checked += 1;
        const response = await t.admin.request(method, concrete(path), { [field]: '字'.repeat(100_000) });
        if (response.status !== 400) failures.push(`${method} ${path} ${field}: ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(60);
  });

  it('refuses unknown fields in every request body with 400', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations(UNSAFE)) {
      if (LOOP_SKIP.has(path) || !op.requestBody) continue;
      const response = await t.admin.request(method, concrete(path), { qaUnknownField: 1 });
      if (response.status !== 400) failures.push(`${method} ${path}: ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers a malformed id in the path with 400 on every endpoint that takes one', async () => {
    const failures: string[] = [];
    for (const { method, path, op } of operations(['get', ...UNSAFE])) {
      if (!path.includes('{id}')) continue;
      const response = await t.admin.request(
        method,
        path.replace(/\{[^}]+\}/g, 'not-a-uuid'),
        op.requestBody ? {} : undefined,
      );
      if (response.status !== 400) failures.push(`${method} ${path}: ${response.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers a limit above the maximum and an undecodable cursor with 400 on every list', async () => {
    // Lists under one customer check the customer first, so they get a real one.
    const customer = await createCustomer(org.agentA);
    const failures: string[] = [];
    for (const { path, op } of operations(['get'])) {
      const names = (op.parameters ?? []).map((p: any) => p.name);
      if (!names.includes('cursor')) continue;
      const base = concrete(path.replace('/api/customers/{id}', `/api/customers/${customer.id}`));
      for (const query of ['limit=100000', 'cursor=%21%21%21']) {
        const response = await t.admin.get(`${base}?${query}`);
        if (response.status !== 400) failures.push(`GET ${path}?${query}: ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('CSRF and API tokens (item 3)', () => {
  it('refuses a cookie request with a valid body but no CSRF token, and changes nothing', async () => {
    const customer = await createCustomer(org.agentA);
    const response = await org.agentA.patch(
      `/api/customers/${customer.id}`,
      { notes: 'csrf', version: customer.version },
      { 'x-csrf-token': '' },
    );
    expect(response.status).toBe(403);
    const after = await org.agentA.get(`/api/customers/${customer.id}`);
    expect(after.body.version).toBe(customer.version);
    expect(after.body.notes).toBeNull();
  });

  it('lets a bearer token write without a CSRF token until it is revoked', async () => {
    const customer = await createCustomer(org.agentA);
    const created = await org.agentA.post('/api/auth/tokens', { name: 'ERP 集成' });
    expect(created.status).toBe(201);
    const integration = t.anonymous();
    integration.bearer = created.body.token;
    const logged = await integration.post(`/api/customers/${customer.id}/interactions`, {
      channel: 'phone',
      direction: 'inbound',
      summary: '集成写入的来电',
    });
    expect(logged.status).toBe(201);
    expect((await org.agentA.delete(`/api/auth/tokens/${created.body.id}`)).status).toBe(200);
    expect((await integration.get('/api/auth/me')).status).toBe(401);
  });

  it('locks an account after five wrong passwords, even for the right one', async () => {
    const email = `qa-lock-${randomUUID().slice(0, 8)}@test.local`;
    const created = await t.admin.post('/api/users', {
      email,
      name: '锁定测试',
      password: 'right-password-1',
      role: 'agent',
      departmentId: org.teamA,
    });
    expect(created.status).toBe(201);
    const client = t.anonymous();
    for (let i = 0; i < 5; i++) {
      expect((await client.login(email, `wrong-${i}`)).status).toBe(401);
    }
    const locked = await client.login(email, 'right-password-1');
    expect(locked.status).toBe(423);
    expect(locked.headers.get('content-type')).toContain('problem+json');
  });
});

describe('customer search and keyset pagination (item 4)', () => {
  let target: any;
  beforeAll(async () => {
    target = await createCustomer(org.agentA, {
      name: '上海远洋物流有限公司',
      taxId: taxId(424242),
      phone: '021-68881234',
    });
    for (let i = 0; i < 7; i++) await createCustomer(org.agentA, { tags: ['QA分页'] });
  });

  it.each([
    ['a Chinese word', '物流'],
    ['a phone fragment', '6888123'],
    ['a phone fragment with its dash', '021-6888'],
    ['a tax-id fragment', taxId(424242).slice(6, 14)],
  ])('finds the customer by %s', async (_label, q) => {
    const response = await org.agentA.get(`/api/customers?q=${encodeURIComponent(q)}&limit=200`);
    expect(response.status).toBe(200);
    expect(response.body.items.map((c: any) => c.id)).toContain(target.id);
  });

  async function walk(client: Client, path: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 500; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await client.get(url);
      expect(response.status).toBe(200);
      ids.push(...response.body.items.map((item: any) => item.id));
      cursor = response.body.nextCursor;
      if (!cursor) break;
    }
    return ids;
  }

  it.each([
    ['/api/customers'],
    ['/api/customers?q=%E7%89%A9%E6%B5%81'],
    ['/api/customers?tag=QA%E5%88%86%E9%A1%B5'],
  ])('walks %s page by page without duplicates or gaps', async (path) => {
    const all = await walk(org.agentA, path, 200);
    const paged = await walk(org.agentA, path, 2);
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged).toEqual(all);
  });
});

describe('merge (item 4)', () => {
  it('moves contacts, interactions, follow-ups and timeline to the surviving file and closes the other', async () => {
    const target = await createCustomer(org.agentA);
    const source = await createCustomer(org.agentA, { tags: ['来源标签'] });
    const contact = await org.agentA.post(`/api/customers/${source.id}/contacts`, { name: '来源联系人' });
    expect(contact.status).toBe(201);
    const call = await org.agentA.post(`/api/customers/${source.id}/interactions`, {
      channel: 'phone',
      direction: 'outbound',
      summary: '来源的电话',
      contactId: contact.body.id,
    });
    expect(call.status).toBe(201);
    const task = await org.agentA.post(`/api/customers/${source.id}/follow-ups`, {
      title: '来源的回访',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(task.status).toBe(201);
    const sourceTimeline = (await org.agentA.get(`/api/customers/${source.id}/timeline?limit=200`)).body
      .items;

    const merged = await org.supervisorA.post(`/api/customers/${target.id}/merge`, { sourceId: source.id });
    expect(merged.status).toBe(200);

    const contacts = (await org.agentA.get(`/api/customers/${target.id}/contacts`)).body.items;
    expect(contacts.map((c: any) => c.id)).toContain(contact.body.id);
    const calls = (await org.agentA.get(`/api/customers/${target.id}/interactions`)).body.items;
    expect(calls.map((i: any) => i.id)).toContain(call.body.id);
    const tasks = (await org.agentA.get(`/api/customers/${target.id}/follow-ups`)).body.items;
    expect(tasks.map((f: any) => f.id)).toContain(task.body.id);
    const timeline = (await org.agentA.get(`/api/customers/${target.id}/timeline?limit=200`)).body.items;
    const timelineIds = timeline.map((e: any) => e.id);
    for (const entry of sourceTimeline) expect(timelineIds).toContain(entry.id);
    expect((await org.agentA.get(`/api/customers/${target.id}`)).body.tags).toContain('来源标签');

    const closed = await org.agentA.get(`/api/customers/${source.id}`);
    expect(closed.body.mergedIntoId).toBe(target.id);
    expect(closed.body.archivedAt).not.toBeNull();
    expect((await org.supervisorA.post(`/api/customers/${source.id}/restore`, {})).status).toBe(409);
    expect(
      (await org.supervisorA.post(`/api/customers/${target.id}/merge`, { sourceId: source.id })).status,
    ).toBe(409);
  });
});

describe('portal users and other customers (item 12)', () => {
  it('answers 404 for every customer-scoped endpoint addressed with another customer or its records', async () => {
    const own = await createCustomer(org.agentA);
    const other = await createCustomer(org.agentA);
    const contact = (await org.agentA.post(`/api/customers/${other.id}/contacts`, { name: '别家联系人' }))
      .body;
    const call = (
      await org.agentA.post(`/api/customers/${other.id}/interactions`, {
        channel: 'phone',
        direction: 'outbound',
        summary: '别家的电话',
      })
    ).body;
    const task = (
      await org.agentA.post(`/api/customers/${other.id}/follow-ups`, {
        title: '别家的回访',
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
      })
    ).body;
    const portal = await t.userClient('portal', { customerId: own.id });
    const c = `/api/customers/${other.id}`;
    const v = { 'If-Match': '"1"' };
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', c],
      ['GET', `${c}/contacts`],
      ['GET', `${c}/contacts/${contact.id}`],
      ['GET', `${c}/timeline`],
      ['GET', `${c}/interactions`],
      ['GET', `${c}/follow-ups`],
      ['GET', `${c}/transfers`],
      ['GET', `/api/interactions/${call.id}`],
      ['GET', `/api/follow-ups/${task.id}`],
      ['PATCH', c, { notes: 'x' }],
      ['POST', `${c}/archive`, {}],
      ['POST', `${c}/restore`, {}],
      ['POST', `${c}/verify`, {}],
      ['POST', `${c}/transfer`, { toUserId: org.agentA2.user.id, reason: 'x' }],
      ['POST', `${c}/merge`, { sourceId: own.id }],
      ['POST', `${c}/contacts`, { name: 'x' }],
      ['PATCH', `${c}/contacts/${contact.id}`, { notes: 'x' }],
      ['DELETE', `${c}/contacts/${contact.id}`],
      ['POST', `${c}/interactions`, { channel: 'portal', direction: 'inbound', summary: 'x' }],
      ['PATCH', `/api/interactions/${call.id}`, { outcome: 'x' }],
      ['DELETE', `/api/interactions/${call.id}`],
      ['POST', `${c}/follow-ups`, { title: 'x', dueAt: new Date().toISOString() }],
      ['PATCH', `/api/follow-ups/${task.id}`, { notes: 'x' }],
      ['POST', `/api/follow-ups/${task.id}/complete`, { result: 'x' }],
      ['POST', `/api/follow-ups/${task.id}/cancel`, { reason: 'x' }],
      ['POST', `/api/follow-ups/${task.id}/reopen`, {}],
    ];
    const wrong: string[] = [];
    for (const [method, path, body] of attempts) {
      const response = await portal.request(method, path, body, method === 'GET' ? {} : v);
      if (response.status !== 404) wrong.push(`${method} ${path}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
    // and nothing changed on the other customer's file
    const after = await org.agentA.get(c);
    expect(after.body.version).toBe(other.version);
    expect(after.body.archivedAt).toBeNull();
  });
});

// Last, because it spends the login budget of the whole file.
describe('login rate limit (item 3)', () => {
  it('answers 429 with a problem document once one address tries too many logins', async () => {
    const client = t.anonymous();
    const statuses: number[] = [];
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      statuses.push((await client.login(`nobody-${i}@test.local`, 'wrong-password')).status);
    }
    expect(statuses).toContain(429);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
  });
});
