import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iso6346CheckDigit } from '../../src/domain/identifiers.ts';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type Client, startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * Operations in a real browser (issue 4, item 8): a sea-import operations user opens 货物追踪, finds
 * a shipment by its container number, records an actual DEPARTED milestone by hand and a POD with
 * an uploaded PNG; the shipment then shows 已签收 (delivered). Checked on the page and through the API.
 */

const CUSTOMER = '上海华东精密仪器进出口有限公司';
const SIGNER = '李仓管';
const SHOTS = 'test-results/browser/shipments';
const container = (body: string) => `${body}${iso6346CheckDigit(body)}`;
const CONTAINER = container('MSCU730251');
const OTHER_CONTAINER = container('TGHU882014');
/** A 1×1 PNG: a real image, so the server's content check (magic bytes) accepts it. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('browser: an operations user updates a shipment by hand and records its POD', () => {
  let t: TestApp;
  let ops: Client;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let shipment: { id: string; number: string };
  let other: { id: string; number: string };
  let customerId: string;
  let page: Page;

  async function loginAs(client: Client): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
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
    const seaImport = await createDepartment(t, { name: '海运进口部' });
    ops = await t.userClient('operations', { departmentId: seaImport.id, name: '周操作' });
    const customer = await createCustomer(t, { name: CUSTOMER, ownerId: t.admin.user.id });
    customerId = customer.id;
    const create = async (containers: string[], orderNo: string) => {
      const answer = await t.admin.post('/api/shipments', {
        customerId: customer.id,
        departmentId: seaImport.id,
        mode: 'sea',
        orderNo,
        containers,
        origin: 'DEHAM',
        destination: 'CNSHA',
        consigneeName: '华东精密仪器',
        promisedAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return answer.body;
    };
    shipment = await create([CONTAINER], 'PO-2026-0815');
    other = await create([OTHER_CONTAINER], 'PO-2026-0816');

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await loginAs(ops);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('finds the shipment by its container number in 货物追踪', async () => {
    await page.getByRole('menuitem', { name: '货物追踪' }).click();
    await page.waitForURL('**/shipments');
    const table = page.getByTestId('shipment-table');
    await table.locator('tr', { hasText: other.number }).waitFor();
    await page.getByTestId('shipment-search').locator('input').fill(CONTAINER.toLowerCase());
    await page.getByTestId('shipment-search').locator('input').press('Enter');
    await page.waitForURL(/q=/);
    await expect.poll(() => table.locator('tr', { hasText: other.number }).count()).toBe(0);
    const row = table.locator('tr', { hasText: shipment.number });
    await row.waitFor();
    expect(await row.textContent()).toContain(CUSTOMER);
    expect(await row.textContent()).toContain('DEHAM-CNSHA');
    await page.screenshot({ path: `${SHOTS}/list.png`, fullPage: true });
    await row.getByTestId('shipment-link').click();
    await page.waitForURL(`**/shipments/${shipment.id}`);
    await expect.poll(() => page.getByTestId('shipment-number').textContent()).toBe(shipment.number);
    await expect.poll(() => page.getByTestId('shipment-status').first().textContent()).toBe('已建单');
  });

  it('records an actual DEPARTED milestone by hand', async () => {
    await page.getByTestId('milestone-add').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '手工录入追踪节点' });
    await dialog.waitFor();
    // 实际 is preselected; choose the milestone and the place.
    await dialog.getByTestId('milestone-code').click();
    await page.locator('.ant-select-item-option', { hasText: '离港/起飞' }).click();
    await dialog.getByLabel('地点 (UN/LOCODE)').fill('DEHAM');
    await dialog.getByLabel('地点名称').fill('Hamburg CTA');
    await page.getByTestId('milestone-save').click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => page.getByTestId('shipment-status').first().textContent()).toBe('已离港');
    const departed = page
      .getByTestId('milestone-timeline')
      .locator('tr', { has: page.getByTestId('milestone-DEPARTED') });
    await departed.getByTestId('milestone-actual').waitFor();
    expect(await departed.textContent()).toContain('DEHAM');

    const events = await ops.get(`/api/shipments/${shipment.id}/events`);
    expect(events.status, JSON.stringify(events.body)).toBe(200);
    const manual = events.body.events.filter((e: { eventCode: string }) => e.eventCode === 'DEPARTED');
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ classifier: 'ACT', location: 'DEHAM', source: 'manual' });
  });

  it('records the POD with an uploaded PNG and the shipment shows delivered', async () => {
    await page.getByTestId('pod-record').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '送货回复/签收 (POD)' });
    await dialog.waitFor();
    await dialog.getByLabel('签收人').fill(SIGNER);
    await dialog
      .locator('input[type=file]')
      .setInputFiles({ name: 'pod.png', mimeType: 'image/png', buffer: PNG });
    await dialog.getByText('pod.png').waitFor();
    await page.getByTestId('pod-save').click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => page.getByTestId('shipment-status').first().textContent()).toBe('已签收');
    await page.getByTestId('shipment-pod').getByText(SIGNER).waitFor();
    await page.getByTestId('shipment-documents').getByText('pod.png').waitFor();
    await page.screenshot({ path: `${SHOTS}/delivered.png`, fullPage: true });

    const after = await ops.get(`/api/shipments/${shipment.id}`);
    expect(after.body).toMatchObject({ status: 'delivered', podSigner: SIGNER });
    expect(after.body.deliveredAt).toBeTruthy();
    const documents = await ops.get(`/api/shipments/${shipment.id}/documents`);
    const items = Array.isArray(documents.body) ? documents.body : documents.body.items;
    const pod = items.find((d: { kind: string }) => d.kind === 'pod');
    expect(pod).toMatchObject({ fileName: 'pod.png', contentType: 'image/png' });
    // The other shipment is untouched.
    expect((await ops.get(`/api/shipments/${other.id}`)).body.status).toBe('created');
  });

  it('a new shipment with a wrong container check digit shows the expected digit at the field', async () => {
    const valid = container('OOLU518200');
    const wrong = `${valid.slice(0, 10)}${(Number(valid[10]) + 1) % 10}`;
    await page.goto(`${t.baseUrl}/shipments`);
    await page.getByTestId('shipment-create').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建运单' });
    await drawer.waitFor();
    await drawer.getByLabel('客户', { exact: true }).click();
    await page.keyboard.type('华东精密');
    // The option list is replaced when the search answers; choose with the keyboard once it shows.
    await expect
      .poll(() => page.locator('.ant-select-item-option-active', { hasText: CUSTOMER }).count())
      .toBe(1);
    await page.keyboard.press('Enter');
    await drawer.getByText(CUSTOMER).filter({ visible: true }).first().waitFor();
    // Operations users' own department is preset.
    await drawer.getByText('海运进口部').waitFor();
    await drawer.getByLabel('订单号').fill('PO-2026-0901');
    await drawer.getByLabel('箱号', { exact: true }).fill(wrong.toLowerCase());
    await drawer.getByLabel('箱号', { exact: true }).press('Enter');
    await page.getByTestId('shipment-save').click();
    const problem = drawer.getByText(`箱号 ${wrong} 的校验位应为 ${valid[10]}`);
    await problem.waitFor();
    expect(page.url()).toMatch(/\/shipments$/);

    // Replace the number with the right one: the shipment is created and opened.
    await drawer
      .locator('.ant-select-selection-item', { hasText: wrong })
      .locator('.ant-select-selection-item-remove')
      .click();
    await drawer.getByLabel('箱号', { exact: true }).fill(valid);
    await drawer.getByLabel('箱号', { exact: true }).press('Enter');
    await page.getByTestId('shipment-save').click();
    await page.waitForURL(/\/shipments\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const created = await ops.get(`/api/shipments/${id}`);
    expect(created.body).toMatchObject({
      containers: [valid],
      orderNo: 'PO-2026-0901',
      customerName: CUSTOMER,
    });
    await expect.poll(() => page.getByTestId('shipment-number').textContent()).toBe(created.body.number);
  });

  it('the edit drawer sends only the changed field with the version it loaded', async () => {
    const before = (await ops.get(`/api/shipments/${other.id}`)).body;
    await page.goto(`${t.baseUrl}/shipments/${other.id}`);
    await page.getByTestId('shipment-edit').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '编辑运单' });
    await drawer.waitFor();
    await drawer.getByLabel('客户参考号').fill('HDJM-REF-2291');
    await page.getByTestId('shipment-save').click();
    await drawer.waitFor({ state: 'hidden' });
    await page.getByText('HDJM-REF-2291').first().waitFor();
    const after = (await ops.get(`/api/shipments/${other.id}`)).body;
    expect(after).toMatchObject({ customerReference: 'HDJM-REF-2291', version: before.version + 1 });
    expect(after.containers).toEqual(before.containers);
    expect(after.promisedAt).toBe(before.promisedAt);
  });

  it('documents: a text file is refused by content, a PDF is uploaded and listed', async () => {
    await page.goto(`${t.baseUrl}/shipments/${other.id}`);
    const card = page.getByTestId('shipment-documents');
    await card.waitFor();
    const input = card.locator('input[type=file]');
    await input.setInputFiles({
      name: 'packing.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('just text'),
    });
    await page.getByText('不支持该文件类型，请上传 PDF 或图片').waitFor();
    const pdf = Buffer.from(
      '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
    );
    await input.setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: pdf });
    await card.getByText('invoice.pdf').waitFor();
    const documents = await ops.get(`/api/shipments/${other.id}/documents`);
    expect(documents.body.items.map((d: { fileName: string }) => d.fileName)).toEqual(['invoice.pdf']);
    expect(documents.body.items[0]).toMatchObject({ contentType: 'application/pdf', portalVisible: true });
  });

  it("the customer file's 货物 tab lists the customer's shipments", async () => {
    await page.goto(`${t.baseUrl}/customers/${customerId}`);
    await page.getByTestId('customer-name').waitFor();
    await page.getByRole('tab', { name: '货物' }).click();
    await page.waitForURL(/tab=shipments/);
    const table = page.getByTestId('customer-shipment-table');
    await table.locator('tr', { hasText: shipment.number }).waitFor();
    await table.locator('tr', { hasText: other.number }).waitFor();
    expect(await table.locator('tr', { hasText: shipment.number }).textContent()).toContain('已签收');
  });
});
