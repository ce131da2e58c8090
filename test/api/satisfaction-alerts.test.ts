import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followUps } from '../../src/modules/followups/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { satisfactionAlerts } from '../../src/modules/satisfaction/tables.ts';
import { surveyResponses } from '../../src/modules/surveys/tables.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import { createCustomer } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import {
  type SatModelFixture,
  createResponse,
  createSatModel,
} from '../support/satisfaction-index-factories.ts';

/**
 * Silent dissatisfaction (tree in satisfaction-index-factories: quality 0.6 = quality.a 0.5 +
 * quality.b 0.5 reverse-worded; value 0.4 = value.a). Defaults: below 60, an item at 1, a drop
 * of more than 15 points.
 */
// Thursday 2026-11-19 10:00 in Shanghai: two working days later is Monday 23rd, 18:00.
const NOW = new Date('2026-11-19T02:00:00Z');

describe('satisfaction alerts', () => {
  let t: TestApp;
  let m: SatModelFixture;
  let owner: Client;
  let otherAgent: Client;
  let customer: { id: string; name: string };
  const complete = (responseId: string) =>
    t.ctx.db.transaction((tx) => t.ctx.services.satisfactionAlerts.onResponseCompleted(tx, responseId));

  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
    owner = await t.userClient('agent', { name: '王客服' });
    otherAgent = await t.userClient('agent');
    m = await createSatModel(t);
    customer = await createCustomer(t, { ownerId: owner.user.id, name: '丙仓储' });
    // Starting the app waits on a shared, busy machine; the tests themselves are quick.
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  it('raises a low-answer alert with the owner task, a notice and a timeline entry, once', async () => {
    // quality.a 1 (an item at the threshold), quality.b raw 2 → 4, value.a 2:
    // quality (0 + 75) / 2 = 37.5; index 0.6 × 37.5 + 0.4 × 25 = 32.5.
    const responseId = await createResponse(t, m, {
      customerId: customer.id,
      submittedAt: new Date('2026-11-18T02:00:00Z'),
      answers: { 'quality.a': 1, 'quality.b': 2, 'value.a': 2 },
    });
    const created = await complete(responseId);
    expect(created.map((a) => a.kind)).toEqual(['low_answer']);
    const [alert] = created;
    expect(alert?.currentIndex).toBe(32.5);
    expect(alert?.lowItems).toEqual([{ itemKey: 'quality.a', score: 1 }]);
    expect(alert?.ownerId).toBe(owner.user.id);

    const [response] = await t.ctx.db
      .select()
      .from(surveyResponses)
      .where(eq(surveyResponses.id, responseId));
    expect(response?.responseIndex).toBe(33); // 32.5 rounded, stored on the response

    const tasks = await t.ctx.db.select().from(followUps).where(eq(followUps.customerId, customer.id));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'satisfaction_alert', assigneeId: owner.user.id, status: 'open' });
    expect(tasks[0]?.id).toBe(alert?.followUpId);
    expect(tasks[0]?.dueAt.toISOString()).toBe('2026-11-23T10:00:00.000Z');
    const notices = await t.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, owner.user.id), eq(notifications.kind, 'satisfaction.alert')));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.title).toContain('丙仓储');
    const entries = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(
        and(eq(timelineEntries.customerId, customer.id), eq(timelineEntries.kind, 'satisfaction_alert')),
      );
    expect(entries).toHaveLength(1);

    // Idempotent: completing again raises nothing new.
    expect(await complete(responseId)).toEqual([]);
    expect(
      await t.ctx.db.select().from(satisfactionAlerts).where(eq(satisfactionAlerts.responseId, responseId)),
    ).toHaveLength(1);
    expect(await t.ctx.db.select().from(followUps).where(eq(followUps.customerId, customer.id))).toHaveLength(
      1,
    );
    // The portal does not see the alert on the timeline.
    const portal = await t.userClient('portal', { customerId: customer.id });
    const portalTimeline = await portal.get(`/api/customers/${customer.id}/timeline`);
    expect(JSON.stringify(portalTimeline.body)).not.toContain('满意度预警');
  });

  it('raises an index drop against the previous response, and nothing for a good one', async () => {
    const good = await createResponse(t, m, {
      customerId: customer.id,
      submittedAt: new Date('2026-11-18T03:00:00Z'),
      answers: { 'quality.a': 5, 'quality.b': 1, 'value.a': 5 },
    });
    expect(await complete(good)).toEqual([]); // index 100, up from 32.5
    // quality.a 4 → 75, quality.b raw 2 → 75, value.a 3 → 50: index 65 ≥ 60, no item at 1,
    // but 35 points below the previous response's 100.
    const dropped = await createResponse(t, m, {
      customerId: customer.id,
      submittedAt: new Date('2026-11-18T04:00:00Z'),
      answers: { 'quality.a': 4, 'quality.b': 2, 'value.a': 3 },
    });
    const created = await complete(dropped);
    expect(created.map((a) => [a.kind, a.currentIndex, a.previousIndex])).toEqual([['index_drop', 65, 100]]);
    // A partial response raises nothing.
    const partial = await createResponse(t, m, {
      customerId: customer.id,
      submittedAt: new Date('2026-11-18T05:00:00Z'),
      answers: { 'quality.a': 1 },
      status: 'partial',
    });
    expect(await complete(partial)).toEqual([]);
  });

  it('lists alerts by role and lets the owner acknowledge and close them', async () => {
    const mine = await owner.get('/api/satisfaction/alerts');
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.items.map((a: any) => a.kind)).toEqual(['index_drop', 'low_answer']);
    expect(mine.body.items[0]).toMatchObject({ customerName: '丙仓储', ownerName: '王客服', status: 'open' });
    expect((await otherAgent.get('/api/satisfaction/alerts')).body.items).toEqual([]);
    const manager = await t.userClient('manager');
    expect((await manager.get('/api/satisfaction/alerts?kind=low_answer')).body.items).toHaveLength(1);
    const paged = await manager.get('/api/satisfaction/alerts?limit=1');
    expect(paged.body.items).toHaveLength(1);
    const second = await manager.get(`/api/satisfaction/alerts?limit=1&cursor=${paged.body.nextCursor}`);
    expect(second.body.items[0].kind).toBe('low_answer');
    const portal = await t.userClient('portal', { customerId: customer.id });
    expect((await portal.get('/api/satisfaction/alerts')).status).toBe(403);

    const id = mine.body.items[0].id;
    expect((await otherAgent.post(`/api/satisfaction/alerts/${id}/acknowledge`, {})).status).toBe(404);
    const operations = await t.userClient('operations');
    expect((await operations.post(`/api/satisfaction/alerts/${id}/close`, { note: '已处理' })).status).toBe(
      403,
    );
    const ack = await owner.post(`/api/satisfaction/alerts/${id}/acknowledge`, {});
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    expect((await owner.post(`/api/satisfaction/alerts/${id}/acknowledge`, {})).status).toBe(409);
    expect((await owner.post(`/api/satisfaction/alerts/${id}/close`, { note: '' })).status).toBe(400);
    const closed = await owner.post(`/api/satisfaction/alerts/${id}/close`, {
      note: '已电话回访，客户接受改进方案',
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', note: '已电话回访，客户接受改进方案' });
    expect(closed.body.closedAt).toBeTruthy();
    expect((await owner.post(`/api/satisfaction/alerts/${id}/close`, { note: 'again' })).status).toBe(409);
    expect(
      (await manager.get('/api/satisfaction/alerts?status=closed')).body.items.map((a: any) => a.id),
    ).toEqual([id]);
    expect((await manager.get('/api/satisfaction/alerts?cursor=garbage')).status).toBe(400);
    expect((await manager.get(`/api/satisfaction/alerts/${id}/nothing`)).status).toBe(404);
  });
});
