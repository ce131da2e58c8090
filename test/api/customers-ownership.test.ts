import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerMerges, followUps, interactions, users } from '../../src/db/schema.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { type Org, createCustomer, setupOrg, taxId } from './customers-fixtures.ts';

let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await startTestApp();
  org = await setupOrg(t);
});
afterAll(async () => {
  await t?.close();
});

/** Records written straight to the tables, so these tests do not depend on the interactions API. */
async function addInteraction(customerId: string, userId: string) {
  const id = uuidv7();
  await t.ctx.db.insert(interactions).values({
    id,
    customerId,
    userId,
    channel: 'phone',
    direction: 'outbound',
    summary: '确认下周订舱计划',
    occurredAt: new Date(),
  });
  return id;
}

async function addFollowUp(customerId: string, assigneeId: string, status = 'open') {
  const id = uuidv7();
  await t.ctx.db.insert(followUps).values({
    id,
    customerId,
    assigneeId,
    title: '季度回访',
    dueAt: new Date(Date.now() + 7 * 24 * 60 * 60 * 1000),
    status,
  });
  return id;
}

const reason = '原负责人调岗，客户移交';

describe('ownership transfer', () => {
  it('lets a supervisor move a team customer to a colleague, with history, audit, timeline and open tasks', async () => {
    const customer = await createCustomer(org.agentA);
    const openTask = await addFollowUp(customer.id, org.agentA.user.id);
    const doneTask = await addFollowUp(customer.id, org.agentA.user.id, 'done');
    const response = await org.supervisorA.post(`/api/customers/${customer.id}/transfer`, {
      toUserId: org.agentA2.user.id,
      reason,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      ownerId: org.agentA2.user.id,
      ownerName: '李强',
      teamId: org.teamA,
      version: 2,
    });
    const history = await org.agentB.get(`/api/customers/${customer.id}/transfers`);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      expect.objectContaining({
        fromUserId: org.agentA.user.id,
        fromUserName: '王芳',
        toUserId: org.agentA2.user.id,
        toUserName: '李强',
        byUserId: org.supervisorA.user.id,
        byUserName: '陈主管',
        reason,
      }),
    ]);
    const tasks = await t.ctx.db.select().from(followUps).where(eq(followUps.customerId, customer.id));
    expect(tasks.find((f) => f.id === openTask)?.assigneeId).toBe(org.agentA2.user.id);
    expect(tasks.find((f) => f.id === doneTask)?.assigneeId).toBe(org.agentA.user.id);
    const audit = await t.admin.get(`/api/audit?entityId=${customer.id}&action=transfer`);
    expect(audit.body.items[0].before.ownerId).toBe(org.agentA.user.id);
    expect(audit.body.items[0].after).toMatchObject({
      ownerId: org.agentA2.user.id,
      reason,
      movedFollowUps: 1,
    });
    const timeline = await t.admin.get(`/api/customers/${customer.id}/timeline?kind=customer.transferred`);
    expect(timeline.body.items[0]).toMatchObject({ refType: 'ownership_transfer', actorName: '陈主管' });
    expect(timeline.body.items[0].detail).toMatchObject({ fromUserName: '王芳', toUserName: '李强', reason });
    // The previous owner may no longer change it; the new one may.
    expect(
      (await org.agentA.patch(`/api/customers/${customer.id}`, { version: 2, industry: '医药' })).status,
    ).toBe(403);
    expect(
      (await org.agentA2.patch(`/api/customers/${customer.id}`, { version: 2, industry: '医药' })).status,
    ).toBe(200);
  });

  it('keeps open tasks with the previous owner when asked to', async () => {
    const customer = await createCustomer(org.agentA);
    const task = await addFollowUp(customer.id, org.agentA.user.id);
    const response = await org.supervisorA.post(`/api/customers/${customer.id}/transfer`, {
      toUserId: org.agentA2.user.id,
      reason,
      moveOpenFollowUps: false,
    });
    expect(response.status).toBe(200);
    const [row] = await t.ctx.db.select().from(followUps).where(eq(followUps.id, task));
    expect(row.assigneeId).toBe(org.agentA.user.id);
  });

  it('lets an admin move a customer across teams (the team follows the new owner)', async () => {
    const customer = await createCustomer(org.agentA);
    const response = await t.admin.post(`/api/customers/${customer.id}/transfer`, {
      toUserId: org.agentB.user.id,
      reason,
    });
    expect(response.body).toMatchObject({ ownerId: org.agentB.user.id, teamId: org.teamB });
    expect(
      (await org.supervisorB.patch(`/api/customers/${customer.id}`, { version: 2, industry: '陶瓷' })).status,
    ).toBe(200);
    expect(
      (await org.supervisorA.patch(`/api/customers/${customer.id}`, { version: 3, industry: '五金' })).status,
    ).toBe(403);
  });

  it('refuses transfers by the wrong people and to the wrong people', async () => {
    const customer = await createCustomer(org.agentA);
    const path = `/api/customers/${customer.id}/transfer`;
    const body = { toUserId: org.agentA2.user.id, reason };
    for (const client of [org.agentA, org.agentA2, org.manager, org.operations, org.supervisorB]) {
      const response = await client.post(path, body);
      expect(response.status).toBe(403);
    }
    const outside = await org.supervisorA.post(path, { toUserId: org.agentB.user.id, reason });
    expect(outside.status).toBe(422);
    expect(outside.body.errors[0].field).toBe('toUserId');
    const toManager = await t.admin.post(path, { toUserId: org.manager.user.id, reason });
    expect(toManager.status).toBe(422);
    const toSelf = await t.admin.post(path, { toUserId: org.agentA.user.id, reason });
    expect(toSelf.status).toBe(422);
    const unknown = await t.admin.post(path, { toUserId: uuidv7(), reason });
    expect(unknown.status).toBe(422);
    // A deactivated colleague cannot receive customers.
    const leaver = await t.userClient('agent', { departmentId: org.teamA });
    await t.admin.patch(`/api/users/${leaver.user.id}`, { version: 1, active: false });
    expect((await org.supervisorA.post(path, { toUserId: leaver.user.id, reason })).status).toBe(422);
    expect((await org.supervisorA.post(path, { toUserId: org.agentA2.user.id })).status).toBe(400);
    expect((await org.supervisorA.post(path, { toUserId: org.agentA2.user.id, reason: '   ' })).status).toBe(
      422,
    );
    expect((await org.supervisorA.post(path, { toUserId: 'someone', reason })).status).toBe(400);
    expect((await org.supervisorA.post(path, { ...body, extra: true })).status).toBe(400);
    const after = await t.admin.get(`/api/customers/${customer.id}`);
    expect(after.body).toMatchObject({ ownerId: org.agentA.user.id, version: 1 });
    expect((await t.admin.get(`/api/customers/${customer.id}/transfers`)).body.items).toEqual([]);
  });
});

describe('merging duplicate files', () => {
  async function portalClient(customerId: string): Promise<Client> {
    return t.userClient('portal', { customerId });
  }

  it('folds the source into the target: every record moves, lists unite, nothing is lost', async () => {
    const code = taxId(880001);
    const target = await createCustomer(org.agentA, {
      name: '上海申港国际物流有限公司',
      tags: ['重点客户'],
      competitors: ['德迅'],
      bonds: ['social'],
      departmentIds: [org.seaExport],
      requirements: { serviceModes: ['sea'], lanes: [{ origin: 'CNSHA', destination: 'USLAX' }] },
      notes: '目标档案备注',
    });
    const source = await createCustomer(org.agentA2, {
      name: '上海申港国际物流（集团）有限公司',
      taxId: code,
      phone: '021-5555 6666',
      tags: ['电商', '重点客户'],
      competitors: ['中外运'],
      bonds: ['structural'],
      departmentIds: [org.airExport],
      requirements: {
        serviceModes: ['air'],
        lanes: [{ origin: 'CNPVG', destination: 'DEFRA' }],
        monthlyKg: 5000,
      },
      notes: '来源档案备注',
    });
    const targetPrimary = (
      await org.agentA.post(`/api/customers/${target.id}/contacts`, { name: '目标联系人' })
    ).body;
    const sourcePrimary = (
      await org.agentA2.post(`/api/customers/${source.id}/contacts`, { name: '来源联系人' })
    ).body;
    const interaction = await addInteraction(source.id, org.agentA2.user.id);
    const task = await addFollowUp(source.id, org.agentA2.user.id);
    await org.supervisorA.post(`/api/customers/${source.id}/transfer`, {
      toUserId: org.agentA.user.id,
      reason,
    });
    const portal = await portalClient(source.id);
    expect((await portal.get(`/api/customers/${source.id}`)).status).toBe(200);
    // The service desk's records on the file move too.
    const categories = (await org.agentA.get('/api/ticket-categories')).body;
    const ticket = await org.agentA.post('/api/tickets', {
      type: 'complaint',
      channel: 'phone',
      customerId: source.id,
      categoryId: categories[0].id,
      severity: 'normal',
      subject: '合并前的投诉',
      customerWords: '货物延误两天',
    });
    expect(ticket.status).toBe(201);
    const promise = await org.agentA.post('/api/commitments', {
      customerId: source.id,
      ticketId: ticket.body.id,
      promise: '周五前回复赔偿方案',
      dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    expect(promise.status).toBe(201);

    const response = await t.admin.post(`/api/customers/${target.id}/merge`, { sourceId: source.id });
    expect(response.status).toBe(200);
    expect(response.body.moved).toEqual({
      contacts: 1,
      interactions: 1,
      followUps: 1,
      ownershipTransfers: 1,
      timelineEntries: expect.any(Number),
      portalUsers: 1,
      tickets: 1,
      workOrders: 0,
      commitments: 1,
      shipments: 0,
      shipmentSubscriptions: 0,
      trackingEvents: 0,
      shipmentExceptions: 0,
      outboundMessages: 0,
      notificationEndpoints: 0,
      dcsaEventSubscriptions: 0,
      satisfactionAlerts: 0,
      surveyInvitations: 0,
      surveyResponses: 0,
      correctiveActions: 0,
    });
    expect(response.body.moved.timelineEntries).toBeGreaterThanOrEqual(3);
    const moved = await org.agentA.get(`/api/tickets/${ticket.body.id}`);
    expect(moved.body.customerId).toBe(target.id);
    expect((await org.agentA.get(`/api/commitments/${promise.body.id}`)).body.customerId).toBe(target.id);
    const merged = response.body.customer;
    expect(merged).toMatchObject({
      id: target.id,
      name: '上海申港国际物流有限公司',
      taxId: code,
      phone: '021-5555 6666',
      tags: ['重点客户', '电商'],
      competitors: ['德迅', '中外运'],
      bonds: ['social', 'structural'],
      departmentIds: [org.seaExport, org.airExport],
      version: 2,
    });
    expect(merged.requirements).toMatchObject({
      serviceModes: ['sea', 'air'],
      lanes: [
        { origin: 'CNSHA', destination: 'USLAX' },
        { origin: 'CNPVG', destination: 'DEFRA' },
      ],
      monthlyKg: 5000,
    });
    expect(merged.notes).toContain('目标档案备注');
    expect(merged.notes).toContain('来源档案备注');

    const folded = await t.admin.get(`/api/customers/${source.id}`);
    expect(folded.body).toMatchObject({ mergedIntoId: target.id, archivedAt: expect.any(String) });
    const contacts = (await t.admin.get(`/api/customers/${target.id}/contacts`)).body.items;
    expect(contacts.map((c: any) => [c.id, c.isPrimary])).toEqual([
      [targetPrimary.id, true],
      [sourcePrimary.id, false],
    ]);
    const [movedInteraction] = await t.ctx.db
      .select()
      .from(interactions)
      .where(eq(interactions.id, interaction));
    expect(movedInteraction.customerId).toBe(target.id);
    const [movedTask] = await t.ctx.db.select().from(followUps).where(eq(followUps.id, task));
    expect(movedTask.customerId).toBe(target.id);
    expect((await t.admin.get(`/api/customers/${target.id}/transfers`)).body.items).toHaveLength(1);
    const timeline = (await t.admin.get(`/api/customers/${target.id}/timeline?limit=100`)).body.items;
    expect(timeline[0]).toMatchObject({ kind: 'customer.merged', detail: { sourceId: source.id } });
    expect(timeline.filter((e: any) => e.kind === 'customer.created')).toHaveLength(2);
    // The portal account of the folded customer now belongs to the surviving one.
    expect((await portal.get(`/api/customers/${target.id}`)).status).toBe(200);
    expect((await portal.get(`/api/customers/${source.id}`)).status).toBe(404);
    const [portalUser] = await t.ctx.db.select().from(users).where(eq(users.id, portal.user.id));
    expect(portalUser.customerId).toBe(target.id);
    // The merged file disappears from search and from duplicate candidates, and cannot be restored.
    const found = await t.admin.get(`/api/customers?q=${encodeURIComponent('申港')}`);
    expect(found.body.items.map((c: any) => c.id)).toEqual([target.id]);
    const dup = await t.admin.get(`/api/customers/duplicates?taxId=${code}`);
    expect(dup.body.items.map((c: any) => c.id)).toEqual([target.id]);
    expect((await t.admin.post(`/api/customers/${source.id}/restore`)).status).toBe(409);
    const [record] = await t.ctx.db
      .select()
      .from(customerMerges)
      .where(eq(customerMerges.sourceId, source.id));
    expect(record).toMatchObject({ targetId: target.id, byUserId: t.admin.user.id });
    expect((record.sourceSnapshot as any).customer).toMatchObject({
      name: '上海申港国际物流（集团）有限公司',
      taxId: code,
    });
    expect((record.sourceSnapshot as any).contactIds).toEqual([sourcePrimary.id]);
    const actions = async (id: string) =>
      (await t.admin.get(`/api/audit?entityId=${id}&limit=100`)).body.items.map((a: any) => a.action);
    expect(await actions(target.id)).toContain('merge');
    expect(await actions(source.id)).toContain('merged_into');
    // Merging it again is refused.
    const again = await t.admin.post(`/api/customers/${target.id}/merge`, { sourceId: source.id });
    expect(again.status).toBe(409);
  });

  it('lets a supervisor merge two files of the team, not files of another team', async () => {
    const a = await createCustomer(org.agentA);
    const b = await createCustomer(org.agentA2);
    const c = await createCustomer(org.agentB);
    expect((await org.supervisorA.post(`/api/customers/${a.id}/merge`, { sourceId: c.id })).status).toBe(403);
    expect((await org.supervisorB.post(`/api/customers/${c.id}/merge`, { sourceId: a.id })).status).toBe(403);
    for (const client of [org.agentA, org.manager, org.operations]) {
      expect((await client.post(`/api/customers/${a.id}/merge`, { sourceId: b.id })).status).toBe(403);
    }
    expect((await org.supervisorA.post(`/api/customers/${a.id}/merge`, { sourceId: b.id })).status).toBe(200);
  });

  it('refuses to merge a file into itself, two different legal entities, or into an archived file', async () => {
    const a = await createCustomer(org.agentA, { taxId: taxId(880101) });
    const b = await createCustomer(org.agentA, { taxId: taxId(880102) });
    const self = await t.admin.post(`/api/customers/${a.id}/merge`, { sourceId: a.id });
    expect(self.status).toBe(422);
    const entities = await t.admin.post(`/api/customers/${a.id}/merge`, { sourceId: b.id });
    expect(entities.status).toBe(409);
    expect(entities.body.detail).toContain('tax');
    const archived = await createCustomer(org.agentA);
    await org.agentA.post(`/api/customers/${archived.id}/archive`);
    const c = await createCustomer(org.agentA);
    expect((await t.admin.post(`/api/customers/${archived.id}/merge`, { sourceId: c.id })).status).toBe(409);
    expect((await t.admin.post(`/api/customers/${a.id}/merge`, { sourceId: uuidv7() })).status).toBe(404);
    expect((await t.admin.post(`/api/customers/${a.id}/merge`, {})).status).toBe(400);
    expect((await t.admin.post(`/api/customers/${a.id}/merge`, { sourceId: 'b' })).status).toBe(400);
    // Nothing changed on the refused merges.
    expect((await t.admin.get(`/api/customers/${b.id}`)).body).toMatchObject({
      mergedIntoId: null,
      archivedAt: null,
      version: 1,
    });
  });
});
