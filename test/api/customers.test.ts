import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BulkCustomer, insertCustomersBulk } from '../../src/modules/customers/bulk.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type Org, companyName, createCustomer, setupOrg, taxId } from './customers-fixtures.ts';

let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await startTestApp();
  org = await setupOrg(t);
});
afterAll(async () => {
  await t?.close();
});

async function auditOf(entityId: string) {
  const response = await t.admin.get(`/api/audit?entityId=${entityId}&limit=50`);
  expect(response.status).toBe(200);
  return response.body.items as any[];
}

async function timelineOf(customerId: string) {
  const response = await t.admin.get(`/api/customers/${customerId}/timeline`);
  expect(response.status).toBe(200);
  return response.body.items as any[];
}

function expectProblem(response: { status: number; body: any; headers: Headers }, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status, title: expect.any(String) });
}

describe('opening a customer file', () => {
  it('makes the agent who creates it the owner, in their team, with audit and timeline', async () => {
    const name = companyName();
    const response = await org.agentA.post('/api/customers', { name, confirmDuplicate: true });
    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.body).toMatchObject({
      name,
      kind: 'company',
      stage: 'prospect',
      ownerId: org.agentA.user.id,
      ownerName: '王芳',
      teamId: org.teamA,
      version: 1,
      createdBy: org.agentA.user.id,
    });
    expect(response.body).not.toHaveProperty('searchVector');
    expect(response.body).not.toHaveProperty('searchPhones');
    const audit = await auditOf(response.body.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'create', entityType: 'customer', actorId: org.agentA.user.id });
    expect(audit[0].after.name).toBe(name);
    const timeline = await timelineOf(response.body.id);
    expect(timeline.map((e) => e.kind)).toEqual(['customer.created']);
  });

  it('stores the whole profile: requirements, lanes, classification, bonds, tags', async () => {
    const body = {
      name: companyName(),
      shortName: '  华鑫  ',
      kind: 'company',
      taxId: '9144 0300 7152 6726 xg',
      industry: '电子电器',
      phone: '021-5099 8877 转 801',
      email: 'Info@Example.CN',
      website: 'https://example.cn',
      addresses: [{ kind: 'office', text: '上海市浦东新区张江路 88 号', postcode: '201203' }],
      source: '展会',
      departmentIds: [org.seaExport, org.airExport, org.seaExport],
      stage: 'active',
      valueClass: 'A',
      needType: 'service',
      bonds: ['social', 'structural'],
      competitors: ['德迅', '德迅', ' 中外运 '],
      tags: ['重点客户', '  ', '电商'],
      requirements: {
        serviceModes: ['sea', 'air'],
        lanes: [
          { origin: 'cnsha', destination: 'USLAX', mode: 'sea' },
          { origin: 'CNPVG', destination: 'DEFRA', mode: 'air' },
        ],
        cargoTypes: ['电子产品'],
        monthlyShipments: 40,
        monthlyTeu: 65,
        monthlyKg: 12000,
        monthlyCbm: null,
        frequency: 'weekly',
        specialHandling: ['battery', 'high_value'],
        notes: '锂电池需提供 UN38.3 报告',
      },
      notes: '年底旺季舱位紧张',
      confirmDuplicate: true,
    };
    const response = await org.agentA.post('/api/customers', body);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      shortName: '华鑫',
      taxId: '9144030071526726XG',
      email: 'info@example.cn',
      departmentIds: [org.seaExport, org.airExport],
      competitors: ['德迅', '中外运'],
      tags: ['重点客户', '电商'],
      bonds: ['social', 'structural'],
      stage: 'active',
      valueClass: 'A',
      needType: 'service',
    });
    expect(response.body.requirements.lanes[0]).toEqual({
      origin: 'CNSHA',
      destination: 'USLAX',
      mode: 'sea',
    });
    expect(response.body.requirements.specialHandling).toEqual(['battery', 'high_value']);
    const read = await org.agentB.get(`/api/customers/${response.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
  });

  it('lets a supervisor choose an owner in the team, and an admin anyone who can own customers', async () => {
    const mine = await createCustomer(org.supervisorA, { ownerId: org.agentA2.user.id });
    expect(mine).toMatchObject({ ownerId: org.agentA2.user.id, teamId: org.teamA });
    const outside = await org.supervisorA.post('/api/customers', {
      name: companyName(),
      ownerId: org.agentB.user.id,
      confirmDuplicate: true,
    });
    expectProblem(outside, 422);
    expect(outside.body.errors[0]).toMatchObject({
      field: 'ownerId',
      message: expect.stringContaining('team'),
    });
    const admin = await createCustomer(t.admin, { ownerId: org.agentB.user.id });
    expect(admin).toMatchObject({ ownerId: org.agentB.user.id, teamId: org.teamB, ownerName: '赵敏' });
    const managerOwner = await t.admin.post('/api/customers', {
      name: companyName(),
      ownerId: org.manager.user.id,
      confirmDuplicate: true,
    });
    expectProblem(managerOwner, 422);
    expect(managerOwner.body.errors[0].field).toBe('ownerId');
  });

  it('refuses an agent who names someone else as the owner', async () => {
    const response = await org.agentA.post('/api/customers', {
      name: companyName(),
      ownerId: org.agentA2.user.id,
      confirmDuplicate: true,
    });
    expectProblem(response, 403);
  });

  it('refuses roles that do not open customer files', async () => {
    for (const client of [org.manager, org.operations]) {
      expectProblem(
        await client.post('/api/customers', { name: companyName(), confirmDuplicate: true }),
        403,
      );
    }
  });

  it('validates the unified social credit code with its check character', async () => {
    const wrongCheck = await org.agentA.post('/api/customers', {
      name: companyName(),
      taxId: '9144030071526726XH',
      confirmDuplicate: true,
    });
    expectProblem(wrongCheck, 422);
    expect(wrongCheck.body.errors).toEqual([
      expect.objectContaining({ field: 'taxId', message: expect.stringContaining('check character') }),
    ]);
    const tooShort = await org.agentA.post('/api/customers', {
      name: companyName(),
      taxId: '91440300',
      confirmDuplicate: true,
    });
    expect(tooShort.body.errors[0]).toMatchObject({ field: 'taxId', message: expect.stringContaining('18') });
  });

  it('requires a reason for a churned customer and checks departments and dates', async () => {
    const churned = await org.agentA.post('/api/customers', {
      name: companyName(),
      stage: 'churned',
      confirmDuplicate: true,
    });
    expectProblem(churned, 422);
    expect(churned.body.errors[0].field).toBe('churnReason');
    const department = await org.agentA.post('/api/customers', {
      name: companyName(),
      departmentIds: ['01900000-0000-7000-8000-000000000000'],
      verifiedAt: '2999-01-01T00:00:00Z',
      confirmDuplicate: true,
    });
    expectProblem(department, 422);
    expect(department.body.errors.map((e: any) => e.field).sort()).toEqual(['departmentIds.0', 'verifiedAt']);
  });
});

describe('changing a customer file', () => {
  it('updates with the row version, patches the requirements key by key and records before/after', async () => {
    const customer = await createCustomer(org.agentA, {
      requirements: { serviceModes: ['sea'], lanes: [{ origin: 'CNNGB', destination: 'NLRTM' }] },
    });
    const response = await org.agentA.patch(`/api/customers/${customer.id}`, {
      version: 1,
      industry: '家具',
      requirements: { cargoTypes: ['板式家具'] },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"2"');
    expect(response.body).toMatchObject({ version: 2, industry: '家具' });
    expect(response.body.requirements).toEqual({
      serviceModes: ['sea'],
      lanes: [{ origin: 'CNNGB', destination: 'NLRTM' }],
      cargoTypes: ['板式家具'],
    });
    const audit = await auditOf(customer.id);
    const update = audit.find((a) => a.action === 'update');
    expect(update.before).toMatchObject({ industry: null, version: 1 });
    expect(update.after).toMatchObject({ industry: '家具', version: 2 });
  });

  it('accepts If-Match, answers 428 without a version, 409 on a stale one and 412 on a malformed one', async () => {
    const customer = await createCustomer(org.agentA);
    const path = `/api/customers/${customer.id}`;
    expectProblem(await org.agentA.patch(path, { industry: '玩具' }), 428);
    const ok = await org.agentA.patch(path, { industry: '玩具' }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    const stale = await org.agentA.patch(path, { industry: '灯具', version: 1 });
    expectProblem(stale, 409);
    expect(stale.body.current).toMatchObject({ industry: '玩具', version: 2 });
    expectProblem(await org.agentA.patch(path, { industry: '灯具' }, { 'if-match': 'yesterday' }), 412);
    expect((await org.agentA.get(path)).body).toMatchObject({ industry: '玩具', version: 2 });
  });

  it('puts stage changes on the timeline, requires a churn reason and clears it on a win-back', async () => {
    const customer = await createCustomer(org.agentA, { stage: 'active' });
    const path = `/api/customers/${customer.id}`;
    const noReason = await org.agentA.patch(path, { version: 1, stage: 'churned' });
    expectProblem(noReason, 422);
    expect(noReason.body.errors[0].field).toBe('churnReason');
    const churned = await org.agentA.patch(path, {
      version: 1,
      stage: 'churned',
      churnReason: '价格原因转向竞争对手',
    });
    expect(churned.body).toMatchObject({ stage: 'churned', churnReason: '价格原因转向竞争对手' });
    const back = await org.agentA.patch(path, { version: 2, stage: 'retained' });
    expect(back.body).toMatchObject({ stage: 'retained', churnReason: null });
    const stages = (await timelineOf(customer.id)).filter((e) => e.kind === 'customer.stage_changed');
    expect(stages.map((e) => e.detail)).toEqual([
      expect.objectContaining({ from: 'churned', to: 'retained' }),
      expect.objectContaining({ from: 'active', to: 'churned', churnReason: '价格原因转向竞争对手' }),
    ]);
  });

  it('changes the owner only through a transfer', async () => {
    const customer = await createCustomer(org.agentA);
    const response = await org.supervisorA.patch(`/api/customers/${customer.id}`, {
      version: 1,
      ownerId: org.agentA2.user.id,
    });
    expectProblem(response, 400);
    expect(response.body.errors[0]).toMatchObject({ field: 'ownerId', message: 'unknown field "ownerId"' });
  });
});

describe('bad input never damages stored data', () => {
  it('answers wrong types, missing and unknown fields, oversized strings and malformed JSON with 400', async () => {
    const customer = await createCustomer(org.agentA, { industry: '纺织' });
    const path = `/api/customers/${customer.id}`;
    const cases: [string, unknown][] = [
      ['wrong type', { version: 1, name: 123 }],
      ['wrong nested type', { version: 1, requirements: { monthlyTeu: 'many' } }],
      ['unknown field', { version: 1, industry: '五金', colour: 'red' }],
      ['unknown nested field', { version: 1, addresses: [{ kind: 'office', text: 'x', floor: 3 }] }],
      ['oversized', { version: 1, name: '大'.repeat(201) }],
      ['oversized notes', { version: 1, notes: 'x'.repeat(5001) }],
      ['empty name', { version: 1, name: '' }],
      ['bad enum', { version: 1, stage: 'friendly' }],
      ['bad lane', { version: 1, requirements: { lanes: [{ origin: 'Shanghai', destination: 'USLAX' }] } }],
      ['bad email', { version: 1, email: 'not-an-email' }],
      ['bad phone', { version: 1, phone: 'call me maybe' }],
      ['too many tags', { version: 1, tags: Array.from({ length: 31 }, (_, i) => `t${i}`) }],
      ['negative volume', { version: 1, requirements: { monthlyShipments: -1 } }],
      ['not an object', [1, 2, 3]],
    ];
    for (const [label, body] of cases) {
      const response = await org.agentA.patch(path, body);
      expect(response.status, label).toBe(400);
      expect(response.headers.get('content-type'), label).toContain('application/problem+json');
      expect(response.body.errors?.length ?? 0, label).toBeGreaterThan(0);
    }
    const malformed = await org.agentA.request('PATCH', path, '{"version": 1, "name": "半截');
    expectProblem(malformed, 400);
    const missing = await org.agentA.post('/api/customers', { industry: '纺织' });
    expectProblem(missing, 400);
    expect(missing.body.errors[0]).toMatchObject({ field: 'name', message: 'is required' });
    const createMalformed = await org.agentA.request('POST', '/api/customers', '{name:');
    expectProblem(createMalformed, 400);
    const after = await org.agentA.get(path);
    expect(after.body).toEqual({ ...customer, industry: '纺织' });
    expect(after.body.version).toBe(1);
  });

  it('refuses bad list parameters and unknown ids politely', async () => {
    expectProblem(await org.agentA.get('/api/customers?limit=500'), 400);
    expectProblem(await org.agentA.get('/api/customers?limit=0'), 400);
    expectProblem(await org.agentA.get('/api/customers?cursor=garbage'), 400);
    expectProblem(await org.agentA.get('/api/customers?stage=friendly'), 400);
    expectProblem(await org.agentA.get('/api/customers?ownerId=nobody'), 400);
    expectProblem(await org.agentA.get('/api/customers?colour=red'), 400);
    expectProblem(await org.agentA.get(`/api/customers/${'x'.repeat(10)}`), 400);
    expectProblem(await org.agentA.get('/api/customers/01900000-0000-7000-8000-000000000000'), 404);
  });
});

describe('search and filters', () => {
  let ocean: any;
  let express: any;
  let acme: any;
  beforeAll(async () => {
    ocean = await createCustomer(org.agentA, {
      name: '上海远洋物流有限公司',
      taxId: taxId(424242),
      phone: '+86 21 6888 1234',
      tags: ['搜索测试'],
    });
    express = await createCustomer(org.agentB, {
      name: '深圳顺丰速运有限公司',
      phone: '0755-8333 7777',
      tags: ['搜索测试'],
    });
    acme = await createCustomer(org.agentB, {
      name: 'ACME Logistics (Shanghai) Co., Ltd.',
      tags: ['搜索测试'],
    });
  });

  const search = async (q: string) => {
    const response = await org.manager.get(`/api/customers?q=${encodeURIComponent(q)}&limit=200`);
    expect(response.status).toBe(200);
    return (response.body.items as any[]).map((c) => c.name);
  };

  it('finds a company by a Chinese word inside its name', async () => {
    expect(await search('物流')).toContain('上海远洋物流有限公司');
    expect(await search('远洋')).toContain('上海远洋物流有限公司');
    expect(await search('远洋物流')).toContain('上海远洋物流有限公司');
    expect(await search('顺丰')).toEqual(['深圳顺丰速运有限公司']);
    expect(await search('速运')).toEqual(['深圳顺丰速运有限公司']);
    expect(await search('物流')).not.toContain('深圳顺丰速运有限公司');
  });

  it('finds a company by a phone fragment however it is written', async () => {
    expect(await search('6888 1234')).toEqual(['上海远洋物流有限公司']);
    expect(await search('021-68881234')).toEqual(['上海远洋物流有限公司']);
    expect(await search('83337777')).toEqual(['深圳顺丰速运有限公司']);
  });

  it('finds a company by a tax-id fragment', async () => {
    const fragment = ocean.taxId.slice(6, 14);
    expect(await search(fragment)).toContain('上海远洋物流有限公司');
    expect(await search(fragment.toLowerCase())).toContain('上海远洋物流有限公司');
  });

  it('finds latin names by prefix and tolerates a typo', async () => {
    expect(await search('acme')).toEqual([acme.name]);
    expect(await search('Logist')).toEqual([acme.name]);
    expect(await search('ACME Logistcs')).toEqual([acme.name]);
    expect(await search('上海远洋物留')).toContain('上海远洋物流有限公司');
  });

  it('finds nothing for an unrelated query and treats operators as plain text', async () => {
    expect(await search('不存在的公司名')).toEqual([]);
    expect(await search("' & | ! :* (")).toBeInstanceOf(Array);
    expect(await search('%')).toBeInstanceOf(Array);
  });

  it('combines search with filters and includes the owner name', async () => {
    const response = await org.manager.get(
      `/api/customers?q=${encodeURIComponent('公司')}&ownerId=${org.agentB.user.id}&tag=${encodeURIComponent('搜索测试')}`,
    );
    // ACME's name has no 公司, so only the Shenzhen company matches all three.
    expect(response.body.items.map((c: any) => c.id)).toEqual([express.id]);
    expect(response.body.items[0].ownerName).toBe('赵敏');
  });

  it('filters by owner, team, stage, value class, need type, serving department and tag', async () => {
    const tag = `筛选${Date.now()}`;
    const a = await createCustomer(org.agentA, {
      tags: [tag],
      stage: 'active',
      valueClass: 'A',
      needType: 'price',
      departmentIds: [org.seaExport],
    });
    const b = await createCustomer(org.agentB, {
      tags: [tag],
      stage: 'negotiating',
      valueClass: 'B',
      needType: 'service',
      departmentIds: [org.airExport],
    });
    const c = await createCustomer(org.agentA2, {
      tags: [tag],
      stage: 'retained',
      valueClass: 'C',
      needType: 'product',
    });
    const ids = async (query: string) => {
      const response = await org.agentA.get(`/api/customers?tag=${encodeURIComponent(tag)}&${query}`);
      expect(response.status).toBe(200);
      return (response.body.items as any[]).map((x) => x.id).sort();
    };
    expect(await ids('')).toEqual([a.id, b.id, c.id].sort());
    expect(await ids(`ownerId=${org.agentA.user.id}`)).toEqual([a.id]);
    expect(await ids(`teamId=${org.teamA}`)).toEqual([a.id, c.id].sort());
    expect(await ids('stage=active')).toEqual([a.id]);
    expect(await ids('stage=active&stage=retained')).toEqual([a.id, c.id].sort());
    expect(await ids('valueClass=B')).toEqual([b.id]);
    expect(await ids('needType=product')).toEqual([c.id]);
    expect(await ids(`departmentId=${org.seaExport}`)).toEqual([a.id]);
    expect(await ids('valueClass=A&stage=negotiating')).toEqual([]);
  });

  it('pages with a keyset cursor: newest first, no gaps, no repeats, also under a filter and a query', async () => {
    const tag = `分页${Date.now()}`;
    const created: string[] = [];
    for (let i = 0; i < 7; i++)
      created.push(
        (await createCustomer(org.agentA, { tags: [tag], stage: i % 2 ? 'active' : 'prospect' })).id,
      );
    const walk = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const response: any = await org.agentB.get(
          `/api/customers?tag=${encodeURIComponent(tag)}&limit=3${query}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(response.status).toBe(200);
        expect(response.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...response.body.items.map((c: any) => c.id));
        cursor = response.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      return { seen, pages };
    };
    const all = await walk('');
    expect(all.seen).toEqual([...created].reverse());
    expect(all.pages).toBe(3);
    const active = await walk('&stage=active');
    expect(active.seen).toEqual(created.filter((_, i) => i % 2).reverse());
    const searched = await walk(`&q=${encodeURIComponent('进出口')}`);
    expect(searched.seen).toEqual([...created].reverse());
  });

  it('streams every matching file in full, in batches, for export', async () => {
    const tag = `导出${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await createCustomer(org.agentA, { tags: [tag], notes: `备注${i}` })).id);
    const actor = {
      id: org.manager.user.id,
      name: '刘经理',
      email: org.manager.user.email,
      role: 'manager' as const,
      departmentId: null,
      customerId: null,
      teamDepartmentIds: [],
      via: 'session' as const,
    };
    const batches: any[][] = [];
    for await (const batch of t.ctx.services.customers.listForExport(actor, { tag }, 2)) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1]);
    const rows = batches.flat();
    expect(rows.map((c) => c.id)).toEqual([...ids].reverse());
    expect(rows[0]).toMatchObject({ notes: '备注4', ownerName: '王芳', tags: [tag] });
    expect(rows[0]).not.toHaveProperty('searchVector');
    const portal = { ...actor, role: 'portal' as const };
    await expect(async () => {
      for await (const _ of t.ctx.services.customers.listForExport(portal, { tag })) break;
    }).rejects.toMatchObject({ status: 403 });
  });

  it('shows the primary contact in list items', async () => {
    const customer = await createCustomer(org.agentA, { tags: ['主联系人'] });
    await org.agentA.post(`/api/customers/${customer.id}/contacts`, {
      name: '钱经理',
      phones: ['13812345678'],
    });
    const response = await org.agentA.get(`/api/customers?tag=${encodeURIComponent('主联系人')}`);
    expect(response.body.items[0]).toMatchObject({
      primaryContactName: '钱经理',
      primaryContactPhone: '13812345678',
    });
  });
});

describe('duplicates', () => {
  it('answers 409 with candidates for the same tax id, a nearly identical name or the same phone', async () => {
    const code = taxId(777001);
    const original = await createCustomer(org.agentA, {
      name: '宁波港盛国际货运代理有限公司',
      taxId: code,
      phone: '0574-8765 4321',
    });
    const sameTax = await org.agentB.post('/api/customers', { name: '完全不同的名字贸易公司', taxId: code });
    expectProblem(sameTax, 409);
    expect(sameTax.body.title).toBe('Possible Duplicate');
    expect(sameTax.body.candidates).toEqual([
      expect.objectContaining({
        id: original.id,
        name: '宁波港盛国际货运代理有限公司',
        taxId: code,
        ownerName: '王芳',
        reasons: ['tax_id'],
      }),
    ]);
    const nearName = await org.agentB.post('/api/customers', {
      name: '宁波港盛国际货运代理（中国）股份有限公司',
    });
    expectProblem(nearName, 409);
    expect(nearName.body.candidates[0]).toMatchObject({ id: original.id, reasons: ['name'], similarity: 1 });
    const typo = await org.agentB.post('/api/customers', { name: '宁波港胜国际货运代理有限公司' });
    expectProblem(typo, 409);
    expect(typo.body.candidates[0].id).toBe(original.id);
    const samePhone = await org.agentB.post('/api/customers', {
      name: '甬江贸易商行',
      phone: '+86 574 87654321',
    });
    expectProblem(samePhone, 409);
    expect(samePhone.body.candidates[0]).toMatchObject({ id: original.id, reasons: ['phone'] });
    const unrelated = await org.agentB.post('/api/customers', { name: '哈尔滨冰城冷链仓储有限公司' });
    expect(unrelated.status).toBe(201);
  });

  it('still finds the real duplicate among hundreds of names that share a city and a legal form', async () => {
    const brands = ['安隆', '宏达', '恒通', '金桥', '瑞丰', '永盛', '鑫源', '华远', '盛世', '东升'];
    const goods = ['进出口', '电子', '五金', '服饰', '塑胶', '家居', '包装', '照明', '机械', '纸品'];
    const rows: BulkCustomer[] = [];
    for (const brand of brands) {
      for (const good of goods) {
        for (const region of ['深圳', '东莞', '惠州']) {
          rows.push({ name: `${region}${brand}${good}有限公司`, ownerId: org.agentB.user.id });
        }
      }
    }
    await t.ctx.db.transaction((tx) => insertCustomersBulk(tx, rows));
    const original = await createCustomer(org.agentA, { name: '深圳市福田区安泰隆进出口贸易有限公司' });
    const response = await org.agentB.post('/api/customers', {
      name: '深圳市福田区安泰隆进出口贸易股份有限公司',
    });
    expectProblem(response, 409);
    expect(response.body.candidates[0]).toMatchObject({ id: original.id, reasons: ['name'] });
    expect(response.body.candidates.length).toBeLessThanOrEqual(10);
  });

  it('creates anyway when the caller confirms, in the body or the query', async () => {
    const original = await createCustomer(org.agentA, { name: '青岛海联船务代理有限公司' });
    const body = await org.agentA.post('/api/customers', {
      name: '青岛海联船务代理有限公司',
      confirmDuplicate: true,
    });
    expect(body.status).toBe(201);
    const query = await org.agentA.post('/api/customers?confirm=true', { name: '青岛海联船务代理集团' });
    expect(query.status).toBe(201);
    expect(body.body.id).not.toBe(original.id);
  });

  it('warns live on the create form', async () => {
    const original = await createCustomer(org.agentA, {
      name: '厦门鹭江集装箱运输有限公司',
      phone: '0592-5551 2345',
    });
    const byName = await org.agentA.get(
      `/api/customers/duplicates?name=${encodeURIComponent('厦门鹭江集装箱运输')}`,
    );
    expect(byName.status).toBe(200);
    expect(byName.body.items.map((c: any) => c.id)).toContain(original.id);
    const byPhone = await org.agentA.get('/api/customers/duplicates?phone=05925551-2345');
    expect(byPhone.body.items.map((c: any) => c.id)).toEqual([original.id]);
    const excluded = await org.agentA.get(
      `/api/customers/duplicates?name=${encodeURIComponent('厦门鹭江集装箱运输有限公司')}&excludeId=${original.id}`,
    );
    expect(excluded.body.items.map((c: any) => c.id)).not.toContain(original.id);
    const nothing = await org.agentA.get('/api/customers/duplicates');
    expect(nothing.body.items).toEqual([]);
  });

  it('checks a rename against other files too', async () => {
    const first = await createCustomer(org.agentA, { name: '大连北方冷链物流有限公司' });
    const second = await createCustomer(org.agentA, { name: '沈阳辽河农产品贸易有限公司' });
    const rename = await org.agentA.patch(`/api/customers/${second.id}`, {
      version: 1,
      name: '大连北方冷链物流股份有限公司',
    });
    expectProblem(rename, 409);
    expect(rename.body.candidates[0].id).toBe(first.id);
    expect((await org.agentA.get(`/api/customers/${second.id}`)).body.name).toBe(
      '沈阳辽河农产品贸易有限公司',
    );
    const confirmed = await org.agentA.patch(`/api/customers/${second.id}`, {
      version: 1,
      name: '大连北方冷链物流股份有限公司',
      confirmDuplicate: true,
    });
    expect(confirmed.status).toBe(200);
  });
});

describe('archive and restore', () => {
  it('hides an archived file from lists, shows it with archived=true, and restores it', async () => {
    const tag = `归档${Date.now()}`;
    const customer = await createCustomer(org.agentA, { tags: [tag] });
    const list = (query = '') => org.agentA.get(`/api/customers?tag=${encodeURIComponent(tag)}${query}`);
    const archived = await org.agentA.post(`/api/customers/${customer.id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    expect((await list()).body.items).toEqual([]);
    expect((await list('&archived=true')).body.items.map((c: any) => c.id)).toEqual([customer.id]);
    expect((await org.agentA.get(`/api/customers/${customer.id}`)).status).toBe(200);
    expectProblem(
      await org.agentA.patch(`/api/customers/${customer.id}`, { version: 2, industry: 'x' }),
      409,
    );
    const restored = await org.agentA.request('POST', `/api/customers/${customer.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ archivedAt: null, version: 3 });
    expect((await list()).body.items.map((c: any) => c.id)).toEqual([customer.id]);
    const actions = (await auditOf(customer.id)).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'archive', 'restore']));
    const kinds = (await timelineOf(customer.id)).map((e) => e.kind);
    expect(kinds).toEqual(['customer.restored', 'customer.archived', 'customer.created']);
  });

  it('checks a version on archive when one is sent', async () => {
    const customer = await createCustomer(org.agentA);
    expectProblem(await org.agentA.post(`/api/customers/${customer.id}/archive`, { version: 7 }), 409);
    expect((await org.agentA.post(`/api/customers/${customer.id}/archive`, { version: 1 })).status).toBe(200);
    expectProblem(await org.agentA.post(`/api/customers/${customer.id}/restore`, { colour: 'red' }), 400);
  });
});

describe('verification and the review queue', () => {
  it('lists files not verified for N days, most overdue first, paged; verify removes them', async () => {
    const day = 24 * 60 * 60 * 1000;
    const ago = (days: number) => new Date(Date.now() - days * day).toISOString();
    const agent = await t.userClient('agent', { departmentId: org.teamB, name: '复核专员' });
    const old = await createCustomer(agent, { verifiedAt: ago(400) });
    const older = await createCustomer(agent, { verifiedAt: ago(500) });
    const middle = await createCustomer(agent, { verifiedAt: ago(200) });
    const recent = await createCustomer(agent, { verifiedAt: ago(100) });
    const fresh = await createCustomer(agent);
    const queue = async (query = '', limit = 2) => {
      const response = await agent.get(`/api/customers/review-queue?limit=${limit}${query}`);
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      return response.body;
    };
    const first = await queue();
    expect(first.items, JSON.stringify(first)).toBeDefined();
    expect(first.reviewAfterDays).toBe(180);
    expect(first.items.map((c: any) => c.id)).toEqual([older.id, old.id]);
    const second = await queue(`&cursor=${first.nextCursor}`);
    expect(second.items.map((c: any) => c.id)).toEqual([middle.id]);
    expect(second.nextCursor).toBeNull();
    const wider = await queue('&days=90', 10);
    expect(wider.items.map((c: any) => c.id)).toEqual([older.id, old.id, middle.id, recent.id]);
    expect(wider.items.map((c: any) => c.id)).not.toContain(fresh.id);

    const verified = await agent.post(`/api/customers/${older.id}/verify`);
    expect(verified.status).toBe(200);
    expect(Date.now() - Date.parse(verified.body.verifiedAt)).toBeLessThan(60_000);
    expect(verified.body.version).toBe(2);
    expect((await queue('', 10)).items.map((c: any) => c.id)).toEqual([old.id, middle.id]);
    const verifyAudit = (await auditOf(older.id)).find((a) => a.action === 'verify');
    expect(verifyAudit.before.verifiedAt).toBeTruthy();
    expect((await timelineOf(older.id))[0].kind).toBe('customer.verified');
  });

  it('shows agents their own files, supervisors their team, managers everything', async () => {
    const oldDate = new Date(Date.now() - 1000 * 24 * 60 * 60 * 1000).toISOString();
    const mine = await createCustomer(org.agentA, { verifiedAt: oldDate });
    const teamB = await createCustomer(org.agentB, { verifiedAt: oldDate });
    const ids = async (client: typeof org.agentA) =>
      ((await client.get('/api/customers/review-queue?limit=200')).body.items as any[]).map((c) => c.id);
    expect(await ids(org.agentA)).toContain(mine.id);
    expect(await ids(org.agentA)).not.toContain(teamB.id);
    expect(await ids(org.supervisorA)).toContain(mine.id);
    expect(await ids(org.supervisorA)).not.toContain(teamB.id);
    expect(await ids(org.manager)).toEqual(expect.arrayContaining([mine.id, teamB.id]));
    expect((await org.agentA.get('/api/customers/review-queue?days=0')).status).toBe(400);
  });

  it('takes N from the setting, which only admins change', async () => {
    expect((await org.agentA.get('/api/settings/customers')).body).toEqual({ reviewAfterDays: 180 });
    expectProblem(await org.supervisorA.put('/api/settings/customers', { reviewAfterDays: 30 }), 403);
    expectProblem(await t.admin.put('/api/settings/customers', { reviewAfterDays: 0 }), 400);
    expectProblem(await t.admin.put('/api/settings/customers', { reviewAfterDays: '30' }), 400);
    expectProblem(await t.admin.put('/api/settings/customers', { reviewAfterDays: 30, extra: 1 }), 400);
    const agent = await t.userClient('agent', { departmentId: org.teamA });
    const customer = await createCustomer(agent, {
      verifiedAt: new Date(Date.now() - 60 * 24 * 60 * 60 * 1000).toISOString(),
    });
    expect((await agent.get('/api/customers/review-queue')).body.items).toEqual([]);
    const changed = await t.admin.put('/api/settings/customers', { reviewAfterDays: 30 });
    expect(changed.body).toEqual({ reviewAfterDays: 30 });
    const queue = await agent.get('/api/customers/review-queue');
    expect(queue.body.reviewAfterDays).toBe(30);
    expect(queue.body.items.map((c: any) => c.id)).toEqual([customer.id]);
    const audit = await t.admin.get('/api/audit?entityType=setting');
    expect(audit.body.items[0]).toMatchObject({
      before: { reviewAfterDays: 180 },
      after: { reviewAfterDays: 30 },
    });
    await t.admin.put('/api/settings/customers', { reviewAfterDays: 180 });
  });
});
