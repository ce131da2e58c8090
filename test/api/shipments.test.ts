import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MilestoneEvent, currentStatus } from '../../src/domain/milestones.ts';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { shipmentReferences, shipmentSubscriptions } from '../../src/modules/shipments/tables.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import { trackingEvents } from '../../src/modules/tracking/tables.ts';
import {
  type CustomerRow,
  type Organisation,
  createContact,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment, validAwbNumber, validContainerNumber } from '../support/shipment-factories.ts';

let t: TestApp;
let org: Organisation;
/** Owned by org.agent. */
let customer: CustomerRow;
let otherCustomer: CustomerRow;
let portal: Client;
let otherPortal: Client;

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t);
  customer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '上海远洋物流有限公司',
  });
  otherCustomer = await createCustomer(t, { ownerId: org.otherAgent.user.id, teamId: org.teamB.id });
  portal = await portalUser(t, customer.id);
  otherPortal = await portalUser(t, otherCustomer.id);
});
afterAll(async () => {
  await t?.close();
});

function base(overrides: Record<string, unknown> = {}) {
  return {
    customerId: customer.id,
    departmentId: org.seaImport.id,
    mode: 'sea',
    ...overrides,
  };
}

describe('creating shipments', () => {
  it('creates a shipment with its number, references, timeline entry and audit record', async () => {
    const container = validContainerNumber('MSC');
    const awb = validAwbNumber('784');
    const response = await org.agent.post(
      '/api/shipments',
      base({
        orderNo: 'PO-2026-0042',
        houseBl: 'shha 123 456',
        masterBl: 'MAEU240012345',
        bookingRef: 'BK778899',
        awb,
        containers: [container.toLowerCase().replace(/^(.{4})/, '$1 ')],
        customerReference: 'cust-ref-77',
        origin: 'cn sha',
        destination: 'DEHAM',
        consigneeName: 'Hamburg GmbH',
        consigneePhone: '+49 40 555 0101',
        pieces: 12,
        weightKg: 5230.125,
        volumeM3: 28.5,
        specialHandling: ['DG', 'DG', 'fragile'],
        promisedAt: '2026-12-20T10:00:00+08:00',
      }),
    );
    expect(response.status).toBe(201);
    const s = response.body;
    expect(s.number).toMatch(/^LS\d{4}\d{6}$/);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(s).toMatchObject({
      customerName: '上海远洋物流有限公司',
      ownerName: '张客服',
      departmentName: '海运进口部',
      mode: 'sea',
      origin: 'CNSHA',
      destination: 'DEHAM',
      lane: 'CNSHA-DEHAM',
      containers: [container],
      awb,
      weightKg: 5230.125,
      volumeM3: 28.5,
      specialHandling: ['DG', 'fragile'],
      status: 'created',
      openExceptions: 0,
      consigneePhone: '+49 40 555 0101',
      promisedAt: '2026-12-20T02:00:00.000Z',
      version: 1,
    });
    const refs = await t.ctx.db
      .select({ kind: shipmentReferences.kind, value: shipmentReferences.value })
      .from(shipmentReferences)
      .where(eq(shipmentReferences.shipmentId, s.id));
    expect(refs).toEqual(
      expect.arrayContaining([
        { kind: 'number', value: s.number },
        { kind: 'order', value: 'PO-2026-0042' },
        { kind: 'house_bl', value: 'SHHA123456' },
        { kind: 'master_bl', value: 'MAEU240012345' },
        { kind: 'booking', value: 'BK778899' },
        { kind: 'awb', value: awb.replace('-', '') },
        { kind: 'container', value: container },
        { kind: 'customer_ref', value: 'CUST-REF-77' },
      ]),
    );
    expect(refs).toHaveLength(8);
    const timeline = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.refId, s.id), eq(timelineEntries.kind, 'shipment.created')));
    expect(timeline).toHaveLength(1);
    expect(timeline[0].customerId).toBe(customer.id);
    // Portal users see it on their timeline.
    const portalTimeline = await portal.get(`/api/customers/${customer.id}/timeline?kind=shipment.created`);
    expect(portalTimeline.status).toBe(200);
    expect(portalTimeline.body.items.map((i: any) => i.refId)).toContain(s.id);
    const audit = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, s.id), eq(auditLog.entityType, 'shipment')));
    expect(audit.map((a) => a.action)).toEqual(['create']);
  });

  it('creates once for a retried request with the same Idempotency-Key', async () => {
    const key = `ship-${crypto.randomUUID()}`;
    const body = base({ orderNo: key });
    const first = await org.agent.post('/api/shipments', body, { 'idempotency-key': key });
    const retry = await org.agent.post('/api/shipments', body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(await t.ctx.services.shipments.resolveReference(key)).toEqual([first.body.id]);
  });

  it('numbers shipments from the sequence, one apart', async () => {
    const a = await createShipment(t, { customerId: customer.id, departmentId: org.seaImport.id });
    const b = await createShipment(t, { customerId: customer.id, departmentId: org.seaImport.id });
    expect(Number(b.number.slice(6)) - Number(a.number.slice(6))).toBe(1);
  });

  it('rejects a container number with a wrong check digit, naming the field and the expected digit', async () => {
    const good = validContainerNumber();
    const wrong = `${good.slice(0, 10)}${(Number(good[10]) + 1) % 10}`;
    const response = await org.agent.post('/api/shipments', base({ containers: [good, wrong] }));
    expect(response.status).toBe(422);
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors[0]).toMatchObject({ field: 'containers[1]', code: 'check_digit' });
    expect(response.body.errors[0].message).toContain(`must be ${good[10]}`);
  });

  it('rejects a malformed container, an AWB failing mod 7 and a bad UN/LOCODE in one answer', async () => {
    const awb = validAwbNumber();
    const badAwb = `${awb.slice(0, 11)}${(Number(awb[11]) + 1) % 7}`;
    const response = await org.agent.post(
      '/api/shipments',
      base({ mode: 'air', containers: ['ABC123'], awb: badAwb, origin: 'SHANGHAI', destination: 'DE1AM' }),
    );
    expect(response.status).toBe(422);
    const fields = Object.fromEntries(response.body.errors.map((e: any) => [e.field, e]));
    expect(Object.keys(fields).sort()).toEqual(['awb', 'containers[0]', 'destination', 'origin']);
    expect(fields.awb.message).toContain(`must be ${awb[11]} (serial mod 7)`);
    expect(fields['containers[0]'].code).toBe('format');
    expect(fields.origin.message).toContain('UN/LOCODE');
  });

  it('never rejects a bill of lading on format', async () => {
    const response = await org.agent.post(
      '/api/shipments',
      base({ houseBl: '沪-HBL/2026 #7', masterBl: 'x' }),
    );
    expect(response.status).toBe(201);
    expect(response.body.houseBl).toBe('沪-HBL/2026 #7');
  });

  it('refuses unknown fields, a contact of another customer and an unknown department', async () => {
    expect((await org.agent.post('/api/shipments', base({ price: 100 }))).status).toBe(400);
    const foreign = await createContact(t, { customerId: otherCustomer.id });
    const response = await org.agent.post(
      '/api/shipments',
      base({ contactId: foreign.id, departmentId: '0190c6a0-0000-7000-8000-000000000000' }),
    );
    expect(response.status).toBe(422);
    expect(response.body.errors.map((e: any) => e.field).sort()).toEqual(['contactId', 'departmentId']);
  });

  it('lets agents, supervisors, admins and operations (own department) create; not managers or portal', async () => {
    expect((await org.supervisor.post('/api/shipments', base())).status).toBe(201);
    expect(
      (await org.operations.post('/api/shipments', base({ departmentId: org.airExport.id }))).status,
    ).toBe(201);
    expect((await org.operations.post('/api/shipments', base())).status).toBe(403);
    expect((await org.manager.post('/api/shipments', base())).status).toBe(403);
    expect((await portal.post('/api/shipments', base())).status).toBe(403);
    expect((await t.anonymous().post('/api/shipments', base())).status).toBe(401);
  });
});

describe('reading shipments', () => {
  it('shows staff everything, portal users only their company’s without the consignee phone', async () => {
    const s = await createShipment(t, { customerId: customer.id, departmentId: org.seaImport.id });
    for (const client of [org.otherAgent, org.manager, org.otherOperations, org.operations]) {
      const response = await client.get(`/api/shipments/${s.id}`);
      expect(response.status).toBe(200);
      expect(response.body.consigneePhone).toBe('+49 40 1234 5678');
    }
    const mine = await portal.get(`/api/portal/shipments/${s.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.number).toBe(s.number);
    expect(mine.body).not.toHaveProperty('consigneePhone');
    expect((await otherPortal.get(`/api/portal/shipments/${s.id}`)).status).toBe(404);
    expect((await otherPortal.get(`/api/shipments/${s.id}`)).status).toBe(404);
    expect((await org.agent.get('/api/shipments/0190c6a0-0000-7000-8000-000000000000')).status).toBe(404);
  });
});

describe('service methods other modules call', () => {
  function event(partial: Partial<MilestoneEvent>): MilestoneEvent {
    return {
      id: crypto.randomUUID(),
      shipmentKey: 'x',
      eventCode: 'DEPARTED',
      classifier: 'ACT',
      eventTime: '2026-11-20T08:00:00+08:00',
      location: 'CNSHA',
      source: 'test',
      sourceEventId: crypto.randomUUID(),
      updatedAt: '2026-11-20T08:00:00+08:00',
      ...partial,
    };
  }

  it('resolves any reference, normalised, shipments under way first', async () => {
    const container = validContainerNumber('OOL');
    const older = await createShipment(t, { customerId: customer.id, containers: [container] });
    const newer = await createShipment(t, { customerId: customer.id, containers: [container] });
    const service = t.ctx.services.shipments;
    expect(
      await service.resolveReference(`${container.slice(0, 4)} ${container.slice(4, 10)}-${container[10]}`),
    ).toEqual([newer.id, older.id]);
    await t.ctx.db.transaction((tx) =>
      service.applyStatus(
        tx,
        newer.id,
        currentStatus([event({ eventCode: 'DELIVERED', location: 'DEHAM' })]),
        new Date(),
      ),
    );
    expect(await service.resolveReference(container.toLowerCase())).toEqual([older.id, newer.id]);
    expect(await service.resolveReference(older.number)).toEqual([older.id]);
    expect(await service.resolveReference(older.houseBl.toLowerCase())).toEqual([older.id]);
    expect(await service.resolveReference('NOPE-404')).toEqual([]);
  });

  it('applies derived status with timeline entries for departed, arrived and delivered, once each', async () => {
    const s = await createShipment(t, { customerId: customer.id });
    const service = t.ctx.services.shipments;
    const events = [
      event({ eventCode: 'LOADED', eventTime: '2026-11-20T06:00:00+08:00' }),
      event({ eventCode: 'DEPARTED', eventTime: '2026-11-20T08:00:00+08:00' }),
      event({
        eventCode: 'ARRIVED',
        classifier: 'EST',
        eventTime: '2026-12-15T08:00:00+01:00',
        location: 'DEHAM',
      }),
    ];
    const apply = (list: MilestoneEvent[]) =>
      t.ctx.db.transaction((tx) =>
        service.applyStatus(tx, s.id, currentStatus(list), new Date('2026-11-20T01:00:00Z')),
      );
    await apply(events);
    await apply(events); // the same state again adds nothing
    let view = (await org.agent.get(`/api/shipments/${s.id}`)).body;
    expect(view).toMatchObject({
      status: 'departed',
      statusAt: '2026-11-20T00:00:00.000Z',
      statusLocation: 'CNSHA',
      estimatedArrivalAt: '2026-12-15T07:00:00.000Z',
      actualArrivalAt: null,
      lastEventAt: '2026-11-20T01:00:00.000Z',
      version: 1,
    });
    events.push(event({ eventCode: 'ARRIVED', eventTime: '2026-12-14T08:00:00+01:00', location: 'DEHAM' }));
    events.push(event({ eventCode: 'DELIVERED', eventTime: '2026-12-16T08:00:00+01:00', location: 'DEHAM' }));
    await apply(events);
    view = (await org.agent.get(`/api/shipments/${s.id}`)).body;
    expect(view).toMatchObject({
      status: 'delivered',
      actualArrivalAt: '2026-12-14T07:00:00.000Z',
      deliveredAt: '2026-12-16T07:00:00.000Z',
      estimatedArrivalAt: null,
      estimatedDeliveryAt: null,
    });
    const kinds = (
      await t.ctx.db
        .select({ kind: timelineEntries.kind })
        .from(timelineEntries)
        .where(eq(timelineEntries.refId, s.id))
    ).map((r) => r.kind);
    expect(kinds.sort()).toEqual(['shipment.created', 'shipment.delivered', 'shipment.departed']);
    // A corrected departure time updates its entry; a retracted delivery takes its entry away.
    events[1] = { ...events[1], eventTime: '2026-11-20T09:30:00+08:00' };
    const withoutDelivery = events.filter((e) => e.eventCode !== 'DELIVERED');
    await apply(withoutDelivery);
    const entries = await t.ctx.db
      .select({ kind: timelineEntries.kind, at: timelineEntries.at })
      .from(timelineEntries)
      .where(eq(timelineEntries.refId, s.id));
    expect(entries.map((e) => e.kind).sort()).toEqual([
      'shipment.arrived',
      'shipment.created',
      'shipment.departed',
    ]);
    view = (await org.agent.get(`/api/shipments/${s.id}`)).body;
    expect(view).toMatchObject({ status: 'arrived', deliveredAt: null });
  });

  it('keeps one departed entry per port: a corrected time updates it, a transshipment adds one', async () => {
    const s = await createShipment(t, { customerId: customer.id });
    const apply = (list: MilestoneEvent[]) =>
      t.ctx.db.transaction((tx) =>
        t.ctx.services.shipments.applyStatus(tx, s.id, currentStatus(list), new Date()),
      );
    const first = event({ eventCode: 'DEPARTED', eventTime: '2026-11-20T08:00:00+08:00' });
    await apply([first]);
    await apply([{ ...first, eventTime: '2026-11-20T09:30:00+08:00' }]);
    const departed = () =>
      t.ctx.db
        .select({ at: timelineEntries.at, title: timelineEntries.title })
        .from(timelineEntries)
        .where(and(eq(timelineEntries.refId, s.id), eq(timelineEntries.kind, 'shipment.departed')));
    expect((await departed()).map((e) => e.at.toISOString())).toEqual(['2026-11-20T01:30:00.000Z']);
    await apply([
      { ...first, eventTime: '2026-11-20T09:30:00+08:00' },
      event({ eventCode: 'DEPARTED', eventTime: '2026-11-25T09:00:00+08:00', location: 'SGSIN' }),
    ]);
    const entries = await departed();
    expect(entries).toHaveLength(2);
    expect(entries.some((e) => e.title.includes('SGSIN'))).toBe(true);
  });

  it('keeps open exceptions in step', async () => {
    const s = await createShipment(t, { customerId: customer.id });
    await t.ctx.db.transaction((tx) => t.ctx.services.shipments.setOpenExceptions(tx, s.id, 2));
    expect((await org.agent.get(`/api/shipments/${s.id}`)).body.openExceptions).toBe(2);
  });

  it('tells in-app subscribers of a milestone once', async () => {
    const s = await createShipment(t, { customerId: customer.id });
    const userId = portal.user.id;
    // Direct row: the subscriptions API is tested separately.
    await t.ctx.db.insert(shipmentSubscriptions).values({
      id: crypto.randomUUID(),
      userId,
      customerId: customer.id,
      shipmentId: s.id,
      channels: ['inapp'],
      topics: ['milestones'],
    });
    const list = [event({ eventCode: 'DEPARTED' })];
    for (let i = 0; i < 2; i++) {
      await t.ctx.db.transaction((tx) =>
        t.ctx.services.shipments.applyStatus(tx, s.id, currentStatus(list), new Date()),
      );
    }
    const notices = await t.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.refId, s.id)));
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toContain(s.number);
  });
});

describe('listing and searching', () => {
  let a: any;
  let b: any;
  let c: any;
  const tag = `Q${Date.now().toString(36).toUpperCase()}`;
  beforeAll(async () => {
    a = await createShipment(t, {
      customerId: customer.id,
      departmentId: org.seaImport.id,
      orderNo: `${tag}-ORDER`,
      houseBl: `${tag}HBL`,
      masterBl: `${tag}MBL`,
      bookingRef: `${tag}BKG`,
      customerReference: `${tag} cref`,
      promisedAt: '2026-12-30T00:00:00Z',
    });
    b = await createShipment(t, {
      customerId: otherCustomer.id,
      departmentId: org.airExport.id,
      mode: 'air',
      orderNo: `${tag}-B`,
      promisedAt: '2026-12-10T00:00:00Z',
    });
    c = await createShipment(t, {
      customerId: customer.id,
      departmentId: org.seaImport.id,
      orderNo: `${tag}-C`,
    });
    await t.ctx.db.transaction((tx) => t.ctx.services.shipments.setOpenExceptions(tx, c.id, 1));
  });

  const ids = (body: any) => body.items.map((s: any) => s.id);

  it('finds a shipment by each kind of reference, normalised, by prefix', async () => {
    const queries = [
      a.number,
      a.number.slice(0, 9),
      `${tag.toLowerCase()}-order`,
      `${tag}HBL`,
      `${tag}mbl`,
      `${tag}BKG`,
      `${tag}CREF`,
      a.containers[0].toLowerCase(),
      `${a.containers[0].slice(0, 4)} ${a.containers[0].slice(4)}`,
    ];
    for (const q of queries) {
      const response = await org.agent.get(`/api/shipments?q=${encodeURIComponent(q)}`);
      expect(response.status, q).toBe(200);
      expect(ids(response.body), q).toContain(a.id);
    }
    const air = await org.agent.get(`/api/shipments?q=${encodeURIComponent(b.awb)}`);
    expect(ids(air.body)).toEqual([b.id]);
    const airCompact = await org.agent.get(`/api/shipments?q=${b.awb.replace('-', '').slice(0, 8)}`);
    expect(ids(airCompact.body)).toContain(b.id);
    const prefix = await org.agent.get(`/api/shipments?q=${tag}`);
    expect(ids(prefix.body).sort()).toEqual([a.id, b.id, c.id].sort());
    // LIKE wildcards are literal.
    expect((await org.agent.get('/api/shipments?q=%25')).body.items).toEqual([]);
  });

  it('filters by customer, department, mode, status and open exceptions', async () => {
    const q = `q=${tag}`;
    expect(ids((await org.agent.get(`/api/shipments?${q}&customerId=${otherCustomer.id}`)).body)).toEqual([
      b.id,
    ]);
    expect(ids((await org.agent.get(`/api/shipments?${q}&departmentId=${org.airExport.id}`)).body)).toEqual([
      b.id,
    ]);
    expect(ids((await org.agent.get(`/api/shipments?${q}&mode=air`)).body)).toEqual([b.id]);
    expect(ids((await org.agent.get(`/api/shipments?${q}&exceptions=true`)).body)).toEqual([c.id]);
    expect(ids((await org.agent.get(`/api/shipments?${q}&status=created`)).body)).toHaveLength(3);
    expect(ids((await org.agent.get(`/api/shipments?${q}&status=delivered`)).body)).toEqual([]);
    expect((await org.agent.get('/api/shipments?mode=boat')).status).toBe(400);
  });

  it('sorts newest, by exceptions then promise, by promise; pages with a cursor', async () => {
    const q = `q=${tag}`;
    expect(ids((await org.agent.get(`/api/shipments?${q}`)).body)).toEqual([c.id, b.id, a.id]);
    expect(ids((await org.agent.get(`/api/shipments?${q}&sort=exceptions`)).body)).toEqual([
      c.id,
      b.id,
      a.id,
    ]);
    expect(ids((await org.agent.get(`/api/shipments?${q}&sort=promised`)).body)).toEqual([b.id, a.id, c.id]);
    for (const sort of ['newest', 'exceptions', 'promised']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response: any = await org.agent.get(
          `/api/shipments?${q}&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(response.status).toBe(200);
        seen.push(...ids(response.body));
        cursor = response.body.nextCursor;
      } while (cursor);
      expect(seen.sort(), sort).toEqual([a.id, b.id, c.id].sort());
    }
    expect((await org.agent.get(`/api/shipments?sort=promised&cursor=WyJ4IiwieSJd`)).status).toBe(400);
  });

  it('gives operations their department, exceptions first, by default; portal users only their company', async () => {
    const ops = await org.otherOperations.get('/api/shipments');
    expect(ops.status).toBe(200);
    expect(ops.body.items.every((s: any) => s.departmentId === org.seaImport.id)).toBe(true);
    expect(ops.body.items[0].id).toBe(c.id);
    const mine = await portal.get(`/api/portal/shipments?q=${tag}`);
    expect(ids(mine.body).sort()).toEqual([a.id, c.id].sort());
    expect(mine.body.items[0]).not.toHaveProperty('consigneePhone');
    expect(
      (await otherPortal.get(`/api/portal/shipments?q=${tag}`)).body.items.map((s: any) => s.id),
    ).toEqual([b.id]);
    // A portal user listing the staff route still sees only their company.
    expect(ids((await portal.get(`/api/shipments?q=${tag}`)).body).sort()).toEqual([a.id, c.id].sort());
    expect((await org.agent.get('/api/portal/shipments')).status).toBe(404);
  });
});

describe('changing and cancelling', () => {
  it('edits with If-Match, rewrites references, audits; a stale version is 409, none is 428', async () => {
    const s = await createShipment(t, {
      customerId: customer.id,
      departmentId: org.seaImport.id,
      orderNo: 'OLD-1',
    });
    const container = validContainerNumber('CMA');
    expect((await org.agent.patch(`/api/shipments/${s.id}`, { orderNo: 'NEW-1' })).status).toBe(428);
    const ok = await org.agent.patch(
      `/api/shipments/${s.id}`,
      { orderNo: 'NEW-1', containers: [container], weightKg: 99.5 },
      { 'if-match': '"1"' },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ orderNo: 'NEW-1', containers: [container], weightKg: 99.5, version: 2 });
    expect(ok.headers.get('etag')).toBe('"2"');
    expect(await t.ctx.services.shipments.resolveReference('OLD-1')).toEqual([]);
    expect(await t.ctx.services.shipments.resolveReference('new-1')).toEqual([s.id]);
    expect(await t.ctx.services.shipments.resolveReference(container)).toEqual([s.id]);
    const stale = await org.agent.patch(`/api/shipments/${s.id}`, { orderNo: 'LOST', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.current.version).toBe(2);
    const bad = await org.agent.patch(`/api/shipments/${s.id}`, { awb: '157-12345678', version: 2 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('awb');
    const audit = await t.ctx.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, s.id), eq(auditLog.entityType, 'shipment')));
    expect(audit.map((r) => r.action).sort()).toEqual(['create', 'update']);
  });

  it('lets operations edit only their department’s shipments and managers none', async () => {
    const s = await createShipment(t, {
      customerId: customer.id,
      departmentId: org.airExport.id,
      mode: 'air',
    });
    expect(
      (await org.otherOperations.patch(`/api/shipments/${s.id}`, { pieces: 3, version: 1 })).status,
    ).toBe(403);
    expect((await org.manager.patch(`/api/shipments/${s.id}`, { pieces: 3, version: 1 })).status).toBe(403);
    expect((await portal.patch(`/api/shipments/${s.id}`, { pieces: 3, version: 1 })).status).toBe(403);
    expect((await otherPortal.patch(`/api/shipments/${s.id}`, { pieces: 3, version: 1 })).status).toBe(404);
    const moved = await org.operations.patch(`/api/shipments/${s.id}`, {
      departmentId: org.seaImport.id,
      version: 1,
    });
    expect(moved.status).toBe(403);
    const ok = await org.operations.patch(`/api/shipments/${s.id}`, { pieces: 3, version: 1 });
    expect(ok.status).toBe(200);
    expect(ok.body.pieces).toBe(3);
  });

  it('cancels with a reason once; a cancelled shipment cannot be edited', async () => {
    const s = await createShipment(t, { customerId: customer.id });
    expect((await org.agent.post(`/api/shipments/${s.id}/cancel`, {})).status).toBe(400);
    expect((await org.manager.post(`/api/shipments/${s.id}/cancel`, { reason: '客户取消' })).status).toBe(
      403,
    );
    const response = await org.agent.post(`/api/shipments/${s.id}/cancel`, { reason: '客户取消订单' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'cancelled', version: 2 });
    expect(response.body.cancelledAt).not.toBeNull();
    expect((await org.agent.post(`/api/shipments/${s.id}/cancel`, { reason: 'again' })).status).toBe(409);
    expect((await org.agent.patch(`/api/shipments/${s.id}`, { pieces: 1, version: 2 })).status).toBe(409);
    const entries = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.refId, s.id), eq(timelineEntries.kind, 'shipment.cancelled')));
    expect(entries[0].detail).toMatchObject({ reason: '客户取消订单' });
  });
});

describe('customer merge', () => {
  it('moves shipments and subscriptions to the surviving file', async () => {
    const folded = await createCustomer(t, {
      ownerId: org.agent.user.id,
      teamId: org.teamA.id,
      name: '待合并公司',
    });
    const s = await createShipment(t, { customerId: folded.id });
    const foldedPortal = await portalUser(t, folded.id);
    expect(
      (
        await foldedPortal.post('/api/portal/shipment-subscriptions', {
          shipmentId: s.id,
          channels: ['inapp'],
          topics: ['milestones'],
        })
      ).status,
    ).toBe(201);
    const event = await t.admin.post(`/api/shipments/${s.id}/events`, {
      eventCode: 'DEPARTED',
      classifier: 'ACT',
      eventTime: '2026-11-20T08:00:00+08:00',
      location: 'CNSHA',
    });
    expect(event.status).toBe(201);
    const response = await t.admin.post(`/api/customers/${customer.id}/merge`, {
      sourceId: folded.id,
    });
    expect(response.status).toBe(200);
    expect((await org.agent.get(`/api/shipments/${s.id}`)).body.customerId).toBe(customer.id);
    const subscriptions = await t.ctx.db
      .select({ customerId: shipmentSubscriptions.customerId })
      .from(shipmentSubscriptions)
      .where(eq(shipmentSubscriptions.shipmentId, s.id));
    expect(subscriptions).toEqual([{ customerId: customer.id }]);
    const events = await t.ctx.db
      .select({ customerId: trackingEvents.customerId })
      .from(trackingEvents)
      .where(eq(trackingEvents.shipmentId, s.id));
    expect(events).toEqual([{ customerId: customer.id }]);
    // The folded company's portal user now sees the shipment on the surviving file.
    expect((await foldedPortal.get(`/api/portal/shipments/${s.id}`)).status).toBe(200);
  });
});

describe('API contract details', () => {
  it('answers a bad cursor with 400 on both lists, whoever asks, before any portal check', async () => {
    for (const client of [org.agent, portal, t.admin]) {
      for (const path of ['/api/shipments', '/api/portal/shipments']) {
        for (const sort of ['newest', 'exceptions', 'promised']) {
          const response = await client.get(`${path}?sort=${sort}&cursor=%21%21%21`);
          expect(response.status, `${path} ${sort}`).toBe(400);
        }
      }
    }
  });

  it('documents a schema for every 2xx answer of the shipment routes', async () => {
    const openapi = (await t.anonymous().get('/api/openapi.json')).body;
    const missing: string[] = [];
    for (const [path, ops] of Object.entries<any>(openapi.paths)) {
      if (!/shipments|shipment-subscriptions/.test(path) || /events|exceptions|measures/.test(path)) continue;
      for (const [method, op] of Object.entries<any>(ops)) {
        for (const [code, response] of Object.entries<any>(op.responses ?? {})) {
          if (!code.startsWith('2') || code === '204') continue;
          const schema = Object.values<any>(response.content ?? {})[0]?.schema;
          if (!schema) missing.push(`${method} ${path} ${code}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
