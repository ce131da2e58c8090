import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedActionModel, seedAnswer, type ActionTestModel } from '../support/corrective-action-factories.ts';
import { createCustomer, createOrganisation, type Organisation } from '../support/factories.ts';
import { startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The corrective-action board in a real browser: a supervisor opens an action from the suggested
 * low-scoring element with one click, later answers raise the element's score, and verifying by
 * survey moves the card to the effective column with its before → after scores.
 */

const DAY = 86_400_000;
const SHOTS = 'test-results/browser/corrective-actions';

describe('browser: corrective-action board', () => {
  let t: TestApp;
  let org: Organisation;
  let model: ActionTestModel;
  let customerId: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    org = await createOrganisation(t);
    customerId = (await createCustomer(t, { ownerId: org.agent.user.id, name: '杭州顺捷物流有限公司' })).id;
    model = await seedActionModel(t);
    // On-time delivery scored 2,2,3,3,2,3 over the last weeks: 37.5, below 70.
    for (const [i, score] of [2, 2, 3, 3, 2, 3].entries()) {
      await seedAnswer(t, model, {
        customerId,
        scores: { 'quality.ontime': score, 'value.price': 5 },
        submittedAt: new Date(Date.now() - (10 + i) * DAY),
      });
    }
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(org.supervisor.user.email);
    await page.getByLabel('密码').fill(USER_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${t.baseUrl}/`);
    // Building the web app under a busy machine's load can take minutes.
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates an action from a suggestion, verifies it by survey and shows it as effective', async () => {
    await page.goto(`${t.baseUrl}/corrective-actions`);
    const suggestion = page.getByTestId('suggestion-element').filter({ hasText: '准时交付' });
    await suggestion.waitFor();
    expect(await suggestion.textContent()).toContain('37.5');
    await page.getByTestId('suggestion-create-quality.ontime').click();

    // The drawer comes filled in from the suggestion; the measures are ours to write.
    await expect.poll(() => page.getByTestId('action-title').inputValue()).toBe('提升「准时交付」');
    await page.getByTestId('action-measures').fill('与两家航司签订保舱协议；每周复盘延误单');
    await page.getByTestId('action-save').click();

    let actionId = '';
    await expect
      .poll(async () => {
        const list = await org.supervisor.get('/api/corrective-actions?itemKey=quality.ontime');
        actionId = list.body.items[0]?.id ?? '';
        return list.body.items.map((a: any) => [a.status, a.beforeScore, a.ownerId, a.number.slice(0, 3)]);
      })
      .toEqual([['open', 37.5, org.supervisor.user.id, 'ZG-']]);
    const openColumn = page.getByTestId('action-column-open');
    await openColumn.getByTestId('action-card').filter({ hasText: '提升「准时交付」' }).waitFor();
    // Suggested no more: an action is open on it.
    await expect.poll(() => page.getByTestId('suggestion-create-quality.ontime').count()).toBe(0);

    // Later answers: five "very satisfied" on time.
    for (let i = 0; i < 5; i++) {
      await seedAnswer(t, model, { customerId, scores: { 'quality.ontime': 5 }, submittedAt: new Date() });
    }

    // The detail drawer opened on save; verify by survey (the default for an element).
    const detail = page.getByTestId('action-detail');
    await detail.waitFor();
    await page.getByTestId('action-verify-note').fill('第三季度调查：准时交付明显改善');
    await page.getByTestId('action-verify').click();
    await expect
      .poll(async () => {
        const one = await org.supervisor.get(`/api/corrective-actions/${actionId}`);
        return [one.body.status, one.body.afterScore, one.body.afterCount];
      })
      .toEqual(['effective', 100, 5]);
    await expect
      .poll(async () => (await page.getByTestId('action-before-after').textContent()) ?? '')
      .toContain('100.0');
    await page.screenshot({ path: `${SHOTS}/verified.png` });
    await page.keyboard.press('Escape');

    const card = page.getByTestId('action-column-effective').getByTestId('action-card').filter({
      hasText: '提升「准时交付」',
    });
    await card.waitFor();
    expect(await card.getByTestId('action-scores').textContent()).toContain('37.5 → 100.0');
    await expect.poll(() => openColumn.getByTestId('action-card').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/board.png`, fullPage: true });
  });
  it('opens the create drawer from a link to a dissatisfied answer (other pages link here)', async () => {
    const unhappy = await createCustomer(t, { ownerId: org.agent.user.id, name: '苏州恒通供应链有限公司' });
    const responseId = await seedAnswer(t, model, {
      customerId: unhappy.id,
      scores: { 'quality.ontime': 1, 'value.price': 2 },
      submittedAt: new Date(Date.now() - DAY),
      responseIndex: 20,
    });
    await page.goto(`${t.baseUrl}/corrective-actions?responseId=${responseId}`);
    await page.getByTestId('action-title').fill('回访苏州恒通：准时交付');
    await page.getByTestId('action-measures').fill('安排专人跟单，每票发车前电话确认');
    await page.getByTestId('action-save').click();
    await expect
      .poll(async () => {
        const list = await org.supervisor.get(`/api/corrective-actions?customerId=${unhappy.id}`);
        return list.body.items.map((a: any) => [a.source, a.responseId, a.beforeScore, !!a.followUpId]);
      })
      .toEqual([['answer', responseId, 20, true]]);
    // The link's parameters are gone, so a reload does not open the drawer again.
    await expect.poll(() => new URL(page.url()).searchParams.has('responseId')).toBe(false);
    await page
      .getByTestId('action-column-open')
      .getByTestId('action-card')
      .filter({ hasText: '苏州恒通供应链有限公司' })
      .waitFor();
  });
});
