import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelNode } from '../../src/domain/satisfaction/model.ts';
import {
  satisfactionAlerts,
  satisfactionModels,
  satisfactionModelVersions,
} from '../../src/modules/satisfaction/tables.ts';
import {
  surveyAnswers,
  surveyInvitations,
  surveyResponses,
  surveys,
} from '../../src/modules/surveys/tables.ts';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type Client, startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The satisfaction dashboard and alerts pages in a real browser, over answers written straight to
 * the survey tables so the expected numbers are known: the gauge shows the overall index, five
 * dimension bars, the trend and the IPA chart draw, a customer row of the breakdown narrows the
 * dashboard to that customer; the owner acknowledges one alert and closes another with a note.
 */

const CUSTOMER_A = '上海浦江国际货运代理有限公司';
const CUSTOMER_B = '苏州恒达仓储有限公司';
const DAY = 86_400_000;
const SHOTS = 'test-results/browser/satisfaction-dashboard';

/** Effective (reverse-corrected) score per dimension for customer A's six responses; B answers 2 everywhere. */
const A_SCORES: Record<string, (response: number) => number> = {
  expectation: () => 4,
  quality: (r) => (r < 3 ? 5 : 4),
  value: () => 3,
  complaints: () => 4,
  loyalty: () => 5,
};
const B_SCORE = 2;
const RESPONSES_EACH = 6;
/** ACSI rescaling of a mean on the 1–5 scale to 0–100: (mean − 1) / 4 × 100. */
const rescale = (mean: number) => ((mean - 1) / 4) * 100;

async function login(
  browser: Browser,
  baseUrl: string,
  email: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${baseUrl}/login`);
  await page
    .getByLabel('邮箱')
    .waitFor()
    .catch(async (error) => {
      await page.screenshot({ path: `${SHOTS}/login-failed.png` });
      throw new Error(`${error.message}\npage errors: ${errors.join('\n')}`);
    });
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(USER_PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL(`${baseUrl}/`);
  return { context, page };
}

describe('browser: satisfaction dashboard and alerts', () => {
  let t: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let manager: Client;
  let agent: Client;
  let modelId: string;
  let customerA: { id: string };
  let customerB: { id: string };
  let expectedOverall: number;
  let expectedA: number;
  let lowAlertId: string;
  let dropAlertId: string;
  let lowItem: ModelNode;

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    const department = await createDepartment(t, { name: '海运出口部' });
    manager = await t.userClient('manager', { departmentId: department.id, name: '王经理' });
    agent = await t.userClient('agent', { departmentId: department.id, name: '李客服' });
    customerA = await createCustomer(t, { name: CUSTOMER_A, ownerId: agent.user.id, valueClass: 'A' });
    customerB = await createCustomer(t, { name: CUSTOMER_B, ownerId: agent.user.id, valueClass: 'B' });

    modelId = await t.ctx.services.satisfaction.ensureDefaultModel();
    const [model] = await t.ctx.db
      .select()
      .from(satisfactionModels)
      .where(eq(satisfactionModels.id, modelId));
    const [version] = await t.ctx.db
      .select()
      .from(satisfactionModelVersions)
      .where(eq(satisfactionModelVersions.id, model.currentVersionId!));
    const nodes = version.nodes;
    const parents = new Set(nodes.map((n) => n.parentKey));
    const leaves = nodes.filter((n) => !parents.has(n.key));
    const byKey = new Map(nodes.map((n) => [n.key, n]));
    const dimensionOf = (node: ModelNode): string => {
      let current = node;
      while (current.level > 2) current = byKey.get(current.parentKey!)!;
      return current.dimension ?? current.key;
    };
    const dimensions = nodes.filter((n) => n.level === 2);
    expect(dimensions.map((d) => d.dimension ?? d.key).sort()).toEqual(Object.keys(A_SCORES).sort());
    lowItem = leaves.find((leaf) => dimensionOf(leaf) === 'quality')!;

    // Every leaf of a dimension has the same mean, so a dimension's score is that mean rescaled
    // whatever the weights below it; the overall is the dimension weights' average of those.
    const weighted = (score: (dimension: string) => number) => {
      const total = dimensions.reduce((sum, d) => sum + d.weight, 0);
      return dimensions.reduce((sum, d) => sum + (d.weight / total) * score(d.dimension ?? d.key), 0);
    };
    const meanA = (dimension: string) =>
      Array.from({ length: RESPONSES_EACH }, (_, r) => A_SCORES[dimension](r)).reduce((a, b) => a + b, 0) /
      RESPONSES_EACH;
    expectedA = weighted((d) => rescale(meanA(d)));
    expectedOverall = weighted((d) => rescale((meanA(d) + B_SCORE) / 2));

    const surveyId = uuidv7();
    await t.ctx.db.insert(surveys).values({
      id: surveyId,
      name: '2026 年度客户满意度调查',
      modelId,
      versionId: version.id,
      trigger: 'manual',
      status: 'active',
    });
    const now = Date.now();
    const responseIds: string[] = [];
    for (const [customer, valueClass, score] of [
      [customerA, 'A', (d: string, r: number) => A_SCORES[d](r)],
      [customerB, 'B', () => B_SCORE],
    ] as const) {
      for (let r = 0; r < RESPONSES_EACH; r++) {
        const invitationId = uuidv7();
        const responseId = uuidv7();
        const submittedAt = new Date(now - (r * 20 + 2) * DAY);
        await t.ctx.db.insert(surveyInvitations).values({
          id: invitationId,
          surveyId,
          versionId: version.id,
          customerId: customer.id,
          tokenHash: randomBytes(32).toString('hex'),
          expiresAt: new Date(now + 30 * DAY),
          status: 'completed',
          sentAt: new Date(submittedAt.getTime() - DAY),
          completedAt: submittedAt,
          departmentId: department.id,
          mode: 'sea',
          lane: 'CNSHA-DEHAM',
        });
        await t.ctx.db.insert(surveyResponses).values({
          id: responseId,
          invitationId,
          surveyId,
          modelId,
          versionId: version.id,
          customerId: customer.id,
          departmentId: department.id,
          mode: 'sea',
          lane: 'CNSHA-DEHAM',
          valueClass,
          status: 'complete',
          startedAt: submittedAt,
          submittedAt,
        });
        await t.ctx.db.insert(surveyAnswers).values(
          leaves.map((leaf) => {
            const effective = score(dimensionOf(leaf), r);
            const dimension = dimensionOf(leaf);
            return {
              responseId,
              itemKey: leaf.key,
              score: leaf.reverse ? 6 - effective : effective,
              // A also said where quality should be (ideal 很满意): the gap chart's rows.
              idealScore: valueClass === 'A' && dimension === 'quality' && !leaf.reverse ? 5 : null,
              answeredAt: submittedAt,
            };
          }),
        );
        responseIds.push(responseId);
      }
    }

    // Two alerts on the agent's list: B answered the lowest score on a quality item; A's index fell.
    lowAlertId = uuidv7();
    dropAlertId = uuidv7();
    await t.ctx.db.insert(satisfactionAlerts).values([
      {
        id: lowAlertId,
        customerId: customerB.id,
        kind: 'low_answer',
        status: 'open',
        responseId: responseIds[RESPONSES_EACH],
        currentIndex: 25,
        lowItems: [{ itemKey: lowItem.key, score: 1 }],
        ownerId: agent.user.id,
      },
      {
        id: dropAlertId,
        customerId: customerA.id,
        kind: 'index_drop',
        status: 'open',
        responseId: responseIds[0],
        currentIndex: 70,
        previousIndex: 90,
        ownerId: agent.user.id,
      },
    ]);

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

  it('shows the overall index, five dimension bars, the trend and the IPA chart; a customer row narrows it', async () => {
    // The API agrees with the hand-computed numbers the page must show.
    const index = await manager.get(
      `/api/satisfaction/index?modelId=${modelId}&from=${new Date(Date.now() - 365 * DAY).toISOString()}&to=${new Date().toISOString()}`,
    );
    expect(index.status, JSON.stringify(index.body)).toBe(200);
    expect(index.body.overall.value).toBeCloseTo(expectedOverall, 6);

    const { context, page } = await login(browser, t.baseUrl, manager.user.email);
    contexts.push(context);
    await page.goto(`${t.baseUrl}/satisfaction`);
    const overall = page.getByTestId('satisfaction-overall');
    await expect.poll(() => overall.textContent()).toContain(expectedOverall.toFixed(1));
    expect(await overall.textContent()).toContain('95%');

    const bars = page.getByTestId('satisfaction-dimension-bars');
    await expect.poll(() => bars.getAttribute('data-bars')).toBe('5');
    expect(await bars.locator('canvas').count()).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('satisfaction-trend').locator('canvas').count())
      .toBeGreaterThan(0);
    const ipa = page.getByTestId('satisfaction-ipa');
    await expect.poll(() => ipa.locator('canvas').count()).toBeGreaterThan(0);
    await expect.poll(async () => Number(await ipa.getAttribute('data-points'))).toBeGreaterThan(0);
    // Where ideal answers exist, the ideal-vs-perceived gap is drawn too.
    await expect
      .poll(() => page.getByTestId('satisfaction-gap').locator('canvas').count())
      .toBeGreaterThan(0);
    // Importance as stated instead of derived from the weights.
    await page.getByText('客户陈述').click();
    await page.waitForURL(/importance=stated/);
    await expect.poll(async () => Number(await ipa.getAttribute('data-points'))).toBeGreaterThan(0);
    // Every item is listed with a link that opens a corrective action for it.
    const items = page.getByTestId('satisfaction-leaves');
    await items.getByText('制定整改措施').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/dashboard.png`, fullPage: true });

    // The breakdown by customer: clicking A's row narrows every chart to A.
    const row = page.getByTestId('satisfaction-breakdown').locator('tr', { hasText: CUSTOMER_A });
    await row.waitFor();
    await row.getByRole('button', { name: CUSTOMER_A }).click();
    await page.waitForURL(new RegExp(`customerId=${customerA.id}`));
    await expect.poll(() => overall.textContent()).toContain(expectedA.toFixed(1));
    await page.getByTestId('satisfaction-filter-customer').getByText(CUSTOMER_A).waitFor();
    await page.screenshot({ path: `${SHOTS}/customer.png`, fullPage: true });

    // The customer file's card shows the same index over the last twelve months.
    await page.goto(`${t.baseUrl}/customers/${customerA.id}`);
    const card = page.getByTestId('customer-satisfaction');
    await expect.poll(() => card.textContent()).toContain(expectedA.toFixed(1));
    await card.locator('canvas').first().waitFor();
    await card.screenshot({ path: `${SHOTS}/customer-card.png` });

    // In English the dashboard speaks English.
    await page.evaluate(() => localStorage.setItem('liaison.language', 'en'));
    await page.goto(`${t.baseUrl}/satisfaction`);
    await expect
      .poll(() => overall.textContent())
      .toContain(`Overall satisfaction ${expectedOverall.toFixed(1)}`);
    await page.getByText('Importance–performance analysis (IPA)').waitFor();
    await page.screenshot({ path: `${SHOTS}/dashboard-en.png`, fullPage: true });
    await page.evaluate(() => localStorage.removeItem('liaison.language'));
  });

  it('the owner sees the alerts, acknowledges one and closes the other with a note', async () => {
    const { context, page } = await login(browser, t.baseUrl, agent.user.email);
    contexts.push(context);
    await page.goto(`${t.baseUrl}/satisfaction/alerts`);
    const lowRow = page.getByTestId('satisfaction-alert-row').filter({ hasText: CUSTOMER_B });
    await lowRow.waitFor();
    // The low item by name with its Likert label.
    expect(await lowRow.textContent()).toContain(lowItem.nameZh);
    expect(await lowRow.textContent()).toContain('不满意');
    expect(await lowRow.textContent()).toContain('低分回答');
    const dropRow = page.getByTestId('satisfaction-alert-row').filter({ hasText: CUSTOMER_A });
    expect(await dropRow.textContent()).toContain('90.0');
    await page.screenshot({ path: `${SHOTS}/alerts.png`, fullPage: true });

    await dropRow.getByTestId('alert-acknowledge').click();
    const alertStatus = async (id: string) => {
      const list = await agent.get('/api/satisfaction/alerts?limit=100');
      return list.body.items.find((a: { id: string }) => a.id === id);
    };
    await expect.poll(async () => (await alertStatus(dropAlertId))?.status).toBe('acknowledged');

    await lowRow.getByTestId('alert-close').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '关闭预警' });
    await dialog.waitFor();
    await dialog.getByTestId('alert-close-note').fill('已电话回访，客户接受改进方案');
    await dialog.getByTestId('alert-close-ok').click();
    await expect.poll(async () => (await alertStatus(lowAlertId))?.status).toBe('closed');
    expect((await alertStatus(lowAlertId)).note).toBe('已电话回访，客户接受改进方案');
    // The open list no longer shows it.
    await expect
      .poll(() => page.getByTestId('satisfaction-alert-row').filter({ hasText: CUSTOMER_B }).count())
      .toBe(0);
  });
});
