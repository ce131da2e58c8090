import { formatDate, localDateOf } from '../../domain/followups.ts';
import type { TimelineEvent } from '../timeline/service.ts';

/**
 * How follow-up tasks appear on the customer timeline, shared by the follow-ups service and the
 * bulk loaders (demo data, imports) so both write the same kinds, titles and details.
 */
export interface TaskOnTimeline {
  id: string;
  customerId: string;
  title: string;
  kind: string;
  assigneeId: string;
  dueAt: Date;
}

interface Who {
  at: Date;
  actorId: string | null;
  departmentId?: string | null;
}

function base(task: TaskOnTimeline, who: Who) {
  return {
    customerId: task.customerId,
    refType: 'follow_up',
    refId: task.id,
    at: who.at,
    actorId: who.actorId,
    departmentId: who.departmentId ?? null,
  };
}

export function followUpCreatedEvent(task: TaskOnTimeline, who: Who, timeZone: string): TimelineEvent {
  return {
    ...base(task, who),
    kind: 'follow_up.created',
    title: `安排回访：${task.title}（${formatDate(localDateOf(task.dueAt, timeZone))} 到期）`,
    detail: {
      kind: task.kind,
      assigneeId: task.assigneeId,
      dueAt: task.dueAt.toISOString(),
      title: task.title,
    },
  };
}

export function followUpCompletedEvent(
  task: TaskOnTimeline,
  who: Who,
  outcome: { result: string | null; interactionId: string | null },
): TimelineEvent {
  return {
    ...base(task, who),
    kind: 'follow_up.completed',
    title: `完成回访：${task.title}`,
    detail: {
      kind: task.kind,
      result: outcome.result,
      interactionId: outcome.interactionId,
      dueAt: task.dueAt.toISOString(),
      onTime: who.at <= task.dueAt,
    },
  };
}

export function followUpCancelledEvent(task: TaskOnTimeline, who: Who, reason: string | null): TimelineEvent {
  return {
    ...base(task, who),
    kind: 'follow_up.cancelled',
    title: `取消回访：${task.title}`,
    detail: { kind: task.kind, reason },
  };
}

export function followUpReopenedEvent(task: TaskOnTimeline, who: Who, previousStatus: string): TimelineEvent {
  return {
    ...base(task, who),
    kind: 'follow_up.reopened',
    title: `重新打开回访：${task.title}`,
    detail: { kind: task.kind, previousStatus, dueAt: task.dueAt.toISOString() },
  };
}
