import { rm } from 'node:fs/promises';
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Actor } from '../domain/access.ts';
import { type ShipmentRow, isTimeZone, shipmentRows } from '../domain/feeds/tabular.ts';
import { customers } from '../modules/customers/tables.ts';
import { departments } from '../modules/departments/tables.ts';
import type { ShipmentCreate } from '../modules/shipments/schema.ts';
import { shipmentReferences, shipments } from '../modules/shipments/tables.ts';
import type { AppContext } from '../server/context.ts';
import { Problem } from '../server/problems.ts';
import { isUuid } from '../server/schemas.ts';
import { type ImportProblem, errorFileFor, writeProblems } from './import-customers.ts';
import { readTable, toImportProblem } from './import-events.ts';

/**
 * `liaison import shipments FILE.csv|xlsx` — shipments from a spreadsheet, each created through
 * `ctx.services.shipments.create` (same checks, numbering, references, timeline and audit as the
 * API). Row by row: a bad row is reported (FILE.errors.csv, exit code 1) and the others are
 * created. A row whose order no., B/L, booking, AWB or customer reference already names a shipment
 * of the same customer is skipped as imported before, so running the same file again after fixing
 * the reported rows creates only those.
 */

export interface ShipmentImportOptions {
  errorFile?: string;
  /** Zone of times written without one; default the display time zone setting. */
  timeZone?: string;
  actor?: Actor;
  onProgress?: (done: number, total: number) => void;
}

export interface ShipmentImportResult {
  rows: number;
  created: { row: number; id: string; number: string }[];
  /** Rows already imported (by one of their references): the existing shipment's number. */
  skipped: { row: number; number: string }[];
  problems: ImportProblem[];
  errorFile: string | null;
}

const REFERENCE_FIELDS = [
  ['orderNo', 'order'],
  ['houseBl', 'house_bl'],
  ['masterBl', 'master_bl'],
  ['bookingRef', 'booking'],
  ['awb', 'awb'],
  ['customerReference', 'customer_ref'],
] as const;

/** Stored reference form (see ShipmentsService.writeReferences): upper case, no spaces; AWB without separators. */
const storedForm = (kind: string, value: string) => {
  const v = value.replace(/\s+/g, '').toUpperCase();
  return kind === 'awb' ? v.replace(/[-./]/g, '') : v;
};

export async function importShipmentsFile(
  ctx: AppContext,
  file: string,
  options: ShipmentImportOptions = {},
): Promise<ShipmentImportResult> {
  const errorFile = options.errorFile ?? errorFileFor(file);
  const result: ShipmentImportResult = { rows: 0, created: [], skipped: [], problems: [], errorFile: null };
  let table: Awaited<ReturnType<typeof readTable>>;
  try {
    table = await readTable(file);
  } catch (error) {
    result.problems = [{ row: 0, column: '', value: '', message: (error as Error).message }];
    await writeProblems(errorFile, result.problems);
    return { ...result, errorFile };
  }
  const timeZone = options.timeZone ?? (await ctx.services.settings.displayTimeZone());
  if (!isTimeZone(timeZone)) {
    result.problems = [
      { row: 0, column: '', value: timeZone, message: 'not a time zone (IANA name, e.g. Asia/Shanghai)' },
    ];
    await writeProblems(errorFile, result.problems);
    return { ...result, errorFile };
  }
  const parsed = shipmentRows(table, { timeZone });
  result.rows = parsed.rows.length;
  if (parsed.headerProblems.length > 0) {
    result.problems = parsed.headerProblems.map(toImportProblem);
    await writeProblems(errorFile, result.problems);
    return { ...result, errorFile };
  }
  const columnOf = (key: string, fallback: string) => {
    const i = table.headers.findIndex((h) => h.trim() !== '' && fallback.split('|').includes(h.trim()));
    return i >= 0 ? table.headers[i]! : key;
  };
  const customerColumn = columnOf('customer', '客户|客户名称|客户编号|customer|customer name|customerId');
  const departmentColumn = columnOf('department', '部门|操作部门|部门代码|department|departmentId');

  const good = parsed.rows
    .filter((r) => r.ok)
    .map((r) => ({ row: r.row, value: (r as { value: ShipmentRow }).value }));
  for (const r of parsed.rows) if (!r.ok) result.problems.push(...r.problems.map(toImportProblem));

  const customerIds = await resolveCustomers(ctx, [...new Set(good.map((g) => g.value.customer))]);
  const departmentIds = await resolveDepartments(ctx, [...new Set(good.map((g) => g.value.department))]);
  const actor = options.actor ?? ctx.services.auth.systemActor();
  options.onProgress?.(0, good.length);
  let done = 0;
  for (const { row, value } of good) {
    const customer = customerIds.get(value.customer) ?? { reason: 'no such customer' };
    const department = departmentIds.get(value.department) ?? { reason: 'no such department' };
    if ('reason' in customer)
      result.problems.push({ row, column: customerColumn, value: value.customer, message: customer.reason });
    if ('reason' in department)
      result.problems.push({
        row,
        column: departmentColumn,
        value: value.department,
        message: department.reason,
      });
    const identified =
      REFERENCE_FIELDS.some(([field]) => value[field]) || (value.containers ?? []).length > 0;
    if (!identified)
      result.problems.push({
        row,
        column: '',
        value: '',
        message:
          'no reference: give an order no., B/L, booking, AWB, container or customer reference, so that running the file again does not create this shipment twice',
      });
    if ('id' in customer && 'id' in department && identified) {
      const existing = await alreadyImported(ctx, customer.id, value);
      if (existing) {
        result.skipped.push({ row, number: existing });
      } else {
        const { customer: _c, department: _d, ...fields } = value;
        const input = { ...fields, customerId: customer.id, departmentId: department.id } as ShipmentCreate;
        try {
          const created = await ctx.services.shipments.create(actor, input);
          result.created.push({ row, id: created.id, number: created.number });
        } catch (error) {
          result.problems.push(...problemsOf(row, error));
        }
      }
    }
    options.onProgress?.(++done, good.length);
  }
  result.problems.sort((a, b) => a.row - b.row);
  if (result.problems.length > 0) {
    await writeProblems(errorFile, result.problems);
    return { ...result, errorFile };
  }
  await rm(errorFile, { force: true });
  return result;
}

/** A service refusal as report lines: one per field problem, else the detail. */
function problemsOf(row: number, error: unknown): ImportProblem[] {
  if (error instanceof Problem) {
    const fields = error.extra.errors ?? [];
    if (fields.length > 0)
      return fields.map((f) => ({
        row,
        column: f.field.replace(/^\/?body\/?/, ''),
        value: '',
        message: f.message,
      }));
    return [{ row, column: '', value: '', message: error.detail ?? error.title }];
  }
  return [{ row, column: '', value: '', message: (error as Error).message }];
}

type Resolved = { id: string } | { reason: string };

/** Customer cell (id, unified social credit code or exact name) → id, or why not. */
async function resolveCustomers(ctx: AppContext, keys: string[]): Promise<Map<string, Resolved>> {
  const out = new Map<string, Resolved>();
  if (keys.length === 0) return out;
  const ids = keys.filter(isUuid);
  const rows = await ctx.db
    .select({ id: customers.id, name: customers.name, taxId: customers.taxId })
    .from(customers)
    .where(
      and(
        isNull(customers.archivedAt),
        isNull(customers.mergedIntoId),
        or(
          inArray(customers.name, keys),
          inArray(
            customers.taxId,
            keys.map((k) => k.toUpperCase()),
          ),
          ...(ids.length > 0 ? [inArray(customers.id, ids)] : []),
        ),
      ),
    );
  for (const key of keys) {
    const matches = rows.filter((r) => r.id === key || r.taxId === key.toUpperCase() || r.name === key);
    if (matches.length === 1) out.set(key, { id: matches[0]!.id });
    else if (matches.length > 1)
      out.set(key, {
        reason: `${matches.length} customers match; use the customer id or the unified social credit code`,
      });
    else out.set(key, { reason: 'no customer file with this name, id or unified social credit code' });
  }
  return out;
}

/** Department cell (id, code or name) → id, or why not. */
async function resolveDepartments(ctx: AppContext, keys: string[]): Promise<Map<string, Resolved>> {
  const out = new Map<string, Resolved>();
  if (keys.length === 0) return out;
  const rows = await ctx.db
    .select({ id: departments.id, code: departments.code, name: departments.name })
    .from(departments);
  for (const key of keys) {
    const k = key.trim();
    const exact = rows.find((r) => r.id === k) ?? rows.find((r) => r.code.toUpperCase() === k.toUpperCase());
    const byName = rows.filter((r) => r.name === k);
    if (exact) out.set(key, { id: exact.id });
    else if (byName.length === 1) out.set(key, { id: byName[0]!.id });
    else
      out.set(key, {
        reason:
          byName.length > 1
            ? `${byName.length} departments have this name; use the code`
            : 'no department with this code or name',
      });
  }
  return out;
}

/** The number of a shipment of this customer that already carries one of the row's references. */
async function alreadyImported(
  ctx: AppContext,
  customerId: string,
  row: ShipmentRow,
): Promise<string | null> {
  const pairs = REFERENCE_FIELDS.flatMap(([field, kind]) => {
    const v = row[field];
    return v
      ? [sql`(${shipmentReferences.kind} = ${kind} and ${shipmentReferences.value} = ${storedForm(kind, v)})`]
      : [];
  });
  if (pairs.length === 0) {
    // Containers only: containers are reused from shipment to shipment, so only a shipment of
    // this customer still under way (not delivered, not cancelled) with one of them is the same.
    const containers = (row.containers ?? []).map((c) => storedForm('container', c));
    if (containers.length === 0) return null;
    const [open] = await ctx.db
      .select({ number: shipments.number })
      .from(shipmentReferences)
      .innerJoin(shipments, eq(shipments.id, shipmentReferences.shipmentId))
      .where(
        and(
          eq(shipments.customerId, customerId),
          isNull(shipments.cancelledAt),
          isNull(shipments.deliveredAt),
          eq(shipmentReferences.kind, 'container'),
          inArray(shipmentReferences.value, containers),
        ),
      )
      .limit(1);
    return open?.number ?? null;
  }
  const [hit] = await ctx.db
    .select({ number: shipments.number })
    .from(shipmentReferences)
    .innerJoin(shipments, eq(shipments.id, shipmentReferences.shipmentId))
    .where(and(eq(shipments.customerId, customerId), isNull(shipments.cancelledAt), or(...pairs)))
    .limit(1);
  return hit?.number ?? null;
}
