import { randomUUID } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipmentExceptions } from '../../src/modules/exceptions/tables.ts';
import { followUps } from '../../src/modules/followups/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import {
  type Organisation,
  createContact,
  createCustomer,
  createOrganisation,
} from '../support/factories.ts';
import type { TestApp } from '../support/harness.ts';
import { startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';

/**
 * QA of issue 4 §4 under concurrency: several ingestion batches at once, each with late estimates for
 * the same shipments in different orders, raise one delay per shipment and tell the owner and the
 * customer once — no deadlock, no second exception, task, notice or email.
 */

const HOUR = 3_600_000;
const clock = new Date(Math.floor(Date.now() / 1000) * 1000);
const at = (hours: number) => new Date(clock.getTime() + hours * HOUR).toISOString();

let t: TestApp;
let org: Organisation;

beforeAll(async () => {
  t = await startTestApp({ now: () => clock });
  org = await createOrganisation(t);
});
afterAll(async () => {
  await t?.close();
});

describe('QA exceptions under parallel batches', () => {
  it('one delay, one task, one owner notice and one customer notice per shipment', async () => {
    const customer = await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id });
    const contact = await createContact(t, {
      customerId: customer.id,
      email: `buyer-${randomUUID().slice(0, 8)}@example.com`,
      preferredChannel: 'email',
      isPrimary: true,
    });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const s = await createShipment(t, {
        customerId: customer.id,
        contactId: contact.id,
        departmentId: org.airExport.id,
        promisedAt: at(48),
      });
      ids.push(s.id);
    }
    let version = 0;
    const batch = (n: number) => {
      const order = n % 2 === 0 ? ids : [...ids].reverse();
      return order.flatMap((shipmentId) =>
        [1, 2, 3].map((k) => ({
          shipmentId,
          eventCode: 'DELIVERED',
          classifier: 'EST',
          eventTime: at(72 + n * 3 + k),
          location: 'DEHAM',
          source: 'test',
          sourceEventId: randomUUID(),
          updatedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + ++version * 1000).toISOString(),
        })),
      );
    };
    const responses = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((n) => t.admin.post('/api/tracking-events', { events: batch(n) })),
    );
    for (const r of responses) {
      expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
      expect(r.body.counts.accepted).toBe(18);
    }
    const rows = await t.ctx.db
      .select()
      .from(shipmentExceptions)
      .where(inArray(shipmentExceptions.shipmentId, ids));
    expect(rows.map((r) => r.kind)).toEqual(ids.map(() => 'delay'));
    expect(new Set(rows.map((r) => r.shipmentId)).size).toBe(ids.length);
    const exceptionIds = rows.map((r) => r.id);
    const keys = exceptionIds.map((id) => `exception:${id}`);
    const tasks = await t.ctx.db.select().from(followUps).where(inArray(followUps.sourceKey, keys));
    expect(tasks).toHaveLength(ids.length);
    expect(rows.every((r) => r.followUpId !== null)).toBe(true);
    const notices = await t.ctx.db
      .select()
      .from(notifications)
      .where(
        inArray(
          notifications.sourceKey,
          keys.map((k) => `${k}:owner`),
        ),
      );
    expect(notices).toHaveLength(ids.length);
    const messages = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(inArray(outboundMessages.refId, exceptionIds));
    expect(messages.filter((m) => m.contactId === contact.id)).toHaveLength(ids.length);
    const list = await t.admin.get(`/api/shipments?customerId=${customer.id}&limit=50`);
    for (const s of list.body.items) expect(s.openExceptions).toBe(1);
  });
});
