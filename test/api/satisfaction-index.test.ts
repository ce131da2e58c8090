import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import {
  type SatModelFixture,
  createResponse,
  createSatModel,
  smallTree,
} from '../support/satisfaction-index-factories.ts';

/**
 * The index over hand-computed answers (tree in satisfaction-index-factories: quality 0.6 =
 * quality.a 0.5 + quality.b 0.5 reverse-worded; value 0.4 = value.a). Scale: ACSI's
 * (mean − 1) / (5 − 1) × 100.
 *
 * Customer A (class A, sea, 客服一组), 2026-08, five responses (quality.a, quality.b raw, value.a):
 *   5 1 4 | 4 2 4 | 4 2 3 | 3 3 5 | 5 1 4      (quality.b effective = 6 − raw: 5 4 4 3 5)
 * Customer B (class B, air, 客服二组), three responses in 2026-Q4 (Asia/Shanghai):
 *   2 4 2 | 3 5 3 | 1 5 2 (the last at 2026-09-30T17:00Z = 10-01 01:00 in Shanghai)
 *
 * All eight: quality.a effective 27/8 = 3.375 → 59.375; quality.b 25/8 → 53.125; value.a 27/8 →
 * 59.375; quality 56.25; value 59.375; satisfaction 0.6 × 56.25 + 0.4 × 59.375 = 57.5.
 * A alone: 80, 80, 75 → quality 80, satisfaction 78. B alone: 25, 8.333, 33.333 → 23.333.
 */
const NOW = new Date('2026-12-01T02:00:00Z');
const FROM = '2026-07-01T00:00:00+08:00';
const TO = '2027-01-01T00:00:00+08:00';

describe('satisfaction index', () => {
  let t: TestApp;
  let m: SatModelFixture;
  let agent: Client;
  let customerA: { id: string; name: string };
  let customerB: { id: string; name: string };
  let teamA: { id: string; name: string };
  const q = (params: Record<string, string>) =>
    new URLSearchParams({ modelId: m.modelId, from: FROM, to: TO, ...params }).toString();

  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
    agent = await t.userClient('agent');
    m = await createSatModel(t, smallTree({ a: 2, b: 5, v: 4 }));
    teamA = await createDepartment(t, { name: '客服一组' });
    const teamB = await createDepartment(t, { name: '客服二组' });
    customerA = await createCustomer(t, { ownerId: agent.user.id, name: '甲物流' });
    customerB = await createCustomer(t, { ownerId: agent.user.id, name: '乙货运' });
    const a = [
      [5, 1, 4],
      [4, 2, 4],
      [4, 2, 3],
      [3, 3, 5],
      [5, 1, 4],
    ];
    for (const [i, [qa, qb, va]] of a.entries()) {
      await createResponse(t, m, {
        customerId: customerA.id,
        submittedAt: new Date(Date.UTC(2026, 7, 3 + i, 2)),
        // Ideal level asked on quality.a only: 5 each time → ideal 100.
        answers: {
          'quality.a': { score: qa as number, idealScore: 5 },
          'quality.b': qb as number,
          'value.a': va as number,
        },
        valueClass: 'A',
        mode: 'sea',
        lane: 'CNSHA→DEHAM',
        departmentId: teamA.id,
      });
    }
    const b: [number, number, number, Date][] = [
      [2, 4, 2, new Date('2026-11-05T03:00:00Z')],
      [3, 5, 3, new Date('2026-11-06T03:00:00Z')],
      [1, 5, 2, new Date('2026-09-30T17:00:00Z')],
    ];
    for (const [qa, qb, va, at] of b) {
      await createResponse(t, m, {
        customerId: customerB.id,
        submittedAt: at,
        answers: { 'quality.a': qa, 'quality.b': qb, 'value.a': va },
        valueClass: 'B',
        mode: 'air',
        lane: 'CNPVG→USLAX',
        departmentId: teamB.id,
      });
    }
    // Not counted: a partial response, one outside the range, one of another model.
    await createResponse(t, m, {
      customerId: customerB.id,
      submittedAt: new Date('2026-11-10T03:00:00Z'),
      answers: { 'quality.a': 1, 'quality.b': 5, 'value.a': 1 },
      status: 'partial',
    });
    await createResponse(t, m, {
      customerId: customerB.id,
      submittedAt: new Date('2026-06-10T03:00:00Z'),
      answers: { 'quality.a': 1, 'quality.b': 5, 'value.a': 1 },
    });
    const other = await createSatModel(t);
    await createResponse(t, other, {
      customerId: customerA.id,
      submittedAt: new Date('2026-08-10T03:00:00Z'),
      answers: { 'quality.a': 1, 'quality.b': 5, 'value.a': 1 },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('rolls the tree up with the weights, reverse items turned round, and a 95 % t-interval', async () => {
    const res = await agent.get(`/api/satisfaction/index?${q({})}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const root = res.body.overall;
    expect(res.body.versionId).toBe(m.versionId);
    expect(res.body.minAnswers).toBe(5);
    expect(root.key).toBe('satisfaction');
    expect(root.value).toBeCloseTo(57.5, 9);
    expect(root.responses).toBe(8);
    expect(root.answers).toBe(24);
    const [quality, value] = root.children;
    expect(quality.value).toBeCloseTo(56.25, 9);
    expect(value.value).toBeCloseTo(59.375, 9);
    const [qa, qb] = quality.children;
    expect(qa.value).toBeCloseTo(59.375, 9);
    expect(qb.value).toBeCloseTo(53.125, 9);
    // quality.a rescaled: 100 75 75 50 100 25 50 0; Σ(x − x̄)² = 8671.875, s = √(8671.875 / 7);
    // t(0.975, 7) = 2.364624 (NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2,
    // "Critical Values of the Student's t Distribution", https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm).
    const half = (2.364624 * Math.sqrt(8671.875 / 7)) / Math.sqrt(8);
    expect(qa.ciLow).toBeCloseTo(59.375 - half, 4);
    expect(qa.ciHigh).toBeCloseTo(59.375 + half, 4);
    expect(root.ciLow).toBeLessThan(57.5);
    expect(root.ciHigh).toBeGreaterThan(57.5);
    expect(root.insufficient).toBe(false);
  });

  it('marks groups below the minimum answers insufficient, and counts them once the minimum is lowered', async () => {
    const res = await agent.get(`/api/satisfaction/index?${q({ groupBy: 'customer' })}`);
    expect(res.status).toBe(200);
    expect(res.body.overall.value).toBeCloseTo(57.5, 9);
    const byName = Object.fromEntries(res.body.groups.map((g: any) => [g.label, g]));
    expect(Object.keys(byName).sort()).toEqual(['乙货运', '甲物流'].sort());
    expect(byName.甲物流.key).toBe(customerA.id);
    expect(byName.甲物流.responses).toBe(5);
    expect(byName.甲物流.overall.value).toBeCloseTo(78, 9);
    expect(byName.甲物流.dimensions.map((d: any) => d.value)).toEqual([80, 75]);
    expect(byName.乙货运.overall.value).toBeNull();
    expect(byName.乙货运.overall.insufficient).toBe(true);
    expect(byName.乙货运.dimensions.every((d: any) => d.insufficient)).toBe(true);

    expect((await t.admin.put('/api/satisfaction/settings', { 'satisfaction.minAnswers': 3 })).status).toBe(
      200,
    );
    try {
      const lowered = await agent.get(
        `/api/satisfaction/index?${q({ groupBy: 'customer', customerId: customerB.id })}`,
      );
      expect(lowered.body.groups).toHaveLength(1);
      expect(lowered.body.groups[0].overall.value).toBeCloseTo(
        0.6 * ((25 + 25 / 3) / 2) + 0.4 * (100 / 3),
        9,
      );
      expect(lowered.body.overall.value).toBeCloseTo(23.3333333, 6);
    } finally {
      await t.admin.put('/api/satisfaction/settings', { 'satisfaction.minAnswers': 5 });
    }
  });

  it('breaks down by value class, department, mode, lane and period', async () => {
    const values = async (groupBy: string, extra: Record<string, string> = {}) => {
      const res = await agent.get(`/api/satisfaction/index?${q({ groupBy, ...extra })}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return Object.fromEntries(res.body.groups.map((g: any) => [g.label, g.overall?.value ?? null]));
    };
    expect(await values('valueClass')).toEqual({ A: 78, B: null });
    expect(await values('department')).toEqual({ 客服一组: 78, 客服二组: null });
    expect(await values('mode')).toEqual({ sea: 78, air: null });
    expect(await values('lane')).toEqual({ 'CNSHA→DEHAM': 78, 'CNPVG→USLAX': null });
    // 2026-09-30T17:00Z is October 1st in Shanghai: all of B is Q4.
    expect(await values('period', { period: 'quarter' })).toEqual({ '2026-Q3': 78, '2026-Q4': null });
    expect(await values('period', { period: 'half' })).toEqual({ '2026-H2': 57.5 });
    // Bare dates are local days in the display zone, `to` inclusive: the same range.
    expect(await values('period', { period: 'half', from: '2026-07-01', to: '2026-12-31' })).toEqual({
      '2026-H2': 57.5,
    });
    // From October 1st (Shanghai) only B's three responses count, the one at 09-30T17:00Z included.
    const october = await agent.get(`/api/satisfaction/index?${q({ from: '2026-10-01', to: '2026-12-31' })}`);
    expect(october.body.overall.responses).toBe(3);
    expect(october.body.from).toBe('2026-09-30T16:00:00.000Z');
    const months = await values('period', { period: 'month' });
    expect(Object.keys(months)).toEqual(['2026-08', '2026-10', '2026-11']);
    // Filters combine with the grouping.
    expect(await values('mode', { departmentId: teamA.id })).toEqual({ sea: 78 });
    expect(await values('none', { valueClass: 'A' })).toEqual({});
  });

  it('gives a trend point for every period, empty ones insufficient, with dimension values', async () => {
    const res = await agent.get(
      `/api/satisfaction/index/trend?${q({ period: 'quarter', from: '2026-04-01T00:00:00+08:00' })}`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const points = res.body.points;
    expect(points.map((p: any) => p.period)).toEqual(['2026-Q2', '2026-Q3', '2026-Q4']);
    // The out-of-range June response is the only one in Q2: one response, insufficient.
    expect(points[0]).toMatchObject({ responses: 1, insufficient: true, value: null });
    expect(points[1]).toMatchObject({ responses: 5, insufficient: false, start: '2026-06-30T16:00:00.000Z' });
    expect(points[1].value).toBeCloseTo(78, 9);
    expect(points[1].dimensions).toEqual({ quality: 80, value: 75 });
    expect(points[2]).toMatchObject({ responses: 3, insufficient: true, end: '2026-12-31T16:00:00.000Z' });
  });

  it('places the items in the importance–performance quadrants with the ideal gap', async () => {
    const stated = await agent.get(`/api/satisfaction/ipa?${q({ importance: 'stated' })}`);
    expect(stated.status, JSON.stringify(stated.body)).toBe(200);
    // Stated importance 2, 5, 4 → cut 11/3; performance 59.375, 53.125, 59.375 → cut 57.2917.
    expect(stated.body.importanceCut).toBeCloseTo(11 / 3, 9);
    expect(stated.body.performanceCut).toBeCloseTo((59.375 + 53.125 + 59.375) / 3, 9);
    const byKey = Object.fromEntries(stated.body.elements.map((e: any) => [e.itemKey, e]));
    expect(byKey['quality.a']).toMatchObject({ quadrant: 'possible_overkill', importance: 2, answers: 8 });
    expect(byKey['quality.b'].quadrant).toBe('concentrate_here');
    expect(byKey['value.a'].quadrant).toBe('keep_up');
    expect(byKey['quality.a'].ideal).toBeCloseTo(100, 9);
    expect(byKey['quality.a'].gap).toBeCloseTo(40.625, 9);
    expect(byKey['quality.b'].ideal).toBeNull();
    expect(byKey['value.a'].serviceElement).toBe('price_value');

    // Derived: global weights 0.3, 0.3, 0.4 scaled to the mean stated importance 11/3.
    const derived = await agent.get(`/api/satisfaction/ipa?${q({})}`);
    const d = Object.fromEntries(derived.body.elements.map((e: any) => [e.itemKey, e]));
    expect(d['quality.a'].importance).toBeCloseTo(3.3, 9);
    expect(d['value.a'].importance).toBeCloseTo(4.4, 9);
    expect(d['quality.b'].quadrant).toBe('low_priority');
    expect(d['value.a'].quadrant).toBe('keep_up');
  });

  it("shows a customer's satisfaction on the file", async () => {
    const res = await agent.get(`/api/customers/${customerA.id}/satisfaction`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.current).toBeCloseTo(78, 9);
    expect(res.body.previous).toBeNull();
    expect(res.body.responses).toBe(5);
    expect(res.body.trend.length).toBeGreaterThan(0);
    const none = await createCustomer(t, { ownerId: agent.user.id });
    expect((await agent.get(`/api/customers/${none.id}/satisfaction`)).body).toMatchObject({
      current: null,
      responses: 0,
    });
  });

  it('answers bad queries and other roles with problems', async () => {
    const bad: Record<string, string>[] = [
      { groupBy: 'planet' },
      { period: 'week' },
      { modelId: 'nope' },
      { from: 'yesterday' },
      { from: '2026-13-01' },
      { from: '2027-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      { extra: '1' },
    ];
    for (const params of bad) {
      const res = await agent.get(`/api/satisfaction/index?${q(params)}`);
      expect(res.status, JSON.stringify(params)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(params)).toBeLessThan(500);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await agent.get(`/api/satisfaction/index?${q({ modelId: crypto.randomUUID() })}`)).status).toBe(
      404,
    );
    expect((await agent.get(`/api/satisfaction/index?${q({ versionId: crypto.randomUUID() })}`)).status).toBe(
      404,
    );
    const portal = await t.userClient('portal', { customerId: customerA.id });
    expect((await portal.get(`/api/satisfaction/index?${q({})}`)).status).toBe(403);
    expect((await portal.get(`/api/satisfaction/ipa?${q({})}`)).status).toBe(403);
    expect((await portal.get(`/api/customers/${customerA.id}/satisfaction`)).status).toBe(403);
    expect((await t.anonymous().get(`/api/satisfaction/index?${q({})}`)).status).toBe(401);
  });

  it('shows the settings to staff and lets only admins change them within bounds', async () => {
    const read = await agent.get('/api/satisfaction/settings');
    expect(read.body).toEqual({
      'satisfaction.minAnswers': 5,
      'satisfaction.alertBelowIndex': 60,
      'satisfaction.alertItemScoreAtMost': 1,
      'satisfaction.alertIndexDrop': 15,
      'surveys.publicRateLimitPerMinute': 60,
    });
    expect(
      (await agent.put('/api/satisfaction/settings', { 'satisfaction.alertIndexDrop': 10 })).status,
    ).toBe(403);
    const manager = await t.userClient('manager');
    expect(
      (await manager.put('/api/satisfaction/settings', { 'satisfaction.alertIndexDrop': 10 })).status,
    ).toBe(403);
    for (const body of [
      { 'satisfaction.minAnswers': 0 },
      { 'satisfaction.alertBelowIndex': 101 },
      { other: 1 },
      {},
    ]) {
      expect((await t.admin.put('/api/satisfaction/settings', body)).status, JSON.stringify(body)).toBe(400);
    }
    const changed = await t.admin.put('/api/satisfaction/settings', { 'satisfaction.alertIndexDrop': 10 });
    expect(changed.body['satisfaction.alertIndexDrop']).toBe(10);
    await t.admin.put('/api/satisfaction/settings', { 'satisfaction.alertIndexDrop': 15 });
  });
});
