import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { DbOrTx } from '../../db/index.ts';
import { departments } from '../departments/tables.ts';
import { users } from '../users/tables.ts';
import {
  BOND_LABELS,
  COLUMNS,
  KIND_LABELS,
  MODE_LABELS,
  NEED_TYPE_LABELS,
  STAGE_LABELS,
  formatLane,
  neutraliseCell,
} from './columns.ts';
import { contacts, type customers } from './tables.ts';

/**
 * Writing customer files as a spreadsheet, shared by `liaison export customers` and
 * `GET /api/customers/export`: the caller chooses which customers (a batch at a time, so 100 000
 * customers need little memory); this adds each one's owner and primary contact, writes the
 * columns the import reads, and neutralises every cell against formula injection. CSV gets a
 * UTF-8 BOM so Excel shows Chinese correctly.
 */

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A customer file as exported: every column but the search index, which is large and not for people. */
export type ExportCustomer = Omit<typeof customers.$inferSelect, 'searchVector' | 'searchPhones'>;

export interface WriteExportOptions {
  format: ExportFormat;
  /** Where the file goes (a file, stdout, an HTTP response). */
  out: Writable;
  headers?: 'zh' | 'en';
  /** Called after each batch with the number of rows written so far. */
  onRows?: (written: number) => void;
}

/** Writes the customers the batches yield and ends `out`; answers how many rows were written. */
export async function writeCustomerExport(
  db: DbOrTx,
  batches: AsyncIterable<ExportCustomer[]>,
  options: WriteExportOptions,
): Promise<number> {
  const { out } = options;
  const header = COLUMNS.map((c) => (options.headers === 'en' ? c.en : c.zh));
  const departmentNames = new Map(
    (await db.select({ id: departments.id, name: departments.name }).from(departments)).map((d) => [
      d.id,
      d.name,
    ]),
  );
  // A stream error (disk full, client gone) surfaces at the next write instead of crashing.
  let streamError: Error | undefined;
  out.on('error', (error) => {
    streamError = error;
  });
  const sink = options.format === 'csv' ? csvSink(out) : xlsxSink(out, header);
  if (options.format === 'csv') await sink.write([header]);
  let written = 0;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    const ids = batch.map((c) => c.id);
    const ownerIds = [...new Set(batch.map((c) => c.ownerId))];
    const [primaries, owners] = await Promise.all([
      db
        .select()
        .from(contacts)
        .where(
          and(inArray(contacts.customerId, ids), eq(contacts.isPrimary, true), isNull(contacts.archivedAt)),
        ),
      db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(inArray(users.id, ownerIds)),
    ]);
    const primaryOf = new Map(primaries.map((c) => [c.customerId, c]));
    const ownerOf = new Map(owners.map((o) => [o.id, o]));
    const rows = batch.map((customer) =>
      exportRow(customer, ownerOf.get(customer.ownerId), primaryOf.get(customer.id), departmentNames).map(
        (cell) => neutraliseCell(cell),
      ),
    );
    await sink.write(rows);
    if (streamError) throw streamError;
    if (out.destroyed) throw new Error('The output closed before the export was written.');
    written += rows.length;
    options.onRows?.(written);
  }
  await sink.end();
  if (streamError) throw streamError;
  return written;
}

type ContactRow = typeof contacts.$inferSelect;

const LIST = '、';

function exportRow(
  c: ExportCustomer,
  owner: { name: string; email: string } | undefined,
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
    ownerName: owner?.name ?? '',
    ownerEmail: owner?.email ?? '',
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

const shanghaiDay = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * `attachment; filename="customers-20250314.csv"` (the day in China when the file was made), with
 * the Chinese name 客户-20250314.csv as the RFC 6266 `filename*` for Chinese headers.
 */
export function exportDisposition(format: ExportFormat, at: Date, headers: 'zh' | 'en' = 'zh'): string {
  const day = shanghaiDay.format(at).replace(/-/g, '');
  const ascii = `customers-${day}.${format}`;
  const utf8 = headers === 'zh' ? `客户-${day}.${format}` : ascii;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(utf8)}`;
}

interface Sink {
  write(rows: string[][]): Promise<void>;
  end(): Promise<void>;
}

function writeChunk(out: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else drained(out).then(resolve, reject);
  });
}

/** Resolves when `out` takes more data; rejects when it fails or closes first (client gone). */
function drained(out: Writable): Promise<void> {
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (error: Error) => done(error);
    const onClose = () => done(new Error('The output closed before the export was written.'));
    out.once('drain', onDrain);
    out.once('error', onError);
    out.once('close', onClose);
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
      // The workbook pipes into `out`; let a slow reader catch up instead of buffering the file.
      await drained(out);
    },
    async end() {
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
      sheet.commit();
      await workbook.commit();
      // The workbook ends the stream itself; wait until the bytes are written.
      if (out !== process.stdout) await finished(out, { readable: false });
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
  out.end();
  return finished(out, { readable: false });
}
