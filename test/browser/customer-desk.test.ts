import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryIds, openTicket } from '../support/desk-factories.ts';
import { createDepartment } from '../support/factories.ts';
import { type Client, startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The service desk on the customer file: the 工单/投诉 tab lists the customer's tickets and opens a new
 * one preset with the customer; the 承诺 tab lists the promises made to the customer. And the side
 * menu folds away on a phone-sized screen.
 */

const CUSTOMER = '宁波港联国际货运代理有限公司';
const OTHER = '杭州速达电商有限公司';
const API_SUBJECT = '宁波港 3 个集装箱延误两天未通知';
const OTHER_SUBJECT = '别家客户的延误投诉';
const NEW_SUBJECT = '11 月运费账单与报价不符';
const PROMISE = '延误运费减免 20%，下期账单体现';
const SHOTS = 'test-results/browser/customer-desk';

describe('browser: tickets and commitments on the customer file', () => {
  let t: TestApp;
  let agent: Client;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let customerId: string;
  let page: Page;

  async function loginAs(client: Client, viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    contexts.push(context);
    const p = await context.newPage();
    p.setDefaultTimeout(15_000);
    await p.goto(`${t.baseUrl}/login`);
    await p.getByLabel('邮箱').fill(client.user.email);
    await p.getByLabel('密码').fill(USER_PASSWORD);
    await p.getByRole('button', { name: /登\s*录/ }).click();
    await p.waitForURL(`${t.baseUrl}/`);
    return p;
  }

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    const centre = await createDepartment(t, { name: '客服中心' });
    agent = await t.userClient('agent', { departmentId: centre.id, name: '孙丽' });
    const customer = await agent.post('/api/customers', { name: CUSTOMER, stage: 'active', valueClass: 'B' });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    customerId = customer.body.id;
    const other = await agent.post('/api/customers', { name: OTHER, stage: 'active' });
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    const categories = await categoryIds(t);
    await openTicket(agent, { customerId, categoryId: categories.delay, subject: API_SUBJECT });
    await openTicket(agent, {
      customerId: other.body.id,
      categoryId: categories.delay,
      subject: OTHER_SUBJECT,
    });
    const promised = await agent.post('/api/commitments', {
      customerId,
      promise: PROMISE,
      dueAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    expect(promised.status, JSON.stringify(promised.body)).toBe(201);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await loginAs(agent, { width: 1440, height: 900 });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it("the 工单/投诉 tab lists the customer's tickets only", async () => {
    await page.goto(`${t.baseUrl}/customers/${customerId}`);
    await page.getByTestId('customer-name').waitFor();
    await page.getByRole('tab', { name: '工单/投诉' }).click();
    await page.waitForURL(/tab=tickets/);
    const table = page.getByTestId('customer-ticket-table');
    const row = table.locator('tr', { hasText: API_SUBJECT });
    await row.waitFor();
    await expect.poll(() => row.getByTestId('ticket-status').textContent()).toBe('处理中');
    expect(await row.textContent()).toContain('投诉');
    expect(await table.getByText(OTHER_SUBJECT).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/tickets-tab.png`, fullPage: true });
  });

  it('a new ticket from the file is preset with the customer and shows up in the tab', async () => {
    await page.getByTestId('customer-ticket-create').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建工单' });
    await drawer.waitFor();
    // The customer is already chosen.
    await drawer.getByText(CUSTOMER).first().waitFor();
    await drawer.locator('.ant-radio-button-wrapper', { hasText: '咨询' }).click();
    await drawer.getByLabel('类别').click();
    await page.locator('.ant-select-item-option', { hasText: '费用' }).click();
    await drawer.getByLabel('主题').fill(NEW_SUBJECT);
    await drawer.getByLabel('客户原话').fill('账单上的海运费比报价单高了 500 元');
    await page.getByTestId('ticket-save').click();
    await drawer.waitFor({ state: 'hidden' });
    // Still on the file, the new ticket is in the list.
    expect(page.url()).toContain(`/customers/${customerId}`);
    await page.getByTestId('customer-ticket-table').locator('tr', { hasText: NEW_SUBJECT }).waitFor();

    const list = await agent.get(`/api/tickets?view=all&customerId=${customerId}`);
    const created = list.body.items.find((x: { subject: string }) => x.subject === NEW_SUBJECT);
    expect(created).toMatchObject({ customerId, type: 'inquiry', ownerId: agent.user.id });
  });

  it('an old /desk/tickets/:id link still opens the ticket', async () => {
    const list = await agent.get(`/api/tickets?view=all&customerId=${customerId}`);
    const ticket = list.body.items.find((x: { subject: string }) => x.subject === API_SUBJECT);
    await page.goto(`${t.baseUrl}/desk/tickets/${ticket.id}`);
    await page.waitForURL(`${t.baseUrl}/tickets/${ticket.id}`);
    await page.getByText(API_SUBJECT).first().waitFor();
    await page.goto(`${t.baseUrl}/customers/${customerId}?tab=tickets`);
    await page.getByTestId('customer-ticket-table').waitFor();
  });

  it('the 承诺 tab lists the promises made to the customer', async () => {
    await page.getByRole('tab', { name: '承诺' }).click();
    await page.waitForURL(/tab=commitments/);
    const row = page.getByTestId('customer-commitment-table').locator('tr', { hasText: PROMISE });
    await row.waitFor();
    expect(await row.textContent()).toContain('孙丽');
    await page.getByTestId('customer-commitments-board').click();
    await page.waitForURL(/\/commitments\?customer=/);
    await page.getByText(PROMISE).first().waitFor();
  });

  it('the side menu folds away on a 390 px phone and opens with the toggle', async () => {
    const wide = page.getByTestId('app-sider');
    expect((await wide.boundingBox())?.width).toBeGreaterThan(100);

    const phone = await loginAs(agent, { width: 390, height: 844 });
    const sider = phone.getByTestId('app-sider');
    await expect.poll(async () => (await sider.boundingBox())?.width ?? 0).toBe(0);
    await expect.poll(() => phone.getByRole('menuitem', { name: '客户' }).isVisible()).toBe(false);
    await phone.screenshot({ path: `${SHOTS}/phone.png` });
    await phone.getByTestId('menu-toggle').click();
    await expect.poll(async () => (await sider.boundingBox())?.width ?? 0).toBeGreaterThan(100);
    await phone.getByRole('menuitem', { name: '客户' }).click();
    await phone.waitForURL('**/customers');
    // Choosing a page folds the menu again.
    await expect.poll(async () => (await sider.boundingBox())?.width ?? 0).toBe(0);
  });
});
