import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact, createCustomer, createOrganisation } from '../support/factories.ts';
import { startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';
import { createShipment } from '../support/shipment-factories.ts';
import { switchToEnglish } from './language.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The shipment exception board and the tracking admin pages in a real browser: a late estimate
 * raises a delay that the board lists and turns into a ticket with one click; an admin adds a
 * webhook endpoint and test-sends it (the outbound log shows the attempt), and adds a carrier's
 * DCSA feed and polls it now.
 */

const CUSTOMER = '宁波甬兴五金制品有限公司';
const DAY = 86_400_000;
const SHOTS = 'test-results/browser/shipments-admin';

describe('browser: exception board, notification endpoints, outbound log and tracking feeds', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let page: Page;
  let shipment: { id: string; number: string };

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    receiver = await startReceiver();
    // A carrier's DCSA T&T 2.2 endpoint with nothing new: an empty page of events.
    receiver.fallback = (request) =>
      request.path.endsWith('/events') ? { status: 200, body: [] } : { status: 200, body: { ok: true } };
    t = await startTestApp();
    const org = await createOrganisation(t);
    const admin = await t.userClient('admin', { departmentId: org.centre.id, name: '系统管理员' });
    const customer = await createCustomer(t, { name: CUSTOMER, ownerId: org.agent.user.id });
    const contact = await createContact(t, {
      customerId: customer.id,
      email: `buyer-${randomUUID().slice(0, 8)}@example.com`,
      preferredChannel: 'email',
      isPrimary: true,
    });
    const now = Date.now();
    shipment = await createShipment(t, {
      customerId: customer.id,
      contactId: contact.id,
      departmentId: org.seaImport.id,
      promisedAt: new Date(now + 5 * DAY).toISOString(),
    });
    // The carrier now expects delivery two days after the promise: a delay exception.
    const sent = await t.admin.post('/api/tracking-events', {
      events: [
        {
          shipmentId: shipment.id,
          eventCode: 'DEPARTED',
          classifier: 'ACT',
          eventTime: new Date(now - 3_600_000).toISOString(),
          location: 'CNSHA',
          source: 'browser-test',
          sourceEventId: randomUUID(),
        },
        {
          shipmentId: shipment.id,
          eventCode: 'DELIVERED',
          classifier: 'EST',
          eventTime: new Date(now + 7 * DAY).toISOString(),
          location: 'DEHAM',
          source: 'browser-test',
          sourceEventId: randomUUID(),
        },
      ],
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const raised = await t.admin.get(`/api/shipment-exceptions?shipmentId=${shipment.id}`);
    expect(raised.body.items.map((x: { kind: string }) => x.kind)).toEqual(['delay']);

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(admin.user.email);
    await page.getByLabel('密码').fill(USER_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${t.baseUrl}/`);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  it('the exception board lists the delay and opens a ticket for it with one click', async () => {
    await page.getByRole('menuitem', { name: '异常看板' }).click();
    await page.waitForURL('**/shipment-exceptions');
    const row = page.getByTestId('exception-table').locator('tr', { hasText: shipment.number });
    await row.waitFor();
    expect(await row.textContent()).toContain('延误');
    expect(await row.textContent()).toContain(CUSTOMER);
    // The delay tab shows it too; the damage tab does not.
    await page.getByRole('tab', { name: '货损' }).click();
    await expect
      .poll(() => page.getByTestId('exception-table').locator('tr', { hasText: shipment.number }).count())
      .toBe(0);
    await page.getByRole('tab', { name: '延误' }).click();
    await row.waitFor();
    await page.screenshot({ path: `${SHOTS}/board.png`, fullPage: true });

    await row.getByTestId('exception-open-ticket').click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    const ticketId = page.url().split('/').pop();
    await page.getByTestId('ticket-number').waitFor();
    const [exception] = (await t.admin.get(`/api/shipment-exceptions?shipmentId=${shipment.id}`)).body.items;
    expect(exception.ticketId).toBe(ticketId);

    // The shipment page links the ticket instead of offering a second one.
    await page.goto(`${t.baseUrl}/shipments/${shipment.id}`);
    const card = page.getByTestId('exception-delay');
    await card.getByTestId('exception-ticket-link').waitFor();
    expect(await card.getByTestId('exception-open-ticket').count()).toBe(0);
    await expect.poll(() => page.getByTestId('shipment-open-exceptions').textContent()).toBe('1 个异常');
    await page.getByTestId('milestone-timeline').getByText('预计').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/shipment.png`, fullPage: true });
  });

  it('an admin adds a webhook endpoint, test-sends it and sees the attempt in the outbound log', async () => {
    await page.goto(`${t.baseUrl}/admin/notification-endpoints`);
    await page.getByTestId('endpoint-create').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '新建端点' });
    await dialog.waitFor();
    await dialog.getByLabel('名称').fill('甬兴 ERP');
    await dialog.getByLabel('地址').fill(receiver.url('/hooks/liaison'));
    await dialog.getByLabel('密钥').fill('a-signing-secret-of-32-characters');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('endpoint-table').locator('tr', { hasText: '甬兴 ERP' });
    await row.waitFor();

    const before = receiver.requests.length;
    await row.getByRole('button', { name: /发送测试/ }).click();
    await expect
      .poll(() => receiver.requests.slice(before).some((r) => r.path === '/hooks/liaison'))
      .toBe(true);

    await page.goto(`${t.baseUrl}/admin/outbound`);
    const message = page.getByTestId('outbound-table').locator('tr', { hasText: '/hooks/liaison' }).first();
    await message.waitFor();
    await expect.poll(() => message.textContent()).toContain('已发送');
    await message.locator('.ant-table-row-expand-icon').click();
    await page.getByText('成功').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/outbound.png`, fullPage: true });
  });

  it("an admin adds a carrier's DCSA feed and polls it now", async () => {
    await page.goto(`${t.baseUrl}/admin/tracking-feeds`);
    await page.getByTestId('feed-create').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '新建数据源' });
    await dialog.waitFor();
    await dialog.getByLabel('名称').fill('Maersk T&T');
    await dialog.getByLabel('来源标识').fill('dcsa:MAEU');
    await dialog.getByLabel('拉取地址').fill(receiver.url('/v2'));
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('feed-table').locator('tr', { hasText: 'Maersk T&T' });
    await row.waitFor();
    expect(await row.textContent()).toContain('DCSA T&T 2.2');

    const before = receiver.requests.length;
    await row.getByRole('button', { name: /立即拉取/ }).click();
    await expect.poll(() => receiver.requests.slice(before).some((r) => r.path === '/v2/events')).toBe(true);
    const feeds = await t.admin.get('/api/tracking-feeds');
    const feed = feeds.body.items.find((f: { source: string }) => f.source === 'dcsa:MAEU');
    await expect
      .poll(async () => (await t.admin.get('/api/tracking-feeds')).body.items[0].lastPolledAt)
      .toBeTruthy();
    expect(feed).toMatchObject({ name: 'Maersk T&T', kind: 'dcsa-2.2' });
    await expect.poll(() => row.getByTestId('feed-error').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/feeds.png`, fullPage: true });
  });

  it('an admin shortens the silence time of road shipments on the feeds page', async () => {
    await page.goto(`${t.baseUrl}/admin/tracking-feeds`);
    const card = page.getByTestId('tracking-settings');
    const road = card.getByLabel('公路');
    await road.waitFor();
    await expect.poll(() => road.inputValue()).toBe('8');
    await road.fill('5');
    await card.getByTestId('tracking-settings-save').click();
    await expect
      .poll(async () => (await t.admin.get('/api/tracking-settings')).body['shipments.silenceHours'].road)
      .toBe(5);
    const settings = (await t.admin.get('/api/tracking-settings')).body;
    expect(settings['shipments.silenceHours'].sea).toBe(72);
  });

  it('speaks English when the user switches the language', async () => {
    await page.goto(`${t.baseUrl}/shipment-exceptions`);
    await switchToEnglish(page);
    await page.getByRole('heading', { name: 'Exception board' }).waitFor();
    const row = page.getByTestId('exception-table').locator('tr', { hasText: shipment.number });
    await row.waitFor();
    expect(await row.textContent()).toContain('Delay');
    expect(await row.textContent()).toMatch(/later than promised/);
    await page.goto(`${t.baseUrl}/shipments/${shipment.id}`);
    await page.getByText('Milestones').first().waitFor();
    await expect.poll(() => page.getByTestId('shipment-status').first().textContent()).toBe('Departed');
    await page.screenshot({ path: `${SHOTS}/shipment-en.png`, fullPage: true });
  });
});
