import { uuidv7 } from 'uuidv7';
import { insertRowsJson } from '../../db/bulk.ts';
import type { DbOrTx } from '../../db/index.ts';
import { followUps } from './tables.ts';

/** Bulk insert of follow-up tasks (demo data, imports), in the caller's transaction. */
export type BulkFollowUp = Omit<typeof followUps.$inferInsert, 'id'>;

export async function insertFollowUpsBulk(
  tx: DbOrTx,
  rows: BulkFollowUp[],
): Promise<(BulkFollowUp & { id: string })[]> {
  const withIds = rows.map((row) => ({ ...row, id: uuidv7() }));
  await insertRowsJson(tx, followUps, withIds);
  return withIds;
}
