import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contactOptOuts,
  notificationEndpoints,
  outboundMessages,
} from '../../src/modules/outbound/tables.ts';
import { settings } from '../../src/modules/settings/tables.ts';
import { createContact, createCustomer } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type TestReceiver, startReceiver } from '../support/receiver.ts';
import { type TestSmtp, startSmtp } from '../support/smtp.ts';

let clock = new Date('2026-03-02T02:00:00Z');
const advance = (minutes: number) => {
  clock = new Date(clock.getTime() + minutes * 60_000);
};

let t: TestApp;
let smtp: TestSmtp;
let receiver: TestReceiver;
let ownerId: string;

beforeAll(async () => {
  t = await startTestApp({ now: () => clock });
  smtp = await startSmtp();
  receiver = await startReceiver();
  t.ctx.config.smtpUrl = smtp.url;
  ownerId = t.admin.user.id;
});
afterAll(async () => {
  await t.close();
  await smtp.close();
  await receiver.close();
});

async function customerWithContact(contact: Record<string, unknown> = {}) {
  const customer = await createCustomer(t, { ownerId });
  const row = await createContact(t, {
    customerId: customer.id,
    isPrimary: true,
    email: `c${uuidv7().slice(-6)}@example.cn`,
    preferredChannel: 'email',
    ...contact,
  });
  return { customer, contact: row };
}

async function message(id: string) {
  return t.ctx.services.outbound.messageDetail(id);
}

async function mailFor(messageId: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const mail = smtp.messages.find((m) => m.headers['x-liaison-delivery'] === messageId);
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no email for message ${messageId}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function notice(customerId: string, key: string, extra: Record<string, unknown> = {}) {
  return {
    customerId,
    topic: 'shipment.exception',
    subject: '货物延误通知 LS2603000001',
    body: '尊敬的客户:您的货物预计晚到 2 天。',
    refType: 'shipment',
    refId: uuidv7(),
    dedupeKey: key,
    ...extra,
  };
}

describe('contact notices by email', () => {
  it('delivers an email that really arrives at the SMTP server, and records the attempt', async () => {
    const { customer, contact } = await customerWithContact();
    const id = await t.ctx.db.transaction((tx) =>
      t.ctx.services.outbound.notifyContact(tx, notice(customer.id, `k-${uuidv7()}`)),
    );
    expect(id).toBeTruthy();
    expect((await message(id!)).status).toBe('queued');
    await t.ctx.services.outbound.deliverDue();
    const mail = await mailFor(id!);
    expect(mail.to).toEqual([contact.email]);
    expect(mail.subject).toBe('货物延误通知 LS2603000001');
    expect(mail.text).toBe('尊敬的客户:您的货物预计晚到 2 天。');
    expect(mail.headers['x-liaison-delivery']).toBe(id);
    const sent = await message(id!);
    expect(sent.status).toBe('sent');
    expect(sent.contactId).toBe(contact.id);
    expect(sent.attempts).toHaveLength(1);
    expect(sent.attempts[0]).toMatchObject({ ok: true, attempt: 1, statusCode: 250 });
  });

  it('stores a dedupe key once: the second notice answers null and sends nothing more', async () => {
    const { customer } = await customerWithContact();
    const key = `exception:${uuidv7()}:customer`;
    const first = await t.ctx.services.outbound.notifyContact(t.ctx.db, notice(customer.id, key));
    const second = await t.ctx.services.outbound.notifyContact(t.ctx.db, notice(customer.id, key));
    expect(first).toBeTruthy();
    expect(second).toBeNull();
    const rows = await t.ctx.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, key));
    expect(rows).toHaveLength(1);
  });

  it('suppresses and records opt-outs, do-not-contact and a missing address', async () => {
    const { customer, contact } = await customerWithContact();
    await t.ctx.db.insert(contactOptOuts).values({ contactId: contact.id, scope: 'shipment.*' });
    const optedOut = await t.ctx.services.outbound.notifyContact(
      t.ctx.db,
      notice(customer.id, `o-${uuidv7()}`),
    );
    expect(await message(optedOut!)).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'opt_out:shipment.*',
    });
    // A topic they did not opt out of still goes.
    const other = await t.ctx.services.outbound.notifyContact(
      t.ctx.db,
      notice(customer.id, `o-${uuidv7()}`, { topic: 'ticket.reply' }),
    );
    expect((await message(other!)).status).toBe('queued');

    const dnc = await customerWithContact({ doNotContact: true });
    const stopped = await t.ctx.services.outbound.notifyContact(
      t.ctx.db,
      notice(dnc.customer.id, `d-${uuidv7()}`),
    );
    expect(await message(stopped!)).toMatchObject({
      status: 'suppressed',
      suppressedReason: 'do_not_contact',
    });

    const noMail = await customerWithContact({ email: null });
    const nowhere = await t.ctx.services.outbound.notifyContact(
      t.ctx.db,
      notice(noMail.customer.id, `n-${uuidv7()}`),
    );
    expect(await message(nowhere!)).toMatchObject({ status: 'suppressed', suppressedReason: 'no_address' });

    await t.ctx.services.outbound.deliverDue();
    // Only the one allowed notice went out.
    await mailFor(other!);
    for (const id of [optedOut, stopped, nowhere]) {
      expect(smtp.messages.find((m) => m.headers['x-liaison-delivery'] === id)).toBeUndefined();
      expect((await message(id!)).attempts).toHaveLength(0);
    }
  });

  it('caps notices per contact per rolling 24 hours (sent and waiting count)', async () => {
    await t.ctx.db
      .insert(settings)
      .values({ key: 'notifications.contactDailyCap', value: 2 })
      .onConflictDoUpdate({ target: settings.key, set: { value: 2 } });
    try {
      const { customer } = await customerWithContact();
      const ids: (string | null)[] = [];
      for (let i = 0; i < 3; i += 1) {
        ids.push(
          await t.ctx.services.outbound.notifyContact(t.ctx.db, notice(customer.id, `cap-${uuidv7()}`)),
        );
      }
      expect((await message(ids[0]!)).status).toBe('queued');
      expect((await message(ids[1]!)).status).toBe('queued');
      expect(await message(ids[2]!)).toMatchObject({
        status: 'suppressed',
        suppressedReason: 'frequency_cap',
      });
      // 25 hours later the window has rolled on.
      advance(25 * 60);
      const later = await t.ctx.services.outbound.notifyContact(
        t.ctx.db,
        notice(customer.id, `cap-${uuidv7()}`),
      );
      expect((await message(later!)).status).toBe('queued');
    } finally {
      await t.ctx.db.delete(settings).where(eq(settings.key, 'notifications.contactDailyCap'));
    }
  });

  it('falls back to email for SMS and records why', async () => {
    const { customer } = await customerWithContact({ preferredChannel: 'sms' });
    const id = await t.ctx.services.outbound.notifyContact(t.ctx.db, notice(customer.id, `s-${uuidv7()}`));
    const row = await message(id!);
    expect(row.channel).toBe('email');
    expect(row.payload).toEqual({ fallback: { from: 'sms', reason: 'no SMS gateway' } });
  });

  it('notifies a user at their login address', async () => {
    const id = await t.ctx.services.outbound.notifyUser(t.ctx.db, {
      userId: ownerId,
      topic: 'shipment.milestone',
      subject: 'Milestone',
      body: 'Arrived at DEHAM',
      dedupeKey: `u-${uuidv7()}`,
    });
    await t.ctx.services.outbound.deliverDue();
    expect((await mailFor(id!)).to).toEqual(['admin@test.local']);
    expect((await message(id!)).status).toBe('sent');
  });

  it('retries a temporary SMTP refusal later', async () => {
    const { customer } = await customerWithContact();
    smtp.failNext(1, 451);
    const id = await t.ctx.services.outbound.notifyContact(t.ctx.db, notice(customer.id, `r-${uuidv7()}`));
    await t.ctx.services.outbound.deliverMessage(id!);
    const failed = await message(id!);
    expect(failed.status).toBe('retrying');
    expect(failed.attempts[0]).toMatchObject({ ok: false, statusCode: 451 });
    advance(2);
    await t.ctx.services.outbound.deliverDue();
    const sent = await message(id!);
    expect(sent.status).toBe('sent');
    expect(sent.attempts.map((a) => a.ok)).toEqual([false, true]);
  });
});

async function endpoint(
  values: Partial<typeof notificationEndpoints.$inferInsert> & { kind: 'webhook' | 'wecom' | 'dingtalk' },
) {
  const [row] = await t.ctx.db
    .insert(notificationEndpoints)
    .values({
      id: uuidv7(),
      name: values.kind,
      url: receiver.url(`/${values.kind}/${uuidv7()}`),
      topics: ['shipment.*'],
      ...values,
    })
    .returning();
  return row;
}

describe('machine endpoints', () => {
  it('signs webhooks so the receiver can verify them; retries twice and then succeeds', async () => {
    const customer = await createCustomer(t, { ownerId });
    const hook = await endpoint({
      kind: 'webhook',
      customerId: customer.id,
      secret: 'whsec_0123456789abcdef',
    });
    receiver.plan({ status: 500, body: 'boom' }, { status: 503 });
    const key = `wh-${uuidv7()}`;
    await t.ctx.services.outbound.notifyEndpoints(
      t.ctx.db,
      customer.id,
      'shipment.exception',
      { number: 'LS1', kind: 'delay' },
      key,
    );
    const [row] = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.dedupeKey, `${key}:${hook.id}`));
    expect(row.channel).toBe('webhook');
    const start = receiver.requests.length;
    await t.ctx.services.outbound.deliverDue();
    expect((await message(row.id)).status).toBe('retrying');
    advance(2);
    await t.ctx.services.outbound.deliverDue();
    expect((await message(row.id)).status).toBe('retrying');
    advance(7);
    await t.ctx.services.outbound.deliverDue();
    const done = await message(row.id);
    expect(done.status).toBe('sent');
    expect(done.attempts.map((a) => [a.attempt, a.ok, a.statusCode])).toEqual([
      [1, false, 500],
      [2, false, 503],
      [3, true, 200],
    ]);
    const requests = receiver.requests.slice(start).filter((r) => r.path === new URL(hook.url).pathname);
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      const expected = `sha256=${createHmac('sha256', 'whsec_0123456789abcdef').update(request.rawBody).digest('hex')}`;
      expect(request.headers['x-liaison-signature']).toBe(expected);
      expect(request.headers['x-liaison-event']).toBe('shipment.exception');
      expect(request.headers['x-liaison-delivery']).toBe(row.id);
      expect(Number(request.headers['x-liaison-timestamp'])).toBeGreaterThan(1_700_000_000);
      expect(request.json).toMatchObject({
        id: row.id,
        topic: 'shipment.exception',
        data: { number: 'LS1', kind: 'delay' },
      });
    }
    // A tampered body does not verify.
    const tampered = Buffer.from(requests[0].text.replace('LS1', 'LS2'));
    expect(
      `sha256=${createHmac('sha256', 'whsec_0123456789abcdef').update(tampered).digest('hex')}`,
    ).not.toBe(requests[0].headers['x-liaison-signature']);
  });

  it('gives up after six failed attempts and marks the message failed', async () => {
    const customer = await createCustomer(t, { ownerId });
    const hook = await endpoint({
      kind: 'webhook',
      customerId: customer.id,
      secret: 'whsec_failfailfailfail',
    });
    const path = new URL(hook.url).pathname;
    const previous = receiver.fallback;
    receiver.fallback = (request) =>
      request.path === path ? { status: 500 } : { status: 200, body: { ok: true } };
    try {
      const key = `fail-${uuidv7()}`;
      await t.ctx.services.outbound.notifyEndpoints(t.ctx.db, customer.id, 'shipment.delivered', {}, key);
      const [row] = await t.ctx.db
        .select()
        .from(outboundMessages)
        .where(eq(outboundMessages.dedupeKey, `${key}:${hook.id}`));
      for (let i = 0; i < 6; i += 1) {
        await t.ctx.services.outbound.deliverDue();
        advance(8 * 60);
      }
      const failed = await message(row.id);
      expect(failed.status).toBe('failed');
      expect(failed.nextAttemptAt).toBeNull();
      expect(failed.attempts).toHaveLength(6);
      expect(failed.lastError).toBe('HTTP 500');
      // Nothing more happens later.
      advance(24 * 60);
      await t.ctx.services.outbound.deliverDue();
      expect((await message(row.id)).attempts).toHaveLength(6);
    } finally {
      receiver.fallback = previous;
    }
  });

  it('records a receiver that does not answer in time as a failed attempt to retry', async () => {
    const customer = await createCustomer(t, { ownerId });
    const hook = await endpoint({
      kind: 'webhook',
      customerId: customer.id,
      secret: 'whsec_slowslowslowslow',
    });
    receiver.plan({ status: 200, delayMs: 1500 });
    const key = `slow-${uuidv7()}`;
    await t.ctx.services.outbound.notifyEndpoints(t.ctx.db, customer.id, 'shipment.eta', {}, key);
    const [row] = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.dedupeKey, `${key}:${hook.id}`));
    const service = t.ctx.services.outbound;
    service.httpTimeoutMs = 300;
    try {
      await service.deliverMessage(row.id);
    } finally {
      service.httpTimeoutMs = 10_000;
    }
    const slow = await message(row.id);
    expect(slow.status).toBe('retrying');
    expect(slow.attempts[0]).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 0.3 s' });
    expect(slow.attempts[0].durationMs).toBeGreaterThanOrEqual(250);
    // Out of the way of the later tests' planned answers.
    await t.ctx.db
      .update(outboundMessages)
      .set({ status: 'failed', nextAttemptAt: null })
      .where(eq(outboundMessages.id, row.id));
  });

  it('fails at once, without retries, when the endpoint was deleted', async () => {
    const customer = await createCustomer(t, { ownerId });
    const hook = await endpoint({
      kind: 'webhook',
      customerId: customer.id,
      secret: 'whsec_gonegonegonegone',
    });
    const key = `gone-${uuidv7()}`;
    await t.ctx.services.outbound.notifyEndpoints(t.ctx.db, customer.id, 'shipment.eta', {}, key);
    await t.ctx.db.delete(notificationEndpoints).where(eq(notificationEndpoints.id, hook.id));
    const [row] = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.dedupeKey, `${key}:${hook.id}`));
    await t.ctx.services.outbound.deliverMessage(row.id);
    const gone = await message(row.id);
    expect(gone.status).toBe('failed');
    expect(gone.attempts).toHaveLength(1);
    expect(gone.lastError).toMatch(/deleted/);
  });

  it('sends WeCom markdown and checks errcode', async () => {
    const { customer, contact } = await customerWithContact({ preferredChannel: 'wechat' });
    const robot = await endpoint({
      kind: 'wecom',
      customerId: customer.id,
      url: receiver.url(`/cgi-bin/webhook/send?key=${uuidv7()}`),
    });
    receiver.plan({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
    const id = await t.ctx.services.outbound.notifyContact(t.ctx.db, notice(customer.id, `wc-${uuidv7()}`));
    const queued = await message(id!);
    expect(queued).toMatchObject({ channel: 'wecom', endpointId: robot.id, contactId: contact.id });
    const start = receiver.requests.length;
    await t.ctx.services.outbound.deliverDue();
    const refused = await message(id!);
    expect(refused.status).toBe('retrying');
    expect(refused.lastError).toBe('errcode 93000: invalid webhook url');
    receiver.plan({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    advance(2);
    await t.ctx.services.outbound.deliverDue();
    expect((await message(id!)).status).toBe('sent');
    const request = receiver.requests.slice(start).find((r) => r.path === '/cgi-bin/webhook/send')!;
    expect(request.query.get('key')).toBe(new URL(robot.url).searchParams.get('key'));
    expect(request.json).toEqual({
      msgtype: 'markdown',
      markdown: { content: '### 货物延误通知 LS2603000001\n尊敬的客户:您的货物预计晚到 2 天。' },
    });
  });

  it('sends DingTalk markdown with a valid 加签 timestamp and sign', async () => {
    const { customer } = await customerWithContact({ preferredChannel: 'dingtalk' });
    const secret = 'SEC0123456789abcdef0123456789abcdef';
    const token = uuidv7();
    await endpoint({
      kind: 'dingtalk',
      customerId: customer.id,
      secret,
      url: receiver.url(`/robot/send?access_token=${token}`),
    });
    receiver.plan({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    const start = receiver.requests.length;
    const id = await t.ctx.services.outbound.notifyContact(t.ctx.db, notice(customer.id, `dt-${uuidv7()}`));
    await t.ctx.services.outbound.deliverDue();
    expect((await message(id!)).status).toBe('sent');
    const request = receiver.requests.slice(start).find((r) => r.path === '/robot/send')!;
    expect(request.query.get('access_token')).toBe(token);
    const timestamp = request.query.get('timestamp')!;
    expect(Number(timestamp)).toBe(clock.getTime());
    // What DingTalk checks: base64 HMAC-SHA256(secret, timestamp + "\n" + secret), url-decoded.
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    expect(request.query.get('sign')).toBe(expected);
    expect(request.json).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '货物延误通知 LS2603000001',
        text: '### 货物延误通知 LS2603000001\n\n尊敬的客户:您的货物预计晚到 2 天。',
      },
    });
  });

  it('queues one message per subscribed endpoint, customer-less ones included, once per key', async () => {
    const customer = await createCustomer(t, { ownerId });
    const mine = await endpoint({
      kind: 'webhook',
      customerId: customer.id,
      secret: 'whsec_aaaaaaaaaaaaaaaa',
      topics: ['shipment.exception'],
    });
    const other = await endpoint({
      kind: 'webhook',
      customerId: customer.id,
      secret: 'whsec_aaaaaaaaaaaaaaaa',
      topics: ['ticket.*'],
    });
    const ops = await endpoint({ kind: 'dingtalk', customerId: null, topics: ['*'] });
    const key = `multi-${uuidv7()}`;
    for (let i = 0; i < 2; i += 1) {
      await t.ctx.services.outbound.notifyEndpoints(
        t.ctx.db,
        customer.id,
        'shipment.exception',
        { title: '延误', text: 'LS1 晚到' },
        key,
      );
    }
    const rows = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.topic, 'shipment.exception'));
    const mineRows = rows.filter((r) => r.dedupeKey?.startsWith(key));
    expect(mineRows.map((r) => r.endpointId).sort()).toEqual([mine.id, ops.id].sort());
    expect(mineRows.find((r) => r.endpointId === other.id)).toBeUndefined();
    expect(mineRows.find((r) => r.endpointId === ops.id)?.payload).toEqual({
      msgtype: 'markdown',
      markdown: { title: '延误', text: '### 延误\n\nLS1 晚到' },
    });
    // Keep the later tests' robots quiet: deactivate the customer-less one.
    await t.ctx.db
      .update(notificationEndpoints)
      .set({ active: false })
      .where(eq(notificationEndpoints.id, ops.id));
  });
});
