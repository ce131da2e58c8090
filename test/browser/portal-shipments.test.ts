import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type Client, startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import { createShipment, validContainerNumber } from '../support/shipment-factories.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The customer portal's shipments (issue 4 §7) in a real browser: a portal user sees only their
 * company's shipments, finds one by container number, reads its milestones and the delay in plain
 * words, subscribes to its notices and asks about it — which files a portal ticket linked to it.
 */

const SHOTS = 'test-results/browser/portal-shipments';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('browser journey: portal shipments', () => {
  let t: TestApp;
  let portal: Client;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let late: any;
  let other: any;
  let foreign: any;
  const container = validContainerNumber('MSK');

  async function loginAs(client: Client): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${t.baseUrl}/login`);
    await page.getByLabel('邮箱').fill(client.user.email);
    await page.getByLabel('密码').fill(USER_PASSWORD);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${t.baseUrl}/portal`);
    return page;
  }

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    const department = await createDepartment(t, { name: '海运出口部' });
    const mine = await createCustomer(t, { ownerId: t.admin.user.id, name: '苏州恒通精密机械有限公司' });
    const theirs = await createCustomer(t, { ownerId: t.admin.user.id, name: '宁波别家贸易有限公司' });
    portal = await t.userClient('portal', { customerId: mine.id, name: '陈经理' });
    late = await createShipment(t, {
      customerId: mine.id,
      departmentId: department.id,
      containers: [container],
      customerReference: 'HT-PO-2611',
      promisedAt: '2026-12-20T10:00:00Z',
    });
    other = await createShipment(t, { customerId: mine.id, departmentId: department.id, mode: 'air' });
    foreign = await createShipment(t, { customerId: theirs.id, departmentId: department.id });
    const ingest = await t.admin.post('/api/tracking-events', {
      events: [
        {
          shipmentId: late.id,
          eventCode: 'DEPARTED',
          classifier: 'ACT',
          eventTime: '2026-11-22T02:15:00+08:00',
          location: 'CNSHA',
          locationName: '洋山四期码头',
          source: 'dcsa:TEST',
          sourceEventId: 'portal-dep-1',
        },
        {
          shipmentId: late.id,
          eventCode: 'DELIVERED',
          classifier: 'EST',
          eventTime: '2026-12-22T14:00:00+01:00',
          location: 'DEHAM',
          source: 'dcsa:TEST',
          sourceEventId: 'portal-dlv-est-1',
        },
      ],
    });
    expect(ingest.status, JSON.stringify(ingest.body)).toBe(200);
    expect(ingest.body.counts.accepted).toBe(2);
    // Two documents: one shared with the customer, one internal.
    for (const [fileName, portalVisible] of [
      ['提单副本.png', 'true'],
      ['内部核算.png', 'false'],
    ] as const) {
      const form = new FormData();
      form.append('kind', portalVisible === 'true' ? 'bill_of_lading' : 'other');
      form.append('portalVisible', portalVisible);
      form.append('file', new Blob([PNG], { type: 'image/png' }), fileName);
      const uploaded = await fetch(`${t.baseUrl}/api/shipments/${late.id}/documents`, {
        method: 'POST',
        headers: { cookie: t.admin.cookie!, 'x-csrf-token': t.admin.csrfToken! },
        body: form,
      });
      expect(uploaded.status, await uploaded.clone().text()).toBe(201);
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

  it('lists, finds, shows, subscribes to and asks about the company’s shipments', async () => {
    const page = await loginAs(portal);
    await page.getByRole('tab', { name: '货物追踪' }).click();
    const list = page.getByTestId('portal-shipments');
    await list.getByText(late.number).waitFor();
    await list.getByText(other.number).waitFor();
    // Another company's shipment is never listed.
    expect(await list.getByText(foreign.number).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/1-list.png`, fullPage: true });

    // Only those with open exceptions: the delayed one (its estimate breaks the promise).
    await page.getByTestId('portal-shipments-exceptions').click();
    await expect.poll(() => list.getByText(other.number).count()).toBe(0);
    await list.getByText(late.number).waitFor();
    await page.getByTestId('portal-shipments-exceptions').click();
    await list.getByText(other.number).waitFor();

    // Search by container number.
    await page.getByTestId('portal-shipments-search').fill(container.toLowerCase());
    await page.getByTestId('portal-shipments-search').press('Enter');
    await expect.poll(() => list.getByText(other.number).count()).toBe(0);
    await list.getByText(late.number).click();

    // The detail: status, the delay against the promise in plain words, milestones.
    const detail = page.getByTestId('portal-shipment');
    await detail.waitFor();
    await expect.poll(() => detail.getByTestId('track-status').textContent()).toBe('运输中（已出发）');
    await expect
      .poll(() => detail.getByTestId('track-exceptions').textContent())
      .toContain('运输延误，预计送达时间更新为 2026-12-22 21:00。');
    const milestones = detail.getByTestId('track-milestone');
    await expect.poll(() => milestones.count()).toBe(2);
    expect(await milestones.nth(0).textContent()).toContain('已出发');
    expect(await milestones.nth(0).textContent()).toContain('洋山四期码头 · CNSHA');
    expect(await milestones.nth(1).textContent()).toContain('预计送达');
    expect(await detail.textContent()).toContain('HT-PO-2611');
    // No consignee phone in the portal.
    expect(await detail.textContent()).not.toContain('1234 5678');
    // Only the document shared with the customer, downloadable.
    const documents = detail.getByTestId('portal-shipment-documents');
    await documents.getByText('提单副本.png').waitFor();
    expect(await documents.getByText('内部核算.png').count()).toBe(0);
    const href = await documents.getByRole('link').first().getAttribute('href');
    const download = await page.request.get(`${t.baseUrl}${href}`);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body()).equals(PNG)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/2-detail.png`, fullPage: true });

    // Subscribe to this shipment's notices.
    await page.getByTestId('portal-subscribe').click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await expect
      .poll(async () => (await portal.get('/api/portal/shipment-subscriptions')).body?.items?.length ?? 0)
      .toBe(1);
    const subscriptions = await portal.get('/api/portal/shipment-subscriptions');
    expect(subscriptions.body.items[0]).toMatchObject({ shipmentId: late.id });
    await expect.poll(() => page.getByTestId('portal-subscribe').textContent()).toContain('已订阅');

    // Ask about it: a portal ticket linked to the shipment.
    await page.getByTestId('portal-ask').click();
    const ask = page.getByRole('dialog').filter({ hasText: `关于运单 ${late.number}` });
    await ask.getByTestId('portal-ask-category').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
    await ask.getByLabel('请描述您的问题').fill('预计送达晚于承诺时间，请确认新的送达时间。');
    await page.getByTestId('portal-ask-save').click();
    await expect.poll(async () => (await portal.get('/api/portal/tickets')).body?.items?.length ?? 0).toBe(1);
    const tickets = await t.admin.get(`/api/tickets?shipmentId=${late.id}`);
    expect(tickets.status).toBe(200);
    expect(tickets.body.items).toHaveLength(1);
    expect(tickets.body.items[0]).toMatchObject({ shipmentId: late.id, customerId: late.customerId });
    expect(tickets.body.items[0].subject).toBe(`关于运单 ${late.number}`);
    await page.screenshot({ path: `${SHOTS}/3-asked.png`, fullPage: true });

    // The link in a shipment notice opens the shipment in the portal.
    await page.goto(`${t.baseUrl}/portal/shipments/${other.id}`);
    await page.getByTestId('portal-shipment').waitFor();
    await expect.poll(() => page.locator('.ant-drawer-title').first().textContent()).toContain(other.number);
  });
});
