import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEventsFile } from '../../src/cli/import-events.ts';
import { importShipmentsFile } from '../../src/cli/import-shipments.ts';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';

let t: TestApp;
let dir: string;
let customerName: string;
let departmentCode: string;

const fixtures = new URL('../fixtures/import/', import.meta.url);

beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), 'liaison-import-tracking-'));
  const department = await createDepartment(t, { name: '海运出口部' });
  departmentCode = department.code;
  const customer = await createCustomer(t, { ownerId: t.admin.user.id, name: '上海远洋物流有限公司' });
  customerName = customer.name;
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fixture copied into the temp dir with {{customer}} / {{department}} filled in. */
function fromFixture(name: string, replacements: Record<string, string> = {}): string {
  let text = readFileSync(new URL(name, fixtures), 'utf8');
  for (const [key, value] of Object.entries({
    customer: customerName,
    department: departmentCode,
    ...replacements,
  }))
    text = text.replaceAll(`{{${key}}}`, value);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const count = async (table: 'shipments' | 'tracking_events') =>
  (await t.ctx.database.query<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

describe('import shipments', () => {
  it('creates the good rows, reports the bad ones per cell, and skips rows imported before', async () => {
    const file = fromFixture('shipments.csv');
    const before = await count('shipments');
    const first = await importShipmentsFile(t.ctx, file, { timeZone: 'Asia/Shanghai' });
    expect(first.created.map((c) => c.row)).toEqual([2, 3]);
    expect(await count('shipments')).toBe(before + 2);
    expect(first.problems.map((p) => [p.row, p.column, p.message])).toEqual([
      [4, '空运单号', expect.stringContaining('must be 5')],
      [4, '集装箱号', expect.stringContaining('must be 3')],
      [5, '客户', expect.stringContaining('no customer file')],
      [5, '部门', 'no department with this code or name'],
      [5, '', expect.stringContaining('no reference')],
    ]);
    expect(first.errorFile).toBe(join(dir, 'shipments.errors.csv'));
    const report = readFileSync(first.errorFile!, 'utf8');
    expect(report.charCodeAt(0)).toBe(0xfeff);
    expect(report).toContain('5,部门,NOPE,no department with this code or name');

    // What was stored: the API shows the row's fields, B/L kept as written, the promise in UTC.
    const [number] = first.created.map((c) => c.number);
    expect(number).toMatch(/^LS\d{10}$/);
    const shown = await t.admin.get(`/api/shipments/${first.created[0]!.id}`);
    expect(shown.body).toMatchObject({
      mode: 'sea',
      masterBl: 'MEDUSH 882211',
      containers: ['CSQU3054383'],
      origin: 'CNSHA',
      destination: 'DEHAM',
      pieces: 12,
      weightKg: 1250.5,
      promisedAt: '2026-04-10T10:00:00.000Z',
      customerName,
    });

    // The same file again: the two created rows are recognised by their references.
    const second = await importShipmentsFile(t.ctx, file, { timeZone: 'Asia/Shanghai' });
    expect(second.created).toEqual([]);
    expect(second.skipped.map((s) => s.row)).toEqual([2, 3]);
    expect(await count('shipments')).toBe(before + 2);
  });
});

describe('import events', () => {
  it('ingests the good rows into the shipments’ timelines, reports unknown references and bad cells, and re-imports as duplicates', async () => {
    const file = fromFixture('events.csv');
    const before = await count('tracking_events');
    const result = await importEventsFile(t.ctx, file, { timeZone: 'Asia/Shanghai', batchSize: 2 });
    expect(result.counts).toMatchObject({ accepted: 3, rejected: 1 });
    expect(await count('tracking_events')).toBe(before + 3);
    expect(result.problems.map((p) => [p.row, p.column])).toEqual([
      [5, ''], // reference that names no shipment: rejected by the ingestion
      [6, '事件'],
      [6, '时间'],
    ]);
    expect(result.problems[0]!.value).toBe('NO-SUCH-REF');
    expect(existsSync(join(dir, 'events.errors.csv'))).toBe(true);

    // The shipment found by its master B/L now departed; the timeline shows the row's local time.
    const [shipment] = (await t.admin.get(`/api/shipments?q=${encodeURIComponent('MEDUSH882211')}`)).body
      .items;
    expect(shipment.status).toBe('departed');
    const events = await t.admin.get(`/api/shipments/${shipment.id}/events`);
    const departed = events.body.events.find((e: any) => e.eventCode === 'DEPARTED');
    expect(departed).toMatchObject({
      eventTimeText: '2026-03-14T09:30:00+08:00',
      location: 'CNSHA',
      source: 'csv',
    });
    expect(departed.details).toMatchObject({ remark: '准时开航' });

    // Again: nothing new.
    const again = await importEventsFile(t.ctx, file, { timeZone: 'Asia/Shanghai' });
    expect(again.counts).toMatchObject({ duplicate: 3, rejected: 1 });
    expect(await count('tracking_events')).toBe(before + 3);
  });

  it('reads Excel date cells with their time of day, in the given zone', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('事件');
    sheet.addRow(['tracking number', 'event', 'time', 'location']);
    sheet.addRow(['MEDUSH 882211', 'arrived', new Date(Date.UTC(2026, 3, 8, 7, 40)), 'DEHAM']);
    const xlsx = join(dir, 'events.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const result = await importEventsFile(t.ctx, xlsx, { timeZone: 'Europe/Berlin' });
    expect(result.problems).toEqual([]);
    expect(result.counts).toMatchObject({ accepted: 1 });
    const [row] = await t.ctx.database.query<{ event_time_text: string }>(
      sql`select event_time_text from tracking_events where event_code = 'ARRIVED' and classifier = 'ACT' and source = 'csv'`,
    );
    expect(row!.event_time_text).toBe('2026-04-08T07:40:00+02:00');
  });

  it('imports saved feed messages through their adapters (FSU text, EPCIS document)', async () => {
    // The air shipment of shipments.csv carries AWB 020-12345675, the AWB of the FSU fixture.
    const fsu = join(dir, 'sin-lhr.fsu');
    copyFileSync(new URL('../fixtures/iata/fsu-sin-lhr.txt', import.meta.url), fsu);
    const air = await importEventsFile(t.ctx, fsu);
    expect(air.problems).toEqual([]);
    expect(air.counts).toMatchObject({ accepted: 10 });
    const [shipment] = (await t.admin.get('/api/shipments?q=02012345675')).body.items;
    expect(shipment.status).toBe('delivered');
    expect((await importEventsFile(t.ctx, fsu)).counts).toMatchObject({ duplicate: 10 });

    // EPCIS: the bol of the journey names no shipment here, so those events are reported by position.
    const epcis = join(dir, 'journey.jsonld');
    copyFileSync(new URL('../fixtures/epcis/invalid-events.jsonld', import.meta.url), epcis);
    const result = await importEventsFile(t.ctx, epcis);
    expect(result.counts.rejected).toBe(5);
    expect(result.problems[0]).toMatchObject({
      row: 0,
      column: 'event 1',
      message: expect.stringContaining('TransformationEvent'),
    });
    expect(result.errorFile).toBe(join(dir, 'journey.errors.csv'));
  });

  it('refuses a file with an unknown column before reading any row', async () => {
    const file = join(dir, 'unknown-column.csv');
    writeFileSync(file, '运单号,事件,时间,司机电话\nMEDUSH882211,到港,2026-03-20 08:00,13800000000\n');
    const before = await count('tracking_events');
    const result = await importEventsFile(t.ctx, file);
    expect(result.problems).toEqual([expect.objectContaining({ row: 1, column: '司机电话' })]);
    expect(await count('tracking_events')).toBe(before);
  });
});

describe('import edge cases (QA)', () => {
  it('reads an XLSX sheet with an empty column, an uncalculated formula and Excel serial times', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('事件');
    // Column B has no header and no values: ExcelJS gives sparse rows (holes), which used to
    // crash the import (Object.fromEntries on a hole) instead of reading the rows.
    sheet.getCell('A1').value = '运单号';
    sheet.getCell('C1').value = '事件';
    sheet.getCell('D1').value = '时间';
    sheet.getCell('E1').value = '备注';
    sheet.getCell('A2').value = 'MEDUSH 882211';
    sheet.getCell('C2').value = '卸船';
    // A time column that is not formatted as a date: Excel's serial number (2026-04-09 06:00).
    sheet.getCell('D2').value = 46121.25;
    sheet.getCell('E2').value = { formula: 'A2&"x"' } as ExcelJS.CellFormulaValue;
    const xlsx = join(dir, 'holes.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    const result = await importEventsFile(t.ctx, xlsx, { timeZone: 'Europe/Berlin' });
    expect(result.problems).toEqual([]);
    expect(result.counts).toMatchObject({ accepted: 1 });
    const [row] = await t.ctx.database.query<{ event_time_text: string; details: any }>(
      sql`select event_time_text, details from tracking_events where event_code = 'DISCHARGED' and source = 'csv'`,
    );
    expect(row!.event_time_text).toBe('2026-04-09T06:00:00+02:00');
    expect(row!.details.remark).toBeUndefined(); // not "[object Object]"
  });

  it('never creates a shipment twice: containers-only rows match the open shipment, rows without any reference are refused', async () => {
    const file = join(dir, 'containers-only.csv');
    writeFileSync(
      file,
      `\uFEFF客户,部门,运输方式,集装箱号,目的港\n${customerName},${departmentCode},海运,TGHU 000001 3,DEHAM\n\n,,,,\n${customerName},${departmentCode},海运,,NLRTM\n`,
    );
    const before = await count('shipments');
    const first = await importShipmentsFile(t.ctx, file, { timeZone: 'Asia/Shanghai' });
    expect(first.created.map((c) => c.row)).toEqual([2]);
    expect(first.problems).toEqual([
      expect.objectContaining({ row: 5, message: expect.stringContaining('no reference') }),
    ]);
    const second = await importShipmentsFile(t.ctx, file, { timeZone: 'Asia/Shanghai' });
    expect(second.created).toEqual([]);
    expect(second.skipped).toEqual([{ row: 2, number: first.created[0]!.number }]);
    expect(await count('shipments')).toBe(before + 1);
  });
});

describe('import with a mistyped --tz (QA)', () => {
  it('reports the zone once instead of throwing RangeError', async () => {
    const file = join(dir, 'tz.csv');
    writeFileSync(file, '运单号,事件,时间\nMEDUSH882211,到港,2026-03-20 08:00\n');
    const events = await importEventsFile(t.ctx, file, { timeZone: 'Asia/Shangai' });
    expect(events.problems).toEqual([
      expect.objectContaining({
        row: 0,
        value: 'Asia/Shangai',
        message: expect.stringContaining('time zone'),
      }),
    ]);
    const ships = join(dir, 'tz-shipments.csv');
    writeFileSync(ships, `客户,部门,运输方式,订单号\n${customerName},${departmentCode},海运,SO-TZ-1\n`);
    const shipments = await importShipmentsFile(t.ctx, ships, { timeZone: 'Mars/Olympus' });
    expect(shipments.created).toEqual([]);
    expect(shipments.problems).toEqual([expect.objectContaining({ row: 0, value: 'Mars/Olympus' })]);
  });
});

describe('the liaison command', () => {
  it('exits 1 and writes the report when rows fail (import-events and import shipments)', async () => {
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
    const events = join(dir, 'cli-events.csv');
    copyFileSync(new URL('events.csv', fixtures), events);
    const failed = await run(['import-events', events, '--tz', 'Asia/Shanghai']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('0 new');
    expect(failed.stderr).toContain('row 6, 时间');
    expect(existsSync(join(dir, 'cli-events.errors.csv'))).toBe(true);

    const shipments = join(dir, 'cli-shipments.csv');
    writeFileSync(shipments, '客户,部门,运输方式\n没有这家公司,NOPE,海运\n');
    const refused = await run(['import', 'shipments', shipments]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('row 2, 客户');
  }, 180_000);
});
