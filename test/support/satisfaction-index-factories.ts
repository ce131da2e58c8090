import { randomUUID } from 'node:crypto';
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
 * Satisfaction fixtures written straight to the tables, so index tests control every answer and
 * can check the figures against hand-computed numbers.
 */

/**
 * A small tree: satisfaction ← quality (0.6: quality.a 0.5, quality.b 0.5 reverse-worded) and
 * value (0.4: value.a). Global weights: quality.a 0.3, quality.b 0.3, value.a 0.4.
 */
export function smallTree(stated: { a?: number; b?: number; v?: number } = {}): ModelNode[] {
  return [
    {
      key: 'satisfaction',
      parentKey: null,
      level: 1,
      nameZh: '总体满意度',
      nameEn: 'Satisfaction',
      weight: 1,
    },
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
      key: 'quality.a',
      parentKey: 'quality',
      level: 3,
      nameZh: '准时交付',
      nameEn: 'On-time delivery',
      weight: 0.5,
      serviceElement: 'on_time_delivery',
      statedImportance: stated.a ?? null,
    },
    {
      key: 'quality.b',
      parentKey: 'quality',
      level: 3,
      nameZh: '催问次数',
      nameEn: 'Chasing needed',
      weight: 0.5,
      reverse: true,
      statedImportance: stated.b ?? null,
    },
    {
      key: 'value.a',
      parentKey: 'value',
      level: 3,
      nameZh: '价格合理',
      nameEn: 'Fair price',
      weight: 1,
      serviceElement: 'price_value',
      statedImportance: stated.v ?? null,
    },
  ];
}

export interface SatModelFixture {
  modelId: string;
  versionId: string;
  surveyId: string;
}

export async function createSatModel(t: TestApp, nodes: ModelNode[] = smallTree()): Promise<SatModelFixture> {
  const modelId = uuidv7();
  const versionId = uuidv7();
  await t.ctx.db.insert(satisfactionModels).values({ id: modelId, name: `测评模型 ${modelId.slice(-6)}` });
  await t.ctx.db.insert(satisfactionModelVersions).values({ id: versionId, modelId, version: 1, nodes });
  await t.ctx.db
    .update(satisfactionModels)
    .set({ currentVersionId: versionId })
    .where(eq(satisfactionModels.id, modelId));
  const surveyId = uuidv7();
  await t.ctx.db
    .insert(surveys)
    .values({ id: surveyId, name: '测试问卷', modelId, versionId, status: 'active', trigger: 'manual' });
  return { modelId, versionId, surveyId };
}

export interface ResponseOptions {
  customerId: string;
  submittedAt: Date;
  /** itemKey → raw score (1..5), or a full answer. */
  answers: Record<string, number | { score: number | null; idealScore?: number; importance?: number }>;
  status?: 'partial' | 'complete';
  valueClass?: string | null;
  departmentId?: string | null;
  mode?: string | null;
  lane?: string | null;
  versionId?: string;
}

/** One invitation with its response and answers. */
export async function createResponse(t: TestApp, m: SatModelFixture, o: ResponseOptions): Promise<string> {
  const invitationId = uuidv7();
  const versionId = o.versionId ?? m.versionId;
  await t.ctx.db.insert(surveyInvitations).values({
    id: invitationId,
    surveyId: m.surveyId,
    versionId,
    customerId: o.customerId,
    tokenHash: randomUUID(),
    expiresAt: new Date(o.submittedAt.getTime() + 30 * 86_400_000),
    status: o.status === 'partial' ? 'partial' : 'completed',
    sentAt: o.submittedAt,
  });
  const responseId = uuidv7();
  await t.ctx.db.insert(surveyResponses).values({
    id: responseId,
    invitationId,
    surveyId: m.surveyId,
    modelId: m.modelId,
    versionId,
    customerId: o.customerId,
    status: o.status ?? 'complete',
    valueClass: o.valueClass ?? null,
    departmentId: o.departmentId ?? null,
    mode: o.mode ?? null,
    lane: o.lane ?? null,
    startedAt: o.submittedAt,
    submittedAt: o.status === 'partial' ? null : o.submittedAt,
  });
  const rows = Object.entries(o.answers).map(([itemKey, a]) => {
    const answer = typeof a === 'number' ? { score: a } : a;
    return {
      responseId,
      itemKey,
      score: answer.score,
      idealScore: answer.idealScore ?? null,
      importance: answer.importance ?? null,
      answeredAt: o.submittedAt,
    };
  });
  if (rows.length) await t.ctx.db.insert(surveyAnswers).values(rows);
  return responseId;
}
