import { type SQL, sql } from 'drizzle-orm';
import type { Actor } from '../../domain/access.ts';
import { addDays, localDateOf, parseDate, startOfDay } from '../../domain/followups.ts';
import type { AppContext } from '../../server/context.ts';
import { type FieldProblem, forbidden, validationFailed } from '../../server/problems.ts';
import type { TicketType } from '../tickets/tables.ts';
import type { MEASURE_GROUPS, MEASURE_PERIODS } from './schema.ts';
import { type ShipmentMeasureGroup, type ShipmentMeasureRow, shipmentMeasuresSql } from './shipments.ts';

export type MeasureGroup = (typeof MEASURE_GROUPS)[number];
export type MeasurePeriod = (typeof MEASURE_PERIODS)[number];

export interface MeasuresFilter {
  from?: string;
  to?: string;
  groupBy?: MeasureGroup;
  period?: MeasurePeriod;
  type?: TicketType;
  departmentId?: string;
  categoryId?: string;
  customerId?: string;
}

export interface ShipmentMeasuresFilter {
  from?: string;
  to?: string;
  groupBy?: ShipmentMeasureGroup;
  period?: MeasurePeriod;
  mode?: string;
  departmentId?: string;
  customerId?: string;
}

export interface MeasureRow {
  key: string | null;
  label: string | null;
  tickets: number;
  firstResponded: number;
  firstResponseAvgMinutes: number | null;
  firstResponseMedianMinutes: number | null;
  resolved: number;
  resolutionAvgMinutes: number | null;
  resolutionMedianMinutes: number | null;
  firstContactResolved: number;
  firstContactDecided: number;
  firstContactResolutionRate: number | null;
  slaTickets: number;
  slaMet: number;
  slaAttainment: number | null;
  firstResponseSlaTickets: number;
  firstResponseSlaMet: number;
  firstResponseSlaAttainment: number | null;
  resolutionSlaTickets: number;
  resolutionSlaMet: number;
  resolutionSlaAttainment: number | null;
  reopened: number;
  reopenRate: number | null;
  escalated: number;
  escalationRate: number | null;
  commitmentsKept: number;
  commitmentsBroken: number;
  promiseKeptRate: number | null;
}

/** Default range: the last 90 days of the display time zone, today included. */
const DEFAULT_DAYS = 90;
/** More buckets than this is no chart anyone reads; ask for a coarser period. */
const MAX_BUCKETS = 1000;
const DAY_MS = 86_400_000;
const PERIOD_DAYS: Record<MeasurePeriod, number> = { day: 1, week: 7, month: 28 };

/**
 * Service-desk measures for the KPI capability: first-response and resolution times, first-contact
 * resolution, SLA attainment, reopen and escalation rates and the promise-kept rate, per period,
 * department, category or customer. One SQL statement per request; everything is aggregated in
 * the database.
 *
 * Definitions (tickets are counted by their received_at in [from, to)):
 * - times are wall-clock minutes from received_at to first_responded_at / resolved_at;
 * - first-contact resolution: resolved_at_first_contact true among tickets where it is recorded;
 * - an SLA target counts once it is decided: met (answered/resolved by its due time and no breach
 *   recorded) or missed (a breach recorded, answered/resolved late, or due time passed while
 *   the clock runs). Running tickets within their time are not counted yet;
 * - slaAttainment: tickets whose decided targets were all met, among tickets with a decided target;
 * - reopen rate: reopen_count > 0; escalation rate: escalation_level > 0 (换人 at least once);
 * - promise-kept rate: commitments due in [from, to) and settled as kept or broken; grouped by
 *   their due date, the maker's department, the category of their ticket, or their customer.
 * Supervisors see their team's tickets (the owner's department within their team) and their team's
 * promises; managers and admins everything.
 */
export class MeasuresService {
  constructor(readonly ctx: AppContext) {}

  async measures(actor: Actor, filter: MeasuresFilter) {
    if (actor.role !== 'supervisor' && actor.role !== 'manager' && actor.role !== 'admin') {
      throw forbidden('Service-desk measures are for supervisors, managers and administrators.');
    }
    const { from, to, now, timeZone, groupBy, period } = await this.range(filter, filter.groupBy ?? 'period');
    let team: string[] | null = null;
    if (actor.role === 'supervisor') team = actor.teamDepartmentIds.length ? actor.teamDepartmentIds : [];
    const departments = await this.departmentFilter(filter.departmentId);

    const statement = measuresSql({
      from,
      to,
      now,
      timeZone,
      groupBy,
      period,
      type: filter.type,
      categoryId: filter.categoryId,
      customerId: filter.customerId,
      departmentIds: departments,
      teamDepartmentIds: team,
    });
    const rows = await this.ctx.database.query<MeasureRow & { total: boolean }>(statement);
    const totalRow = rows.find((r) => r.total);
    const strip = ({ total: _t, ...row }: MeasureRow & { total: boolean }): MeasureRow => row;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      period: groupBy === 'period' ? period : null,
      timeZone,
      rows: rows.filter((r) => !r.total).map(strip),
      total: strip(totalRow ?? emptyTotal()),
    };
  }

  /**
   * Shipment measures (issue 4 §9): on-time delivery against the promise, delay, exception rate by
   * cause and POD turnaround. Supervisors see their team's departments, operations users their
   * department, managers and admins everything.
   */
  async shipmentMeasures(actor: Actor, filter: ShipmentMeasuresFilter) {
    let scope: string[] | null = null;
    if (actor.role === 'supervisor') scope = actor.teamDepartmentIds;
    else if (actor.role === 'operations') scope = actor.departmentId ? [actor.departmentId] : [];
    else if (actor.role !== 'manager' && actor.role !== 'admin') {
      throw forbidden('Shipment measures are for supervisors, operations, managers and administrators.');
    }
    const { from, to, now, timeZone, groupBy, period } = await this.range(filter, filter.groupBy ?? 'period');
    const rows = await this.ctx.database.query<ShipmentMeasureRow & { total: boolean }>(
      shipmentMeasuresSql({
        from,
        to,
        now,
        timeZone,
        groupBy,
        period,
        mode: filter.mode,
        customerId: filter.customerId,
        departmentIds: await this.departmentFilter(filter.departmentId),
        scopeDepartmentIds: scope,
      }),
    );
    const strip = ({ total: _t, ...row }: ShipmentMeasureRow & { total: boolean }): ShipmentMeasureRow => row;
    const total = rows.find((r) => r.total);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      period: groupBy === 'period' ? period : null,
      timeZone,
      rows: rows.filter((r) => !r.total).map(strip),
      total: total ? strip(total) : null,
    };
  }

  /** The validated range of a measures request: days of the display zone, default the last 90. */
  private async range<G extends string>(
    filter: { from?: string; to?: string; period?: MeasurePeriod },
    groupBy: G,
  ) {
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    const period = filter.period ?? 'week';
    const problems: FieldProblem[] = [];
    const now = this.ctx.now();
    const today = localDateOf(now, timeZone);
    const from = filter.from
      ? this.bound(filter.from, 'from', timeZone, problems)
      : startOfDay(addDays(today, 1 - DEFAULT_DAYS), timeZone);
    const to = filter.to
      ? this.bound(filter.to, 'to', timeZone, problems)
      : startOfDay(addDays(today, 1), timeZone);
    if (from && to && from.getTime() >= to.getTime())
      problems.push({ field: 'to', message: 'must be after from' });
    if (
      from &&
      to &&
      groupBy === 'period' &&
      (to.getTime() - from.getTime()) / DAY_MS / PERIOD_DAYS[period] > MAX_BUCKETS
    ) {
      problems.push({ field: 'period', message: `more than ${MAX_BUCKETS} periods: choose a longer period` });
    }
    if (problems.length || !from || !to) throw validationFailed(problems);
    return { from, to, now, timeZone, groupBy, period };
  }

  /** A department filter covers the department and those below it. */
  private async departmentFilter(departmentId: string | undefined): Promise<string[] | null> {
    if (!departmentId) return null;
    const subtree = await this.ctx.services.departments.subtreeIds(departmentId);
    return subtree.length ? subtree : [departmentId];
  }

  private bound(
    text: string,
    field: 'from' | 'to',
    timeZone: string,
    problems: FieldProblem[],
  ): Date | undefined {
    if (text.length === 10) {
      const date = parseDate(text);
      if (!date) {
        problems.push({ field, message: 'not a valid date' });
        return undefined;
      }
      return startOfDay(field === 'to' ? addDays(date, 1) : date, timeZone);
    }
    const at = new Date(text);
    if (Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1900 || at.getUTCFullYear() > 2999) {
      problems.push({ field, message: 'not a valid date-time' });
      return undefined;
    }
    return at;
  }
}

function emptyTotal(): MeasureRow & { total: boolean } {
  return {
    total: true,
    key: null,
    label: null,
    tickets: 0,
    firstResponded: 0,
    firstResponseAvgMinutes: null,
    firstResponseMedianMinutes: null,
    resolved: 0,
    resolutionAvgMinutes: null,
    resolutionMedianMinutes: null,
    firstContactResolved: 0,
    firstContactDecided: 0,
    firstContactResolutionRate: null,
    slaTickets: 0,
    slaMet: 0,
    slaAttainment: null,
    firstResponseSlaTickets: 0,
    firstResponseSlaMet: 0,
    firstResponseSlaAttainment: null,
    resolutionSlaTickets: 0,
    resolutionSlaMet: 0,
    resolutionSlaAttainment: null,
    reopened: 0,
    reopenRate: null,
    escalated: 0,
    escalationRate: null,
    commitmentsKept: 0,
    commitmentsBroken: 0,
    promiseKeptRate: null,
  };
}

interface MeasuresSqlInput {
  from: Date;
  to: Date;
  now: Date;
  timeZone: string;
  groupBy: MeasureGroup;
  period: MeasurePeriod;
  type?: string;
  categoryId?: string;
  customerId?: string;
  /** The department filter with its subtree. */
  departmentIds: string[] | null;
  /** A supervisor's team; null: no restriction. */
  teamDepartmentIds: string[] | null;
}

function uuidArray(ids: string[]): SQL {
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

/** The one statement: ticket aggregates and promise aggregates per group, plus the total row. */
export function measuresSql(input: MeasuresSqlInput): SQL {
  const lo = sql`${input.from.toISOString()}::timestamptz`;
  const hi = sql`${input.to.toISOString()}::timestamptz`;
  const now = sql`${input.now.toISOString()}::timestamptz`;
  const zone = sql`${input.timeZone}::text`;
  // The period is one of three literals (validated), so it is safe inline.
  const unit = sql.raw(`'${input.period}'`);
  const bucket = (column: SQL) =>
    sql`to_char(date_trunc(${unit}, ${column} at time zone ${zone}), 'YYYY-MM-DD')`;

  const ticketKey: Record<MeasureGroup, SQL> = {
    period: bucket(sql`t.received_at`),
    department: sql`t.department_id`,
    category: sql`t.category_id`,
    customer: sql`t.customer_id`,
  };
  const promiseKey: Record<MeasureGroup, SQL> = {
    period: bucket(sql`c.due_at`),
    department: sql`maker.department_id`,
    category: sql`pt.category_id`,
    customer: sql`c.customer_id`,
  };

  const ticketWhere: SQL[] = [sql`t.received_at >= ${lo}`, sql`t.received_at < ${hi}`];
  const promiseWhere: SQL[] = [
    sql`c.due_at >= ${lo}`,
    sql`c.due_at < ${hi}`,
    sql`c.status in ('kept', 'broken')`,
  ];
  if (input.type) {
    ticketWhere.push(sql`t.type = ${input.type}`);
    promiseWhere.push(sql`pt.type = ${input.type}`);
  }
  if (input.categoryId) {
    ticketWhere.push(sql`t.category_id = ${input.categoryId}::uuid`);
    promiseWhere.push(sql`pt.category_id = ${input.categoryId}::uuid`);
  }
  if (input.customerId) {
    ticketWhere.push(sql`t.customer_id = ${input.customerId}::uuid`);
    promiseWhere.push(sql`c.customer_id = ${input.customerId}::uuid`);
  }
  if (input.departmentIds) {
    ticketWhere.push(sql`t.department_id = any(${uuidArray(input.departmentIds)})`);
    promiseWhere.push(sql`maker.department_id = any(${uuidArray(input.departmentIds)})`);
  }
  if (input.teamDepartmentIds) {
    ticketWhere.push(sql`t.department_id = any(${uuidArray(input.teamDepartmentIds)})`);
    promiseWhere.push(sql`maker.department_id = any(${uuidArray(input.teamDepartmentIds)})`);
  }

  const keyType = input.groupBy === 'period' ? sql.raw('text') : sql.raw('uuid');
  const label: Record<MeasureGroup, SQL> = {
    period: sql`k.k::text`,
    department: sql`(select name from departments where id = k.k)`,
    category: sql`(select name from ticket_categories where id = k.k)`,
    customer: sql`(select name from customers where id = k.k)`,
  };
  // Every period of the range is a row, also the empty ones.
  const buckets =
    input.groupBy === 'period'
      ? sql`union select to_char(g, 'YYYY-MM-DD'), false from generate_series(
          date_trunc(${unit}, ${lo} at time zone ${zone}),
          (${hi} at time zone ${zone}) - interval '1 microsecond',
          ${`1 ${input.period}`}::interval) g`
      : sql``;
  const order =
    input.groupBy === 'period' ? sql`k.k` : sql`coalesce(ta.tickets, 0) desc, label nulls last, k.k::text`;
  const rate = (a: SQL, b: SQL) => sql`round(${a}::numeric / nullif(${b}, 0), 4)::float8`;
  const minutes = (expr: SQL) => sql`round((${expr})::numeric, 1)::float8`;
  const n = (expr: SQL) => sql`coalesce(${expr}, 0)::int`;

  return sql`
with tr as (
  select ${ticketKey[input.groupBy]}::${keyType} as k,
    case when t.first_responded_at is not null
      then greatest(extract(epoch from t.first_responded_at - t.received_at) / 60, 0) end as frm,
    case when t.resolved_at is not null
      then greatest(extract(epoch from t.resolved_at - t.received_at) / 60, 0) end as rsm,
    t.resolved_at_first_contact as fcr,
    t.first_response_due_at is not null
      and (t.first_response_breached_at is not null or t.first_responded_at > t.first_response_due_at
        or (t.first_responded_at is null and t.sla_paused_at is null and t.status <> 'closed'
          and t.first_response_due_at <= ${now})) as fr_missed,
    t.first_response_due_at is not null and t.first_responded_at is not null as fr_done,
    t.resolution_due_at is not null
      and (t.resolution_breached_at is not null or t.resolved_at > t.resolution_due_at
        or (t.resolved_at is null and t.sla_paused_at is null and t.status not in ('resolved', 'closed')
          and t.resolution_due_at <= ${now})) as rs_missed,
    t.resolution_due_at is not null and t.resolved_at is not null as rs_done,
    t.reopen_count > 0 as reopened,
    t.escalation_level > 0 as escalated
  from tickets t
  where ${sql.join(ticketWhere, sql` and `)}
), tf as (
  select tr.*, fr_missed or fr_done as fr_decided, rs_missed or rs_done as rs_decided from tr
), ta as (
  select k, grouping(k) = 1 as total,
    count(*) as tickets,
    count(frm) as fr_n, avg(frm) as fr_avg, percentile_cont(0.5) within group (order by frm) as fr_med,
    count(rsm) as rs_n, avg(rsm) as rs_avg, percentile_cont(0.5) within group (order by rsm) as rs_med,
    count(*) filter (where fcr) as fcr_yes, count(fcr) as fcr_n,
    count(*) filter (where fr_decided or rs_decided) as sla_n,
    count(*) filter (where (fr_decided or rs_decided) and not fr_missed and not rs_missed) as sla_ok,
    count(*) filter (where fr_decided) as frs_n, count(*) filter (where fr_decided and not fr_missed) as frs_ok,
    count(*) filter (where rs_decided) as rss_n, count(*) filter (where rs_decided and not rs_missed) as rss_ok,
    count(*) filter (where reopened) as reopened,
    count(*) filter (where escalated) as escalated
  from tf group by grouping sets ((k), ())
), ca as (
  select k, grouping(k) = 1 as total,
    count(*) filter (where status = 'kept') as kept,
    count(*) filter (where status = 'broken') as broken
  from (
    select ${promiseKey[input.groupBy]}::${keyType} as k, c.status
    from commitments c
    join users maker on maker.id = c.made_by_id
    left join tickets pt on pt.id = c.ticket_id
    where ${sql.join(promiseWhere, sql` and `)}
  ) cr group by grouping sets ((k), ())
), k as (
  select k, total from ta union select k, total from ca union select null::${keyType}, true ${buckets}
)
select k.k::text as key, k.total, ${label[input.groupBy]} as label,
  ${n(sql`ta.tickets`)} as "tickets",
  ${n(sql`ta.fr_n`)} as "firstResponded",
  ${minutes(sql`ta.fr_avg`)} as "firstResponseAvgMinutes",
  ${minutes(sql`ta.fr_med`)} as "firstResponseMedianMinutes",
  ${n(sql`ta.rs_n`)} as "resolved",
  ${minutes(sql`ta.rs_avg`)} as "resolutionAvgMinutes",
  ${minutes(sql`ta.rs_med`)} as "resolutionMedianMinutes",
  ${n(sql`ta.fcr_yes`)} as "firstContactResolved",
  ${n(sql`ta.fcr_n`)} as "firstContactDecided",
  ${rate(sql`ta.fcr_yes`, sql`ta.fcr_n`)} as "firstContactResolutionRate",
  ${n(sql`ta.sla_n`)} as "slaTickets",
  ${n(sql`ta.sla_ok`)} as "slaMet",
  ${rate(sql`ta.sla_ok`, sql`ta.sla_n`)} as "slaAttainment",
  ${n(sql`ta.frs_n`)} as "firstResponseSlaTickets",
  ${n(sql`ta.frs_ok`)} as "firstResponseSlaMet",
  ${rate(sql`ta.frs_ok`, sql`ta.frs_n`)} as "firstResponseSlaAttainment",
  ${n(sql`ta.rss_n`)} as "resolutionSlaTickets",
  ${n(sql`ta.rss_ok`)} as "resolutionSlaMet",
  ${rate(sql`ta.rss_ok`, sql`ta.rss_n`)} as "resolutionSlaAttainment",
  ${n(sql`ta.reopened`)} as "reopened",
  ${rate(sql`ta.reopened`, sql`ta.tickets`)} as "reopenRate",
  ${n(sql`ta.escalated`)} as "escalated",
  ${rate(sql`ta.escalated`, sql`ta.tickets`)} as "escalationRate",
  ${n(sql`ca.kept`)} as "commitmentsKept",
  ${n(sql`ca.broken`)} as "commitmentsBroken",
  ${rate(sql`ca.kept`, sql`ca.kept + ca.broken`)} as "promiseKeptRate"
from k
left join ta on ta.total = k.total and ta.k is not distinct from k.k
left join ca on ca.total = k.total and ca.k is not distinct from k.k
order by k.total, ${order}`;
}
