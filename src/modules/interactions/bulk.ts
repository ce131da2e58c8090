import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import type { TimelineEvent } from '../timeline/service.ts';
import { interactions } from './tables.ts';

/**
 * Bulk insert of interactions (demo data, imports) in multi-row statements, each with the timeline
 * entry a single logged interaction gets. Runs in the caller's transaction.
 */
export type BulkInteraction = Omit<typeof interactions.$inferInsert, 'id'>;

const CHUNK = 1000;

const CHANNEL_NAMES: Record<string, string> = {
  phone: '电话',
  visit: '拜访',
  email: '邮件',
  wechat: '微信',
  portal: '门户',
  meeting: '会议',
  sms: '短信',
};

/** The same title the interactions service writes for one interaction. */
export function interactionTimelineTitle(row: {
  channel: string;
  direction: string;
  summary: string;
}): string {
  const who = row.direction === 'inbound' ? '客户联系' : '主动联系';
  const summary = row.summary.length > 60 ? `${row.summary.slice(0, 60)}…` : row.summary;
  return `${CHANNEL_NAMES[row.channel] ?? row.channel}（${who}）：${summary}`;
}

export async function insertInteractionsBulk(
  tx: DbOrTx,
  rows: BulkInteraction[],
  addTimeline: (tx: DbOrTx, events: TimelineEvent[]) => Promise<void>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((row) => ({ ...row, id: uuidv7() }));
    await tx.insert(interactions).values(chunk);
    await addTimeline(
      tx,
      chunk.map((row) => ({
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
      })),
    );
    ids.push(...chunk.map((row) => row.id));
  }
  return ids;
}
