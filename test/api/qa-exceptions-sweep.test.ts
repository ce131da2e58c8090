import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { shipmentExceptions } from '../../src/modules/exceptions/tables.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createTrackedShipment } from '../support/track-factories.ts';

/**
 * QA of issue 4 §4: the 15-minute sweep's cost. An exception a person resolved is not raised again
 * for the same situation (repeatsResolved), so the sweep must not pick that shipment again every
 * 15 minutes for as long as nothing new arrives — otherwise every overdue shipment whose carrier never
 * reports delivery is re-evaluated (a locking transaction reading all its events) forever.
 */
describe('QA exception sweep', () => {
  let t: TestApp;
  let now = new Date('2026-11-23T08:00:00Z');
  beforeAll(async () => {
    t = await startTestApp({ now: () => now });
  });
  afterAll(() => t.close());

  it('does not re-evaluate shipments whose time-based exceptions a person resolved, until something arrives', async () => {
    const shipment = await createTrackedShipment(t, {
      shipment: {
        mode: 'road',
        promisedAt: new Date('2026-11-20T10:00:00Z'),
        createdAt: new Date('2026-11-10T08:00:00Z'),
        lastEventAt: null,
      },
    });
    const evaluate = vi.spyOn(t.ctx.services.exceptions, 'evaluate');
    try {
      expect(await t.ctx.services.exceptions.sweep(now)).toBe(2);
      const list = await t.admin.get(`/api/shipment-exceptions?shipmentId=${shipment.id}`);
      expect(list.body.items.map((x: { kind: string }) => x.kind).sort()).toEqual(['delay', 'silence']);
      for (const x of list.body.items) {
        const r = await t.admin.post(`/api/shipment-exceptions/${x.id}/resolve`, {
          resolution: '已电话告知客户，等待承运人更新',
        });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
      }
      evaluate.mockClear();
      now = new Date(now.getTime() + 15 * 60_000);
      expect(await t.ctx.services.exceptions.sweep(now)).toBe(0);
      now = new Date(now.getTime() + 2 * 3_600_000);
      expect(await t.ctx.services.exceptions.sweep(now)).toBe(0);
      expect(evaluate.mock.calls.filter(([, id]) => id === shipment.id)).toHaveLength(0);

      // Something new arrives: the shipment is looked at again (and silence is raised once more later).
      const event = await t.admin.post(`/api/shipments/${shipment.id}/events`, {
        eventCode: 'DEPARTED',
        classifier: 'ACT',
        eventTime: '2026-11-24T07:00:00+08:00',
        location: 'CNSHA',
      });
      expect(event.status, JSON.stringify(event.body)).toBe(201);
      now = new Date(now.getTime() + 10 * 24 * 3_600_000);
      expect(await t.ctx.services.exceptions.sweep(now)).toBe(1);
      // (read from the table: the admin's session does not outlive ten days of test clock)
      const open = await t.ctx.db
        .select({ kind: shipmentExceptions.kind })
        .from(shipmentExceptions)
        .where(
          and(eq(shipmentExceptions.shipmentId, shipment.id), ne(shipmentExceptions.status, 'resolved')),
        );
      expect(open.map((x) => x.kind)).toEqual(['silence']);
    } finally {
      evaluate.mockRestore();
    }
  });
});
