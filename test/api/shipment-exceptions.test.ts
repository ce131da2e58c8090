import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { followUps } from '../../src/modules/followups/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import { shipmentSubscriptions } from '../../src/modules/shipments/tables.ts';
import {
  type Organisation,
  createContact,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import type { Client, TestApp } from '../support/harness.ts';
import { startTestApp } from '../support/harness.ts';
import { startReceiver } from '../support/receiver.ts';
import { createShipment } from '../support/shipment-factories.ts';

/**
 * Shipment exceptions (issue 4 §4) through the API: events arrive by POST /api/tracking-events,
 * time-based rules run in the 15-minute sweep job; each exception alerts once.
 */

const HOUR = 3_600_000;
let clock = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (hours: number) => new Date(clock.getTime() + hours * HOUR).toISOString();
let version = 0;

let t: TestApp;
let org: Organisation;
let owner: Client;

interface EventSpec {
  code: string;
  classifier?: 'PLN' | 'EST' | 'ACT';
  time: string;
  id?: string;
  retracted?: boolean;
}

async function send(shipmentId: string, specs: EventSpec[], client: Client = t.admin) {
  const events = specs.map((s) => ({
    shipmentId,
    eventCode: s.code,
    classifier: s.classifier ?? 'ACT',
    eventTime: s.time,
    location: 'DEHAM',
    source: 'test',
    sourceEventId: s.id ?? randomUUID(),
    // Issued in the order sent, so the latest estimate is the one sent last.
    updatedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + ++version * 1000).toISOString(),
    ...(s.retracted ? { retracted: true } : {}),
  }));
  const response = await client.post('/api/tracking-events', { events });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  for (const result of response.body.results)
    expect(result.outcome, JSON.stringify(result)).not.toBe('rejected');
  return response.body;
}

async function exceptionsOf(shipmentId: string, client: Client = t.admin) {
  const response = await client.get(`/api/shipment-exceptions?shipmentId=${shipmentId}&limit=50`);
  expect(response.status).toBe(200);
  return response.body.items as any[];
}

async function customerWithContact(ownerId: string) {
  const customer = await createCustomer(t, { ownerId });
  const contact = await createContact(t, {
    customerId: customer.id,
    email: `buyer-${randomUUID().slice(0, 8)}@example.com`,
    preferredChannel: 'email',
    isPrimary: true,
  });
  return { customer, contact };
}

async function sweep() {
  // The job's handler; without a running queue `send` runs it in-process.
  await t.ctx.queue.send('exceptions.sweep', {});
}

beforeAll(async () => {
  t = await startTestApp({ now: () => clock });
  org = await createOrganisation(t);
  owner = org.agent;
});

afterAll(async () => {
  await t?.close();
});

describe('delay', () => {
  it('a late estimate raises one delay with a task, an in-app notice and a customer notice, however many estimates follow', async () => {
    const { customer, contact } = await customerWithContact(owner.user.id);
    const shipment = await createShipment(t, {
      customerId: customer.id,
      contactId: contact.id,
      departmentId: org.airExport.id,
      promisedAt: at(5 * 24),
    });
    await send(shipment.id, [{ code: 'DEPARTED', time: at(-1) }]);
    expect(await exceptionsOf(shipment.id)).toEqual([]);
    // An estimate within the tolerance (60 min) is no delay.
    await send(shipment.id, [{ code: 'DELIVERED', classifier: 'EST', time: at(5 * 24 + 0.5) }]);
    expect(await exceptionsOf(shipment.id)).toEqual([]);

    await send(shipment.id, [{ code: 'DELIVERED', classifier: 'EST', time: at(7 * 24) }]);
    for (let i = 1; i <= 4; i++) {
      await send(shipment.id, [{ code: 'DELIVERED', classifier: 'EST', time: at(7 * 24 + i * 6) }]);
    }
    const list = await exceptionsOf(shipment.id);
    expect(list).toHaveLength(1);
    const [exception] = list;
    expect(exception).toMatchObject({
      kind: 'delay',
      status: 'open',
      shipmentNumber: shipment.number,
      customerName: customer.name,
      ownerId: owner.user.id,
      detail: {
        basis: 'estimate',
        promisedAt: at(5 * 24),
        expectedAt: at(7 * 24 + 24),
        delayMinutes: 3 * 24 * 60,
      },
    });
    expect(exception.followUpId).toBeTruthy();
    expect(exception.customerNotifiedAt).toBeTruthy();
    expect(exception.summary).toContain('预计');

    const tasks = await t.ctx.db
      .select()
      .from(followUps)
      .where(and(eq(followUps.customerId, customer.id), eq(followUps.kind, 'shipment_exception')));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      id: exception.followUpId,
      assigneeId: owner.user.id,
      contactId: contact.id,
    });
    const messages = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.refId, exception.id));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      channel: 'email',
      recipient: contact.email,
      topic: 'shipment.exception',
    });
    expect(messages[0].subject).toContain(shipment.number);
    expect(messages[0].body).toContain('预计');
    const notices = await owner.get('/api/notifications?limit=200');
    expect(notices.body.items.filter((n: any) => n.refId === exception.id)).toHaveLength(1);

    const after = await t.admin.get(`/api/shipments/${shipment.id}`);
    expect(after.body.openExceptions).toBe(1);
    const timeline = await t.admin.get(`/api/customers/${customer.id}/timeline?limit=50`);
    expect(timeline.body.items.filter((e: any) => e.kind === 'shipment.exception')).toHaveLength(1);
  });

  it('a promise that passed undelivered is found by the sweep, once', async () => {
    const shipment = await createShipment(t, { departmentId: org.airExport.id, promisedAt: at(1) });
    await send(shipment.id, [{ code: 'DEPARTED', time: at(-1) }]);
    await sweep();
    expect(await exceptionsOf(shipment.id)).toEqual([]);
    clock = new Date(clock.getTime() + 2.5 * HOUR);
    try {
      await sweep();
      await sweep();
      const list = await exceptionsOf(shipment.id);
      expect(list.map((e) => [e.kind, e.detail.basis])).toEqual([['delay', 'overdue']]);
      // Delivered late: the delay stays until a person resolves it.
      await send(shipment.id, [{ code: 'DELIVERED', time: at(0) }]);
      expect((await exceptionsOf(shipment.id)).map((e) => e.status)).toEqual(['open']);
    } finally {
      clock = new Date(clock.getTime() - 2.5 * HOUR);
    }
  });
});

describe('silence', () => {
  it('is raised by the sweep after the mode’s hours without events and clears when an event arrives', async () => {
    const shipment = await createShipment(t, { mode: 'road', departmentId: org.airExport.id });
    const cancelled = await createShipment(t, { mode: 'road', departmentId: org.airExport.id });
    const unheard = await createShipment(t, { mode: 'road', departmentId: org.airExport.id });
    await send(shipment.id, [{ code: 'RECEIVED', time: at(0) }]);
    await send(cancelled.id, [{ code: 'RECEIVED', time: at(0) }]);
    clock = new Date(clock.getTime() + 9 * HOUR);
    try {
      await sweep();
      // Nothing received at all: counted from creation.
      expect((await exceptionsOf(unheard.id)).map((e) => [e.kind, e.detail.lastEventAt])).toEqual([
        ['silence', null],
      ]);
      // A cancelled shipment's silence clears in the next sweep.
      expect((await exceptionsOf(cancelled.id)).map((e) => e.status)).toEqual(['open']);
      const cancel = await t.admin.post(`/api/shipments/${cancelled.id}/cancel`, { reason: '客户取消' });
      expect(cancel.status).toBe(200);
      await sweep();
      expect((await exceptionsOf(cancelled.id)).map((e) => e.status)).toEqual(['resolved']);
      const [raised] = await exceptionsOf(shipment.id);
      expect(raised).toMatchObject({ kind: 'silence', status: 'open', detail: { silenceHours: 8 } });
      expect((await t.admin.get(`/api/shipments/${shipment.id}`)).body.openExceptions).toBe(1);
      await sweep();
      expect(await exceptionsOf(shipment.id)).toHaveLength(1);

      await send(shipment.id, [{ code: 'DEPARTED', time: at(0) }]);
      const [cleared] = await exceptionsOf(shipment.id);
      expect(cleared).toMatchObject({ id: raised.id, status: 'resolved', resolvedById: null });
      expect((await t.admin.get(`/api/shipments/${shipment.id}`)).body.openExceptions).toBe(0);
    } finally {
      clock = new Date(clock.getTime() - 9 * HOUR);
    }
  });
});

describe('event-based exceptions', () => {
  it('hold clears on release, failed delivery on delivery; damage and loss stay', async () => {
    const shipment = await createShipment(t, { departmentId: org.airExport.id });
    await send(shipment.id, [
      { code: 'ARRIVED', time: at(-10) },
      { code: 'HOLD', time: at(-9) },
      { code: 'DAMAGED', time: at(-8) },
    ]);
    let list = await exceptionsOf(shipment.id);
    expect(list.map((e) => `${e.kind}:${e.status}`).sort()).toEqual(['damaged:open', 'hold:open']);
    expect(list.find((e) => e.kind === 'damaged').severity).toBe('high');

    await send(shipment.id, [{ code: 'CUSTOMS_RELEASED', time: at(-7) }]);
    await send(shipment.id, [
      { code: 'DELIVERY_FAILED', time: at(-6) },
      { code: 'LOST', time: at(-5.5) },
    ]);
    list = await exceptionsOf(shipment.id);
    expect(list.map((e) => `${e.kind}:${e.status}`).sort()).toEqual([
      'damaged:open',
      'delivery_failed:open',
      'hold:resolved',
      'lost:open',
    ]);
    await send(shipment.id, [{ code: 'DELIVERED', time: at(-5) }]);
    list = await exceptionsOf(shipment.id);
    expect(list.map((e) => `${e.kind}:${e.status}`).sort()).toEqual([
      'damaged:open',
      'delivery_failed:resolved',
      'hold:resolved',
      'lost:open',
    ]);
    expect((await t.admin.get(`/api/shipments/${shipment.id}`)).body.openExceptions).toBe(2);
    // The same damage sent again raises nothing new.
    await send(shipment.id, [{ code: 'DAMAGED', time: at(-8) }]);
    expect(await exceptionsOf(shipment.id)).toHaveLength(4);
  });

  it('calls the customer’s webhook once per exception, signed', async () => {
    const receiver = await startReceiver();
    try {
      const customer = await createCustomer(t, { ownerId: owner.user.id });
      const endpoint = await t.admin.post('/api/notification-endpoints', {
        kind: 'webhook',
        name: 'ERP',
        url: receiver.url('/hooks/liaison'),
        secret: 'a-very-secret-signing-key',
        topics: ['shipment.exception'],
        customerId: customer.id,
      });
      expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
      const shipment = await createShipment(t, { customerId: customer.id, departmentId: org.airExport.id });
      await send(shipment.id, [{ code: 'LOST', time: at(-2) }]);
      await send(shipment.id, [{ code: 'LOST', time: at(-1) }]);
      await t.ctx.services.outbound.deliverDue();
      const [call] = await receiver.waitFor(1);
      expect(receiver.requests).toHaveLength(1);
      expect(call.path).toBe('/hooks/liaison');
      expect(call.json).toMatchObject({ topic: 'shipment.exception', customerId: customer.id });
      expect(call.json.data.title).toContain(shipment.number);
      expect(call.json.data).toMatchObject({
        event: 'shipment.exception',
        kind: 'lost',
        shipmentId: shipment.id,
        shipmentNumber: shipment.number,
        severity: 'critical',
      });
      expect(String(call.headers['x-liaison-signature'])).toMatch(/^sha256=[0-9a-f]{64}$/);
    } finally {
      await receiver.close();
    }
  });

  it('tells portal subscribers of the company (in-app) once', async () => {
    const customer = await createCustomer(t, { ownerId: owner.user.id });
    const shipment = await createShipment(t, { customerId: customer.id, departmentId: org.airExport.id });
    const portal = await portalUser(t, customer.id);
    await t.ctx.db.insert(shipmentSubscriptions).values({
      id: uuidv7(),
      userId: portal.user.id,
      customerId: customer.id,
      shipmentId: null,
      channels: ['inapp'],
      topics: ['exceptions'],
    });
    await send(shipment.id, [{ code: 'HOLD', time: at(-1) }]);
    await send(shipment.id, [{ code: 'HOLD', time: at(-0.5) }]);
    const rows = await t.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, portal.user.id), eq(notifications.kind, 'shipment.exception')));
    expect(rows).toHaveLength(1);
    expect(rows[0].title).toContain(shipment.number);
  });
});

describe('handling', () => {
  async function delayed() {
    const { customer, contact } = await customerWithContact(owner.user.id);
    const shipment = await createShipment(t, {
      customerId: customer.id,
      contactId: contact.id,
      departmentId: org.airExport.id,
      promisedAt: at(48),
    });
    await send(shipment.id, [{ code: 'DELIVERED', classifier: 'EST', time: at(72) }]);
    const [exception] = await exceptionsOf(shipment.id);
    expect(exception.kind).toBe('delay');
    return { customer, shipment, exception };
  }

  it('acknowledge and resolve: owner, operations of the department, supervisors, admins — not others', async () => {
    const { shipment, exception } = await delayed();
    const path = `/api/shipment-exceptions/${exception.id}`;
    expect((await org.otherAgent.post(`${path}/acknowledge`)).status).toBe(403);
    expect((await org.manager.post(`${path}/acknowledge`)).status).toBe(403);
    expect((await org.otherOperations.post(`${path}/acknowledge`)).status).toBe(403);
    const portal = await portalUser(t, exception.customerId);
    expect((await portal.post(`${path}/acknowledge`)).status).toBe(404);
    expect((await portal.get(path)).status).toBe(404);
    expect((await portal.get('/api/shipment-exceptions')).status).toBe(403);

    const ack = await org.operations.post(`${path}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedById: org.operations.user.id });
    expect((await owner.post(`${path}/resolve`, { resolution: ' ' })).status).toBe(422);
    expect((await owner.post(`${path}/resolve`, { resolution: 'x', extra: 1 })).status).toBe(400);
    const resolved = await owner.post(`${path}/resolve`, { resolution: '已电话告知客户新的送达时间' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedById: owner.user.id });
    expect((await owner.post(`${path}/resolve`, { resolution: 'again' })).status).toBe(409);
    expect((await t.admin.get(`/api/shipments/${shipment.id}`)).body.openExceptions).toBe(0);

    // The same estimate again is the situation already handled: not raised a second time …
    await send(shipment.id, [{ code: 'DELIVERED', classifier: 'EST', time: at(72.5) }]);
    expect(await exceptionsOf(shipment.id)).toHaveLength(1);
    // … a worse one is a new exception.
    await send(shipment.id, [{ code: 'DELIVERED', classifier: 'EST', time: at(96) }]);
    const list = await exceptionsOf(shipment.id);
    expect(list.map((e) => e.status)).toEqual(['open', 'resolved']);
  });

  it('operations users list their department’s exceptions only', async () => {
    const other = await createShipment(t, { departmentId: org.seaImport.id });
    await send(other.id, [{ code: 'LOST', time: at(-1) }]);
    const mine = await org.operations.get('/api/shipment-exceptions?limit=200');
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((e: any) => e.departmentId === org.airExport.id)).toBe(true);
    const theirs = await org.otherOperations.get('/api/shipment-exceptions?limit=200&kind=lost');
    expect(theirs.body.items.map((e: any) => e.shipmentId)).toContain(other.id);
    const paged = await t.admin.get('/api/shipment-exceptions?limit=1&status=open,acknowledged');
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.nextCursor).toBeTruthy();
    const next = await t.admin.get(
      `/api/shipment-exceptions?limit=1&status=open,acknowledged&cursor=${paged.body.nextCursor}`,
    );
    expect(next.body.items[0].id).not.toBe(paged.body.items[0].id);
    expect((await t.admin.get('/api/shipment-exceptions?cursor=bogus')).status).toBe(400);
    expect((await t.admin.get('/api/shipment-exceptions?status=closed')).status).toBe(400);
  });

  it('one click opens a complaint about the shipment; a second click returns the same ticket', async () => {
    const { customer, shipment, exception } = await delayed();
    const path = `/api/shipment-exceptions/${exception.id}/ticket`;
    expect((await org.operations.post(path)).status).toBe(403);
    const first = await owner.post(path);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      type: 'complaint',
      customerId: customer.id,
      shipmentId: shipment.id,
      shipmentRef: shipment.number,
      categoryCode: 'delay',
      ownerId: owner.user.id,
    });
    expect(first.body.subject).toContain(shipment.number);
    expect(first.body.customerWords).toContain('预计');
    const second = await org.supervisor.post(path, { type: 'inquiry' });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect((await t.admin.get(`/api/shipment-exceptions/${exception.id}`)).body.ticketId).toBe(first.body.id);
    const byShipment = await t.admin.get(`/api/tickets?view=all&shipmentId=${shipment.id}`);
    expect(byShipment.body.items.map((x: any) => x.id)).toEqual([first.body.id]);
    expect((await owner.post(path, { type: 'claim' })).status).toBe(400);
  });

  it('a double click opens one ticket', async () => {
    const { shipment, exception } = await delayed();
    const path = `/api/shipment-exceptions/${exception.id}/ticket`;
    const answers = await Promise.all([owner.post(path), owner.post(path), org.supervisor.post(path)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const byShipment = await t.admin.get(`/api/tickets?view=all&shipmentId=${shipment.id}`);
    expect(byShipment.body.items).toHaveLength(1);
  });
});

describe('tickets about a shipment', () => {
  it('staff and portal tickets take a shipment of the same customer only', async () => {
    const customer = await createCustomer(t, { ownerId: owner.user.id });
    const shipment = await createShipment(t, { customerId: customer.id, departmentId: org.airExport.id });
    const foreign = await createShipment(t, { departmentId: org.airExport.id });
    const categories = await t.admin.get('/api/ticket-categories');
    const categoryId = categories.body.find((c: any) => c.code === 'delay').id;
    const base = {
      type: 'inquiry',
      channel: 'phone',
      customerId: customer.id,
      categoryId,
      subject: '货到哪里了',
      customerWords: '请问货到哪里了',
    };
    const wrong = await owner.post('/api/tickets', { ...base, shipmentId: foreign.id });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].field).toBe('shipmentId');
    const right = await owner.post('/api/tickets', { ...base, shipmentId: shipment.id });
    expect(right.status).toBe(201);
    expect(right.body.shipmentId).toBe(shipment.id);
    const plain = await owner.post('/api/tickets', base);
    expect(plain.body.shipmentId).toBeNull();

    const portal = await portalUser(t, customer.id);
    const portalBase = { type: 'inquiry', categoryId, subject: '查询', customerWords: '货物状态？' };
    expect((await portal.post('/api/portal/tickets', { ...portalBase, shipmentId: foreign.id })).status).toBe(
      422,
    );
    const filed = await portal.post('/api/portal/tickets', { ...portalBase, shipmentId: shipment.id });
    expect(filed.status).toBe(201);
    expect(filed.body.shipmentId).toBe(shipment.id);
    const list = await t.admin.get(`/api/tickets?view=all&shipmentId=${shipment.id}`);
    expect(list.body.items.map((x: any) => x.id).sort()).toEqual([right.body.id, filed.body.id].sort());
  });
});

describe('database', () => {
  it('at most one unresolved exception per shipment and kind, whatever runs at once', async () => {
    const shipment = await createShipment(t, { mode: 'road', departmentId: org.airExport.id });
    await send(shipment.id, [{ code: 'RECEIVED', time: at(0) }]);
    clock = new Date(clock.getTime() + 9 * HOUR);
    try {
      const raised = await Promise.all(
        [1, 2, 3, 4].map(() =>
          t.ctx.db.transaction((tx) => t.ctx.services.exceptions.evaluate(tx, shipment.id)),
        ),
      );
      expect(raised.flat().map((e) => e.kind)).toEqual(['silence']);
    } finally {
      clock = new Date(clock.getTime() - 9 * HOUR);
    }
    const rows = await t.ctx.db.execute(
      sql`select count(*)::int as n from shipment_exceptions where shipment_id = ${shipment.id} and kind = 'silence'`,
    );
    expect(Number((rows as unknown as { rows: { n: number }[] }).rows[0].n)).toBe(1);
    expect((await t.admin.get(`/api/shipments/${shipment.id}`)).body.openExceptions).toBe(1);
  });
});
