import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import {
  createActiveSurvey,
  customerWithContact,
  inviteAndGetToken,
  TEST_ITEM_KEYS,
} from '../support/survey-factories.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The public survey answer page (issue 5 §4, §10) in a real phone-sized browser, without a login:
 * a customer opens the token link from the invitation email, answers part of it and saves, reloads
 * (the answers come back), answers the rest and submits; the same link then says "already answered"
 * — also to a second tab that still shows the form —, and a link past its lifetime says it expired.
 */

const SHOTS = 'test-results/browser/survey-answer';
const DAY = 86_400_000;

describe('browser journey: answering a survey from its token link', () => {
  let t: TestApp;
  let browser: Browser;
  let clock = new Date();
  const contexts: BrowserContext[] = [];

  async function phone(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  const choose = (page: Page, itemKey: string, label: string) =>
    page.getByTestId(`survey-item-${itemKey}`).getByRole('radio', { name: label, exact: true }).check();
  const chosen = (page: Page, itemKey: string, label: string) =>
    page.getByTestId(`survey-item-${itemKey}`).getByRole('radio', { name: label, exact: true }).isChecked();

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp({ now: () => clock });
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

  it('saves partly, keeps the answers over a reload, submits once, then says answered; an old link says expired', async () => {
    const survey = await createActiveSurvey(t, {
      name: '2026 年度客户满意度调查',
      introZh: '感谢您一直以来的信任，请花两分钟评价我们的服务。',
      introEn: 'Thank you for your trust. Please take two minutes to rate our service.',
      tokenTtlDays: 14,
    });
    const { customer } = await customerWithContact(t, { name: '苏州恒通精密机械有限公司' });
    const { token, invitationId } = await inviteAndGetToken(t, survey.id, customer.id);
    const invitation = async () =>
      (await t.admin.get(`/api/surveys/${survey.id}/invitations`)).body.items.find(
        (row: any) => row.id === invitationId,
      );

    const page = await phone();
    await page.goto(`${t.baseUrl}/s/${token}`);
    // No login: the questionnaire with its intro and every item, grouped by dimension.
    await expect.poll(() => page.getByTestId('survey-title').textContent()).toBe('2026 年度客户满意度调查');
    expect(page.url()).toContain(`/s/${token}`);
    expect(await page.getByTestId('survey-intro').textContent()).toContain('请花两分钟评价我们的服务');
    for (const key of TEST_ITEM_KEYS) expect(await page.getByTestId(`survey-item-${key}`).count()).toBe(1);
    expect(await page.locator('body').textContent()).toContain('感知质量');
    // Each item offers the five Likert labels, best first.
    const labels = await page
      .getByTestId('survey-item-quality.reliability')
      .getByRole('radio')
      .evaluateAll((inputs) => inputs.map((input) => input.closest('label')?.textContent?.trim()));
    expect(labels).toEqual(['很满意', '比较满意', '满意', '较不满意', '不满意']);
    expect(await page.getByTestId('survey-progress').textContent()).toBe('已回答 0 / 4 题');
    // Usable on a phone: nothing wider than the screen.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/1-opened.png`, fullPage: true });

    // Two answers, saved for later.
    await choose(page, 'quality.reliability', '较不满意');
    await choose(page, 'quality.speed', '满意');
    await expect.poll(() => page.getByTestId('survey-progress').textContent()).toBe('已回答 2 / 4 题');
    await page.getByTestId('survey-comment').fill('上个月有两票货晚到了。');
    await page.getByTestId('survey-save').click();
    const stored = async () =>
      (await t.admin.get(`/api/surveys/${survey.id}/responses?customerId=${customer.id}`)).body.items[0];
    await expect.poll(async () => (await stored())?.answers?.length).toBe(2);
    expect((await stored()).status).toBe('partial');
    expect((await invitation()).status).toBe('partial');

    // A reload brings the saved answers and comment back.
    await page.reload();
    await expect.poll(() => chosen(page, 'quality.reliability', '较不满意')).toBe(true);
    expect(await chosen(page, 'quality.speed', '满意')).toBe(true);
    expect(await chosen(page, 'loyalty.again', '很满意')).toBe(false);
    expect(await page.getByTestId('survey-comment').inputValue()).toBe('上个月有两票货晚到了。');
    expect(await page.getByTestId('survey-progress').textContent()).toBe('已回答 2 / 4 题');

    // A second tab opens the same link before the first one submits.
    const second = await phone();
    await second.goto(`${t.baseUrl}/s/${token}`);
    await second.getByTestId('survey-item-quality.reliability').waitFor();

    // Submitting with an item left out points at it and sends nothing.
    await page.getByTestId('survey-submit').click();
    await expect.poll(() => page.getByTestId('survey-error').textContent()).toContain('还有 2 题未回答');
    expect((await invitation()).status).toBe('partial');

    await choose(page, 'loyalty.again', '比较满意');
    // The reverse item ("how often did you have to chase us?") is answered on the same five levels.
    await choose(page, 'loyalty.chase', '满意');
    await page.getByTestId('survey-submit').click();
    await page.getByTestId('survey-thanks').waitFor();
    expect(await page.getByTestId('survey-thanks').textContent()).toContain('感谢您的评价');
    await expect.poll(async () => (await invitation()).status).toBe('completed');
    const responses = [await stored()];
    expect(responses[0].status).toBe('complete');
    expect(responses[0].channel).toBe('link');
    expect(responses[0].comment).toBe('上个月有两票货晚到了。');
    expect(Object.fromEntries(responses[0].answers.map((a: any) => [a.itemKey, a.score]))).toEqual({
      'quality.reliability': 2,
      'quality.speed': 3,
      'loyalty.again': 4,
      'loyalty.chase': 3,
    });
    await page.screenshot({ path: `${SHOTS}/2-thanks.png`, fullPage: true });

    // The other tab still shows the form; its submit is refused in plain words.
    await choose(second, 'quality.reliability', '很满意');
    await choose(second, 'quality.speed', '很满意');
    await choose(second, 'loyalty.again', '很满意');
    await choose(second, 'loyalty.chase', '很满意');
    await second.getByTestId('survey-submit').click();
    await expect.poll(() => second.getByTestId('survey-error').textContent()).toContain('这份问卷已经答过了');
    expect(await second.getByTestId('survey-thanks').count()).toBe(0);

    // Opening the link again: no form, the same sentence.
    await page.reload();
    await expect.poll(() => page.getByTestId('survey-closed').textContent()).toContain('这份问卷已经答过了');
    expect(await page.getByTestId('survey-submit').count()).toBe(0);
    // The stored answer did not change.
    const after = [await stored()];
    expect(after[0].answers.find((a: any) => a.itemKey === 'quality.reliability').score).toBe(2);

    // A link to a survey staff have closed since.
    const closedSurvey = await createActiveSurvey(t, { name: '已结束的调查' });
    const third = await customerWithContact(t, { name: '青岛北港冷链物流有限公司' });
    const closing = await inviteAndGetToken(t, closedSurvey.id, third.customer.id);
    expect((await t.admin.post(`/api/surveys/${closedSurvey.id}/close`)).status).toBe(200);
    await page.goto(`${t.baseUrl}/s/${closing.token}`);
    await expect.poll(() => page.getByTestId('survey-closed').textContent()).toContain('这份调查已经结束');

    // A link past its 14 days.
    const late = await customerWithContact(t, { name: '宁波港城国际货运代理有限公司' });
    const old = await inviteAndGetToken(t, survey.id, late.customer.id);
    clock = new Date(clock.getTime() + 15 * DAY);
    const expired = await phone();
    await expired.goto(`${t.baseUrl}/s/${old.token}`);
    await expect
      .poll(() => expired.getByTestId('survey-closed').textContent())
      .toContain('这个问卷链接已过期');
    expect(await expired.getByTestId('survey-form').count()).toBe(0);
    await expired.screenshot({ path: `${SHOTS}/3-expired.png`, fullPage: true });

    // A link that never existed.
    await expired.goto(`${t.baseUrl}/s/${'x'.repeat(43)}`);
    await expect.poll(() => expired.getByTestId('survey-closed').textContent()).toContain('找不到这份问卷');
  }, 180_000); // four browser tabs and a dozen page loads: slow on a busy two-core machine

  it('words the questionnaire in English after the language switch', async () => {
    clock = new Date();
    const survey = await createActiveSurvey(t, {
      introZh: '请评价我们的服务。',
      introEn: 'Please rate our service.',
    });
    const { customer } = await customerWithContact(t);
    const { token } = await inviteAndGetToken(t, survey.id, customer.id);
    const page = await phone();
    await page.goto(`${t.baseUrl}/s/${token}`);
    await page.getByTestId('survey-item-quality.speed').waitFor();
    await page.getByTestId('survey-language').click();
    await page.getByText('English', { exact: true }).click();
    await expect.poll(() => page.getByTestId('survey-intro').textContent()).toBe('Please rate our service.');
    const item = page.getByTestId('survey-item-quality.speed');
    expect(await item.textContent()).toContain('How satisfied are you with transit times?');
    await item.getByRole('radio', { name: 'Fairly dissatisfied', exact: true }).check();
    await expect.poll(() => page.getByTestId('survey-progress').textContent()).toBe('1 of 4 answered');
    await page.screenshot({ path: `${SHOTS}/4-english.png`, fullPage: true });
  });

  it('a portal user answers the company survey inside the portal', async () => {
    clock = new Date();
    const survey = await createActiveSurvey(t, { name: '门户满意度调查' });
    const { customer } = await customerWithContact(t, { name: '厦门海联物流有限公司' });
    await inviteAndGetToken(t, survey.id, customer.id);
    const portal = await t.userClient('portal', { customerId: customer.id, name: '林经理' });

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(portal.user.email);
    await page.getByLabel('密码').fill(USER_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${t.baseUrl}/portal`);
    await page.getByRole('tab', { name: '满意度调查' }).click();
    const list = page.getByTestId('portal-surveys');
    await expect.poll(() => list.textContent()).toContain('门户满意度调查');
    await list.getByTestId('portal-survey-answer').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '门户满意度调查' });
    await drawer.getByTestId('survey-item-quality.reliability').waitFor();
    for (const key of TEST_ITEM_KEYS) {
      await drawer
        .getByTestId(`survey-item-${key}`)
        .getByRole('radio', { name: '比较满意', exact: true })
        .check();
    }
    await drawer.getByTestId('survey-submit').click();
    await drawer.getByTestId('survey-thanks').waitFor();
    const responses = (await t.admin.get(`/api/surveys/${survey.id}/responses?customerId=${customer.id}`))
      .body.items;
    expect(responses).toHaveLength(1);
    expect(responses[0].channel).toBe('portal');
    expect(responses[0].status).toBe('complete');
    await page.screenshot({ path: `${SHOTS}/5-portal.png`, fullPage: true });
    // Back in the list the survey is done and offers no answer button.
    await page.keyboard.press('Escape');
    await expect.poll(() => list.getByTestId('portal-survey-answer').count()).toBe(0);
    expect(await list.textContent()).toContain('已提交');
  });
});
