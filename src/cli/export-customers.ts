import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { and, asc, getTableColumns, gt, isNull, sql } from 'drizzle-orm';
import { type ExportCustomer, writeCustomerExport } from '../modules/customers/export.ts';
import { customers } from '../modules/customers/tables.ts';
import type { AppContext } from '../server/context.ts';

/**
 * `liaison export customers`: every customer file that is not archived, with its owner, stage,
 * class, tags, requirements and primary contact, in the columns the import reads. Read page by page
 * (keyset on id) and written as it goes (src/modules/customers/export.ts, shared with the API).
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

async function* activeCustomers(ctx: AppContext): AsyncGenerator<ExportCustomer[]> {
  let after: string | null = null;
  for (;;) {
    const page: ExportCustomer[] = await ctx.db
      .select(exportColumns)
      .from(customers)
      .where(and(isNull(customers.archivedAt), after ? gt(customers.id, after) : undefined))
      .orderBy(asc(customers.id))
      .limit(PAGE);
    if (page.length === 0) return;
    yield page;
    if (page.length < PAGE) return;
    after = page[page.length - 1].id;
  }
}

export async function exportCustomers(ctx: AppContext, options: ExportOptions): Promise<number> {
  const total = await countExportable(ctx);
  options.onProgress?.(0, total);
  return writeCustomerExport(ctx.db, activeCustomers(ctx), {
    format: options.format,
    out: options.out,
    headers: options.headers,
    onRows: (done) => options.onProgress?.(done, Math.max(total, done)),
  });
}

/** A write stream for the output file, or stdout for `-`. */
export function openOutput(path: string): Writable {
  return path === '-' ? process.stdout : createWriteStream(path);
}
