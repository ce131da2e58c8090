import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyNotificationSignature } from '../../src/domain/feeds/signature.ts';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import { shipmentReferences, shipments } from '../../src/modules/shipments/tables.ts';
import { trackingEvents } from '../../src/modules/tracking/tables.ts';
import { type CustomerRow, createCustomer, createDepartment, portalUser } from '../support/factories.ts';
import { type Client, type Response, type TestApp, startTestApp } from '../support/harness.ts';

let t: TestApp;
let customerA: CustomerRow;
let customerB: CustomerRow;
let portalA: Client;
let portalB: Client;
let departmentId: string;
const SECRET = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');

type ShipmentInsert = typeof shipments.$inferInsert;
type EventInsert = typeof trackingEvents.$inferInsert;

let shipmentSeq = 0;
async function shipment(customerId: string, over: Partial<ShipmentInsert> = {}) {
  const [row] = await t.ctx.db
    .insert(shipments)
    .values({
      id: uuidv7(),
      number: `LS2611${String(900000 + ++shipmentSeq)}`,
      customerId,
      departmentId,
      mode: 'sea',
      ...over,
    })
    .returning();
  return row!;
}

let eventSeq = 0;
async function event(s: { id: string; customerId: string }, over: Partial<EventInsert> = {}) {
  const time = over.eventTimeText ?? '2026-11-07T05:48:00+08:00';
  const updated = new Date(Date.UTC(2026, 10, 1, 0, ++eventSeq));
  const [row] = await t.ctx.db
    .insert(trackingEvents)
    .values({
      id: uuidv7(),
      shipmentId: s.id,
      customerId: s.customerId,
      eventCode: 'DEPARTED',
      classifier: 'ACT',
      eventTime: new Date(time),
      eventTimeText: time,
      location: 'CNSHA',
      source: 'manual',
      sourceEventId: `ev-${eventSeq}`,
      sourceUpdatedAt: updated,
      sourceUpdatedText: updated.toISOString(),
      updatedAt: updated,
      receivedAt: updated,
      ...over,
    })
    .returning();
  return row!;
}

// The stored set: customer A has a sea shipment (booking, B/L, container) and an air shipment;
// customer B one sea shipment.
let seaA: Awaited<ReturnType<typeof shipment>>;
let airA: Awaited<ReturnType<typeof shipment>>;
let seaB: Awaited<ReturnType<typeof shipment>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  departmentId = (await createDepartment(t, { name: '海运出口部' })).id;
  const owner = await t.userClient('agent', { name: '客服' });
  customerA = await createCustomer(t, { ownerId: owner.user.id, name: '宁波远航贸易有限公司' });
  customerB = await createCustomer(t, { ownerId: owner.user.id, name: '苏州精密机械有限公司' });
  portalA = await portalUser(t, customerA.id);
  portalB = await portalUser(t, customerB.id);
  seaA = await shipment(customerA.id, {
    bookingRef: 'ABC709951',
    houseBl: 'LSHB2611001',
    masterBl: 'MAEU2411000231',
    containers: ['APZU4812090'],
    customerReference: 'NB-PO-17',
  });
  airA = await shipment(customerA.id, { mode: 'air', awb: '784-12345675' });
  seaB = await shipment(customerB.id, { bookingRef: 'XYZ000111', containers: ['MAEU1234567'] });

  ids.booked = (await event(seaA, { eventCode: 'BOOKED', location: null })).id;
  ids.gateIn = (await event(seaA, { eventCode: 'GATE_IN', eventTimeText: '2026-11-05T16:02:00+08:00' })).id;
  ids.loaded = (
    await event(seaA, {
      eventCode: 'LOADED',
      eventTimeText: '2026-11-06T23:31:00+08:00',
      details: { equipmentReference: 'APZU4812090', vesselName: 'Ever Given', vesselIMONumber: '9811000' },
    })
  ).id;
  ids.departed = (
    await event(seaA, {
      details: { vesselIMONumber: '9811000', voyage: '2245W', transportCallID: 'TC-SHA-1' },
    })
  ).id;
  ids.eta = (
    await event(seaA, {
      eventCode: 'ARRIVED',
      classifier: 'EST',
      eventTimeText: '2026-12-08T14:00:00+01:00',
      location: 'DEHAM',
    })
  ).id;
  ids.damaged = (await event(seaA, { eventCode: 'DAMAGED' })).id; // no DCSA 2.2 code: not published
  ids.retracted = (await event(seaA, { retracted: true })).id; // withdrawn: not published
  ids.issued = (
    await event(seaA, {
      eventCode: 'DOCUMENT_STATUS',
      sourceCode: 'SHIPMENT:TRD:ISSU',
      source: 'dcsa:MAEU',
      location: null,
      details: { documentTypeCode: 'TRD', documentID: 'MAEU2411000231' },
    })
  ).id;
  ids.airDeparted = (await event(airA, { location: 'CNPVG' })).id;
  ids.airDelivered = (await event(airA, { eventCode: 'DELIVERED', location: 'DEFRA' })).id;
  ids.bArrived = (await event(seaB, { eventCode: 'ARRIVED', location: 'USLAX' })).id;
});
afterAll(async () => {
  await t?.close();
});

const A_PUBLISHED = [
  'booked',
  'gateIn',
  'loaded',
  'departed',
  'eta',
  'issued',
  'airDeparted',
  'airDelivered',
] as const;
const eventIds = (body: any[]) => body.map((e) => e.eventID);
const named = (...names: string[]) => names.map((n) => ids[n]);

describe('GET /v2/events', () => {
  it('serves every publishable event as DCSA 2.2, oldest change first, with API-Version', async () => {
    const r = await t.admin.get('/v2/events');
    expect(r.status).toBe(200);
    expect(r.headers.get('api-version')).toBe('2.2.0');
    expect(eventIds(r.body)).toEqual(named(...A_PUBLISHED, 'bArrived'));
    const departed = r.body.find((e: any) => e.eventID === ids.departed);
    expect(departed).toMatchObject({
      eventType: 'TRANSPORT',
      transportEventTypeCode: 'DEPA',
      eventClassifierCode: 'ACT',
      eventDateTime: '2026-11-07T05:48:00+08:00',
      transportCall: { transportCallID: 'TC-SHA-1', UNLocationCode: 'CNSHA', exportVoyageNumber: '2245W' },
      documentReferences: [
        { documentReferenceType: 'BKG', documentReferenceValue: 'ABC709951' },
        { documentReferenceType: 'TRD', documentReferenceValue: 'LSHB2611001' },
      ],
    });
    expect(departed.references).toContainEqual({ referenceType: 'FF', referenceValue: seaA.number });
    const issued = r.body.find((e: any) => e.eventID === ids.issued);
    expect(issued).toMatchObject({
      eventType: 'SHIPMENT',
      shipmentEventTypeCode: 'ISSU',
      documentTypeCode: 'TRD',
    });
    expect(r.body.find((e: any) => e.eventID === ids.airDelivered)).toMatchObject({
      eventType: 'EQUIPMENT',
      equipmentEventTypeCode: 'DROP',
    });
  });

  it('filters by event type and type codes (lists OR, filters AND)', async () => {
    const get = async (q: string) => eventIds((await t.admin.get(`/v2/events?${q}`)).body);
    expect(await get('eventType=SHIPMENT')).toEqual(named('booked', 'issued'));
    expect(await get(`eventType=SHIPMENT,TRANSPORT&customerId=${customerB.id}`)).toEqual(named('bArrived'));
    expect(await get('transportEventTypeCode=DEPA')).toEqual(named('departed', 'airDeparted'));
    expect(await get('equipmentEventTypeCode=GTIN,LOAD')).toEqual(named('gateIn', 'loaded'));
    expect(await get('shipmentEventTypeCode=ISSU&documentTypeCode=TRD')).toEqual(named('issued'));
    expect(await get('shipmentEventTypeCode=CONF&documentTypeCode=BKG')).toEqual(named('booked'));
    expect(await get('shipmentEventTypeCode=DRFT&equipmentEventTypeCode=GTIN')).toEqual([]);
  });

  it('filters by references, place, vessel and creation time', async () => {
    const get = async (q: string) => eventIds((await t.admin.get(`/v2/events?${q}`)).body);
    expect(await get('carrierBookingReference=abc709951')).toEqual(
      named('booked', 'gateIn', 'loaded', 'departed', 'eta', 'issued'),
    );
    expect(await get('transportDocumentReference=MAEU2411000231&eventType=TRANSPORT')).toEqual(
      named('departed', 'eta'),
    );
    expect(await get('transportDocumentReference=784-12345675')).toEqual(
      named('airDeparted', 'airDelivered'),
    );
    expect(await get('equipmentReference=MAEU1234567')).toEqual(named('bArrived'));
    expect(await get('UNLocationCode=deham')).toEqual(named('eta'));
    expect(await get('vesselIMONumber=9811000')).toEqual(named('loaded', 'departed'));
    expect(await get('transportCallID=TC-SHA-1&exportVoyageNumber=2245W')).toEqual(named('departed'));
    // Events were stored one minute apart from 2026-11-01T00:01Z: booked 00:01, gateIn 00:02 …
    expect(
      await get(
        `eventCreatedDateTime:gte=${encodeURIComponent('2026-11-01T08:02:00+08:00')}&eventCreatedDateTime:lt=2026-11-01T00:04:00Z`,
      ),
    ).toEqual(named('gateIn', 'loaded'));
    expect(await get('eventCreatedDateTime=2026-11-01T00:01:00Z')).toEqual(named('booked'));
  });

  it('refuses unknown codes, parameters and API versions with a precise problem', async () => {
    const bad = await t.admin.get('/v2/events?equipmentEventTypeCode=GTIN,LODE');
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ field: 'equipmentEventTypeCode' });
    expect(bad.body.errors[0].message).toMatch(/LODE/);
    expect((await t.admin.get('/v2/events?sortBy=x')).status).toBe(400);
    expect((await t.admin.get('/v2/events?eventCreatedDateTime:gte=yesterday')).status).toBe(422);
    const v3 = await t.admin.get('/v2/events', { 'API-Version': '3' });
    expect(v3.status).toBe(400);
    expect((await t.admin.get('/v2/events', { 'API-Version': '2' })).status).toBe(200);
    expect((await t.admin.get('/v2/events?cursor=not-a-cursor')).status).toBe(400);
    const unknown = await t.admin.get('/v2/shipments');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/problem\+json/);
    const forged = Buffer.from(
      JSON.stringify({ f: { eventType: ['PARCEL'] }, c: {}, cust: null, a: 0, l: 5 }),
    ).toString('base64url');
    expect((await t.admin.get(`/v2/events?cursor=${forged}`)).status).toBe(422);
  });

  it('pages with Current-Page, Next-Page and First-Page links that keep the filters', async () => {
    const seen: string[] = [];
    let url: string | null = '/v2/events?limit=3';
    let pages = 0;
    let firstLink: string | null = null;
    while (url) {
      const r: Response = await t.admin.get(url);
      expect(r.status).toBe(200);
      expect(r.body.length).toBeLessThanOrEqual(3);
      expect(r.headers.get('current-page')).toMatch(/^http:\/\/.+\/v2\/events\?cursor=/);
      if (pages > 0) firstLink = r.headers.get('first-page');
      else expect(r.headers.get('first-page')).toBeNull();
      seen.push(...eventIds(r.body));
      const next: string | null = r.headers.get('next-page');
      url = next ? new URL(next).pathname + new URL(next).search : null;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(named(...A_PUBLISHED, 'bArrived'));
    const first = await t.admin.get(new URL(firstLink!).pathname + new URL(firstLink!).search);
    expect(eventIds(first.body)).toEqual(named('booked', 'gateIn', 'loaded'));

    const equipment: string[] = [];
    let next: string | null = '/v2/events?eventType=EQUIPMENT&limit=1';
    while (next) {
      const r: Response = await portalA.get(next);
      equipment.push(...eventIds(r.body));
      const link: string | null = r.headers.get('next-page');
      next = link ? new URL(link).pathname + new URL(link).search : null;
    }
    expect(equipment).toEqual(named('gateIn', 'loaded', 'airDelivered'));
  });

  it('a replaced event moves to the end of the feed, where a poller finds it again', async () => {
    const r1 = await t.admin.get(`/v2/events?customerId=${customerB.id}`);
    const last = r1.headers.get('current-page');
    expect(eventIds(r1.body)).toEqual(named('bArrived'));
    await t.ctx.db
      .update(trackingEvents)
      .set({
        seq: 1_000_000,
        eventTimeText: '2026-11-09T10:00:00-08:00',
        updatedAt: new Date('2026-11-10T00:00:00Z'),
      })
      .where(eq(trackingEvents.id, ids.bArrived!));
    const again = await t.admin.get(new URL(last!).pathname + new URL(last!).search);
    expect(again.body).toEqual([
      expect.objectContaining({ eventID: ids.bArrived, eventDateTime: '2026-11-09T10:00:00-08:00' }),
    ]);
  });
});

describe('who sees what', () => {
  it('a portal user sees only their company’s shipments', async () => {
    const r = await portalA.get('/v2/events');
    expect(r.status).toBe(200);
    expect(eventIds(r.body)).toEqual(named(...A_PUBLISHED));
    expect(eventIds((await portalB.get('/v2/events')).body)).toEqual(named('bArrived'));
    expect((await portalA.get(`/v2/events?customerId=${customerB.id}`)).status).toBe(404);
    expect(eventIds((await portalA.get(`/v2/events?customerId=${customerA.id}`)).body)).toEqual(
      named(...A_PUBLISHED),
    );
  });

  it('staff see all or one customer; nobody without a login', async () => {
    const ops = await t.userClient('operations', { departmentId });
    expect(eventIds((await ops.get(`/v2/events?customerId=${customerB.id}`)).body)).toEqual(
      named('bArrived'),
    );
    expect((await t.anonymous().get('/v2/events')).status).toBe(401);
    expect((await t.anonymous().get('/v2/event-subscriptions')).status).toBe(401);
    const bearer = t.anonymous();
    bearer.bearer = 'not-a-token';
    expect((await bearer.get('/v2/events')).status).toBe(401);
  });

  it('a customer system calls with the API token an admin issued for its portal user (no cookie, no CSRF)', async () => {
    const token = await t.admin.post('/api/auth/tokens', {
      name: 'ERP DCSA client',
      userId: portalA.user.id,
    });
    expect(token.status).toBe(201);
    const erp = t.anonymous();
    erp.bearer = token.body.token;
    expect(eventIds((await erp.get('/v2/events?eventType=TRANSPORT')).body)).toEqual(
      named('departed', 'eta', 'airDeparted'),
    );
    const sub = await erp.post('/v2/event-subscriptions', {
      callbackUrl: 'https://erp.example.cn/cb',
      secret: SECRET,
    });
    expect(sub.status).toBe(201);
    expect(sub.body.customerId).toBe(customerA.id);
    expect((await erp.delete(`/v2/event-subscriptions/${sub.body.subscriptionID}`)).status).toBe(204);
  });

  it('a cookie session needs the CSRF token for writes', async () => {
    const r = await portalA.post(
      '/v2/event-subscriptions',
      { callbackUrl: 'http://127.0.0.1:9/cb', secret: SECRET },
      { 'x-csrf-token': 'wrong' },
    );
    expect(r.status).toBe(403);
  });
});

describe('/v2/event-subscriptions', () => {
  it('create, read, alter, change the secret and stop — the secret never comes back', async () => {
    const created = await portalA.post('/v2/event-subscriptions', {
      callbackUrl: 'https://erp.example.cn/dcsa/callback',
      secret: SECRET,
      eventType: ['TRANSPORT', 'EQUIPMENT'],
      transportEventTypeCode: ['ARRI'],
      carrierBookingReference: 'ABC709951',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('api-version')).toBe('2.2.0');
    expect(created.body).toEqual({
      subscriptionID: expect.any(String),
      callbackUrl: 'https://erp.example.cn/dcsa/callback',
      eventType: ['TRANSPORT', 'EQUIPMENT'],
      transportEventTypeCode: ['ARRI'],
      carrierBookingReference: 'ABC709951',
      customerId: customerA.id,
    });
    const id = created.body.subscriptionID;
    expect(JSON.stringify(created.body)).not.toContain(SECRET);

    const list = await portalA.get('/v2/event-subscriptions');
    expect(list.body.map((s: any) => s.subscriptionID)).toContain(id);
    expect(JSON.stringify(list.body)).not.toContain('secret');
    expect((await portalB.get('/v2/event-subscriptions')).body).toEqual([]);
    expect((await portalB.get(`/v2/event-subscriptions/${id}`)).status).toBe(404);
    expect((await t.admin.get(`/v2/event-subscriptions/${id}`)).body.customerId).toBe(customerA.id);

    const altered = await portalA.put(`/v2/event-subscriptions/${id}`, {
      subscriptionID: id,
      callbackUrl: 'https://erp.example.cn/dcsa/v2',
      shipmentEventTypeCode: ['ISSU', 'RELS'],
    });
    expect(altered.status).toBe(200);
    expect(altered.body).toEqual({
      subscriptionID: id,
      callbackUrl: 'https://erp.example.cn/dcsa/v2',
      shipmentEventTypeCode: ['ISSU', 'RELS'],
      customerId: customerA.id,
    });
    const withSecret = await portalA.put(`/v2/event-subscriptions/${id}`, {
      callbackUrl: 'https://erp.example.cn/dcsa/v2',
      secret: SECRET,
    });
    expect(withSecret.status).toBe(400);
    expect(JSON.stringify(withSecret.body)).toContain('secret');

    const newSecret = Buffer.alloc(48, 7).toString('base64');
    const changed = await portalA.put(`/v2/event-subscriptions/${id}/secret`, { secret: newSecret });
    expect(changed.status).toBe(204);
    expect(await t.ctx.services.dcsa.signingSecret(id)).toBe(newSecret);

    const audit = await t.ctx.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    expect(audit.map((a) => a.action).sort()).toEqual([
      'dcsa_subscription.created',
      'dcsa_subscription.secret_changed',
      'dcsa_subscription.updated',
    ]);
    expect(JSON.stringify(audit)).not.toContain(newSecret);

    expect((await portalB.delete(`/v2/event-subscriptions/${id}`)).status).toBe(404);
    expect((await portalA.delete(`/v2/event-subscriptions/${id}`)).status).toBe(204);
    expect((await portalA.get(`/v2/event-subscriptions/${id}`)).status).toBe(404);
    expect(await t.ctx.services.dcsa.signingSecret(id)).toBeNull();
  });

  it('refuses bad input field by field, and staff other than admins', async () => {
    const post = (client: Client, body: Record<string, unknown>) =>
      client.post('/v2/event-subscriptions', body);
    const ok = { callbackUrl: 'https://erp.example.cn/cb', secret: SECRET };
    const short = await post(portalA, { ...ok, secret: Buffer.from('short').toString('base64') });
    expect(short.status).toBe(422);
    expect(short.body.errors[0]).toMatchObject({ field: 'secret' });
    expect((await post(portalA, { ...ok, secret: 'not base64 at all!' })).status).toBe(422);
    expect((await post(portalA, { callbackUrl: ok.callbackUrl })).status).toBe(400);
    const url = await post(portalA, { ...ok, callbackUrl: 'ftp://erp.example.cn/cb' });
    expect(url.status).toBe(422);
    expect(url.body.errors[0].field).toBe('callbackUrl');
    for (const internal of [
      'http://localhost:8080/cb',
      'http://10.1.2.3/cb',
      'http://192.168.1.10/cb',
      'http://169.254.169.254/latest',
      'http://[::1]/cb',
      'https://erp.internal/cb',
    ]) {
      expect((await post(portalA, { ...ok, callbackUrl: internal })).status).toBe(422);
    }
    expect((await post(portalA, { ...ok, equipmentEventTypeCode: ['LODE'] })).status).toBe(400);
    expect((await post(portalA, { ...ok, colour: 'red' })).status).toBe(400);
    expect((await post(portalA, { ...ok, customerId: customerB.id })).status).toBe(404);
    const adminNoCustomer = await post(t.admin, ok);
    expect(adminNoCustomer.status).toBe(422);
    expect(adminNoCustomer.body.errors[0].field).toBe('customerId');
    const adminFor = await post(t.admin, { ...ok, customerId: customerB.id });
    expect(adminFor.status).toBe(201);
    expect((await t.admin.get(`/v2/event-subscriptions?customerId=${customerB.id}`)).body).toHaveLength(1);
    const agent = await t.userClient('agent');
    expect((await post(agent, { ...ok, customerId: customerA.id })).status).toBe(403);
    expect((await agent.get('/v2/event-subscriptions')).status).toBe(403);
    expect((await t.admin.delete(`/v2/event-subscriptions/${adminFor.body.subscriptionID}`)).status).toBe(
      204,
    );
  });

  it('pages the list with a Next-Page link', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await portalB.post('/v2/event-subscriptions', {
        callbackUrl: `https://b.example.com/${i}`,
        secret: SECRET,
      });
      made.push(r.body.subscriptionID);
    }
    const first = await portalB.get('/v2/event-subscriptions?limit=2');
    expect(first.body).toHaveLength(2);
    const next = new URL(first.headers.get('next-page')!);
    const second = await portalB.get(next.pathname + next.search);
    expect([...first.body, ...second.body].map((s: any) => s.subscriptionID)).toEqual(made);
    expect(second.headers.get('next-page')).toBeNull();
    for (const id of made) await portalB.delete(`/v2/event-subscriptions/${id}`);
  });
});

describe('signed callbacks', () => {
  let server: Server;
  let baseUrl: string;
  const received: { headers: Record<string, unknown>; raw: Buffer }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('publish queues one callback per matching subscription and event version; delivery is signed', async () => {
    // The receiver listens on loopback: portal users may not aim callbacks there, admins may.
    const refused = await portalA.post('/v2/event-subscriptions', {
      callbackUrl: `${baseUrl}/dcsa`,
      secret: SECRET,
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe('callbackUrl');
    const sub = await t.admin.post('/v2/event-subscriptions', {
      callbackUrl: `${baseUrl}/dcsa`,
      secret: SECRET,
      transportEventTypeCode: ['ARRI'],
      customerId: customerA.id,
    });
    const other = await t.admin.post('/v2/event-subscriptions', {
      callbackUrl: `${baseUrl}/b`,
      secret: SECRET,
      customerId: customerB.id,
    });
    expect(sub.status).toBe(201);
    const arrived = await event(seaA, {
      eventCode: 'ARRIVED',
      location: 'DEHAM',
      eventTimeText: '2026-12-08T15:10:00+01:00',
    });
    const loaded = await event(seaA, { eventCode: 'LOADED' });
    const damaged = await event(seaA, { eventCode: 'DAMAGED' });
    await t.ctx.db.transaction((tx) => t.ctx.services.dcsa.publish(tx, [arrived.id, loaded.id, damaged.id]));
    // Publishing the same version again queues nothing new.
    await t.ctx.db.transaction((tx) => t.ctx.services.dcsa.publish(tx, [arrived.id]));

    const queued = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.channel, 'dcsa_callback'), eq(outboundMessages.refId, arrived.id)));
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      endpointId: sub.body.subscriptionID,
      recipient: `${baseUrl}/dcsa`,
      customerId: customerA.id,
    });
    expect(queued[0]!.payload).toEqual([
      expect.objectContaining({
        eventID: arrived.id,
        eventType: 'TRANSPORT',
        transportEventTypeCode: 'ARRI',
      }),
    ]);
    const forOthers = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.endpointId, other.body.subscriptionID));
    expect(forOthers).toHaveLength(0);
    expect(
      await t.ctx.db.select().from(outboundMessages).where(eq(outboundMessages.refId, loaded.id)),
    ).toHaveLength(0);

    await t.ctx.services.outbound.deliverDue();
    const mine = received.filter((r) => r.raw.toString().includes(arrived.id));
    expect(mine).toHaveLength(1);
    const { headers, raw } = mine[0]!;
    expect(JSON.parse(raw.toString())[0].eventID).toBe(arrived.id);
    expect(verifyNotificationSignature(raw, headers['notification-signature'] as string, SECRET)).toBe(true);
    expect(
      verifyNotificationSignature(raw, headers['notification-signature'] as string, Buffer.alloc(32, 1)),
    ).toBe(false);

    await portalA.delete(`/v2/event-subscriptions/${sub.body.subscriptionID}`);
    await portalB.delete(`/v2/event-subscriptions/${other.body.subscriptionID}`);
  });

  it('an event ingested from a carrier feed reaches the subscriber signed; a re-send does not, an update does', async () => {
    await t.ctx.db
      .insert(shipmentReferences)
      .values({ shipmentId: seaA.id, kind: 'house_bl', value: 'LSHB2611001' });
    const sub = await t.admin.post('/v2/event-subscriptions', {
      callbackUrl: `${baseUrl}/e2e`,
      secret: SECRET,
      eventType: ['TRANSPORT'],
      UNLocationCode: 'NLRTM',
      customerId: customerA.id,
    });
    expect(sub.status).toBe(201);
    const carrierEvent = {
      eventID: 'c8e3a7f2-54d1-4c2b-9f0e-7a6b5c4d3e2f',
      eventType: 'TRANSPORT',
      eventCreatedDateTime: '2026-12-01T06:00:00+01:00',
      eventClassifierCode: 'EST',
      eventDateTime: '2026-12-05T08:00:00+01:00',
      transportEventTypeCode: 'ARRI',
      transportCall: { transportCallID: 'RTM-1', UNLocationCode: 'NLRTM', modeOfTransport: 'VESSEL' },
      documentReferences: [{ documentReferenceType: 'TRD', documentReferenceValue: 'LSHB2611001' }],
    };
    const path = '/api/tracking-events/dcsa?source=dcsa:MAEU';
    const first = await t.admin.post(path, [carrierEvent]);
    expect(first.status).toBe(200);
    expect(first.body.results[0]).toMatchObject({ outcome: 'accepted', shipmentId: seaA.id });
    const again = await t.admin.post(path, [carrierEvent]);
    expect(again.body.results[0].outcome).toBe('duplicate');
    const updated = await t.admin.post(path, {
      events: [
        {
          ...carrierEvent,
          eventUpdatedDateTime: '2026-12-02T06:00:00+01:00',
          eventDateTime: '2026-12-06T09:30:00+01:00',
        },
      ],
    });
    expect(updated.body.results[0].outcome).toBe('replaced');

    await t.ctx.services.outbound.deliverDue();
    const calls = received.filter((r) => r.raw.toString().includes('RTM-1'));
    expect(calls).toHaveLength(2);
    const bodies = calls.map((c) => JSON.parse(c.raw.toString())[0]);
    expect(bodies.map((b) => b.eventDateTime)).toEqual([
      '2026-12-05T08:00:00+01:00',
      '2026-12-06T09:30:00+01:00',
    ]);
    expect(bodies[0]).toMatchObject({
      eventType: 'TRANSPORT',
      transportEventTypeCode: 'ARRI',
      eventClassifierCode: 'EST',
      transportCall: { UNLocationCode: 'NLRTM', transportCallID: 'RTM-1' },
    });
    expect(bodies[0].references).toContainEqual({ referenceType: 'FF', referenceValue: seaA.number });
    expect(bodies[0].eventID).toBe(bodies[1].eventID);
    for (const call of calls) {
      expect(
        verifyNotificationSignature(call.raw, call.headers['notification-signature'] as string, SECRET),
      ).toBe(true);
    }
    // The subscriber's own poll sees the event once, in its latest version.
    const polled = await portalA.get('/v2/events?UNLocationCode=NLRTM');
    expect(polled.body).toEqual([expect.objectContaining({ eventDateTime: '2026-12-06T09:30:00+01:00' })]);
    await portalA.delete(`/v2/event-subscriptions/${sub.body.subscriptionID}`);
  });
});
