import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { followUps } from './tables.ts';

/** Bulk insert of follow-up tasks (demo data, imports) in multi-row statements, in the caller's transaction. */
export type BulkFollowUp = Omit<typeof followUps.$inferInsert, 'id'>;

const CHUNK = 1000;

export async function insertFollowUpsBulk(
  tx: DbOrTx,
  rows: BulkFollowUp[],
): Promise<(BulkFollowUp & { id: string })[]> {
  const inserted: (BulkFollowUp & { id: string })[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((row) => ({ ...row, id: uuidv7() }));
    await tx.insert(followUps).values(chunk);
    inserted.push(...chunk);
  }
  return inserted;
}
