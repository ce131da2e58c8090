import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';

// FSU dates carry no year: it is the latest year not after the app's clock, not the wall clock.
describe('IATA FSU dates through the API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: () => new Date('2027-01-05T00:00:00Z') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('places a delivery on 28 December in the year before the app’s 5 January', async () => {
    const customer = await createCustomer(t, { ownerId: t.admin.user.id });
    const shipment = await createShipment(t, { customerId: customer.id, mode: 'air', awb: '020-12345675' });
    const fsu = 'FSU/14\n020-12345675SINLHR/T10K200\nDLV/28DEC1015/LHR/T10K200\n';
    const answer = await t.admin.request('POST', '/api/tracking-events/iata', fsu, {
      'content-type': 'text/plain',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['accepted']);
    const events = await t.admin.get(`/api/shipments/${shipment.id}/events`);
    const delivered = events.body.events.find((e: { eventCode: string }) => e.eventCode === 'DELIVERED');
    expect(new Date(delivered.eventTime).getUTCFullYear()).toBe(2026);
    expect(delivered.eventTime).toMatch(/^2026-12-28/);
  });
});
