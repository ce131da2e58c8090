import { uuidv7 } from 'uuidv7';
import { insertRowsJson } from '../../db/bulk.ts';
import type { DbOrTx } from '../../db/index.ts';
import { timelineEntries } from '../timeline/tables.ts';
import { interactions } from './tables.ts';

/**
 * Bulk insert of interactions (demo data, imports), each with the timeline entry a single logged
 * interaction gets (same kind, title and detail as the interactions service writes). The timeline
 * rows are written here in the same bulk statement style rather than through TimelineService.add,
 * which would cost one ORM round per 1 000 rows. Runs in the caller's transaction.
 */
export type BulkInteraction = Omit<typeof interactions.$inferInsert, 'id'>;

const CHANNEL_NAMES: Record<string, string> = {
  phone: '电话',
  visit: '拜访',
  email: '邮件',
  wechat: '微信',
  portal: '门户',
  meeting: '会议',
  sms: '短信',
};

/** The title the interactions service writes on the timeline for one interaction. */
export function interactionTimelineTitle(row: {
  channel: string;
  direction: string;
  summary: string;
}): string {
  const who = row.direction === 'inbound' ? '客户联系' : '主动联系';
  const summary = row.summary.length > 60 ? `${row.summary.slice(0, 60)}…` : row.summary;
  return `${CHANNEL_NAMES[row.channel] ?? row.channel}（${who}）：${summary}`;
}

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
      kind: 'interaction',
      refType: 'interaction',
      refId: row.id,
      title: interactionTimelineTitle(row),
      detail: {
        channel: row.channel,
        direction: row.direction,
        summary: row.summary,
        outcome: row.outcome ?? null,
        nextStep: row.nextStep ?? null,
        contactId: row.contactId ?? null,
        userId: row.userId,
      },
      departmentId: row.departmentId ?? null,
      actorId: row.userId,
      createdAt: row.createdAt ?? new Date(),
    })),
  );
  return withIds.map((row) => row.id);
}
