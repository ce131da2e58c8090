import { and, desc, eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ModelNode } from '../../src/domain/satisfaction/model.ts';
import { outboundMessages } from '../../src/modules/outbound/tables.ts';
import { satisfactionModelVersions, satisfactionModels } from '../../src/modules/satisfaction/tables.ts';
import { createContact, createCustomer } from './factories.ts';
import type { Client, TestApp } from './harness.ts';

/**
 * Surveys for tests. A small model of our own (written straight to the tables, so these tests do
 * not depend on the default model's content), active surveys through the API, and token links read
 * from the invitation email that was queued (there are no test-only paths):
 *
 *   const survey = await createActiveSurvey(t);
 *   const { customer } = await customerWithContact(t);
 *   const { token } = await inviteAndGetToken(t, survey.id, customer.id);
 *   await t.anonymous().post(`/api/public/surveys/${token}/submit`, { answers: allAnswers(5) });
 */

/** satisfaction → quality (0.6: reliability, speed), loyalty (0.4: again, chase — reverse-scored). */
export const TEST_NODES: ModelNode[] = [
  { key: 'satisfaction', parentKey: null, level: 1, nameZh: '总体满意度', nameEn: 'Satisfaction', weight: 1 },
  {
    key: 'quality',
    parentKey: 'satisfaction',
    level: 2,
    dimension: 'quality',
    nameZh: '感知质量',
    nameEn: 'Perceived quality',
    weight: 0.6,
  },
  {
    key: 'loyalty',
    parentKey: 'satisfaction',
    level: 2,
    dimension: 'loyalty',
    nameZh: '客户回头率',
    nameEn: 'Loyalty',
    weight: 0.4,
  },
  {
    key: 'quality.reliability',
    parentKey: 'quality',
    level: 3,
    nameZh: '准时可靠',
    nameEn: 'Reliability',
    questionZh: '货物是否按承诺时间送达？',
    questionEn: 'Did your goods arrive when promised?',
    weight: 0.5,
    serviceElement: 'on_time_delivery',
  },
  {
    key: 'quality.speed',
    parentKey: 'quality',
    level: 3,
    nameZh: '时效',
    nameEn: 'Speed',
    questionZh: '您对运输时效是否满意？',
    questionEn: 'How satisfied are you with transit times?',
    weight: 0.5,
  },
  {
    key: 'loyalty.again',
    parentKey: 'loyalty',
    level: 3,
    nameZh: '再次合作',
    nameEn: 'Use us again',
    questionZh: '您是否愿意再次选择我们？',
    questionEn: 'Would you use us again?',
    weight: 0.75,
  },
  {
    key: 'loyalty.chase',
    parentKey: 'loyalty',
    level: 3,
    nameZh: '催办次数',
    nameEn: 'Chasing',
    questionZh: '您是否经常需要催促我们？',
    questionEn: 'How often did you have to chase us?',
    weight: 0.25,
    reverse: true,
  },
];

export const TEST_ITEM_KEYS = ['quality.reliability', 'quality.speed', 'loyalty.again', 'loyalty.chase'];

/** Every item answered: `score` on the normal items, and 6 − score on the reverse one (same meaning). */
export function allAnswers(score: number): { itemKey: string; score: number }[] {
  return TEST_ITEM_KEYS.map((itemKey) => ({
    itemKey,
    score: itemKey === 'loyalty.chase' ? 6 - score : score,
  }));
}

export async function createTestModel(t: TestApp, nodes: ModelNode[] = TEST_NODES) {
  const modelId = uuidv7();
  const versionId = uuidv7();
  await t.ctx.db.insert(satisfactionModels).values({ id: modelId, name: `测试模型 ${modelId.slice(-6)}` });
  await t.ctx.db.insert(satisfactionModelVersions).values({ id: versionId, modelId, version: 1, nodes });
  await t.ctx.db
    .update(satisfactionModels)
    .set({ currentVersionId: versionId })
    .where(eq(satisfactionModels.id, modelId));
  return { modelId, versionId };
}

/** A survey made and activated through the API (default: manual, on a fresh test model). */
export async function createActiveSurvey(
  t: TestApp,
  overrides: Record<string, unknown> = {},
  client: Client = t.admin,
): Promise<any> {
  const modelId = (overrides.modelId as string | undefined) ?? (await createTestModel(t)).modelId;
  const created = await client.post('/api/surveys', {
    name: '2026 年客户满意度调查',
    trigger: 'manual',
    ...overrides,
    modelId,
  });
  if (created.status !== 201) throw new Error(`create survey failed: ${JSON.stringify(created.body)}`);
  const activated = await client.post(`/api/surveys/${created.body.id}/activate`);
  if (activated.status !== 200) throw new Error(`activate failed: ${JSON.stringify(activated.body)}`);
  return activated.body;
}

/** A customer (owned by the admin unless said) with a reachable primary contact. */
export async function customerWithContact(
  t: TestApp,
  options: { ownerId?: string; valueClass?: string; email?: string; name?: string } = {},
) {
  const customer = await createCustomer(t, {
    ownerId: options.ownerId ?? t.admin.user.id,
    valueClass: options.valueClass ?? 'A',
    ...(options.name ? { name: options.name } : {}),
  });
  const contact = await createContact(t, {
    customerId: customer.id,
    name: '陈经理',
    email: options.email ?? `chen-${customer.id.slice(-8)}@example.com`,
    preferredChannel: 'email',
    isPrimary: true,
  });
  return { customer, contact };
}

/** The token in a mail body (`…/s/<43 base64url characters>`). */
export function tokenFrom(text: string): string {
  const match = /\/s\/([A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`no survey link in: ${text}`);
  return match[1];
}

/** The newest survey email queued for a customer (invitation or reminder), with its token. */
export async function latestSurveyMail(t: TestApp, customerId: string) {
  const [message] = await t.ctx.db
    .select()
    .from(outboundMessages)
    .where(
      and(eq(outboundMessages.customerId, customerId), eq(outboundMessages.refType, 'survey_invitation')),
    )
    .orderBy(desc(outboundMessages.createdAt), desc(outboundMessages.id))
    .limit(1);
  if (!message) throw new Error('no survey email was queued');
  return { message, token: tokenFrom(message.body), invitationId: message.refId as string };
}

/** Sends the survey to one customer (as admin) and returns the token from the queued email. */
export async function inviteAndGetToken(t: TestApp, surveyId: string, customerId: string) {
  const sent = await t.admin.post(`/api/surveys/${surveyId}/send`, { customerIds: [customerId] });
  if (sent.status !== 200 || sent.body.invited !== 1) {
    throw new Error(`send failed: ${sent.status} ${JSON.stringify(sent.body)}`);
  }
  return latestSurveyMail(t, customerId);
}
