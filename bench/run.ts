/**
 * `npm run bench`: customer list and search over 100 000 generated customers on PostgreSQL.
 *
 * 1. Starts a throw-away PostgreSQL server (scripts/pg-server.ts) and loads the demo generator's
 *    customers with `runDemo` — the same code as `liaison demo` — timing the load.
 * 2. Starts the real app (buildApp on that database) in a worker thread and logs in as a demo agent.
 * 3. For each scenario, sends the requests through real HTTP with the session cookie, one at a
 *    time, and records the SQL the app sent for each (captured in the worker). Then runs exactly
 *    that SQL directly on its own connection as the baseline.
 * 4. Prints p50/p95 of both and the API/SQL ratio, and writes everything as JSON to bench/results/.
 *
 * Options (environment): BENCH_CUSTOMERS (100000), BENCH_REQUESTS per scenario (200),
 * BENCH_DATABASE_URL to use an existing empty database instead of a throw-away server.
 *
 * `npm run bench -- desk`: the service-desk queue over 1 000 000 tickets instead (bench/desk.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { startPostgres } from '../scripts/pg-server.ts';
import { DEMO_PASSWORD, runDemo } from '../src/cli/demo.ts';
import { closeContext, createContext } from '../src/server/runtime.ts';
import { type MessageQueue, type Session, get, login, messageQueue, round, stats } from './common.ts';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 10;
const SEED = 'bench';

interface Statement {
  text: string;
  values: unknown[];
}

interface Scenario {
  name: string;
  description: string;
  /** The request paths; request i uses paths[i % paths.length]. */
  paths: string[];
}

interface Result {
  scenario: string;
  description: string;
  requests: number;
  rows: { api: number; sql: number };
  api: { p50: number; p95: number; mean: number };
  sql: { p50: number; p95: number; mean: number };
  ratio: { p50: number; p95: number };
  statements: string[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  const server = process.env.BENCH_DATABASE_URL
    ? { url: process.env.BENCH_DATABASE_URL, stop: async () => {} }
    : await startPostgres({ settings: { shared_buffers: '256MB' } });
  let worker: Worker | undefined;
  try {
    log(`PostgreSQL at ${server.url.replace(/\/\/.*@/, '//')}`);
    const load = await loadCustomers(server.url);
    log(
      `Loaded ${load.customers} customers (${load.contacts} contacts, ${load.interactions} interactions, ${load.followUps} follow-ups) in ${(load.ms / 1000).toFixed(1)} s`,
    );

    const direct = new pg.Client({ connectionString: server.url });
    await direct.connect();
    await direct.query('analyze');
    const version = (await direct.query('show server_version')).rows[0].server_version as string;

    worker = new Worker(fileURLToPath(new URL('./server-worker.js', import.meta.url)), {
      workerData: { databaseUrl: server.url },
    });
    const messages = messageQueue(worker);
    const { port } = await messages.next('ready');
    const base = `http://127.0.0.1:${port}`;
    const session = await login(base, 'agent1@demo.liaison.local', DEMO_PASSWORD);

    const scenarios = await buildScenarios(direct, base, session);
    const results: Result[] = [];
    for (const scenario of scenarios) {
      log(`Scenario ${scenario.name}: ${REQUESTS} requests…`);
      results.push(await runScenario(scenario, base, session, direct, worker, messages));
    }
    printTable(results, load, version);

    const out = {
      at: new Date().toISOString(),
      customers: CUSTOMERS,
      requestsPerScenario: REQUESTS,
      load: { ...load, customersPerSecond: Math.round(load.customers / (load.ms / 1000)) },
      environment: {
        postgres: version,
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
      },
      results,
    };
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}customers-${out.at.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    log(`Results written to ${file}`);
    await direct.end();
    worker.postMessage({ type: 'stop' });
    await messages.next('stopped');
  } finally {
    await worker?.terminate();
    await server.stop();
  }
}

async function loadCustomers(url: string) {
  const ctx = await createContext({ config: { databaseUrl: url, logLevel: 'warn', demo: false } });
  try {
    let last = 0;
    const stats = await runDemo(ctx, {
      customers: CUSTOMERS,
      seed: SEED,
      onProgress: (done, total) => {
        if (done - last >= total / 10 || done === total) {
          log(`  loaded ${done}/${total}`);
          last = done;
        }
      },
    });
    return stats;
  } finally {
    await closeContext(ctx);
  }
}

/** The scenarios; search terms and fragments are taken from the loaded data so they really match. */
async function buildScenarios(db: pg.Client, base: string, session: Session): Promise<Scenario[]> {
  const [department] = (await db.query(`select id from departments where code = 'SEA-EXP'`)).rows;
  const phones = (
    await db.query(
      `select k.phones[1] as phone from contacts k join customers c on c.id = k.customer_id
       where c.archived_at is null and k.is_primary order by md5(k.id::text) limit 20`,
    )
  ).rows.map((r) => (r.phone as string).slice(3, 10));
  const taxIds = (
    await db.query(`select tax_id from customers where tax_id is not null order by md5(id::text) limit 20`)
  ).rows.map((r) => (r.tax_id as string).slice(8, 16));
  const pages: string[] = ['/api/customers?limit=50'];
  while (pages.length < REQUESTS) {
    const response = await get(base, pages[pages.length - 1], session);
    if (!response.body.nextCursor) break;
    pages.push(`/api/customers?limit=50&cursor=${encodeURIComponent(response.body.nextCursor)}`);
  }
  return [
    { name: 'list', description: 'first page, no search (limit 50)', paths: ['/api/customers?limit=50'] },
    {
      name: 'filters',
      description: 'stage=active, valueClass=A, department=SEA-EXP',
      paths: [`/api/customers?limit=50&stage=active&valueClass=A&departmentId=${department.id}`],
    },
    {
      name: 'q=物流',
      description: 'Chinese word search',
      paths: [`/api/customers?limit=50&q=${encodeURIComponent('物流')}`],
    },
    {
      name: 'q=上海 电子',
      description: 'two words (AND)',
      paths: [`/api/customers?limit=50&q=${encodeURIComponent('上海 电子')}`],
    },
    {
      name: 'q=phone',
      description: '7-digit fragments of 20 contacts’ mobile numbers',
      paths: phones.map((p) => `/api/customers?limit=50&q=${p}`),
    },
    {
      name: 'q=tax id',
      description: '8-character fragments of 20 tax ids',
      paths: taxIds.map((t) => `/api/customers?limit=50&q=${t}`),
    },
    {
      name: 'cursor pages',
      description: `pages 1–${pages.length} of the list by keyset cursor`,
      paths: pages,
    },
  ];
}

async function runScenario(
  scenario: Scenario,
  base: string,
  session: Session,
  db: pg.Client,
  worker: Worker,
  messages: MessageQueue,
): Promise<Result> {
  // First pass: warm up, check the answer, and record the SQL of each distinct request.
  const sqlOf = new Map<string, Statement[]>();
  const rowsOf = new Map<string, number>();
  for (const path of scenario.paths) {
    worker.postMessage({ type: 'capture-start' });
    await messages.next('capture-started');
    const response = await get(base, path, session);
    worker.postMessage({ type: 'capture-stop' });
    const { statements } = await messages.next('captured');
    if (response.status !== 200)
      throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
    // The baseline is the work on customer data; session and actor lookups are the API's overhead.
    sqlOf.set(
      path,
      (statements as Statement[]).filter((s) => /"(customers|contacts)"/.test(s.text)),
    );
    rowsOf.set(path, response.body.items.length);
  }
  const order = Array.from({ length: REQUESTS }, (_, i) => scenario.paths[i % scenario.paths.length]);
  for (const path of order.slice(0, WARMUP)) await get(base, path, session);

  const api: number[] = [];
  for (const path of order) {
    const started = process.hrtime.bigint();
    const response = await get(base, path, session);
    api.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
  }

  for (const path of order.slice(0, WARMUP))
    for (const s of sqlOf.get(path)!) await db.query(s.text, s.values as any[]);
  const direct: number[] = [];
  let sqlRows = 0;
  for (const path of order) {
    const started = process.hrtime.bigint();
    let rows = 0;
    for (const s of sqlOf.get(path)!) {
      const result = await db.query({ text: s.text, values: s.values as any[], rowMode: 'array' });
      rows = rows || result.rowCount || 0;
    }
    direct.push(Number(process.hrtime.bigint() - started) / 1e6);
    sqlRows += rows;
  }
  const apiRows = order.reduce((n, path) => n + rowsOf.get(path)!, 0);
  const a = stats(api);
  const s = stats(direct);
  return {
    scenario: scenario.name,
    description: scenario.description,
    requests: REQUESTS,
    rows: { api: Math.round(apiRows / REQUESTS), sql: Math.round(sqlRows / REQUESTS) },
    api: a,
    sql: s,
    ratio: { p50: round(a.p50 / s.p50), p95: round(a.p95 / s.p95) },
    statements: sqlOf.get(scenario.paths[0])!.map((st) => st.text),
  };
}

function printTable(results: Result[], load: { customers: number; ms: number }, version: string) {
  const header = [
    'scenario',
    'rows',
    'API p50',
    'API p95',
    'SQL p50',
    'SQL p95',
    'API/SQL p50',
    'API/SQL p95',
  ];
  const lines = results.map((r) => [
    r.scenario,
    String(r.rows.api),
    `${r.api.p50.toFixed(2)} ms`,
    `${r.api.p95.toFixed(2)} ms`,
    `${r.sql.p50.toFixed(2)} ms`,
    `${r.sql.p95.toFixed(2)} ms`,
    `${r.ratio.p50.toFixed(2)}×`,
    `${r.ratio.p95.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...lines.map((l) => displayWidth(l[i]))));
  const pad = (text: string, i: number) =>
    i === 0
      ? text + ' '.repeat(widths[i] - displayWidth(text))
      : ' '.repeat(widths[i] - displayWidth(text)) + text;
  console.log('');
  console.log(
    `Customer list over ${load.customers.toLocaleString('en')} customers on PostgreSQL ${version} — ${REQUESTS} requests per scenario, one at a time`,
  );
  console.log(
    `Load: ${(load.ms / 1000).toFixed(1)} s (${Math.round(load.customers / (load.ms / 1000))} customers/s with contacts, interactions and follow-ups)`,
  );
  console.log('');
  console.log(header.map(pad).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(line.map(pad).join('  '));
  console.log('');
}

/** Terminal columns: CJK characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return width;
}

// ---------------------------------------------------------------------------------------------
// HTTP with a session cookie

// `npm run bench -- desk` runs the service-desk queue benchmark (bench/desk.ts) instead.
if (process.argv.slice(2).includes('desk')) await import('./desk.ts');
// `npm run bench -- tracking`: ingestion and public tracking over 1 000 000 shipments (bench/tracking.ts).
else if (process.argv.slice(2).includes('tracking')) await import('./tracking.ts');
// `npm run bench -- satisfaction`: the satisfaction index over 1 000 000 answers and PLS (bench/satisfaction.ts).
else if (process.argv.slice(2).includes('satisfaction')) await import('./satisfaction.ts');
else await main();
