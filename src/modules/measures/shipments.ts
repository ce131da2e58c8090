import { type SQL, sql } from 'drizzle-orm';
import type { MeasurePeriod } from './service.ts';

export const SHIPMENT_MEASURE_GROUPS = ['period', 'department', 'mode', 'lane', 'customer'] as const;
export type ShipmentMeasureGroup = (typeof SHIPMENT_MEASURE_GROUPS)[number];
/** Exception causes counted separately (the exceptions module's kinds). */
export const EXCEPTION_CAUSES = ['delay', 'silence', 'damaged', 'hold', 'lost', 'delivery_failed'] as const;

export interface ShipmentMeasureRow {
  key: string | null;
  label: string | null;
  shipments: number;
  deliveryDecided: number;
  onTime: number;
  onTimeRate: number | null;
  late: number;
  averageDelayMinutes: number | null;
  exceptionShipments: number;
  exceptionRate: number | null;
  exceptionsByCause: Record<(typeof EXCEPTION_CAUSES)[number], number>;
  podRecorded: number;
  podTurnaroundAvgMinutes: number | null;
  podTurnaroundMedianMinutes: number | null;
}

export interface ShipmentMeasuresSqlInput {
  from: Date;
  to: Date;
  now: Date;
  timeZone: string;
  groupBy: ShipmentMeasureGroup;
  period: MeasurePeriod;
  mode?: string;
  customerId?: string;
  /** The department filter with its subtree; null: none. */
  departmentIds: string[] | null;
  /** A supervisor's team or an operations user's department; null: no restriction. */
  scopeDepartmentIds: string[] | null;
}

function uuidArray(ids: string[]): SQL {
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

/**
 * Shipment measures for the KPI capability (issue 4 §9), one statement, aggregated in the database.
 * Shipments are counted by their promised time (承诺时限) in [from, to); cancelled ones and those
 * without a promise are left out, since "on time" means "against the promise".
 * - on time: delivered no later than promised. Decided once delivered, or once the promise has
 *   passed without delivery (then it is late). Undecided shipments are not in the rate.
 * - average delay: minutes past the promise, over late shipments (delivered late, or still
 *   undelivered after the promise: delay so far).
 * - exception rate by cause: shipments with at least one exception of that kind (any status) among
 *   the shipments counted; exceptionShipments counts shipments with any exception.
 * - POD turnaround: minutes from delivery to the POD being recorded.
 */
export function shipmentMeasuresSql(input: ShipmentMeasuresSqlInput): SQL {
  const lo = sql`${input.from.toISOString()}::timestamptz`;
  const hi = sql`${input.to.toISOString()}::timestamptz`;
  const now = sql`${input.now.toISOString()}::timestamptz`;
  const zone = sql`${input.timeZone}::text`;
  const unit = sql.raw(`'${input.period}'`);
  const key: Record<ShipmentMeasureGroup, SQL> = {
    period: sql`to_char(date_trunc(${unit}, s.promised_at at time zone ${zone}), 'YYYY-MM-DD')`,
    department: sql`s.department_id::text`,
    mode: sql`s.mode`,
    lane: sql`coalesce(s.origin, '?') || '-' || coalesce(s.destination, '?')`,
    customer: sql`s.customer_id::text`,
  };
  const label: Record<ShipmentMeasureGroup, SQL> = {
    period: sql`k.k`,
    department: sql`(select name from departments where id = k.k::uuid)`,
    mode: sql`k.k`,
    lane: sql`k.k`,
    customer: sql`(select name from customers where id = k.k::uuid)`,
  };
  const where: SQL[] = [sql`s.promised_at >= ${lo}`, sql`s.promised_at < ${hi}`, sql`s.cancelled_at is null`];
  if (input.mode) where.push(sql`s.mode = ${input.mode}`);
  if (input.customerId) where.push(sql`s.customer_id = ${input.customerId}::uuid`);
  if (input.departmentIds) where.push(sql`s.department_id = any(${uuidArray(input.departmentIds)})`);
  if (input.scopeDepartmentIds)
    where.push(sql`s.department_id = any(${uuidArray(input.scopeDepartmentIds)})`);

  const buckets =
    input.groupBy === 'period'
      ? sql`union select to_char(g, 'YYYY-MM-DD'), false from generate_series(
          date_trunc(${unit}, ${lo} at time zone ${zone}),
          (${hi} at time zone ${zone}) - interval '1 microsecond',
          ${`1 ${input.period}`}::interval) g`
      : sql``;
  const order =
    input.groupBy === 'period' ? sql`k.k` : sql`coalesce(a.shipments, 0) desc, label nulls last, k.k`;
  const rate = (a: SQL, b: SQL) => sql`round(${a}::numeric / nullif(${b}, 0), 4)::float8`;
  const minutes = (expr: SQL) => sql`round((${expr})::numeric, 1)::float8`;
  const n = (expr: SQL) => sql`coalesce(${expr}, 0)::int`;
  const causeFlags = EXCEPTION_CAUSES.map(
    (cause) =>
      sql`exists (select 1 from shipment_exceptions x where x.shipment_id = s.id and x.kind = ${cause}) as ${sql.identifier(`x_${cause}`)}`,
  );
  const causeCounts = EXCEPTION_CAUSES.map(
    (cause) =>
      sql`count(*) filter (where ${sql.identifier(`x_${cause}`)}) as ${sql.identifier(`c_${cause}`)}`,
  );
  const causeJson = sql.join(
    EXCEPTION_CAUSES.map((cause) => sql`${cause}::text, ${n(sql`a.${sql.identifier(`c_${cause}`)}`)}`),
    sql`, `,
  );

  return sql`
with s as (
  select ${key[input.groupBy]} as k,
    case when s.delivered_at is not null then s.delivered_at <= s.promised_at
      when s.promised_at <= ${now} then false end as on_time,
    case when s.delivered_at is not null and s.delivered_at > s.promised_at
        then extract(epoch from s.delivered_at - s.promised_at) / 60
      when s.delivered_at is null and s.promised_at <= ${now}
        then extract(epoch from ${now} - s.promised_at) / 60 end as delay_min,
    case when s.pod_recorded_at is not null and s.delivered_at is not null
      then greatest(extract(epoch from s.pod_recorded_at - s.delivered_at) / 60, 0) end as pod_min,
    exists (select 1 from shipment_exceptions x where x.shipment_id = s.id) as x_any,
    ${sql.join(causeFlags, sql`, `)}
  from shipments s
  where ${sql.join(where, sql` and `)}
), a as (
  select k, grouping(k) = 1 as total,
    count(*) as shipments,
    count(on_time) as decided,
    count(*) filter (where on_time) as on_time,
    count(delay_min) as late,
    avg(delay_min) as delay_avg,
    count(*) filter (where x_any) as x_any,
    ${sql.join(causeCounts, sql`, `)},
    count(pod_min) as pod_n, avg(pod_min) as pod_avg,
    percentile_cont(0.5) within group (order by pod_min) as pod_med
  from s group by grouping sets ((k), ())
), k as (
  select k, total from a union select null::text, true ${buckets}
)
select k.k as key, k.total, ${label[input.groupBy]} as label,
  ${n(sql`a.shipments`)} as "shipments",
  ${n(sql`a.decided`)} as "deliveryDecided",
  ${n(sql`a.on_time`)} as "onTime",
  ${rate(sql`a.on_time`, sql`a.decided`)} as "onTimeRate",
  ${n(sql`a.late`)} as "late",
  ${minutes(sql`a.delay_avg`)} as "averageDelayMinutes",
  ${n(sql`a.x_any`)} as "exceptionShipments",
  ${rate(sql`a.x_any`, sql`a.shipments`)} as "exceptionRate",
  json_build_object(${causeJson}) as "exceptionsByCause",
  ${n(sql`a.pod_n`)} as "podRecorded",
  ${minutes(sql`a.pod_avg`)} as "podTurnaroundAvgMinutes",
  ${minutes(sql`a.pod_med`)} as "podTurnaroundMedianMinutes"
from k
left join a on a.total = k.total and a.k is not distinct from k.k
order by k.total, ${order}`;
}
