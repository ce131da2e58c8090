import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loadDemoIfEmpty, loadDeskDemoIfEmpty, runDemo } from '../../src/cli/demo.ts';
import { Client, type TestApp, startTestApp } from '../support/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const count = async (table: string, where = 'true') => {
  const [row] = await t.ctx.database.query<{ n: number }>(
    sql.raw(`select count(*)::int as n from ${table} where ${where}`),
  );
  return row.n;
};

describe('demo data on an empty database', () => {
  const firstOutput: string[] = [];

  beforeAll(async () => {
    await loadDemoIfEmpty(t.ctx, (line) => firstOutput.push(line));
  });

  it('creates the departments, the demo accounts and 300 customers with their history', async () => {
    expect(await count('customers')).toBe(300);
    const codes = (await t.ctx.database.query<{ code: string }>(sql`select code from departments`)).map(
      (d) => d.code,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'CS',
        'AIR-EXP',
        'AIR-IMP',
        'SEA-EXP',
        'SEA-IMP',
        'WAREHOUSE',
        'TRANSPORT',
        'DISTRIBUTION',
      ]),
    );
    expect(await count('contacts')).toBeGreaterThan(300);
    const interactions = await count('interactions');
    expect(interactions).toBeGreaterThan(300);
    expect(await count('timeline_entries', `kind = 'interaction.logged'`)).toBe(interactions);
    // Each record starts its customer's timeline the way the app writes it.
    expect(await count('timeline_entries', `kind = 'customer.created'`)).toBe(300);
    expect(await count('timeline_entries', `kind = 'follow_up.created'`)).toBe(await count('follow_ups'));
    expect(await count('timeline_entries', `kind = 'follow_up.completed'`)).toBe(
      await count('follow_ups', `status = 'done'`),
    );
    expect(await count('follow_ups', `status = 'open' and due_at < now()`)).toBeGreaterThan(0);
    expect(await count('customers', 'search_vector is null')).toBe(0);
    // Every customer belongs to one of the four agents, spread out.
    const owners = await t.ctx.database.query<{ email: string; n: number }>(
      sql`select u.email, count(*)::int as n from customers c join users u on u.id = c.owner_id group by u.email`,
    );
    expect(owners).toHaveLength(4);
    for (const owner of owners) expect(owner.n).toBeGreaterThan(40);
    // The service centre is headed by the demo supervisor.
    const [cs] = await t.ctx.database.query<{ role: string }>(
      sql`select u.role from departments d join users u on u.id = d.head_user_id where d.code = 'CS'`,
    );
    expect(cs.role).toBe('supervisor');
    expect(firstOutput.join('\n')).toContain(DEMO_PASSWORD);
    expect(firstOutput.join('\n')).toContain('agent1@demo.liaison.local');
  });

  it('lets the printed demo accounts log in', async () => {
    const agent = new Client(t.baseUrl);
    const login = await agent.login('agent1@demo.liaison.local', DEMO_PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('agent');
  });

  it('does nothing on a second start', async () => {
    const before = {
      customers: await count('customers'),
      users: await count('users'),
      departments: await count('departments'),
      interactions: await count('interactions'),
      followUps: await count('follow_ups'),
      tickets: await count('tickets'),
      workOrders: await count('work_orders'),
    };
    expect(before.tickets).toBeGreaterThan(100);
    expect(before.workOrders).toBeGreaterThan(10);
    const output: string[] = [];
    await loadDemoIfEmpty(t.ctx, (line) => output.push(line));
    // `liaison demo` asks for the desk too; with tickets present it adds none.
    await loadDeskDemoIfEmpty(t.ctx, 'another-seed', (line) => output.push(line));
    expect(output).toEqual([]);
    expect({
      customers: await count('customers'),
      users: await count('users'),
      departments: await count('departments'),
      interactions: await count('interactions'),
      followUps: await count('follow_ups'),
      tickets: await count('tickets'),
      workOrders: await count('work_orders'),
    }).toEqual(before);
  });

  it('continues a seed instead of duplicating it, and adds a new seed with its own customers', async () => {
    const first = await runDemo(t.ctx, { customers: 40, seed: 'resume', batchSize: 15 });
    expect(first.customers).toBe(40);
    const again = await runDemo(t.ctx, { customers: 40, seed: 'resume' });
    expect(again.customers).toBe(0);
    const more = await runDemo(t.ctx, { customers: 70, seed: 'resume', batchSize: 15 });
    expect(more).toMatchObject({ customers: 30, skipped: 40 });
    expect(await count('customers')).toBe(370);
    // Names and tax ids stay unique across the two seeds (the examples are not repeated).
    expect(await count('customers', `name = '上海远洋物流有限公司'`)).toBe(1);
    const [dupes] = await t.ctx.database.query<{ n: number }>(
      sql`select count(*)::int as n from (select tax_id from customers where tax_id is not null group by tax_id having count(*) > 1) d`,
    );
    expect(dupes.n).toBe(0);
  });

  it('finds demo customers through the customer list search', async () => {
    const agent = new Client(t.baseUrl);
    await agent.login('agent2@demo.liaison.local', DEMO_PASSWORD);
    const response = await agent.get(`/api/customers?q=${encodeURIComponent('物流')}&limit=100`);
    expect(response.status).toBe(200);
    expect(response.body.items.map((c: { name: string }) => c.name)).toContain('上海远洋物流有限公司');
  });
});
