import {
  EXCEPTION_CODES,
  type EventCode,
  INFORMATIONAL_CODES,
  type MilestoneEvent,
  type ShipmentStatus,
  parseZonedTime,
} from './milestones.ts';

/**
 * The shipment exception rules (issue 4 §4), pure: given a shipment's facts, its events as derived by
 * `currentStatus` (src/domain/milestones.ts), the time and the settings, which exception conditions
 * hold now. The exceptions service stores them (one open exception per shipment and kind), tells
 * people once per exception, and resolves the ones that clear by themselves.
 *
 * - delay: the actual delivery, or else the latest estimate (EST, else PLN) of delivery, is later
 *   than the promised time plus the tolerance; or the promised time plus the tolerance has passed
 *   without delivery. Stays until a person resolves it (the customer was told about it).
 * - silence: the shipment is under way (not delivered, not cancelled) and nothing was received for
 *   longer than the mode's silence hours (counted from the last event, or from creation when there
 *   was none yet). Clears by itself when an event arrives.
 * - damaged, lost: an actual DAMAGED / LOST event (also one reported at delivery). Stay until a person
 *   resolves them.
 * - hold: an actual HOLD not followed by delivery or by a later actual progress milestone (customs
 *   released, departed …). Clears by itself on release or delivery.
 * - delivery_failed: an actual DELIVERY_FAILED after the last delivery. Clears by itself on delivery.
 * A cancelled shipment raises nothing new; its open self-clearing exceptions clear.
 */

export const EXCEPTION_KINDS = ['delay', 'silence', 'damaged', 'hold', 'lost', 'delivery_failed'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export const EXCEPTION_SEVERITIES = ['low', 'normal', 'high', 'critical'] as const;
export type ExceptionSeverity = (typeof EXCEPTION_SEVERITIES)[number];

/** Kinds that resolve by themselves when their condition no longer holds. */
export const SELF_CLEARING_KINDS: readonly ExceptionKind[] = ['silence', 'hold', 'delivery_failed'];

export function clearsByItself(kind: ExceptionKind): boolean {
  return SELF_CLEARING_KINDS.includes(kind);
}

/** The event code that raises each event-based kind. */
export const KIND_OF_CODE: Partial<Record<EventCode, ExceptionKind>> = {
  DAMAGED: 'damaged',
  LOST: 'lost',
  HOLD: 'hold',
  DELIVERY_FAILED: 'delivery_failed',
};

type TimeLike = Date | string | null | undefined;

/** What the rules need to know about the shipment itself. */
export interface ShipmentFacts {
  mode: string;
  promisedAt: TimeLike;
  deliveredAt: TimeLike;
  cancelledAt: TimeLike;
  /** When the latest live event was received (any classifier). */
  lastEventAt: TimeLike;
  createdAt: TimeLike;
}

export interface ExceptionSettings {
  /** Hours without any event after which a shipment under way is silent, per service mode. */
  silenceHours: Record<string, number>;
  /** A delay counts only beyond the promised time plus this many minutes. */
  delayToleranceMinutes: number;
}

export interface ExceptionCondition {
  kind: ExceptionKind;
  severity: ExceptionSeverity;
  /** What the rule saw; stored on the exception and shown to people. Times are ISO 8601 UTC. */
  detail: Record<string, unknown>;
  /** The internal id of the event that raised it, for the event-based kinds. */
  eventId: string | null;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

function ms(value: TimeLike): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  const zoned = parseZonedTime(value);
  if (zoned !== null) return zoned;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

const iso = (value: number) => new Date(value).toISOString();

const byTime = (a: MilestoneEvent, b: MilestoneEvent) =>
  parseZonedTime(a.eventTime)! - parseZonedTime(b.eventTime)! ||
  (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) ||
  (a.sourceEventId < b.sourceEventId ? -1 : a.sourceEventId > b.sourceEventId ? 1 : 0);

function eventDetail(e: MilestoneEvent): Record<string, unknown> {
  return {
    eventCode: e.eventCode,
    eventTime: iso(parseZonedTime(e.eventTime)!),
    location: e.location ?? null,
    source: e.source,
  };
}

function delaySeverity(delayMinutes: number): ExceptionSeverity {
  return delayMinutes >= 24 * 60 ? 'high' : 'normal';
}

/**
 * The exception conditions that hold now, at most one per kind, in EXCEPTION_KINDS order.
 *
 * `status` is `currentStatus(events)`; `events` are the same events (retracted ones are ignored),
 * used for damage and loss reported at or after delivery, which `status.exceptions` leaves out.
 * The result depends only on the set of events, never on the order they arrived in, and for fixed
 * facts and events a condition that holds at some time still holds at every later time.
 */
export function exceptionConditions(
  shipment: ShipmentFacts,
  status: Pick<ShipmentStatus, 'exceptions' | 'expectedDelivery' | 'actualDelivery'>,
  events: readonly MilestoneEvent[],
  now: Date,
  settings: ExceptionSettings,
): ExceptionCondition[] {
  const out: ExceptionCondition[] = [];
  const nowMs = now.getTime();
  const cancelled = ms(shipment.cancelledAt) !== null;
  const deliveredMs = ms(status.actualDelivery) ?? ms(shipment.deliveredAt);
  const delivered = deliveredMs !== null;
  const liveActuals = events.filter((e) => e.retracted !== true && e.classifier === 'ACT');

  // delay
  const promisedMs = ms(shipment.promisedAt);
  const tolerance = Math.max(0, Number(settings.delayToleranceMinutes) || 0) * MINUTE_MS;
  if (promisedMs !== null && !cancelled) {
    const deadline = promisedMs + tolerance;
    const expectedMs = status.expectedDelivery ? ms(status.expectedDelivery.eventTime) : null;
    const base = { promisedAt: iso(promisedMs), toleranceMinutes: tolerance / MINUTE_MS };
    if (delivered) {
      if (deliveredMs > deadline) {
        const delayMinutes = Math.round((deliveredMs - promisedMs) / MINUTE_MS);
        out.push({
          kind: 'delay',
          severity: delaySeverity(delayMinutes),
          detail: { ...base, basis: 'actual', actualAt: iso(deliveredMs), delayMinutes },
          eventId: null,
        });
      }
    } else if (expectedMs !== null && expectedMs > deadline) {
      const delayMinutes = Math.round((expectedMs - promisedMs) / MINUTE_MS);
      out.push({
        kind: 'delay',
        severity: delaySeverity(delayMinutes),
        detail: {
          ...base,
          basis: 'estimate',
          expectedAt: iso(expectedMs),
          classifier: status.expectedDelivery!.classifier,
          delayMinutes,
        },
        eventId: null,
      });
    } else if (nowMs > deadline) {
      const delayMinutes = Math.round((nowMs - promisedMs) / MINUTE_MS);
      out.push({
        kind: 'delay',
        severity: delaySeverity(delayMinutes),
        detail: {
          ...base,
          basis: 'overdue',
          expectedAt: expectedMs === null ? null : iso(expectedMs),
          delayMinutes,
        },
        eventId: null,
      });
    }
  }

  // silence
  const hours = Number(settings.silenceHours?.[shipment.mode]);
  if (!cancelled && !delivered && Number.isFinite(hours) && hours > 0) {
    const lastMs = ms(shipment.lastEventAt);
    const since = lastMs ?? ms(shipment.createdAt);
    if (since !== null && nowMs - since > hours * HOUR_MS) {
      const silentHours = Math.floor((nowMs - since) / HOUR_MS);
      out.push({
        kind: 'silence',
        severity: silentHours >= 2 * hours ? 'high' : 'normal',
        detail: {
          lastEventAt: lastMs === null ? null : iso(lastMs),
          since: iso(since),
          silenceHours: hours,
          silentHours,
        },
        eventId: null,
      });
    }
  }

  // damaged, lost: any actual report, delivered or not (damage is often found at delivery).
  for (const [code, kind, severity] of [
    ['DAMAGED', 'damaged', 'high'],
    ['LOST', 'lost', 'critical'],
  ] as const) {
    const first = liveActuals.filter((e) => e.eventCode === code).sort(byTime)[0];
    if (first) out.push({ kind, severity, detail: eventDetail(first), eventId: first.id });
  }

  // hold: not followed by delivery (status.exceptions) nor by a later actual progress milestone
  // (customs released, departed …; paperwork and inspections do not release it).
  if (!cancelled) {
    const holds = status.exceptions.filter((e) => e.eventCode === 'HOLD').sort(byTime);
    const lastHold = holds.at(-1);
    if (lastHold) {
      const holdMs = parseZonedTime(lastHold.eventTime)!;
      const released = liveActuals.some(
        (e) =>
          !EXCEPTION_CODES.includes(e.eventCode) &&
          !INFORMATIONAL_CODES.includes(e.eventCode) &&
          parseZonedTime(e.eventTime)! > holdMs,
      );
      if (!released) {
        out.push({ kind: 'hold', severity: 'normal', detail: eventDetail(lastHold), eventId: lastHold.id });
      }
    }
  }

  // delivery_failed: after the last delivery (status.exceptions drops those before it).
  if (!cancelled) {
    const failed = status.exceptions
      .filter((e) => e.eventCode === 'DELIVERY_FAILED')
      .sort(byTime)
      .at(-1);
    if (failed) {
      out.push({
        kind: 'delivery_failed',
        severity: 'normal',
        detail: eventDetail(failed),
        eventId: failed.id,
      });
    }
  }

  const order = (k: ExceptionKind) => EXCEPTION_KINDS.indexOf(k);
  return out.sort((a, b) => order(a.kind) - order(b.kind));
}

export interface OpenException {
  id: string;
  kind: ExceptionKind;
  detail: Record<string, unknown>;
}

export interface ExceptionPlan {
  /** Conditions of kinds without an open exception: raise (and tell people) once. */
  raise: ExceptionCondition[];
  /** Open exceptions whose condition cleared and that clear by themselves. */
  resolve: OpenException[];
  /** Open delay exceptions whose basis or expected/actual time changed: refresh the stored detail (no new notice). */
  refresh: { exception: OpenException; condition: ExceptionCondition }[];
}

/** The fields of a delay's detail that matter to people (the rest move with the clock). */
function delayShape(detail: Record<string, unknown>): string {
  return JSON.stringify([
    detail.basis,
    detail.expectedAt ?? null,
    detail.actualAt ?? null,
    detail.promisedAt,
  ]);
}

/** The last exception of a kind that a person resolved. */
export interface ResolvedException {
  kind: ExceptionKind;
  detail: Record<string, unknown>;
  eventId: string | null;
}

const timeOf = (v: unknown) => (typeof v === 'string' ? ms(v) : null);

/**
 * Whether a condition is the same situation a person already resolved, so raising it again would
 * tell the owner and the customer a second time about one exception: the same raising event
 * (damage, loss, hold, failed delivery), the same silent stretch, or — for a delay against the same
 * promise — no later expected or actual time than the one resolved (beyond the tolerance).
 */
export function repeatsResolved(
  condition: ExceptionCondition,
  resolved: ResolvedException | undefined,
  toleranceMinutes: number,
): boolean {
  if (!resolved || resolved.kind !== condition.kind) return false;
  const now = condition.detail;
  const before = resolved.detail;
  switch (condition.kind) {
    case 'delay': {
      if (timeOf(now.promisedAt) !== timeOf(before.promisedAt)) return false;
      const current = timeOf(now.actualAt) ?? timeOf(now.expectedAt);
      if (current === null) return true;
      const previous = timeOf(before.actualAt) ?? timeOf(before.expectedAt);
      if (previous === null) return false;
      return current <= previous + Math.max(0, toleranceMinutes) * MINUTE_MS;
    }
    case 'silence':
      return timeOf(now.since) === timeOf(before.since);
    default:
      return condition.eventId !== null && condition.eventId === resolved.eventId;
  }
}

/**
 * What to change given the open (unresolved) exceptions of a shipment and the conditions that hold
 * now; `resolvedByPeople` are the latest person-resolved exceptions per kind (not raised again for
 * the same situation, see repeatsResolved).
 */
export function planExceptions(
  open: readonly OpenException[],
  conditions: readonly ExceptionCondition[],
  resolvedByPeople: readonly ResolvedException[] = [],
  toleranceMinutes = 0,
): ExceptionPlan {
  const openByKind = new Map(open.map((o) => [o.kind, o]));
  const holding = new Map(conditions.map((c) => [c.kind, c]));
  const resolvedByKind = new Map(resolvedByPeople.map((r) => [r.kind, r]));
  const raise = conditions.filter(
    (c) => !openByKind.has(c.kind) && !repeatsResolved(c, resolvedByKind.get(c.kind), toleranceMinutes),
  );
  const resolve = open.filter((o) => clearsByItself(o.kind) && !holding.has(o.kind));
  const refresh: ExceptionPlan['refresh'] = [];
  for (const o of open) {
    const c = holding.get(o.kind);
    if (c && o.kind === 'delay' && delayShape(o.detail) !== delayShape(c.detail)) {
      refresh.push({ exception: o, condition: c });
    }
  }
  return { raise, resolve, refresh };
}

// ---------------------------------------------------------------------------------------------
// Words for people (zh-CN first).

export const KIND_NAMES_ZH: Record<ExceptionKind, string> = {
  delay: '延误',
  silence: '长时间无动态',
  damaged: '货物破损',
  hold: '货物被扣留',
  lost: '货物丢失',
  delivery_failed: '派送未成功',
};

/** Ticket category code (ticket_categories, seeded) for a ticket opened from an exception. */
export const TICKET_CATEGORY_OF_KIND: Record<ExceptionKind, string> = {
  delay: 'delay',
  silence: 'information',
  damaged: 'damage',
  hold: 'delay',
  lost: 'loss',
  delivery_failed: 'delay',
};

/** "2026-11-25 18:00" in the given time zone. */
export function formatLocal(value: TimeLike, timeZone: string): string {
  const at = ms(value);
  if (at === null) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

function durationZh(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return `${m} 分钟`;
  const hours = Math.round(m / 60);
  if (hours < 48) return `${hours} 小时`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${days} 天 ${rest} 小时` : `${days} 天`;
}

export interface NoticeContext {
  number: string;
  origin: string | null;
  destination: string | null;
  /** Who the customer can call: the account owner's name. */
  ownerName: string | null;
  timeZone: string;
}

/** One line saying what the rule saw, for staff (task notes, in-app notice, ticket words). */
export function describeException(
  kind: ExceptionKind,
  detail: Record<string, unknown>,
  timeZone: string,
): string {
  const t = (v: unknown) => formatLocal(v as string, timeZone);
  switch (kind) {
    case 'delay': {
      const minutes = Number(detail.delayMinutes) || 0;
      if (detail.basis === 'actual')
        return `承诺 ${t(detail.promisedAt)} 送达，实际 ${t(detail.actualAt)} 送达，晚了 ${durationZh(minutes)}`;
      if (detail.basis === 'estimate')
        return `承诺 ${t(detail.promisedAt)} 送达，目前预计 ${t(detail.expectedAt)}，约晚 ${durationZh(minutes)}`;
      return `承诺 ${t(detail.promisedAt)} 送达，已超时仍未送达${detail.expectedAt ? `（预计 ${t(detail.expectedAt)}）` : ''}`;
    }
    case 'silence':
      return `已 ${Number(detail.silentHours) || 0} 小时没有任何动态（该运输方式的阈值为 ${Number(detail.silenceHours) || 0} 小时）`;
    default: {
      const where = detail.location ? ` 地点 ${String(detail.location)}` : '';
      return `${KIND_NAMES_ZH[kind]}：${t(detail.eventTime)}${where}（${String(detail.eventCode ?? '')}）`;
    }
  }
}

/**
 * The proactive notice to the customer in plain zh-CN: what happened, the new expected time when
 * there is one, and what we do about it. No internal data (no notes, no prices, no raw codes).
 */
export function customerNotice(
  kind: ExceptionKind,
  detail: Record<string, unknown>,
  ctx: NoticeContext,
): { subject: string; body: string } {
  const t = (v: unknown) => formatLocal(v as string, ctx.timeZone);
  const lane = ctx.origin && ctx.destination ? `，${ctx.origin} → ${ctx.destination}` : '';
  const what = `您的货物（运单号 ${ctx.number}${lane}）`;
  const lines: string[] = ['尊敬的客户，您好：', ''];
  let headline: string;
  let action: string;
  switch (kind) {
    case 'delay': {
      headline = '预计延误';
      const minutes = Number(detail.delayMinutes) || 0;
      if (detail.basis === 'actual') {
        lines.push(
          `${what}已于 ${t(detail.actualAt)} 送达，比我们承诺的 ${t(detail.promisedAt)} 晚了 ${durationZh(minutes)}。`,
        );
        headline = '送达延误';
      } else if (detail.basis === 'estimate') {
        lines.push(`${what}预计会晚于我们承诺的送达时间。`);
        lines.push(`承诺送达时间：${t(detail.promisedAt)}`);
        lines.push(`最新预计送达时间：${t(detail.expectedAt)}（约晚 ${durationZh(minutes)}）`);
      } else {
        lines.push(`${what}已超过我们承诺的送达时间 ${t(detail.promisedAt)}，目前尚未送达。`);
        if (detail.expectedAt) lines.push(`最新预计送达时间：${t(detail.expectedAt)}`);
      }
      action = '我们已安排专人跟进，正在与承运方协调尽快送达，有新进展会第一时间告诉您。';
      break;
    }
    case 'silence':
      headline = '暂无最新动态';
      lines.push(`${what}已有一段时间没有新的运输动态。`);
      action = '我们正在向承运方核实货物的位置，确认后会马上告诉您。';
      break;
    case 'damaged':
      headline = '货物破损';
      lines.push(`${what}在 ${t(detail.eventTime)} 被报告有破损。`);
      action = '我们已安排专人核查破损情况并拍照留证，会尽快与您联系商量处理办法。';
      break;
    case 'lost':
      headline = '货物下落待查';
      lines.push(`${what}目前下落不明（${t(detail.eventTime)} 报告）。`);
      action = '我们已启动查找，并会与您联系商量后续处理。';
      break;
    case 'hold':
      headline = '货物被扣留';
      lines.push(`${what}在 ${t(detail.eventTime)} 被扣留（例如海关查验），暂时无法继续运输。`);
      action = '我们正在办理放行手续，放行后会继续安排运输并通知您新的预计时间。';
      break;
    case 'delivery_failed':
      headline = '派送未成功';
      lines.push(`${what}在 ${t(detail.eventTime)} 派送未成功。`);
      action = '我们会与您或收货人确认时间和地址后重新安排派送。';
      break;
  }
  lines.push('', `我们的处理：${action}`);
  if (ctx.ownerName) lines.push(`如有疑问，请联系您的客户经理 ${ctx.ownerName}。`);
  lines.push('', '此致', 'Liaison 客户服务');
  return { subject: `【货物动态提醒】运单 ${ctx.number} ${headline}`, body: lines.join('\n') };
}
