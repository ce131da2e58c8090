import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type Org, createCustomer, setupOrg } from './customers-fixtures.ts';

let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await startTestApp();
  org = await setupOrg(t);
});
afterAll(async () => {
  await t?.close();
});

describe('customer timeline', () => {
  it('shows what every department did to the customer, newest first', async () => {
    const customer = await createCustomer(org.agentA, { stage: 'negotiating' });
    await org.agentA.post(`/api/customers/${customer.id}/contacts`, { name: '郑敏', title: '采购经理' });
    await org.agentA.patch(`/api/customers/${customer.id}`, { version: 1, stage: 'active' });
    // Records of other modules and departments (a sea-export shipment milestone, an air-export note).
    const base = Date.now() + 60_000;
    await t.ctx.db.transaction(async (tx) => {
      await t.ctx.services.timeline.add(tx, {
        customerId: customer.id,
        at: new Date(base),
        kind: 'shipment.milestone',
        refType: 'shipment',
        refId: 'SHP-001',
        title: '已装船 CNSHA → USLAX',
        departmentId: org.seaExport,
        actorId: org.operations.user.id,
      });
      await t.ctx.services.timeline.add(tx, {
        customerId: customer.id,
        at: new Date(base - 30_000),
        kind: 'interaction.logged',
        refType: 'interaction',
        refId: uuidv7(),
        title: '电话沟通空运报价',
        departmentId: org.airExport,
      });
    });
    const response = await org.agentB.get(`/api/customers/${customer.id}/timeline`);
    expect(response.status).toBe(200);
    const items = response.body.items;
    expect(items.map((e: any) => e.kind)).toEqual([
      'shipment.milestone',
      'interaction.logged',
      'customer.stage_changed',
      'contact.added',
      'customer.created',
    ]);
    expect(items[0]).toMatchObject({ departmentId: org.seaExport, actorName: '孙操作', refId: 'SHP-001' });
    expect(items[2]).toMatchObject({ actorName: '王芳', detail: { from: 'negotiating', to: 'active' } });
    const times = items.map((e: any) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('pages with a cursor without gaps or repeats, even when entries share a time', async () => {
    const customer = await createCustomer(org.agentA);
    const at = new Date(Date.now() + 120_000);
    await t.ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 7; i++) {
        await t.ctx.services.timeline.add(tx, {
          customerId: customer.id,
          at,
          kind: 'survey.answered',
          refType: 'survey',
          refId: `S${i}`,
          title: `满意度问卷 ${i}`,
        });
      }
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: any = await org.agentA.get(
        `/api/customers/${customer.id}/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((e: any) => e.id));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
    expect(pages).toBe(3);
    const onlySurveys = await org.agentA.get(
      `/api/customers/${customer.id}/timeline?kind=survey.answered&limit=50`,
    );
    expect(onlySurveys.body.items).toHaveLength(7);
    expect(onlySurveys.body.items.every((e: any) => e.kind === 'survey.answered')).toBe(true);
  });

  it('refuses bad parameters with problem documents', async () => {
    const customer = await createCustomer(org.agentA);
    const path = `/api/customers/${customer.id}/timeline`;
    for (const query of [
      '?limit=0',
      '?limit=201',
      '?limit=ten',
      '?cursor=%%%',
      '?cursor=bm90LWpzb24',
      '?colour=red',
    ]) {
      const response = await org.agentA.get(path + query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await org.agentA.get('/api/customers/not-a-uuid/timeline')).status).toBe(400);
    expect((await org.agentA.get(`/api/customers/${uuidv7()}/timeline`)).status).toBe(404);
  });

  it("shows a portal user its own customer's timeline and 404 for any other", async () => {
    const own = await createCustomer(org.agentA);
    const other = await createCustomer(org.agentA);
    const portal = await t.userClient('portal', { customerId: own.id });
    expect((await portal.get(`/api/customers/${own.id}/timeline`)).status).toBe(200);
    const refused = await portal.get(`/api/customers/${other.id}/timeline`);
    expect(refused.status).toBe(404);
    expect((await t.anonymous().get(`/api/customers/${own.id}/timeline`)).status).toBe(401);
    for (const client of [org.operations, org.manager, org.agentB, org.supervisorB]) {
      expect((await client.get(`/api/customers/${own.id}/timeline`)).status).toBe(200);
    }
  });
});
