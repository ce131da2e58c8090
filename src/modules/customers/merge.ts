import { sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/index.ts';
import { commitments } from '../commitments/tables.ts';
import { followUps } from '../followups/tables.ts';
import { interactions } from '../interactions/tables.ts';
import { tickets } from '../tickets/tables.ts';
import { timelineEntries } from '../timeline/tables.ts';
import { users } from '../users/tables.ts';
import { workOrders } from '../workorders/tables.ts';
import { contacts, ownershipTransfers } from './tables.ts';

/**
 * Tables whose rows belong to a customer through a customer id column. Merging two files moves
 * every row of every registered table from the folded file to the surviving one, so nothing is
 * lost. A later module (tickets, shipments, surveys…) adds its tables with one call next to its
 * table definitions:
 *
 *   registerCustomerOwnedTable('tickets', tickets, tickets.customerId);
 */
export interface CustomerOwnedTable {
  /** The key in the merge record's `moved` counts. */
  name: string;
  table: PgTable;
  column: PgColumn;
}

const registry = new Map<string, CustomerOwnedTable>();

export function registerCustomerOwnedTable(name: string, table: PgTable, column: PgColumn): void {
  registry.set(name, { name, table, column });
}

export function customerOwnedTables(): CustomerOwnedTable[] {
  return [...registry.values()];
}

registerCustomerOwnedTable('contacts', contacts, contacts.customerId);
registerCustomerOwnedTable('interactions', interactions, interactions.customerId);
registerCustomerOwnedTable('followUps', followUps, followUps.customerId);
registerCustomerOwnedTable('ownershipTransfers', ownershipTransfers, ownershipTransfers.customerId);
registerCustomerOwnedTable('timelineEntries', timelineEntries, timelineEntries.customerId);
registerCustomerOwnedTable('commitments', commitments, commitments.customerId);
registerCustomerOwnedTable('workOrders', workOrders, workOrders.customerId);
registerCustomerOwnedTable('tickets', tickets, tickets.customerId);
// Portal accounts of the folded customer now see the surviving file.
registerCustomerOwnedTable('portalUsers', users, users.customerId);

/** Moves every registered table's rows from one customer to another; returns how many moved per table. */
export async function moveCustomerRecords(
  tx: DbOrTx,
  sourceId: string,
  targetId: string,
): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const { name, table, column } of registry.values()) {
    const result = await tx.execute(
      sql`with moved as (update ${table} set ${sql.identifier(column.name)} = ${targetId} where ${column} = ${sourceId} returning 1) select count(*)::int as n from moved`,
    );
    const rows = (result as unknown as { rows: { n: number }[] }).rows;
    moved[name] = Number(rows[0]?.n ?? 0);
  }
  return moved;
}
