import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelNode } from '../../src/domain/satisfaction/model.ts';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type Client, startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import {
  createResponse,
  createSatModel,
  type SatModelFixture,
} from '../support/satisfaction-index-factories.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The satisfaction model editor in a real browser (issue 5, items 2 and 8): a manager opens the
 * default model, compares 感知质量's three children pairwise (AHP) and sees the consistency ratio
 * live — 0.000 for a consistent matrix, a warning for an inconsistent one — saves the judgement as
 * an expert and applies it; the model's stored weights are then the AHP priorities. On a small
 * model with 30 answers the manager estimates the weights by PLS (path diagram, outer weights) and
 * applies them, which saves version 2 because version 1 has answers; version 1 stays readable.
 * A supervisor sees the editor read-only.
 */

const SHOTS = 'test-results/browser/satisfaction-model-editor';

const DIMENSIONS = [
  ['expectation', '客户期望', 'Expectation'],
  ['quality', '感知质量', 'Perceived quality'],
  ['value', '感知价值', 'Perceived value'],
  ['complaints', '客户抱怨', 'Complaints'],
  ['loyalty', '客户回头率', 'Loyalty'],
] as const;

/** Root, the five dimensions, two items each (the smallest tree PLS estimates with 30 answers). */
function plsTree(): ModelNode[] {
  const nodes: ModelNode[] = [
    {
      key: 'satisfaction',
      parentKey: null,
      level: 1,
      nameZh: '总体满意度',
      nameEn: 'Satisfaction',
      weight: 1,
    },
  ];
  for (const [dimension, nameZh, nameEn] of DIMENSIONS) {
    nodes.push({
      key: dimension,
      parentKey: 'satisfaction',
      level: 2,
      dimension,
      nameZh,
      nameEn,
      weight: 0.2,
    });
    for (const n of [1, 2]) {
      nodes.push({
        key: `${dimension}.q${n}`,
        parentKey: dimension,
        level: 3,
        nameZh: `${nameZh}题${n}`,
        nameEn: `${nameEn} item ${n}`,
        questionZh: `您对${nameZh}第${n}项的评价`,
        questionEn: `Your rating of ${nameEn} item ${n}`,
        weight: 0.5,
      });
    }
  }
  return nodes;
}

/** Deterministic pseudo-random numbers (mulberry32), so the answers are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Node {
  key: string;
  parentKey: string | null;
  weight: number;
  childWeightMethod?: string;
}

describe('browser: satisfaction model editor with the AHP matrix', () => {
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;
  let manager: Client;
  let supervisor: Client;
  let modelId: string;
  let plsModel: SatModelFixture;

  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

  async function loginAs(client: Client): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    const next = await context.newPage();
    // Generous: the machine is shared and a page can take a while under load.
    next.setDefaultTimeout(30_000);
    await next.goto(`${t.baseUrl}/login`);
    await next.getByLabel('邮箱').fill(client.user.email);
    await next.getByLabel('密码').fill(USER_PASSWORD);
    await next.getByRole('button', { name: /登\s*录/ }).click();
    await next.waitForURL(`${t.baseUrl}/`);
    return next;
  }

  /**
   * Chooses a value of Saaty's scale in an upper-triangle cell of the matrix. A click on an option
   * of a list still opening can be lost under load; the choice is retried until the cell shows it.
   */
  async function judge(i: number, j: number, label: string) {
    const cell = page.getByTestId(`ahp-cell-${i}-${j}`);
    for (let attempt = 1; ; attempt++) {
      await cell.click();
      const option = page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${label}"]`);
      await option.waitFor();
      await option.click();
      const chosen = await expect
        .poll(() => cell.textContent(), { timeout: 3000 })
        .toContain(label)
        .then(() => true)
        .catch(() => attempt === 3 && Promise.reject(new Error(`cell ${i}-${j} did not take ${label}`)));
      if (!chosen) await page.keyboard.press('Escape');
      // The next cell's list is found among the visible ones once this one has closed.
      await expect
        .poll(() => page.locator('.ant-select-dropdown:visible').count(), { timeout: 5000 })
        .toBe(0);
      if (chosen) return;
    }
  }

  async function qualityWeights(): Promise<{ method?: string; weights: Record<string, number> }> {
    const model = await manager.get(`/api/satisfaction/models/${modelId}`);
    expect(model.status, JSON.stringify(model.body)).toBe(200);
    const nodes: Node[] = model.body.currentVersion.nodes;
    const quality = nodes.find((node) => node.key === 'quality');
    return {
      method: quality?.childWeightMethod,
      weights: Object.fromEntries(
        nodes.filter((node) => node.parentKey === 'quality').map((node) => [node.key, node.weight]),
      ),
    };
  }

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    const team = await createDepartment(t, { name: '客户服务中心' });
    manager = await t.userClient('manager', { departmentId: team.id, name: '王经理' });
    supervisor = await t.userClient('supervisor', { departmentId: team.id, name: '李主管' });
    modelId = await t.ctx.services.satisfaction.ensureDefaultModel();

    // 30 complete answers on a small model: each respondent's general mood plus item noise, so
    // the blocks hang together and the path model has something to find.
    plsModel = await createSatModel(t, plsTree());
    const customer = await createCustomer(t, {
      name: '苏州恒达供应链管理有限公司',
      ownerId: manager.user.id,
    });
    const next = random(20261207);
    for (let r = 0; r < 30; r++) {
      const mood = 1.5 + next() * 3;
      const answers: Record<string, number> = {};
      for (const [dimension] of DIMENSIONS) {
        const shift = (next() - 0.5) * 1.2;
        for (const n of [1, 2]) {
          const score = Math.round(mood + shift + (next() - 0.5) * 1.2);
          answers[`${dimension}.q${n}`] = Math.min(5, Math.max(1, score));
        }
      }
      await createResponse(t, plsModel, {
        customerId: customer.id,
        submittedAt: new Date(Date.now() - (r + 1) * 86_400_000),
        answers,
      });
    }
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('a manager weights 感知质量 by AHP: live CR, a warning when inconsistent, save and apply', async () => {
    page = await loginAs(manager);
    await page.goto(`${t.baseUrl}/satisfaction/models`);
    await page.getByTestId('model-table').getByTestId('model-link').first().click();
    await page.waitForURL(`**/satisfaction/models/${modelId}`);
    await page.getByTestId('model-tree').getByText('感知质量').first().waitFor();

    // Weights of 感知质量's children (运输服务, 信息服务, 人员服务), AHP tab.
    await page.getByTestId('weights-parent').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '感知质量' })
      .click();
    const before = await qualityWeights();
    expect(before.method).toBe('direct');
    expect(before.weights['quality.transport']).toBeCloseTo(0.45, 6);
    await page.getByRole('tab', { name: 'AHP 两两比较' }).click();
    const matrix = page.getByTestId('ahp-matrix');
    await matrix.waitFor();
    expect(await matrix.locator('tbody tr').count()).toBe(3);
    await expect.poll(() => page.getByTestId('ahp-cr').textContent()).toBe('0.000');

    // Consistent: a01 = 2, a02 = 4, a12 = 2 (w ∝ 4 : 2 : 1); CR is 0.
    await judge(0, 1, '2');
    await judge(0, 2, '4');
    await judge(1, 2, '2');
    await expect.poll(() => page.getByTestId('ahp-cell-1-0').textContent()).toBe('1/2');
    await expect.poll(() => page.getByTestId('ahp-cr').textContent()).toBe('0.000');
    await page.getByTestId('ahp-consistent').waitFor();
    const cr = Number(await page.getByTestId('ahp-cr').textContent());
    expect(cr).toBeLessThan(0.1);

    // Inconsistent: the first still twice the second and the second twice the third, yet the
    // third now far more important than the first. CR ≥ 0.1: a warning naming the worst judgement.
    await judge(0, 2, '1/9');
    await page.getByTestId('ahp-warning').waitFor();
    await expect
      .poll(async () => Number(await page.getByTestId('ahp-cr').textContent()))
      .toBeGreaterThanOrEqual(0.1);
    expect(await page.getByTestId('ahp-warning').textContent()).toContain('最不一致的判断');
    await shot('01-inconsistent');

    // Back to the consistent judgement, saved as one expert's and applied.
    await judge(0, 2, '4');
    await page.getByTestId('ahp-consistent').waitFor();
    await page.getByTestId('ahp-expert').fill('张专家');
    await page.getByTestId('ahp-save').click();
    await page.getByTestId('ahp-judgements').getByText('张专家').waitFor();
    const stored = await manager.get(`/api/satisfaction/models/${modelId}/ahp?parentKey=quality`);
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect(stored.body.judgements).toHaveLength(1);
    expect(stored.body.judgements[0].expertName).toBe('张专家');
    const combined = stored.body.combined;
    expect(combined.cr).toBeLessThan(0.1);
    const childKeys: string[] = stored.body.childKeys;
    expect(childKeys).toEqual(['quality.transport', 'quality.information', 'quality.people']);

    await page.getByTestId('ahp-apply').click();
    await page.locator('.ant-popover:visible').getByRole('button', { name: '应用综合权重' }).click();
    await expect.poll(async () => (await qualityWeights()).method).toBe('ahp');
    const applied = await qualityWeights();
    const expected = [4 / 7, 2 / 7, 1 / 7];
    childKeys.forEach((key, i) => {
      expect(applied.weights[key]).toBeCloseTo(combined.weights[i], 6);
      expect(applied.weights[key]).toBeCloseTo(expected[i] ?? 0, 6);
    });
    // The tree shows the stored weights as percentages of their siblings.
    await expect
      .poll(() =>
        page.getByTestId('model-tree').getByRole('row').filter({ hasText: '运输服务' }).first().textContent(),
      )
      .toContain('57.1%');
    await shot('02-applied');
  });

  it('a manager estimates the weights by PLS and applies them as version 2; version 1 stays readable', async () => {
    await page.goto(`${t.baseUrl}/satisfaction/models/${plsModel.modelId}`);
    await page.getByTestId('model-tree').getByText('感知质量').first().waitFor();
    expect(await page.getByTestId('model-version').textContent()).toBe('1');
    await page.getByRole('tab', { name: 'PLS 估计' }).click();
    await page.getByLabel('Bootstrap 次数').fill('20');
    await page.getByTestId('pls-run').click();
    await page.getByTestId('pls-diagram').locator('canvas').waitFor();
    await expect.poll(() => page.getByTestId('pls-summary').textContent()).toContain('30');
    // Ten items, each in its dimension's block and again in satisfaction's.
    await expect
      .poll(() => page.getByTestId('pls-outer-weights').locator('tbody tr.ant-table-row').count())
      .toBe(20);
    await shot('03-pls');

    await page.getByTestId('pls-apply').click();
    await page.locator('.ant-popover:visible').getByRole('button', { name: '估计并应用权重' }).click();
    await page.getByTestId('model-saved').getByText('另存为第 2 版').waitFor();
    const model = await manager.get(`/api/satisfaction/models/${plsModel.modelId}`);
    expect(model.status, JSON.stringify(model.body)).toBe(200);
    expect(model.body.currentVersion.version).toBe(2);
    const nodes: Node[] = model.body.currentVersion.nodes;
    expect(nodes.find((node) => node.key === 'satisfaction')?.childWeightMethod).toBe('pls');
    const dimensions = nodes.filter((node) => node.parentKey === 'satisfaction');
    expect(dimensions.reduce((sum, node) => sum + node.weight, 0)).toBeCloseTo(1, 6);
    expect(dimensions.some((node) => Math.abs(node.weight - 0.2) > 1e-6)).toBe(true);
    await expect.poll(() => page.getByTestId('model-version').textContent()).toBe('2');

    // Version 1, with its answers and equal weights, is still there to read.
    await page.getByTestId('model-version-select').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '第 1 版' })
      .click();
    await page.getByTestId('model-older-version').waitFor();
    await expect.poll(() => page.getByTestId('model-version').textContent()).toBe('1');
    const row = page.getByTestId('model-tree').getByRole('row').filter({ hasText: '感知价值' }).first();
    await expect.poll(() => row.textContent()).toContain('20.0%');
    expect(await page.getByTestId('model-tree').getByRole('button', { name: '编辑' }).count()).toBe(0);
    expect(await page.getByTestId('weights-panel').count()).toBe(0);
    await shot('04-older-version');
  });

  it('a manager adds an item in the drawer; version 2 has no answers, so it is changed in place', async () => {
    await page.getByTestId('model-version-select').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '第 2 版' })
      .click();
    await expect.poll(() => page.getByTestId('model-older-version').count()).toBe(0);
    const value = page.getByTestId('model-tree').getByRole('row').filter({ hasText: '感知价值' }).first();
    await value.getByRole('button', { name: '添加子指标' }).click();
    const drawer = page.getByRole('dialog').filter({ hasText: '添加子指标' });
    await drawer.waitFor();
    await drawer.getByLabel('指标代码').fill('q3');
    await drawer.getByLabel('中文名称').fill('报价透明');
    await drawer.getByLabel('英文名称').fill('Transparent quotes');
    await drawer.getByLabel('问卷题目（中文）').fill('您对我们报价的透明程度是否满意？');
    await drawer
      .getByLabel('问卷题目（英文）')
      .fill('How satisfied are you with how transparent our quotes are?');
    await page.getByTestId('model-node-save').click();
    await page.getByTestId('model-saved').getByText('已保存到第 2 版').waitFor();

    const model = await manager.get(`/api/satisfaction/models/${plsModel.modelId}`);
    expect(model.body.currentVersion.version).toBe(2);
    expect(model.body.versions).toHaveLength(2);
    const nodes: (Node & { questionZh?: string; level: number })[] = model.body.currentVersion.nodes;
    const added = nodes.find((node) => node.key === 'value.q3');
    expect(added).toMatchObject({
      parentKey: 'value',
      level: 3,
      questionZh: '您对我们报价的透明程度是否满意？',
    });
    const siblings = nodes.filter((node) => node.parentKey === 'value');
    expect(siblings).toHaveLength(3);
    expect(siblings.reduce((sum, node) => sum + node.weight, 0)).toBeCloseTo(1, 6);
    expect(added?.weight).toBeCloseTo(1 / 3, 6);
    await page.getByTestId('model-tree').getByText('报价透明').waitFor();
  });

  it('a supervisor sees the model read-only', async () => {
    page = await loginAs(supervisor);
    await page.goto(`${t.baseUrl}/satisfaction/models`);
    await page.getByTestId('model-table').getByTestId('model-link').first().waitFor();
    expect(await page.getByTestId('model-create').count()).toBe(0);
    await page.goto(`${t.baseUrl}/satisfaction/models/${modelId}`);
    await page.getByTestId('model-tree').getByText('感知质量').first().waitFor();
    await page.getByText('只有经理和管理员可以修改指标和权重').waitFor();
    await page.getByRole('tab', { name: 'AHP 两两比较' }).click();
    await page.getByTestId('ahp-matrix').waitFor();
    await page.getByTestId('ahp-judgements').waitFor();
    expect(await page.getByTestId('ahp-apply').count()).toBe(0);
    expect(await page.getByTestId('ahp-save').count()).toBe(0);
  });
});
