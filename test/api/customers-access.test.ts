import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, Response, TestApp } from '../support/harness.ts';
import { startTestApp } from '../support/harness.ts';
import { type Org, createCustomer, setupOrg } from './customers-fixtures.ts';

/**
 * Access control of every customer endpoint, role by role: all staff read every file; an agent
 * changes only what they own, a supervisor their team's, an admin everything; managers and
 * operations only read; a portal user reads only its own customer and gets 404 for any other id.
 */
let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await startTestApp();
  org = await setupOrg(t);
});
afterAll(async () => {
  await t?.close();
});

interface Fixture {
  customer: any;
  contact: any;
  /** A portal user of this very customer. */
  ownPortal: Client;
  /** A portal user of some other customer. */
  otherPortal: Client;
}

let portalOfOther: Client | undefined;
let portalOfOwn: Client | undefined;

/** One portal account moved onto each fresh customer (logins are rate-limited, so not one per test). */
async function portalFor(customerId: string): Promise<Client> {
  if (!portalOfOwn) {
    portalOfOwn = await t.userClient('portal', { customerId });
    return portalOfOwn;
  }
  const user = await t.admin.get(`/api/users/${portalOfOwn.user.id}`);
  const moved = await t.admin.patch(`/api/users/${portalOfOwn.user.id}`, {
    version: user.body.version,
    customerId,
  });
  expect(moved.status).toBe(200);
  return portalOfOwn;
}

/** A fresh customer owned by agentA (team A) with one contact, so every write starts from version 1. */
async function fixture(): Promise<Fixture> {
  const customer = await createCustomer(org.agentA, {
    notes: '内部备注',
    valueClass: 'A',
    competitors: ['德迅'],
  });
  const contact = (
    await org.agentA.post(`/api/customers/${customer.id}/contacts`, {
      name: '林涛',
      notes: '私下说过价格偏高',
    })
  ).body;
  if (!portalOfOther) {
    const other = await createCustomer(org.agentB);
    portalOfOther = await t.userClient('portal', { customerId: other.id });
  }
  return {
    customer,
    contact,
    ownPortal: await portalFor(customer.id),
    otherPortal: portalOfOther,
  };
}

type Who =
  | 'owner agent'
  | 'other agent in team'
  | 'agent of other team'
  | 'team supervisor'
  | 'other supervisor'
  | 'manager'
  | 'operations'
  | 'admin'
  | 'own portal user'
  | 'other portal user'
  | 'anonymous';

function clientOf(who: Who, f: Fixture): Client {
  switch (who) {
    case 'owner agent':
      return org.agentA;
    case 'other agent in team':
      return org.agentA2;
    case 'agent of other team':
      return org.agentB;
    case 'team supervisor':
      return org.supervisorA;
    case 'other supervisor':
      return org.supervisorB;
    case 'manager':
      return org.manager;
    case 'operations':
      return org.operations;
    case 'admin':
      return t.admin;
    case 'own portal user':
      return f.ownPortal;
    case 'other portal user':
      return f.otherPortal;
    case 'anonymous':
      return t.anonymous();
  }
}

const EVERYONE: Who[] = [
  'owner agent',
  'other agent in team',
  'agent of other team',
  'team supervisor',
  'other supervisor',
  'manager',
  'operations',
  'admin',
  'own portal user',
  'other portal user',
  'anonymous',
];

/** Who may change a customer file and its contacts; everyone else gets the listed status. */
const EDIT: Record<Who, number | 'ok'> = {
  'owner agent': 'ok',
  'other agent in team': 403,
  'agent of other team': 403,
  'team supervisor': 'ok',
  'other supervisor': 403,
  manager: 403,
  operations: 403,
  admin: 'ok',
  'own portal user': 403,
  'other portal user': 404,
  anonymous: 401,
};

const READ: Record<Who, number | 'ok'> = {
  'owner agent': 'ok',
  'other agent in team': 'ok',
  'agent of other team': 'ok',
  'team supervisor': 'ok',
  'other supervisor': 'ok',
  manager: 'ok',
  operations: 'ok',
  admin: 'ok',
  'own portal user': 'ok',
  'other portal user': 404,
  anonymous: 401,
};

interface Endpoint {
  name: string;
  run: (client: Client, f: Fixture) => Promise<Response>;
  rules: Record<Who, number | 'ok'>;
  /** For writes: what must be unchanged after a refused call. */
  write?: boolean;
}

const base = (f: Fixture) => `/api/customers/${f.customer.id}`;

const endpoints: Endpoint[] = [
  { name: 'GET customer', run: (c, f) => c.get(base(f)), rules: READ },
  { name: 'GET contacts', run: (c, f) => c.get(`${base(f)}/contacts`), rules: READ },
  { name: 'GET contact', run: (c, f) => c.get(`${base(f)}/contacts/${f.contact.id}`), rules: READ },
  { name: 'GET timeline', run: (c, f) => c.get(`${base(f)}/timeline`), rules: READ },
  {
    name: 'GET transfers',
    run: (c, f) => c.get(`${base(f)}/transfers`),
    rules: { ...READ, 'own portal user': 403 },
  },
  {
    name: 'PATCH customer',
    run: (c, f) => c.patch(base(f), { version: 1, industry: '已修改' }),
    rules: EDIT,
    write: true,
  },
  { name: 'POST archive', run: (c, f) => c.post(`${base(f)}/archive`), rules: EDIT, write: true },
  {
    name: 'POST restore',
    run: (c, f) => c.post(`${base(f)}/restore`, { version: 1 }),
    rules: EDIT,
    write: true,
  },
  { name: 'POST verify', run: (c, f) => c.post(`${base(f)}/verify`), rules: EDIT, write: true },
  {
    name: 'POST contact',
    run: (c, f) => c.post(`${base(f)}/contacts`, { name: '新联系人' }),
    rules: EDIT,
    write: true,
  },
  {
    name: 'PATCH contact',
    run: (c, f) => c.patch(`${base(f)}/contacts/${f.contact.id}`, { version: 1, title: '总监' }),
    rules: EDIT,
    write: true,
  },
  {
    name: 'DELETE contact',
    run: (c, f) => c.delete(`${base(f)}/contacts/${f.contact.id}`),
    rules: EDIT,
    write: true,
  },
  {
    name: 'POST transfer',
    run: (c, f) => c.post(`${base(f)}/transfer`, { toUserId: org.agentA2.user.id, reason: '调整分工' }),
    rules: { ...EDIT, 'owner agent': 403 },
    write: true,
  },
  {
    name: 'POST merge (as target)',
    run: async (c, f) => {
      const source = await createCustomer(org.agentA);
      return c.post(`${base(f)}/merge`, { sourceId: source.id });
    },
    // A portal user cannot even see the other file, so it is 404 for them.
    rules: { ...EDIT, 'owner agent': 403, 'own portal user': 404 },
    write: true,
  },
];

async function snapshot(f: Fixture) {
  const customer = await t.admin.get(base(f));
  const contacts = await t.admin.get(`${base(f)}/contacts?limit=50`);
  const archived = await t.admin.get(`${base(f)}/contacts?archived=true`);
  return { customer: customer.body, contacts: contacts.body.items, archived: archived.body.items };
}

describe.each(endpoints)('$name', (endpoint) => {
  it.each(EVERYONE)('as %s', async (who) => {
    const f = await fixture();
    const before = endpoint.write ? await snapshot(f) : undefined;
    const response = await endpoint.run(clientOf(who, f), f);
    const rule = endpoint.rules[who];
    if (rule === 'ok') {
      expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(200);
      expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
    } else {
      expect(response.status, JSON.stringify(response.body)).toBe(rule);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      if (before) expect(await snapshot(f)).toEqual(before);
    }
  });
});

describe('lists and other collection endpoints', () => {
  it('lists every customer for staff and only its own customer for a portal user', async () => {
    const f = await fixture();
    for (const client of [org.agentB, org.operations, org.manager, org.supervisorB]) {
      const response = await client.get('/api/customers?limit=200');
      expect(response.status).toBe(200);
      expect(response.body.items.map((c: any) => c.id)).toContain(f.customer.id);
    }
    const portal = await f.ownPortal.get('/api/customers');
    expect(portal.body.items.map((c: any) => c.id)).toEqual([f.customer.id]);
    const filtered = await f.ownPortal.get(`/api/customers?ownerId=${org.agentB.user.id}`);
    expect(filtered.body.items).toEqual([]);
    expect((await t.anonymous().get('/api/customers')).status).toBe(401);
  });

  it('hides internal classification and notes from portal users', async () => {
    const f = await fixture();
    const customer = (await f.ownPortal.get(base(f))).body;
    expect(customer.name).toBe(f.customer.name);
    for (const field of [
      'notes',
      'valueClass',
      'competitors',
      'needType',
      'stage',
      'tags',
      'bonds',
      'churnReason',
    ]) {
      expect(customer).not.toHaveProperty(field);
    }
    const listItem = (await f.ownPortal.get('/api/customers')).body.items[0];
    expect(listItem).not.toHaveProperty('valueClass');
    const contact = (await f.ownPortal.get(`${base(f)}/contacts/${f.contact.id}`)).body;
    expect(contact.name).toBe('林涛');
    expect(contact).not.toHaveProperty('notes');
    expect((await org.operations.get(base(f))).body.notes).toBe('内部备注');
  });

  it('keeps duplicates, the review queue, customer creation and settings away from portal users', async () => {
    const f = await fixture();
    expect(
      (await f.ownPortal.get(`/api/customers/duplicates?name=${encodeURIComponent(f.customer.name)}`)).status,
    ).toBe(403);
    expect((await f.ownPortal.get('/api/customers/review-queue')).status).toBe(403);
    expect((await f.ownPortal.post('/api/customers', { name: '门户新建公司' })).status).toBe(403);
    expect((await f.ownPortal.get('/api/settings/customers')).status).toBe(403);
    for (const client of [org.agentB, org.operations, org.manager]) {
      expect(
        (await client.get(`/api/customers/duplicates?name=${encodeURIComponent(f.customer.name)}`)).status,
      ).toBe(200);
      expect((await client.get('/api/customers/review-queue')).status).toBe(200);
      expect((await client.put('/api/settings/customers', { reviewAfterDays: 10 })).status).toBe(403);
    }
    for (const path of [
      '/api/customers/duplicates',
      '/api/customers/review-queue',
      '/api/settings/customers',
    ]) {
      expect((await t.anonymous().get(path)).status).toBe(401);
    }
  });

  it('answers 404, not 403, for unknown ids and gives a portal user no hint that other customers exist', async () => {
    const f = await fixture();
    const unknown = '01900000-0000-7000-8000-000000000000';
    const other = await f.otherPortal.get(base(f));
    const missing = await f.otherPortal.get(`/api/customers/${unknown}`);
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body.detail).toBe(missing.body.detail);
  });
});
