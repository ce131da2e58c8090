import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, runDemo } from '../../src/cli/demo.ts';
import { type DeskStats, loadDeskDemo } from '../../src/demo/desk.ts';
import { Client, type TestApp, startTestApp } from '../support/harness.ts';

/** The service-desk demo data: plausible, consistent with the rules, and loaded once. */
describe('service desk demo data', () => {
  let t: TestApp;
  let stats: DeskStats | null;
  const one = async <T = number>(query: string): Promise<T> => {
    const [row] = await t.ctx.database.query<{ v: T }>(sql.raw(query));
    return row.v;
  };

  beforeAll(async () => {
    t = await startTestApp({ now: () => new Date('2026-11-20T04:00:00Z') });
    await runDemo(t.ctx, { customers: 120, seed: 'desk-test' });
    stats = await loadDeskDemo(t.ctx, { seed: 'desk-test' });
  });
  afterAll(() => t?.close());

  it('loads tickets with their conversation, work orders, escalations, promises and knowledge', async () => {
    expect(stats).not.toBeNull();
    expect(stats!.tickets).toBe(await one('select count(*)::int as v from tickets'));
    expect(stats!.tickets).toBeGreaterThanOrEqual(150);
    expect(stats!.workOrders).toBeGreaterThan(10);
    expect(stats!.escalations).toBeGreaterThan(3);
    expect(stats!.commitments).toBeGreaterThan(5);
    expect(stats!.articles).toBe(15);
    expect(stats!.templates).toBe(10);
    // Every type and every complaint category occurs.
    expect(await one('select count(distinct type)::int as v from tickets')).toBe(5);
    expect(await one('select count(distinct category_id)::int as v from tickets')).toBe(8);
    expect(await one(`select count(*)::int as v from tickets where status = 'closed'`)).toBeGreaterThan(50);
    expect(
      await one(`select count(*)::int as v from tickets where status in ('open', 'waiting_customer')`),
    ).toBeGreaterThan(5);
    expect(
      await one(
        'select count(*)::int as v from tickets where first_response_breached_at is not null or resolution_breached_at is not null',
      ),
    ).toBeGreaterThan(5);
    // Promises beyond the approval threshold: approved ones, and recent ones still waiting.
    for (const where of [
      `approval_status = 'pending'`,
      `approval_status = 'approved'`,
      `status = 'broken'`,
      `status = 'kept'`,
    ]) {
      expect(await one(`select count(*)::int as v from commitments where ${where}`), where).toBeGreaterThan(
        0,
      );
    }
    expect(
      await one(`select count(*)::int as v from work_orders where status in ('pending', 'accepted')`),
    ).toBeGreaterThan(0);
    // Closing put the 回访 (and for complaints the 二次回访) on the owner's list.
    expect(stats!.followUps).toBe(
      await one(`select count(*)::int as v from follow_ups where source_key like 'ticket:%'`),
    );
    expect(
      await one(`select count(*)::int as v from follow_ups where source_key like 'ticket:%:visit'`),
    ).toBe(await one(`select count(*)::int as v from tickets where status = 'closed'`));
    expect(
      await one(
        `select count(*)::int as v from follow_ups f join tickets t on f.source_key = 'ticket:' || t.id || ':second' where t.type = 'complaint'`,
      ),
    ).toBe(
      await one(`select count(*)::int as v from tickets where status = 'closed' and type = 'complaint'`),
    );
    expect(await one(`select count(*)::int as v from timeline_entries where kind = 'ticket.created'`)).toBe(
      stats!.tickets,
    );
  });

  it('keeps the rules: owners except untaken portal tickets, cards on closed complaints, times in order', async () => {
    expect(
      await one(`select count(*)::int as v from tickets where owner_id is null and status <> 'new'`),
    ).toBe(0);
    expect(
      await one(
        `select count(*)::int as v from tickets where type = 'complaint' and status = 'closed' and (root_cause is null or measures is null or result is null)`,
      ),
    ).toBe(0);
    expect(
      await one(`select count(*)::int as v from tickets where first_responded_at < received_at or resolved_at < received_at
        or closed_at < resolved_at or closed_at > '2026-11-20T04:00:00Z' or received_at > '2026-11-20T04:00:00Z'`),
    ).toBe(0);
    // Open tickets past their due time carry the breach, so the SLA sweeper has nothing to catch up.
    expect(
      await one(
        `select count(*)::int as v from tickets where status in ('new', 'open') and resolution_due_at < '2026-11-20T04:00:00Z' and resolution_breached_at is null`,
      ),
    ).toBe(0);
    expect(
      await one(
        `select count(*)::int as v from work_orders w join tickets t on t.id = w.ticket_id where t.status = 'closed' and w.status <> 'done'`,
      ),
    ).toBe(0);
    expect(
      await one(
        `select count(*)::int as v from tickets where escalation_level > 0 and owner_id not in (select id from users where role = 'supervisor')`,
      ),
    ).toBe(0);
  });

  it('is usable through the API: suggestions, measures and rendering for a demo ticket', async () => {
    const supervisor = new Client(t.baseUrl);
    expect((await supervisor.login('supervisor@demo.liaison.local', DEMO_PASSWORD)).status).toBe(200);
    const ticketId = await one<string>(
      `select t.id::text as v from tickets t join ticket_categories c on c.id = t.category_id where c.code = 'damage' order by t.received_at limit 1`,
    );
    const suggestions = await supervisor.get(`/api/tickets/${ticketId}/suggestions`);
    expect(suggestions.status).toBe(200);
    expect(suggestions.body.articles.length).toBeGreaterThan(0);
    expect(suggestions.body.templates[0].categoryName).toBe('破损');
    const rendered = await supervisor.post(
      `/api/response-templates/${suggestions.body.templates[0].id}/render`,
      {
        ticketId,
      },
    );
    expect(rendered.body.text).not.toContain('{{');
    const measures = await supervisor.get('/api/service-desk/measures?groupBy=category');
    expect(measures.status).toBe(200);
    expect(measures.body.total.tickets).toBeGreaterThan(100);
    expect(measures.body.total.slaAttainment).toBeGreaterThan(0.5);
    expect(measures.body.total.slaAttainment).toBeLessThan(1);
    expect(measures.body.total.promiseKeptRate).toBeGreaterThan(0.5);
  });

  it('loads nothing a second time', async () => {
    expect(await loadDeskDemo(t.ctx, { seed: 'desk-test' })).toBeNull();
  });
});
