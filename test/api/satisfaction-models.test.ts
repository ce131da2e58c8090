import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { answerVersion, defaultModel } from '../support/satisfaction-factories.ts';

const NOW = new Date('2026-11-20T04:00:00Z');

/** Saaty (1990) house example, first four criteria (size, transport, neighbourhood, age) — consistent enough. */
const CONSISTENT_3 = [
  [1, 3, 5],
  [1 / 3, 1, 2],
  [1 / 5, 1 / 2, 1],
];

describe('satisfaction models API', () => {
  let t: TestApp;
  let manager: Client;
  let agent: Client;
  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
    manager = await t.userClient('manager');
    agent = await t.userClient('agent');
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates the default logistics model once and shows it to all staff, not to portal users', async () => {
    const model = await defaultModel(t);
    expect(await t.ctx.services.satisfaction.ensureDefaultModel()).toBe(model.id);
    expect(model).toMatchObject({
      isDefault: true,
      status: 'active',
      currentVersion: { version: 1, answerCount: 0 },
    });
    const nodes = model.currentVersion.nodes;
    expect(nodes.filter((n) => n.level === 2).map((n) => n.key)).toEqual([
      'expectation',
      'quality',
      'value',
      'complaints',
      'loyalty',
    ]);
    expect(model.versions).toHaveLength(1);

    const list = await agent.get('/api/satisfaction/models');
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toContain(model.id);
    const version = await agent.get(
      `/api/satisfaction/models/${model.id}/versions/${model.currentVersion.id}`,
    );
    expect(version.status).toBe(200);
    expect(version.body).toMatchObject({ modelId: model.id, version: 1, answerCount: 0 });
    expect(version.body.nodes).toHaveLength(nodes.length);

    const customer = await createCustomer(t, { ownerId: t.admin.user.id });
    const portal = await t.userClient('portal', { customerId: customer.id });
    expect((await portal.get('/api/satisfaction/models')).status).toBe(403);
    expect((await portal.get(`/api/satisfaction/models/${model.id}`)).status).toBe(403);
    expect((await t.anonymous().get('/api/satisfaction/models')).status).toBe(401);
  });

  it('lets only managers and admins edit; agents and supervisors get 403', async () => {
    const model = await defaultModel(t);
    const supervisor = await t.userClient('supervisor');
    for (const client of [agent, supervisor]) {
      expect((await client.post('/api/satisfaction/models', { name: 'x' })).status).toBe(403);
      expect((await client.put(`/api/satisfaction/models/${model.id}`, { name: 'x' })).status).toBe(403);
      expect(
        (
          await client.put(`/api/satisfaction/models/${model.id}/weights`, {
            parentKey: 'satisfaction',
            weights: { expectation: 1, quality: 1, value: 1, complaints: 1, loyalty: 1 },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await client.put(`/api/satisfaction/models/${model.id}/ahp`, {
            parentKey: 'value',
            expertName: 'x',
            childKeys: ['value.price_given_quality', 'value.quality_given_price', 'value.vs_competitors'],
            matrix: CONSISTENT_3,
          })
        ).status,
      ).toBe(403);
    }
    // The live AHP evaluation is open to all staff.
    const evaluated = await agent.post('/api/satisfaction/ahp/evaluate', { matrix: CONSISTENT_3 });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.consistent).toBe(true);
  });

  it('edits a tree in place while unanswered, and makes a new version once answered; answers keep theirs', async () => {
    const created = await manager.post('/api/satisfaction/models', {
      name: '仓储客户满意度',
      description: '试点',
    });
    expect(created.status).toBe(201);
    const model = created.body;
    expect(model.isDefault).toBe(false);
    const v1 = model.currentVersion.id;
    const nodes = model.currentVersion.nodes as { key: string; nameZh: string; weight: number }[];

    // Not answered yet: the edit changes version 1 itself.
    const renamed = nodes.map((n) =>
      n.key === 'quality.people.expertise' ? { ...n, nameZh: '专业水平' } : n,
    );
    const inPlace = await manager.put(`/api/satisfaction/models/${model.id}`, {
      nodes: renamed,
      changeNote: '改名',
    });
    expect(inPlace.status).toBe(200);
    expect(inPlace.body.currentVersion).toMatchObject({ id: v1, version: 1, changeNote: '改名' });
    expect(inPlace.body.versions).toHaveLength(1);

    // An answer arrives on version 1.
    await answerVersion(t, { modelId: model.id, versionId: v1, answers: { 'quality.transport.on_time': 4 } });
    const answered = await agent.get(`/api/satisfaction/models/${model.id}`);
    expect(answered.body.currentVersion.answerCount).toBe(1);

    // Now a change makes version 2, and version 1 keeps its tree and its answer.
    const added = [
      ...renamed,
      {
        key: 'quality.people.language',
        parentKey: 'quality.people',
        level: 4,
        nameZh: '外语沟通',
        nameEn: 'Foreign languages',
        questionZh: '您对我们人员的外语沟通能力是否满意？',
        questionEn: "How satisfied are you with our staff's foreign-language skills?",
        weight: 0.1,
      },
    ];
    const next = await manager.put(`/api/satisfaction/models/${model.id}`, {
      nodes: added,
      changeNote: '增加外语题项',
    });
    expect(next.status).toBe(200);
    expect(next.body.currentVersion).toMatchObject({
      version: 2,
      answerCount: 0,
      changeNote: '增加外语题项',
    });
    expect(next.body.currentVersion.id).not.toBe(v1);
    expect(
      next.body.versions.map((v: { version: number; answerCount: number }) => [v.version, v.answerCount]),
    ).toEqual([
      [2, 0],
      [1, 1],
    ]);
    // Weights are normalised on save: the people items' weights sum to 1.
    const people = next.body.currentVersion.nodes.filter(
      (n: { parentKey: string }) => n.parentKey === 'quality.people',
    );
    expect(people.reduce((s: number, n: { weight: number }) => s + n.weight, 0)).toBeCloseTo(1, 10);
    const old = await agent.get(`/api/satisfaction/models/${model.id}/versions/${v1}`);
    expect(old.body.nodes.map((n: { key: string }) => n.key)).not.toContain('quality.people.language');
    expect(old.body.answerCount).toBe(1);
    expect((await t.ctx.services.satisfaction.currentVersion(model.id)).version).toBe(2);

    // Name and status changes alone do not make a version.
    const archived = await manager.put(`/api/satisfaction/models/${model.id}`, {
      status: 'archived',
      name: '仓储客户满意度 (旧)',
    });
    expect(archived.body).toMatchObject({
      status: 'archived',
      name: '仓储客户满意度 (旧)',
      currentVersion: { version: 2 },
    });

    // A copy starts from the source's current tree.
    const copy = await manager.post('/api/satisfaction/models', { name: '副本', copyFromModelId: model.id });
    expect(copy.status).toBe(201);
    expect(copy.body.currentVersion.nodes.map((n: { key: string }) => n.key)).toContain(
      'quality.people.language',
    );

    // The changes are audited.
    const audit = await t.admin.get(`/api/audit?entityType=satisfaction_model&entityId=${model.id}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['create', 'update']),
    );
  });

  it('refuses an invalid tree with 422 problems naming the node', async () => {
    const model = await defaultModel(t);
    const nodes = model.currentVersion.nodes;
    const i = nodes.findIndex((n) => n.key === 'loyalty.recommend');
    const broken = nodes.map((n, k) => (k === i ? { ...n, questionZh: '' } : n));
    const res = await manager.put(`/api/satisfaction/models/${model.id}`, { nodes: broken });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toContainEqual({
      field: `nodes[${i}].questionZh`,
      message: 'satisfaction › loyalty › loyalty.recommend: the Chinese question is missing',
    });
    const noLoyalty = nodes.filter((n) => n.key !== 'loyalty' && n.parentKey !== 'loyalty');
    const missing = await manager.post('/api/satisfaction/models', { name: 'bad', nodes: noLoyalty });
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toContain('loyalty');
    // Wrong types are a schema 400, not a 500.
    const wrongType = await manager.put(`/api/satisfaction/models/${model.id}`, { nodes: [{ key: 1 }] });
    expect(wrongType.status).toBe(400);
    expect((await manager.get('/api/satisfaction/models/0190a000-0000-7000-8000-000000000000')).status).toBe(
      404,
    );
    expect((await manager.get('/api/satisfaction/models/not-a-uuid')).status).toBe(400);
  });

  it('sets direct weights, normalised, and refuses unknown or missing children', async () => {
    const created = await manager.post('/api/satisfaction/models', { name: '直接赋权' });
    const id = created.body.id;
    const res = await manager.put(`/api/satisfaction/models/${id}/weights`, {
      parentKey: 'satisfaction',
      weights: { expectation: 1, quality: 4, value: 2, complaints: 1, loyalty: 2 },
    });
    expect(res.status).toBe(200);
    const dims = res.body.currentVersion.nodes.filter((n: { level: number }) => n.level === 2);
    expect(dims.map((n: { weight: number }) => n.weight)).toEqual([0.1, 0.4, 0.2, 0.1, 0.2]);
    expect(res.body.currentVersion.nodes[0]).toMatchObject({
      key: 'satisfaction',
      childWeightMethod: 'direct',
    });

    const unknown = await manager.put(`/api/satisfaction/models/${id}/weights`, {
      parentKey: 'value',
      weights: { 'value.price_given_quality': 1, 'value.quality_given_price': 1, 'value.nope': 1 },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'weights.value.nope', message: '"value.nope" is not a child of "value"' },
        { field: 'weights.value.vs_competitors', message: 'missing: give every child a weight' },
      ]),
    );
    const negative = await manager.put(`/api/satisfaction/models/${id}/weights`, {
      parentKey: 'value',
      weights: { 'value.price_given_quality': -1, 'value.quality_given_price': 1, 'value.vs_competitors': 1 },
    });
    expect(negative.status).toBe(422);
    const zeros = await manager.put(`/api/satisfaction/models/${id}/weights`, {
      parentKey: 'value',
      weights: { 'value.price_given_quality': 0, 'value.quality_given_price': 0, 'value.vs_competitors': 0 },
    });
    expect(zeros.status).toBe(422);
    const leaf = await manager.put(`/api/satisfaction/models/${id}/weights`, {
      parentKey: 'loyalty.reuse',
      weights: {},
    });
    expect(leaf.status).toBe(422);
    expect(leaf.body.errors[0].message).toContain('has no children');
  });

  it('evaluates AHP live and names the offending cell of a bad matrix', async () => {
    const house = await agent.post('/api/satisfaction/ahp/evaluate', {
      matrix: [
        [1, 5, 3, 7],
        [1 / 5, 1, 1 / 3, 5],
        [1 / 3, 3, 1, 6],
        [1 / 7, 1 / 5, 1 / 6, 1],
      ],
    });
    expect(house.status).toBe(200);
    expect(house.body.weights).toHaveLength(4);
    expect(house.body.ri).toBe(0.9);
    expect(house.body.cr).toBeGreaterThan(0);

    const nonReciprocal = await agent.post('/api/satisfaction/ahp/evaluate', {
      matrix: [
        [1, 2, 3],
        [0.5, 1, 3],
        [1 / 3, 0.5, 1],
      ],
    });
    expect(nonReciprocal.status).toBe(422);
    expect(nonReciprocal.body.errors).toEqual([
      {
        field: 'matrix[1][2]',
        message: 'matrix[1][2] is 3 but matrix[2][1] is 0.5; they must be reciprocals (matrix[2][1] = 1/3)',
      },
    ]);
    const nonPositive = await agent.post('/api/satisfaction/ahp/evaluate', {
      matrix: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(nonPositive.status).toBe(422);
    expect(nonPositive.body.errors[0].field).toBe('matrix[0][1]');
    const group = await agent.post('/api/satisfaction/ahp/evaluate', {
      matrices: [
        [
          [1, 3],
          [1 / 3, 1],
        ],
        [
          [1, 1 / 3],
          [3, 1],
        ],
      ],
    });
    expect(group.status).toBe(200);
    expect(group.body.weights).toEqual([0.5, 0.5]);
    expect(group.body.experts).toHaveLength(2);
    const mixed = await agent.post('/api/satisfaction/ahp/evaluate', {
      matrices: [
        CONSISTENT_3,
        [
          [1, 2],
          [0.5, 1],
        ],
      ],
    });
    expect(mixed.status).toBe(422);
    expect((await agent.post('/api/satisfaction/ahp/evaluate', { matrix: 'x' })).status).toBe(400);
  });

  it('stores two experts, refuses an inconsistent one unless accepted, combines and applies by geometric mean', async () => {
    const created = await manager.post('/api/satisfaction/models', { name: 'AHP 试算' });
    const id = created.body.id;
    const childKeys = ['quality.transport', 'quality.information', 'quality.people'];
    const put = (body: Record<string, unknown>) =>
      manager.put(`/api/satisfaction/models/${id}/ahp`, { parentKey: 'quality', childKeys, ...body });

    const first = await put({ expertName: '张经理', matrix: CONSISTENT_3 });
    expect(first.status).toBe(200);
    expect(first.body.childKeys).toEqual(childKeys);
    expect(first.body.judgements).toHaveLength(1);
    expect(first.body.combined.consistent).toBe(true);

    // Second expert lists the children in another order; the view shows the matrix in the node's order.
    const second = await manager.put(`/api/satisfaction/models/${id}/ahp`, {
      parentKey: 'quality',
      expertName: '李主管',
      childKeys: ['quality.people', 'quality.transport', 'quality.information'],
      matrix: [
        [1, 1 / 2, 2],
        [2, 1, 4],
        [1 / 2, 1 / 4, 1],
      ],
    });
    expect(second.status).toBe(200);
    const li = second.body.judgements.find((j: { expertName: string }) => j.expertName === '李主管');
    expect(li.childKeys).toEqual(childKeys);
    expect(li.matrix[0]).toEqual([1, 4, 2]); // transport vs information 4, vs people 2
    expect(li.cr).toBeCloseTo(0, 6);

    // An inconsistent judgement: 422 with the CR and a hint naming a cell; stored only when accepted.
    const circular = [
      [1, 5, 1 / 5],
      [1 / 5, 1, 5],
      [5, 1 / 5, 1],
    ];
    const refused = await put({ expertName: '王专家', matrix: circular });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/^CR is \d\.\d{3} \(must be below 0\.1\)/);
    expect(refused.body.detail).toContain('acceptInconsistent');
    expect(refused.body.errors[0]).toMatchObject({ field: 'matrix', code: 'inconsistent' });
    expect(
      (await manager.get(`/api/satisfaction/models/${id}/ahp?parentKey=quality`)).body.judgements,
    ).toHaveLength(2);
    const accepted = await put({ expertName: '王专家', matrix: circular, acceptInconsistent: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body.warning).toContain('CR is');
    expect(accepted.body.judgements).toHaveLength(3);
    // Drop it again.
    const wang = accepted.body.judgements.find((j: { expertName: string }) => j.expertName === '王专家');
    expect((await manager.delete(`/api/satisfaction/models/${id}/ahp/${wang.id}`)).status).toBe(204);
    expect((await manager.delete(`/api/satisfaction/models/${id}/ahp/${wang.id}`)).status).toBe(404);

    // The same expert again replaces the earlier judgement.
    const again = await put({ expertName: '张经理', matrix: CONSISTENT_3 });
    expect(again.body.judgements).toHaveLength(2);

    // Bad input: wrong child list, wrong size, non-reciprocal, an item as parent.
    expect(
      (
        await put({
          expertName: 'x',
          childKeys: ['quality.transport', 'quality.people'],
          matrix: CONSISTENT_3,
        })
      ).status,
    ).toBe(422);
    const wrongSize = await put({
      expertName: 'x',
      matrix: [
        [1, 2],
        [0.5, 1],
      ],
    });
    expect(wrongSize.status).toBe(422);
    expect(wrongSize.body.errors[0].message).toContain('3×3');
    const bad = await put({
      expertName: 'x',
      matrix: [
        [1, 3, 5],
        [0.5, 1, 2],
        [0.2, 0.5, 1],
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ field: 'matrix[0][1]' });
    const onLeaf = await manager.put(`/api/satisfaction/models/${id}/ahp`, {
      parentKey: 'loyalty.reuse',
      expertName: 'x',
      childKeys: [],
      matrix: CONSISTENT_3,
    });
    expect(onLeaf.status).toBe(422);

    // Combined = AHP of the elementwise geometric mean of the two matrices.
    const view = await agent.get(`/api/satisfaction/models/${id}/ahp?parentKey=quality`);
    expect(view.status).toBe(200);
    const geo = (a: number, b: number) => Math.sqrt(a * b);
    const check = await agent.post('/api/satisfaction/ahp/evaluate', {
      matrix: [
        [1, geo(3, 4), geo(5, 2)],
        [1 / geo(3, 4), 1, geo(2, 1 / 2)],
        [1 / geo(5, 2), 1 / geo(2, 1 / 2), 1],
      ],
    });
    view.body.combined.weights.forEach((w: number, i: number) => {
      expect(w).toBeCloseTo(check.body.weights[i], 5);
    });

    const applied = await manager.post(`/api/satisfaction/models/${id}/ahp/apply`, { parentKey: 'quality' });
    expect(applied.status).toBe(200);
    const nodes = applied.body.currentVersion.nodes as {
      key: string;
      weight: number;
      childWeightMethod?: string;
    }[];
    expect(nodes.find((n) => n.key === 'quality')!.childWeightMethod).toBe('ahp');
    childKeys.forEach((key, i) => {
      expect(nodes.find((n) => n.key === key)!.weight).toBeCloseTo(view.body.combined.weights[i], 5);
    });
    expect(applied.body.currentVersion.changeNote).toContain('AHP');

    // Once answered, applying makes a new version and the judgements come along.
    await answerVersion(t, { modelId: id, versionId: applied.body.currentVersion.id });
    await put({
      expertName: '张经理',
      matrix: [
        [1, 2, 3],
        [0.5, 1, 2],
        [1 / 3, 0.5, 1],
      ],
    });
    const reapplied = await manager.post(`/api/satisfaction/models/${id}/ahp/apply`, {
      parentKey: 'quality',
    });
    expect(reapplied.body.currentVersion.version).toBe(2);
    const carried = await agent.get(`/api/satisfaction/models/${id}/ahp?parentKey=quality`);
    expect(carried.body.versionId).toBe(reapplied.body.currentVersion.id);
    expect(carried.body.judgements).toHaveLength(2);

    expect(
      (await manager.post(`/api/satisfaction/models/${id}/ahp/apply`, { parentKey: 'value' })).status,
    ).toBe(422);
    expect(
      (await agent.post(`/api/satisfaction/models/${id}/ahp/apply`, { parentKey: 'quality' })).status,
    ).toBe(403);
  });

  it('saveWeights (as the PLS estimate uses it) records the method and works inside a caller transaction', async () => {
    const created = await manager.post('/api/satisfaction/models', { name: 'PLS 试算' });
    const id = created.body.id;
    const actor = { ...manager.user, via: 'session', teamDepartmentIds: [], customerId: null };
    const view = await t.ctx.db.transaction((tx) =>
      t.ctx.services.satisfaction.saveWeights(
        actor,
        id,
        {
          parentKey: 'satisfaction',
          method: 'pls',
          weights: { expectation: 0, quality: 0.5, value: 0.3, complaints: 0, loyalty: 0.2 },
        },
        tx,
      ),
    );
    expect(view.currentVersion.nodes[0]).toMatchObject({ childWeightMethod: 'pls' });
    expect(view.currentVersion.changeNote).toContain('PLS');
    expect(view.currentVersion.nodes.find((n) => n.key === 'quality')!.weight).toBeCloseTo(0.5, 10);
  });
});
