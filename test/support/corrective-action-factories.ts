import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { ModelNode } from '../../src/domain/satisfaction/model.ts';
import { satisfactionModelVersions, satisfactionModels } from '../../src/modules/satisfaction/tables.ts';
import {
  surveyAnswers,
  surveyInvitations,
  surveyResponses,
  surveys,
} from '../../src/modules/surveys/tables.ts';
import type { TestApp } from './harness.ts';

/**
 * Fixtures of the corrective-action tests: a small model of their own (not the models service's
 * default model, so the expected scores stay hand-computable) and complete responses written
 * straight to the survey tables with exact scores.
 */

export const ACTION_TEST_NODES: ModelNode[] = [
  { key: 'satisfaction', parentKey: null, level: 1, nameZh: '总体满意度', nameEn: 'Satisfaction', weight: 1 },
  {
    key: 'quality',
    parentKey: 'satisfaction',
    level: 2,
    nameZh: '感知质量',
    nameEn: 'Perceived quality',
    dimension: 'quality',
    weight: 0.6,
  },
  {
    key: 'value',
    parentKey: 'satisfaction',
    level: 2,
    nameZh: '感知价值',
    nameEn: 'Perceived value',
    dimension: 'value',
    weight: 0.4,
  },
  {
    key: 'quality.ontime',
    parentKey: 'quality',
    level: 3,
    nameZh: '准时交付',
    nameEn: 'On-time delivery',
    weight: 0.5,
    serviceElement: 'on_time_delivery',
  },
  {
    key: 'quality.chasing',
    parentKey: 'quality',
    level: 3,
    nameZh: '需要催问的次数',
    nameEn: 'Having to chase us',
    weight: 0.5,
    reverse: true,
  },
  { key: 'value.price', parentKey: 'value', level: 3, nameZh: '价格合理', nameEn: 'Fair price', weight: 1 },
];

export interface ActionTestModel {
  modelId: string;
  versionId: string;
  surveyId: string;
}

/** The model (marked default), its one version and an active survey on it. */
export async function seedActionModel(t: TestApp): Promise<ActionTestModel> {
  const modelId = uuidv7();
  const versionId = uuidv7();
  await t.ctx.db.insert(satisfactionModels).values({ id: modelId, name: '物流满意度', isDefault: 1 });
  await t.ctx.db
    .insert(satisfactionModelVersions)
    .values({ id: versionId, modelId, version: 1, nodes: ACTION_TEST_NODES });
  await t.ctx.db
    .update(satisfactionModels)
    .set({ currentVersionId: versionId })
    .where(eq(satisfactionModels.id, modelId));
  const surveyId = uuidv7();
  await t.ctx.db
    .insert(surveys)
    .values({ id: surveyId, name: '年度调查', modelId, versionId, status: 'active' });
  return { modelId, versionId, surveyId };
}

/** One complete response with the given raw scores; returns its id. */
export async function seedAnswer(
  t: TestApp,
  model: ActionTestModel,
  input: {
    customerId: string;
    scores: Record<string, number>;
    submittedAt: Date;
    responseIndex?: number | null;
    surveyId?: string;
  },
): Promise<string> {
  const surveyId = input.surveyId ?? model.surveyId;
  const invitationId = uuidv7();
  await t.ctx.db.insert(surveyInvitations).values({
    id: invitationId,
    surveyId,
    versionId: model.versionId,
    customerId: input.customerId,
    tokenHash: randomBytes(16).toString('hex'),
    expiresAt: new Date(input.submittedAt.getTime() + 30 * 86_400_000),
    status: 'completed',
    completedAt: input.submittedAt,
  });
  const responseId = uuidv7();
  await t.ctx.db.insert(surveyResponses).values({
    id: responseId,
    invitationId,
    surveyId,
    modelId: model.modelId,
    versionId: model.versionId,
    customerId: input.customerId,
    status: 'complete',
    responseIndex: input.responseIndex ?? null,
    submittedAt: input.submittedAt,
  });
  await t.ctx.db
    .insert(surveyAnswers)
    .values(Object.entries(input.scores).map(([itemKey, score]) => ({ responseId, itemKey, score })));
  return responseId;
}
