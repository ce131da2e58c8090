import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../src/cli/customer-columns.ts';
import { exportCustomers } from '../../src/cli/export-customers.ts';
import { decodeText, importCustomersFile } from '../../src/cli/import-customers.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';

let t: TestApp;
let dir: string;
let agentEmail: string;

beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'liaison-import-'));
  const agent = await t.userClient('agent');
  agentEmail = agent.user.email;
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const countCustomers = async () =>
  (await t.ctx.database.query<{ n: number }>(sql`select count(*)::int as n from customers`))[0].n;

function csvFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function exportToString(format: 'csv' | 'xlsx'): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk) => chunks.push(chunk));
  await exportCustomers(t.ctx, { format, out });
  return Buffer.concat(chunks);
}

describe('import customers', () => {
  it('imports a valid CSV with Chinese headers, labels and list separators in one go', async () => {
    const file = csvFile('good.csv', [
      '客户名称,简称,统一社会信用代码,行业,电话,地址,邮编,负责人邮箱,阶段,价值等级,需求类型,标签,服务方式,主要航线,联系人,联系人职务,联系人电话',
      `上海远洋物流有限公司,远洋物流,91350100M000100Y43,物流同行,021-58881234,上海市浦东新区张江路1号,201203,${agentEmail},合作,A,服务主导型,重点客户;月结客户,海运、空运,CNSHA→USLAX 海运; CNPVG-USCHI 空运,王伟,物流经理,13812345678、021-58881235转801`,
      `宁波鑫达进出口贸易有限公司,,,进出口贸易,,,,${agentEmail},潜在,c,,,,,,,`,
    ]);
    const before = await countCustomers();
    const result = await importCustomersFile(t.ctx, file);
    expect(result.problems).toEqual([]);
    expect(result.imported).toBe(2);
    expect(await countCustomers()).toBe(before + 2);

    const [row] = await t.ctx.database.query<any>(
      sql`select c.*, (select row_to_json(k) from contacts k where k.customer_id = c.id) as contact
          from customers c where c.tax_id = '91350100M000100Y43'`,
    );
    expect(row).toMatchObject({
      name: '上海远洋物流有限公司',
      short_name: '远洋物流',
      stage: 'active',
      value_class: 'A',
      need_type: 'service',
      tags: ['重点客户', '月结客户'],
      addresses: [{ kind: 'office', text: '上海市浦东新区张江路1号', postcode: '201203' }],
    });
    expect(row.requirements).toMatchObject({
      serviceModes: ['sea', 'air'],
      lanes: [
        { origin: 'CNSHA', destination: 'USLAX', mode: 'sea' },
        { origin: 'CNPVG', destination: 'USCHI', mode: 'air' },
      ],
    });
    expect(row.contact).toMatchObject({
      name: '王伟',
      title: '物流经理',
      phones: ['13812345678', '021-58881235转801'],
      is_primary: true,
    });
    // Searchable straight away, by word and by phone fragment.
    const search = await t.admin.get(`/api/customers?q=${encodeURIComponent('远洋')}`);
    expect(search.body.items.map((c: any) => c.name)).toContain('上海远洋物流有限公司');
    const byPhone = await t.admin.get('/api/customers?q=58881235');
    expect(byPhone.body.items.map((c: any) => c.name)).toContain('上海远洋物流有限公司');
    // Every imported file is in the audit log.
    const [audit] = await t.ctx.database.query<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action = 'import' and entity_type = 'customer'`,
    );
    expect(audit.n).toBe(2);
    const timeline = await t.admin.get(`/api/customers/${search.body.items[0].id}/timeline`);
    expect(timeline.body.items.map((e: any) => e.title)).toContain('导入客户档案：上海远洋物流有限公司');
  });

  it('imports nothing when one row is bad, and reports every problem with row and column', async () => {
    const file = csvFile('mixed.csv', [
      'name,taxId,ownerEmail,stage,valueClass,contactPhone',
      `杭州好运物流有限公司,,${agentEmail},active,B,`,
      `苏州精工机械有限公司,,${agentEmail},prospect,A,`,
      `无锡样品贸易有限公司,91350100M000100Y44,${agentEmail},流失,D,138abc`,
      `杭州好运物流有限公司,,nobody@example.com,active,,`,
      `上海远洋物流有限公司,91350100M000100Y43,${agentEmail},active,,`,
    ]);
    const before = await countCustomers();
    const result = await importCustomersFile(t.ctx, file);
    expect(result.imported).toBe(0);
    expect(await countCustomers()).toBe(before);
    const found = result.problems.map((p) => [p.row, p.column, p.message]);
    expect(found).toEqual(
      expect.arrayContaining([
        [4, 'taxId', expect.stringContaining('check character')],
        [4, '流失原因', expect.stringContaining('say why')],
        [4, 'valueClass', 'use A, B or C'],
        [4, 'contactPhone', 'not a phone number'],
        [4, '联系人', expect.stringContaining('required')],
        [5, 'name', 'the same company as row 2'],
        [5, 'ownerEmail', expect.stringContaining('no user')],
        [6, 'taxId', expect.stringContaining('already the tax id')],
        [6, 'name', expect.stringContaining('already exists')],
      ]),
    );
    // Rows 2 and 3 are fine: no problem is reported for them.
    expect(result.problems.filter((p) => p.row < 4)).toEqual([]);
    expect(result.errorFile).toBe(join(dir, 'mixed.errors.csv'));
    const report = readFileSync(result.errorFile!, 'utf8');
    expect(report.charCodeAt(0)).toBe(0xfeff);
    expect(report).toContain('4,valueClass,D,"use A, B or C"');
  });

  it('rejects unknown columns instead of dropping their data', async () => {
    const file = csvFile('unknown.csv', ['客户名称,联系人手机号码', '某公司,13800000000']);
    const result = await importCustomersFile(t.ctx, file, { defaultOwnerEmail: agentEmail });
    expect(result.imported).toBe(0);
    expect(result.problems[0]).toMatchObject({ row: 1, column: '联系人手机号码' });
  });

  it('reports a row whose values run past the header (an unquoted comma)', async () => {
    const file = csvFile('shifted.csv', ['客户名称,地址', '某某科技有限公司,上海市浦东新区,张江路1号']);
    const result = await importCustomersFile(t.ctx, file, { defaultOwnerEmail: agentEmail });
    expect(result.imported).toBe(0);
    expect(result.problems).toEqual([
      expect.objectContaining({
        row: 2,
        value: '张江路1号',
        message: expect.stringContaining('unquoted comma'),
      }),
    ]);
  });

  it('reads Excel files and GB18030 CSV (what Chinese Excel saves)', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('客户');
    sheet.addRow(['客户名称', '统一社会信用代码', '阶段', '电话']);
    sheet.addRow(['深圳华科电子有限公司', '91110000600037341L', '洽谈', 75512345678]);
    const xlsx = join(dir, 'customers.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const result = await importCustomersFile(t.ctx, xlsx, { defaultOwnerEmail: agentEmail });
    expect(result.problems).toEqual([]);
    expect(result.imported).toBe(1);

    const gbk = new Uint8Array([0xc9, 0xcf, 0xba, 0xa3]); // 上海 in GB18030
    expect(decodeText(gbk)).toBe('上海');
    expect(decodeText(new TextEncoder().encode('上海'))).toBe('上海');
  });

  it('warns when Excel stored a tax id as a number and lost its digits', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('客户');
    sheet.addRow(['客户名称', '统一社会信用代码']);
    // biome-ignore lint/correctness/noPrecisionLoss: this is what Excel does to an 18-digit code typed as a number
    sheet.addRow(['北京数字有限公司', 911101086000373412]);
    const xlsx = join(dir, 'numeric.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const result = await importCustomersFile(t.ctx, xlsx, { defaultOwnerEmail: agentEmail });
    expect(result.imported).toBe(0);
    expect(result.problems[0].message).toContain('format the column as text');
  });
});

describe('export customers', () => {
  beforeAll(async () => {
    const file = csvFile('formulas.csv', [
      '客户名称,备注,联系人,联系人电话',
      `"=HYPERLINK(""http://evil.example"",""点我"")",@SUM(1+1),-2+3,+8613800000000`,
    ]);
    const result = await importCustomersFile(t.ctx, file, { defaultOwnerEmail: agentEmail });
    expect(result.problems).toEqual([]);
  });

  it('neutralises cells that spreadsheets would run as formulas', () => {
    expect(neutraliseCell('=1+2')).toBe("'=1+2");
    expect(neutraliseCell('+86 138')).toBe("'+86 138");
    expect(neutraliseCell('-3')).toBe("'-3");
    expect(neutraliseCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseCell('\t=1')).toBe("'\t=1");
    expect(neutraliseCell('\r=1')).toBe("'\r=1");
    expect(neutraliseCell('上海=1')).toBe('上海=1');
  });

  it('writes CSV with a BOM, Chinese headers and neutralised formulas', async () => {
    const csv = (await exportToString('csv')).toString('utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const [header] = csv.slice(1).split('\r\n');
    expect(header.split(',').slice(0, 3)).toEqual(['客户编号', '客户名称', '简称']);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
    expect(csv).toContain("'@SUM(1+1)");
    expect(csv).toContain("'-2+3");
    expect(csv).toContain("'+8613800000000");
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    expect(csv).toContain('CNSHA→USLAX 海运; CNPVG→USCHI 空运');
  });

  it('writes an Excel workbook whose cells are text, never formulas', async () => {
    const bytes = await exportToString('xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as string[]).slice(1);
    const nameColumn = header.indexOf('客户名称') + 1;
    const names: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) names.push(row.getCell(nameColumn).value);
    });
    expect(names).toContain(`'=HYPERLINK("http://evil.example","点我")`);
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
    expect(sheet.rowCount - 1).toBe(await countCustomers());
  });

  it('exports a file that imports again unchanged into another database', async () => {
    const exported = join(dir, 'roundtrip.csv');
    writeFileSync(exported, await exportToString('csv'));
    const other = await startTestApp();
    try {
      // The owner exists in the other database too.
      const created = await other.admin.post('/api/users', {
        email: agentEmail,
        name: 'Agent',
        password: 'user-password-1',
        role: 'agent',
      });
      expect(created.status).toBe(201);
      const result = await importCustomersFile(other.ctx, exported);
      expect(result.problems).toEqual([]);
      expect(result.imported).toBe(await countCustomers());
      const pick = sql`select name, tax_id, stage, value_class, need_type, tags, requirements, notes from customers order by name`;
      expect(await other.ctx.database.query(pick)).toEqual(await t.ctx.database.query(pick));
    } finally {
      await other.close();
    }
  });
});

describe('the liaison command', () => {
  it('runs demo, import and export as a real process on a data directory', async () => {
    const { execFile } = await import('node:child_process');
    const dataDir = join(dir, 'data');
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['bin/liaison.js', ...args],
          {
            env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
            timeout: 120_000,
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });

    const demo = await run(['demo', '--customers', '25', '--seed', 'cli']);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('Loaded 25 customers');
    expect(demo.stdout).toContain('agent1@demo.liaison.local');

    const bad = csvFile('cli-bad.csv', ['客户名称,负责人邮箱', `坏数据有限公司,nobody@example.com`]);
    const failed = await run(['import', 'customers', bad]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Nothing imported');
    expect(failed.stderr).toContain('row 2, 负责人邮箱');
    expect(existsSync(join(dir, 'cli-bad.errors.csv'))).toBe(true);

    const good = csvFile('cli-good.csv', ['客户名称,负责人邮箱', '好数据有限公司,agent1@demo.liaison.local']);
    const imported = await run(['import', 'customers', good]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported 1 customers');

    const out = join(dir, 'cli-export.csv');
    const exported = await run(['export', 'customers', '--out', out]);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('Exported 26 customers');
    const lines = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(27);
    expect(lines.some((line) => line.includes('好数据有限公司'))).toBe(true);
  }, 180_000);
});
