import { uuidv7 } from 'uuidv7';
import { insertRowsJson } from '../../db/bulk.ts';
import type { DbOrTx } from '../../db/index.ts';
import type { TimelineEvent } from '../timeline/service.ts';
import { timelineEntries } from '../timeline/tables.ts';
import { followUps } from './tables.ts';
import { followUpCancelledEvent, followUpCompletedEvent, followUpCreatedEvent } from './timeline.ts';

/**
 * Bulk insert of follow-up tasks (demo data, imports), with the timeline entries the follow-ups
 * service writes when a task is planned, completed or cancelled (same kinds, titles, details).
 * Runs in the caller's transaction.
 */
export type BulkFollowUp = Omit<typeof followUps.$inferInsert, 'id'>;

export async function insertFollowUpsBulk(
  tx: DbOrTx,
  rows: BulkFollowUp[],
  timeZone: string,
): Promise<(BulkFollowUp & { id: string })[]> {
  const withIds = rows.map((row) => ({ ...row, id: uuidv7() }));
  await insertRowsJson(tx, followUps, withIds);
  const entries: (typeof timelineEntries.$inferInsert)[] = [];
  const add = (event: TimelineEvent) =>
    entries.push({ ...event, id: uuidv7(), detail: event.detail ?? {}, createdAt: event.at });
  for (const row of withIds) {
    const task = { ...row, kind: row.kind ?? 'manual' };
    add(
      followUpCreatedEvent(
        task,
        { at: row.createdAt ?? new Date(), actorId: row.createdBy ?? null },
        timeZone,
      ),
    );
    if (row.status === 'done' && row.completedAt) {
      add(
        followUpCompletedEvent(
          task,
          { at: row.completedAt, actorId: row.completedBy ?? null },
          { result: row.result ?? null, interactionId: row.interactionId ?? null },
        ),
      );
    }
    if (row.status === 'cancelled' && row.cancelledAt) {
      add(
        followUpCancelledEvent(
          task,
          { at: row.cancelledAt, actorId: row.cancelledBy ?? null },
          row.cancelReason ?? null,
        ),
      );
    }
  }
  await insertRowsJson(tx, timelineEntries, entries);
  return withIds;
}
