/**
 * The shipments demo: a few hundred shipments of the demo customers across the operations
 * departments, with milestone events fed through the real ingestion (so statuses, exceptions, owner
 * tasks and customer notices are what the product derives), loaded once on first start.
 *
 * Deterministic for a seed and a clock. Scenarios, by share: on time (most), delivered a little
 * late, a late estimate that breaks the promise (delay), damage on arrival, a customs hold, a
 * carrier gone silent, and a failed first delivery attempt.
 */
import { eq, isNull, sql } from 'drizzle-orm';
import { awbCheckDigit, iso6346CheckDigit } from '../domain/identifiers.ts';
import type { EventCode } from '../domain/milestones.ts';
import type { IncomingEvent } from '../domain/feeds/types.ts';
import { contacts, customers } from '../modules/customers/tables.ts';
import { departments } from '../modules/departments/tables.ts';
import type { ShipmentCreate } from '../modules/shipments/schema.ts';
import { shipments } from '../modules/shipments/tables.ts';
import type { AppContext } from '../server/context.ts';
import { AIRPORTS, SEA_PORTS } from './places.ts';
import { Random } from './random.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;

type Mode = 'air' | 'sea' | 'road' | 'rail' | 'warehouse' | 'distribution';
interface Lane {
  department: string;
  mode: Mode;
  origins: readonly string[];
  destinations: readonly string[];
  transitDays: number;
}

const CN_SEA = ['CNSHA', 'CNNGB', 'CNSZX', 'CNQIN', 'CNTSN', 'CNXMN'];
const CN_AIR = ['CNPVG', 'CNPEK', 'CNCAN', 'CNSZX', 'CNCTU'];
const CN_CITIES = ['CNSHA', 'CNSZX', 'CNHGH', 'CNSUZ', 'CNNKG', 'CNWUH', 'CNCTU', 'CNTSN', 'CNBJS'];
const LANES: Lane[] = [
  {
    department: 'AIR-EXP',
    mode: 'air',
    origins: CN_AIR,
    destinations: AIRPORTS.map((p) => p.code),
    transitDays: 3,
  },
  {
    department: 'AIR-IMP',
    mode: 'air',
    origins: AIRPORTS.map((p) => p.code),
    destinations: CN_AIR,
    transitDays: 3,
  },
  {
    department: 'SEA-EXP',
    mode: 'sea',
    origins: CN_SEA,
    destinations: SEA_PORTS.map((p) => p.code),
    transitDays: 28,
  },
  {
    department: 'SEA-IMP',
    mode: 'sea',
    origins: SEA_PORTS.map((p) => p.code),
    destinations: CN_SEA,
    transitDays: 26,
  },
  { department: 'TRANSPORT', mode: 'road', origins: CN_CITIES, destinations: CN_CITIES, transitDays: 2 },
  {
    department: 'TRANSPORT',
    mode: 'rail',
    origins: ['CNCTU', 'CNCKG', 'CNXIY'],
    destinations: ['DEDUI', 'PLLOD', 'DEHAM'],
    transitDays: 18,
  },
  { department: 'WAREHOUSE', mode: 'warehouse', origins: CN_CITIES, destinations: CN_CITIES, transitDays: 5 },
  {
    department: 'DISTRIBUTION',
    mode: 'distribution',
    origins: CN_CITIES,
    destinations: CN_CITIES,
    transitDays: 1,
  },
];

/** The milestones of a journey by mode; the fraction is where in the transit time it happens. */
const JOURNEYS: Record<Mode, readonly (readonly [EventCode, number, 'origin' | 'destination'])[]> = {
  sea: [
    ['BOOKED', 0, 'origin'],
    ['RECEIVED', 0.08, 'origin'],
    ['LOADED', 0.15, 'origin'],
    ['DEPARTED', 0.17, 'origin'],
    ['ARRIVED', 0.85, 'destination'],
    ['DISCHARGED', 0.87, 'destination'],
    ['CUSTOMS_RELEASED', 0.92, 'destination'],
    ['OUT_FOR_DELIVERY', 0.97, 'destination'],
    ['DELIVERED', 1, 'destination'],
  ],
  air: [
    ['BOOKED', 0, 'origin'],
    ['RECEIVED', 0.15, 'origin'],
    ['DEPARTED', 0.3, 'origin'],
    ['ARRIVED', 0.55, 'destination'],
    ['CUSTOMS_RELEASED', 0.75, 'destination'],
    ['OUT_FOR_DELIVERY', 0.9, 'destination'],
    ['DELIVERED', 1, 'destination'],
  ],
  rail: [
    ['BOOKED', 0, 'origin'],
    ['RECEIVED', 0.05, 'origin'],
    ['LOADED', 0.1, 'origin'],
    ['DEPARTED', 0.12, 'origin'],
    ['ARRIVED', 0.88, 'destination'],
    ['CUSTOMS_RELEASED', 0.93, 'destination'],
    ['DELIVERED', 1, 'destination'],
  ],
  road: [
    ['BOOKED', 0, 'origin'],
    ['RECEIVED', 0.1, 'origin'],
    ['DEPARTED', 0.2, 'origin'],
    ['ARRIVED', 0.8, 'destination'],
    ['OUT_FOR_DELIVERY', 0.9, 'destination'],
    ['DELIVERED', 1, 'destination'],
  ],
  warehouse: [
    ['BOOKED', 0, 'origin'],
    ['RECEIVED', 0.2, 'origin'],
    ['OUT_FOR_DELIVERY', 0.85, 'destination'],
    ['DELIVERED', 1, 'destination'],
  ],
  distribution: [
    ['RECEIVED', 0, 'origin'],
    ['OUT_FOR_DELIVERY', 0.5, 'destination'],
    ['DELIVERED', 1, 'destination'],
  ],
};

type Scenario = 'on_time' | 'late_delivery' | 'delay' | 'damaged' | 'hold' | 'silent' | 'failed_delivery';
const SCENARIOS: [Scenario, number][] = [
  ['on_time', 70],
  ['late_delivery', 8],
  ['delay', 9],
  ['damaged', 3],
  ['hold', 3],
  ['silent', 4],
  ['failed_delivery', 3],
];

const CARGO = [
  '电子元器件',
  '服装面料',
  '汽车配件',
  '医疗器械',
  '家具',
  '五金工具',
  '食品饮料',
  '化工原料（非危）',
  '机械设备',
  '日用百货',
];

export interface ShipmentDemoStats {
  shipments: number;
  events: number;
  exceptions: number;
  ms: number;
}

function containerNumber(random: Random): string {
  const owner = random.pick(['COSU', 'MSCU', 'MSKU', 'OOLU', 'CMAU', 'EGHU', 'HLXU', 'TGHU']);
  for (;;) {
    const body = `${owner}${random.digits(6)}`;
    // Serials whose remainder is 10 are not issued (ISO 6346 Annex A); draw another.
    const check = iso6346CheckDigit(body);
    if (check < 10) return `${body}${check}`;
  }
}

function awbNumber(random: Random): string {
  const serial = random.digits(7);
  return `${random.pick(['999', '784', '160', '618', '020', '176', '180'])}-${serial}${awbCheckDigit(serial)}`;
}

const isoTime = (ms: number) => new Date(ms).toISOString();

/** Loads the demo shipments once: does nothing when any shipment exists. */
export async function loadShipmentDemo(
  ctx: AppContext,
  options: { seed: string; shipments?: number },
): Promise<ShipmentDemoStats | null> {
  const started = Date.now();
  const [any] = await ctx.db.select({ id: shipments.id }).from(shipments).limit(1);
  if (any) return null;
  const departmentRows = await ctx.db
    .select({ id: departments.id, code: departments.code })
    .from(departments);
  const departmentId = new Map(departmentRows.map((d) => [d.code, d.id]));
  if (!LANES.every((lane) => departmentId.has(lane.department))) return null;
  const customerRows = await ctx.db
    .select({
      id: customers.id,
      contactId: sql<
        string | null
      >`(select ${contacts.id} from ${contacts} where ${contacts.customerId} = ${customers.id} and ${contacts.archivedAt} is null order by ${contacts.isPrimary} desc, ${contacts.id} limit 1)`,
    })
    .from(customers)
    .where(isNull(customers.archivedAt))
    .orderBy(customers.createdAt, customers.id)
    .limit(150);
  if (customerRows.length === 0) return null;

  const random = new Random(`${options.seed}:shipments`);
  const system = ctx.services.auth.systemActor();
  const now = ctx.now().getTime();
  const count = options.shipments ?? 150;
  let events = 0;
  let pending: IncomingEvent[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const answer = await ctx.services.tracking.ingest(system, pending);
    events += answer.results.filter((r) => r.outcome !== 'rejected').length;
    pending = [];
  };

  for (let i = 0; i < count; i++) {
    const lane = random.pick(LANES);
    const customer = random.pick(customerRows);
    const origin = random.pick(lane.origins);
    let destination = random.pick(lane.destinations);
    if (destination === origin)
      destination = lane.destinations[(lane.destinations.indexOf(origin) + 1) % lane.destinations.length];
    const transit = lane.transitDays * DAY * (0.85 + random.next() * 0.15);
    // Created over the last two transit times and 30 days, so some are delivered and some under way.
    const createdAt = now - random.next() * (2 * lane.transitDays * DAY + 30 * DAY);
    const promisedAt = createdAt + lane.transitDays * DAY + DAY;
    const scenario = random.weighted(SCENARIOS);
    const shipment = await ctx.services.shipments.create(system, {
      customerId: customer.id,
      contactId: customer.contactId,
      departmentId: departmentId.get(lane.department)!,
      mode: lane.mode as ShipmentCreate['mode'],
      orderNo: `PO${random.digits(8)}`,
      houseBl: lane.mode === 'sea' ? `LSN${random.digits(9)}` : null,
      masterBl: lane.mode === 'sea' ? `${random.pick(['COSU', 'MAEU', 'OOLU'])}${random.digits(10)}` : null,
      awb: lane.mode === 'air' ? awbNumber(random) : null,
      containers: lane.mode === 'sea' || lane.mode === 'rail' ? [containerNumber(random)] : [],
      customerReference: random.chance(0.6) ? `REF-${random.digits(6)}` : null,
      origin,
      destination,
      destinationPostcode: String(random.int(100000, 899999)),
      consigneeName: random.pick(['王先生', '李女士', '张经理', 'Mr. Schmidt', 'Ms. Tanaka', '陈主管']),
      consigneePhone: `1${random.pick(['38', '39', '58', '86'])}${random.digits(8)}`,
      pieces: random.int(1, 200),
      weightKg: random.int(20, 18000),
      volumeM3: Math.round(random.next() * 600) / 10,
      cargoDescription: random.pick(CARGO),
      specialHandling: random.chance(0.1) ? ['易碎'] : [],
      promisedAt: isoTime(promisedAt),
    });
    await ctx.db
      .update(shipments)
      .set({ createdAt: new Date(createdAt), updatedAt: new Date(createdAt) })
      .where(eq(shipments.id, shipment.id));

    const journey = JOURNEYS[lane.mode];
    const lateBy = scenario === 'late_delivery' ? random.int(4, 40) * HOUR : 0;
    const slip = scenario === 'delay' ? random.int(2, 5) * DAY : 0;
    // Where the events stop: silence stops 3–6 days ago; a hold or damage stops at arrival.
    const stopAt = scenario === 'silent' ? now - random.int(3, 6) * DAY : now;
    let seq = 0;
    const add = (
      code: EventCode,
      classifier: 'ACT' | 'EST' | 'PLN',
      at: number,
      place: string,
      updatedAt: number,
    ) => {
      seq += 1;
      pending.push({
        shipmentId: shipment.id,
        eventCode: code,
        classifier,
        eventTime: isoTime(at),
        location: place,
        source: 'demo',
        sourceEventId: `${shipment.number}-${seq}`,
        updatedAt: isoTime(Math.min(updatedAt, now)),
      });
    };
    let blocked = false;
    for (const [code, fraction, where] of journey) {
      const place = where === 'origin' ? origin : destination;
      const planned = createdAt + fraction * transit;
      const actual = planned + (fraction >= 0.5 ? lateBy + slip : 0);
      if (!blocked && actual <= stopAt) {
        if (code === 'DELIVERED' && scenario === 'failed_delivery') {
          add('DELIVERY_FAILED', 'ACT', actual - 2 * HOUR, place, actual - 2 * HOUR);
          if (actual + DAY <= now) add('DELIVERED', 'ACT', actual + DAY, place, actual + DAY);
          continue;
        }
        add(code, 'ACT', actual, place, actual);
        if (code === 'ARRIVED' && scenario === 'damaged')
          add('DAMAGED', 'ACT', actual + 3 * HOUR, place, actual + 3 * HOUR);
        if (code === (lane.mode === 'sea' ? 'DISCHARGED' : 'ARRIVED') && scenario === 'hold') {
          add('HOLD', 'ACT', actual + 4 * HOUR, place, actual + 4 * HOUR);
          blocked = true;
        }
      } else if (code === 'DELIVERED' || code === 'ARRIVED') {
        // What is still ahead: the plan, and an estimate issued at the last event (late ones break the promise).
        add(code, 'PLN', planned, place, createdAt);
        add(code, 'EST', actual + (blocked ? 2 * DAY : 0), place, Math.min(stopAt, now - HOUR));
      }
    }
    if (pending.length >= 400) await flush();
  }
  await flush();
  // The demo's events were all received just now; date each shipment's last event to when its
  // source issued it, so that only the carrier that went quiet looks quiet.
  await ctx.db.execute(sql`
    update shipments s set last_event_at = e.at
    from (select shipment_id, max(source_updated_at) as at from tracking_events
          where not retracted group by shipment_id) e
    where e.shipment_id = s.id`);
  // Time-based rules (silence, promise passed) are the sweeper's; run it once now.
  await ctx.services.exceptions.sweep();
  const [{ n }] = await ctx.database.query<{ n: number }>(
    sql`select count(*)::int as n from shipment_exceptions`,
  );
  return { shipments: count, events, exceptions: n, ms: Date.now() - started };
}
