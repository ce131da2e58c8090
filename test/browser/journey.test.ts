import { mkdirSync, readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import { switchToEnglish } from './language.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The agent's day in a real browser against the real server (issue 2, item 13): log in, find a
 * customer by a Chinese search term, open the file, log an interaction, see it on the timeline,
 * complete a follow-up from "my tasks". Every step is checked on the page and through the API.
 */

const CUSTOMER = '上海远洋物流有限公司';
const TASK = '季度回访：确认旺季舱位需求';
const SUMMARY = '电话沟通：客户确认下月 CNSHA→USLAX 每周 2 个 40HQ';
const OUTCOME = '客户同意锁定旺季舱位';
const RESULT = '已回访，客户对上季度服务满意，旺季舱位已预留';
const SHOTS = 'test-results/browser';

describe('browser journey: an agent finds a customer, logs a call and completes a follow-up', () => {
  let t: TestApp;
  let agent: Client;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let customerId: string;
  let contactId: string;
  let followUpId: string;

  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    agent = await t.userClient('agent', { name: '王晓燕' });

    const customer = await agent.post('/api/customers', {
      name: CUSTOMER,
      shortName: '远洋物流',
      phone: '021-58881234',
      stage: 'active',
      valueClass: 'A',
      needType: 'service',
      tags: ['月结客户'],
    });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    customerId = customer.body.id;
    // A file the search must not return, so the list really is filtered.
    const other = await agent.post('/api/customers', { name: '杭州明达电子科技有限公司' });
    expect(other.status, JSON.stringify(other.body)).toBe(201);

    const contact = await agent.post(`/api/customers/${customerId}/contacts`, {
      name: '黄敏',
      title: '物流经理',
      phones: ['13818263996'],
      preferredChannel: 'phone',
      isPrimary: true,
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    contactId = contact.body.id;

    const followUp = await agent.post(`/api/customers/${customerId}/follow-ups`, {
      title: TASK,
      dueAt: new Date(Date.now() - 30 * 60_000).toISOString(),
      contactId,
    });
    expect(followUp.status, JSON.stringify(followUp.body)).toBe(201);
    followUpId = followUp.body.id;

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('logs in as the agent', async () => {
    await page.goto(`${t.baseUrl}/`);
    await page.waitForURL('**/login');
    // A wrong password first: the page says so and stays on the login form.
    await page.getByLabel('邮箱').fill(agent.user.email);
    await page.getByLabel('密码').fill('not-the-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('邮箱或密码错误');

    await page.getByLabel('密码').fill(USER_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${t.baseUrl}/`);
    await page.getByRole('heading', { name: '我的任务' }).waitFor();
    await page.getByTestId('user-menu').getByText('王晓燕').waitFor();
    await shot('01-today');

    const me = await agent.get('/api/auth/me');
    expect(me.body.user.lastLoginAt).not.toBeNull();
  });

  it('finds the customer by the Chinese term 物流', async () => {
    await page.getByRole('menuitem', { name: '客户档案' }).click();
    await page.waitForURL('**/customers');
    const table = page.getByTestId('customer-table');
    await table.getByRole('link', { name: '杭州明达电子科技有限公司' }).waitFor();

    await page.getByPlaceholder(/搜索客户名称/).fill('物流');
    await page.getByPlaceholder(/搜索客户名称/).press('Enter');
    await page.waitForURL(/q=%E7%89%A9%E6%B5%81/);
    await table.getByRole('link', { name: CUSTOMER }).waitFor();
    await expect.poll(() => table.getByRole('link', { name: '杭州明达电子科技有限公司' }).count()).toBe(0);
    await shot('02-search');

    const api = await agent.get(`/api/customers?q=${encodeURIComponent('物流')}`);
    expect(api.status).toBe(200);
    expect(api.body.items.map((c: { id: string }) => c.id)).toEqual([customerId]);
  });

  it('downloads the searched list as CSV from the export menu', async () => {
    await page.getByTestId('customer-export').hover();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: '导出 CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^客户-\d{8}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF客户编号,客户名称')).toBe(true);
    // Only what the search found: the filters of the page went with the download.
    expect(csv).toContain(customerId);
    expect(csv).not.toContain('杭州明达电子科技有限公司');
    expect(page.url()).toMatch(/\/customers\?q=/);
  });

  it('opens the customer file', async () => {
    await page.getByTestId('customer-table').getByRole('link', { name: CUSTOMER }).click();
    await page.waitForURL(`**/customers/${customerId}`);
    await expect.poll(() => page.getByTestId('customer-name').textContent()).toBe(CUSTOMER);
    await expect.poll(() => page.getByTestId('customer-profile').textContent()).toContain('远洋物流');
    await shot('03-file');
  });

  it('logs an interaction from the file', async () => {
    await page.getByRole('tab', { name: '接触记录' }).click();
    await page.getByTestId('log-interaction').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '记录接触' });
    await drawer.waitFor();
    await drawer.locator('.ant-radio-button-wrapper', { hasText: '电话' }).click();
    await drawer.getByLabel('联系人').click();
    await page.locator('.ant-select-item-option', { hasText: '黄敏' }).click();

    // The form refuses an empty summary with a message on the field.
    await page.getByTestId('interaction-save').click();
    await drawer.getByText('请填写沟通内容').waitFor();

    await drawer.getByLabel('沟通内容').fill(SUMMARY);
    await drawer.getByLabel('结果').fill(OUTCOME);
    await shot('04-interaction-form');
    await page.getByTestId('interaction-save').click();
    await page.getByText('接触记录已保存').waitFor();
    await page.getByTestId('interactions-table').getByText(SUMMARY).waitFor();

    const api = await agent.get(`/api/customers/${customerId}/interactions`);
    expect(api.status).toBe(200);
    expect(api.body.items).toHaveLength(1);
    expect(api.body.items[0]).toMatchObject({
      summary: SUMMARY,
      outcome: OUTCOME,
      channel: 'phone',
      contactId,
      userName: '王晓燕',
    });
  });

  it('shows the interaction on the timeline, newest first', async () => {
    await page.getByRole('tab', { name: '时间线' }).click();
    const timeline = page.getByTestId('timeline');
    await timeline.getByText(SUMMARY).first().waitFor();
    const first = timeline.locator('.timeline-entry').first();
    expect(await first.getAttribute('data-kind')).toBe('interaction.logged');
    expect(await first.textContent()).toContain(OUTCOME);
    await shot('05-timeline');

    const api = await agent.get(`/api/customers/${customerId}/timeline`);
    expect(api.status).toBe(200);
    expect(api.body.items[0]).toMatchObject({ kind: 'interaction.logged' });
    expect(api.body.items[0].title).toContain(SUMMARY);
  });

  it('completes the follow-up from my tasks', async () => {
    await page.getByRole('menuitem', { name: '我的任务' }).click();
    await page.waitForURL(`${t.baseUrl}/`);
    const overdue = page.getByTestId('overdue-table');
    const row = overdue.getByRole('row').filter({ hasText: TASK });
    await row.waitFor();
    await expect.poll(() => page.getByTestId('count-overdue').textContent()).toContain('1');

    await row.getByTestId('complete-follow-up').click();
    const modal = page.getByRole('dialog').filter({ hasText: '完成回访任务' });
    await modal.waitFor();
    await modal.getByLabel('回访结果').fill(RESULT);
    await shot('06-complete');
    await page.getByTestId('complete-confirm').click();
    await page.getByText('回访任务已完成').waitFor();
    await page.getByTestId('done-today-table').getByText(TASK).waitFor();
    await expect.poll(() => page.getByTestId('count-done-today').textContent()).toContain('1');
    await expect.poll(() => page.getByTestId('overdue-table').count()).toBe(0);
    await shot('07-done');

    const api = await agent.get(`/api/follow-ups/${followUpId}`);
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ status: 'done', result: RESULT, overdue: false });
    const timeline = await agent.get(`/api/customers/${customerId}/timeline`);
    expect(timeline.body.items.map((e: { kind: string }) => e.kind)).toContain('follow_up.completed');
  });

  it('warns about a duplicate file while typing and on create, and creates it only when confirmed', async () => {
    await page.getByRole('menuitem', { name: '客户档案' }).click();
    await page.getByTestId('customer-create').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建客户' });
    await drawer.waitFor();

    // Field-level messages: a missing name, then a tax id with the wrong length.
    await page.getByTestId('customer-save').click();
    await drawer.getByText('请输入客户名称').waitFor();
    await drawer.getByLabel('客户名称').fill(CUSTOMER);
    await drawer.getByTestId('duplicate-hint').getByRole('link', { name: CUSTOMER }).waitFor();
    await drawer.getByLabel('统一社会信用代码').fill('91310115');
    await page.getByTestId('customer-save').click();
    await drawer.getByText('统一社会信用代码应为 18 位（当前 8 位）').waitFor();
    await drawer.getByLabel('统一社会信用代码').fill('');
    await shot('09-duplicate-hint');

    // The server answers 409 with the candidates; nothing is created until the agent confirms.
    await page.getByTestId('customer-save').click();
    const candidates = page.getByTestId('duplicate-candidates').last();
    await candidates.getByRole('link', { name: CUSTOMER }).waitFor();
    const before = await agent.get(`/api/customers?q=${encodeURIComponent(CUSTOMER)}`);
    expect(before.body.items).toHaveLength(1);
    await shot('10-duplicate-modal');
    await page.getByTestId('create-anyway').click();
    await page.waitForURL(
      (url) => /\/customers\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(customerId),
    );
    await expect.poll(() => page.getByTestId('customer-name').textContent()).toBe(CUSTOMER);
    const after = await agent.get(`/api/customers?q=${encodeURIComponent(CUSTOMER)}`);
    expect(after.body.items).toHaveLength(2);
  });

  it('switches to English and keeps the choice after a reload', async () => {
    await switchToEnglish(page);
    await page.getByRole('menuitem', { name: 'My tasks' }).waitFor();
    await page.getByRole('tab', { name: 'Timeline' }).waitFor();
    await page.reload();
    await page.getByRole('menuitem', { name: 'Customers' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(async () => (await agent.get('/api/auth/me')).body.user.locale).toBe('en');
    await shot('08-english');
  });
});
