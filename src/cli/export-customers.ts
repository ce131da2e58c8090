import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, getTableColumns, gt, inArray, isNull, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { contacts, customers } from '../modules/customers/tables.ts';
import { departments } from '../modules/departments/tables.ts';
import { users } from '../modules/users/tables.ts';
import type { AppContext } from '../server/context.ts';
import {
  BOND_LABELS,
  COLUMNS,
  KIND_LABELS,
  MODE_LABELS,
  NEED_TYPE_LABELS,
  STAGE_LABELS,
  formatLane,
  neutraliseCell,
} from './customer-columns.ts';

/**
 * `liaison export customers`: every customer file that is not archived, with its owner, stage,
 * class, tags, requirements and primary contact, in the columns the import reads. Read page by page
 * (keyset on id) and written as it goes, so 100 000 customers need little memory. Every cell is
 * neutralised against formula injection; CSV gets a UTF-8 BOM so Excel shows Chinese correctly.
 */

export interface ExportOptions {
  format: 'csv' | 'xlsx';
  /** Output stream (stdout, a file). */
  out: Writable;
  headers?: 'zh' | 'en';
  onProgress?: (done: number, total: number) => void;
}

const PAGE = 1000;

// Everything but the search index columns, which are large and not for people.
const { searchVector: _vector, searchPhones: _phones, ...exportColumns } = getTableColumns(customers);

export async function countExportable(ctx: AppContext): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(customers)
    .where(isNull(customers.archivedAt));
  return row.n;
}

export async function exportCustomers(ctx: AppContext, options: ExportOptions): Promise<number> {
  const total = await countExportable(ctx);
  const header = COLUMNS.map((c) => (options.headers === 'en' ? c.en : c.zh));
  const departmentNames = new Map(
    (await ctx.db.select({ id: departments.id, name: departments.name }).from(departments)).map((d) => [
      d.id,
      d.name,
    ]),
  );
  // A stream error (disk full, no such directory) surfaces at the next write instead of crashing.
  let streamError: Error | undefined;
  options.out.on('error', (error) => {
    streamError = error;
  });
  const sink = options.format === 'csv' ? csvSink(options.out) : xlsxSink(options.out, header);
  if (options.format === 'csv') await sink.write([header]);
  let written = 0;
  let after: string | null = null;
  options.onProgress?.(0, total);
  for (;;) {
    const page = await ctx.db
      .select({
        customer: exportColumns,
        ownerName: users.name,
        ownerEmail: users.email,
      })
      .from(customers)
      .leftJoin(users, eq(users.id, customers.ownerId))
      .where(and(isNull(customers.archivedAt), after ? gt(customers.id, after) : undefined))
      .orderBy(asc(customers.id))
      .limit(PAGE);
    if (page.length === 0) break;
    const ids = page.map((p) => p.customer.id);
    const primaries = await ctx.db
      .select()
      .from(contacts)
      .where(
        and(inArray(contacts.customerId, ids), eq(contacts.isPrimary, true), isNull(contacts.archivedAt)),
      );
    const primaryOf = new Map(primaries.map((c) => [c.customerId, c]));
    const rows = page.map(({ customer, ownerName, ownerEmail }) =>
      exportRow(customer, ownerName, ownerEmail, primaryOf.get(customer.id), departmentNames).map((cell) =>
        neutraliseCell(cell),
      ),
    );
    await sink.write(rows);
    if (streamError) throw streamError;
    written += rows.length;
    after = ids[ids.length - 1];
    options.onProgress?.(written, Math.max(total, written));
    if (page.length < PAGE) break;
  }
  await sink.end();
  if (streamError) throw streamError;
  return written;
}

type CustomerRow = Omit<typeof customers.$inferSelect, 'searchVector' | 'searchPhones'>;
type ContactRow = typeof contacts.$inferSelect;

const LIST = '、';

function exportRow(
  c: CustomerRow,
  ownerName: string | null,
  ownerEmail: string | null,
  contact: ContactRow | undefined,
  departmentNames: Map<string, string>,
): string[] {
  const address =
    c.addresses.find((a) => a.kind === 'office') ??
    c.addresses.find((a) => a.kind === 'registered') ??
    c.addresses[0];
  const req = c.requirements ?? {};
  const values: Record<string, string> = {
    id: c.id,
    name: c.name,
    shortName: c.shortName ?? '',
    kind: KIND_LABELS[c.kind] ?? c.kind,
    taxId: c.taxId ?? '',
    industry: c.industry ?? '',
    phone: c.phone ?? '',
    email: c.email ?? '',
    website: c.website ?? '',
    address: address?.text ?? '',
    postcode: address?.postcode ?? '',
    source: c.source ?? '',
    ownerName: ownerName ?? '',
    ownerEmail: ownerEmail ?? '',
    stage: STAGE_LABELS[c.stage] ?? c.stage,
    churnReason: c.churnReason ?? '',
    valueClass: c.valueClass ?? '',
    needType: c.needType ? (NEED_TYPE_LABELS[c.needType] ?? c.needType) : '',
    bonds: c.bonds.map((b) => BOND_LABELS[b] ?? b).join(LIST),
    tags: c.tags.join(LIST),
    competitors: c.competitors.join(LIST),
    serviceModes: (req.serviceModes ?? []).map((m) => MODE_LABELS[m] ?? m).join(LIST),
    lanes: (req.lanes ?? []).map(formatLane).join('; '),
    cargoTypes: (req.cargoTypes ?? []).join(LIST),
    departments: c.departmentIds.map((id) => departmentNames.get(id) ?? id).join(LIST),
    notes: c.notes ?? '',
    contactName: contact?.name ?? '',
    contactTitle: contact?.title ?? '',
    contactPhone: (contact?.phones ?? []).join(LIST),
    contactEmail: contact?.email ?? '',
    contactWechat: contact?.wechat ?? '',
    createdAt: shanghai(c.createdAt),
    verifiedAt: c.verifiedAt ? shanghai(c.verifiedAt) : '',
  };
  return COLUMNS.map((column) => values[column.key] ?? '');
}

const shanghaiFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function shanghai(date: Date): string {
  return shanghaiFormat.format(date);
}

interface Sink {
  write(rows: string[][]): Promise<void>;
  end(): Promise<void>;
}

function writeChunk(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) return resolve();
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

function csvSink(out: Writable): Sink {
  let first = true;
  return {
    async write(rows) {
      const text = stringify(rows, { record_delimiter: '\r\n' });
      await writeChunk(out, first ? `\uFEFF${text}` : text);
      first = false;
    },
    async end() {
      await endStream(out);
    },
  };
}

function xlsxSink(out: Writable, header: string[]): Sink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('客户 Customers', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = header.map((h, i) => ({
    header: h,
    key: String(i),
    width: COLUMN_WIDTHS[COLUMNS[i].key] ?? 14,
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  return {
    async write(rows) {
      for (const row of rows) sheet.addRow(row).commit();
    },
    async end() {
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
      sheet.commit();
      await workbook.commit();
      // The workbook ends a file stream itself; wait until the bytes are on disk.
      if (out !== process.stdout && !out.writableFinished)
        await new Promise((resolve) => out.once('finish', resolve));
    },
  };
}

const COLUMN_WIDTHS: Partial<Record<string, number>> = {
  id: 38,
  name: 32,
  taxId: 22,
  address: 40,
  lanes: 36,
  notes: 40,
  email: 26,
  ownerEmail: 28,
  contactEmail: 28,
  createdAt: 18,
  verifiedAt: 18,
};

function endStream(out: Writable): Promise<void> {
  if (out === process.stdout) return new Promise((resolve) => out.write('', () => resolve()));
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

/** A write stream for the output file, or stdout for `-`. */
export function openOutput(path: string): Writable {
  return path === '-' ? process.stdout : createWriteStream(path);
}
