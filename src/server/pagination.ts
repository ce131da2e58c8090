import { type SQL, and, eq, gt, lt, or } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { badRequest } from './problems.ts';
import { isUuid } from './schemas.ts';

/** Opaque keyset cursors: the sort key and id of the last row of a page. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === arity) return values;
  } catch {
    // fall through to the error below
  }
  throw badRequest('The cursor is not valid; start again from the first page.', [
    { field: 'cursor', message: 'invalid cursor' },
  ]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Fetch limit+1 rows, return limit and a cursor when there is more. */
export function toPage<T>(rows: T[], limit: number, key: (row: T) => unknown[]): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? encodeCursor(key(items[items.length - 1])) : null };
}

/**
 * A (time, uuid) keyset cursor, checked: a forged or mangled one answers 400 and never reaches SQL.
 * Times carry milliseconds, as every time the app writes does.
 */
export function decodeTimeCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  const values = decodeCursor(cursor, 2);
  if (!values) return undefined;
  const at = typeof values[0] === 'string' ? new Date(values[0]) : new Date(Number.NaN);
  const id = values[1];
  if (Number.isNaN(at.getTime()) || typeof id !== 'string' || !isUuid(id)) {
    throw badRequest('The cursor is not valid; start again from the first page.', [
      { field: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return { at, id };
}

/** Rows after the cursor in (time, id) order, ascending or descending. */
export function afterTimeCursor(
  time: PgColumn,
  id: PgColumn,
  cursor: { at: Date; id: string },
  order: 'asc' | 'desc',
): SQL {
  const beyond = order === 'asc' ? gt : lt;
  return or(beyond(time, cursor.at), and(eq(time, cursor.at), beyond(id, cursor.id))) as SQL;
}
