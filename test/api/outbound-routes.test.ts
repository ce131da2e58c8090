import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import {
  type Organisation,
  createContact,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { type TestReceiver, startReceiver } from '../support/receiver.ts';
import { type TestSmtp, startSmtp } from '../support/smtp.ts';

let t: TestApp;
let org: Organisation;
let receiver: TestReceiver;
let smtp: TestSmtp;

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t);
  receiver = await startReceiver();
  smtp = await startSmtp();
  t.ctx.config.smtpUrl = smtp.url;
});
afterAll(async () => {
  await t.close();
  await receiver.close();
  await smtp.close();
});

const SECRET = 'whsec_route_test_0123456789';

describe('notification endpoints (admins)', () => {
  it('creates, lists, changes and deletes an endpoint; the secret is write-only', async () => {
    const customer = await createCustomer(t, { ownerId: org.agent.user.id });
    const created = await t.admin.post('/api/notification-endpoints', {
      kind: 'webhook',
      name: '客户 ERP',
      url: receiver.url('/erp'),
      secret: SECRET,
      topics: ['shipment.*'],
      customerId: customer.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'webhook',
      secret: '********',
      secretSet: true,
      version: 1,
      active: true,
    });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    expect(created.headers.get('etag')).toBe('"1"');

    const list = await t.admin.get(`/api/notification-endpoints?customerId=${customer.id}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: any) => e.id)).toEqual([created.body.id]);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);

    const stale = await t.admin.patch(`/api/notification-endpoints/${created.body.id}`, {
      name: 'x',
      version: 9,
    });
    expect(stale.status).toBe(409);
    const noVersion = await t.admin.patch(`/api/notification-endpoints/${created.body.id}`, { name: 'x' });
    expect(noVersion.status).toBe(428);
    const changed = await t.admin.patch(
      `/api/notification-endpoints/${created.body.id}`,
      { topics: ['shipment.exception'], active: false },
      { 'if-match': '"1"' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      topics: ['shipment.exception'],
      active: false,
      version: 2,
      secretSet: true,
    });

    const removed = await t.admin.delete(`/api/notification-endpoints/${created.body.id}`);
    expect(removed.status).toBe(204);
    expect((await t.admin.get(`/api/notification-endpoints/${created.body.id}`)).status).toBe(404);
  });

  it('refuses bad endpoints with field problems', async () => {
    const noSecret = await t.admin.post('/api/notification-endpoints', {
      kind: 'webhook',
      name: 'x',
      url: receiver.url('/x'),
      topics: ['*'],
    });
    expect(noSecret.status).toBe(422);
    expect(noSecret.body.errors[0].field).toBe('secret');
    const badUrl = await t.admin.post('/api/notification-endpoints', {
      kind: 'wecom',
      name: 'x',
      url: 'ftp://example.com',
      topics: ['*'],
    });
    expect(badUrl.status).toBe(400);
    const unknownField = await t.admin.post('/api/notification-endpoints', {
      kind: 'wecom',
      name: 'x',
      url: receiver.url('/x'),
      topics: ['*'],
      colour: 'red',
    });
    expect(unknownField.status).toBe(400);
    const noCustomer = await t.admin.post('/api/notification-endpoints', {
      kind: 'dingtalk',
      name: 'x',
      url: receiver.url('/x'),
      topics: ['*'],
      customerId: uuidv7(),
    });
    expect(noCustomer.status).toBe(422);
  });

  it('is for admins only', async () => {
    for (const client of [org.agent, org.supervisor, org.manager, org.operations]) {
      expect((await client.get('/api/notification-endpoints')).status).toBe(403);
      const create = await client.post('/api/notification-endpoints', {
        kind: 'wecom',
        name: 'x',
        url: receiver.url('/x'),
        topics: ['*'],
      });
      expect(create.status).toBe(403);
    }
    expect((await t.anonymous().get('/api/notification-endpoints')).status).toBe(401);
  });

  it('test-sends a signed message now and answers with the attempt', async () => {
    const created = await t.admin.post('/api/notification-endpoints', {
      kind: 'webhook',
      name: 'ops hook',
      url: receiver.url('/ops-test'),
      secret: SECRET,
      topics: ['*'],
    });
    const start = receiver.requests.length;
    const tested = await t.admin.post(`/api/notification-endpoints/${created.body.id}/test`);
    expect(tested.status).toBe(200);
    expect(tested.body).toMatchObject({ status: 'sent', topic: 'test', channel: 'webhook' });
    expect(tested.body.attempts).toHaveLength(1);
    expect(tested.body.attempts[0]).toMatchObject({ ok: true, statusCode: 200, attempt: 1 });
    const request = receiver.requests.slice(start).find((r) => r.path === '/ops-test')!;
    expect(request.headers['x-liaison-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(request.rawBody).digest('hex')}`,
    );
    expect(request.headers['x-liaison-event']).toBe('test');
  });
});

describe('message log', () => {
  let customerId: string;
  let contactId: string;
  let owner: Client;

  beforeAll(async () => {
    owner = org.agent;
    const customer = await createCustomer(t, { ownerId: owner.user.id });
    customerId = customer.id;
    const contact = await createContact(t, {
      customerId,
      isPrimary: true,
      email: 'logistics@example.cn',
      preferredChannel: 'email',
    });
    contactId = contact.id;
  });

  it('lists messages with filters for staff; portal users get 403', async () => {
    const refId = uuidv7();
    const id = await t.ctx.services.outbound.notifyContact(t.ctx.db, {
      customerId,
      topic: 'shipment.exception',
      subject: '延误',
      body: '晚到',
      refType: 'shipment',
      refId,
      dedupeKey: `log-${refId}`,
    });
    const list = await org.agent.get(`/api/outbound-messages?refType=shipment&refId=${refId}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: any) => m.id)).toEqual([id]);
    expect(list.body.items[0]).toMatchObject({ status: 'queued', channel: 'email', contactId });
    const byStatus = await org.manager.get(`/api/outbound-messages?customerId=${customerId}&status=sent`);
    expect(byStatus.body.items.find((m: any) => m.id === id)).toBeUndefined();
    const portal = await portalUser(t, customerId);
    expect((await portal.get('/api/outbound-messages')).status).toBe(403);
    expect((await portal.get(`/api/outbound-messages/${id}`)).status).toBe(403);
    expect((await org.agent.get(`/api/outbound-messages/${uuidv7()}`)).status).toBe(404);
    expect((await org.agent.get('/api/outbound-messages?cursor=garbage')).status).toBe(400);
  });

  it('pages with a cursor', async () => {
    for (let i = 0; i < 3; i += 1) {
      await t.ctx.services.outbound.notifyUser(t.ctx.db, {
        userId: owner.user.id,
        topic: 'paging.test',
        subject: `p${i}`,
        body: 'x',
        refType: 'paging',
        refId: 'p',
        dedupeKey: `page-${uuidv7()}`,
      });
    }
    const first = await org.agent.get('/api/outbound-messages?refType=paging&limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await org.agent.get(
      `/api/outbound-messages?refType=paging&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const subjects = [...first.body.items, ...second.body.items].map((m: any) => m.subject).sort();
    expect(subjects).toEqual(['p0', 'p1', 'p2']);
  });

  it('retries a failed message on request; sent and suppressed ones are final', async () => {
    const hook = await t.admin.post('/api/notification-endpoints', {
      kind: 'webhook',
      name: 'flaky',
      url: receiver.url('/flaky'),
      secret: SECRET,
      topics: ['retry.test'],
      customerId,
    });
    const key = `retry-${uuidv7()}`;
    await t.ctx.services.outbound.notifyEndpoints(t.ctx.db, customerId, 'retry.test', { n: 1 }, key);
    const [row] = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.dedupeKey, `${key}:${hook.body.id}`));
    // Make it a failed message with one failed attempt.
    receiver.plan({ status: 500 });
    await t.ctx.services.outbound.deliverMessage(row.id);
    await t.ctx.db
      .update(outboundMessages)
      .set({ status: 'failed', nextAttemptAt: null })
      .where(eq(outboundMessages.id, row.id));

    expect((await org.agent.post(`/api/outbound-messages/${row.id}/retry`)).status).toBe(403);
    const retried = await org.supervisor.post(`/api/outbound-messages/${row.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('sent');
    expect(retried.body.attempts.map((a: any) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    const again = await org.supervisor.post(`/api/outbound-messages/${row.id}/retry`);
    expect(again.status).toBe(409);
    const detail = await org.agent.get(`/api/outbound-messages/${row.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.attempts).toHaveLength(2);
  });
});

describe('contact notification preferences', () => {
  it('owner and admins edit opt-outs; other agents may only read; the opt-out stops notices', async () => {
    const customer = await createCustomer(t, { ownerId: org.agent.user.id });
    const contact = await createContact(t, {
      customerId: customer.id,
      isPrimary: true,
      email: 'pref@example.cn',
    });
    const path = `/api/contacts/${contact.id}/notification-preferences`;
    const empty = await org.otherAgent.get(path);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ contactId: contact.id, optOuts: [], doNotContact: false });
    expect((await org.otherAgent.put(path, { optOuts: ['all'] })).status).toBe(403);
    expect((await org.agent.put(path, { optOuts: ['Not A Scope!'] })).status).toBe(400);
    const saved = await org.agent.put(path, {
      optOuts: ['shipment.milestone', 'email', 'shipment.milestone'],
    });
    expect(saved.status).toBe(200);
    expect(saved.body.optOuts).toEqual(['email', 'shipment.milestone']);
    expect((await org.agent.get(path)).body.optOuts).toEqual(['email', 'shipment.milestone']);
    const portal = await portalUser(t, customer.id);
    expect((await portal.get(path)).status).toBe(403);
    expect((await org.agent.get(`/api/contacts/${uuidv7()}/notification-preferences`)).status).toBe(404);

    const id = await t.ctx.services.outbound.notifyContact(t.ctx.db, {
      customerId: customer.id,
      topic: 'shipment.exception',
      subject: 's',
      body: 'b',
      dedupeKey: `pref-${uuidv7()}`,
    });
    const message = await t.ctx.services.outbound.messageDetail(id!);
    expect(message).toMatchObject({ status: 'suppressed', suppressedReason: 'opt_out:email' });

    const audit = await t.admin.get(
      `/api/audit?entityType=contact_notification_preferences&entityId=${contact.id}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
  });
});
