import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import type { SatisfactionModelView } from '../../src/modules/satisfaction/models.ts';
import {
  surveyAnswers,
  surveyInvitations,
  surveyResponses,
  surveys,
} from '../../src/modules/surveys/tables.ts';
import { createCustomer } from './factories.ts';
import type { TestApp } from './harness.ts';

// Owned by the "models" helper (issue 5). Other satisfaction fixtures: satisfaction-index-factories.ts.

/** The default logistics model (created if there is none), as GET /api/satisfaction/models/:id shows it. */
export async function defaultModel(t: TestApp): Promise<SatisfactionModelView> {
  const id = await t.ctx.services.satisfaction.ensureDefaultModel();
  const response = await t.admin.get(`/api/satisfaction/models/${id}`);
  if (response.status !== 200) throw new Error(`default model: ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * Writes one survey response on a model version straight into the tables (a survey, an invitation
 * and the response with the given answers), so the version counts as answered. For tests that
 * need a version "in use" without going through the surveys API.
 */
export async function answerVersion(
  t: TestApp,
  options: {
    modelId: string;
    versionId: string;
    customerId?: string;
    answers?: Record<string, number>;
    submittedAt?: Date;
  },
): Promise<{ responseId: string; customerId: string; surveyId: string }> {
  const customerId = options.customerId ?? (await createCustomer(t, { ownerId: t.admin.user.id })).id;
  const surveyId = uuidv7();
  const invitationId = uuidv7();
  const responseId = uuidv7();
  const at = options.submittedAt ?? t.ctx.now();
  await t.ctx.db.insert(surveys).values({
    id: surveyId,
    name: `测试问卷 ${surveyId.slice(-6)}`,
    modelId: options.modelId,
    versionId: options.versionId,
    status: 'active',
  });
  await t.ctx.db.insert(surveyInvitations).values({
    id: invitationId,
    surveyId,
    versionId: options.versionId,
    customerId,
    tokenHash: createHash('sha256').update(randomBytes(32)).digest('base64url'),
    expiresAt: new Date(at.getTime() + 30 * 86_400_000),
    status: 'completed',
    sentAt: at,
    completedAt: at,
  });
  await t.ctx.db.insert(surveyResponses).values({
    id: responseId,
    invitationId,
    surveyId,
    modelId: options.modelId,
    versionId: options.versionId,
    customerId,
    status: 'complete',
    startedAt: at,
    submittedAt: at,
  });
  const answers = Object.entries(options.answers ?? {});
  if (answers.length)
    await t.ctx.db
      .insert(surveyAnswers)
      .values(answers.map(([itemKey, score]) => ({ responseId, itemKey, score, answeredAt: at })));
  return { responseId, customerId, surveyId };
}
