import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDepartment } from '../support/factories.ts';
import { type Client, startTestApp, type TestApp, USER_PASSWORD } from '../support/harness.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * The service desk in a real browser (issue 3, item 14): a portal user files a damage complaint →
 * an agent takes it and dispatches a work order to the warehouse → a warehouse user accepts it and
 * returns a result → the agent sees the result, resolves and closes with the customer's confirmation
 * → the 回访 and 二次回访 tasks are on the agent's list. Every step is checked on the page and
 * through the API.
 */

const CUSTOMER = '苏州恒通精密机械有限公司';
const SUBJECT = 'SZX 仓库出库的 3 箱精密轴承外箱破损';
const WORDS = '今天收到的 3 箱轴承外箱压坏，其中 1 箱轴承有划痕，要求查明原因并赔偿';
const REPLY = '您好，已收到您的投诉，我们已安排仓库核查，今天内给您答复。';
const NOTE = '内部：疑似叉车装卸不当，先查监控';
const INSTRUCTIONS = '请核查 11 月 22 日出库监控及装车记录，确认破损环节';
const RESULT = '监控显示装车时叉车刮碰，已对责任叉车司机培训，破损 1 箱按原价赔付';
const RESOLUTION = '经核查为我司装车刮碰所致，破损 1 箱按原价赔付，并已整改装车流程。';
const MEASURES = '调取出库监控，核对装车记录；破损货物先行补发';
const VERIFICATION = '一周后回访确认补发货物完好';
const ANSWER = '外箱破损请在签收时拍照并注明，我司核实后 3 个工作日内按实际损失赔付。';
const SHOTS = 'test-results/browser/desk';

describe('browser journey: a portal complaint goes through the desk, the warehouse and back', () => {
  let t: TestApp;
  let agent: Client;
  let supervisor: Client;
  let warehouseUser: Client;
  let portal: Client;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let customerId: string;
  let ticketId: string;
  let articleId: string;
  let templateId: string;

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

  /** A fresh browser context logged in through the login page as the given user. */
  async function loginAs(client: Client, landing: string): Promise<Page> {
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
    await page.waitForURL(`${t.baseUrl}${landing}`);
    return page;
  }

  beforeAll(async () => {
    await ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    t = await startTestApp();
    const centre = await createDepartment(t, { name: '客服中心' });
    await createDepartment(t, { name: '仓储部' }).then(async (warehouse) => {
      warehouseUser = await t.userClient('operations', { departmentId: warehouse.id, name: '赵仓管' });
    });
    agent = await t.userClient('agent', { departmentId: centre.id, name: '王晓燕' });
    supervisor = await t.userClient('supervisor', { departmentId: centre.id, name: '刘主管' });
    const head = await t.admin.patch(`/api/departments/${centre.id}`, { headUserId: supervisor.user.id });
    expect(head.status, JSON.stringify(head.body)).toBe(200);
    const customer = await agent.post('/api/customers', { name: CUSTOMER, stage: 'active', valueClass: 'A' });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    customerId = customer.body.id;
    portal = await t.userClient('portal', { customerId, name: '陈经理' });

    // A standard answer and an apology template for damage (破损), to be suggested beside the ticket.
    const categories = await agent.get('/api/ticket-categories');
    const damage = categories.body.find((c: { code: string }) => c.code === 'damage').id;
    const article = await t.admin.post('/api/knowledge-articles', {
      topic: 'claims',
      question: '货物外箱破损如何赔偿？',
      answer: ANSWER,
      categoryId: damage,
    });
    expect(article.status, JSON.stringify(article.body)).toBe(201);
    articleId = article.body.id;
    const template = await t.admin.post('/api/response-templates', {
      kind: 'apology',
      title: '破损致歉',
      body: '{{customer.name}}您好，对货物破损给您带来的不便深表歉意。',
      categoryId: damage,
    });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    templateId = template.body.id;

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

  it('a portal user files a damage complaint', async () => {
    const page = await loginAs(portal, '/portal');
    const requests = page.getByTestId('portal-tickets');
    await requests.getByText('我的投诉与咨询').waitFor();
    await page.getByTestId('portal-new-request').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '提交投诉或咨询' });
    await drawer.waitFor();
    // Nothing is sent without the required fields.
    await page.getByTestId('portal-request-save').click();
    await drawer.getByText('此项为必填项').first().waitFor();

    await drawer.getByLabel('类别').click();
    await page.locator('.ant-select-item-option', { hasText: '破损' }).click();
    await drawer.getByLabel('主题').fill(SUBJECT);
    await drawer.getByLabel('问题描述').fill(WORDS);
    await drawer.getByLabel('运单/订单号').fill('SZX2611220031');
    await page.getByTestId('portal-request-save').click();
    await page.getByText(/已提交，编号 T/).waitFor();
    const detail = page.getByTestId('portal-ticket');
    await detail.getByText('等待客服受理').waitFor();
    await page.keyboard.press('Escape');
    await requests.getByRole('row').filter({ hasText: SUBJECT }).getByText('待受理').waitFor();
    await shot(page, '01-portal-filed');

    const mine = await portal.get('/api/portal/tickets');
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({
      subject: SUBJECT,
      type: 'complaint',
      status: 'new',
      categoryName: '破损',
    });
    ticketId = mine.body.items[0].id;
  });

  let agentPage: Page;

  it('an agent takes it from the new requests, replies and adds an internal note', async () => {
    const page = await loginAs(agent, '/');
    agentPage = page;
    await page.getByRole('menuitem', { name: '服务台' }).click();
    await page.waitForURL('**/desk');
    await page.getByRole('tab', { name: '待受理' }).click();
    const row = page.getByTestId('ticket-table').getByRole('row').filter({ hasText: SUBJECT });
    await row.getByText(CUSTOMER).waitFor();
    await shot(page, '02-desk-new');
    await row.getByRole('link', { name: SUBJECT }).click();
    await page.waitForURL(`**/tickets/${ticketId}`);
    await expect.poll(() => page.getByTestId('ticket-status').first().textContent()).toBe('待受理');

    await page.getByTestId('ticket-take').click();
    await page.getByText('已受理，您是首问负责人').waitFor();
    await expect.poll(() => page.getByTestId('ticket-owner').textContent()).toContain('王晓燕');
    await expect.poll(() => page.getByTestId('ticket-status').first().textContent()).toBe('处理中');
    await page.getByTestId('sla-resolution').waitFor();

    // Suggestions: the apology template is filled from the ticket, the standard answer goes in as written.
    const suggestions = page.getByTestId('suggestions');
    await suggestions.getByText('破损致歉').waitFor();
    await suggestions.getByRole('button', { name: /插\s*入/ }).click();
    await expect
      .poll(() => page.getByTestId('reply-text').inputValue())
      .toBe(`${CUSTOMER}您好，对货物破损给您带来的不便深表歉意。`);
    await suggestions.getByText('货物外箱破损如何赔偿？').click();
    await suggestions.getByRole('button', { name: /使\s*用/ }).click();
    await expect.poll(() => page.getByTestId('reply-text').inputValue()).toContain(ANSWER);
    await expect
      .poll(async () => (await agent.get(`/api/knowledge-articles/${articleId}`)).body.usageCount)
      .toBe(1);
    expect((await agent.get(`/api/response-templates/${templateId}`)).body.usageCount).toBe(1);

    // A public reply, then an internal note the customer must never see.
    await page.getByTestId('reply-text').fill(REPLY);
    await page.getByTestId('reply-send').click();
    await page.getByText('回复已发送').waitFor();
    await page.getByRole('tab', { name: '内部备注' }).click();
    await page.getByTestId('reply-text').fill(NOTE);
    await page.getByTestId('reply-send').click();
    await page.getByText('备注已保存').waitFor();
    const conversation = page.getByTestId('conversation');
    await conversation.locator('[data-kind="reply"]').filter({ hasText: REPLY }).waitFor();
    await conversation.locator('[data-kind="note"]').filter({ hasText: NOTE }).waitFor();
    await shot(page, '03-ticket-taken');

    const ticket = await agent.get(`/api/tickets/${ticketId}`);
    expect(ticket.body).toMatchObject({ status: 'open', ownerId: agent.user.id });
    const ownership = await agent.get(`/api/tickets/${ticketId}/ownership`);
    expect(ownership.body.map((c: { kind: string }) => c.kind)).toEqual(['take']);
  });

  it('the agent dispatches a work order to the warehouse', async () => {
    const page = agentPage;
    await page.getByRole('tab', { name: '派单' }).click();
    await page.getByTestId('work-order-dispatch').click();
    const modal = page.getByRole('dialog').filter({ hasText: '处理要求' });
    await modal.waitFor();
    await modal.getByLabel('部门').click();
    await page.locator('.ant-select-tree-title', { hasText: '仓储部' }).click();
    await modal.getByLabel('处理要求').fill(INSTRUCTIONS);
    await page.getByTestId('dispatch-confirm').click();
    await page.getByText(/工单 W.* 已派出/).waitFor();
    const order = page.getByTestId('ticket-work-order').filter({ hasText: INSTRUCTIONS });
    await order.getByText('待接单').waitFor();
    await order.getByText('仓储部').waitFor();
    await shot(page, '04-dispatched');
  });

  it('the agent fills in the complaint card; a concurrent change is a conflict, not an overwrite', async () => {
    const page = agentPage;
    await page.getByRole('tab', { name: '投诉处理卡' }).click();
    const card = page.getByTestId('complaint-card');
    await card.getByLabel('原因分类').click();
    await page.locator('.ant-select-item-option', { hasText: '人员' }).click();
    await card.getByLabel('处理措施').fill(MEASURES);
    await page.getByTestId('card-save').click();
    await page.getByText('投诉处理卡已保存').waitFor();
    const saved = await agent.get(`/api/tickets/${ticketId}`);
    expect(saved.body).toMatchObject({ rootCause: 'people', measures: MEASURES });

    // A colleague saves the card meanwhile; the form still holds the older version.
    const other = await agent.patch(
      `/api/tickets/${ticketId}`,
      { verification: VERIFICATION },
      { 'if-match': `"${saved.body.version}"` },
    );
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    await card.getByLabel('处理结果').fill('不应覆盖同事的修改');
    await page.getByTestId('card-save').click();
    await page.getByTestId('card-conflict').getByText('处理卡已被他人修改').waitFor();
    await shot(page, '04b-card-conflict');
    const after = await agent.get(`/api/tickets/${ticketId}`);
    expect(after.body).toMatchObject({
      verification: VERIFICATION,
      result: null,
      version: other.body.version,
    });
    await page.getByTestId('card-load-latest').click();
    await expect.poll(() => card.getByLabel('跟踪验证').inputValue()).toBe(VERIFICATION);
    await expect.poll(() => page.getByTestId('card-conflict').count()).toBe(0);
  });

  it('the agent records a 换地 step: the conversation moves to a visit, on the escalation ladder', async () => {
    const page = agentPage;
    await page.getByTestId('ticket-escalate').click();
    const modal = page.getByRole('dialog').filter({ hasText: '升级方式' });
    await modal.waitFor();
    await modal.locator('.ant-radio-button-wrapper', { hasText: '换地' }).click();
    await modal.getByLabel('地点').fill('客户苏州工厂仓库');
    await modal.getByLabel('参加人员').fill('陈经理');
    await modal.getByLabel('参加人员').press('Enter');
    await modal.getByLabel('升级原因').fill('客户要求现场查看破损货物');
    await page.getByTestId('action-confirm').click();
    await page.getByText('升级已记录').waitFor();
    await page.getByRole('tab', { name: '升级记录' }).click();
    const ladder = page.getByTestId('escalation-ladder');
    await ladder.getByText('客户苏州工厂仓库').waitFor();
    await ladder.getByText('陈经理').waitFor();
    // 换地 changes no owner.
    await expect.poll(() => page.getByTestId('ticket-owner').textContent()).toContain('王晓燕');
    const steps = await agent.get(`/api/tickets/${ticketId}/escalations`);
    expect(steps.body.items).toHaveLength(1);
    expect(steps.body.items[0]).toMatchObject({
      kind: 'place',
      place: '客户苏州工厂仓库',
      attendees: ['陈经理'],
    });
  });

  it('the warehouse user accepts it and returns the result', async () => {
    const page = await loginAs(warehouseUser, '/');
    // Operations staff get the work-order queue, not the service desk.
    await expect.poll(() => page.getByRole('menuitem', { name: '服务台' }).count()).toBe(0);
    // The bell tells them about the new work order and opens it in the department's queue.
    await expect.poll(() => page.getByTestId('notification-bell').textContent()).toContain('1');
    await page.getByTestId('notification-bell').click();
    await page.getByTestId('notification-item').filter({ hasText: SUBJECT }).click();
    await page.waitForURL('**/work-orders/*');
    await page.getByTestId('work-order-table').getByText(INSTRUCTIONS).first().waitFor();
    await expect
      .poll(async () => (await warehouseUser.get('/api/notifications?unread=true')).body.unreadCount)
      .toBe(0);
    await page.getByRole('menuitem', { name: '部门工单' }).click();
    await page.waitForURL('**/work-orders');
    const table = page.getByTestId('work-order-table');
    const pending = table.getByRole('row').filter({ hasText: INSTRUCTIONS });
    await pending.getByText(CUSTOMER).waitFor();
    await pending.getByTestId('work-order-accept').click();
    await page.getByText('已接单').first().waitFor();

    await page.getByRole('tab', { name: '处理中' }).click();
    const accepted = table.getByRole('row').filter({ hasText: INSTRUCTIONS });
    await accepted.getByText('赵仓管').waitFor();
    await accepted.getByTestId('work-order-complete').click();
    const modal = page.getByRole('dialog').filter({ hasText: '回复结果' });
    await modal.waitFor();
    await modal.getByLabel('处理结果').fill(RESULT);
    await page.getByTestId('work-order-confirm').click();
    await page.getByText('处理结果已回复').waitFor();
    await page.getByRole('tab', { name: '已完成' }).click();
    await table.getByRole('row').filter({ hasText: INSTRUCTIONS }).getByText('已完成').waitFor();
    await shot(page, '05-work-order-done');

    const orders = await agent.get(`/api/tickets/${ticketId}/work-orders`);
    const list = Array.isArray(orders.body) ? orders.body : orders.body.items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'done', result: RESULT, assigneeId: warehouseUser.user.id });
  });

  it('the agent sees the result, resolves and closes with the customer’s confirmation', async () => {
    const page = agentPage;
    await page.reload();
    await page.getByRole('tab', { name: '派单' }).click();
    await page.getByTestId('work-order-result').filter({ hasText: RESULT }).waitFor();
    await page.getByTestId('ticket-work-order').getByText('已完成').waitFor();

    await page.getByTestId('ticket-resolve').click();
    const resolve = page.getByRole('dialog').filter({ hasText: '解决方案' });
    await resolve.getByLabel('解决方案').fill(RESOLUTION);
    await page.getByTestId('action-confirm').click();
    await page.getByText('解决方案已提交，待客户确认').waitFor();
    await expect.poll(() => page.getByTestId('ticket-status').first().textContent()).toBe('待确认');

    await page.getByTestId('ticket-close').click();
    const close = page.getByRole('dialog').filter({ hasText: '客户已确认解决' });
    await close.waitFor();
    await page.getByTestId('action-confirm').click();
    await page.getByText('工单已关闭，回访任务已安排').waitFor();
    await expect.poll(() => page.getByTestId('ticket-status').first().textContent()).toBe('已关闭');
    await page
      .getByTestId('ticket-closed-info')
      .getByText(/客户已确认/)
      .waitFor();
    await shot(page, '06-closed');

    const ticket = await agent.get(`/api/tickets/${ticketId}`);
    expect(ticket.body).toMatchObject({ status: 'closed', customerConfirmed: true, resolution: RESOLUTION });
  });

  it('prints the complaint card on an A4 sheet with every card field', async () => {
    const page = agentPage;
    await page.goto(`${t.baseUrl}/tickets/${ticketId}/print`);
    const sheet = page.getByTestId('print-sheet');
    await sheet.getByRole('heading', { name: '投诉处理卡' }).waitFor();
    const text = await sheet.textContent();
    for (const expected of [
      CUSTOMER,
      WORDS,
      MEASURES,
      VERIFICATION,
      RESULT,
      '☑ 人员',
      '客户已确认',
      '客户确认',
    ])
      expect(text).toContain(expected);
    // No app chrome on the sheet.
    expect(await page.getByTestId('user-menu').count()).toBe(0);
    await page.getByTestId('print-button').waitFor();
    await shot(page, '06b-print');
    await page.goto(`${t.baseUrl}/tickets/${ticketId}`);
    await page.getByTestId('ticket-number').waitFor();
  });

  it('the portal user sees the public reply and the outcome, never the internal note', async () => {
    const page = await loginAs(portal, '/portal');
    const row = page.getByTestId('portal-tickets').getByRole('row').filter({ hasText: SUBJECT });
    await row.getByText('已关闭').waitFor();
    await row.click();
    const detail = page.getByTestId('portal-ticket');
    await detail.getByTestId('portal-messages').getByText(REPLY).waitFor();
    expect(await detail.textContent()).not.toContain(NOTE);
    await shot(page, '07-portal-closed');
    const view = await portal.get(`/api/portal/tickets/${ticketId}`);
    expect(JSON.stringify(view.body)).not.toContain(NOTE);
  });

  it('puts the 回访 and 二次回访 tasks on the agent’s list', async () => {
    const page = agentPage;
    await page.getByTestId('ticket-customer').click();
    await page.waitForURL(`**/customers/${customerId}`);
    await page.getByRole('tab', { name: '回访任务' }).click();
    await page.getByText('投诉回访').first().waitFor();
    await page.getByText('二次回访').first().waitFor();
    await shot(page, '08-follow-ups');

    const tasks = await agent.get(
      `/api/follow-ups?assigneeId=${agent.user.id}&customerId=${customerId}&status=open`,
    );
    expect(tasks.status).toBe(200);
    const kinds = tasks.body.items.map((f: { kind: string }) => f.kind).sort();
    expect(kinds).toEqual(['post_complaint', 'second_visit']);
  });
  it('a portal user rejects a proposed resolution and the ticket goes back to the agent', async () => {
    const categories = await agent.get('/api/ticket-categories');
    const delay = categories.body.find((c: { code: string }) => c.code === 'delay').id;
    const created = await agent.post('/api/tickets', {
      type: 'complaint',
      channel: 'phone',
      customerId,
      categoryId: delay,
      severity: 'normal',
      subject: '深圳至苏州干线延误两天',
      customerWords: '货晚到两天，影响产线',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const resolved = await agent.post(`/api/tickets/${created.body.id}/resolve`, {
      resolution: '已调整干线班次，今后提前一天发车',
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);

    const page = await loginAs(portal, '/portal');
    await page
      .getByTestId('portal-tickets')
      .getByRole('row')
      .filter({ hasText: '深圳至苏州干线延误两天' })
      .click();
    const confirm = page.getByTestId('portal-confirm');
    await confirm.getByTestId('portal-resolution').getByText('已调整干线班次').waitFor();
    await confirm.getByRole('textbox').fill('班次调整不能弥补这次的损失，请给出补偿方案');
    await page.getByTestId('portal-reject').click();
    await page.getByText('已反馈，我们会继续处理').waitFor();
    await expect.poll(() => page.getByTestId('portal-confirm').count()).toBe(0);
    await page.getByTestId('portal-ticket').getByText('处理中').waitFor();
    await shot(page, '09-portal-rejected');

    const ticket = await agent.get(`/api/tickets/${created.body.id}`);
    expect(ticket.body.status).toBe('open');
  });
  it('an agent records a phone inquiry from the new-ticket drawer and owns it', async () => {
    const page = agentPage;
    await page.getByRole('menuitem', { name: '服务台' }).click();
    await page.waitForURL('**/desk');
    await page.getByTestId('ticket-create').click();
    const drawer = page.getByRole('dialog').filter({ hasText: '新建工单' });
    await drawer.waitFor();
    await drawer.locator('.ant-radio-button-wrapper', { hasText: '咨询' }).click();
    await drawer.getByLabel('客户', { exact: true }).click();
    await page.keyboard.type('恒通');
    await page.locator('.ant-select-item-option', { hasText: CUSTOMER }).click();
    await drawer.getByLabel('类别').click();
    await page.locator('.ant-select-item-option', { hasText: '费用' }).click();
    await drawer.getByLabel('主题').fill('询问 11 月仓储费账单明细');
    await drawer.getByLabel('客户原话').fill('11 月账单仓储费比上月多了 30%，想了解明细');
    await drawer.getByLabel('线路').fill('CNSZX-CNSZV');
    await page.getByTestId('ticket-save').click();
    await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('ticket-owner').textContent()).toContain('王晓燕');
    await expect.poll(() => page.getByTestId('ticket-status').first().textContent()).toBe('处理中');
    const id = page.url().split('/').pop();
    const ticket = await agent.get(`/api/tickets/${id}`);
    expect(ticket.body).toMatchObject({
      type: 'inquiry',
      channel: 'phone',
      customerId,
      ownerId: agent.user.id,
      lane: 'CNSZX-CNSZV',
    });

    // Corrections go through the edit drawer with the row version.
    await page.getByTestId('ticket-edit').click();
    const edit = page.getByRole('dialog').filter({ hasText: '修改工单' });
    await edit.getByLabel('严重程度').click();
    await page.locator('.ant-select-item-option', { hasText: '高' }).click();
    await page.getByTestId('ticket-edit-save').click();
    await expect.poll(async () => (await agent.get(`/api/tickets/${id}`)).body.severity).toBe('high');
    expect((await agent.get(`/api/tickets/${id}`)).body.version).toBe(ticket.body.version + 1);

    // Waiting on the customer pauses the SLA clocks; resuming starts them again.
    await page.getByTestId('ticket-wait').click();
    await page
      .getByRole('dialog')
      .filter({ hasText: '等待客户' })
      .getByLabel('原因')
      .fill('等客户提供账单编号');
    await page.getByTestId('action-confirm').click();
    // The toast is gone after a few seconds (under load it can come and go between polls): the
    // stored state and the page's status tag are what count.
    await expect
      .poll(async () => (await agent.get(`/api/tickets/${id}`)).body.status)
      .toBe('waiting_customer');
    await expect.poll(() => page.getByTestId('ticket-status').first().textContent()).toBe('等待客户');
    await expect.poll(() => page.getByTestId('sla-resolution').getAttribute('data-state')).toBe('paused');
    await page.getByTestId('ticket-resume').click();
    await expect.poll(async () => (await agent.get(`/api/tickets/${id}`)).body.status).toBe('open');
    await expect.poll(() => page.getByTestId('sla-resolution').getAttribute('data-state')).toBe('running');
    const sla = await agent.get(`/api/tickets/${id}/sla`);
    expect(sla.body.pauses).toHaveLength(1);
  });
  it('换人: the agent escalates to the head of the department, who then owns the ticket', async () => {
    const categories = await agent.get('/api/ticket-categories');
    const attitude = categories.body.find((c: { code: string }) => c.code === 'attitude').id;
    const created = await agent.post('/api/tickets', {
      type: 'complaint',
      channel: 'phone',
      customerId,
      categoryId: attitude,
      severity: 'high',
      subject: '司机送货态度恶劣',
      customerWords: '司机卸货时与仓管争吵',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const page = agentPage;
    await page.goto(`${t.baseUrl}/tickets/${created.body.id}`);
    await page.getByTestId('ticket-escalate').click();
    const modal = page.getByRole('dialog').filter({ hasText: '升级方式' });
    await modal.waitFor();
    // The next head up is proposed.
    await modal.getByText(/刘主管/).waitFor();
    await modal.getByLabel('升级原因').fill('客户要求主管出面处理');
    await page.getByTestId('action-confirm').click();
    await page.getByText('升级已记录').waitFor();
    await expect.poll(() => page.getByTestId('ticket-owner').textContent()).toContain('刘主管');
    await page.getByRole('tab', { name: '升级记录' }).click();
    await page.getByTestId('escalation-ladder').getByText('第 1 级').waitFor();
    await page.getByRole('tab', { name: '负责人变更' }).click();
    await page.getByTestId('ownership-history').getByText('升级').waitFor();
    await shot(page, '10-escalated');
    const ticket = await agent.get(`/api/tickets/${created.body.id}`);
    expect(ticket.body).toMatchObject({ ownerId: supervisor.user.id, escalationLevel: 1 });
  });
});
