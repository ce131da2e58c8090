import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyInvitations, surveyResponses } from '../../src/modules/surveys/tables.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import { portalUser } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type TestSmtp, startSmtp } from '../support/smtp.ts';
import {
  allAnswers,
  createActiveSurvey,
  customerWithContact,
  inviteAndGetToken,
  tokenFrom,
} from '../support/survey-factories.ts';

/**
 * Issue 5 §4 and §10: a one-time token link from a real email, answered on the public API without a
 * login — partial save and resume, one answer per token (also under two concurrent submits),
 * expired, reused, unknown and closed links, answers outside the scale; and the portal's surveys.
 */

const DAY = 86_400_000;
let clock = Date.parse('2026-06-01T02:00:00Z');
let t: TestApp;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await startTestApp({ now: () => new Date(clock) });
  t.ctx.config.smtpUrl = smtp.url;
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe('a token link', () => {
  it('arrives by email, opens the questionnaire without login, saves partially, resumes and submits once', async () => {
    const survey = await createActiveSurvey(t, { introZh: '请为我们的服务打分' });
    const { customer, contact } = await customerWithContact(t, {
      email: 'li@kehu.example',
      name: '宁波海通贸易有限公司',
    });
    const sent = await t.admin.post(`/api/surveys/${survey.id}/send`, { customerIds: [customer.id] });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({ number: 1, invited: 1, skipped: [] });

    await t.ctx.services.outbound.deliverDue();
    const [mail] = await smtp.waitFor(1, 10_000);
    expect(mail.to).toEqual(['li@kehu.example']);
    expect(mail.subject).toContain('满意度调查');
    expect(mail.text).toContain('请为我们的服务打分');
    expect(mail.text).toContain(contact.name);
    const token = tokenFrom(mail.text);
    // The link points at this server's answer page; only the token's hash is stored.
    expect(mail.text).toContain(`${t.baseUrl}/s/${token}`);
    const [stored] = await t.ctx.db
      .select()
      .from(surveyInvitations)
      .where(eq(surveyInvitations.customerId, customer.id));
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token);

    const visitor = t.anonymous();
    const page = await visitor.get(`/api/public/surveys/${token}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    expect(page.body.surveyName).toBe(survey.name);
    expect(page.body.customerName).toBe('宁波海通贸易有限公司');
    expect(page.body.items.map((i: any) => i.key)).toEqual([
      'quality.reliability',
      'quality.speed',
      'loyalty.again',
      'loyalty.chase',
    ]);
    expect(page.body.items[0]).toMatchObject({
      questionZh: '货物是否按承诺时间送达？',
      dimension: 'quality',
    });
    expect(page.body.status).toBe('opened');
    expect(page.body.answers).toEqual([]);

    const save = await visitor.put(`/api/public/surveys/${token}/answers`, {
      answers: [
        { itemKey: 'quality.reliability', score: 4 },
        { itemKey: 'quality.speed', score: 5 },
      ],
      comment: '司机很好',
    });
    expect(save.status, JSON.stringify(save.body)).toBe(200);
    expect(save.body).toEqual({ saved: 2, status: 'partial' });

    // A submit with gaps is refused, naming what is missing.
    const early = await visitor.post(`/api/public/surveys/${token}/submit`, { answers: [] });
    expect(early.status).toBe(422);
    expect(early.body.detail).toContain('loyalty.again');

    // Later (another device): the saved answers come back.
    const resumed = await t.anonymous().get(`/api/public/surveys/${token}`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('partial');
    expect(resumed.body.comment).toBe('司机很好');
    expect(resumed.body.answers).toEqual(
      expect.arrayContaining([
        { itemKey: 'quality.reliability', score: 4, idealScore: null, importance: null },
        { itemKey: 'quality.speed', score: 5, idealScore: null, importance: null },
      ]),
    );

    const submit = await visitor.post(`/api/public/surveys/${token}/submit`, {
      answers: [
        { itemKey: 'loyalty.again', score: 5 },
        { itemKey: 'loyalty.chase', score: 2 },
      ],
    });
    expect(submit.status, JSON.stringify(submit.body)).toBe(200);
    // quality (75 + 100) / 2 = 87.5; loyalty 0.75·100 + 0.25·75 = 93.75; 0.6·87.5 + 0.4·93.75 = 90
    expect(submit.body).toMatchObject({ status: 'complete', responseIndex: 90 });

    const [response] = await t.ctx.db
      .select()
      .from(surveyResponses)
      .where(eq(surveyResponses.invitationId, stored.id));
    expect(response).toMatchObject({
      status: 'complete',
      responseIndex: 90,
      valueClass: 'A',
      channel: 'link',
      comment: '司机很好',
    });
    const timeline = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(eq(timelineEntries.refId, response.id));
    expect(timeline.map((e) => e.kind)).toEqual(['survey.answered']);

    // Used: the link answers 409 to every further use, and the answer does not change.
    for (const again of [
      await visitor.get(`/api/public/surveys/${token}`),
      await visitor.put(`/api/public/surveys/${token}/answers`, {
        answers: [{ itemKey: 'quality.speed', score: 1 }],
      }),
      await visitor.post(`/api/public/surveys/${token}/submit`, { answers: allAnswers(1) }),
    ]) {
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toContain('application/problem+json');
    }
    const staff = await t.admin.get(`/api/survey-responses/${response.id}`);
    expect(staff.status).toBe(200);
    expect(staff.body.answers.find((a: any) => a.itemKey === 'quality.speed').score).toBe(5);

    const stats = await t.admin.get(`/api/surveys/${survey.id}`);
    expect(stats.body.stats).toMatchObject({ invited: 1, sent: 1, opened: 1, completed: 1, responseRate: 1 });
    expect(stats.body.waves).toEqual([expect.objectContaining({ number: 1, invited: 1, completed: 1 })]);
  });

  it('gives exactly one answer under two concurrent submits', async () => {
    const survey = await createActiveSurvey(t);
    const { customer } = await customerWithContact(t);
    const { token } = await inviteAndGetToken(t, survey.id, customer.id);
    const [a, b] = await Promise.all([
      t.anonymous().post(`/api/public/surveys/${token}/submit`, { answers: allAnswers(5) }),
      t.anonymous().post(`/api/public/surveys/${token}/submit`, { answers: allAnswers(1) }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const responses = await t.ctx.db
      .select()
      .from(surveyResponses)
      .where(eq(surveyResponses.customerId, customer.id));
    expect(responses).toHaveLength(1);
    const winner = a.status === 200 ? a : b;
    expect(responses[0].responseIndex).toBe(winner.body.responseIndex);
  });

  it('refuses answers outside the scale, unknown items and unasked ideal levels with 422 naming the item', async () => {
    const survey = await createActiveSurvey(t);
    const { customer } = await customerWithContact(t);
    const { token } = await inviteAndGetToken(t, survey.id, customer.id);
    const cases: [unknown, string][] = [
      [{ itemKey: 'quality.speed', score: 6 }, 'quality.speed'],
      [{ itemKey: 'quality.speed', score: 0 }, 'quality.speed'],
      [{ itemKey: 'quality.speed', score: 3.5 }, 'quality.speed'],
      [{ itemKey: 'no.such.item', score: 3 }, 'no.such.item'],
      [{ itemKey: 'loyalty.again', score: 3, idealScore: 5 }, 'loyalty.again'],
    ];
    for (const [answer, item] of cases) {
      const response = await t.anonymous().put(`/api/public/surveys/${token}/answers`, { answers: [answer] });
      expect(response.status, JSON.stringify(answer)).toBe(422);
      expect(response.body.detail).toContain(item);
      expect(response.body.errors[0].message).toContain(item);
    }
    // Not a number at all: the schema refuses it (4xx, never 500).
    const text = await t.anonymous().put(`/api/public/surveys/${token}/answers`, {
      answers: [{ itemKey: 'quality.speed', score: 'five' }],
    });
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
  });

  it('answers 404 for an unknown link, 410 when expired or the survey closed', async () => {
    expect((await t.anonymous().get(`/api/public/surveys/${'x'.repeat(43)}`)).status).toBe(404);
    expect((await t.anonymous().get('/api/public/surveys/short')).status).toBe(404);

    const survey = await createActiveSurvey(t, { tokenTtlDays: 10 });
    const { customer } = await customerWithContact(t);
    const { token } = await inviteAndGetToken(t, survey.id, customer.id);
    expect((await t.anonymous().get(`/api/public/surveys/${token}`)).status).toBe(200);
    const saved = clock;
    clock += 10 * DAY + 1;
    try {
      const expired = await t
        .anonymous()
        .post(`/api/public/surveys/${token}/submit`, { answers: allAnswers(4) });
      expect(expired.status).toBe(410);
      expect(expired.body.detail).toContain('expired');
      // The sweeper marks it.
      expect(await t.ctx.services.surveys.expireDue()).toBeGreaterThanOrEqual(1);
    } finally {
      clock = saved;
    }
    const stats = await t.admin.get(`/api/surveys/${survey.id}`);
    expect(stats.body.stats.expired).toBe(1);
    expect((await t.anonymous().get(`/api/public/surveys/${token}`)).status).toBe(410);

    const other = await createActiveSurvey(t);
    const second = await customerWithContact(t);
    const link = await inviteAndGetToken(t, other.id, second.customer.id);
    expect((await t.admin.post(`/api/surveys/${other.id}/close`)).status).toBe(200);
    const closed = await t.anonymous().get(`/api/public/surveys/${link.token}`);
    expect(closed.status).toBe(410);
    expect(closed.body.detail).toContain('closed');
  });
});

describe('the portal', () => {
  it('lists the company’s surveys and answers them; another company’s portal user gets 404', async () => {
    const survey = await createActiveSurvey(t);
    const { customer } = await customerWithContact(t);
    const { invitationId } = await inviteAndGetToken(t, survey.id, customer.id);
    const mine = await portalUser(t, customer.id);
    const other = await customerWithContact(t);
    const stranger = await portalUser(t, other.customer.id);

    const list = await mine.get('/api/portal/surveys');
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ invitationId, surveyName: survey.name, status: 'sent' }),
    ]);
    expect((await stranger.get('/api/portal/surveys')).body.items).toEqual([]);
    expect((await stranger.get(`/api/portal/surveys/${invitationId}`)).status).toBe(404);
    expect(
      (await stranger.post(`/api/portal/surveys/${invitationId}/submit`, { answers: allAnswers(5) })).status,
    ).toBe(404);
    // Portal users do not read staff survey routes.
    expect((await mine.get(`/api/surveys/${survey.id}`)).status).toBe(403);

    const page = await mine.get(`/api/portal/surveys/${invitationId}`);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(4);
    expect(
      (
        await mine.put(`/api/portal/surveys/${invitationId}/answers`, {
          answers: [{ itemKey: 'quality.speed', score: 2 }],
        })
      ).status,
    ).toBe(200);
    const submit = await mine.post(`/api/portal/surveys/${invitationId}/submit`, { answers: allAnswers(2) });
    expect(submit.status, JSON.stringify(submit.body)).toBe(200);
    expect(submit.body.responseIndex).toBe(25);
    const [response] = await t.ctx.db
      .select()
      .from(surveyResponses)
      .where(eq(surveyResponses.invitationId, invitationId));
    expect(response.channel).toBe('portal');
    // Completed: shown with its answers in the portal, but not changeable.
    const done = await mine.get(`/api/portal/surveys/${invitationId}`);
    expect(done.body.status).toBe('completed');
    expect(done.body.answers).toHaveLength(4);
    expect(
      (await mine.post(`/api/portal/surveys/${invitationId}/submit`, { answers: allAnswers(5) })).status,
    ).toBe(409);
  });
});

describe('the public routes', () => {
  // Last in this file: it spends this client IP's allowance for the minute.
  it('are rate-limited per client IP (surveys.publicRateLimitPerMinute, default 60): 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 70 && !statuses.includes(429); i++) {
      const response = await t.anonymous().get(`/api/public/surveys/not-a-token-${i}`);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses).toContain(404);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.length).toBeLessThanOrEqual(61);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
