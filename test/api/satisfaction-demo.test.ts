import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSatisfactionDemo } from '../../src/demo/satisfaction.ts';
import { surveyResponses } from '../../src/modules/surveys/tables.ts';
import { createContact, createCustomer } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';

/** The demo year of surveys: loads once, and the PLS estimate and index on it make sense. */
const NOW = new Date('2026-12-01T02:00:00Z');

describe('satisfaction demo', () => {
  let t: TestApp;
  let manager: Client;
  let stats: Awaited<ReturnType<typeof loadSatisfactionDemo>>;

  beforeAll(async () => {
    t = await startTestApp({ now: () => NOW });
    manager = await t.userClient('manager');
    const agent = await t.userClient('agent');
    for (let i = 0; i < 70; i++) {
      const customer = await createCustomer(t, {
        ownerId: agent.user.id,
        valueClass: i % 5 === 0 ? 'A' : i % 2 ? 'B' : 'C',
      });
      await createContact(t, { customerId: customer.id, isPrimary: true, email: `c${i}@demo.test` });
    }
    stats = await loadSatisfactionDemo(t.ctx, { seed: 'test' });
  }, 300_000);

  afterAll(async () => {
    await t?.close();
  });

  it('writes a year of waves with about two thirds answered, and only once', async () => {
    expect(stats).not.toBeNull();
    expect(stats?.surveys).toBe(3);
    const rate = (stats?.responses ?? 0) / (stats?.invitations ?? 1);
    expect(rate).toBeGreaterThan(0.6);
    expect(rate).toBeLessThan(0.85);
    expect(stats?.answers).toBeGreaterThan((stats?.responses ?? 0) * 15);
    expect(await loadSatisfactionDemo(t.ctx, { seed: 'test' })).toBeNull();
    const [{ n }] = await t.ctx.db.select({ n: count() }).from(surveyResponses);
    expect(n).toBe(stats?.responses);
  });

  it('gives positive quality → satisfaction and value → satisfaction paths and an index between 60 and 95', async () => {
    const models = await manager.get('/api/satisfaction/models');
    const modelId = models.body.items[0].id;
    const pls = await manager.post(`/api/satisfaction/models/${modelId}/pls`, { bootstrap: 20 });
    expect(pls.status, JSON.stringify(pls.body)).toBe(200);
    const path = (from: string, to: string) =>
      pls.body.paths.find((p: { from: string; to: string }) => p.from === from && p.to === to).coefficient;
    expect(path('quality', 'satisfaction')).toBeGreaterThan(0.1);
    expect(path('value', 'satisfaction')).toBeGreaterThan(0.05);
    expect(path('satisfaction', 'loyalty')).toBeGreaterThan(0.1);
    const index = await manager.get(
      `/api/satisfaction/index?${new URLSearchParams({ modelId, from: '2025-11-01T00:00:00Z', to: NOW.toISOString() })}`,
    );
    expect(index.status, JSON.stringify(index.body)).toBe(200);
    expect(index.body.overall.value).toBeGreaterThan(60);
    expect(index.body.overall.value).toBeLessThan(95);
  });
});
