import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationEndpoints, outboundAttempts } from '../../src/modules/outbound/tables.ts';
import { createCustomer } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type TestReceiver, startReceiver } from '../support/receiver.ts';

// QA (issue 4 item 5): a sweep's claim must cover the work it does. The clock runs 125× faster
// during the test, so a receiver that answers in 2 s real time takes 250 s of the app's time —
// three of them in a row outlast the 5-minute claim lease of a batch claimed at once.

let base = new Date('2026-03-02T02:00:00Z').getTime();
let fastSince: number | null = null;
const clock = () => new Date(fastSince === null ? base : base + (Date.now() - fastSince) * 125);

let t: TestApp;
let receiver: TestReceiver;

beforeAll(async () => {
  t = await startTestApp({ now: clock });
  receiver = await startReceiver();
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

describe('outbound delivery under slow receivers (QA)', () => {
  it('never sends a message twice when a second sweep starts while the first is still working', async () => {
    const customer = await createCustomer(t, { ownerId: t.admin.user.id });
    const [hook] = await t.ctx.db
      .insert(notificationEndpoints)
      .values({
        id: uuidv7(),
        kind: 'webhook',
        name: 'slow ERP',
        url: receiver.url('/slow'),
        secret: 'whsec_slow_receiver_0123456789',
        topics: ['*'],
        customerId: customer.id,
      })
      .returning();
    for (const n of [1, 2, 3])
      await t.ctx.services.outbound.notifyEndpoints(
        t.ctx.db,
        customer.id,
        'shipment.exception',
        { n },
        `slow-${n}`,
      );
    receiver.fallback = { status: 200, body: { ok: true }, delayMs: 2000 };

    fastSince = Date.now();
    try {
      const first = t.ctx.services.outbound.deliverDue();
      // 2.8 s later (350 s of app time): the first sweep has sent one message and is sending the
      // second; the next sweep starts.
      await new Promise((r) => setTimeout(r, 2800));
      const second = t.ctx.services.outbound.deliverDue();
      const [a, b] = await Promise.all([first, second]);
      expect(a + b).toBe(3);
    } finally {
      base = clock().getTime();
      fastSince = null;
      receiver.fallback = { status: 200, body: { ok: true } };
    }

    const deliveries = receiver.requests
      .filter((r) => r.path === '/slow')
      .map((r) => r.headers['x-liaison-delivery'] as string);
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries).size).toBe(3);
    for (const id of deliveries) {
      const attempts = await t.ctx.db
        .select()
        .from(outboundAttempts)
        .where(eq(outboundAttempts.messageId, id));
      expect(attempts.map((x) => [x.attempt, x.ok])).toEqual([[1, true]]);
    }
    expect(hook!.id).toBeTruthy();
  }, 60_000);
});
