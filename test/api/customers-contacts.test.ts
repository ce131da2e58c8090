import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type Org, createCustomer, setupOrg } from './customers-fixtures.ts';

let t: TestApp;
let org: Org;
beforeAll(async () => {
  t = await startTestApp();
  org = await setupOrg(t);
});
afterAll(async () => {
  await t?.close();
});

const full = {
  name: '张伟',
  title: '物流经理',
  phones: ['138 0013 8000', '021-6888 1234 转 802'],
  email: 'Zhang.Wei@Example.CN',
  wechat: 'zhangwei_1985',
  preferredChannel: 'wechat',
  contactFrequency: 'monthly',
  doNotContact: false,
  importantDates: [
    { kind: 'birthday', label: '生日', date: '03-15' },
    { kind: 'company_anniversary', label: '公司成立', date: '2008-08-08' },
    { kind: 'holiday', label: '春节', date: '02-10' },
  ],
  notes: '喜欢下午联系',
};

describe('contacts of a customer', () => {
  it('adds a contact with channel, frequency and important dates; the first one is primary', async () => {
    const customer = await createCustomer(org.agentA);
    const response = await org.agentA.post(`/api/customers/${customer.id}/contacts`, full);
    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.body).toMatchObject({
      ...full,
      email: 'zhang.wei@example.cn',
      customerId: customer.id,
      isPrimary: true,
      archivedAt: null,
      version: 1,
    });
    const second = await org.agentA.post(`/api/customers/${customer.id}/contacts`, { name: '李娜' });
    expect(second.body).toMatchObject({
      isPrimary: false,
      doNotContact: false,
      phones: [],
      importantDates: [],
    });
    const list = await org.agentB.get(`/api/customers/${customer.id}/contacts`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: any) => c.name)).toEqual(['张伟', '李娜']);
    const one = await org.manager.get(`/api/customers/${customer.id}/contacts/${response.body.id}`);
    expect(one.body).toEqual(response.body);
    const audit = await t.admin.get(`/api/audit?entityType=contact&entityId=${response.body.id}`);
    expect(audit.body.items[0]).toMatchObject({ action: 'create', customerId: customer.id });
    const timeline = await t.admin.get(`/api/customers/${customer.id}/timeline?kind=contact.added`);
    expect(timeline.body.items.map((e: any) => e.detail.name)).toEqual(['李娜', '张伟']);
  });

  it('keeps exactly one primary contact', async () => {
    const customer = await createCustomer(org.agentA);
    const path = `/api/customers/${customer.id}/contacts`;
    const first = (await org.agentA.post(path, { name: '甲' })).body;
    const second = (await org.agentA.post(path, { name: '乙', isPrimary: true })).body;
    expect(second.isPrimary).toBe(true);
    const reread = (await org.agentA.get(`${path}/${first.id}`)).body;
    expect(reread).toMatchObject({ isPrimary: false, version: 2 });
    const promoted = await org.agentA.patch(`${path}/${first.id}`, { version: 2, isPrimary: true });
    expect(promoted.body).toMatchObject({ isPrimary: true, version: 3 });
    const primaries = (await org.agentA.get(path)).body.items.filter((c: any) => c.isPrimary);
    expect(primaries.map((c: any) => c.id)).toEqual([first.id]);
  });

  it('updates with a version, refuses stale and missing versions, and audits before/after', async () => {
    const customer = await createCustomer(org.agentA);
    const contact = (await org.agentA.post(`/api/customers/${customer.id}/contacts`, { name: '王磊' })).body;
    const path = `/api/customers/${customer.id}/contacts/${contact.id}`;
    expect((await org.agentA.patch(path, { doNotContact: true })).status).toBe(428);
    const updated = await org.agentA.patch(
      path,
      { doNotContact: true, contactFrequency: 'quarterly' },
      { 'if-match': '"1"' },
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ doNotContact: true, contactFrequency: 'quarterly', version: 2 });
    const stale = await org.agentA.patch(path, { version: 1, title: '总监' });
    expect(stale.status).toBe(409);
    expect(stale.body.current).toMatchObject({ version: 2 });
    const audit = await t.admin.get(`/api/audit?entityType=contact&entityId=${contact.id}&action=update`);
    expect(audit.body.items[0].before).toMatchObject({ doNotContact: false });
    expect(audit.body.items[0].after).toMatchObject({ doNotContact: true });
  });

  it('rejects impossible important dates and bad input without changing anything', async () => {
    const customer = await createCustomer(org.agentA);
    const contact = (await org.agentA.post(`/api/customers/${customer.id}/contacts`, { name: '赵六' })).body;
    const path = `/api/customers/${customer.id}/contacts/${contact.id}`;
    const dates = await org.agentA.patch(path, {
      version: 1,
      importantDates: [
        { kind: 'birthday', date: '02-30' },
        { kind: 'other', date: '2023-02-29' },
      ],
    });
    expect(dates.status).toBe(422);
    expect(dates.body.errors.map((e: any) => e.field)).toEqual([
      'importantDates.0.date',
      'importantDates.1.date',
    ]);
    const cases: unknown[] = [
      { version: 1, phones: '13800138000' },
      { version: 1, preferredChannel: 'pigeon' },
      { version: 1, contactFrequency: 'daily' },
      { version: 1, importantDates: [{ kind: 'birthday', date: '03-15', colour: 1 }] },
      { version: 1, name: 'x'.repeat(101) },
      { version: 1, doNotContact: 'yes' },
      { version: 1, email: 'nope' },
      { version: 1, customerId: customer.id },
    ];
    for (const body of cases) {
      const response = await org.agentA.patch(path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await org.agentA.request('PATCH', path, '{"version":1,')).status).toBe(400);
    expect((await org.agentA.post(`/api/customers/${customer.id}/contacts`, { title: '无名' })).status).toBe(
      400,
    );
    expect((await org.agentA.get(path)).body).toEqual(contact);
  });

  it('removes (archives) a contact, hides it from the list and keeps it readable', async () => {
    const customer = await createCustomer(org.agentA);
    const contact = (await org.agentA.post(`/api/customers/${customer.id}/contacts`, { name: '孙七' })).body;
    const path = `/api/customers/${customer.id}/contacts/${contact.id}`;
    expect((await org.agentA.delete(path, { 'if-match': '"9"' })).status).toBe(409);
    expect((await org.agentA.delete(path)).status).toBe(204);
    expect((await org.agentA.get(`/api/customers/${customer.id}/contacts`)).body.items).toEqual([]);
    const archived = await org.agentA.get(`/api/customers/${customer.id}/contacts?archived=true`);
    expect(archived.body.items[0]).toMatchObject({
      id: contact.id,
      isPrimary: false,
      archivedAt: expect.any(String),
    });
    expect((await org.agentA.get(path)).status).toBe(200);
    expect((await org.agentA.patch(path, { version: 2, name: '孙八' })).status).toBe(409);
    const audit = await t.admin.get(`/api/audit?entityType=contact&entityId=${contact.id}&action=archive`);
    expect(audit.body.items).toHaveLength(1);
  });

  it('answers 404 for a contact of another customer', async () => {
    const one = await createCustomer(org.agentA);
    const other = await createCustomer(org.agentA);
    const contact = (await org.agentA.post(`/api/customers/${one.id}/contacts`, { name: '周九' })).body;
    expect((await org.agentA.get(`/api/customers/${other.id}/contacts/${contact.id}`)).status).toBe(404);
    expect(
      (await org.agentA.patch(`/api/customers/${other.id}/contacts/${contact.id}`, { version: 1, name: 'x' }))
        .status,
    ).toBe(404);
    expect((await org.agentA.delete(`/api/customers/${other.id}/contacts/${contact.id}`)).status).toBe(404);
  });

  it("makes contacts' names, phones, e-mail and WeChat findable from the customer search", async () => {
    const customer = await createCustomer(org.agentA);
    const path = `/api/customers/${customer.id}/contacts`;
    const contact = (
      await org.agentA.post(path, {
        name: '欧阳娜娜',
        phones: ['+86 139 1111 2222'],
        email: 'ouyang@globalfreight.cn',
        wechat: 'oyn_wx',
      })
    ).body;
    const search = async (q: string) =>
      ((await org.agentA.get(`/api/customers?q=${encodeURIComponent(q)}`)).body.items as any[]).map(
        (c) => c.id,
      );
    expect(await search('欧阳娜娜')).toEqual([customer.id]);
    expect(await search('1391111')).toEqual([customer.id]);
    expect(await search('globalfreight')).toEqual([customer.id]);
    expect(await search('oyn')).toEqual([customer.id]);
    await org.agentA.patch(`${path}/${contact.id}`, { version: 1, phones: ['13933334444'] });
    expect(await search('1391111')).toEqual([]);
    expect(await search('13933334444')).toEqual([customer.id]);
    await org.agentA.delete(`${path}/${contact.id}`);
    expect(await search('欧阳娜娜')).toEqual([]);
  });

  it('refuses new contacts on an archived customer', async () => {
    const customer = await createCustomer(org.agentA);
    await org.agentA.post(`/api/customers/${customer.id}/archive`);
    expect((await org.agentA.post(`/api/customers/${customer.id}/contacts`, { name: '吴十' })).status).toBe(
      409,
    );
  });
});
