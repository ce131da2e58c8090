import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/modules/audit/tables.ts';
import { followUps } from '../../src/modules/followups/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { tickets } from '../../src/modules/tickets/tables.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import { categoryIds, openTicket, setDepartmentHead, ticketAction } from '../support/desk-factories.ts';
import {
  type ContactRow,
  type CustomerRow,
  type Organisation,
  createContact,
  createCustomer,
  createOrganisation,
  portalUser,
  setCustomer,
} from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';

// Wednesday 2025-03-12, 10:00 in Shanghai; tests move the clock forward.
const START = new Date('2025-03-12T02:00:00Z');
let now = START;
const DAY = 86_400_000;

let t: TestApp;
let org: Organisation;
let customer: CustomerRow;
let contact: ContactRow;
let otherCustomer: CustomerRow;
let otherContact: ContactRow;
let portal: Client;
let otherPortal: Client;
let cat: Record<string, string>;

beforeAll(async () => {
  t = await startTestApp({ now: () => now });
  org = await createOrganisation(t);
  customer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '宁波港联货运代理有限公司',
  });
  contact = await createContact(t, { customerId: customer.id, name: '刘总' });
  otherCustomer = await createCustomer(t, { ownerId: org.otherAgent.user.id, teamId: org.teamB.id });
  otherContact = await createContact(t, { customerId: otherCustomer.id, name: '陈经理' });
  portal = await portalUser(t, customer.id);
  otherPortal = await portalUser(t, otherCustomer.id);
  cat = await categoryIds(t);
  await setDepartmentHead(t, org.teamA.id, org.supervisor.user.id);
});

afterAll(async () => {
  await t?.close();
});

describe('creating tickets (首问负责制)', () => {
  it('numbers the ticket, makes the creator the owner in their department, and puts it on the timeline', async () => {
    const ticket = await openTicket(org.agent, {
      customerId: customer.id,
      contactId: contact.id,
      categoryId: cat.delay,
      shipmentRef: 'SHA2503001',
      lane: 'cnsha - deham',
    });
    expect(ticket.number).toMatch(/^T2503-\d{6}$/);
    expect(ticket.ownerId).toBe(org.agent.user.id);
    expect(ticket.ownerName).toBe('张客服');
    expect(ticket.departmentId).toBe(org.teamA.id);
    expect(ticket.status).toBe('open');
    expect(ticket.lane).toBe('CNSHA-DEHAM');
    expect(ticket.customerName).toBe('宁波港联货运代理有限公司');
    expect(ticket.contactName).toBe('刘总');
    expect(ticket.categoryName).toBe('延误');
    expect(ticket).not.toHaveProperty('searchVector');
    expect(['none', 'running', 'warning', 'paused', 'breached', 'met']).toContain(ticket.slaState);
    const entries = await t.ctx.db.select().from(timelineEntries).where(eq(timelineEntries.refId, ticket.id));
    expect(entries.map((e) => e.kind)).toEqual(['ticket.created']);
    const audits = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, ticket.id), eq(auditLog.action, 'create')));
    expect(audits).toHaveLength(1);
  });

  it('refuses bad input with 4xx: bad enum, foreign contact, unknown or inactive category, closed file', async () => {
    const base = {
      type: 'complaint',
      channel: 'phone',
      customerId: customer.id,
      categoryId: cat.damage,
      subject: 'x',
      customerWords: 'y',
    };
    expect((await org.agent.post('/api/tickets', { ...base, type: 'praise' })).status).toBe(400);
    expect((await org.agent.post('/api/tickets', { ...base, severity: 'urgent' })).status).toBe(400);
    expect((await org.agent.post('/api/tickets', { ...base, surprise: 1 })).status).toBe(400);
    const foreign = await org.agent.post('/api/tickets', { ...base, contactId: otherContact.id });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].field).toBe('contactId');
    const unknown = await org.agent.post('/api/tickets', {
      ...base,
      categoryId: '01900000-0000-7000-8000-000000000000',
    });
    expect(unknown.status).toBe(422);
    const inactive = await t.admin.post('/api/ticket-categories', {
      code: 'retired',
      name: '已停用',
      active: false,
    });
    expect(inactive.status).toBe(201);
    expect((await org.agent.post('/api/tickets', { ...base, categoryId: inactive.body.id })).status).toBe(
      422,
    );
    expect((await org.agent.post('/api/tickets', { ...base, subject: '   ' })).status).toBe(422);
    const archived = await createCustomer(t, { ownerId: org.agent.user.id, archivedAt: new Date() });
    expect((await org.agent.post('/api/tickets', { ...base, customerId: archived.id })).status).toBe(409);
    expect((await org.operations.post('/api/tickets', base)).status).toBe(403);
    expect((await portal.post('/api/tickets', base)).status).toBe(403);
    expect((await t.anonymous().post('/api/tickets', base)).status).toBe(401);
  });

  it('lets nobody else take an owned ticket: ownership moves only by a logged transfer', async () => {
    const ticket = await openTicket(org.agent, {
      customerId: customer.id,
      categoryId: cat.billing,
      subject: '运费账单有误',
    });
    expect((await org.teammate.post(`/api/tickets/${ticket.id}/take`)).status).toBe(403);
    expect((await org.otherSupervisor.post(`/api/tickets/${ticket.id}/take`)).status).toBe(403);
    expect(
      (
        await org.teammate.post(`/api/tickets/${ticket.id}/transfer`, {
          toUserId: org.teammate.user.id,
          reason: '我来',
        })
      ).status,
    ).toBe(403);
    expect(
      (await org.teammate.patch(`/api/tickets/${ticket.id}`, { subject: '改', version: ticket.version }))
        .status,
    ).toBe(403);
    // The owner hands over with a reason; a reason is required.
    expect(
      (
        await org.agent.post(`/api/tickets/${ticket.id}/transfer`, {
          toUserId: org.teammate.user.id,
          reason: '',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await org.agent.post(`/api/tickets/${ticket.id}/transfer`, {
          toUserId: org.operations.user.id,
          reason: '操作',
        })
      ).status,
    ).toBe(422);
    const moved = await ticketAction(org.agent, ticket.id, 'transfer', {
      toUserId: org.otherAgent.user.id,
      reason: '二组负责该客户账单',
    });
    expect(moved.ownerId).toBe(org.otherAgent.user.id);
    expect(moved.departmentId).toBe(org.teamB.id);
    expect((await org.agent.post(`/api/tickets/${ticket.id}/resolve`, { resolution: 'x' })).status).toBe(403);
    // A supervisor of the new owner's team may take it over.
    const taken = await ticketAction(org.otherSupervisor, ticket.id, 'take');
    expect(taken.ownerId).toBe(org.otherSupervisor.user.id);
    const history = await org.agent.get(`/api/tickets/${ticket.id}/ownership`);
    expect(history.body.map((h: any) => [h.kind, h.fromUserName, h.toUserName, h.reason])).toEqual([
      ['transfer', '张客服', '王客服', '二组负责该客户账单'],
      ['take', '王客服', '二组主管', null],
    ]);
    const messages = await org.agent.get(`/api/tickets/${ticket.id}/messages`);
    expect(
      messages.body
        .filter((m: any) => m.kind === 'system')
        .map((m: any) => m.body)
        .join('\n'),
    ).toContain('二组负责该客户账单');
    const notices = await t.ctx.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, org.otherAgent.user.id));
    expect(notices.some((n) => n.kind === 'ticket.transferred')).toBe(true);
  });
});

describe('lists, filters, search and paging', () => {
  let mine: any;
  beforeAll(async () => {
    mine = await openTicket(org.teammate, {
      customerId: otherCustomer.id,
      categoryId: cat.misdelivery,
      type: 'inquiry',
      subject: '冷链集装箱错发到宁波',
      customerWords: '我们的冷冻海鲜被错发，请尽快处理',
      shipmentRef: 'MSKU7788123',
    });
  });

  it('shows mine by default to agents, the team to supervisors, and filters', async () => {
    const agentList = await org.teammate.get('/api/tickets');
    expect(agentList.status).toBe(200);
    expect(agentList.body.items.every((i: any) => i.ownerId === org.teammate.user.id)).toBe(true);
    expect(agentList.body.items.map((i: any) => i.id)).toContain(mine.id);
    const team = await org.supervisor.get('/api/tickets');
    expect(team.body.items.every((i: any) => i.departmentId === org.teamA.id)).toBe(true);
    const otherTeam = await org.otherSupervisor.get('/api/tickets?view=team');
    expect(otherTeam.body.items.map((i: any) => i.id)).not.toContain(mine.id);
    const all = await org.operations.get(
      `/api/tickets?view=all&customerId=${otherCustomer.id}&type=inquiry&status=open,new`,
    );
    expect(all.body.items.map((i: any) => i.id)).toEqual([mine.id]);
    const byCategory = await org.agent.get(
      `/api/tickets?view=all&categoryId=${cat.misdelivery}&ownerId=${org.teammate.user.id}`,
    );
    expect(byCategory.body.items.map((i: any) => i.id)).toEqual([mine.id]);
    expect((await org.agent.get('/api/tickets?status=bogus')).status).toBe(400);
    expect((await org.agent.get('/api/tickets?sla=later')).status).toBe(400);
    expect((await portal.get('/api/tickets')).status).toBe(403);
  });

  it('finds tickets by Chinese words, shipment reference and number', async () => {
    const words = await org.agent.get(`/api/tickets?view=all&q=${encodeURIComponent('冷链')}`);
    expect(words.body.items.map((i: any) => i.id)).toEqual([mine.id]);
    const seafood = await org.agent.get(`/api/tickets?view=all&q=${encodeURIComponent('海鲜')}`);
    expect(seafood.body.items.map((i: any) => i.id)).toEqual([mine.id]);
    const ref = await org.agent.get('/api/tickets?view=all&q=MSKU7788123');
    expect(ref.body.items.map((i: any) => i.id)).toEqual([mine.id]);
    const number = await org.agent.get(`/api/tickets?view=all&q=${mine.number}`);
    expect(number.body.items.map((i: any) => i.id)).toEqual([mine.id]);
    const none = await org.agent.get(`/api/tickets?view=all&q=${encodeURIComponent('航空')}`);
    expect(none.body.items).toEqual([]);
  });

  it('walks every ticket once with keyset paging', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await org.manager.get(
        `/api/tickets?view=all&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: any) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const total = await t.ctx.db.select({ id: tickets.id }).from(tickets);
    expect(seen.length).toBe(total.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await org.manager.get('/api/tickets?cursor=garbage')).status).toBe(400);
    expect((await t.admin.get('/api/portal/tickets?cursor=%21%21%21')).status).toBe(400);
    expect((await t.admin.get('/api/tickets/repeats?cursor=%21%21%21')).status).toBe(400);
  });

  it('filters breaching soon and breached from the SLA columns', async () => {
    const soon = await openTicket(org.agent, {
      customerId: customer.id,
      categoryId: cat.information,
      subject: '快到期',
    });
    const late = await openTicket(org.agent, {
      customerId: customer.id,
      categoryId: cat.information,
      subject: '已超时',
    });
    const at = (m: number) => new Date(now.getTime() + m * 60_000);
    await t.ctx.db
      .update(tickets)
      .set({
        firstResponseWarnAt: at(-10),
        firstResponseDueAt: at(30),
        resolutionWarnAt: at(600),
        resolutionDueAt: at(900),
      })
      .where(eq(tickets.id, soon.id));
    await t.ctx.db
      .update(tickets)
      .set({
        firstResponseWarnAt: at(-60),
        firstResponseDueAt: at(-5),
        resolutionWarnAt: at(600),
        resolutionDueAt: at(900),
      })
      .where(eq(tickets.id, late.id));
    const breachingSoon = await org.agent.get('/api/tickets?sla=breaching_soon');
    expect(breachingSoon.body.items.map((i: any) => i.id)).toEqual([soon.id]);
    expect(breachingSoon.body.items[0].slaState).toBe('warning');
    const breached = await org.agent.get('/api/tickets?sla=breached');
    expect(breached.body.items.map((i: any) => i.id)).toEqual([late.id]);
    expect(breached.body.items[0].slaState).toBe('breached');
    // Put both on hold: the clocks stop, so neither list shows them (the late one stays breached).
    await ticketAction(org.agent, soon.id, 'wait', { reason: '等客户提供照片' });
    expect((await org.agent.get('/api/tickets?sla=breaching_soon')).body.items).toEqual([]);
  });
});

describe('conversation and the complaint card', () => {
  it('keeps internal notes from the customer; the first public reply is the first response', async () => {
    const ticket = await openTicket(org.agent, {
      customerId: customer.id,
      categoryId: cat.attitude,
      subject: '司机态度差',
    });
    expect(ticket.firstRespondedAt).toBeNull();
    const note = await org.operations.post(`/api/tickets/${ticket.id}/messages`, {
      kind: 'note',
      body: '司机是外包车队的，内部处理',
    });
    expect(note.status).toBe(201);
    expect(
      (await org.operations.post(`/api/tickets/${ticket.id}/messages`, { kind: 'reply', body: 'x' })).status,
    ).toBe(403);
    expect(
      (await org.agent.post(`/api/tickets/${ticket.id}/messages`, { kind: 'system', body: 'x' })).status,
    ).toBe(400);
    now = new Date(now.getTime() + 60_000);
    const reply = await org.agent.post(`/api/tickets/${ticket.id}/messages`, {
      kind: 'reply',
      body: '非常抱歉，我们已在核实。',
    });
    expect(reply.status).toBe(201);
    expect(reply.body.authorName).toBe('张客服');
    const after = await org.agent.get(`/api/tickets/${ticket.id}`);
    expect(after.body.firstRespondedAt).toBe(now.toISOString());
    const staff = await org.agent.get(`/api/tickets/${ticket.id}/messages`);
    expect(staff.body.map((m: any) => m.kind)).toEqual(expect.arrayContaining(['system', 'note', 'reply']));
    const customerView = await portal.get(`/api/portal/tickets/${ticket.id}`);
    expect(customerView.status).toBe(200);
    expect(customerView.body.messages.map((m: any) => m.body)).toEqual(['非常抱歉，我们已在核实。']);
    expect(JSON.stringify(customerView.body)).not.toContain('外包车队');
    expect((await portal.get(`/api/tickets/${ticket.id}/messages`)).status).toBe(404);
    expect((await portal.get(`/api/tickets/${ticket.id}`)).status).toBe(404);
  });

  it('updates the complaint card with If-Match: 428 without a version, 409 when stale; root cause stays internal', async () => {
    const ticket = await openTicket(org.agent, {
      customerId: customer.id,
      categoryId: cat.damage,
      subject: '货物破损',
    });
    const card = {
      rootCause: 'people',
      responsibleDepartmentId: org.airExport.id,
      responsiblePerson: '外包司机 王师傅',
      measures: '更换包装供应商',
      result: '赔付 800 元并重新发货',
      customerReaction: 'accepted',
      verification: '一周后回访确认包装改善',
    };
    expect((await org.agent.patch(`/api/tickets/${ticket.id}`, card)).status).toBe(428);
    expect(
      (
        await org.agent.patch(
          `/api/tickets/${ticket.id}`,
          { ...card, rootCause: 'weather' },
          { 'if-match': '"1"' },
        )
      ).status,
    ).toBe(400);
    const saved = await org.agent.patch(`/api/tickets/${ticket.id}`, card, {
      'if-match': `"${ticket.version}"`,
    });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('etag')).toBe(`"${saved.body.version}"`);
    expect(saved.body.rootCause).toBe('people');
    expect(saved.body.verifiedBy).toBe(org.agent.user.id);
    const stale = await org.supervisor.patch(
      `/api/tickets/${ticket.id}`,
      { measures: '别的' },
      { 'if-match': `"${ticket.version}"` },
    );
    expect(stale.status).toBe(409);
    expect(
      (
        await org.supervisor.patch(
          `/api/tickets/${ticket.id}`,
          { measures: '培训司机' },
          { 'if-match': `"${saved.body.version}"` },
        )
      ).status,
    ).toBe(200);
    const publicView = await portal.get(`/api/portal/tickets/${ticket.id}`);
    expect(publicView.body.result).toBe('赔付 800 元并重新发货');
    expect(publicView.body).not.toHaveProperty('rootCause');
    expect(publicView.body).not.toHaveProperty('measures');
    expect(JSON.stringify(publicView.body)).not.toContain('王师傅');
  });
});

describe('closure, follow-up visits and reopening', () => {
  it('needs the customer confirmation or a reason, records first-contact resolution and schedules the visits once', async () => {
    const ticket = await openTicket(org.agent, {
      customerId: customer.id,
      contactId: contact.id,
      categoryId: cat.loss,
      subject: '丢失一件',
    });
    expect((await org.agent.post(`/api/tickets/${ticket.id}/close`, {})).status).toBe(422);
    expect(
      (await org.agent.post(`/api/tickets/${ticket.id}/close`, { customerConfirmed: false, reason: ' ' }))
        .status,
    ).toBe(422);
    const resolved = await ticketAction(org.agent, ticket.id, 'resolve', {
      resolution: '找到货物，明天送达',
    });
    expect(resolved.status).toBe('resolved');
    expect((await org.agent.post(`/api/tickets/${ticket.id}/resolve`, { resolution: 'again' })).status).toBe(
      409,
    );
    const closed = await ticketAction(org.agent, ticket.id, 'close', { customerConfirmed: true });
    expect(closed.status).toBe('closed');
    expect(closed.customerConfirmed).toBe(true);
    expect(closed.resolvedAtFirstContact).toBe(true);
    const tasks = await t.ctx.db.select().from(followUps).where(eq(followUps.customerId, customer.id));
    const mineTasks = tasks.filter((task) => task.sourceKey?.startsWith(`ticket:${ticket.id}:`));
    expect(mineTasks.map((task) => [task.kind, task.assigneeId]).sort()).toEqual([
      ['post_complaint', org.agent.user.id],
      ['second_visit', org.agent.user.id],
    ]);
    const visit = mineTasks.find((task) => task.kind === 'post_complaint')!;
    expect(visit.dueAt.getTime()).toBe(now.getTime() + 3 * DAY);
    // Reopen and close again: no duplicate tasks; first contact is now false.
    const reopened = await ticketAction(org.agent, ticket.id, 'reopen', { reason: '客户说还没收到' });
    expect(reopened.status).toBe('open');
    expect(reopened.reopenCount).toBe(1);
    const again = await ticketAction(org.agent, ticket.id, 'close', { reason: '客户电话确认已收到' });
    expect(again.customerConfirmed).toBe(false);
    expect(again.resolvedAtFirstContact).toBe(false);
    const after = await t.ctx.db.select().from(followUps).where(eq(followUps.customerId, customer.id));
    expect(after.filter((task) => task.sourceKey?.startsWith(`ticket:${ticket.id}:`))).toHaveLength(2);
    const kinds = (
      await t.ctx.db.select().from(timelineEntries).where(eq(timelineEntries.refId, ticket.id))
    ).map((e) => e.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['ticket.created', 'ticket.resolved', 'ticket.closed', 'ticket.reopened']),
    );
  });

  it('schedules only the 回访 for an inquiry, and a transfer means no first-contact resolution', async () => {
    const ticket = await openTicket(org.agent, {
      customerId: customer.id,
      categoryId: cat.other,
      type: 'inquiry',
      subject: '询价',
    });
    await ticketAction(org.agent, ticket.id, 'transfer', {
      toUserId: org.teammate.user.id,
      reason: '李负责报价',
    });
    const closed = await ticketAction(org.teammate, ticket.id, 'close', { reason: '已电话答复报价' });
    expect(closed.resolvedAtFirstContact).toBe(false);
    const tasks = (await t.ctx.db.select().from(followUps)).filter((task) =>
      task.sourceKey?.startsWith(`ticket:${ticket.id}:`),
    );
    expect(tasks.map((task) => [task.kind, task.assigneeId])).toEqual([
      ['post_complaint', org.teammate.user.id],
    ]);
  });

  it('reopens only within the window', async () => {
    const ticket = await openTicket(org.agent, {
      customerId: customer.id,
      categoryId: cat.other,
      subject: '窗口期',
    });
    await ticketAction(org.agent, ticket.id, 'close', { reason: '客户不再需要' });
    // Closed 15 days ago: outside the 14-day window. (Moving the clock would expire the sessions.)
    await t.ctx.db
      .update(tickets)
      .set({ closedAt: new Date(now.getTime() - 15 * DAY) })
      .where(eq(tickets.id, ticket.id));
    const late = await org.agent.post(`/api/tickets/${ticket.id}/reopen`, { reason: '又出问题' });
    expect(late.status).toBe(409);
    expect(late.body.detail).toContain('14 days');
    await t.ctx.db
      .update(tickets)
      .set({ closedAt: new Date(now.getTime() - 13 * DAY) })
      .where(eq(tickets.id, ticket.id));
    const inTime = await org.agent.post(`/api/tickets/${ticket.id}/reopen`, { reason: '又出问题' });
    expect(inTime.status).toBe(200);
    expect(inTime.body.reopenCount).toBe(1);
    expect((await org.agent.post(`/api/tickets/${ticket.id}/reopen`, { reason: 'x' })).status).toBe(409);
  });
});

describe('automatic escalation after reopenings', () => {
  it('hands the ticket up (换人) when the reopen count reaches tickets.autoEscalateAfterReopens', async () => {
    const ticket = await openTicket(org.agent, {
      customerId: customer.id,
      categoryId: cat.delay,
      subject: '反复延误',
    });
    await ticketAction(org.agent, ticket.id, 'resolve', { resolution: '已加急' });
    const once = await ticketAction(org.agent, ticket.id, 'reopen', { reason: '仍未到' });
    expect(once.escalationLevel).toBe(0);
    expect(once.ownerId).toBe(org.agent.user.id);
    await ticketAction(org.agent, ticket.id, 'resolve', { resolution: '再次加急' });
    const twice = await ticketAction(org.agent, ticket.id, 'reopen', { reason: '还是没到' });
    expect(twice.reopenCount).toBe(2);
    expect(twice.escalationLevel).toBe(1);
    expect(twice.ownerId).not.toBe(org.agent.user.id);
    const history = await org.agent.get(`/api/tickets/${ticket.id}/ownership`);
    expect(history.body.map((h: any) => h.kind)).toEqual(['escalation']);
    expect(history.body[0].byUserId).toBeNull();
  });
});

describe('repeat detection', () => {
  it('flags the same category again for the same customer or lane, tells the head, lists for supervisors', async () => {
    const repeatCustomer = await createCustomer(t, { ownerId: org.agent.user.id, teamId: org.teamA.id });
    const first = await openTicket(org.agent, {
      customerId: repeatCustomer.id,
      categoryId: cat.delay,
      subject: '第一次延误',
    });
    expect(first.repeatOfTicketId).toBeNull();
    const other = await openTicket(org.agent, {
      customerId: repeatCustomer.id,
      categoryId: cat.damage,
      subject: '不同类别',
    });
    expect(other.repeatOfTicketId).toBeNull();
    const second = await openTicket(org.agent, {
      customerId: repeatCustomer.id,
      categoryId: cat.delay,
      subject: '又延误了',
    });
    expect(second.repeatOfTicketId).toBe(first.id);
    expect(second.repeatOfNumber).toBe(first.number);
    // The same lane for another customer is a repeat too.
    const laneA = await openTicket(org.agent, {
      customerId: repeatCustomer.id,
      categoryId: cat.loss,
      lane: 'CNNGB-USLAX',
      subject: '线路一',
    });
    const laneB = await openTicket(org.teammate, {
      customerId: otherCustomer.id,
      categoryId: cat.loss,
      lane: 'cnngb-uslax',
      subject: '线路二',
    });
    expect(laneA.repeatOfTicketId).toBeNull();
    expect(laneB.repeatOfTicketId).toBe(laneA.id);
    const head = await t.ctx.db
      .select()
      .from(notifications)
      .where(eq(notifications.userId, org.supervisor.user.id));
    expect(head.filter((n) => n.kind === 'ticket.repeat').map((n) => n.refId)).toEqual(
      expect.arrayContaining([second.id, laneB.id]),
    );
    const messages = await org.agent.get(`/api/tickets/${second.id}/messages`);
    expect(messages.body.some((m: any) => m.kind === 'system' && m.body.includes(first.number))).toBe(true);
    const list = await org.supervisor.get('/api/tickets/repeats');
    expect(list.body.items.map((i: any) => i.id)).toEqual(expect.arrayContaining([second.id, laneB.id]));
    expect((await org.agent.get('/api/tickets/repeats')).status).toBe(403);
    const flagged = await org.agent.get(`/api/tickets?view=all&repeat=true&customerId=${repeatCustomer.id}`);
    expect(flagged.body.items.map((i: any) => i.id)).toEqual([second.id]);
    // Outside the window it is not a repeat: move the earlier tickets 31 days back.
    await t.ctx.db
      .update(tickets)
      .set({ receivedAt: new Date(now.getTime() - 31 * DAY) })
      .where(eq(tickets.customerId, repeatCustomer.id));
    const later = await openTicket(org.agent, {
      customerId: repeatCustomer.id,
      categoryId: cat.delay,
      subject: '很久以后',
    });
    expect(later.repeatOfTicketId).toBeNull();
  });
});

describe('portal', () => {
  it('files a request for the own company only, waits as new, notifies the account owner, and an agent takes it', async () => {
    const filed = await portal.post('/api/portal/tickets', {
      type: 'complaint',
      categoryId: cat.damage,
      subject: '纸箱破损',
      customerWords: '收到的货物外箱破损严重',
      shipmentRef: 'SHA2503999',
    });
    expect(filed.status).toBe(201);
    expect(filed.body.status).toBe('new');
    expect(filed.body.ownerName).toBeNull();
    expect(filed.body).not.toHaveProperty('customerId');
    const notice = await t.ctx.db.select().from(notifications).where(eq(notifications.refId, filed.body.id));
    expect(notice.map((n) => [n.userId, n.kind])).toContainEqual([org.agent.user.id, 'ticket.portal_filed']);
    expect(
      (
        await portal.post('/api/portal/tickets', {
          type: 'claim',
          categoryId: cat.damage,
          subject: 'x',
          customerWords: 'y',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await portal.post('/api/portal/tickets', {
          type: 'inquiry',
          categoryId: cat.damage,
          subject: 'x',
          customerWords: 'y',
          customerId: otherCustomer.id,
        })
      ).status,
    ).toBe(400);
    // Another company's portal user sees nothing of it.
    expect((await otherPortal.get(`/api/portal/tickets/${filed.body.id}`)).status).toBe(404);
    expect(
      (await otherPortal.post(`/api/portal/tickets/${filed.body.id}/messages`, { body: 'hi' })).status,
    ).toBe(404);
    expect(
      (await otherPortal.post(`/api/portal/tickets/${filed.body.id}/confirm`, { accepted: true })).status,
    ).toBe(404);
    expect((await otherPortal.get('/api/portal/tickets')).body.items.map((i: any) => i.id)).not.toContain(
      filed.body.id,
    );
    expect((await org.agent.get('/api/portal/tickets')).status).toBe(404);
    // Staff cannot reply before taking it; an agent takes it.
    expect(
      (await org.agent.post(`/api/tickets/${filed.body.id}/messages`, { kind: 'reply', body: 'x' })).status,
    ).toBe(403);
    const taken = await ticketAction(org.teammate, filed.body.id, 'take');
    expect(taken.status).toBe('open');
    expect(taken.ownerId).toBe(org.teammate.user.id);
    expect(taken.departmentId).toBe(org.teamA.id);
    expect((await org.agent.post(`/api/tickets/${filed.body.id}/take`)).status).toBe(403);
    // Wait on the customer; the customer's message resumes the work.
    await ticketAction(org.teammate, filed.body.id, 'wait', { reason: '请客户提供破损照片' });
    const answered = await portal.post(`/api/portal/tickets/${filed.body.id}/messages`, {
      body: '照片已发邮件',
    });
    expect(answered.status).toBe(200);
    expect(answered.body.status).toBe('open');
    // Propose a resolution; the customer rejects it, then accepts the next one.
    await ticketAction(org.teammate, filed.body.id, 'resolve', { resolution: '赔付 500 元' });
    const rejected = await portal.post(`/api/portal/tickets/${filed.body.id}/confirm`, {
      accepted: false,
      comment: '金额太少',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('open');
    expect(rejected.body.messages.map((m: any) => m.body)).toContain('金额太少');
    const staffView = await org.teammate.get(`/api/tickets/${filed.body.id}`);
    expect(staffView.body.reopenCount).toBe(0);
    expect(
      (await portal.post(`/api/portal/tickets/${filed.body.id}/confirm`, { accepted: true })).status,
    ).toBe(409);
    await ticketAction(org.teammate, filed.body.id, 'resolve', { resolution: '赔付 800 元' });
    const accepted = await portal.post(`/api/portal/tickets/${filed.body.id}/confirm`, { accepted: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('closed');
    expect(accepted.body.customerConfirmed).toBe(true);
    const tasks = (await t.ctx.db.select().from(followUps)).filter((task) =>
      task.sourceKey?.startsWith(`ticket:${filed.body.id}:`),
    );
    expect(tasks.map((task) => task.assigneeId)).toEqual([org.teammate.user.id, org.teammate.user.id]);
    // Only public messages in the portal, and the ticket timeline kinds are visible there.
    expect(accepted.body.messages.every((m: any) => m.kind === 'reply' || m.kind === 'customer')).toBe(true);
    const timeline = await portal.get(`/api/customers/${customer.id}/timeline`);
    expect(timeline.status).toBe(200);
    expect(
      timeline.body.items.some((e: any) => e.kind === 'ticket.closed' && e.refId === filed.body.id),
    ).toBe(true);
  });

  it('lists the own company requests and lets only one of two racing agents take a new one', async () => {
    const filed = await portal.post('/api/portal/tickets', {
      type: 'inquiry',
      categoryId: cat.information,
      subject: '查询到港时间',
      customerWords: '请问 MSKU1234567 什么时候到港？',
    });
    expect(filed.status).toBe(201);
    const own = await portal.get('/api/portal/tickets?status=new');
    expect(own.body.items.map((i: any) => i.id)).toContain(filed.body.id);
    expect(own.body.items.every((i: any) => i.status === 'new')).toBe(true);
    const [a, b] = await Promise.all([
      org.agent.post(`/api/tickets/${filed.body.id}/take`),
      org.teammate.post(`/api/tickets/${filed.body.id}/take`),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    const history = await org.agent.get(`/api/tickets/${filed.body.id}/ownership`);
    expect(history.body).toHaveLength(1);
    expect(history.body[0].fromUserId).toBeNull();
  });

  it('refuses portal filing on an archived file', async () => {
    const archivedCustomer = await createCustomer(t, { ownerId: org.agent.user.id });
    const user = await portalUser(t, archivedCustomer.id);
    await setCustomer(t, archivedCustomer.id, { archivedAt: new Date() });
    const response = await user.post('/api/portal/tickets', {
      type: 'inquiry',
      categoryId: cat.other,
      subject: 'x',
      customerWords: 'y',
    });
    expect(response.status).toBe(409);
  });
});

describe('categories', () => {
  it('lists active categories to everyone, and only admins change them', async () => {
    const list = await org.agent.get('/api/ticket-categories');
    expect(list.status).toBe(200);
    expect(list.body.map((c: any) => c.code)).toEqual(expect.arrayContaining(['delay', 'damage', 'loss']));
    expect(list.body.every((c: any) => c.active)).toBe(true);
    const all = await t.admin.get('/api/ticket-categories?all=true');
    expect(all.body.some((c: any) => !c.active)).toBe(true);
    expect(
      (await org.supervisor.post('/api/ticket-categories', { code: 'customs', name: '清关' })).status,
    ).toBe(403);
    const created = await t.admin.post('/api/ticket-categories', {
      code: 'customs',
      name: '清关',
      nameEn: 'Customs',
    });
    expect(created.status).toBe(201);
    expect((await t.admin.post('/api/ticket-categories', { code: 'customs', name: '重复' })).status).toBe(
      409,
    );
    expect((await t.admin.post('/api/ticket-categories', { code: 'Bad Code', name: 'x' })).status).toBe(400);
    const renamed = await t.admin.patch(
      `/api/ticket-categories/${created.body.id}`,
      { name: '清关问题' },
      { 'if-match': '"1"' },
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.version).toBe(2);
    expect(
      (await t.admin.patch(`/api/ticket-categories/${created.body.id}`, { name: 'x' }, { 'if-match': '"1"' }))
        .status,
    ).toBe(409);
  });
});
