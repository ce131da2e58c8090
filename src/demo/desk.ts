/**
 * Demo data of the service desk: a few hundred tickets over the last four months across types,
 * categories and severities, owned by the demo agents, with conversations, work orders to the
 * operations departments, complaint cards of closed complaints, 三换 escalations, SLA breaches,
 * commitments (some to A-class customers, some waiting for approval), and the knowledge base
 * (standard answers and response templates).
 *
 * Deterministic for a seed and a clock: `generateDesk` is pure (it plans rows from the customers,
 * staff and policies it is given); `loadDeskDemo` reads those from the database and writes the
 * plan with the jsonb bulk loader in one transaction. `bulkTicketsSql` is the set-based generator
 * the benchmark uses for a million tickets.
 */
import { type SQL, and, asc, eq, inArray, like, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { insertRowsJson } from '../db/bulk.ts';
import type { DbOrTx } from '../db/index.ts';
import { type BusinessCalendar, addBusinessTime, warningThresholdMinutes } from '../domain/sla.ts';
import { formatTicketNumber } from '../domain/tickets.ts';
import { commitments } from '../modules/commitments/tables.ts';
import { segment } from '../modules/customers/search.ts';
import { contacts, customers } from '../modules/customers/tables.ts';
import { departments } from '../modules/departments/tables.ts';
import { type BulkFollowUp, insertFollowUpsBulk } from '../modules/followups/bulk.ts';
import { articleSearchWords } from '../modules/knowledge/search.ts';
import { knowledgeArticles, responseTemplates } from '../modules/knowledge/tables.ts';
import {
  ticketCategories,
  ticketEscalations,
  ticketMessages,
  ticketOwnershipChanges,
  ticketSlaEvents,
  tickets,
} from '../modules/tickets/tables.ts';
import { timelineEntries } from '../modules/timeline/tables.ts';
import { users } from '../modules/users/tables.ts';
import { workOrders } from '../modules/workorders/tables.ts';
import type { AppContext } from '../server/context.ts';
import {
  CARD,
  DEMO_ARTICLES,
  DEMO_TEMPLATES,
  ESCALATION_PLACES,
  INQUIRIES,
  NOTES,
  PROMISES,
  REPLIES,
  SCENARIOS,
  SUGGESTIONS,
  type Scenario,
  VERIFICATIONS,
  WORK,
} from './desk-content.ts';
import { Random } from './random.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How far back the demo tickets go. */
const HISTORY_DAYS = 120;

export interface DeskCustomer {
  id: string;
  name: string;
  ownerId: string;
  valueClass: string | null;
  contactId: string | null;
  lane: string | null;
}

export interface DeskStaff {
  agents: { id: string; departmentId: string }[];
  supervisor: { id: string; departmentId: string };
  manager: { id: string; departmentId: string } | null;
  /** Operations departments by code, with their (head) user. */
  operations: Map<string, { id: string; departmentId: string }>;
}

export interface DeskPolicy {
  id: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  warningFraction: number;
}

export interface DeskInput {
  seed: string;
  now: Date;
  timeZone: string;
  calendar: BusinessCalendar;
  customers: DeskCustomer[];
  staff: DeskStaff;
  /** Category id by code. */
  categories: Map<string, string>;
  /** The SLA policy for a ticket type, severity and value class (null: no targets). */
  policyFor: (type: string, severity: string, valueClass: string | null) => DeskPolicy | null;
  /** Ticket sequence values to number the tickets with (one per ticket). */
  ticketSequence: (index: number) => number;
  workOrderSequence: (index: number) => number;
  tickets: number;
}

type TicketRow = typeof tickets.$inferInsert & { search_text: string };

export interface DeskPlan {
  tickets: TicketRow[];
  messages: (typeof ticketMessages.$inferInsert)[];
  workOrders: (typeof workOrders.$inferInsert)[];
  escalations: (typeof ticketEscalations.$inferInsert)[];
  ownership: (typeof ticketOwnershipChanges.$inferInsert)[];
  slaEvents: (typeof ticketSlaEvents.$inferInsert)[];
  commitments: (typeof commitments.$inferInsert)[];
  timeline: (typeof timelineEntries.$inferInsert)[];
  /** The 回访 and 二次回访 that closing put on the owner's list (as TicketsService does). */
  followUps: BulkFollowUp[];
}

export interface DeskStats {
  tickets: number;
  messages: number;
  workOrders: number;
  escalations: number;
  commitments: number;
  followUps: number;
  articles: number;
  templates: number;
  ms: number;
}

const TYPE_NAMES: Record<string, string> = {
  inquiry: '咨询',
  complaint: '投诉',
  claim: '索赔',
  return: '退货',
  suggestion: '建议',
};

const VISIT_RESULTS = [
  '客户对处理结果满意，后续发货正常。',
  '客户表示问题已解决，建议加强提前通知。',
  '联系人确认已收到赔付，无其他意见。',
];

const COMPLAINT_CATEGORIES = Object.keys(SCENARIOS).filter((code) => code !== 'other');

/** Plans the demo desk: every row, ids included. Pure and deterministic for its input. */
export function generateDesk(input: DeskInput): DeskPlan {
  const random = new Random(`${input.seed}:desk`);
  const { now, calendar, staff } = input;
  const plan: DeskPlan = {
    tickets: [],
    messages: [],
    workOrders: [],
    escalations: [],
    ownership: [],
    slaEvents: [],
    commitments: [],
    timeline: [],
    followUps: [],
  };
  const business = (start: Date, minutes: number) => addBusinessTime(calendar, start, Math.max(1, minutes));
  const before = (at: Date, limit: Date) => (at.getTime() < limit.getTime() ? at : limit);
  let workOrderCount = 0;
  /** A few recent promises beyond the threshold always wait for the supervisor's approval. */
  let pendingApprovals = 0;

  // Received times, oldest first, so ticket numbers rise with time like real ones.
  const received = Array.from({ length: input.tickets }, () => {
    // More recent days are busier; office hours in Shanghai (01:00–10:00 UTC) mostly.
    const daysAgo = Math.floor(HISTORY_DAYS * random.next() ** 1.4);
    const day = new Date(now.getTime() - daysAgo * DAY);
    const at = new Date(
      Date.UTC(
        day.getUTCFullYear(),
        day.getUTCMonth(),
        day.getUTCDate(),
        random.int(1, 9),
        random.int(0, 59),
      ),
    );
    return at.getTime() > now.getTime() - 20 * MINUTE
      ? new Date(now.getTime() - random.int(20, 300) * MINUTE)
      : at;
  }).sort((a, b) => a.getTime() - b.getTime());

  received.forEach((receivedAt, index) => {
    const type = random.weighted([
      ['inquiry', 38],
      ['complaint', 34],
      ['claim', 12],
      ['return', 6],
      ['suggestion', 10],
    ] as const);
    let categoryCode: string;
    let scenario: Scenario;
    if (type === 'inquiry') {
      const inquiry = random.pick(INQUIRIES);
      categoryCode = inquiry.category;
      scenario = inquiry;
    } else if (type === 'suggestion') {
      categoryCode = 'other';
      scenario = random.pick([...SUGGESTIONS, ...SCENARIOS.other.slice(1)]);
    } else {
      categoryCode =
        type === 'claim'
          ? random.pick(['damage', 'damage', 'loss', 'delay'])
          : type === 'return'
            ? random.pick(['damage', 'misdelivery'])
            : random.pick(COMPLAINT_CATEGORIES);
      scenario = random.pick(SCENARIOS[categoryCode]);
    }
    const severity =
      type === 'inquiry' || type === 'suggestion'
        ? random.weighted([
            ['low', 40],
            ['normal', 60],
          ] as const)
        : random.weighted([
            ['low', 10],
            ['normal', 52],
            ['high', 28],
            ['critical', 10],
          ] as const);
    const customer = random.pick(input.customers);
    const agent = staff.agents.find((a) => a.id === customer.ownerId) ?? random.pick(staff.agents);
    const ageDays = (now.getTime() - receivedAt.getTime()) / DAY;
    const portal = random.chance(0.12);
    // Untaken portal tickets are the newest ones only.
    const isNew = portal && ageDays < 1.5 && random.chance(0.6);
    const status = isNew
      ? 'new'
      : ageDays > 12
        ? random.chance(0.96)
          ? 'closed'
          : 'resolved'
        : ageDays > 3
          ? random.weighted([
              ['closed', 72],
              ['resolved', 14],
              ['open', 8],
              ['waiting_customer', 6],
            ] as const)
          : random.weighted([
              ['open', 55],
              ['waiting_customer', 15],
              ['resolved', 15],
              ['closed', 15],
            ] as const);
    const done = status === 'resolved' || status === 'closed';
    const policy = input.policyFor(type, severity, customer.valueClass);
    const id = uuidv7();
    const number = formatTicketNumber(receivedAt, input.ticketSequence(index), input.timeZone);
    const owner = isNew ? null : agent;
    let ownerId = owner?.id ?? null;
    let departmentId = owner?.departmentId ?? null;

    // SLA targets on the business calendar.
    let firstResponseDueAt: Date | null = null;
    let firstResponseWarnAt: Date | null = null;
    let resolutionDueAt: Date | null = null;
    let resolutionWarnAt: Date | null = null;
    if (policy) {
      const frWarn = warningThresholdMinutes(policy.firstResponseMinutes, {
        fraction: policy.warningFraction,
      });
      const rsWarn = warningThresholdMinutes(policy.resolutionMinutes, { fraction: policy.warningFraction });
      firstResponseDueAt = business(receivedAt, policy.firstResponseMinutes);
      firstResponseWarnAt = business(receivedAt, policy.firstResponseMinutes - frWarn);
      resolutionDueAt = business(receivedAt, policy.resolutionMinutes);
      resolutionWarnAt = business(receivedAt, policy.resolutionMinutes - rsWarn);
    }
    const frTarget = policy?.firstResponseMinutes ?? 120;
    const rsTarget = policy?.resolutionMinutes ?? 1440;

    // First response: mostly in time, one in six late.
    let firstRespondedAt: Date | null = null;
    if (!isNew) {
      const late = random.chance(0.16);
      const minutes = late ? frTarget * (1.1 + random.next() * 2) : frTarget * (0.05 + random.next() * 0.7);
      const at = business(receivedAt, minutes);
      if (at.getTime() < now.getTime()) firstRespondedAt = at;
      else if (status !== 'open') firstRespondedAt = new Date(now.getTime() - 10 * MINUTE);
    }

    // Resolution of the finished ones: mostly within the target.
    let resolvedAt: Date | null = null;
    let closedAt: Date | null = null;
    if (done) {
      const late = random.chance(0.14);
      const minutes = late ? rsTarget * (1.1 + random.next() * 1.5) : rsTarget * (0.1 + random.next() * 0.8);
      const floor = firstRespondedAt ?? receivedAt;
      resolvedAt = before(business(floor, minutes), new Date(now.getTime() - 30 * MINUTE));
      if (resolvedAt.getTime() < floor.getTime()) resolvedAt = new Date(floor.getTime() + MINUTE);
      if (status === 'closed') {
        closedAt = before(
          new Date(resolvedAt.getTime() + random.int(30, 2 * 24 * 60) * MINUTE),
          new Date(now.getTime() - 5 * MINUTE),
        );
        if (closedAt.getTime() < resolvedAt.getTime()) closedAt = resolvedAt;
      }
    }
    const waitingSince =
      status === 'waiting_customer'
        ? new Date(Math.max((firstRespondedAt ?? receivedAt).getTime() + HOUR, now.getTime() - 2 * DAY))
        : null;

    // Breaches: late answers and resolutions, and running clocks past their due time.
    const breach = (due: Date | null, metAt: Date | null, stillRunning: boolean) => {
      if (!due) return null;
      if (metAt) return metAt.getTime() > due.getTime() ? due : null;
      return stillRunning && due.getTime() <= now.getTime() ? due : null;
    };
    const running = !done && !waitingSince;
    const firstResponseBreachedAt = breach(firstResponseDueAt, firstRespondedAt, !isNew || running);
    const resolutionBreachedAt = breach(resolutionDueAt, resolvedAt, running);
    const slaEvent = (target: string, kind: string, dueAt: Date, at: Date) =>
      plan.slaEvents.push({ id: uuidv7(), ticketId: id, target, kind, dueAt, departmentId, at });
    for (const [target, due, warn, met, breachedAt] of [
      ['first_response', firstResponseDueAt, firstResponseWarnAt, firstRespondedAt, firstResponseBreachedAt],
      ['resolution', resolutionDueAt, resolutionWarnAt, resolvedAt, resolutionBreachedAt],
    ] as const) {
      if (!due || !warn) continue;
      const stop = met ?? (waitingSince && target === 'resolution' ? waitingSince : now);
      if (warn.getTime() <= stop.getTime()) slaEvent(target, 'warning', warn, warn);
      if (breachedAt) slaEvent(target, 'breach', due, breachedAt);
    }

    const complaintLike = type === 'complaint' || type === 'claim' || type === 'return';
    // 派单: a third of the complaints go to an operations department.
    const work = WORK[categoryCode];
    const orders: (typeof workOrders.$inferInsert)[] = [];
    if (complaintLike && work && !isNew && random.chance(0.4)) {
      const code = random.pick(work.departments);
      const department = staff.operations.get(code);
      if (department) {
        const createdAt = new Date((firstRespondedAt ?? receivedAt).getTime() + random.int(5, 90) * MINUTE);
        const dueAt = business(createdAt, random.pick([240, 480, 960]));
        const finished = done || random.chance(0.35);
        const completedAt = finished
          ? before(
              new Date(createdAt.getTime() + (dueAt.getTime() - createdAt.getTime()) * (0.3 + random.next())),
              resolvedAt ?? new Date(now.getTime() - 15 * MINUTE),
            )
          : null;
        const accepted = finished || random.chance(0.5);
        const acceptedAt = accepted ? new Date(createdAt.getTime() + random.int(10, 120) * MINUTE) : null;
        const order: typeof workOrders.$inferInsert = {
          id: uuidv7(),
          number: formatTicketNumber(
            createdAt,
            input.workOrderSequence(workOrderCount++),
            input.timeZone,
          ).replace(/^T/, 'W'),
          ticketId: id,
          customerId: customer.id,
          departmentId: department.departmentId,
          instructions: work.instructions,
          dueAt,
          status: finished ? 'done' : accepted ? 'accepted' : 'pending',
          assigneeId: accepted ? department.id : null,
          acceptedAt: acceptedAt && completedAt && acceptedAt > completedAt ? completedAt : acceptedAt,
          result: finished ? work.result : null,
          completedAt,
          completedBy: finished ? department.id : null,
          createdBy: agent.id,
          createdAt,
          updatedAt: completedAt ?? acceptedAt ?? createdAt,
        };
        // Overdue ones were already reported to the department head.
        if (!finished && dueAt.getTime() < now.getTime()) order.overdueNotifiedAt = dueAt;
        orders.push(order);
        plan.workOrders.push(order);
      }
    }

    // 三换: some complaints went up to the supervisor (换人), a few to a meeting (换地) or a
    // later appointment with the manager (换时).
    let escalationLevel = 0;
    if (complaintLike && !isNew && random.chance(0.1)) {
      escalationLevel = 1;
      const at = new Date(
        (firstResponseBreachedAt ?? firstRespondedAt ?? receivedAt).getTime() + random.int(30, 600) * MINUTE,
      );
      const when = before(at, resolvedAt ?? new Date(now.getTime() - 10 * MINUTE));
      const trigger = firstResponseBreachedAt || resolutionBreachedAt ? 'sla_breach' : 'manual';
      plan.escalations.push({
        id: uuidv7(),
        ticketId: id,
        kind: 'person',
        trigger,
        level: 1,
        attendees: [],
        reason: trigger === 'sla_breach' ? '处理时限已超，按规定升级到主管' : '客户要求更高层级的人员处理',
        fromUserId: agent.id,
        toUserId: staff.supervisor.id,
        departmentId: staff.supervisor.departmentId,
        byUserId: trigger === 'manual' ? agent.id : null,
        createdAt: when,
      });
      plan.ownership.push({
        id: uuidv7(),
        ticketId: id,
        kind: 'escalation',
        fromUserId: agent.id,
        toUserId: staff.supervisor.id,
        reason: '换人：升级到主管',
        byUserId: trigger === 'manual' ? agent.id : null,
        at: when,
      });
      ownerId = staff.supervisor.id;
      departmentId = staff.supervisor.departmentId;
      if (random.chance(0.4)) {
        plan.escalations.push({
          id: uuidv7(),
          ticketId: id,
          kind: 'place',
          trigger: 'manual',
          level: 1,
          reason: '电话沟通未能达成一致，改为当面沟通',
          fromUserId: staff.supervisor.id,
          place: random.pick(ESCALATION_PLACES),
          attendees: ['客户负责人', '何主管', '运营部门负责人'],
          scheduledAt: new Date(when.getTime() + DAY),
          byUserId: staff.supervisor.id,
          createdAt: new Date(when.getTime() + HOUR),
        });
      } else if (staff.manager && random.chance(0.3)) {
        plan.escalations.push({
          id: uuidv7(),
          ticketId: id,
          kind: 'time',
          trigger: 'manual',
          level: 1,
          attendees: [],
          reason: '客户情绪激动，约定冷静后由经理出面沟通',
          fromUserId: staff.supervisor.id,
          toUserId: staff.manager.id,
          scheduledAt: new Date(when.getTime() + 2 * DAY),
          byUserId: staff.supervisor.id,
          createdAt: new Date(when.getTime() + HOUR),
        });
      }
    }

    // The complaint card of closed complaints, and first-contact resolution.
    const rootCause = random.weighted([
      ['system', 50],
      ['people', 30],
      ['value', 20],
    ] as const);
    const card =
      complaintLike && status === 'closed'
        ? {
            rootCause,
            responsibleDepartmentId: orders[0]?.departmentId ?? staff.supervisor.departmentId,
            responsiblePerson:
              rootCause === 'people' ? random.pick(['司机刘师傅', '仓管员小周', '客服专员']) : null,
            measures: CARD[rootCause].measures,
            result: CARD[rootCause].result,
            customerReaction: random.weighted([
              ['satisfied', 55],
              ['accepted', 35],
              ['dissatisfied', 7],
              ['no_response', 3],
            ] as const),
            verification: ageDays > 30 ? random.pick(VERIFICATIONS) : null,
            verifiedAt: ageDays > 30 && closedAt ? new Date(closedAt.getTime() + 25 * DAY) : null,
            verifiedBy: ageDays > 30 ? staff.supervisor.id : null,
          }
        : {};
    const resolution = !done
      ? null
      : complaintLike
        ? (card.result ?? '已与客户确认处理方案并执行完毕。')
        : type === 'inquiry'
          ? '已按标准答案答复客户，客户表示清楚。'
          : '感谢建议，已转相关部门评估，结果将在月度回访中告知客户。';
    const confirmed = status === 'closed' ? random.chance(0.85) : null;
    const reopenCount = status !== 'new' && complaintLike && ageDays > 5 && random.chance(0.07) ? 1 : 0;

    const ticket: TicketRow = {
      id,
      number,
      type,
      channel: portal ? 'portal' : random.pick(['phone', 'phone', 'email', 'wechat', 'visit']),
      status,
      source: portal ? 'portal' : 'staff',
      customerId: customer.id,
      contactId: customer.contactId,
      shipmentRef:
        complaintLike && random.chance(0.7)
          ? `${random.pick(['SHA', 'NGB', 'SZX', 'PVG'])}${random.digits(8)}`
          : null,
      lane: complaintLike ? customer.lane : null,
      categoryId: input.categories.get(categoryCode)!,
      severity,
      subject: scenario.subject,
      customerWords: scenario.words,
      customerRequest: scenario.request,
      receivedAt,
      ownerId,
      departmentId,
      ...card,
      slaPolicyId: policy?.id ?? null,
      firstResponseTargetMinutes: policy?.firstResponseMinutes ?? null,
      resolutionTargetMinutes: policy?.resolutionMinutes ?? null,
      firstResponseDueAt,
      firstResponseWarnAt,
      firstRespondedAt,
      resolutionDueAt,
      resolutionWarnAt,
      slaPausedAt: waitingSince,
      firstResponseBreachedAt,
      resolutionBreachedAt,
      escalationLevel,
      reopenCount,
      resolvedAt,
      resolution,
      customerConfirmed: confirmed,
      customerConfirmedAt: confirmed && closedAt ? closedAt : null,
      closedAt,
      closedBy: closedAt ? ownerId : null,
      closeReason: closedAt && !confirmed ? '客户超过确认期限未回复，按已解决关闭' : null,
      resolvedAtFirstContact: closedAt ? !orders.length && escalationLevel === 0 && random.chance(0.7) : null,
      createdBy: portal ? null : agent.id,
      createdAt: receivedAt,
      updatedAt: closedAt ?? resolvedAt ?? firstRespondedAt ?? receivedAt,
      search_text: segment(
        [number, scenario.subject, scenario.words, scenario.request ?? '', customer.lane ?? ''].join(' '),
      ).join(' '),
    };
    plan.tickets.push(ticket);

    // The conversation.
    const message = (kind: string, body: string, at: Date, authorId: string | null) =>
      plan.messages.push({ id: uuidv7(), ticketId: id, kind, body, authorId, createdAt: at });
    message('customer', scenario.words, receivedAt, null);
    if (firstRespondedAt) message('reply', random.pick(REPLIES.slice(0, 2)), firstRespondedAt, agent.id);
    if (firstRespondedAt && random.chance(0.45)) {
      message('note', random.pick(NOTES), new Date(firstRespondedAt.getTime() + 20 * MINUTE), agent.id);
    }
    if (waitingSince) {
      message('reply', '为尽快处理，请您补充相关照片和单据，收到后我们立即跟进。', waitingSince, agent.id);
    }
    if (resolvedAt && resolution) message('reply', `${REPLIES[2]}\n${resolution}`, resolvedAt, ownerId);

    // On the customer timeline, like tickets made through the API.
    const timeline = (kind: string, verb: string, at: Date, actorId: string | null) =>
      plan.timeline.push({
        id: uuidv7(),
        customerId: customer.id,
        at,
        kind,
        refType: 'ticket',
        refId: id,
        title: `${TYPE_NAMES[type]}${verb}：${number} ${scenario.subject}`,
        detail: { number, type, status, demo: true },
        departmentId,
        actorId,
        createdAt: at,
      });
    timeline('ticket.created', '受理', receivedAt, portal ? null : agent.id);
    if (resolvedAt) timeline('ticket.resolved', '已解决', resolvedAt, ownerId);
    if (closedAt) timeline('ticket.closed', '已关闭', closedAt, ownerId);

    // Closing put the follow-up visit (and for complaints the second visit) on the owner's list;
    // the ones already due were made.
    if (closedAt && ownerId) {
      const visits = [{ kind: 'post_complaint', key: 'visit', days: 3, title: '回访' }];
      if (type === 'complaint')
        visits.push({ kind: 'second_visit', key: 'second', days: 30, title: '二次回访' });
      for (const visit of visits) {
        const dueAt = new Date(closedAt.getTime() + visit.days * DAY);
        const made = dueAt.getTime() < now.getTime() - DAY && random.chance(0.9);
        const completedAt = made ? new Date(dueAt.getTime() + random.int(-12, 36) * HOUR) : null;
        plan.followUps.push({
          customerId: customer.id,
          contactId: customer.contactId,
          assigneeId: ownerId,
          kind: visit.kind,
          title: `${visit.title}：${number} ${scenario.subject}`,
          notes: resolution,
          dueAt,
          status: made ? 'done' : 'open',
          result: made ? random.pick(VISIT_RESULTS) : null,
          completedAt,
          completedBy: made ? ownerId : null,
          sourceKey: `ticket:${id}:${visit.key}`,
          createdBy: ownerId,
          createdAt: closedAt,
          updatedAt: completedAt ?? closedAt,
        });
      }
    }

    // 承诺: promises on a quarter of the complaints, more on A-class customers.
    const awaitingApproval =
      complaintLike && !isNew && status !== 'closed' && ageDays < 10 && pendingApprovals < 3;
    if (
      awaitingApproval ||
      (complaintLike && !isNew && random.chance(customer.valueClass === 'A' ? 0.5 : 0.2))
    ) {
      const choice = random.pick(awaitingApproval ? PROMISES.filter((p) => p.bottomLine) : PROMISES);
      const createdAt = firstRespondedAt ?? receivedAt;
      // Money beyond the default approval threshold (commitments.approvalThreshold, 5 000 CNY)
      // needs the supervisor: the recent ones still wait for the decision.
      const recent = ageDays < 10;
      const big = awaitingApproval || (choice.bottomLine !== null && random.chance(recent ? 0.5 : 0.2));
      const amount = !choice.bottomLine
        ? null
        : big
          ? random.pick([6000, 8000, 12000])
          : random.pick([300, 500, 800, 1200, 2000, 4500]);
      const exceeds = amount !== null && amount > 5000;
      const pendingApproval = awaitingApproval || (exceeds && recent && random.chance(0.5));
      if (pendingApproval) pendingApprovals++;
      const dueAt = pendingApproval
        ? new Date(now.getTime() + random.int(1, 5) * DAY)
        : new Date(createdAt.getTime() + random.int(2, 7) * DAY);
      const settled = dueAt.getTime() < now.getTime() && !pendingApproval;
      const kept = random.chance(0.82);
      plan.commitments.push({
        id: uuidv7(),
        customerId: customer.id,
        contactId: customer.contactId,
        ticketId: id,
        promise: choice.promise,
        madeById: agent.id,
        dueAt,
        amount: amount === null ? null : amount.toFixed(2),
        bottomLine: choice.bottomLine,
        approvalStatus: exceeds ? (pendingApproval ? 'pending' : 'approved') : 'not_needed',
        approvedBy: exceeds && !pendingApproval ? staff.supervisor.id : null,
        approvedAt: exceeds && !pendingApproval ? new Date(createdAt.getTime() + 2 * HOUR) : null,
        approvalNote: exceeds && !pendingApproval ? '重点客户，同意超出底线，下不为例' : null,
        status: settled ? (kept ? 'kept' : 'broken') : 'open',
        outcomeNote: settled ? (kept ? '已按期兑现，客户确认' : '业务部门未能按期完成，已向客户致歉') : null,
        resolvedAt: settled ? dueAt : null,
        resolvedBy: settled ? agent.id : null,
        overdueNotifiedAt: settled && !kept ? dueAt : null,
        createdBy: agent.id,
        createdAt,
        updatedAt: settled ? dueAt : createdAt,
      });
    }
  });
  return plan;
}

/**
 * Loads the demo desk once (nothing when any ticket exists): reads the demo customers and staff,
 * plans with `generateDesk` and writes everything in one transaction. Also adds the standard
 * answers and response templates when the knowledge base is empty.
 */
export async function loadDeskDemo(
  ctx: AppContext,
  options: { seed: string; tickets?: number; customers?: number },
): Promise<DeskStats | null> {
  const started = Date.now();
  const [anyTicket] = await ctx.db.select({ id: tickets.id }).from(tickets).limit(1);
  if (anyTicket) return null;
  const demoUsers = await ctx.db
    .select({ id: users.id, email: users.email, role: users.role, departmentId: users.departmentId })
    .from(users)
    .where(and(like(users.email, '%@demo.liaison.local'), eq(users.active, true)));
  const supervisor = demoUsers.find((u) => u.email === 'supervisor@demo.liaison.local');
  const agents = demoUsers.filter((u) => u.role === 'agent' && u.departmentId);
  if (!supervisor?.departmentId || agents.length === 0) return null;
  const manager = demoUsers.find((u) => u.email === 'manager@demo.liaison.local');
  const departmentRows = await ctx.db
    .select({ id: departments.id, code: departments.code })
    .from(departments);
  const operations = new Map<string, { id: string; departmentId: string }>();
  for (const department of departmentRows) {
    const user = demoUsers.find((u) => u.role === 'operations' && u.departmentId === department.id);
    if (user) operations.set(department.code, { id: user.id, departmentId: department.id });
  }
  const categoryRows = await ctx.db
    .select({ id: ticketCategories.id, code: ticketCategories.code })
    .from(ticketCategories);
  const categories = new Map(categoryRows.map((c) => [c.code, c.id]));
  if (!COMPLAINT_CATEGORIES.every((code) => categories.has(code)) || !categories.has('other')) return null;

  const customerRows = await ctx.db
    .select({
      id: customers.id,
      name: customers.name,
      ownerId: customers.ownerId,
      valueClass: customers.valueClass,
      lane: sql<
        string | null
      >`(select (l->>'origin') || '-' || (l->>'destination') from jsonb_array_elements(coalesce(${customers.requirements}->'lanes', '[]'::jsonb)) l limit 1)`,
      contactId: sql<
        string | null
      >`(select ${contacts.id} from ${contacts} where ${contacts.customerId} = ${customers.id} and ${contacts.archivedAt} is null order by ${contacts.isPrimary} desc, ${contacts.id} limit 1)`,
    })
    .from(customers)
    .where(and(sql`${customers.archivedAt} is null`, sql`${customers.mergedIntoId} is null`))
    .orderBy(asc(customers.createdAt), asc(customers.id))
    .limit(options.customers ?? 300);
  if (customerRows.length === 0) return null;

  const count = options.tickets ?? Math.min(450, Math.max(60, Math.round(customerRows.length * 1.3)));
  const timeZone = (await ctx.services.settings.get('display.timeZone')) ?? ctx.config.displayTimeZone;
  const calendar = await ctx.services.sla.calendar();
  const policyCache = new Map<string, DeskPolicy | null>();
  const combos = new Set<string>();
  for (const type of ['inquiry', 'complaint', 'claim', 'return', 'suggestion'])
    for (const severity of ['low', 'normal', 'high', 'critical'])
      for (const valueClass of ['A', 'B', 'C', '']) combos.add(`${type}|${severity}|${valueClass}`);
  for (const key of combos) {
    const [type, severity, valueClass] = key.split('|');
    const policy = await ctx.services.sla.policyFor({
      type: type as 'inquiry',
      severity: severity as 'normal',
      valueClass: (valueClass || null) as 'A' | null,
    });
    policyCache.set(
      key,
      policy
        ? {
            id: policy.id,
            firstResponseMinutes: policy.firstResponseMinutes,
            resolutionMinutes: policy.resolutionMinutes,
            warningFraction: policy.warningFraction,
          }
        : null,
    );
  }
  const now = ctx.now();

  return ctx.db.transaction(async (tx) => {
    const ticketSeq = await sequenceValues(tx, 'ticket_number_seq', count);
    const workSeq = await sequenceValues(tx, 'work_order_number_seq', count);
    const plan = generateDesk({
      seed: options.seed,
      now,
      timeZone,
      calendar,
      customers: customerRows.map((c) => ({ ...c, valueClass: c.valueClass ?? null })),
      staff: {
        agents: agents.map((a) => ({ id: a.id, departmentId: a.departmentId! })),
        supervisor: { id: supervisor.id, departmentId: supervisor.departmentId! },
        manager: manager?.departmentId ? { id: manager.id, departmentId: manager.departmentId } : null,
        operations,
      },
      categories,
      policyFor: (type, severity, valueClass) =>
        policyCache.get(`${type}|${severity}|${valueClass ?? ''}`) ?? null,
      ticketSequence: (i) => ticketSeq[i],
      workOrderSequence: (i) => workSeq[i],
      tickets: count,
    });
    await writeDeskPlan(tx, plan);
    await insertFollowUpsBulk(tx, plan.followUps, timeZone);
    const knowledge = await loadKnowledgeDemo(tx, options.seed, categories, supervisor.id);
    await tx.execute(
      sql`analyze tickets, ticket_messages, work_orders, commitments, ticket_escalations, knowledge_articles, follow_ups`,
    );
    return {
      tickets: plan.tickets.length,
      messages: plan.messages.length,
      workOrders: plan.workOrders.length,
      escalations: plan.escalations.length,
      commitments: plan.commitments.length,
      followUps: plan.followUps.length,
      articles: knowledge.articles,
      templates: knowledge.templates,
      ms: Date.now() - started,
    };
  });
}

async function sequenceValues(tx: DbOrTx, sequence: string, count: number): Promise<number[]> {
  const result = await tx.execute(
    sql`select nextval(${sequence}::regclass)::int as v from generate_series(1, ${count}::int)`,
  );
  return (result as unknown as { rows: { v: number }[] }).rows.map((r) => Number(r.v));
}

/** Writes a plan with the jsonb bulk loader (tickets first: the rest refers to them). */
export async function writeDeskPlan(tx: DbOrTx, plan: DeskPlan): Promise<void> {
  await insertRowsJson(tx, tickets, plan.tickets, {
    searchVector: { fields: { search_text: 'text' }, value: sql`to_tsvector('simple', x.search_text)` },
  });
  await insertRowsJson(tx, ticketMessages, plan.messages);
  await insertRowsJson(tx, workOrders, plan.workOrders);
  await insertRowsJson(tx, ticketEscalations, plan.escalations);
  await insertRowsJson(tx, ticketOwnershipChanges, plan.ownership);
  await insertRowsJson(tx, ticketSlaEvents, plan.slaEvents);
  await insertRowsJson(tx, commitments, plan.commitments);
  await insertRowsJson(tx, timelineEntries, plan.timeline);
}

/** The standard answers and response templates, when the knowledge base is still empty. */
async function loadKnowledgeDemo(
  tx: DbOrTx,
  seed: string,
  categories: Map<string, string>,
  authorId: string,
): Promise<{ articles: number; templates: number }> {
  const random = new Random(`${seed}:knowledge`);
  const [anyArticle] = await tx.select({ id: knowledgeArticles.id }).from(knowledgeArticles).limit(1);
  const [anyTemplate] = await tx.select({ id: responseTemplates.id }).from(responseTemplates).limit(1);
  let articles = 0;
  let templates = 0;
  if (!anyArticle) {
    const rows = DEMO_ARTICLES.map((a) => {
      const words = articleSearchWords(a);
      return {
        id: uuidv7(),
        topic: a.topic,
        question: a.question,
        answer: a.answer,
        tags: a.tags,
        categoryId: a.category ? (categories.get(a.category) ?? null) : null,
        usageCount: random.int(0, 60),
        createdBy: authorId,
        question_words: words.questionWords,
        answer_words: words.answerWords,
      };
    });
    await insertRowsJson(tx, knowledgeArticles, rows, {
      searchVector: {
        fields: { question_words: 'text', answer_words: 'text' },
        value: sql`setweight(to_tsvector('simple', x.question_words), 'A') || setweight(to_tsvector('simple', x.answer_words), 'B')`,
      },
    });
    articles = rows.length;
  }
  if (!anyTemplate) {
    const rows = DEMO_TEMPLATES.map((template) => ({
      id: uuidv7(),
      categoryId: template.category ? (categories.get(template.category) ?? null) : null,
      kind: template.kind,
      title: template.title,
      body: template.body,
      usageCount: random.int(0, 120),
      createdBy: authorId,
    }));
    await insertRowsJson(tx, responseTemplates, rows);
    templates = rows.length;
  }
  return { articles, templates };
}

/**
 * Set-based generator for the benchmark: `count` tickets in one INSERT … SELECT over
 * generate_series, spread over the last `days` days across the given customers, owners (with their
 * departments) and categories, with SLA columns in realistic proportions: about 80 % closed, the
 * open ones partly breaching soon or breached. Deterministic for the same inputs (no random()).
 * The search vector is left empty (the benchmark does not search).
 */
export function bulkTicketsSql(input: {
  count: number;
  /** For loading in batches: this batch starts after `offset` tickets of `total`. */
  offset?: number;
  total?: number;
  now: Date;
  days: number;
  customerIds: string[];
  owners: { id: string; departmentId: string }[];
  categoryIds: string[];
}): SQL {
  const now = sql`${input.now.toISOString()}::timestamptz`;
  const arr = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;
  const offset = input.offset ?? 0;
  const total = input.total ?? offset + input.count;
  return sql`
with g as (
  select n, hashint4(n)::bigint as h1, hashint4(n + 7919)::bigint as h2, hashint4(n + 104729)::bigint as h3,
    -- Whole milliseconds, like every time the app writes: keyset cursors carry JavaScript dates.
    date_trunc('milliseconds', ${now} - (${input.days}::float8 * (1 - (n::float8 / (${total}::float8 + 1)))) * interval '1 day') as received
  from generate_series(${offset + 1}::int, ${offset + input.count}::int) n
), c as (
  select g.*, ${arr(input.customerIds)} as customers, ${arr(input.owners.map((o) => o.id))} as owners,
    ${arr(input.owners.map((o) => o.departmentId))} as departments, ${arr(input.categoryIds)} as categories,
    abs(h1) % 100 as pick, (abs(h2) % 5) as type_i, (abs(h3) % 4) as sev_i
  from g
), s as (
  select c.*,
    case when received < ${now} - interval '3 days' and pick < 97 then 'closed'
         when pick < 40 then 'open' when pick < 55 then 'waiting_customer' when pick < 70 then 'resolved'
         when pick < 75 then 'new' else 'closed' end as status,
    (array[60, 120, 240, 30])[sev_i + 1] as fr_min,
    (array[480, 1440, 2880, 960])[sev_i + 1] as rs_min
  from c
)
insert into tickets (id, number, type, channel, status, source, customer_id, category_id, severity, subject,
  customer_words, received_at, owner_id, department_id, first_response_target_minutes, resolution_target_minutes,
  first_response_due_at, first_response_warn_at, first_responded_at, resolution_due_at, resolution_warn_at,
  sla_paused_at, resolution_breached_at, escalation_level, reopen_count, resolved_at, closed_at,
  resolved_at_first_contact, created_at, updated_at)
select gen_random_uuid(), 'B' || lpad(n::text, 8, '0'),
  (array['inquiry','complaint','claim','return','suggestion'])[type_i + 1],
  (array['phone','email','wechat','portal'])[(abs(h1) % 4) + 1],
  status, case when status = 'new' then 'portal' else 'staff' end,
  customers[(abs(h2) % cardinality(customers)) + 1],
  categories[(abs(h3) % cardinality(categories)) + 1],
  (array['low','normal','high','critical'])[sev_i + 1],
  '批量工单 ' || n, '基准测试生成的工单内容', received,
  case when status = 'new' then null else owners[(abs(h1 + h2) % cardinality(owners)) + 1] end,
  case when status = 'new' then null else departments[(abs(h1 + h2) % cardinality(owners)) + 1] end,
  fr_min, rs_min,
  received + fr_min * interval '1 minute', received + fr_min * 0.8 * interval '1 minute',
  case when status = 'new' then null else received + (fr_min * (pick % 13) / 10.0) * interval '1 minute' end,
  received + rs_min * interval '1 minute', received + rs_min * 0.8 * interval '1 minute',
  case when status = 'waiting_customer' then ${now} - interval '1 hour' end,
  case when status in ('open') and received + rs_min * interval '1 minute' < ${now} then received + rs_min * interval '1 minute' end,
  case when pick % 17 = 0 then 1 else 0 end, case when pick % 23 = 0 then 1 else 0 end,
  case when status in ('resolved', 'closed') then received + (rs_min * ((pick % 11) + 1) / 10.0) * interval '1 minute' end,
  case when status = 'closed' then received + (rs_min * ((pick % 11) + 2) / 10.0) * interval '1 minute' end,
  case when status = 'closed' then pick % 3 = 0 end,
  received, received
from s`;
}

/** Demo users' ids by role, for the benchmark and tests. */
export async function deskStaff(db: DbOrTx): Promise<{ id: string; departmentId: string }[]> {
  const rows = await db
    .select({ id: users.id, departmentId: users.departmentId })
    .from(users)
    .where(and(inArray(users.role, ['agent', 'supervisor']), eq(users.active, true)));
  return rows.filter((r): r is { id: string; departmentId: string } => r.departmentId !== null);
}
