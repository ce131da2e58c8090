import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact, createCustomer, createDepartment, portalUser } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import {
  allAnswers,
  createActiveSurvey,
  createTestModel,
  customerWithContact,
  inviteAndGetToken,
} from '../support/survey-factories.ts';

/** Issue 5 §4 and §10 (staff side): surveys' life cycle, who may do what, sending, invitations, responses. */

let t: TestApp;
let agent: Client;
let supervisor: Client;
let manager: Client;
let modelId: string;

beforeAll(async () => {
  t = await startTestApp();
  [agent, supervisor, manager] = await Promise.all([
    t.userClient('agent'),
    t.userClient('supervisor'),
    t.userClient('manager'),
  ]);
  modelId = (await createTestModel(t)).modelId;
});

afterAll(async () => {
  await t?.close();
});

describe('the life cycle', () => {
  it('draft → active → closed; what may change when; who may do it', async () => {
    const body = { name: '年度调查', modelId, trigger: 'manual' };
    expect((await agent.post('/api/surveys', body)).status).toBe(403);
    const created = await supervisor.post('/api/surveys', { ...body, askIdeal: true, reminderDays: [5] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      trigger: 'manual',
      askIdeal: true,
      reminderDays: [5],
      tokenTtlDays: 30,
      versionNumber: 1,
      stats: { invited: 0, sent: 0, completed: 0, responseRate: 0 },
      waves: [],
    });
    const id = created.body.id;

    // All staff read; portal users do not.
    expect((await agent.get(`/api/surveys/${id}`)).status).toBe(200);
    expect((await agent.get('/api/surveys?status=draft')).body.items.map((s: any) => s.id)).toContain(id);
    const { customer } = await customerWithContact(t);
    expect((await (await portalUser(t, customer.id)).get('/api/surveys')).status).toBe(403);

    expect((await manager.patch(`/api/surveys/${id}`, { askImportance: true })).status).toBe(200);
    expect((await manager.post(`/api/surveys/${id}/send`, {})).status).toBe(409);
    expect((await agent.post(`/api/surveys/${id}/activate`)).status).toBe(403);
    const active = await manager.post(`/api/surveys/${id}/activate`);
    expect(active.status).toBe(200);
    expect(active.body.status).toBe('active');
    expect((await manager.post(`/api/surveys/${id}/activate`)).status).toBe(409);

    const renamed = await manager.patch(`/api/surveys/${id}`, {
      name: '2026 年度调查',
      reminderDays: [3, 7],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '2026 年度调查', reminderDays: [3, 7] });
    const fixed = await manager.patch(`/api/surveys/${id}`, { askIdeal: false });
    expect(fixed.status).toBe(409);
    expect(fixed.body.detail).toContain('askIdeal');

    expect((await manager.post(`/api/surveys/${id}/close`)).status).toBe(200);
    expect((await manager.patch(`/api/surveys/${id}`, { name: 'x' })).status).toBe(409);
    expect((await manager.post(`/api/surveys/${id}/send`, {})).status).toBe(409);
    expect((await manager.post(`/api/surveys/${id}/close`)).status).toBe(409);
  });

  it('refuses bad input with a clear 4xx', async () => {
    const base = { name: '调查', modelId, trigger: 'manual' };
    const unknownModel = await t.admin.post('/api/surveys', { ...base, modelId: randomUUID() });
    expect(unknownModel.status).toBe(422);
    expect(unknownModel.body.errors[0].field).toBe('modelId');
    const wave = await t.admin.post('/api/surveys', { ...base, trigger: 'wave' });
    expect(wave.status).toBe(422);
    expect(wave.body.errors[0].field).toBe('recurrenceMonths');
    const late = await t.admin.post('/api/surveys', { ...base, tokenTtlDays: 5, reminderDays: [3, 7] });
    expect(late.status).toBe(422);
    expect(late.body.errors[0].field).toBe('reminderDays');
    const other = await createTestModel(t);
    const foreign = await t.admin.post('/api/surveys', { ...base, versionId: other.versionId });
    expect(foreign.status).toBe(422);
    expect((await t.admin.post('/api/surveys', { ...base, trigger: 'sometimes' })).status).toBeLessThan(500);
    expect((await t.admin.post('/api/surveys', { ...base, name: '   ' })).status).toBe(422);
    expect((await t.admin.get('/api/surveys/not-a-uuid')).status).toBeLessThan(500);
    expect((await t.admin.get(`/api/surveys/${randomUUID()}`)).status).toBe(404);
    expect((await t.admin.get(`/api/survey-responses/${randomUUID()}`)).status).toBe(404);
  });
});

describe('sending and browsing', () => {
  it('counts a wave answer for the customer’s own team in the department breakdown', async () => {
    const survey = await createActiveSurvey(t, { modelId }, supervisor);
    const team = await createDepartment(t, { name: '海运出口部' });
    const customer = await createCustomer(t, { ownerId: t.admin.user.id, teamId: team.id });
    await createContact(t, {
      customerId: customer.id,
      name: '周经理',
      email: `zhou-${customer.id.slice(-8)}@example.com`,
      isPrimary: true,
    });
    const teamId = team.id;
    const { token } = await inviteAndGetToken(t, survey.id, customer.id);
    const submitted = await t
      .anonymous()
      .post(`/api/public/surveys/${token}/submit`, { answers: allAnswers(4) });
    expect(submitted.status).toBe(200);
    const index = await manager.get(
      `/api/satisfaction/index?modelId=${modelId}&groupBy=department&customerId=${customer.id}`,
    );
    expect(index.status).toBe(200);
    expect(index.body.groups.map((g: { key: string }) => g.key)).toEqual([teamId]);
  });

  it('sends a wave to a segment, reports the unreachable, lists invitations and responses with rate', async () => {
    const survey = await createActiveSurvey(t, { modelId }, supervisor);
    const tag = randomUUID().slice(0, 6);
    const a1 = await customerWithContact(t, { valueClass: 'A', name: `甲公司${tag}` });
    const a2 = await customerWithContact(t, { valueClass: 'A', name: `乙公司${tag}` });
    const noEmail = await createCustomer(t, { ownerId: t.admin.user.id, valueClass: 'A' });
    await createContact(t, { customerId: noEmail.id, name: '无邮箱', isPrimary: true });
    const dnc = await createCustomer(t, { ownerId: t.admin.user.id, valueClass: 'A' });
    await createContact(t, {
      customerId: dnc.id,
      name: '勿扰',
      email: 'dnc@example.com',
      doNotContact: true,
    });
    const noContact = await createCustomer(t, { ownerId: t.admin.user.id, valueClass: 'A' });
    const b = await customerWithContact(t, { valueClass: 'B' });

    const ids = [a1.customer.id, a2.customer.id, noEmail.id, dnc.id, noContact.id, b.customer.id];
    const sent = await supervisor.post(`/api/surveys/${survey.id}/send`, {
      segment: { valueClasses: ['A'] },
      customerIds: ids,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.invited).toBe(2);
    expect(sent.body.skipped).toEqual(
      expect.arrayContaining([
        { customerId: noEmail.id, customerName: noEmail.name, reason: 'no_email' },
        { customerId: dnc.id, customerName: dnc.name, reason: 'do_not_contact' },
        { customerId: noContact.id, customerName: noContact.name, reason: 'no_contact' },
      ]),
    );
    expect(sent.body.skipped).toHaveLength(3);

    // To a chosen contact (a second wave).
    const direct = await supervisor.post(`/api/surveys/${survey.id}/send`, { contactIds: [b.contact.id] });
    expect(direct.body).toMatchObject({ number: 2, invited: 1 });
    const missing = await supervisor.post(`/api/surveys/${survey.id}/send`, { contactIds: [randomUUID()] });
    expect(missing.status).toBe(422);

    const invitations = await agent.get(`/api/surveys/${survey.id}/invitations?limit=2`);
    expect(invitations.status).toBe(200);
    expect(invitations.body.items).toHaveLength(2);
    const next = await agent.get(
      `/api/surveys/${survey.id}/invitations?limit=2&cursor=${invitations.body.nextCursor}`,
    );
    expect(next.body.items).toHaveLength(1);
    const all = [...invitations.body.items, ...next.body.items];
    expect(all.map((i: any) => i.customerName).sort()).toEqual(
      [`甲公司${tag}`, `乙公司${tag}`, b.customer.name].sort(),
    );
    expect(all[0]).toMatchObject({ status: 'sent', contactName: '陈经理', reminderCount: 0 });

    // One customer answers low, one is halfway.
    const { token: low } = await inviteAndGetToken(t, survey.id, a1.customer.id);
    expect(
      (
        await t
          .anonymous()
          .post(`/api/public/surveys/${low}/submit`, { answers: allAnswers(1), comment: '太慢' })
      ).status,
    ).toBe(200);
    const { token: half } = await inviteAndGetToken(t, survey.id, a2.customer.id);
    await t
      .anonymous()
      .put(`/api/public/surveys/${half}/answers`, { answers: [{ itemKey: 'quality.speed', score: 4 }] });

    const responses = await agent.get(`/api/surveys/${survey.id}/responses`);
    expect(responses.status).toBe(200);
    expect(responses.body.items).toHaveLength(2);
    const complete = await agent.get(`/api/surveys/${survey.id}/responses?status=complete&maxIndex=10`);
    expect(complete.body.items).toHaveLength(1);
    expect(complete.body.items[0]).toMatchObject({
      customerId: a1.customer.id,
      responseIndex: 0,
      comment: '太慢',
      channel: 'link',
      contactName: '陈经理',
    });
    expect(complete.body.items[0].answers).toHaveLength(4);
    expect((await agent.get(`/api/surveys/${survey.id}/responses?minIndex=50`)).body.items).toEqual([]);
    const partial = await agent.get(`/api/surveys/${survey.id}/responses?customerId=${a2.customer.id}`);
    expect(partial.body.items[0]).toMatchObject({ status: 'partial', responseIndex: null });
    expect(partial.body.items[0].answers).toEqual([
      { itemKey: 'quality.speed', score: 4, idealScore: null, importance: null },
    ]);

    const view = await agent.get(`/api/surveys/${survey.id}`);
    // 5 invitations sent (a1 and a2 twice: by the segment wave and once more each), 1 completed.
    expect(view.body.stats).toMatchObject({ invited: 5, sent: 5, completed: 1, partial: 1 });
    expect(view.body.stats.responseRate).toBeCloseTo(1 / 5, 4);
    expect(view.body.waves.map((w: any) => w.number)).toEqual([1, 2, 3, 4]);
    expect((await agent.post(`/api/surveys/${survey.id}/remind`)).status).toBe(403);
    expect((await supervisor.post(`/api/surveys/${survey.id}/remind`)).body).toEqual({ reminded: 0 });
  });
});
