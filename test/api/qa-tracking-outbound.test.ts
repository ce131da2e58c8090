import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskRecipient } from '../../src/domain/outbound.ts';
import { and } from 'drizzle-orm';
import { notificationEndpoints, outboundMessages } from '../../src/modules/outbound/tables.ts';
import {
  type Organisation,
  createContact,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type TestReceiver, startReceiver } from '../support/receiver.ts';

// QA of the notification layer's API (issue 4 item 5): who may do what, credentials never shown
// to those who do not manage the endpoints, malformed input answered with problems.

let t: TestApp;
let org: Organisation;
let receiver: TestReceiver;

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t);
  receiver = await startReceiver();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

describe('notification log (QA)', () => {
  it("shows a robot's key (WeCom key, DingTalk access_token) only to administrators", async () => {
    const customer = await createCustomer(t, { ownerId: org.agent.user.id });
    const key = `wecomkey-${uuidv7()}`;
    const [robot] = await t.ctx.db
      .insert(notificationEndpoints)
      .values({
        id: uuidv7(),
        kind: 'wecom',
        name: '客户群机器人',
        url: receiver.url(`/cgi-bin/webhook/send?key=${key}`),
        topics: ['*'],
        customerId: customer.id,
      })
      .returning();
    receiver.plan({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    const tested = await t.admin.post(`/api/notification-endpoints/${robot!.id}/test`, {});
    expect(tested.status).toBe(200);
    expect(tested.body.status).toBe('sent');
    const [stored] = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.id, tested.body.id));
    expect(stored!.recipient).toContain(key); // delivery needs it

    for (const client of [org.agent, org.supervisor, org.operations, org.manager]) {
      const one = await client.get(`/api/outbound-messages/${tested.body.id}`);
      expect(one.status).toBe(200);
      expect(JSON.stringify(one.body)).not.toContain(key);
      expect(one.body.recipient).toBe(receiver.url('/cgi-bin/webhook/send?key=********'));
      const list = await client.get(`/api/outbound-messages?customerId=${customer.id}`);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      expect(JSON.stringify(list.body)).not.toContain(key);
    }
    // A failed robot message retried by operations: the answer is masked as well.
    await t.ctx.db
      .update(outboundMessages)
      .set({ status: 'failed', sentAt: null })
      .where(eq(outboundMessages.id, tested.body.id));
    receiver.plan({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    const retried = await org.operations.post(`/api/outbound-messages/${tested.body.id}/retry`, {});
    expect(retried.status).toBe(200);
    expect(JSON.stringify(retried.body)).not.toContain(key);

    const admin = await t.admin.get(`/api/outbound-messages/${tested.body.id}`);
    expect(admin.body.recipient).toContain(key);
  });

  it('masks query values and URL passwords, leaves email addresses and plain URLs alone', () => {
    expect(maskRecipient('https://oapi.dingtalk.com/robot/send?access_token=abc&x=1')).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=********&x=********',
    );
    expect(maskRecipient('https://u:pw@erp.example.cn/hook')).toBe(
      'https://********:********@erp.example.cn/hook',
    );
    expect(maskRecipient('https://erp.example.cn/dcsa')).toBe('https://erp.example.cn/dcsa');
    expect(maskRecipient('王@example.cn')).toBe('王@example.cn');
  });

  it('keeps portal users and the anonymous out of every notification route, with problems', async () => {
    const customer = await createCustomer(t, { ownerId: org.agent.user.id });
    const contact = await createContact(t, {
      customerId: customer.id,
      isPrimary: true,
      email: 'q@example.cn',
    });
    const portal = await portalUser(t, customer.id);
    const routes: [string, string, unknown?][] = [
      ['get', '/api/notification-endpoints'],
      [
        'post',
        '/api/notification-endpoints',
        { kind: 'wecom', name: 'x', url: 'https://x.cn/?key=1', topics: ['*'] },
      ],
      ['get', '/api/outbound-messages'],
      ['get', `/api/outbound-messages/${uuidv7()}`],
      ['post', `/api/outbound-messages/${uuidv7()}/retry`, {}],
      ['get', `/api/contacts/${contact.id}/notification-preferences`],
      ['put', `/api/contacts/${contact.id}/notification-preferences`, { optOuts: ['all'] }],
    ];
    for (const [method, path, body] of routes) {
      const asPortal = await (portal as any)[method](path, body);
      expect([403, 404], `${method} ${path}`).toContain(asPortal.status);
      expect(asPortal.headers.get('content-type')).toContain('application/problem+json');
      const anonymous = await (t.anonymous() as any)[method](path, body);
      expect(anonymous.status, `${method} ${path}`).toBe(401);
    }
    // Agents read the log but neither manage endpoints nor retry.
    expect((await org.agent.get('/api/notification-endpoints')).status).toBe(403);
    expect((await org.agent.post(`/api/outbound-messages/${uuidv7()}/retry`, {})).status).toBe(403);
    // A manager reads a contact's preferences but may not change them.
    expect((await org.manager.get(`/api/contacts/${contact.id}/notification-preferences`)).status).toBe(200);
    expect(
      (await org.manager.put(`/api/contacts/${contact.id}/notification-preferences`, { optOuts: ['all'] }))
        .status,
    ).toBe(403);
  });

  it('tells a customer group robot an event once, not once as the contact notice and again as an endpoint', async () => {
    const customer = await createCustomer(t, { ownerId: org.agent.user.id });
    await createContact(t, {
      customerId: customer.id,
      isPrimary: true,
      email: 'wx@example.cn',
      preferredChannel: 'wechat',
    });
    const [robot] = await t.ctx.db
      .insert(notificationEndpoints)
      .values({
        id: uuidv7(),
        kind: 'wecom',
        name: '客户群',
        url: receiver.url(`/cgi-bin/webhook/send?key=${uuidv7()}`),
        topics: ['shipment.*'],
        customerId: customer.id,
      })
      .returning();
    const key = `exception:${uuidv7()}`;
    // What the exception engine does for one exception: the contact's notice, then the endpoints.
    await t.ctx.db.transaction(async (tx) => {
      await t.ctx.services.outbound.notifyContact(tx, {
        customerId: customer.id,
        topic: 'shipment.exception',
        subject: '货物延误通知',
        body: '您的货物预计晚到 2 天。',
        dedupeKey: key,
      });
      await t.ctx.services.outbound.notifyEndpoints(
        tx,
        customer.id,
        'shipment.exception',
        { title: '货物延误通知', text: '您的货物预计晚到 2 天。' },
        key,
      );
    });
    const toRobot = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.endpointId, robot!.id)));
    expect(toRobot.map((m) => [m.channel, m.dedupeKey])).toEqual([['wecom', key]]);
  });
});
