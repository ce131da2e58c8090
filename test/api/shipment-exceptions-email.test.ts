import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocal } from '../../src/domain/exceptions.ts';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import { createContact, createCustomer, createDepartment } from '../support/factories.ts';
import type { Client, TestApp } from '../support/harness.ts';
import { startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';
import { type TestSmtp, startSmtp } from '../support/smtp.ts';

/**
 * Issue 4 §11, end to end: a delay exception produces exactly one email in a real local SMTP server
 * (sent by the running job queue) and one task for the customer's owner — also after a second late
 * estimate arrives.
 */

const HOUR = 3_600_000;
let t: TestApp;
let smtp: TestSmtp;
let owner: Client;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await startTestApp({ jobs: true });
  t.ctx.config.smtpUrl = smtp.url;
  owner = await t.userClient('agent', { name: '王芳' });
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

let version = 0;
async function estimate(shipmentId: string, deliveryAt: Date) {
  const response = await t.admin.post('/api/tracking-events', {
    events: [
      {
        shipmentId,
        eventCode: 'DELIVERED',
        classifier: 'EST',
        eventTime: deliveryAt.toISOString(),
        location: 'DEHAM',
        source: 'dcsa:TEST',
        sourceEventId: randomUUID(),
        updatedAt: new Date(Date.now() + ++version * 1000).toISOString(),
      },
    ],
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.results[0].outcome).toBe('accepted');
}

describe('a delay exception', () => {
  it('sends one email to the customer and gives the owner one task, even after a second late estimate', async () => {
    const customer = await createCustomer(t, { ownerId: owner.user.id, name: '上海远洋电子有限公司' });
    const contact = await createContact(t, {
      customerId: customer.id,
      name: '陈经理',
      email: 'chen@yuanyang.example',
      preferredChannel: 'email',
      isPrimary: true,
    });
    const department = await createDepartment(t, { name: '海运出口部' });
    const now = Date.now();
    const promisedAt = new Date(now + 72 * HOUR);
    const shipment = await createShipment(t, {
      customerId: customer.id,
      contactId: contact.id,
      departmentId: department.id,
      promisedAt: promisedAt.toISOString(),
    });

    const firstEstimate = new Date(now + 120 * HOUR);
    await estimate(shipment.id, firstEstimate);
    const [mail] = await smtp.waitFor(1, 30_000);
    expect(mail.to).toEqual(['chen@yuanyang.example']);
    expect(mail.subject).toContain(shipment.number);
    expect(mail.subject).toContain('延误');
    expect(mail.text).toContain(`承诺送达时间：${formatLocal(promisedAt, 'Asia/Shanghai')}`);
    expect(mail.text).toContain(`最新预计送达时间：${formatLocal(firstEstimate, 'Asia/Shanghai')}`);
    expect(mail.text).toContain('我们的处理');
    expect(mail.text).toContain('王芳');

    // A second, later estimate: the exception is the same one, nobody is told twice.
    await estimate(shipment.id, new Date(now + 144 * HOUR));
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await t.ctx.services.outbound.deliverDue();
    expect(smtp.messages).toHaveLength(1);

    const exceptions = await t.admin.get(`/api/shipment-exceptions?shipmentId=${shipment.id}`);
    expect(exceptions.body.items).toHaveLength(1);
    const [exception] = exceptions.body.items;
    expect(exception.detail.expectedAt).toBe(new Date(now + 144 * HOUR).toISOString());
    const sent = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(eq(outboundMessages.refId, exception.id));
    expect(sent.map((m) => m.status)).toEqual(['sent']);

    const tasks = await owner.get(`/api/customers/${customer.id}/follow-ups?limit=50`);
    expect(tasks.status).toBe(200);
    const exceptionTasks = tasks.body.items.filter((f: any) => f.kind === 'shipment_exception');
    expect(exceptionTasks).toHaveLength(1);
    expect(exceptionTasks[0]).toMatchObject({
      id: exception.followUpId,
      assigneeId: owner.user.id,
      status: 'open',
      contactId: contact.id,
    });
    expect(exceptionTasks[0].title).toContain(shipment.number);
  });
});
