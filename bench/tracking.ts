/**
 * `npm run bench -- tracking`: shipment tracking on PostgreSQL with BENCH_SHIPMENTS (1 000 000)
 * shipments and about ten events each (10 000 000).
 *
 * 1. Starts a throw-away PostgreSQL server, loads the demo company with BENCH_TRACK_CUSTOMERS
 *    customers (`runDemo`), then the shipments and their events with the set-based generators of
 *    src/demo/shipments-bulk.ts (INSERT … SELECT over generate_series, in batches). ANALYZE.
 * 2. Starts the real app in a worker thread (bench/server-worker.ts) and the baseline lookup server
 *    in another (bench/track-baseline-worker.ts), and logs in as a demo operations user.
 * 3. Ingestion: BENCH_INGEST_BATCHES batches of BENCH_INGEST_BATCH events (new estimates for
 *    shipments under way, named by tracking number) through `POST /api/tracking-events`, one
 *    request at a time → events/s. Baseline, same run: the same rows (shipment ids resolved
 *    beforehand) as bare multi-row INSERTs of the same batch size on one connection → events/s.
 *    Prints the ratio.
 * 4. Public tracking: autocannon for BENCH_DURATION seconds with BENCH_CONNECTIONS connections
 *    against `POST /api/track` (random shipments, right second factor) and then against the
 *    baseline's minimal Fastify + pg endpoint doing the same indexed lookup → requests/s, p50 and
 *    p99 latency of both and the ratio. The public rate limit is raised for the run.
 *
 * Options (environment): BENCH_SHIPMENTS, BENCH_TRACK_CUSTOMERS (5000), BENCH_INGEST_BATCHES (20),
 * BENCH_INGEST_BATCH (1000), BENCH_DURATION (10), BENCH_CONNECTIONS (10), BENCH_DATABASE_URL (a
 * database loaded by an earlier run with as many shipments is reused).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { startPostgres } from '../scripts/pg-server.ts';
import { DEMO_PASSWORD, runDemo } from '../src/cli/demo.ts';
import { benchShipment, bulkEventsSql, bulkShipmentsSql } from '../src/demo/shipments-bulk.ts';
import { closeContext, createContext } from '../src/server/runtime.ts';
import { login, messageQueue, round } from './common.ts';

const SHIPMENTS = Number(process.env.BENCH_SHIPMENTS ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_TRACK_CUSTOMERS ?? 5_000);
const INGEST_BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 20);
const INGEST_BATCH = Number(process.env.BENCH_INGEST_BATCH ?? 1_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SHIPMENT_BATCH = 100_000;
const EVENT_BATCH_SHIPMENTS = 50_000;
const HISTORY_DAYS = 2 * 365;

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  const server = process.env.BENCH_DATABASE_URL
    ? { url: process.env.BENCH_DATABASE_URL, stop: async () => {} }
    : await startPostgres({ settings: { shared_buffers: '512MB', max_wal_size: '4GB' } });
  const workers: Worker[] = [];
  try {
    const load = await loadShipments(server.url);
    log(
      `Loaded ${load.shipments} shipments in ${(load.shipmentsMs / 1000).toFixed(1)} s and ${load.events} events in ${(load.eventsMs / 1000).toFixed(1)} s`,
    );
    const direct = new pg.Client({ connectionString: server.url, options: '-c jit=off' });
    await direct.connect();
    const version = (await direct.query('show server_version')).rows[0].server_version as string;
    // The public page's per-client limit would stop a load test after a few requests.
    await direct.query(
      `insert into settings (key, value) values ('tracking.publicRateLimitPerMinute', '100000000')
       on conflict (key) do update set value = excluded.value`,
    );

    const app = new Worker(fileURLToPath(new URL('./server-worker.js', import.meta.url)), {
      workerData: { databaseUrl: server.url },
    });
    workers.push(app);
    const appMessages = messageQueue(app);
    const { port } = await appMessages.next('ready');
    const base = `http://127.0.0.1:${port}`;
    const baseline = new Worker(fileURLToPath(new URL('./track-baseline-worker.js', import.meta.url)), {
      workerData: { databaseUrl: server.url },
    });
    workers.push(baseline);
    const baselineMessages = messageQueue(baseline);
    const { port: baselinePort } = await baselineMessages.next('ready');
    // An operations user of the demo company sends the events (managers change nothing).
    const session = await login(base, 'sea-exp@demo.liaison.local', DEMO_PASSWORD);

    const ingestion = await benchIngestion(base, session.cookie, direct);
    const lookups = await benchLookups(base, `http://127.0.0.1:${baselinePort}`);
    printTable(load, ingestion, lookups, version);

    const out = {
      at: new Date().toISOString(),
      load,
      ingestion,
      lookups,
      environment: {
        postgres: version,
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
      },
    };
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}tracking-${out.at.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    log(`Results written to ${file}`);
    await direct.end();
    app.postMessage({ type: 'stop' });
    await appMessages.next('stopped');
    baseline.postMessage({ type: 'stop' });
    await baselineMessages.next('stopped');
  } finally {
    for (const worker of workers) await worker.terminate();
    await server.stop();
  }
}

async function loadShipments(url: string) {
  const ctx = await createContext({ config: { databaseUrl: url, logLevel: 'warn', demo: false } });
  try {
    const count = async (table: string) =>
      (
        await ctx.database.query<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`)
      )[0].n;
    const existing = await count('shipments');
    if (existing >= SHIPMENTS) {
      log(`Reusing the ${existing} shipments already in the database`);
      return { shipments: existing, shipmentsMs: 0, events: await count('tracking_events'), eventsMs: 0 };
    }
    await runDemo(ctx, { customers: CUSTOMERS, seed: 'bench-tracking' });
    const customerIds = (
      await ctx.database.query<{ id: string }>(
        sql`select id from customers where archived_at is null order by id`,
      )
    ).map((r) => r.id);
    const departmentIds = (
      await ctx.database.query<{ id: string }>(sql`select id from departments order by name`)
    ).map((r) => r.id);
    const now = new Date();
    let started = Date.now();
    for (let offset = 0; offset < SHIPMENTS; offset += SHIPMENT_BATCH) {
      const n = Math.min(SHIPMENT_BATCH, SHIPMENTS - offset);
      await ctx.db.execute(
        bulkShipmentsSql({
          count: n,
          offset,
          total: SHIPMENTS,
          now,
          days: HISTORY_DAYS,
          customerIds,
          departmentIds,
        }),
      );
      log(`  shipments ${offset + n}/${SHIPMENTS}`);
    }
    await ctx.db.execute(sql`analyze shipments`);
    await ctx.db.execute(sql`analyze shipment_references`);
    const shipmentsMs = Date.now() - started;
    started = Date.now();
    for (let offset = 0; offset < SHIPMENTS; offset += EVENT_BATCH_SHIPMENTS) {
      const n = Math.min(EVENT_BATCH_SHIPMENTS, SHIPMENTS - offset);
      await ctx.db.execute(bulkEventsSql({ count: n, offset, now }));
      if ((offset + n) % 200_000 === 0 || offset + n === SHIPMENTS)
        log(`  events of ${offset + n}/${SHIPMENTS} shipments`);
    }
    await ctx.db.execute(sql`analyze tracking_events`);
    const eventsMs = Date.now() - started;
    return {
      shipments: await count('shipments'),
      shipmentsMs,
      events: await count('tracking_events'),
      eventsMs,
    };
  } finally {
    await closeContext(ctx);
  }
}

interface IngestRow {
  shipmentRef: string;
  shipmentId: string;
  customerId: string;
  eventTime: string;
  sourceEventId: string;
}

/** New estimates of arrival for shipments under way, picked spread over the whole table. */
async function ingestRows(direct: pg.Client, tag: string): Promise<IngestRow[][]> {
  const total = INGEST_BATCHES * INGEST_BATCH;
  const { rows } = await direct.query(
    `select s.id, s.customer_id, s.number from shipments s
     where s.delivered_at is null order by hashtext(s.number || $2) limit $1`,
    [total, tag],
  );
  const picked = rows.length ? rows : [];
  const eventTime = new Date(Date.now() + 3 * 86_400_000).toISOString();
  const batches: IngestRow[][] = [];
  for (let b = 0; b < INGEST_BATCHES; b++) {
    const batch: IngestRow[] = [];
    for (let i = 0; i < INGEST_BATCH; i++) {
      const k = b * INGEST_BATCH + i;
      const row = picked[k % picked.length];
      batch.push({
        shipmentRef: row.number,
        shipmentId: row.id,
        customerId: row.customer_id,
        eventTime,
        sourceEventId: `${tag}-${k}`,
      });
    }
    batches.push(batch);
  }
  return batches;
}

async function benchIngestion(base: string, cookie: string, direct: pg.Client) {
  const csrf = await csrfToken(base, cookie);
  const runTag = Date.now().toString(36);
  const apiBatches = await ingestRows(direct, `api-${runTag}`);
  // Warm-up: one small batch.
  await postEvents(base, cookie, csrf, apiBatches[0].slice(0, 10), `warm-${runTag}`);
  let accepted = 0;
  const latencies: number[] = [];
  const apiStarted = performance.now();
  for (const batch of apiBatches) {
    const t0 = performance.now();
    const body = await postEvents(base, cookie, csrf, batch, `api-${runTag}`);
    latencies.push(performance.now() - t0);
    accepted += body.counts?.accepted ?? 0;
  }
  const apiSeconds = (performance.now() - apiStarted) / 1000;
  const apiEvents = INGEST_BATCHES * INGEST_BATCH;

  const sqlBatches = await ingestRows(direct, `sql-${runTag}`);
  const sqlStarted = performance.now();
  for (const batch of sqlBatches) {
    const values: unknown[] = [];
    const tuples = batch.map((row, i) => {
      values.push(row.shipmentId, row.customerId, row.eventTime, row.sourceEventId);
      const p = i * 4;
      return `(gen_random_uuid(), $${p + 1}, $${p + 2}, 'ARRIVED', 'EST', $${p + 3}::timestamptz, $${p + 3}::text, 'DEHAM', 'bench-sql', $${p + 4}, now(), now()::text)`;
    });
    await direct.query(
      `insert into tracking_events (id, shipment_id, customer_id, event_code, classifier, event_time, event_time_text,
        location, source, source_event_id, source_updated_at, source_updated_text) values ${tuples.join(', ')}`,
      values,
    );
  }
  const sqlSeconds = (performance.now() - sqlStarted) / 1000;
  const apiRate = apiEvents / apiSeconds;
  const sqlRate = apiEvents / sqlSeconds;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    events: apiEvents,
    batchSize: INGEST_BATCH,
    accepted,
    apiEventsPerSecond: Math.round(apiRate),
    insertEventsPerSecond: Math.round(sqlRate),
    ratio: round(apiRate / sqlRate),
    batchP50Ms: round(sorted[Math.floor(sorted.length / 2)]),
    batchP99Ms: round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]),
  };
}

async function csrfToken(base: string, cookie: string): Promise<string> {
  const response = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
  const body = (await response.json()) as { csrfToken?: string };
  return body.csrfToken ?? '';
}

async function postEvents(base: string, cookie: string, csrf: string, batch: IngestRow[], source: string) {
  const response = await fetch(`${base}/api/tracking-events`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({
      events: batch.map((row) => ({
        shipmentRef: row.shipmentRef,
        eventCode: 'ARRIVED',
        classifier: 'EST',
        eventTime: row.eventTime,
        location: 'DEHAM',
        source,
        sourceEventId: row.sourceEventId,
      })),
    }),
  });
  const body = (await response.json()) as { counts?: { accepted?: number } };
  if (response.status !== 200)
    throw new Error(`POST /api/tracking-events: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function benchLookups(appBase: string, baselineBase: string) {
  const run = async (url: string, seconds: number) => {
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => {
            const { number, postcode } = benchShipment(1 + Math.floor(Math.random() * SHIPMENTS));
            return { ...request, body: JSON.stringify({ number, secondFactor: postcode }) };
          },
        },
      ],
    });
    return {
      requestsPerSecond: round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      ok: result['2xx'],
      other: result.non2xx,
      errors: result.errors,
    };
  };
  await run(`${appBase}/api/track`, 2);
  const app = await run(`${appBase}/api/track`, DURATION);
  await run(`${baselineBase}/track`, 2);
  const baseline = await run(`${baselineBase}/track`, DURATION);
  return {
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    app,
    baseline,
    ratio: round(app.requestsPerSecond / baseline.requestsPerSecond),
  };
}

function printTable(
  load: Awaited<ReturnType<typeof loadShipments>>,
  ingestion: Awaited<ReturnType<typeof benchIngestion>>,
  lookups: Awaited<ReturnType<typeof benchLookups>>,
  version: string,
) {
  const lines = [
    `Tracking benchmark — PostgreSQL ${version}, ${load.shipments} shipments, ${load.events} events`,
    '',
    'Ingestion (POST /api/tracking-events vs bare multi-row INSERT, same rows, same run)',
    `  batches of ${ingestion.batchSize}: API ${ingestion.apiEventsPerSecond} events/s, INSERT ${ingestion.insertEventsPerSecond} events/s, ratio ${ingestion.ratio}`,
    `  API batch latency p50 ${ingestion.batchP50Ms} ms, p99 ${ingestion.batchP99Ms} ms; accepted ${ingestion.accepted}/${ingestion.events}`,
    '',
    `Public tracking lookups (autocannon, ${lookups.connections} connections, ${lookups.durationSeconds} s)`,
    `  POST /api/track: ${lookups.app.requestsPerSecond} req/s, p50 ${lookups.app.p50Ms} ms, p99 ${lookups.app.p99Ms} ms (2xx ${lookups.app.ok}, other ${lookups.app.other})`,
    `  baseline Fastify + pg: ${lookups.baseline.requestsPerSecond} req/s, p50 ${lookups.baseline.p50Ms} ms, p99 ${lookups.baseline.p99Ms} ms (2xx ${lookups.baseline.ok}, other ${lookups.baseline.other})`,
    `  ratio app/baseline: ${lookups.ratio}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
