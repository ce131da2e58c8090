import { type SQL, sql } from 'drizzle-orm';

/**
 * Set-based generators for the tracking benchmark (bench/tracking.ts): shipments with their
 * number references, and their milestone events, as INSERT … SELECT over generate_series so that
 * millions of rows load in minutes. Shipment n gets the number `LB` + 9 digits, the destination
 * postcode and consignee phone of `benchSecondFactors(n)`, and EVENTS_PER_SHIPMENT events whose
 * actual ones lie in the past.
 */

/** The nine actual milestones of a shipment, in order, and one estimate of delivery. */
export const BENCH_MILESTONES = [
  'BOOKED',
  'RECEIVED',
  'LOADED',
  'DEPARTED',
  'ARRIVED',
  'DISCHARGED',
  'CUSTOMS_RELEASED',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
] as const;
export const EVENTS_PER_SHIPMENT = BENCH_MILESTONES.length + 1;

/** Transit days of the modes sea, air, road, rail (shipment n has mode n % 4). */
const TRANSIT_DAYS = [30, 4, 3, 18];

/** The tracking number and second factors of bench shipment n (what the public lookups send). */
export function benchShipment(n: number): { number: string; postcode: string } {
  return {
    number: `LB${String(n).padStart(9, '0')}`,
    postcode: String(hash(n) % 1_000_000).padStart(6, '0'),
  };
}

/** A spread-out, non-negative hash of n, computed the same way in SQL (hashSql) and here. */
function hash(n: number): number {
  return Number((BigInt(n) * 2654435761n) % 4294967296n);
}
const hashSql = (n: SQL) => sql`((${n}::bigint * 2654435761) % 4294967296)`;

export function bulkShipmentsSql(input: {
  count: number;
  offset: number;
  total: number;
  now: Date;
  days: number;
  customerIds: string[];
  departmentIds: string[];
}): SQL {
  const now = sql`${input.now.toISOString()}::timestamptz`;
  // Parenthesised: a subscript cannot follow a cast directly.
  const arr = (ids: string[]) => sql`(${`{${ids.join(',')}}`}::uuid[])`;
  return sql`
with g as (
  select n, ${hashSql(sql`n`)} as h,
    date_trunc('milliseconds', ${now} - (${input.days}::float8 * (1 - (n::float8 / (${input.total}::float8 + 1)))) * interval '1 day') as created
  from generate_series(${input.offset + 1}::int, ${input.offset + input.count}::int) n
), m as (
  select g.*, (n % 4) as mode_i, (array[${sql.raw(TRANSIT_DAYS.join(','))}])[(n % 4) + 1] as transit
  from g
), s as (
  select m.*, created + transit * interval '1 day' as delivery,
    created + (transit + case when h % 10 = 0 then 2 else 0 end) * interval '1 day' as actual_delivery
  from m
), ins as (
  insert into shipments (id, number, customer_id, department_id, mode, house_bl, origin, destination,
    destination_postcode, consignee_phone, pieces, weight_kg, promised_at, status, status_at, delivered_at,
    last_event_at, estimated_delivery_at, created_at, updated_at)
  select gen_random_uuid(), 'LB' || lpad(n::text, 9, '0'),
    ${arr(input.customerIds)}[(h % ${input.customerIds.length}) + 1],
    ${arr(input.departmentIds)}[(n % ${input.departmentIds.length}) + 1],
    (array['sea','air','road','rail'])[mode_i + 1], 'HBL' || n,
    (array['CNSHA','CNPVG','CNSZX','CNNGB'])[(h % 4) + 1], (array['DEHAM','USLAX','NLRTM','SGSIN'])[(n % 4) + 1],
    lpad((h % 1000000)::text, 6, '0'), '138' || lpad((h % 100000000)::text, 8, '0'),
    1 + h % 40, (1 + h % 20000)::numeric, delivery,
    case when actual_delivery <= ${now} then 'delivered' else 'departed' end,
    least(actual_delivery, ${now}),
    case when actual_delivery <= ${now} then actual_delivery end,
    least(actual_delivery, ${now}),
    case when actual_delivery > ${now} then actual_delivery end,
    created, created
  from s
  returning id, number
)
insert into shipment_references (shipment_id, kind, value)
select id, 'number', number from ins`;
}

/** Events of the shipments numbered (offset, offset + count]: nine actual milestones up to now and one estimate. */
export function bulkEventsSql(input: { count: number; offset: number; now: Date }): SQL {
  const now = sql`${input.now.toISOString()}::timestamptz`;
  const codes = sql.raw(`(array[${BENCH_MILESTONES.map((c) => `'${c}'`).join(',')}])`);
  return sql`
with s as (
  select id, customer_id, number, created_at, promised_at,
    (promised_at - created_at) / 8 as step
  from shipments
  where number between ${`LB${String(input.offset + 1).padStart(9, '0')}`} and ${`LB${String(input.offset + input.count).padStart(9, '0')}`}
), e as (
  select s.*, k,
    case when k <= 9 then ${codes}[k] else 'DELIVERED' end as code,
    case when k <= 9 then 'ACT' else 'EST' end as classifier,
    case when k <= 9 then s.created_at + (k - 1) * s.step else s.promised_at end as at
  from s cross join generate_series(1, ${EVENTS_PER_SHIPMENT}) k
)
insert into tracking_events (id, shipment_id, customer_id, event_code, classifier, event_time, event_time_text,
  location, source, source_event_id, source_updated_at, source_updated_text, raw, received_at, updated_at)
select gen_random_uuid(), id, customer_id, code, classifier, at, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  case when k <= 4 then 'CNSHA' else 'DEHAM' end, 'bench', number || '-' || k,
  at, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  jsonb_build_object('eventID', number || '-' || k, 'eventType', code), at, at
from e
where classifier = 'EST' or at <= ${now}`;
}
