import { readFile, rm, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { and, inArray, isNull, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { canOwnCustomers } from '../domain/access.ts';
import {
  churnReasonProblem,
  normalizeCompanyName,
  normalizeTaxId,
  taxIdProblem,
} from '../domain/customers.ts';
import { type BulkCustomer, insertCustomersBulk } from '../modules/customers/bulk.ts';
import { type Lane, customers } from '../modules/customers/tables.ts';
import { departments } from '../modules/departments/tables.ts';
import { users } from '../modules/users/tables.ts';
import type { AppContext } from '../server/context.ts';
import {
  COLUMNS,
  type ColumnKey,
  columnFor,
  parseBond,
  parseKind,
  parseLane,
  parseMode,
  parseNeedType,
  parseStage,
  neutraliseCell,
  splitList,
  unneutraliseCell,
} from '../modules/customers/columns.ts';

/**
 * `liaison import customers FILE.csv|xlsx`.
 *
 * The rule: validate every row first; if any row has a problem, import nothing, print the
 * problems (row, column, message) and write them to FILE.errors.csv. Only a file without a single
 * problem is imported, all rows in one transaction — so a file is either imported completely or
 * not at all, and fixing the reported rows and running the same command again is always safe.
 */

export interface ImportProblem {
  /** Spreadsheet row number (the header is row 1). */
  row: number;
  /** The column header as written in the file ('' for the whole row or file). */
  column: string;
  value: string;
  message: string;
}

export interface Sheet {
  headers: string[];
  rows: { row: number; cells: string[]; numeric: boolean[] }[];
}

export interface ImportOptions {
  /** Owner for rows without an owner e-mail. */
  defaultOwnerEmail?: string;
  /** Where to write the problem report; default FILE.errors.csv (FILE without its extension). */
  errorFile?: string;
  onProgress?: (phase: 'validate' | 'import', done: number, total: number) => void;
}

export interface ImportResult {
  rows: number;
  imported: number;
  problems: ImportProblem[];
  errorFile: string | null;
}

export function errorFileFor(file: string): string {
  const ext = extname(file);
  return `${ext ? file.slice(0, -ext.length) : file}.errors.csv`;
}

export async function importCustomersFile(
  ctx: AppContext,
  file: string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const errorFile = options.errorFile ?? errorFileFor(file);
  let sheet: Sheet;
  try {
    sheet = await readSheet(file);
  } catch (error) {
    const problems = [{ row: 0, column: '', value: '', message: (error as Error).message }];
    await writeProblems(errorFile, problems);
    return { rows: 0, imported: 0, problems, errorFile };
  }
  const { customers: valid, problems } = await validateCustomerRows(ctx, sheet, options);
  if (problems.length > 0) {
    await writeProblems(errorFile, problems);
    return { rows: sheet.rows.length, imported: 0, problems, errorFile };
  }
  const imported = await insertImported(ctx, file, valid, options);
  // Fresh planner statistics for the grown tables (PGlite has no autovacuum).
  if (imported >= 1000) await ctx.db.execute(sql`analyze customers, contacts, timeline_entries`);
  // A report from an earlier failed attempt no longer describes the file.
  await rm(errorFile, { force: true });
  return { rows: sheet.rows.length, imported, problems: [], errorFile: null };
}

// ---------------------------------------------------------------------------------------------
// Reading

export async function readSheet(file: string): Promise<Sheet> {
  const ext = extname(file).toLowerCase();
  if (ext === '.xlsx') return readXlsx(file);
  if (ext === '.csv' || ext === '.txt') return readCsv(file);
  throw new Error(`Unsupported file type "${ext || file}": use .csv or .xlsx`);
}

async function readCsv(file: string): Promise<Sheet> {
  const bytes = await readFile(file);
  const text = decodeText(bytes);
  const records: string[][] = parseCsv(text, {
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
  });
  const [headers = [], ...data] = records;
  return {
    headers: headers.map((h) => h.trim()),
    rows: data.map((cells, i) => ({ row: i + 2, cells, numeric: cells.map(() => false) })),
  };
}

/**
 * UTF-8 (with or without BOM), else GB18030 — what Excel on a Chinese Windows saves as "CSV",
 * so such files import without being converted first.
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

async function readXlsx(file: string): Promise<Sheet> {
  // The streaming reader keeps memory flat for 100 000-row sheets.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'cache',
    styles: 'cache',
    worksheets: 'emit',
  });
  let headers: string[] | null = null;
  const rows: Sheet['rows'] = [];
  for await (const worksheet of reader) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      const values = (row.values as unknown[]).slice(1);
      const cells = values.map(cellText);
      const numeric = values.map((v) => typeof v === 'number');
      if (!headers) {
        headers = cells.map((c) => c.trim());
        continue;
      }
      rows.push({ row: row.number, cells, numeric });
    }
    break; // the first worksheet only
  }
  return { headers: headers ?? [], rows };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return v.richText.map((r: { text: string }) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if (typeof v.text === 'string') return v.text;
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Validation

const PHONE = /^\+?[0-9()\-\s.]{3,30}(\s*(转|ext\.?|x|#)\s*[0-9]{1,6})?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const VALUE_CLASSES = ['A', 'B', 'C'];

interface ValidRow {
  row: number;
  customer: BulkCustomer;
}

/** Checks every row against the rules of a customer file and the database; returns the rows or the problems. */
export async function validateCustomerRows(
  ctx: AppContext,
  sheet: Sheet,
  options: ImportOptions = {},
): Promise<{ customers: ValidRow[]; problems: ImportProblem[] }> {
  const problems: ImportProblem[] = [];
  const columnIndex = new Map<ColumnKey, number>();
  const headerOf = new Map<ColumnKey, string>();
  sheet.headers.forEach((header, i) => {
    if (!header) return;
    const column = columnFor(header);
    if (!column) {
      problems.push({
        row: 1,
        column: header,
        value: header,
        message: `unknown column; use one of: ${COLUMNS.filter((c) => !c.readOnly)
          .map((c) => `${c.zh}/${c.en}`)
          .join(', ')}`,
      });
      return;
    }
    if (columnIndex.has(column.key)) {
      problems.push({
        row: 1,
        column: header,
        value: header,
        message: `the same column as "${headerOf.get(column.key)}" appears twice`,
      });
      return;
    }
    if (!column.readOnly) {
      columnIndex.set(column.key, i);
      headerOf.set(column.key, header);
    }
  });
  if (!columnIndex.has('name')) {
    problems.push({ row: 1, column: '', value: '', message: 'the file needs a 客户名称 (name) column' });
  }
  if (problems.length > 0) return { customers: [], problems };

  // Reference data, looked up once.
  const userRows = await ctx.db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      active: users.active,
      departmentId: users.departmentId,
    })
    .from(users);
  const usersByEmail = new Map(userRows.map((u) => [u.email.toLowerCase(), u]));
  const departmentRows = await ctx.db
    .select({ id: departments.id, code: departments.code, name: departments.name })
    .from(departments);
  const departmentsByKey = new Map<string, string>();
  for (const d of departmentRows) {
    departmentsByKey.set(d.code.toLowerCase(), d.id);
    departmentsByKey.set(d.name, d.id);
  }
  let defaultOwner: (typeof userRows)[number] | undefined;
  if (options.defaultOwnerEmail) {
    defaultOwner = usersByEmail.get(options.defaultOwnerEmail.trim().toLowerCase());
    const problem = ownerProblem(defaultOwner, options.defaultOwnerEmail);
    if (problem) {
      return {
        customers: [],
        problems: [{ row: 0, column: '--owner', value: options.defaultOwnerEmail, message: problem }],
      };
    }
  }

  const valid: ValidRow[] = [];
  const taxIdRows = new Map<string, number>();
  const nameRows = new Map<string, number>();
  const dataRows = sheet.rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
  let checked = 0;
  for (const { row, cells, numeric } of dataRows) {
    const before = problems.length;
    const report = (key: ColumnKey | '', value: string, message: string) =>
      problems.push({ row, column: key ? (headerOf.get(key) ?? headerName(key)) : '', value, message });
    // Data under no header is usually an unquoted comma that shifted the row's columns.
    cells.forEach((cell, i) => {
      if (cell.trim() && !sheet.headers[i]) {
        report(
          '',
          cell,
          `a value in column ${i + 1}, which has no header${sheet.headers.length <= i ? ` (the header has ${sheet.headers.length} columns; an unquoted comma?)` : ''}`,
        );
      }
    });
    const get = (key: ColumnKey): string => {
      const i = columnIndex.get(key);
      if (i === undefined) return '';
      return unneutraliseCell((cells[i] ?? '').trim());
    };
    const text = (key: ColumnKey, max: number): string | null => {
      const value = get(key);
      if (!value) return null;
      if ([...value].length > max) {
        report(key, value, `at most ${max} characters (this has ${[...value].length})`);
        return null;
      }
      return value;
    };
    const list = (key: ColumnKey, maxItems: number, maxLength: number): string[] => {
      const value = get(key);
      if (!value) return [];
      const items = [...new Set(splitList(value))];
      if (items.length > maxItems)
        report(key, value, `at most ${maxItems} entries (this has ${items.length})`);
      for (const item of items) {
        if ([...item].length > maxLength)
          report(key, item, `"${item}" is longer than ${maxLength} characters`);
      }
      return items;
    };
    const coded = (key: ColumnKey, parse: (v: string) => string | undefined, accepted: string): string[] => {
      const value = get(key);
      if (!value) return [];
      const codes: string[] = [];
      for (const item of splitList(value)) {
        const code = parse(item);
        if (code) codes.push(code);
        else report(key, item, `"${item}" is not one of ${accepted}`);
      }
      return [...new Set(codes)];
    };

    const name = text('name', 200);
    if (!get('name')) report('name', '', 'required');

    const kindText = get('kind');
    const kind = kindText ? parseKind(kindText) : 'company';
    if (!kind) report('kind', kindText, 'use 公司/company or 个人/person');

    let taxId: string | null = null;
    const rawTaxId = get('taxId');
    if (rawTaxId) {
      taxId = normalizeTaxId(rawTaxId);
      const problem = taxIdProblem(taxId);
      const wasNumber = numeric[columnIndex.get('taxId')!];
      if (problem) {
        report(
          'taxId',
          rawTaxId,
          wasNumber
            ? `${problem} (the cell is a number, and Excel keeps only 15 digits of numbers: format the column as text)`
            : problem,
        );
        taxId = null;
      } else if (taxIdRows.has(taxId)) {
        report('taxId', rawTaxId, `the same tax id as row ${taxIdRows.get(taxId)}`);
      } else {
        taxIdRows.set(taxId, row);
      }
    }
    if (name && kind !== 'person') {
      const key = normalizeCompanyName(name);
      if (nameRows.has(key)) report('name', name, `the same company as row ${nameRows.get(key)}`);
      else nameRows.set(key, row);
    }

    const shortName = text('shortName', 60);
    const industry = text('industry', 100);
    const phone = text('phone', 40);
    if (phone && !PHONE.test(phone))
      report(
        'phone',
        phone,
        'not a phone number (digits, spaces, dashes, brackets, optional + and 转 extension)',
      );
    const email = text('email', 254);
    if (email && !EMAIL.test(email)) report('email', email, 'not an e-mail address');
    const website = text('website', 200);
    const address = text('address', 300);
    const postcode = text('postcode', 20);
    if (postcode && !address) report('postcode', postcode, 'a postcode needs an address');
    const source = text('source', 100);

    const ownerEmail = get('ownerEmail');
    let owner = defaultOwner;
    if (ownerEmail) {
      owner = usersByEmail.get(ownerEmail.toLowerCase());
      const problem = ownerProblem(owner, ownerEmail);
      if (problem) report('ownerEmail', ownerEmail, problem);
    } else if (!owner) {
      report('ownerEmail', '', 'required (or give a default owner with --owner EMAIL)');
    }

    const stageText = get('stage');
    const stage = stageText
      ? (parseStage(stageText) ?? parseStage(stageText.replace(/客户$/, '')))
      : 'prospect';
    if (!stage)
      report(
        'stage',
        stageText,
        'use 潜在/洽谈/合作/维系/流失 (or prospect/negotiating/active/retained/churned)',
      );
    const churnReason = text('churnReason', 500);
    if (stage) {
      const problem = churnReasonProblem(stage, churnReason);
      if (problem) report('churnReason', churnReason ?? '', `${problem} (required when the stage is 流失)`);
    }

    const classText = get('valueClass');
    const valueClass = classText ? classText.replace(/[类级]$/, '').toUpperCase() : null;
    if (valueClass && !VALUE_CLASSES.includes(valueClass)) report('valueClass', classText, 'use A, B or C');

    const needText = get('needType');
    const needType = needText ? parseNeedType(needText) : null;
    if (needText && !needType)
      report('needType', needText, 'use 价格敏感型/服务主导型/产品主导型 (or price/service/product)');

    const bonds = coded('bonds', parseBond, '财务/社交/结构 (financial/social/structural)');
    const tags = list('tags', 30, 40);
    const competitors = list('competitors', 20, 100);
    const serviceModes = coded('serviceModes', parseMode, '空运/海运/公路/铁路/仓储/配送/报关');
    const cargoTypes = list('cargoTypes', 30, 60);
    const lanes: Lane[] = [];
    const laneText = get('lanes');
    if (laneText) {
      for (const item of splitList(laneText)) {
        const lane = parseLane(item);
        if (typeof lane === 'string') report('lanes', item, lane);
        else lanes.push(lane);
      }
      if (lanes.length > 50) report('lanes', laneText, 'at most 50 lanes');
    }
    const departmentIds: string[] = [];
    for (const item of splitList(get('departments'))) {
      const id = departmentsByKey.get(item.toLowerCase()) ?? departmentsByKey.get(item);
      if (id) departmentIds.push(id);
      else report('departments', item, `no department with code or name "${item}"`);
    }
    const notes = text('notes', 5000);

    const contactName = text('contactName', 100);
    const contactTitle = text('contactTitle', 100);
    const contactPhones = list('contactPhone', 10, 40);
    for (const p of contactPhones) if (!PHONE.test(p)) report('contactPhone', p, 'not a phone number');
    const contactEmail = text('contactEmail', 254);
    if (contactEmail && !EMAIL.test(contactEmail))
      report('contactEmail', contactEmail, 'not an e-mail address');
    const contactWechat = text('contactWechat', 60);
    if (!get('contactName') && (contactTitle || contactPhones.length || contactEmail || contactWechat)) {
      report('contactName', '', 'required when other contact columns are filled');
    }

    if (problems.length === before && name && owner && stage && kind) {
      valid.push({
        row,
        customer: {
          name,
          shortName,
          kind,
          taxId,
          industry,
          phone,
          email,
          website,
          addresses: address ? [{ kind: 'office', text: address, ...(postcode ? { postcode } : {}) }] : [],
          source,
          ownerId: owner.id,
          ownerName: owner.name,
          teamId: owner.departmentId,
          departmentIds: [...new Set(departmentIds)],
          stage,
          churnReason: stage === 'churned' ? churnReason : null,
          valueClass,
          needType,
          bonds,
          competitors,
          tags,
          requirements: { serviceModes, lanes, cargoTypes },
          notes,
          contacts: contactName
            ? [
                {
                  name: contactName,
                  title: contactTitle,
                  phones: contactPhones,
                  email: contactEmail,
                  wechat: contactWechat,
                  isPrimary: true,
                },
              ]
            : [],
        },
      });
    }
    checked++;
    if (checked % 500 === 0) options.onProgress?.('validate', checked, dataRows.length);
  }
  options.onProgress?.('validate', dataRows.length, dataRows.length);
  if (dataRows.length === 0)
    problems.push({ row: 0, column: '', value: '', message: 'the file has no data rows' });

  // Against what is stored: a tax id identifies one legal entity; the same registered name is the same company.
  await checkExisting(ctx, taxIdRows, 'taxId', headerOf.get('taxId') ?? 'taxId', problems);
  const companyNames = new Map<string, number>();
  for (const v of valid) if (v.customer.kind !== 'person') companyNames.set(v.customer.name, v.row);
  await checkExisting(ctx, companyNames, 'name', headerOf.get('name') ?? 'name', problems);
  problems.sort((a, b) => a.row - b.row);
  return { customers: problems.length ? [] : valid, problems };
}

/** The Chinese header of a column the file does not have (e.g. 流失原因 when the stage needs one). */
function headerName(key: ColumnKey): string {
  return COLUMNS.find((c) => c.key === key)?.zh ?? key;
}

function ownerProblem(owner: { role: string; active: boolean } | undefined, email: string): string | null {
  if (!owner) return `no user with e-mail ${email}`;
  if (!owner.active) return `${email} is deactivated`;
  if (!canOwnCustomers(owner.role as Parameters<typeof canOwnCustomers>[0]))
    return `${email} is a ${owner.role} user; owners are agents, supervisors or admins`;
  return null;
}

async function checkExisting(
  ctx: AppContext,
  values: Map<string, number>,
  field: 'taxId' | 'name',
  header: string,
  problems: ImportProblem[],
): Promise<void> {
  const all = [...values.keys()];
  const column = field === 'taxId' ? customers.taxId : customers.name;
  for (let i = 0; i < all.length; i += 1000) {
    const chunk = all.slice(i, i + 1000);
    const found = await ctx.db
      .select({ id: customers.id, name: customers.name, taxId: customers.taxId })
      .from(customers)
      .where(and(inArray(column, chunk), isNull(customers.archivedAt)));
    for (const existing of found) {
      const value = (field === 'taxId' ? existing.taxId : existing.name)!;
      problems.push({
        row: values.get(value)!,
        column: header,
        value,
        message:
          field === 'taxId'
            ? `already the tax id of customer "${existing.name}" (${existing.id})`
            : `a customer with this name already exists (${existing.id})`,
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

async function insertImported(
  ctx: AppContext,
  file: string,
  rows: ValidRow[],
  options: ImportOptions,
): Promise<number> {
  const actor = ctx.services.auth.systemActor();
  const chunk = 1000;
  await ctx.db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      const inserted = await insertCustomersBulk(
        tx,
        part.map((r) => r.customer),
        {
          timelineTitle: (name) => `导入客户档案：${name}`,
          timelineDetail: { importedFrom: basename(file) },
        },
      );
      await ctx.services.audit.recordMany(
        tx,
        actor,
        inserted.map((c, j) => ({
          action: 'import',
          entityType: 'customer',
          entityId: c.id,
          customerId: c.id,
          after: { ...c.values, contacts: part[j].customer.contacts, sourceRow: part[j].row },
        })),
      );
      options.onProgress?.('import', Math.min(i + chunk, rows.length), rows.length);
    }
  });
  return rows.length;
}

export async function writeProblems(file: string, problems: ImportProblem[]): Promise<void> {
  const csv = stringify([
    ['行号 row', '列 column', '值 value', '问题 problem'],
    ...problems.map((p) => [p.row || '', neutraliseCell(p.column), neutraliseCell(p.value), p.message]),
  ]);
  // BOM: Excel opens UTF-8 Chinese text correctly only with it.
  await writeFile(file, `\uFEFF${csv}`);
}

export function formatProblem(p: ImportProblem): string {
  const where = p.row ? `row ${p.row}` : 'file';
  const column = p.column ? `, ${p.column}` : '';
  const value = p.value ? ` ("${p.value.length > 40 ? `${p.value.slice(0, 40)}…` : p.value}")` : '';
  return `${where}${column}${value}: ${p.message}`;
}
