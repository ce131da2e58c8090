import { uuidv7 } from 'uuidv7';
import { insertRowsJson } from '../../db/bulk.ts';
import type { DbOrTx } from '../../db/index.ts';
import { formatDate, localDateOf } from '../../domain/followups.ts';
import { timelineEntries } from '../timeline/tables.ts';
import { followUps } from './tables.ts';

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
  for (const row of withIds) {
    const createdAt = row.createdAt ?? new Date();
    const base = { customerId: row.customerId, refType: 'follow_up', refId: row.id };
    entries.push({
      ...base,
      id: uuidv7(),
      at: createdAt,
      kind: 'follow_up.created',
      title: `安排回访：${row.title}（${formatDate(localDateOf(row.dueAt, timeZone))} 到期）`,
      detail: {
        kind: row.kind ?? 'manual',
        assigneeId: row.assigneeId,
        dueAt: row.dueAt.toISOString(),
        title: row.title,
      },
      actorId: row.createdBy ?? null,
      createdAt,
    });
    if (row.status === 'done' && row.completedAt) {
      entries.push({
        ...base,
        id: uuidv7(),
        at: row.completedAt,
        kind: 'follow_up.completed',
        title: `完成回访：${row.title}`,
        detail: {
          kind: row.kind ?? 'manual',
          result: row.result ?? null,
          interactionId: row.interactionId ?? null,
          dueAt: row.dueAt.toISOString(),
          onTime: row.completedAt <= row.dueAt,
        },
        actorId: row.completedBy ?? null,
        createdAt: row.completedAt,
      });
    }
    if (row.status === 'cancelled' && row.cancelledAt) {
      entries.push({
        ...base,
        id: uuidv7(),
        at: row.cancelledAt,
        kind: 'follow_up.cancelled',
        title: `取消回访：${row.title}`,
        detail: { kind: row.kind ?? 'manual', reason: row.cancelReason ?? null },
        actorId: row.cancelledBy ?? null,
        createdAt: row.cancelledAt,
      });
    }
  }
  await insertRowsJson(tx, timelineEntries, entries);
  return withIds;
}
