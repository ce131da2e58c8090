import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import { createContact, createCustomer } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type TestSmtp, startSmtp } from '../support/smtp.ts';

// The production path: with the job queue running, a notice queued inside another module's
// transaction is delivered after that transaction commits, without anyone calling deliverDue().
let t: TestApp;
let smtp: TestSmtp;

beforeAll(async () => {
  t = await startTestApp({ jobs: true });
  smtp = await startSmtp();
  t.ctx.config.smtpUrl = smtp.url;
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe('delivery through the running job queue', () => {
  it('sends after commit, and nothing for a rolled-back transaction', async () => {
    const customer = await createCustomer(t, { ownerId: t.admin.user.id });
    await createContact(t, { customerId: customer.id, isPrimary: true, email: 'queue@example.cn' });
    const rolledBackKey = `rb-${uuidv7()}`;
    await expect(
      t.ctx.db.transaction(async (tx) => {
        await t.ctx.services.outbound.notifyContact(tx, {
          customerId: customer.id,
          topic: 'shipment.exception',
          subject: 'rolled back',
          body: 'never',
          dedupeKey: rolledBackKey,
        });
        throw new Error('the caller fails');
      }),
    ).rejects.toThrow('the caller fails');

    const id = await t.ctx.db.transaction(async (tx) => {
      const messageId = await t.ctx.services.outbound.notifyContact(tx, {
        customerId: customer.id,
        topic: 'shipment.exception',
        subject: '到港延误',
        body: '您的货物预计晚到一天。',
        dedupeKey: `q-${uuidv7()}`,
      });
      // Still inside the transaction: other work goes on (PGlite must not hang).
      await tx.select().from(outboundMessages).where(eq(outboundMessages.id, messageId!));
      return messageId;
    });
    const mails = await smtp.waitFor(1, 30_000);
    expect(mails[0].subject).toBe('到港延误');
    expect(mails[0].headers['x-liaison-delivery']).toBe(id);
    for (let i = 0; i < 100; i += 1) {
      const [row] = await t.ctx.db.select().from(outboundMessages).where(eq(outboundMessages.id, id!));
      if (row.status === 'sent') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const [row] = await t.ctx.db.select().from(outboundMessages).where(eq(outboundMessages.id, id!));
    expect(row.status).toBe('sent');
    const none = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.dedupeKey, rolledBackKey));
    expect(none).toHaveLength(0);
    expect(smtp.messages.filter((m) => m.subject === 'rolled back')).toHaveLength(0);
  });
});
