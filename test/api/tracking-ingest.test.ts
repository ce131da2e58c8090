import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackingEvents, trackingRejects } from '../../src/modules/tracking/tables.ts';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment, trackingEvent } from '../support/tracking-factories.ts';

let t: TestApp;
let ops: Client;
let customerId: string;
let departmentId: string;

beforeAll(async () => {
  t = await startTestApp();
  const dept = await createDepartment(t, { name: '海运出口部' });
  departmentId = dept.id;
  ops = await t.userClient('operations', { departmentId, name: '海出操作' });
  const customer = await createCustomer(t, { ownerId: t.admin.user.id });
  customerId = customer.id;
});
afterAll(() => t?.close());

const storedCount = async (source: string) =>
  (await t.ctx.db.select({ n: count() }).from(trackingEvents).where(eq(trackingEvents.source, source)))[0].n;

describe('POST /api/tracking-events', () => {
  it('answers per event: good events are stored beside rejected ones with field-precise reasons', async () => {
    const shipment = await createShipment(t, {
      customerId,
      departmentId,
      references: [{ kind: 'container', value: 'MSKU 907032-3' }],
    });
    const source = 'test:mixed';
    const batch = [
      trackingEvent({ source, shipmentId: shipment.id }),
      trackingEvent({ source, shipmentRef: 'msku 907032-3', eventCode: 'LOADED', location: 'cn sha' }),
      trackingEvent({ source, shipmentId: shipment.id, eventCode: 'TELEPORTED' }),
      trackingEvent({ source, shipmentId: shipment.id, eventTime: '2026-03-14T09:30:00' }),
      trackingEvent({ source, shipmentId: shipment.id, location: 'Shanghai' }),
      trackingEvent({ source, shipmentRef: 'NO-SUCH-REF-1' }),
      trackingEvent({ source, shipmentId: shipment.id, classifier: 'ACTUAL', colour: 'red' }),
      'not an event',
      trackingEvent({ source, sourceEventId: '', shipmentId: shipment.id }),
    ];
    const response = await ops.post('/api/tracking-events', { events: batch });
    expect(response.status).toBe(200);
    const { results, counts } = response.body;
    expect(results.map((r: any) => r.outcome)).toEqual([
      'accepted',
      'accepted',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(results.map((r: any) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(results[0].shipmentId).toBe(shipment.id);
    expect(results[1].shipmentId).toBe(shipment.id);
    expect(results[0].eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(results[2].reason).toMatch(/^eventCode: must be one of BOOKED/);
    expect(results[3].reason).toBe('eventTime: must be an ISO 8601 date-time with a zone offset');
    expect(results[4].reason).toBe('location: must be a UN/LOCODE such as CNSHA');
    expect(results[5].reason).toBe('shipmentRef: no shipment with reference NO-SUCH-REF-1');
    expect(results[6].reason).toContain('colour: unknown field');
    expect(results[6].reason).toContain('classifier: must be PLN, EST or ACT');
    expect(results[7].reason).toBe('event: must be an object');
    expect(results[8].reason).toBe('sourceEventId: required');
    expect(counts).toEqual({
      accepted: 2,
      duplicate: 0,
      replaced: 0,
      retracted: 0,
      superseded: 0,
      rejected: 7,
    });
    expect(await storedCount(source)).toBe(2);
    const [loaded] = await t.ctx.db
      .select()
      .from(trackingEvents)
      .where(eq(trackingEvents.id, results[1].eventId));
    expect(loaded.location).toBe('CNSHA');
    expect(loaded.eventTimeText).toBe('2026-03-14T09:30:00+08:00');
    expect(loaded.eventTime.toISOString()).toBe('2026-03-14T01:30:00.000Z');
    expect((loaded.raw as any).shipmentRef).toBe('msku 907032-3');
    expect(loaded.customerId).toBe(customerId);
    const rejects = await t.ctx.db.select().from(trackingRejects).where(eq(trackingRejects.source, source));
    expect(rejects.map((r) => r.reason).sort()).toContain(
      'shipmentRef: no shipment with reference NO-SUCH-REF-1',
    );
    expect(rejects).toHaveLength(6); // the non-object has no source of its own
    const listed = await t.admin.get('/api/tracking-rejects?source=test:mixed&limit=2');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(2);
    expect(listed.body.nextCursor).toBeTruthy();
    expect((await ops.get('/api/tracking-rejects')).status).toBe(403);
  });

  it('stores each event once: a resend answers duplicate for every event', async () => {
    const shipment = await createShipment(t, { customerId, departmentId });
    const source = 'test:resend';
    const batch = Array.from({ length: 50 }, (_, i) =>
      trackingEvent({
        source,
        shipmentId: shipment.id,
        sourceEventId: `r-${i}`,
        eventTime: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
      }),
    );
    const first = await ops.post('/api/tracking-events', { events: batch });
    expect(first.body.counts.accepted).toBe(50);
    const again = await ops.post('/api/tracking-events', { events: batch });
    expect(again.status).toBe(200);
    expect(again.body.counts).toEqual({
      accepted: 0,
      duplicate: 50,
      replaced: 0,
      retracted: 0,
      superseded: 0,
      rejected: 0,
    });
    expect(again.body.results[7].eventId).toBe(first.body.results[7].eventId);
    expect(await storedCount(source)).toBe(50);
  });

  it('replays the first answer for the same batch with the same Idempotency-Key and stores nothing new', async () => {
    const shipment = await createShipment(t, { customerId, departmentId });
    const source = 'test:idem';
    const batch = [
      trackingEvent({ source, shipmentId: shipment.id }),
      trackingEvent({ source, shipmentRef: 'UNKNOWN-IDEM' }),
    ];
    const headers = { 'idempotency-key': 'batch-0001' };
    const first = await ops.post('/api/tracking-events', { events: batch }, headers);
    const rejectsBefore = (await t.ctx.db.select({ n: count() }).from(trackingRejects))[0].n;
    const second = await ops.post('/api/tracking-events', { events: batch }, headers);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(second.body.results[0].outcome).toBe('accepted');
    expect(await storedCount(source)).toBe(1);
    expect((await t.ctx.db.select({ n: count() }).from(trackingRejects))[0].n).toBe(rejectsBefore);
    // The same key with another batch is refused, not silently answered with the old result.
    const other = await ops.post('/api/tracking-events', { events: [batch[0], batch[0]] }, headers);
    expect(other.status).toBe(422);
  });

  it('replaces a version with a later one, ignores an older one, and keeps a retraction as a tombstone', async () => {
    const shipment = await createShipment(t, { customerId, departmentId });
    const source = 'test:versions';
    const base = {
      source,
      shipmentId: shipment.id,
      sourceEventId: 'E1',
      eventCode: 'ARRIVED',
      classifier: 'EST',
    };
    const v1 = trackingEvent({
      ...base,
      eventTime: '2026-04-01T08:00:00Z',
      updatedAt: '2026-03-20T00:00:00Z',
    });
    const v2 = trackingEvent({
      ...base,
      eventTime: '2026-04-03T08:00:00Z',
      updatedAt: '2026-03-22T00:00:00Z',
    });
    const post = async (events: unknown[]) => (await ops.post('/api/tracking-events', { events })).body;
    expect((await post([v1])).results[0].outcome).toBe('accepted');
    const replaced = await post([v2]);
    expect(replaced.results[0].outcome).toBe('replaced');
    const older = await post([v1]);
    expect(older.results[0]).toMatchObject({ outcome: 'superseded', eventId: replaced.results[0].eventId });
    expect(older.results[0].reason).toBe(
      'a newer version (updatedAt 2026-03-22T00:00:00Z) is already stored',
    );
    let [row] = await t.ctx.db.select().from(trackingEvents).where(eq(trackingEvents.sourceEventId, 'E1'));
    expect(row.eventTimeText).toBe('2026-04-03T08:00:00Z');
    // A retraction names only the identity and a later version.
    const retraction = { source, sourceEventId: 'E1', retracted: true, updatedAt: '2026-03-23T00:00:00Z' };
    expect((await post([retraction])).results[0].outcome).toBe('retracted');
    // An older version re-sent later cannot bring it back.
    expect((await post([v2])).results[0].outcome).toBe('superseded');
    [row] = await t.ctx.db.select().from(trackingEvents).where(eq(trackingEvents.sourceEventId, 'E1'));
    expect(row.retracted).toBe(true);
    expect(row.eventTimeText).toBe('2026-04-03T08:00:00Z');
    expect(await storedCount(source)).toBe(1);
    // A retraction of an event nobody sent, without a shipment, is rejected precisely.
    const orphan = await post([
      { source, sourceEventId: 'NEVER', retracted: true, updatedAt: '2026-03-23T00:00:00Z' },
    ]);
    expect(orphan.results[0].outcome).toBe('rejected');
    expect(orphan.results[0].reason).toMatch(/^shipmentId or shipmentRef: required/);
  });

  it('settles versions of one event inside one batch the same way as across batches', async () => {
    const shipment = await createShipment(t, { customerId, departmentId });
    const source = 'test:inbatch';
    const base = {
      source,
      shipmentId: shipment.id,
      sourceEventId: 'B1',
      classifier: 'EST',
      eventCode: 'DELIVERED',
    };
    const late = trackingEvent({
      ...base,
      eventTime: '2026-05-02T08:00:00Z',
      updatedAt: '2026-04-02T00:00:00Z',
    });
    const early = trackingEvent({
      ...base,
      eventTime: '2026-05-01T08:00:00Z',
      updatedAt: '2026-04-01T00:00:00Z',
    });
    const response = await ops.post('/api/tracking-events', { events: [late, early, late] });
    expect(response.body.results.map((r: any) => r.outcome)).toEqual(['accepted', 'superseded', 'duplicate']);
    const [row] = await t.ctx.db.select().from(trackingEvents).where(eq(trackingEvents.sourceEventId, 'B1'));
    expect(row.eventTimeText).toBe('2026-05-02T08:00:00Z');
  });

  it('two different versions under one version time settle the same whatever order they arrive in', async () => {
    const shipment = await createShipment(t, { customerId, departmentId });
    const version = (source: string, eventTime: string) =>
      trackingEvent({
        source,
        shipmentId: shipment.id,
        sourceEventId: 'TIE',
        eventCode: 'ARRIVED',
        classifier: 'EST',
        eventTime,
        updatedAt: '2026-03-01T00:00:00Z',
      });
    const post = async (events: unknown[]) => (await ops.post('/api/tracking-events', { events })).body;
    const a = '2026-03-10T08:00:00Z';
    const b = '2026-03-11T08:00:00Z';
    await post([version('test:tie-ab', a)]);
    await post([version('test:tie-ab', b)]);
    await post([version('test:tie-ba', b)]);
    await post([version('test:tie-ba', a)]);
    await post([version('test:tie-batch', a), version('test:tie-batch', b)]);
    const stored = async (source: string) =>
      (await t.ctx.db.select().from(trackingEvents).where(eq(trackingEvents.source, source)))[0]
        .eventTimeText;
    const winner = await stored('test:tie-ab');
    expect(await stored('test:tie-ba')).toBe(winner);
    expect(await stored('test:tie-batch')).toBe(winner);
  });

  it('events without a source version are duplicates when resent unchanged and replace when changed', async () => {
    const shipment = await createShipment(t, { customerId, departmentId });
    const source = 'test:noversion';
    const event = trackingEvent({
      source,
      shipmentId: shipment.id,
      sourceEventId: 'N1',
      updatedAt: undefined,
    });
    delete event.updatedAt;
    const post = async (e: unknown) =>
      (await ops.post('/api/tracking-events', { events: [e] })).body.results[0];
    expect((await post(event)).outcome).toBe('accepted');
    expect((await post(event)).outcome).toBe('duplicate');
    expect((await post({ ...event, location: 'DEHAM' })).outcome).toBe('replaced');
    expect(await storedCount(source)).toBe(1);
    // Readers of the stored version (exceptions, public tracking) always get a zoned time.
    const [row] = await t.ctx.db.select().from(trackingEvents).where(eq(trackingEvents.source, source));
    expect(row.sourceUpdatedText).toBe(row.sourceUpdatedAt.toISOString());
  });

  it('lets operations, supervisors, admins and their API tokens ingest; not managers, agents or portal users', async () => {
    const shipment = await createShipment(t, { customerId, departmentId });
    const events = [trackingEvent({ source: 'test:access', shipmentId: shipment.id })];
    const agent = await t.userClient('agent');
    const portal = await t.userClient('portal', { customerId });
    expect((await agent.post('/api/tracking-events', { events })).status).toBe(403);
    expect((await portal.post('/api/tracking-events', { events })).status).toBe(403);
    expect((await t.anonymous().post('/api/tracking-events', { events })).status).toBe(401);
    const token = await ops.post('/api/auth/tokens', { name: 'carrier bridge' });
    expect(token.status).toBe(201);
    const integration = t.anonymous();
    integration.bearer = token.body.token;
    const viaToken = await integration.post('/api/tracking-events', { events });
    expect(viaToken.status).toBe(200);
    expect(viaToken.body.results[0].outcome).toBe('accepted');
    const supervisor = await t.userClient('supervisor');
    expect((await supervisor.post('/api/tracking-events', { events })).body.results[0].outcome).toBe(
      'duplicate',
    );
    // Managers read everything and change nothing.
    const manager = await t.userClient('manager');
    expect((await manager.post('/api/tracking-events', { events })).status).toBe(403);
  });

  it('refuses an empty batch, more than 10 000 events and unknown top-level fields as a whole', async () => {
    expect((await ops.post('/api/tracking-events', { events: [] })).status).toBe(400);
    expect((await ops.post('/api/tracking-events', { events: [trackingEvent()], extra: 1 })).status).toBe(
      400,
    );
    const tooMany = Array.from({ length: 10_001 }, () => ({}));
    expect((await ops.post('/api/tracking-events', { events: tooMany })).status).toBe(400);
  });

  it('takes 10 000 events in one request', { timeout: 120_000 }, async () => {
    const shipment = await createShipment(t, { customerId, departmentId });
    const source = 'test:big';
    const events = Array.from({ length: 10_000 }, (_, i) =>
      trackingEvent({
        source,
        shipmentId: shipment.id,
        sourceEventId: `big-${i}`,
        classifier: 'EST',
        eventCode: 'ARRIVED',
        details: { vessel: 'MAERSK ESSEN', voyage: `${400 + (i % 7)}W` },
      }),
    );
    const response = await ops.post('/api/tracking-events', { events });
    expect(response.status).toBe(200);
    expect(response.body.counts.accepted).toBe(10_000);
    expect(await storedCount(source)).toBe(10_000);
  });
});

describe('concurrent ingestion', () => {
  it('two clients sending overlapping batches at once store each event exactly once', {
    timeout: 120_000,
  }, async () => {
    const shipments = await Promise.all(
      Array.from({ length: 5 }, () => createShipment(t, { customerId, departmentId })),
    );
    const source = 'test:race';
    const make = (i: number) =>
      trackingEvent({
        source,
        shipmentId: shipments[i % shipments.length].id,
        sourceEventId: `race-${i}`,
        eventCode: i % 2 ? 'LOADED' : 'DEPARTED',
        eventTime: new Date(Date.UTC(2026, 2, 1) + i * 60_000).toISOString(),
      });
    // A takes 0..1499, B takes 500..1999 in reverse order: 1000 events overlap.
    const a = Array.from({ length: 1500 }, (_, i) => make(i));
    const b = Array.from({ length: 1500 }, (_, i) => make(500 + i)).reverse();
    const other = await t.userClient('operations', { departmentId });
    const [ra, rb] = await Promise.all([
      ops.post('/api/tracking-events', { events: a }),
      other.post('/api/tracking-events', { events: b }),
    ]);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(await storedCount(source)).toBe(2000);
    // Every overlapping event was accepted by exactly one of the two and is a duplicate for the other.
    expect(ra.body.counts.accepted + rb.body.counts.accepted).toBe(2000);
    expect(ra.body.counts.duplicate + rb.body.counts.duplicate).toBe(1000);
    const ids = new Map<string, string>();
    for (const [batch, answer] of [
      [a, ra.body],
      [b, rb.body],
    ] as const) {
      batch.forEach((event, i) => {
        const id = answer.results[i].eventId;
        const known = ids.get(event.sourceEventId as string);
        if (known) expect(id).toBe(known);
        ids.set(event.sourceEventId as string, id);
      });
    }
    expect(ids.size).toBe(2000);
  });
});
