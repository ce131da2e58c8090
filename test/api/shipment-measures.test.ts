import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipmentExceptions } from '../../src/modules/exceptions/tables.ts';
import { shipments } from '../../src/modules/shipments/tables.ts';
import { createCustomer, createOrganisation } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';

const at = (iso: string) => new Date(iso);
const plus = (start: string, minutes: number) => new Date(new Date(start).getTime() + minutes * 60_000);
let serial = 0;

describe('shipment measures', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof createOrganisation>>;
  let customerA: string;
  let customerB: string;
  const range = 'from=2026-11-02&to=2026-11-15';

  async function insertShipment(
    values: Partial<typeof shipments.$inferInsert> & { customerId: string; departmentId: string },
  ) {
    const id = uuidv7();
    serial += 1;
    await t.ctx.db.insert(shipments).values({
      id,
      number: `LSM${String(serial).padStart(6, '0')}`,
      mode: 'sea',
      origin: 'CNSHA',
      destination: 'DEHAM',
      ...values,
    });
    return id;
  }

  async function insertException(shipmentId: string, customerId: string, kind: string, status = 'open') {
    await t.ctx.db.insert(shipmentExceptions).values({
      id: uuidv7(),
      shipmentId,
      customerId,
      kind: kind as 'delay',
      status: status as 'open',
    });
  }

  beforeAll(async () => {
    t = await startTestApp({ now: () => at('2026-11-20T04:00:00Z') });
    org = await createOrganisation(t);
    customerA = (await createCustomer(t, { ownerId: org.agent.user.id, name: '甲公司' })).id;
    customerB = (await createCustomer(t, { ownerId: org.otherAgent.user.id, name: '乙公司' })).id;
    const sea = { departmentId: org.seaImport.id };
    const air = {
      departmentId: org.airExport.id,
      mode: 'air' as const,
      origin: 'CNPVG',
      destination: 'USLAX',
    };

    // Week of 2 Nov: S1 on time (delivered 2 h early, POD 3 h after delivery).
    const p1 = '2026-11-03T10:00:00Z';
    await insertShipment({
      ...sea,
      customerId: customerA,
      promisedAt: at(p1),
      deliveredAt: plus(p1, -120),
      podRecordedAt: plus(p1, 60),
    });
    // S2 delivered 1 day late, with a delay and a damage exception; POD 1 h after delivery.
    const p2 = '2026-11-04T10:00:00Z';
    const s2 = await insertShipment({
      ...sea,
      customerId: customerA,
      promisedAt: at(p2),
      deliveredAt: plus(p2, 1440),
      podRecordedAt: plus(p2, 1500),
    });
    await insertException(s2, customerA, 'delay', 'resolved');
    await insertException(s2, customerA, 'damaged');
    // Week of 9 Nov: S3 air, undelivered and the promise passed 3 days before "now" (late so far).
    const p3 = '2026-11-10T04:00:00Z';
    const s3 = await insertShipment({ ...air, customerId: customerB, promisedAt: at(p3) });
    await insertException(s3, customerB, 'silence');
    // Out of range or not counted: promised after the range, cancelled, no promise.
    await insertShipment({ ...sea, customerId: customerA, promisedAt: at('2026-11-16T04:00:00Z') });
    await insertShipment({
      ...sea,
      customerId: customerA,
      promisedAt: at('2026-11-05T04:00:00Z'),
      cancelledAt: at('2026-11-01T00:00:00Z'),
    });
    await insertShipment({ ...sea, customerId: customerA });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('totals on-time rate, delay, exceptions by cause and POD turnaround for the shipments promised in the range', async () => {
    const res = await t.admin.get(`/api/shipment-measures?${range}&groupBy=period&period=week`);
    expect(res.status).toBe(200);
    const total = res.body.total;
    expect(total.shipments).toBe(3);
    expect(total.deliveryDecided).toBe(3);
    expect(total.onTime).toBe(1);
    expect(total.onTimeRate).toBeCloseTo(1 / 3, 4);
    expect(total.late).toBe(2);
    // S2 1 440 min late; S3 undelivered 10 Nov 04:00 → now 20 Nov 04:00 = 14 400 min so far.
    expect(total.averageDelayMinutes).toBeCloseTo((1440 + 14400) / 2, 1);
    expect(total.exceptionShipments).toBe(2);
    expect(total.exceptionRate).toBeCloseTo(2 / 3, 4);
    expect(total.exceptionsByCause).toEqual({
      delay: 1,
      silence: 1,
      damaged: 1,
      hold: 0,
      lost: 0,
      delivery_failed: 0,
    });
    expect(total.podRecorded).toBe(2);
    expect(total.podTurnaroundAvgMinutes).toBeCloseTo((180 + 60) / 2, 1);
    // Two weeks, both present, in order (the 16 Nov shipment is out of range).
    expect(res.body.rows.map((r: { key: string; shipments: number }) => [r.key, r.shipments])).toEqual([
      ['2026-11-02', 2],
      ['2026-11-09', 1],
    ]);
  });

  it('groups by mode, lane, customer and department', async () => {
    const byMode = await t.admin.get(`/api/shipment-measures?${range}&groupBy=mode`);
    expect(byMode.status).toBe(200);
    const modes = Object.fromEntries(
      byMode.body.rows.map((r: { key: string; onTimeRate: number }) => [r.key, r.onTimeRate]),
    );
    expect(modes).toEqual({ sea: 0.5, air: 0 });

    const byLane = await t.admin.get(`/api/shipment-measures?${range}&groupBy=lane`);
    expect(byLane.body.rows.map((r: { key: string }) => r.key).sort()).toEqual([
      'CNPVG-USLAX',
      'CNSHA-DEHAM',
    ]);

    const byCustomer = await t.admin.get(`/api/shipment-measures?${range}&groupBy=customer`);
    const labels = byCustomer.body.rows.map((r: { label: string; shipments: number }) => [
      r.label,
      r.shipments,
    ]);
    expect(labels).toEqual([
      ['甲公司', 2],
      ['乙公司', 1],
    ]);

    const byDepartment = await t.admin.get(`/api/shipment-measures?${range}&groupBy=department`);
    expect(byDepartment.body.rows.map((r: { label: string }) => r.label).sort()).toEqual(
      ['海运进口部', '空运出口部'].sort(),
    );
  });

  it('filters by mode and customer', async () => {
    const air = await t.admin.get(`/api/shipment-measures?${range}&mode=air`);
    expect(air.body.total.shipments).toBe(1);
    const a = await t.admin.get(`/api/shipment-measures?${range}&customerId=${customerA}`);
    expect(a.body.total.shipments).toBe(2);
    expect(a.body.total.onTime).toBe(1);
  });

  it('shows operations users their own department only, and refuses agents and portal users', async () => {
    const ops = await org.operations.get(`/api/shipment-measures?${range}`);
    expect(ops.status).toBe(200);
    expect(ops.body.total.shipments).toBe(1); // the air-export shipment only
    const agent = await org.agent.get(`/api/shipment-measures?${range}`);
    expect(agent.status).toBe(403);
    const portal = await t.userClient('portal', { customerId: customerA });
    expect((await portal.get(`/api/shipment-measures?${range}`)).status).toBe(403);
  });

  it('rejects a bad range with a problem, not a 500', async () => {
    const res = await t.admin.get('/api/shipment-measures?from=2026-11-10&to=2026-11-01');
    expect(res.status).toBe(422);
    expect(res.body.errors?.[0]?.field ?? JSON.stringify(res.body)).toContain('to');
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const bad = await t.admin.get('/api/shipment-measures?groupBy=vessel');
    expect(bad.status).toBe(400);
  });
});
