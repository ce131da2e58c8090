import { uuidv7 } from 'uuidv7';
import { insertRowsJson } from '../../db/bulk.ts';
import type { DbOrTx } from '../../db/index.ts';
import { timelineEntries } from '../timeline/tables.ts';
import { interactions } from './tables.ts';
import { INTERACTION_LOGGED, interactionTimelineDetail, interactionTimelineTitle } from './timeline.ts';

/**
 * Bulk insert of interactions (demo data, imports), each with the timeline entry a single logged
 * interaction gets (same kind, title and detail as the interactions service writes). The timeline
 * rows are written here in the same bulk statement style rather than through TimelineService.add,
 * which would cost one ORM round per 1 000 rows. Runs in the caller's transaction.
 */
export type BulkInteraction = Omit<typeof interactions.$inferInsert, 'id'>;

export async function insertInteractionsBulk(tx: DbOrTx, rows: BulkInteraction[]): Promise<string[]> {
  const withIds = rows.map((row) => ({ ...row, id: uuidv7() }));
  await insertRowsJson(tx, interactions, withIds);
  await insertRowsJson(
    tx,
    timelineEntries,
    withIds.map((row) => ({
      id: uuidv7(),
      customerId: row.customerId,
      at: row.occurredAt,
      kind: INTERACTION_LOGGED,
      refType: 'interaction',
      refId: row.id,
      title: interactionTimelineTitle(row),
      detail: interactionTimelineDetail(row),
      departmentId: row.departmentId ?? null,
      actorId: row.userId,
      createdAt: row.createdAt ?? new Date(),
    })),
  );
  return withIds.map((row) => row.id);
}
