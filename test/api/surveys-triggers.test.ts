import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import { surveyInvitations, surveyWaves, surveys } from '../../src/modules/surveys/tables.ts';
import { createContact, createCustomer, createDepartment } from '../support/factories.ts';
import { categoryIds, openTicket, ticketAction } from '../support/desk-factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';
import {
  allAnswers,
  createActiveSurvey,
  customerWithContact,
  inviteAndGetToken,
  latestSurveyMail,
} from '../support/survey-factories.ts';

/**
 * Issue 5 §4: surveys sent after a delivery and after a complaint closes (throttled per contact),
 * periodic waves to a segment, and reminders N days after sending — with a moved clock.
 */

const DAY = 86_400_000;
let clock = Date.now();
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ now: () => new Date(clock) });
});

afterAll(async () => {
  await t?.close();
});

const invitationsOf = (customerId: string) =>
  t.ctx.db
    .select()
    .from(surveyInvitations)
    .where(eq(surveyInvitations.customerId, customerId))
    .orderBy(asc(surveyInvitations.createdAt));

async function deliver(shipmentId: string) {
  const response = await t.admin.post('/api/tracking-events', {
    events: [
      {
        shipmentId,
        eventCode: 'DELIVERED',
        classifier: 'ACT',
        eventTime: new Date(clock - 60_000).toISOString(),
        location: 'DEHAM',
        source: 'dcsa:TEST',
        sourceEventId: randomUUID(),
        updatedAt: new Date(clock - 30_000).toISOString(),
      },
    ],
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.results[0].outcome).toBe('accepted');
}

describe('after delivery', () => {
  it('invites the customer’s primary contact when a shipment is delivered, at most once per minDaysBetween', async () => {
    const survey = await createActiveSurvey(t, {
      name: '到货满意度',
      trigger: 'after_delivery',
      segment: { modes: ['sea'] },
      minDaysBetween: 30,
    });
    const { customer, contact } = await customerWithContact(t, { email: 'zhou@haiyun.example' });
    const department = await createDepartment(t, { name: '海运进口部' });
    const shipment = await createShipment(t, {
      customerId: customer.id,
      departmentId: department.id,
      mode: 'sea',
    });
    expect(await invitationsOf(customer.id)).toEqual([]);

    await deliver(shipment.id);
    const [invitation] = await invitationsOf(customer.id);
    expect(invitation).toMatchObject({
      surveyId: survey.id,
      contactId: contact.id,
      status: 'sent',
      refType: 'shipment',
      refId: shipment.id,
      departmentId: department.id,
      mode: 'sea',
      lane: 'CNSHA-DEHAM',
    });
    const { message } = await latestSurveyMail(t, customer.id);
    expect(message).toMatchObject({
      channel: 'email',
      recipient: 'zhou@haiyun.example',
      topic: 'survey.invitation',
    });

    // A second delivery within 30 days does not ask the same contact again.
    const second = await createShipment(t, {
      customerId: customer.id,
      departmentId: department.id,
      mode: 'sea',
    });
    await deliver(second.id);
    expect(await invitationsOf(customer.id)).toHaveLength(1);

    // Outside the segment (air, no sea shipment in the last year): not invited.
    const { customer: airOnly } = await customerWithContact(t);
    const air = await createShipment(t, { customerId: airOnly.id, departmentId: department.id, mode: 'air' });
    await deliver(air.id);
    expect(await invitationsOf(airOnly.id)).toEqual([]);
  });

  it('never sends the personal link to a group robot, even when the contact prefers WeCom', async () => {
    await createActiveSurvey(t, { trigger: 'after_delivery' });
    const customer = await createCustomer(t, { ownerId: t.admin.user.id, valueClass: 'B' });
    await createContact(t, {
      customerId: customer.id,
      name: '吴总',
      email: 'wu@robot.example',
      preferredChannel: 'wecom',
      isPrimary: true,
    });
    const robot = await t.admin.post('/api/notification-endpoints', {
      kind: 'wecom',
      name: '客户群',
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc',
      topics: ['*'],
      customerId: customer.id,
    });
    expect(robot.status, JSON.stringify(robot.body)).toBe(201);
    const shipment = await createShipment(t, { customerId: customer.id });
    await deliver(shipment.id);
    const { message } = await latestSurveyMail(t, customer.id);
    expect(message.channel).toBe('email');
    expect(message.recipient).toBe('wu@robot.example');
    expect(message.endpointId).toBeNull();
  });
});

describe('after a complaint closes', () => {
  it('invites the complaint’s contact; other ticket types do not', async () => {
    const survey = await createActiveSurvey(t, { name: '投诉回访', trigger: 'after_complaint' });
    const cat = await categoryIds(t);
    const { customer, contact } = await customerWithContact(t);

    const inquiry = await openTicket(t.admin, {
      type: 'inquiry',
      customerId: customer.id,
      contactId: contact.id,
      categoryId: cat.information,
    });
    await ticketAction(t.admin, inquiry.id, 'resolve', { resolution: '已答复' });
    await ticketAction(t.admin, inquiry.id, 'close', { customerConfirmed: true });
    expect(await invitationsOf(customer.id)).toEqual([]);

    const complaint = await openTicket(t.admin, {
      customerId: customer.id,
      contactId: contact.id,
      categoryId: cat.delay,
    });
    await ticketAction(t.admin, complaint.id, 'resolve', { resolution: '已补偿' });
    expect(await invitationsOf(customer.id)).toEqual([]);
    await ticketAction(t.admin, complaint.id, 'close', { customerConfirmed: true });
    const invitations = await invitationsOf(customer.id);
    expect(invitations).toHaveLength(1);
    expect(invitations[0]).toMatchObject({
      surveyId: survey.id,
      contactId: contact.id,
      refType: 'ticket',
      refId: complaint.id,
    });
  });
});

describe('waves', () => {
  it('send to the segment when due, then every recurrenceMonths; the sweeper is idempotent', async () => {
    const survey = await createActiveSurvey(t, {
      name: 'A 类客户半年度调查',
      trigger: 'wave',
      recurrenceMonths: 6,
      segment: { valueClasses: ['C'] },
    });
    const firstDue = new Date(survey.nextWaveAt).getTime();
    expect(firstDue).toBe(clock);
    const { customer: c1 } = await customerWithContact(t, { valueClass: 'C' });
    const { customer: other } = await customerWithContact(t, { valueClass: 'B' });
    const noEmail = await createCustomer(t, { ownerId: t.admin.user.id, valueClass: 'C' });
    await createContact(t, { customerId: noEmail.id, name: '无邮箱', isPrimary: true });

    expect(await t.ctx.services.surveys.sendDueWaves()).toBe(1);
    expect(await t.ctx.services.surveys.sendDueWaves()).toBe(0);
    expect(await invitationsOf(c1.id)).toHaveLength(1);
    expect(await invitationsOf(other.id)).toEqual([]);
    expect(await invitationsOf(noEmail.id)).toEqual([]);
    const [after] = await t.ctx.db.select().from(surveys).where(eq(surveys.id, survey.id));
    expect(after.nextWaveAt!.getTime()).toBeGreaterThan(clock + 180 * DAY);

    const saved = clock;
    clock = after.nextWaveAt!.getTime() + 1000;
    try {
      expect(await t.ctx.services.surveys.sendDueWaves()).toBe(1);
    } finally {
      clock = saved;
    }
    const waves = await t.ctx.db
      .select()
      .from(surveyWaves)
      .where(eq(surveyWaves.surveyId, survey.id))
      .orderBy(asc(surveyWaves.number));
    expect(waves.map((w) => w.number)).toEqual([1, 2]);
    expect(await invitationsOf(c1.id)).toHaveLength(2);
  });
});

describe('reminders', () => {
  it('go out reminderDays after sending with a new link, not after completion', async () => {
    const survey = await createActiveSurvey(t, { reminderDays: [3, 7], tokenTtlDays: 30 });
    const { customer } = await customerWithContact(t);
    const { customer: answered } = await customerWithContact(t);
    const first = await inviteAndGetToken(t, survey.id, customer.id);
    const done = await inviteAndGetToken(t, survey.id, answered.id);
    expect(
      (await t.anonymous().post(`/api/public/surveys/${done.token}/submit`, { answers: allAnswers(4) }))
        .status,
    ).toBe(200);

    const service = t.ctx.services.surveys;
    const start = clock;
    try {
      expect(await service.sendDueReminders(survey.id)).toBe(0);
      clock = start + 3 * DAY - 60_000;
      expect(await service.sendDueReminders(survey.id)).toBe(0);
      clock = start + 3 * DAY + 60_000;
      expect(await service.sendDueReminders(survey.id)).toBe(1);
      expect(await service.sendDueReminders(survey.id)).toBe(0);
      const reminder = await latestSurveyMail(t, customer.id);
      expect(reminder.message.topic).toBe('survey.reminder');
      expect(reminder.token).not.toBe(first.token);
      // The old link is replaced; the new one works and keeps the invitation.
      expect((await t.anonymous().get(`/api/public/surveys/${first.token}`)).status).toBe(404);
      const page = await t.anonymous().get(`/api/public/surveys/${reminder.token}`);
      expect(page.status).toBe(200);

      clock = start + 7 * DAY + 60_000;
      expect(await service.sendDueReminders(survey.id)).toBe(1);
      clock = start + 20 * DAY;
      expect(await service.sendDueReminders(survey.id)).toBe(0);
    } finally {
      clock = start;
    }
    const [invitation] = await invitationsOf(customer.id);
    expect(invitation.reminderCount).toBe(2);
    const reminders = await t.ctx.db
      .select()
      .from(outboundMessages)
      .where(
        and(eq(outboundMessages.customerId, answered.id), eq(outboundMessages.topic, 'survey.reminder')),
      );
    expect(reminders).toEqual([]);
  });
});
