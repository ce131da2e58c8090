import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkTicketsSql } from '../../src/demo/desk.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createCustomer, createDepartment } from '../support/factories.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('the benchmark ticket generator and the queue cursor', () => {
  it('pages through every generated ticket exactly once', async () => {
    const team = await createDepartment(t, { name: '客服三组' });
    const agent = await t.userClient('agent', { departmentId: team.id });
    const customers = await Promise.all([1, 2, 3].map(() => createCustomer(t, { ownerId: agent.user.id })));
    const categoryIds = (
      await t.ctx.database.query<{ id: string }>(sql`select id from ticket_categories order by sort_order`)
    ).map((row) => row.id);
    const count = 420;
    // Many tickets a few milliseconds apart: a cursor that lost sub-millisecond precision would skip some.
    await t.ctx.db.execute(
      bulkTicketsSql({
        count,
        now: new Date(),
        days: 0.000002,
        customerIds: customers.map((c) => c.id),
        owners: [{ id: agent.user.id, departmentId: team.id }],
        categoryIds,
      }),
    );
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = `/api/tickets?view=all&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await agent.get(query);
      expect(page.status).toBe(200);
      for (const ticket of page.body.items) {
        expect(seen.has(ticket.id)).toBe(false);
        seen.add(ticket.id);
      }
      cursor = page.body.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 50);
    expect(seen.size).toBe(count);
  });
});
