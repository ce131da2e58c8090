import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContact, createCustomer, createOrganisation, portalUser } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { categoryId, insertTicket } from '../support/knowledge-factories.ts';

describe('response templates and knowledge base', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof createOrganisation>>;
  let agent: Client;
  let damage: string;
  let billing: string;
  let ticketId: string;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp({ now: () => new Date('2026-11-22T17:30:00Z') });
    org = await createOrganisation(t);
    agent = org.agent;
    damage = await categoryId(t, 'damage');
    billing = await categoryId(t, 'billing');
    const customer = await createCustomer(t, { ownerId: agent.user.id, name: '上海远洋物流有限公司' });
    customerId = customer.id;
    const contact = await createContact(t, { customerId, name: '张伟' });
    const ticket = await insertTicket(t, {
      customerId,
      contactId: contact.id,
      categoryId: damage,
      number: 'T2611-000042',
      subject: '到仓货物外箱破损',
      customerWords: '今天收到的两托货物外箱压坏了，纸箱破损严重，要求赔偿',
      ownerId: agent.user.id,
    });
    ticketId = ticket.id;
  });
  afterAll(() => t.close());

  describe('templates', () => {
    let templateId: string;

    it('admins create a template; unknown placeholders are refused with 422 naming them', async () => {
      const bad = await t.admin.post('/api/response-templates', {
        kind: 'apology',
        title: '破损致歉',
        body: '{{customer.nmae}}您好，{{order.id}}的货物…{{today}}',
        categoryId: damage,
      });
      expect(bad.status).toBe(422);
      const message = bad.body.errors.find((e: any) => e.field === 'body').message;
      expect(message).toContain('{{customer.nmae}}');
      expect(message).toContain('{{order.id}}');
      expect(message).not.toContain('{{today}},');

      const created = await t.admin.post('/api/response-templates', {
        kind: 'apology',
        title: '破损致歉',
        body: '尊敬的{{customer.name}}{{contact.name}}先生/女士：关于工单{{ticket.number}}（{{ticket.category}}：{{ticket.subject}}），我们深表歉意。客服{{agent.name}}，{{today}}',
        categoryId: damage,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ categoryName: '破损', usageCount: 0, active: true, version: 1 });
      templateId = created.body.id;
    });

    it('only admins write templates; staff read; portal users are refused', async () => {
      const body = { kind: 'closing', title: '结案', body: '谢谢' };
      expect((await agent.post('/api/response-templates', body)).status).toBe(403);
      expect((await org.manager.post('/api/response-templates', body)).status).toBe(403);
      const list = await agent.get(`/api/response-templates?categoryId=${damage}&kind=apology`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: any) => i.id)).toEqual([templateId]);
      expect((await agent.get(`/api/response-templates?categoryId=${billing}`)).body.items).toEqual([]);
      const portal = await portalUser(t, customerId);
      expect((await portal.get('/api/response-templates')).status).toBe(403);
      expect((await portal.post(`/api/response-templates/${templateId}/render`, { ticketId })).status).toBe(
        403,
      );
    });

    it('renders from the ticket with the display-zone date and counts the use', async () => {
      const rendered = await agent.post(`/api/response-templates/${templateId}/render`, { ticketId });
      expect(rendered.status).toBe(200);
      expect(rendered.body.text).toBe(
        '尊敬的上海远洋物流有限公司张伟先生/女士：关于工单T2611-000042（破损：到仓货物外箱破损），我们深表歉意。客服张客服，2026年11月23日',
      );
      const after = await agent.get(`/api/response-templates/${templateId}`);
      expect(after.body.usageCount).toBe(1);
      const missing = await agent.post(`/api/response-templates/${templateId}/render`, {
        ticketId: '00000000-0000-4000-8000-000000000000',
      });
      expect(missing.status).toBe(404);
    });

    it('updates need the version; a stale one is 409 and placeholders are checked again', async () => {
      const noVersion = await t.admin.patch(`/api/response-templates/${templateId}`, { title: '新标题' });
      expect(noVersion.status).toBe(428);
      const typo = await t.admin.patch(`/api/response-templates/${templateId}`, {
        body: '{{ticket.numbr}}',
        version: 1,
      });
      expect(typo.status).toBe(422);
      const ok = await t.admin.patch(`/api/response-templates/${templateId}`, { active: false, version: 1 });
      expect(ok.status).toBe(200);
      expect(ok.body.version).toBe(2);
      const stale = await t.admin.patch(`/api/response-templates/${templateId}`, {
        active: true,
        version: 1,
      });
      expect(stale.status).toBe(409);
      expect((await agent.get('/api/response-templates?active=true')).body.items).toEqual([]);
    });

    it('lists the placeholders for the admin page', async () => {
      const list = await agent.get('/api/response-templates/placeholders');
      expect(list.body.map((p: any) => p.name)).toContain('ticket.number');
    });
  });

  describe('articles', () => {
    const ids: Record<string, string> = {};

    it('admins and managers write, agents do not', async () => {
      const articles = [
        {
          key: 'claims',
          topic: 'claims',
          question: '货物破损后如何申请理赔？',
          answer: '请在收货后三日内提供破损照片、签收单和货值证明，我们在五个工作日内给出理赔方案。',
          tags: ['理赔', '破损'],
          categoryId: damage,
        },
        {
          key: 'price',
          topic: 'price',
          question: '海运拼箱运费怎么计算？',
          answer: '拼箱按体积和重量取大者计费，另加起运港和目的港的杂费。',
          tags: ['运费', '拼箱'],
        },
        {
          key: 'competitor',
          topic: 'competitor',
          question: '为什么我们的空运价格比同行高？',
          answer: '我们的报价包含全程保险和破损先行赔付，同行报价常不含这些费用。',
          tags: ['价格', '同行'],
        },
      ];
      for (const { key, ...body } of articles) {
        const client = key === 'price' ? org.manager : t.admin;
        const response = await client.post('/api/knowledge-articles', body);
        expect(response.status).toBe(201);
        ids[key] = response.body.id;
      }
      expect(
        (await agent.post('/api/knowledge-articles', { topic: 'other', question: '问', answer: '答' }))
          .status,
      ).toBe(403);
      const portal = await portalUser(t, customerId);
      expect((await portal.get('/api/knowledge-articles')).status).toBe(403);
    });

    it('finds articles by Chinese words, question matches ranked above answer matches', async () => {
      const price = await agent.get(`/api/knowledge-articles?q=${encodeURIComponent('运费')}`);
      expect(price.status).toBe(200);
      expect(price.body.items.map((a: any) => a.id)).toEqual([ids.price]);
      // 破损 is in the claims question and only in the competitor answer.
      const damaged = await agent.get(`/api/knowledge-articles?q=${encodeURIComponent('破损')}`);
      expect(damaged.body.items.map((a: any) => a.id)).toEqual([ids.claims, ids.competitor]);
      expect(damaged.body.items[0].rank).toBeGreaterThan(damaged.body.items[1].rank);
      const topic = await agent.get('/api/knowledge-articles?topic=price');
      expect(topic.body.items.map((a: any) => a.id)).toEqual([ids.price]);
      const nothing = await agent.get(`/api/knowledge-articles?q=${encodeURIComponent('冷链')}`);
      expect(nothing.body.items).toEqual([]);
    });

    it('an edited question is searched by its new words', async () => {
      const before = await agent.get(`/api/knowledge-articles/${ids.price}`);
      const edited = await org.manager.patch(
        `/api/knowledge-articles/${ids.price}`,
        { question: '整柜报价包含哪些费用？' },
        { 'if-match': `"${before.body.version}"` },
      );
      expect(edited.status).toBe(200);
      expect(
        (await agent.get(`/api/knowledge-articles?q=${encodeURIComponent('整柜')}`)).body.items,
      ).toHaveLength(1);
      expect(
        (await agent.get(`/api/knowledge-articles?q=${encodeURIComponent('拼箱 运费')}`)).body.items.map(
          (a: any) => a.id,
        ),
      ).toEqual([ids.price]);
    });

    it('suggests articles from the ticket text and the category templates first', async () => {
      const generic = await t.admin.post('/api/response-templates', {
        kind: 'acknowledgement',
        title: '已受理',
        body: '您好，工单{{ticket.number}}已受理。',
      });
      const ofDamage = await t.admin.post('/api/response-templates', {
        kind: 'explanation',
        title: '破损说明',
        body: '破损原因正在调查。',
        categoryId: damage,
      });
      await t.admin.post('/api/response-templates', {
        kind: 'explanation',
        title: '费用说明',
        body: '费用明细如下。',
        categoryId: billing,
      });
      const suggestions = await agent.get(`/api/tickets/${ticketId}/suggestions`);
      expect(suggestions.status).toBe(200);
      expect(suggestions.body.articles[0].id).toBe(ids.claims);
      expect(suggestions.body.articles.map((a: any) => a.id)).not.toContain(ids.price);
      // The inactive damage apology is left out; category templates before generic ones.
      expect(suggestions.body.templates.map((x: any) => x.id)).toEqual([ofDamage.body.id, generic.body.id]);
      const portal = await portalUser(t, customerId);
      expect((await portal.get(`/api/tickets/${ticketId}/suggestions`)).status).toBe(403);
    });

    it('counts uses, with or without a ticket', async () => {
      expect((await agent.post(`/api/knowledge-articles/${ids.claims}/use`, { ticketId })).body).toEqual({
        usageCount: 1,
      });
      expect((await agent.post(`/api/knowledge-articles/${ids.claims}/use`, {})).body).toEqual({
        usageCount: 2,
      });
      const bad = await agent.post(`/api/knowledge-articles/${ids.claims}/use`, {
        ticketId: '00000000-0000-4000-8000-000000000000',
      });
      expect(bad.status).toBe(404);
    });

    it('deletes with an optional version check', async () => {
      expect((await agent.delete(`/api/knowledge-articles/${ids.competitor}`)).status).toBe(403);
      expect(
        (await t.admin.delete(`/api/knowledge-articles/${ids.competitor}`, { 'if-match': '"7"' })).status,
      ).toBe(409);
      expect((await t.admin.delete(`/api/knowledge-articles/${ids.competitor}`)).status).toBe(204);
      expect((await agent.get(`/api/knowledge-articles/${ids.competitor}`)).status).toBe(404);
    });
  });
});
