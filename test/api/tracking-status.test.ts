import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipments } from '../../src/modules/shipments/tables.ts';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment, trackingEvent } from '../support/tracking-factories.ts';

let t: TestApp;
let ops: Client;
let otherOps: Client;
let customerId: string;
let departmentId: string;

beforeAll(async () => {
  t = await startTestApp();
  departmentId = (await createDepartment(t, { name: '海运进口部' })).id;
  const otherDept = (await createDepartment(t, { name: '空运出口部' })).id;
  ops = await t.userClient('operations', { departmentId, name: '海进操作' });
  otherOps = await t.userClient('operations', { departmentId: otherDept });
  customerId = (await createCustomer(t, { ownerId: t.admin.user.id })).id;
});
afterAll(() => t?.close());

const send = async (events: unknown[]) => {
  const response = await ops.post('/api/tracking-events', { events });
  expect(response.status).toBe(200);
  return response.body;
};

describe('derived status and timeline', () => {
  it('late and out-of-order events give the status of the latest actual milestone by event time', async () => {
    const shipment = await createShipment(t, {
      customerId,
      departmentId,
      origin: 'CNSHA',
      destination: 'DEHAM',
    });
    const source = 'test:order';
    const on = (over: Record<string, unknown>) => trackingEvent({ source, shipmentId: shipment.id, ...over });
    // Arrival at the destination arrives first, then the (earlier) departure arrives late.
    await send([on({ eventCode: 'ARRIVED', location: 'DEHAM', eventTime: '2026-04-20T06:00:00+02:00' })]);
    await send([on({ eventCode: 'DEPARTED', location: 'CNSHA', eventTime: '2026-03-14T09:30:00+08:00' })]);
    let view = await ops.get(`/api/shipments/${shipment.id}/events`);
    expect(view.status).toBe(200);
    expect(view.body.status).toBe('ARRIVED');
    expect(view.body.derived.actualArrival).toBe('2026-04-20T06:00:00+02:00');
    expect(view.body.timeline.map((r: any) => r.eventCode)).toEqual(['DEPARTED', 'ARRIVED']);
    let [row] = await t.ctx.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    expect(row.status).toBe('arrived');
    // Two estimates of delivery: the most recently issued wins even when it arrives first.
    const newer = on({
      eventCode: 'DELIVERED',
      classifier: 'EST',
      sourceEventId: 'eta-2',
      location: 'DEHAM',
      eventTime: '2026-04-23T10:00:00+02:00',
      updatedAt: '2026-04-20T08:00:00Z',
    });
    const older = on({
      eventCode: 'DELIVERED',
      classifier: 'EST',
      sourceEventId: 'eta-1',
      location: 'DEHAM',
      eventTime: '2026-04-21T10:00:00+02:00',
      updatedAt: '2026-04-10T08:00:00Z',
    });
    await send([newer]);
    await send([older]);
    view = await ops.get(`/api/shipments/${shipment.id}/events`);
    expect(view.body.derived.expectedDelivery.eventTime).toBe('2026-04-23T10:00:00+02:00');
    [row] = await t.ctx.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    expect(row.estimatedDeliveryAt?.toISOString()).toBe('2026-04-23T08:00:00.000Z');
    // Delivered, then the carrier withdraws the delivery: the status falls back.
    const delivered = on({
      eventCode: 'DELIVERED',
      sourceEventId: 'dlv',
      location: 'DEHAM',
      eventTime: '2026-04-23T09:12:00+02:00',
      updatedAt: '2026-04-23T09:15:00+02:00',
    });
    await send([delivered]);
    [row] = await t.ctx.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    expect(row.status).toBe('delivered');
    expect(row.deliveredAt?.toISOString()).toBe('2026-04-23T07:12:00.000Z');
    const retracted = await send([
      { source, sourceEventId: 'dlv', retracted: true, updatedAt: '2026-04-23T12:00:00+02:00' },
    ]);
    expect(retracted.results[0].outcome).toBe('retracted');
    view = await ops.get(`/api/shipments/${shipment.id}/events`);
    expect(view.body.status).toBe('ARRIVED');
    [row] = await t.ctx.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    expect(row.status).toBe('arrived');
    expect(row.deliveredAt).toBeNull();
    // Staff see the tombstone and the raw payloads; the customer sees neither.
    const tombstone = view.body.events.find((e: any) => e.sourceEventId === 'dlv');
    expect(tombstone.retracted).toBe(true);
    expect(view.body.events.every((e: any) => 'raw' in e)).toBe(true);
    const portal = await t.userClient('portal', { customerId });
    const mine = await portal.get(`/api/portal/shipments/${shipment.id}/events`);
    expect(mine.status).toBe(200);
    expect(mine.body.status).toBe('ARRIVED');
    expect(mine.body.events.some((e: any) => e.sourceEventId === 'dlv')).toBe(false);
    expect(mine.body.events.some((e: any) => 'raw' in e)).toBe(false);
    const stranger = await t.userClient('portal', {
      customerId: (await createCustomer(t, { ownerId: t.admin.user.id })).id,
    });
    expect((await stranger.get(`/api/portal/shipments/${shipment.id}/events`)).status).toBe(404);
  });
});

describe('manual milestones', () => {
  it("are entered by operations of the shipment's department, supervisors and admins", async () => {
    const shipment = await createShipment(t, { customerId, departmentId, destination: 'DEHAM' });
    const path = `/api/shipments/${shipment.id}/events`;
    const body = {
      eventCode: 'CUSTOMS_RELEASED',
      classifier: 'ACT',
      eventTime: '2026-04-21T15:00:00+02:00',
      location: 'deham',
      locationName: 'Hamburg customs',
      remark: '客户已付关税',
    };
    const created = await ops.post(path, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      eventCode: 'CUSTOMS_RELEASED',
      classifier: 'ACT',
      location: 'DEHAM',
      source: 'manual',
      eventTimeText: '2026-04-21T15:00:00+02:00',
      details: { remark: '客户已付关税' },
    });
    expect(created.body.recordedByName).toBe('海进操作');
    const [row] = await t.ctx.db.select().from(shipments).where(eq(shipments.id, shipment.id));
    expect(row.status).toBe('customs_released');
    expect((await otherOps.post(path, body)).status).toBe(403);
    expect((await (await t.userClient('agent')).post(path, body)).status).toBe(403);
    const noZone = await ops.post(path, { ...body, eventTime: '2026-04-21T15:00:00' });
    expect(noZone.status).toBe(422);
    expect(noZone.body.errors[0]).toMatchObject({ field: 'eventTime' });
    const badPlace = await ops.post(path, { ...body, location: 'HAMBURG' });
    expect(badPlace.status).toBe(422);
    expect(badPlace.body.errors[0].field).toBe('location');
    expect((await ops.post(path, { ...body, eventCode: 'BEAMED' })).status).toBe(400);
    // The customer does not see staff remarks.
    const portal = await t.userClient('portal', { customerId });
    const seen = await portal.get(`/api/portal/shipments/${shipment.id}/events`);
    expect(seen.body.events[0].details).toEqual({});
    expect(seen.body.events[0].recordedByName).toBeNull();
  });
});
