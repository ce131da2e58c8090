import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, runDemo } from '../../src/cli/demo.ts';
import { type ShipmentDemoStats, loadShipmentDemo } from '../../src/demo/shipments.ts';
import { Client, type TestApp, startTestApp } from '../support/harness.ts';

/** The shipments demo: statuses and exceptions derived by the real ingestion, loaded once. */
describe('shipments demo data', () => {
  let t: TestApp;
  let stats: ShipmentDemoStats | null;
  const one = async <T = number>(query: string): Promise<T> => {
    const [row] = await t.ctx.database.query<{ v: T }>(sql.raw(query));
    return row.v;
  };

  beforeAll(async () => {
    t = await startTestApp({ now: () => new Date('2026-11-20T04:00:00Z') });
    await runDemo(t.ctx, { customers: 30, seed: 'cargo-test' });
    stats = await loadShipmentDemo(t.ctx, { seed: 'cargo-test', shipments: 60 });
  }, 180_000);
  afterAll(() => t?.close());

  it('loads shipments of every operations department with milestones, and derives their state', async () => {
    expect(stats).not.toBeNull();
    expect(stats!.shipments).toBe(60);
    expect(await one('select count(*)::int as v from shipments')).toBe(60);
    expect(stats!.events).toBe(await one('select count(*)::int as v from tracking_events'));
    expect(await one('select count(distinct mode)::int as v from shipments')).toBeGreaterThanOrEqual(5);
    // Delivered and under-way shipments both exist, and a delivered one has its delivery time.
    expect(await one(`select count(*)::int as v from shipments where status = 'delivered'`)).toBeGreaterThan(
      20,
    );
    expect(await one(`select count(*)::int as v from shipments where status <> 'delivered'`)).toBeGreaterThan(
      5,
    );
    expect(
      await one(
        `select count(*)::int as v from shipments where status = 'delivered' and delivered_at is null`,
      ),
    ).toBe(0);
    // Every actual milestone lies in the past of the demo clock.
    expect(
      await one(
        `select count(*)::int as v from tracking_events where classifier = 'ACT' and event_time > '2026-11-20T04:00:00Z'`,
      ),
    ).toBe(0);
    // Identifiers pass their own checks (the service would have refused them otherwise).
    expect(
      await one(`select count(*)::int as v from shipments where cardinality(containers) > 0`),
    ).toBeGreaterThan(5);
  });

  it('raises exceptions through the rules, not by hand, and the owners get their tasks', async () => {
    expect(stats!.exceptions).toBeGreaterThan(3);
    expect(stats!.exceptions).toBe(await one('select count(*)::int as v from shipment_exceptions'));
    expect(
      await one(`select count(*)::int as v from shipment_exceptions where kind = 'delay'`),
    ).toBeGreaterThan(0);
    // Exceptions are a minority: the demo company mostly delivers on time.
    expect(stats!.exceptions).toBeLessThan(stats!.shipments / 2);
    expect(await one(`select count(*)::int as v from shipment_exceptions where follow_up_id is null`)).toBe(
      0,
    );
    // The open-exception counter on each shipment agrees with the exceptions.
    expect(
      await one(`select count(*)::int as v from shipments s where open_exceptions <>
        (select count(*) from shipment_exceptions x where x.shipment_id = s.id and x.status <> 'resolved')`),
    ).toBe(0);
  });

  it('shows an operations user their department’s shipments, exceptions first', async () => {
    const ops = new Client(t.baseUrl);
    expect((await ops.login('sea-exp@demo.liaison.local', DEMO_PASSWORD)).status).toBe(200);
    const list = await ops.get('/api/shipments?limit=100');
    expect(list.status).toBe(200);
    const modes = new Set(list.body.items.map((s: { mode: string }) => s.mode));
    expect([...modes]).toEqual(['sea']);
    const counts = list.body.items.map((s: { openExceptions: number }) => s.openExceptions);
    expect(counts).toEqual([...counts].sort((a: number, b: number) => b - a));
  });

  it('is loaded only once', async () => {
    expect(await loadShipmentDemo(t.ctx, { seed: 'cargo-test', shipments: 60 })).toBeNull();
    expect(await one('select count(*)::int as v from shipments')).toBe(60);
  });
});
