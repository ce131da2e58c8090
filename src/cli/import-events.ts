import { readFile, rm } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import ExcelJS from 'exceljs';
import type { Actor } from '../domain/access.ts';
import { fromEpcis } from '../domain/feeds/epcis.ts';
import { fromIata } from '../domain/feeds/iata.ts';
import { type RowProblem, type Table, eventRows, isTimeZone } from '../domain/feeds/tabular.ts';
import type { IncomingEvent } from '../domain/feeds/types.ts';
import type { AppContext } from '../server/context.ts';
import { type ImportProblem, errorFileFor, readSheet, writeProblems } from './import-customers.ts';

/**
 * `liaison import events FILE.csv|xlsx` — tracking events from a spreadsheet, through the same
 * ingestion as the API (`ctx.services.tracking.ingest`), in batches.
 *
 * Unlike customer files, events are not all-or-nothing: like a feed, a bad row never blocks the
 * good ones. Every good row is ingested (idempotently — a row imported before is a duplicate and
 * changes nothing), every bad row (a cell that does not read, or a reference that matches no
 * shipment) is reported with its row number in FILE.errors.csv, and the exit code is 1 when any
 * row failed. Fixing the reported rows and running the whole file again is always safe.
 *
 * A saved feed message — IATA FSU text / XFSU XML (.fsu, .xml) or an EPCIS 2.0 document (.json,
 * .jsonld), or any file with --format iata|epcis — goes through its adapter instead of the columns.
 */

export type EventFileFormat = 'table' | 'iata' | 'epcis';

/** The format by extension: .xml/.fsu IATA XFSU/FSU, .json/.jsonld EPCIS, anything else a table. */
export function formatOf(file: string): EventFileFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.xml' || ext === '.fsu') return 'iata';
  if (ext === '.json' || ext === '.jsonld') return 'epcis';
  return 'table';
}

export interface EventImportOptions {
  /** table (CSV/XLSX rows), iata (FSU text / XFSU XML) or epcis (EPCIS 2.0 JSON); default by extension. */
  format?: EventFileFormat;
  /** Where to write the problem report; default FILE.errors.csv. */
  errorFile?: string;
  /** Zone of times written without one; default the display time zone setting. */
  timeZone?: string;
  /** Source of rows without a 来源/source cell; default `csv`. */
  source?: string;
  /** Events per ingestion batch (one transaction each). */
  batchSize?: number;
  actor?: Actor;
  onProgress?: (done: number, total: number) => void;
}

export interface EventImportResult {
  rows: number;
  /** Outcome counts of the ingested rows (accepted, duplicate, replaced, retracted, superseded, rejected). */
  counts: Record<string, number>;
  problems: ImportProblem[];
  errorFile: string | null;
}

/**
 * A CSV or XLSX file as a table of text cells. Excel date cells keep their time of day
 * (`2026-03-14 09:30:00`, the wall clock as typed; Excel stores no zone).
 */
export async function readTable(file: string): Promise<Table> {
  const ext = extname(file).toLowerCase();
  if (ext !== '.xlsx') {
    const sheet = await readSheet(file);
    return { headers: sheet.headers, rows: sheet.rows.map((r) => ({ row: r.row, cells: r.cells })) };
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'cache',
    styles: 'cache',
    worksheets: 'emit',
  });
  let headers: string[] | null = null;
  const rows: Table['rows'] = [];
  for await (const worksheet of reader) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      // row.values is sparse (an empty cell is a hole): Array.from reads holes as '' so that
      // every later map/findIndex/Object.fromEntries sees a string in each column.
      const cells = Array.from((row.values as unknown[]).slice(1), cellText);
      if (!headers) {
        headers = cells.map((c) => c.trim());
        continue;
      }
      rows.push({ row: row.number, cells });
    }
    break; // the first worksheet only
  }
  return { headers: headers ?? [], rows };
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) {
    // ExcelJS gives the cell's wall-clock time as if it were UTC.
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return v.richText.map((r: { text: string }) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    // A formula Excel never calculated (no cached result): there is no value to read.
    if ('formula' in v || 'sharedFormula' in v) return '';
    if (typeof v.text === 'string') return v.text;
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}

export const toImportProblem = (p: RowProblem): ImportProblem => ({
  row: p.row,
  column: p.column,
  value: p.value,
  message: p.message,
});

export async function importEventsFile(
  ctx: AppContext,
  file: string,
  options: EventImportOptions = {},
): Promise<EventImportResult> {
  const format = options.format ?? formatOf(file);
  if (format !== 'table') return importFeedFile(ctx, file, format, options);
  const errorFile = options.errorFile ?? errorFileFor(file);
  const counts: Record<string, number> = {};
  let table: Table;
  try {
    table = await readTable(file);
  } catch (error) {
    const problems = [{ row: 0, column: '', value: '', message: (error as Error).message }];
    await writeProblems(errorFile, problems);
    return { rows: 0, counts, problems, errorFile };
  }
  const timeZone = options.timeZone ?? (await ctx.services.settings.displayTimeZone());
  if (!isTimeZone(timeZone)) {
    const problems = [
      { row: 0, column: '', value: timeZone, message: 'not a time zone (IANA name, e.g. Asia/Shanghai)' },
    ];
    await writeProblems(errorFile, problems);
    return { rows: 0, counts, problems, errorFile };
  }
  const parsed = eventRows(table, { timeZone, source: options.source });
  if (parsed.headerProblems.length > 0) {
    const problems = parsed.headerProblems.map(toImportProblem);
    await writeProblems(errorFile, problems);
    return { rows: table.rows.length, counts, problems, errorFile };
  }
  const problems: ImportProblem[] = [];
  const good: { row: number; event: IncomingEvent; reference: string }[] = [];
  for (const r of parsed.rows) {
    if (r.ok) good.push({ row: r.row, event: r.value, reference: r.value.shipmentRef ?? '' });
    else problems.push(...r.problems.map(toImportProblem));
  }
  const actor = options.actor ?? ctx.services.auth.systemActor();
  const batchSize = options.batchSize ?? 1000;
  const name = basename(file);
  const headers = table.headers;
  const cellsOf = new Map(table.rows.map((r) => [r.row, r.cells]));
  options.onProgress?.(0, good.length);
  for (let i = 0; i < good.length; i += batchSize) {
    const batch = good.slice(i, i + batchSize);
    // The row as read is the event's raw payload, like a feed message.
    const raw = batch.map((g) => ({
      file: name,
      row: g.row,
      cells: Object.fromEntries(headers.map((h, j) => [h, cellsOf.get(g.row)?.[j] ?? ''])),
    }));
    const answer = await ctx.services.tracking.ingest(
      actor,
      batch.map((g) => g.event),
      { raw, via: 'csv' },
    );
    for (const result of answer.results) {
      counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
      if (result.outcome === 'rejected') {
        const g = batch[result.index]!;
        problems.push({ row: g.row, column: '', value: g.reference, message: result.reason ?? 'rejected' });
      }
    }
    options.onProgress?.(Math.min(i + batchSize, good.length), good.length);
  }
  problems.sort((a, b) => a.row - b.row);
  if (problems.length > 0) {
    await writeProblems(errorFile, problems);
    return { rows: parsed.rows.length, counts, problems, errorFile };
  }
  // A report from an earlier run no longer describes the file.
  await rm(errorFile, { force: true });
  return { rows: parsed.rows.length, counts, problems: [], errorFile: null };
}

/**
 * A saved feed message (IATA FSU/XFSU, EPCIS 2.0 document) through its adapter and the ingestion,
 * as if posted to /api/tracking-events/iata|epcis. Problems name the event's position in the file.
 */
async function importFeedFile(
  ctx: AppContext,
  file: string,
  format: 'iata' | 'epcis',
  options: EventImportOptions,
): Promise<EventImportResult> {
  const errorFile = options.errorFile ?? errorFileFor(file);
  const counts: Record<string, number> = {};
  const problems: ImportProblem[] = [];
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    problems.push({ row: 0, column: '', value: '', message: (error as Error).message });
    await writeProblems(errorFile, problems);
    return { rows: 0, counts, problems, errorFile };
  }
  const source = options.source ?? format;
  const mapped = format === 'iata' ? fromIata(text, { now: ctx.now(), source }) : fromEpcis(text, { source });
  const actor = options.actor ?? ctx.services.auth.systemActor();
  const batchSize = options.batchSize ?? 1000;
  options.onProgress?.(0, mapped.length);
  for (let i = 0; i < mapped.length; i += batchSize) {
    const answer = await ctx.services.tracking.ingestAdapted(actor, mapped.slice(i, i + batchSize), format);
    for (const result of answer.results) {
      counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
      if (result.outcome === 'rejected')
        problems.push({
          row: 0,
          column: `event ${result.index + 1}`,
          value: '',
          message: result.reason ?? 'rejected',
        });
    }
    options.onProgress?.(Math.min(i + batchSize, mapped.length), mapped.length);
  }
  if (problems.length > 0) {
    await writeProblems(errorFile, problems);
    return { rows: mapped.length, counts, problems, errorFile };
  }
  await rm(errorFile, { force: true });
  return { rows: mapped.length, counts, problems: [], errorFile: null };
}
