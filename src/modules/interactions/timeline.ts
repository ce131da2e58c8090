import type { interactions } from './tables.ts';

/**
 * How an interaction appears on the customer timeline, shared by the interactions service and the
 * bulk loaders (demo data, imports) so both write the same kind, title and detail.
 */
export const INTERACTION_LOGGED = 'interaction.logged';
export const INTERACTION_DELETED = 'interaction.deleted';

type Row = Pick<
  typeof interactions.$inferSelect,
  'channel' | 'direction' | 'summary' | 'outcome' | 'nextStep' | 'contactId' | 'userId'
>;

const CHANNEL_NAMES: Record<string, string> = {
  phone: '电话',
  visit: '拜访',
  email: '邮件',
  wechat: '微信',
  portal: '门户',
  meeting: '会议',
  sms: '短信',
};

/** Timeline title, in Chinese (the product's first language); the detail carries the raw fields. */
export function interactionTimelineTitle(row: Pick<Row, 'channel' | 'direction' | 'summary'>): string {
  const who = row.direction === 'inbound' ? '客户联系' : '主动联系';
  const summary = row.summary.length > 60 ? `${row.summary.slice(0, 60)}…` : row.summary;
  return `${CHANNEL_NAMES[row.channel] ?? row.channel}（${who}）：${summary}`;
}

export function interactionTimelineDetail(
  row: Omit<Row, 'outcome' | 'nextStep' | 'contactId'> &
    Partial<Pick<Row, 'outcome' | 'nextStep' | 'contactId'>>,
): Record<string, unknown> {
  return {
    channel: row.channel,
    direction: row.direction,
    summary: row.summary,
    outcome: row.outcome ?? null,
    nextStep: row.nextStep ?? null,
    contactId: row.contactId ?? null,
    userId: row.userId,
  };
}
