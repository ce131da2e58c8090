import { registerPortalTimelineKind } from '../timeline/service.ts';
import type { TimelineEvent } from '../timeline/service.ts';

/**
 * How tickets appear on the customer timeline. These four kinds are meant for the customer too, so
 * their portal users see them; titles and details carry nothing internal (no notes, no complaint-card
 * root cause or responsible person).
 */
export const TICKET_CREATED = 'ticket.created';
export const TICKET_RESOLVED = 'ticket.resolved';
export const TICKET_CLOSED = 'ticket.closed';
export const TICKET_REOPENED = 'ticket.reopened';

for (const kind of [TICKET_CREATED, TICKET_RESOLVED, TICKET_CLOSED, TICKET_REOPENED]) {
  registerPortalTimelineKind(kind);
}

const TYPE_NAMES: Record<string, string> = {
  inquiry: '咨询',
  complaint: '投诉',
  claim: '索赔',
  return: '退货',
  suggestion: '建议',
};

const VERBS: Record<string, string> = {
  [TICKET_CREATED]: '受理',
  [TICKET_RESOLVED]: '已解决',
  [TICKET_CLOSED]: '已关闭',
  [TICKET_REOPENED]: '重新打开',
};

export interface TicketOnTimeline {
  id: string;
  number: string;
  type: string;
  subject: string;
  status: string;
  customerId: string;
  departmentId: string | null;
}

export function ticketTimelineEvent(
  kind: typeof TICKET_CREATED | typeof TICKET_RESOLVED | typeof TICKET_CLOSED | typeof TICKET_REOPENED,
  ticket: TicketOnTimeline,
  who: { at: Date; actorId: string | null },
  extra: Record<string, unknown> = {},
): TimelineEvent {
  return {
    customerId: ticket.customerId,
    at: who.at,
    kind,
    refType: 'ticket',
    refId: ticket.id,
    title: `${TYPE_NAMES[ticket.type] ?? '工单'}${VERBS[kind]}：${ticket.number} ${ticket.subject}`,
    detail: { number: ticket.number, type: ticket.type, status: ticket.status, ...extra },
    departmentId: ticket.departmentId,
    actorId: who.actorId,
  };
}
