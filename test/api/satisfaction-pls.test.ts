import { randomUUID } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRowsJson } from '../../src/db/bulk.ts';
import { leavesOf } from '../../src/domain/satisfaction/model.ts';
import { estimatePls } from '../../src/domain/satisfaction/pls.ts';
import { ACSI_PATHS, SATISFACTION_LV, plsStructure } from '../../src/modules/satisfaction/pls-service.ts';
import {
  surveyAnswers,
  surveyInvitations,
  surveyResponses,
  surveys,
} from '../../src/modules/surveys/tables.ts';
import { createCustomer } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';

/**
 * PLS estimation through the API on the default logistics model (23 items), with answers
 * generated from a known ACSI-shaped latent model and written straight to the survey tables.
 */
const NOW = new Date('2026-12-01T02:00:00Z');
const RESPONSES = 160;

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('POST /api/satisfaction/models/:id/pls', () => {
  let t: TestApp;
  let agent: Client;
  let manager: Client;
  let modelId: string;
  /** itemKey → raw scores per complete response (in insertion order), for the reference estimate. */
  const matrix: number[][] = [];
  let itemKeys: string[] = [];
  let reverse = new Set<string>();

  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
    agent = await t.userClient('agent');
    manager = await t.userClient('manager');
    modelId = await t.ctx.services.satisfaction.ensureDefaultModel();
    const version = await t.ctx.services.satisfaction.currentVersion(modelId);
    const leaves = leavesOf(version.nodes);
    itemKeys = leaves.map((leaf) => leaf.key);
    reverse = new Set(leaves.filter((leaf) => leaf.reverse).map((leaf) => leaf.key));
    const customer = await createCustomer(t, { ownerId: agent.user.id, name: '测评物流' });
    const surveyId = uuidv7();
    await t.ctx.db.insert(surveys).values({
      id: surveyId,
      name: '季度测评',
      modelId,
      versionId: version.id,
      status: 'active',
      trigger: 'wave',
    });
    const random = seeded(99);
    const invitations: (typeof surveyInvitations.$inferInsert)[] = [];
    const responses: (typeof surveyResponses.$inferInsert)[] = [];
    const answers: (typeof surveyAnswers.$inferInsert)[] = [];
    const add = (
      submittedAt: Date,
      scores: Record<string, number | null>,
      status: 'complete' | 'partial',
    ) => {
      const invitationId = uuidv7();
      const responseId = uuidv7();
      invitations.push({
        id: invitationId,
        surveyId,
        versionId: version.id,
        customerId: customer.id,
        tokenHash: randomUUID(),
        expiresAt: new Date(submittedAt.getTime() + 30 * 86_400_000),
        status: status === 'complete' ? 'completed' : 'partial',
        sentAt: submittedAt,
      });
      responses.push({
        id: responseId,
        invitationId,
        surveyId,
        modelId,
        versionId: version.id,
        customerId: customer.id,
        status,
        startedAt: submittedAt,
        submittedAt: status === 'complete' ? submittedAt : null,
      });
      for (const [itemKey, score] of Object.entries(scores))
        answers.push({ responseId, itemKey, score, answeredAt: submittedAt });
    };
    // ACSI-shaped latent model: expectation → quality → value → satisfaction → complaints, loyalty.
    const generate = () => {
      const e = normal(random);
      const q = 0.6 * e + 0.8 * normal(random);
      const v = 0.2 * e + 0.6 * q + 0.7 * normal(random);
      const s = 0.1 * e + 0.5 * q + 0.4 * v + 0.5 * normal(random);
      const c = 0.7 * s + 0.7 * normal(random);
      const l = 0.5 * s + 0.3 * c + 0.7 * normal(random);
      const lv: Record<string, number> = { expectation: e, quality: q, value: v, complaints: c, loyalty: l };
      const scores: Record<string, number> = {};
      for (const key of itemKeys) {
        const level = lv[key.split('.')[0]];
        const effective = Math.max(1, Math.min(5, Math.round(3.5 + 0.8 * level + 0.6 * normal(random))));
        scores[key] = reverse.has(key) ? 6 - effective : effective;
      }
      return scores;
    };
    for (let i = 0; i < RESPONSES; i++) {
      const scores = generate();
      matrix.push(itemKeys.map((key) => scores[key]));
      // One a day from 2026-06-01 (the last on 2026-11-07): from 2026-10-19 on there are 20.
      add(new Date(Date.UTC(2026, 5, 1) + i * 86_400_000), scores, 'complete');
    }
    // Not used: a complete response with one item left unanswered (dropped and counted), a
    // partial response, and one before the period asked for.
    const missing: Record<string, number | null> = generate();
    missing['value.vs_competitors'] = null;
    add(new Date('2026-10-02T03:00:00Z'), missing, 'complete');
    add(new Date('2026-10-03T03:00:00Z'), generate(), 'partial');
    add(new Date('2025-03-03T03:00:00Z'), generate(), 'complete');
    await t.ctx.db.transaction(async (tx) => {
      await insertRowsJson(tx, surveyInvitations, invitations);
      await insertRowsJson(tx, surveyResponses, responses);
      await insertRowsJson(tx, surveyAnswers, answers);
    });
  }, 300_000);

  afterAll(async () => {
    await t?.close();
  });

  const url = () => `/api/satisfaction/models/${modelId}/pls`;
  const period = { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };

  it('estimates the ACSI model from the complete answers, reverse items turned round, with bootstrap intervals', async () => {
    const res = await agent.post(url(), { ...period, bootstrap: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body;
    expect(body.respondents).toBe(RESPONSES);
    expect(body.dropped).toBe(1);
    expect(body.items).toBe(23);
    expect(body.needed).toBe(110);
    expect(body.converged).toBe(true);
    expect(body.bootstrapSamples).toBe(60);
    expect(body.applied).toBe(false);
    expect(body.paths.map((p: { from: string; to: string }) => `${p.from}>${p.to}`)).toEqual(
      ACSI_PATHS.map(([a, b]) => `${a}>${b}`),
    );
    const path = (from: string, to: string) =>
      body.paths.find((p: { from: string; to: string }) => p.from === from && p.to === to);
    expect(path('quality', SATISFACTION_LV).coefficient).toBeGreaterThan(0.1);
    expect(path('value', SATISFACTION_LV).coefficient).toBeGreaterThan(0.1);
    expect(path('expectation', 'quality').ciLow).toBeGreaterThan(0);
    for (const p of body.paths) {
      expect(p.ciLow).toBeLessThanOrEqual(p.ciHigh);
      expect(p.se).toBeGreaterThan(0);
    }
    // The same estimate as the domain function on the generated matrix (reverse-scored item
    // reversed): proves the answers were read, filtered and oriented correctly.
    const nodes = (await t.ctx.services.satisfaction.currentVersion(modelId)).nodes;
    const structure = plsStructure(nodes);
    const column = new Map(itemKeys.map((key, i) => [key, i]));
    const reference = estimatePls(
      {
        data: matrix.map((row) => row.map((score, i) => (reverse.has(itemKeys[i]) ? 6 - score : score))),
        blocks: Object.fromEntries(
          [...structure.blocks].map(([lv, keys]) => [lv, keys.map((key) => column.get(key) as number)]),
        ),
        paths: structure.paths,
      },
      { scheme: 'path', scaled: false },
    );
    for (const p of reference.pathCoefficients)
      expect(path(p.from, p.to).coefficient, `${p.from}>${p.to}`).toBeCloseTo(p.value, 5);
    const complaintsItems = body.outerWeights.filter((w: { lv: string }) => w.lv === 'complaints');
    // The reverse-worded item loads positively once turned round.
    expect(
      complaintsItems.find((w: { itemKey: string }) => w.itemKey === 'complaints.frequency').loading,
    ).toBeGreaterThan(0.5);
    const qualityWeights = body.outerWeights.filter((w: { lv: string }) => w.lv === 'quality');
    expect(qualityWeights).toHaveLength(11);
    expect(qualityWeights.reduce((s: number, w: { weight: number }) => s + w.weight, 0)).toBeCloseTo(1, 5);
    expect(body.rSquared.find((r: { lv: string }) => r.lv === SATISFACTION_LV).value).toBeGreaterThan(0.5);
    const dims = body.dimensionWeights;
    expect(Object.keys(dims).sort()).toEqual(['complaints', 'expectation', 'loyalty', 'quality', 'value']);
    expect(Object.values(dims).reduce((s: number, v) => s + (v as number), 0)).toBeCloseTo(1, 5);
    expect(dims.quality).toBeGreaterThan(dims.expectation);
  });

  it('answers 422 naming how many answers are needed when there are too few', async () => {
    const res = await agent.post(url(), {
      from: '2026-10-19T00:00:00Z',
      to: '2026-12-01T00:00:00Z',
      bootstrap: 0,
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/20 complete responses/);
    expect(res.body.detail).toMatch(/at least 110/);
    expect(res.body.errors[0].code).toBe('too_few_answers');
  });

  it('checks roles and input', async () => {
    expect((await agent.post(url(), { ...period, bootstrap: 0, apply: true })).status).toBe(403);
    const portal = await t.userClient('portal', {
      customerId: (await createCustomer(t, { ownerId: agent.user.id })).id,
    });
    expect((await portal.post(url(), { bootstrap: 0 })).status).toBe(403);
    expect((await agent.post(url(), { bootstrap: 5000 })).status).toBeGreaterThanOrEqual(400);
    expect((await agent.post(url(), { bootstrap: 5000 })).status).toBeLessThan(500);
    expect(
      (await agent.post(url(), { from: '2026-12-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })).status,
    ).toBe(400);
    expect((await agent.post(`/api/satisfaction/models/${uuidv7()}/pls`, { bootstrap: 0 })).status).toBe(404);
  });

  it('applies the estimate as a new model version (managers): item and dimension weights', async () => {
    const before = await manager.get(`/api/satisfaction/models/${modelId}`);
    const oldVersion = before.body.currentVersion.version;
    const res = await manager.post(url(), { ...period, bootstrap: 0, apply: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.applied).toBe(true);
    expect(res.body.modelVersion).toBe(oldVersion + 1);
    const after = await manager.get(`/api/satisfaction/models/${modelId}`);
    expect(after.body.currentVersion.version).toBe(oldVersion + 1);
    const nodes = after.body.currentVersion.nodes as {
      key: string;
      parentKey: string | null;
      weight: number;
      childWeightMethod?: string;
    }[];
    const node = (key: string) => nodes.find((n) => n.key === key) as (typeof nodes)[number];
    expect(node('satisfaction').childWeightMethod).toBe('pls');
    expect(node('quality').childWeightMethod).toBe('pls');
    for (const [dimension, weight] of Object.entries(res.body.dimensionWeights))
      expect(node(dimension).weight).toBeCloseTo(weight as number, 5);
    // quality.transport weighs what its four items' outer weights add up to within quality.
    const outer = new Map<string, number>(
      res.body.outerWeights
        .filter((w: { lv: string }) => w.lv === 'quality')
        .map((w: { itemKey: string; weight: number }) => [w.itemKey, w.weight]),
    );
    const transport = [...outer].filter(([key]) => key.startsWith('quality.transport.'));
    expect(node('quality.transport').weight).toBeCloseTo(
      transport.reduce((s, [, w]) => s + w, 0),
      5,
    );
    const onTime = outer.get('quality.transport.on_time') as number;
    expect(node('quality.transport.on_time').weight).toBeCloseTo(
      onTime / transport.reduce((s, [, w]) => s + w, 0),
      5,
    );
    // The answered version keeps its weights.
    const old = await manager.get(
      `/api/satisfaction/models/${modelId}/versions/${before.body.currentVersion.id}`,
    );
    expect(old.status).toBe(200);
    expect(old.body.nodes.find((n: { key: string }) => n.key === 'quality').weight).toBeCloseTo(
      before.body.currentVersion.nodes.find((n: { key: string }) => n.key === 'quality').weight,
      9,
    );
  });
});
