import { and, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { followUps } from '../../src/modules/followups/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { satisfactionAlerts } from '../../src/modules/satisfaction/tables.ts';
import { surveys } from '../../src/modules/surveys/tables.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import { type ActionTestModel, seedActionModel, seedAnswer } from '../support/corrective-action-factories.ts';
import { categoryIds, openTicket } from '../support/desk-factories.ts';
import {
  type CustomerRow,
  type Organisation,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type Client, type TestApp, USER_PASSWORD, startTestApp } from '../support/harness.ts';

// Thursday 2025-06-12, 10:00 in Shanghai; the clock moves forward in the verification tests.
const START = new Date('2025-06-12T02:00:00Z');
let clock = START;
const DAY = 86_400_000;
const at = (days: number, from = START) => new Date(from.getTime() + days * DAY);

let t: TestApp;
let org: Organisation;
let customer: CustomerRow;
let other: CustomerRow;
let modelId: string;
let versionId: string;
let surveyId: string;
let model: ActionTestModel;
let portal: Client;

beforeAll(async () => {
  t = await startTestApp({ now: () => clock });
  org = await createOrganisation(t);
  customer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '宁波港联货运代理有限公司',
  });
  other = await createCustomer(t, { ownerId: org.otherAgent.user.id, teamId: org.teamB.id });
  portal = await portalUser(t, customer.id);
  // A small model of our own (the models service's default model is not relied on).
  model = await seedActionModel(t);
  ({ modelId, versionId, surveyId } = model);
});
afterAll(async () => {
  await t?.close();
});

/** One complete response with the given raw scores, submitted at `submittedAt`. */
function answer(
  customerId: string,
  scores: Record<string, number>,
  submittedAt: Date,
  responseIndex: number | null = null,
  survey = surveyId,
): Promise<string> {
  return seedAnswer(t, model, { customerId, scores, submittedAt, responseIndex, surveyId: survey });
}

/** Moves the clock; a jump beyond the sessions' 12 idle hours needs the clients to log in again. */
async function travel(to: Date, ...clients: Client[]) {
  clock = to;
  for (const client of clients) await client.login(client.user.email, USER_PASSWORD);
}

function action(extra: Record<string, unknown> = {}) {
  return {
    title: '准时交付率偏低',
    source: 'element',
    modelId,
    itemKey: 'quality.ontime',
    ownerId: org.agent.user.id,
    departmentId: org.airExport.id,
    dueAt: at(30, clock).toISOString(),
    problem: '旺季舱位不足导致交付延误',
    measures: '与两家航司签订保舱协议；每周复盘延误单',
    ...extra,
  };
}

async function open(client: Client, extra: Record<string, unknown> = {}) {
  const response = await client.post('/api/corrective-actions', action(extra));
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

describe('corrective actions', () => {
  it('opens from a low-scoring element with the item score of the last 12 months as before', async () => {
    // Within 12 months: 2,2,3,3,2,3 on quality.ontime → mean 2.5 → 37.5. Older answers do not count.
    for (const [i, score] of [2, 2, 3, 3, 2, 3].entries()) {
      await answer(other.id, { 'quality.ontime': score, 'value.price': 5 }, at(-10 - i));
    }
    await answer(other.id, { 'quality.ontime': 5 }, at(-400));
    // Staff read suggestions: the low element is there.
    const suggestions = await org.operations.get('/api/corrective-actions/suggestions');
    expect(suggestions.status, JSON.stringify(suggestions.body)).toBe(200);
    expect(suggestions.body.modelId).toBe(modelId);
    const low = suggestions.body.elements.find((e: any) => e.itemKey === 'quality.ontime');
    expect(low).toMatchObject({ score: 37.5, answers: 6, nameZh: '准时交付', dimension: 'quality' });
    expect(low.reasons).toContain('low_score');
    expect(suggestions.body.elements.some((e: any) => e.itemKey === 'value.price')).toBe(false);

    const created = await open(org.supervisor);
    expect(created).toMatchObject({
      number: 'ZG-2025-0001',
      status: 'open',
      source: 'element',
      beforeScore: 37.5,
      beforeCount: 6,
      itemNameZh: '准时交付',
      itemNameEn: 'On-time delivery',
      ownerName: '张客服',
      departmentName: '空运出口部',
      customerId: null,
      overdue: false,
      measure: 'score',
    });
    const second = await open(org.manager, { itemKey: 'value.price', title: '价格' });
    expect(second.number).toBe('ZG-2025-0002');
    expect(second.beforeScore).toBe(100);

    // The owner is told; every write is audited.
    const notices = await t.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.refId, created.id), eq(notifications.userId, org.agent.user.id)));
    expect(notices.map((n) => n.kind)).toEqual(['corrective_action.assigned']);
    const audit = await t.ctx.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(audit.map((a) => a.action)).toEqual(['create']);

    // No longer suggested once an action is open on it.
    const after = await org.operations.get('/api/corrective-actions/suggestions');
    expect(after.body.elements.some((e: any) => e.itemKey === 'quality.ontime')).toBe(false);

    const listed = await org.operations.get('/api/corrective-actions?itemKey=quality.ontime');
    expect(listed.body.items.map((i: any) => i.id)).toEqual([created.id]);
  });

  it('scores reverse items reversed', async () => {
    const before = clock;
    await answer(other.id, { 'quality.chasing': 1 }, at(-1));
    await answer(other.id, { 'quality.chasing': 2 }, at(-1));
    const created = await open(org.supervisor, { itemKey: 'quality.chasing', title: '催问' });
    // 1 → 5, 2 → 4: mean 4.5 → 87.5
    expect(created.beforeScore).toBe(87.5);
    expect(created.beforeCount).toBe(2);
    clock = before;
  });

  it('checks who may open, change and read', async () => {
    expect((await org.agent.post('/api/corrective-actions', action())).status).toBe(403);
    expect((await org.operations.post('/api/corrective-actions', action())).status).toBe(403);
    expect((await portal.get('/api/corrective-actions')).status).toBe(403);
    expect((await portal.get('/api/corrective-actions/suggestions')).status).toBe(403);
    const created = await open(org.supervisor, { title: '权限' });
    expect((await portal.get(`/api/corrective-actions/${created.id}`)).status).toBe(403);
    expect((await org.otherAgent.get(`/api/corrective-actions/${created.id}`)).status).toBe(200);
    // The owner works on it; another agent may not.
    expect(
      (await org.otherAgent.patch(`/api/corrective-actions/${created.id}`, { status: 'in_progress' })).status,
    ).toBe(403);
    const moved = await org.agent.patch(`/api/corrective-actions/${created.id}`, { status: 'in_progress' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.status).toBe('in_progress');
    // The owner cannot hand it to someone else; a supervisor can.
    expect(
      (await org.agent.patch(`/api/corrective-actions/${created.id}`, { ownerId: org.teammate.user.id }))
        .status,
    ).toBe(403);
    const handed = await org.supervisor.patch(`/api/corrective-actions/${created.id}`, {
      ownerId: org.teammate.user.id,
    });
    expect(handed.body.ownerName).toBe('李客服');
    // A verdict is never set by hand.
    expect(
      (await org.supervisor.patch(`/api/corrective-actions/${created.id}`, { status: 'effective' })).status,
    ).toBe(400);
    const audit = await t.ctx.db.select().from(auditLog).where(eq(auditLog.entityId, created.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['create', 'status:in_progress', 'update']);
  });

  it('answers bad input with 4xx', async () => {
    const bad = async (extra: Record<string, unknown>, field: string, status = 422) => {
      const response = await org.supervisor.post('/api/corrective-actions', action(extra));
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      if (status === 422) expect(response.body.errors.map((e: any) => e.field)).toContain(field);
    };
    await bad({ dueAt: at(-1, clock).toISOString() }, 'dueAt');
    await bad({ itemKey: 'quality.nope' }, 'itemKey');
    await bad({ itemKey: 'quality' }, 'itemKey'); // an inner node is not an item
    await bad({ itemKey: null }, 'itemKey');
    await bad({ ownerId: portal.user.id }, 'ownerId');
    await bad({ source: 'answer', responseId: uuidv7() }, 'responseId');
    await bad({ source: 'alert' }, 'alertId');
    await bad({ source: 'complaints', ticketIds: [] }, 'ticketIds');
    await bad({ measures: '' }, 'measures', 400);
    await bad({ source: 'nonsense' }, 'source', 400);
    expect((await org.supervisor.get('/api/corrective-actions/not-a-uuid')).status).toBe(400);
    expect((await org.supervisor.get(`/api/corrective-actions/${uuidv7()}`)).status).toBe(404);
  });

  it('verifies by a later survey: too few answers first, then effective when the score rose', async () => {
    const created = await open(org.supervisor, { title: '准时交付复核', itemKey: 'quality.ontime' });
    expect(created.beforeScore).toBe(37.5);
    await travel(at(60), org.agent, org.supervisor);
    // Answers from before the action do not count.
    const early = await org.agent.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'survey',
      note: '第三季度调查复核',
    });
    expect(early.status).toBe(422);
    expect(early.body.detail).toBe('too few answers yet (0 of 5)');
    for (let i = 0; i < 4; i++) await answer(other.id, { 'quality.ontime': 4 }, at(50 + i));
    const four = await org.agent.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'survey',
      note: '第三季度调查复核',
    });
    expect(four.body.detail).toBe('too few answers yet (4 of 5)');
    await answer(other.id, { 'quality.ontime': 5 }, at(55));
    const verified = await org.agent.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'survey',
      note: '第三季度调查复核',
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    // 4,4,4,4,5 → mean 4.2 → 80
    expect(verified.body).toMatchObject({
      status: 'effective',
      afterScore: 80,
      afterCount: 5,
      verificationMethod: 'survey',
      verifiedByName: '张客服',
    });
    expect(verified.body.closedAt).not.toBeNull();
    // Done is done.
    const again = await org.agent.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'survey',
      note: 'x',
    });
    expect(again.status).toBe(409);
    expect(
      (await org.supervisor.post(`/api/corrective-actions/${created.id}/cancel`, { reason: 'x' })).status,
    ).toBe(409);
    const effective = await org.supervisor.get('/api/corrective-actions?status=effective');
    expect(effective.body.items.map((i: any) => i.id)).toContain(created.id);
    clock = START;
  });

  it('verifies against a given survey only', async () => {
    clock = START;
    const created = await open(org.supervisor, { title: '指定调查', itemKey: 'value.price' });
    const otherSurvey = uuidv7();
    await t.ctx.db
      .insert(surveys)
      .values({ id: otherSurvey, name: '另一调查', modelId, versionId, status: 'active' });
    await travel(at(20), org.supervisor);
    for (let i = 0; i < 5; i++)
      await answer(other.id, { 'value.price': 1 }, at(10 + i / 10), null, otherSurvey);
    const onlyOther = await org.supervisor.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'survey',
      surveyId,
      note: '只看年度调查',
    });
    expect(onlyOther.body.detail).toBe('too few answers yet (0 of 5)');
    const verified = await org.supervisor.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'survey',
      surveyId: otherSurvey,
      note: '另一调查',
    });
    expect(verified.body).toMatchObject({ status: 'not_effective', afterScore: 0, afterCount: 5 });
    expect(verified.body.verificationSurveyId).toBe(otherSurvey);
    // Not effective: taken up again, then it may be verified once more.
    const back = await org.supervisor.patch(`/api/corrective-actions/${created.id}`, {
      status: 'in_progress',
    });
    expect(back.body.status).toBe('in_progress');
    clock = START;
  });

  it('opens from a dissatisfied answer with the customer’s task, timeline, and verifies by follow-up', async () => {
    clock = START;
    const responseId = await answer(customer.id, { 'quality.ontime': 1, 'value.price': 2 }, at(-2), 13);
    const created = await open(org.supervisor, {
      source: 'answer',
      responseId,
      modelId: undefined,
      title: '客户对准时交付不满意',
    });
    expect(created).toMatchObject({
      customerId: customer.id,
      customerName: '宁波港联货运代理有限公司',
      responseId,
      modelId,
      // that customer's answers on the item only
      beforeScore: 0,
      beforeCount: 1,
    });
    const [task] = await t.ctx.db.select().from(followUps).where(eq(followUps.id, created.followUpId));
    expect(task).toMatchObject({
      kind: 'corrective_action',
      assigneeId: org.agent.user.id,
      customerId: customer.id,
      status: 'open',
    });
    expect(task.dueAt.toISOString()).toBe(created.dueAt);
    const timeline = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.customerId, customer.id), eq(timelineEntries.refId, created.id)));
    expect(timeline.map((e) => e.kind)).toEqual(['corrective_action.opened']);

    // Without an item: the response index is the before figure.
    const byIndex = await open(org.supervisor, {
      source: 'answer',
      responseId,
      itemKey: null,
      modelId: undefined,
      title: '整体',
    });
    expect(byIndex.beforeScore).toBe(13);

    // A follow-up not yet done does not verify.
    const notDone = await org.agent.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'follow_up',
      followUpId: task.id,
      afterScore: 80,
      note: '回访',
    });
    expect(notDone.status).toBe(422);
    expect(notDone.body.errors[0].field).toBe('followUpId');
    const done = await org.agent.post(`/api/follow-ups/${task.id}/complete`, {
      result: '客户表示最近三票都准时',
      version: task.version,
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const noScore = await org.agent.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'follow_up',
      followUpId: task.id,
      note: '回访',
    });
    expect(noScore.status).toBe(422);
    const verified = await org.agent.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'follow_up',
      followUpId: task.id,
      afterScore: 80,
      note: '回访确认改善',
    });
    expect(verified.body).toMatchObject({
      status: 'effective',
      afterScore: 80,
      verificationMethod: 'follow_up',
      verificationFollowUpId: task.id,
    });
    const kinds = await t.ctx.db
      .select({ kind: timelineEntries.kind })
      .from(timelineEntries)
      .where(eq(timelineEntries.refId, created.id));
    expect(kinds.map((k) => k.kind).sort()).toEqual([
      'corrective_action.opened',
      'corrective_action.verified',
    ]);
  });

  it('opens from a satisfaction alert and links the alert, once', async () => {
    const responseId = await answer(customer.id, { 'quality.ontime': 2 }, at(-1), 25);
    const alertId = uuidv7();
    await t.ctx.db.insert(satisfactionAlerts).values({
      id: alertId,
      customerId: customer.id,
      kind: 'low_answer',
      responseId,
      currentIndex: 25,
      lowItems: [{ itemKey: 'quality.ontime', score: 2 }],
      ownerId: org.agent.user.id,
    });
    const created = await open(org.supervisor, {
      source: 'alert',
      alertId,
      modelId: undefined,
      itemKey: undefined,
      title: '低分预警整改',
    });
    expect(created).toMatchObject({ alertId, customerId: customer.id, itemKey: 'quality.ontime', modelId });
    const [alert] = await t.ctx.db
      .select()
      .from(satisfactionAlerts)
      .where(eq(satisfactionAlerts.id, alertId));
    expect(alert.correctiveActionId).toBe(created.id);
    const twice = await org.supervisor.post(
      '/api/corrective-actions',
      action({ source: 'alert', alertId, title: '再开' }),
    );
    expect(twice.status).toBe(409);
  });

  it('suggests repeated complaints, opens from them and verifies by complaints per 90 days', async () => {
    clock = START;
    const categories = await categoryIds(t);
    const complaint = (days: number, categoryId = categories.delay, type = 'complaint') =>
      openTicket(org.agent, {
        customerId: customer.id,
        categoryId,
        type,
        receivedAt: at(days).toISOString(),
      });
    const tickets = [await complaint(-30), await complaint(-20), await complaint(-5)];
    await complaint(-4, categories.damage);
    const inquiry = await complaint(-3, categories.delay, 'inquiry');

    const suggestions = await org.supervisor.get('/api/corrective-actions/suggestions');
    const clusters = suggestions.body.complaintClusters;
    const mine = clusters.find((c: any) => c.customerId === customer.id && c.categoryId === categories.delay);
    expect(mine).toMatchObject({ count: 3, customerName: '宁波港联货运代理有限公司' });
    expect([...mine.ticketIds].sort()).toEqual(tickets.map((x) => x.id).sort());
    // One customer's cluster is not repeated as an "all customers" cluster; two damages are no cluster.
    expect(clusters.some((c: any) => c.customerId === null && c.categoryId === categories.delay)).toBe(false);
    expect(clusters.some((c: any) => c.categoryId === categories.damage)).toBe(false);

    const notComplaint = await org.supervisor.post(
      '/api/corrective-actions',
      action({ source: 'complaints', ticketIds: [inquiry.id], itemKey: null, modelId: null }),
    );
    expect(notComplaint.status).toBe(422);

    const created = await open(org.supervisor, {
      source: 'complaints',
      ticketIds: mine.ticketIds,
      itemKey: null,
      modelId: null,
      title: '延误投诉反复',
    });
    expect(created).toMatchObject({
      customerId: customer.id,
      beforeScore: 3,
      beforeCount: 3,
      measure: 'complaints',
    });
    const later = await org.supervisor.get('/api/corrective-actions/suggestions');
    expect(later.body.complaintClusters.some((c: any) => c.customerId === customer.id)).toBe(false);

    // 45 days on, one more delay complaint: 1 × 90 / 45 = 2 per 90 days < 3 → effective.
    await travel(at(45), org.agent, org.supervisor);
    await complaint(30);
    const verified = await org.supervisor.post(`/api/corrective-actions/${created.id}/verify`, {
      method: 'survey',
      note: '45 天仅 1 起延误投诉',
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body).toMatchObject({ status: 'effective', afterScore: 2, afterCount: 1 });
    clock = START;
  });

  it('flags and filters overdue actions; cancels with a reason', async () => {
    clock = START;
    const created = await open(org.supervisor, { title: '逾期', dueAt: at(2).toISOString() });
    await travel(at(3), org.agent, org.supervisor);
    const overdue = await org.supervisor.get('/api/corrective-actions?overdue=true');
    expect(overdue.body.items.map((i: any) => i.id)).toContain(created.id);
    expect(overdue.body.items.every((i: any) => i.overdue)).toBe(true);
    const notOverdue = await org.supervisor.get('/api/corrective-actions?overdue=false&limit=200');
    expect(notOverdue.body.items.map((i: any) => i.id)).not.toContain(created.id);
    expect(
      (await org.supervisor.post(`/api/corrective-actions/${created.id}/cancel`, { reason: '' })).status,
    ).toBe(400);
    const cancelled = await org.supervisor.post(`/api/corrective-actions/${created.id}/cancel`, {
      reason: '与另一整改合并',
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', overdue: false });
    expect((await org.agent.patch(`/api/corrective-actions/${created.id}`, { title: 'x' })).status).toBe(409);
    // Paging by due date.
    const first = await org.supervisor.get('/api/corrective-actions?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await org.supervisor.get(
      `/api/corrective-actions?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items[0].dueAt >= first.body.items[1].dueAt).toBe(true);
    clock = START;
  });
});
