import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';

const NOW = new Date('2026-11-20T04:00:00Z');

describe('tracking settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the defaults to staff and lets only admins change them, one mode at a time', async () => {
    const agent = await t.userClient('agent');
    const read = await agent.get('/api/tracking-settings');
    expect(read.status).toBe(200);
    expect(read.body['shipments.silenceHours'].sea).toBe(72);
    expect(read.body['tracking.publicRateLimitPerMinute']).toBe(30);

    expect(
      (await agent.put('/api/tracking-settings', { 'shipments.delayToleranceMinutes': 30 })).status,
    ).toBe(403);
    const manager = await t.userClient('manager');
    expect(
      (await manager.put('/api/tracking-settings', { 'shipments.delayToleranceMinutes': 30 })).status,
    ).toBe(403);
    const portal = await t.userClient('portal', {
      customerId: (await createCustomer(t, { ownerId: t.admin.user.id })).id,
    });
    expect((await portal.get('/api/tracking-settings')).status).toBe(403);

    const changed = await t.admin.put('/api/tracking-settings', {
      'shipments.silenceHours': { road: 2 },
      'notifications.contactDailyCap': 2,
    });
    expect(changed.status).toBe(200);
    expect(changed.body['shipments.silenceHours']).toMatchObject({ road: 2, sea: 72, air: 12 });
    expect(changed.body['notifications.contactDailyCap']).toBe(2);
    expect((await agent.get('/api/tracking-settings')).body['shipments.silenceHours'].road).toBe(2);
  });

  it('refuses values out of bounds, unknown modes and unknown keys, and keeps what was stored', async () => {
    for (const body of [
      { 'shipments.silenceHours': { road: 0 } },
      { 'shipments.silenceHours': { boat: 5 } },
      { 'tracking.publicRateLimitPerMinute': 0 },
      { 'notifications.contactDailyCap': 1.5 },
      { 'shipments.delayToleranceMinutes': -1 },
      { unknown: 1 },
      {},
    ]) {
      const res = await t.admin.put('/api/tracking-settings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await t.admin.get('/api/tracking-settings')).body['shipments.silenceHours'].road).toBe(2);
  });

  it('drives the rules: a shorter silence for road makes a quiet road shipment silent on the next sweep', async () => {
    const customer = await createCustomer(t, { ownerId: t.admin.user.id });
    const shipment = await createShipment(t, {
      customerId: customer.id,
      mode: 'road',
      promisedAt: '2026-12-20T00:00:00Z',
    });
    await t.ctx.database.executeSql(`update shipments set created_at = $2 where id = $1`, [
      shipment.id,
      new Date(NOW.getTime() - 3 * 3_600_000).toISOString(),
    ]);
    // Road's silence is 2 hours now (set above); the default 8 would not have raised it.
    await t.ctx.services.exceptions.sweep(NOW);
    const list = await t.admin.get(`/api/shipment-exceptions?shipmentId=${shipment.id}`);
    expect(list.body.items.map((e: { kind: string }) => e.kind)).toEqual(['silence']);
  });
});
