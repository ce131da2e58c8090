import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';

const NOW = new Date('2026-11-20T04:00:00Z');
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000).toISOString();

// Editing the promise or cancelling re-runs the exception rules at once (found by QA: a promise
// moved before the estimate raised nothing until the next event).
describe('shipment edits and exceptions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
  });
  afterAll(async () => {
    await t.close();
  });

  async function withEstimate(estimateHours: number, promiseHours: number) {
    const customer = await createCustomer(t, { ownerId: t.admin.user.id });
    const shipment = await createShipment(t, { customerId: customer.id, promisedAt: hours(promiseHours) });
    const sent = await t.admin.post('/api/tracking-events', {
      events: [
        {
          shipmentId: shipment.id,
          eventCode: 'DELIVERED',
          classifier: 'EST',
          eventTime: hours(estimateHours),
          source: 'test',
          sourceEventId: `est-${shipment.id}`,
          updatedAt: NOW.toISOString(),
        },
      ],
    });
    expect(sent.status).toBe(200);
    return shipment;
  }

  const openKinds = async (shipmentId: string) =>
    (await t.admin.get(`/api/shipment-exceptions?shipmentId=${shipmentId}`)).body.items
      .filter((e: { status: string }) => e.status !== 'resolved')
      .map((e: { kind: string }) => e.kind);

  it('raises a delay when the promise is moved before the current estimate', async () => {
    const shipment = await withEstimate(100, 200);
    expect(await openKinds(shipment.id)).toEqual([]);
    const current = await t.admin.get(`/api/shipments/${shipment.id}`);
    const patched = await t.admin.patch(`/api/shipments/${shipment.id}`, {
      promisedAt: hours(50),
      version: current.body.version,
    });
    expect(patched.status).toBe(200);
    expect(await openKinds(shipment.id)).toEqual(['delay']);
    expect((await t.admin.get(`/api/shipments/${shipment.id}`)).body.openExceptions).toBe(1);
  });

  it('ends a silence when the shipment is cancelled', async () => {
    const customer = await createCustomer(t, { ownerId: t.admin.user.id });
    const shipment = await createShipment(t, {
      customerId: customer.id,
      mode: 'road',
      promisedAt: hours(500),
    });
    // A road shipment created long ago and never heard of since is silent.
    await t.ctx.database.executeSql(
      `update shipments set created_at = now() - interval '30 days' where id = $1`,
      [shipment.id],
    );
    await t.ctx.services.exceptions.sweep(NOW);
    expect(await openKinds(shipment.id)).toEqual(['silence']);
    const cancelled = await t.admin.post(`/api/shipments/${shipment.id}/cancel`, { reason: '客户取消订单' });
    expect(cancelled.status).toBe(200);
    expect(await openKinds(shipment.id)).toEqual([]);
    expect((await t.admin.get(`/api/shipments/${shipment.id}`)).body.openExceptions).toBe(0);
  });
});
