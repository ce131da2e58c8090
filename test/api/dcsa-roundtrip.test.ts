import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createDepartment, portalUser } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';

/**
 * Two Liaison installations: a forwarder publishing DCSA T&T 2.2 for its customer, and that
 * customer's own system (here another Liaison) polling `GET /v2/events` with a tracking feed. Our
 * provider's paging links and eventCreatedDateTime must be consumable by a standard DCSA poller.
 */
let provider: TestApp;
let consumer: TestApp;
let providerShipmentId: string;
let consumerShipmentId: string;
let feedId: string;

async function shipmentIn(t: TestApp, houseBl: string) {
  const department = await createDepartment(t, { name: '海运出口部' });
  const owner = await t.userClient('agent', { name: '客服' });
  const customer = await createCustomer(t, { ownerId: owner.user.id, name: '宁波远航贸易有限公司' });
  const created = await t.admin.post('/api/shipments', {
    customerId: customer.id,
    departmentId: department.id,
    mode: 'sea',
    houseBl,
    bookingRef: 'RT-BKG-1',
    containers: ['APZU4812090'],
    origin: 'CNNGB',
    destination: 'NLRTM',
  });
  expect(created.status).toBe(201);
  return { customer, shipment: created.body };
}

const milestone = (t: TestApp, id: string, body: Record<string, unknown>) =>
  t.admin.post(`/api/shipments/${id}/events`, body);

beforeAll(async () => {
  provider = await startTestApp();
  consumer = await startTestApp();
  const p = await shipmentIn(provider, 'NGBRT2611001');
  providerShipmentId = p.shipment.id;
  for (const body of [
    { eventCode: 'LOADED', classifier: 'ACT', eventTime: '2026-11-20T14:45:00+08:00', location: 'CNNGB' },
    { eventCode: 'DEPARTED', classifier: 'ACT', eventTime: '2026-11-20T22:10:00+08:00', location: 'CNNGB' },
    { eventCode: 'ARRIVED', classifier: 'EST', eventTime: '2026-12-18T06:00:00+01:00', location: 'NLRTM' },
  ]) {
    expect((await milestone(provider, providerShipmentId, body)).status).toBe(201);
  }
  const portal = await portalUser(provider, p.customer.id);
  const token = await provider.admin.post('/api/auth/tokens', {
    name: 'consumer poller',
    userId: portal.user.id,
  });
  expect(token.status).toBe(201);

  const c = await shipmentIn(consumer, 'NGBRT2611001');
  consumerShipmentId = c.shipment.id;
  const feed = await consumer.admin.post('/api/tracking-feeds', {
    name: '货代 DCSA 接口',
    kind: 'dcsa-2.2',
    source: 'dcsa:FWD',
    baseUrl: `${provider.baseUrl}/v2`,
    apiKey: token.body.token,
  });
  expect(feed.status).toBe(201);
  feedId = feed.body.id;
});
afterAll(async () => {
  await consumer?.close();
  await provider?.close();
});

const consumerEvents = async () =>
  (await consumer.admin.get(`/api/shipments/${consumerShipmentId}/events`)).body.events.filter(
    (e: any) => e.source === 'dcsa:FWD',
  );

describe('Liaison polling Liaison over DCSA T&T 2.2', () => {
  it('the consumer stores what the provider publishes, once, with the DCSA codes', async () => {
    const polled = await consumer.admin.post(`/api/tracking-feeds/${feedId}/poll`);
    expect(polled.status).toBe(200);
    expect(polled.body.lastError).toBeNull();
    expect(polled.body.lastResult).toMatchObject({ accepted: 3, rejected: 0 });
    const events = await consumerEvents();
    expect(events.map((e: any) => [e.eventCode, e.classifier, e.location, e.sourceCode]).sort()).toEqual([
      ['ARRIVED', 'EST', 'NLRTM', 'TRANSPORT:ARRI'],
      ['DEPARTED', 'ACT', 'CNNGB', 'TRANSPORT:DEPA'],
      ['LOADED', 'ACT', 'CNNGB', 'EQUIPMENT:LOAD'],
    ]);
    const shipment = (await consumer.admin.get(`/api/shipments/${consumerShipmentId}`)).body;
    expect(shipment.status).toBe('departed');

    const again = await consumer.admin.post(`/api/tracking-feeds/${feedId}/poll`);
    expect(again.body.lastError).toBeNull();
    expect(again.body.lastResult.accepted).toBe(0);
    expect(await consumerEvents()).toHaveLength(3);
  });

  it('a later milestone at the provider arrives with the next poll', async () => {
    const arrived = await milestone(provider, providerShipmentId, {
      eventCode: 'ARRIVED',
      classifier: 'ACT',
      eventTime: '2026-12-18T07:20:00+01:00',
      location: 'NLRTM',
    });
    expect(arrived.status).toBe(201);
    const polled = await consumer.admin.post(`/api/tracking-feeds/${feedId}/poll`);
    expect(polled.body.lastError).toBeNull();
    expect(polled.body.lastResult.accepted).toBe(1);
    const shipment = (await consumer.admin.get(`/api/shipments/${consumerShipmentId}`)).body;
    expect(shipment.status).toBe('arrived');
  });
});
