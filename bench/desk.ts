/**
 * `npm run bench -- desk`: the service-desk queue (`GET /api/tickets`) over 1 000 000 tickets on
 * PostgreSQL.
 *
 * 1. Starts a throw-away PostgreSQL server, loads the demo company and BENCH_DESK_CUSTOMERS
 *    customers with `runDemo` (as `liaison demo` does), then BENCH_TICKETS tickets with the
 *    set-based generator `bulkTicketsSql` (INSERT … SELECT over generate_series, in batches),
 *    spread over three years; only the last days' tickets are still open, like a real desk. ANALYZE.
 * 2. Starts the real app in a worker thread (bench/server-worker.ts) and logs in as a demo agent,
 *    the supervisor and the manager.
 * 3. Each scenario: BENCH_REQUESTS requests over real HTTP, one at a time, after warm-up; the SQL
 *    the app sent on tickets is captured and replayed directly on its own connection as the
 *    baseline. Prints p50/p95 of both and the API/SQL ratio; writes JSON to bench/results/.
 *
 * Options (environment): BENCH_TICKETS (1000000), BENCH_DESK_CUSTOMERS (20000), BENCH_REQUESTS
 * (200), BENCH_DATABASE_URL (a database instead of a throw-away server: empty, or loaded by an
 * earlier run with as many tickets, which is then reused).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { startPostgres } from '../scripts/pg-server.ts';
import { DEMO_PASSWORD, runDemo } from '../src/cli/demo.ts';
import { bulkTicketsSql, deskStaff } from '../src/demo/desk.ts';
import { closeContext, createContext } from '../src/server/runtime.ts';
import { type MessageQueue, type Session, get, login, messageQueue, round, stats } from './common.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const CUSTOMERS = Number(process.env.BENCH_DESK_CUSTOMERS ?? 20_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = 10;
const BATCH = 100_000;
const HISTORY_DAYS = 3 * 365;

interface Statement {
  text: string;
  values: unknown[];
}

interface Scenario {
  name: string;
  description: string;
  as: 'agent' | 'supervisor' | 'manager';
  paths: string[];
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  const server = process.env.BENCH_DATABASE_URL
    ? { url: process.env.BENCH_DATABASE_URL, stop: async () => {} }
    : await startPostgres({ settings: { shared_buffers: '256MB' } });
  let worker: Worker | undefined;
  try {
    const load = await loadTickets(server.url);
    log(
      `Loaded ${load.customers} customers in ${(load.customersMs / 1000).toFixed(1)} s and ${load.tickets} tickets in ${(load.ticketsMs / 1000).toFixed(1)} s (${Math.round(load.tickets / (load.ticketsMs / 1000))} tickets/s, ANALYZE included)`,
    );
    const direct = new pg.Client({ connectionString: server.url, options: '-c jit=off' });
    await direct.connect();
    const version = (await direct.query('show server_version')).rows[0].server_version as string;
    const distribution = (
      await direct.query(`select status, count(*)::int as n from tickets group by status order by status`)
    ).rows;

    worker = new Worker(fileURLToPath(new URL('./server-worker.js', import.meta.url)), {
      workerData: { databaseUrl: server.url },
    });
    const messages = messageQueue(worker);
    const { port } = await messages.next('ready');
    const base = `http://127.0.0.1:${port}`;
    const sessions = {
      agent: await login(base, 'agent1@demo.liaison.local', DEMO_PASSWORD),
      supervisor: await login(base, 'supervisor@demo.liaison.local', DEMO_PASSWORD),
      manager: await login(base, 'manager@demo.liaison.local', DEMO_PASSWORD),
    };
    const scenarios = await buildScenarios(base, sessions.manager);
    const results = [];
    for (const scenario of scenarios) {
      log(`Scenario ${scenario.name}: ${REQUESTS} requests…`);
      results.push(await runScenario(scenario, base, sessions[scenario.as], direct, worker, messages));
    }
    const explain = await explainAll(direct, results);
    printTable(results, load, version);
    const out = {
      at: new Date().toISOString(),
      tickets: load.tickets,
      customers: load.customers,
      requestsPerScenario: REQUESTS,
      load,
      distribution,
      environment: {
        postgres: version,
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
      },
      results,
      explain,
    };
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}desk-${out.at.replace(/[:.]/g, '-')}.json`;
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

async function loadTickets(url: string) {
  const ctx = await createContext({ config: { databaseUrl: url, logLevel: 'warn', demo: false } });
  try {
    // A database loaded by an earlier run (BENCH_DATABASE_URL) is reused as it is.
    const [loaded] = await ctx.database.query<{ n: number }>(sql`select count(*)::int as n from tickets`);
    if (loaded.n >= TICKETS) {
      log(`Reusing the ${loaded.n} tickets already in the database`);
      await ctx.db.execute(sql`analyze tickets`);
      const owners = await deskStaff(ctx.db);
      const [c] = await ctx.database.query<{ n: number }>(sql`select count(*)::int as n from customers`);
      return { customers: c.n, customersMs: 0, tickets: loaded.n, ticketsMs: 0, owners: owners.length };
    }
    const customersStarted = Date.now();
    const stats = await runDemo(ctx, { customers: CUSTOMERS, seed: 'bench-desk' });
    const customersMs = Date.now() - customersStarted;
    const started = Date.now();
    const customerIds = (
      await ctx.database.query<{ id: string }>(
        sql`select id from customers where archived_at is null order by id`,
      )
    ).map((r) => r.id);
    const owners = await deskStaff(ctx.db);
    const categoryIds = (
      await ctx.database.query<{ id: string }>(sql`select id from ticket_categories order by sort_order`)
    ).map((r) => r.id);
    const now = new Date();
    for (let offset = 0; offset < TICKETS; offset += BATCH) {
      const count = Math.min(BATCH, TICKETS - offset);
      await ctx.db.execute(
        bulkTicketsSql({
          count,
          offset,
          total: TICKETS,
          now,
          days: HISTORY_DAYS,
          customerIds,
          owners,
          categoryIds,
        }),
      );
      log(`  tickets ${offset + count}/${TICKETS}`);
    }
    await ctx.db.execute(sql`analyze tickets`);
    return {
      customers: stats.customers,
      customersMs,
      tickets: TICKETS,
      ticketsMs: Date.now() - started,
      owners: owners.length,
    };
  } finally {
    await closeContext(ctx);
  }
}

async function buildScenarios(base: string, manager: Session): Promise<Scenario[]> {
  const pages: string[] = ['/api/tickets?view=all&limit=50'];
  while (pages.length < 50) {
    const response = await get(base, pages[pages.length - 1], manager);
    if (!response.body.nextCursor) break;
    pages.push(`/api/tickets?view=all&limit=50&cursor=${encodeURIComponent(response.body.nextCursor)}`);
  }
  return [
    {
      name: 'mine',
      description: 'agent, own queue, no filter',
      as: 'agent',
      paths: ['/api/tickets?limit=50'],
    },
    {
      name: 'mine open',
      description: 'agent, own queue, status=open',
      as: 'agent',
      paths: ['/api/tickets?view=mine&status=open&limit=50'],
    },
    {
      name: 'mine breaching soon',
      description: 'agent, own queue, sla=breaching_soon',
      as: 'agent',
      paths: ['/api/tickets?view=mine&sla=breaching_soon&limit=50'],
    },
    {
      name: 'mine breached',
      description: 'agent, own queue, sla=breached',
      as: 'agent',
      paths: ['/api/tickets?view=mine&sla=breached&limit=50'],
    },
    {
      name: 'team open',
      description: 'supervisor, team queue, status=open,waiting_customer',
      as: 'supervisor',
      paths: ['/api/tickets?view=team&status=open,waiting_customer&limit=50'],
    },
    {
      name: 'team breaching soon',
      description: 'supervisor, team queue, sla=breaching_soon',
      as: 'supervisor',
      paths: ['/api/tickets?view=team&sla=breaching_soon&limit=50'],
    },
    {
      name: 'all breached',
      description: 'manager, everything, sla=breached',
      as: 'manager',
      paths: ['/api/tickets?view=all&sla=breached&limit=50'],
    },
    {
      name: 'all',
      description: 'manager, plain list',
      as: 'manager',
      paths: ['/api/tickets?view=all&limit=50'],
    },
    {
      name: 'cursor pages',
      description: `manager, pages 1–${pages.length} by keyset cursor`,
      as: 'manager',
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
) {
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
    // The baseline is the ticket query; session, actor and department lookups are API overhead.
    sqlOf.set(
      path,
      (statements as Statement[]).filter((s) => /from "tickets"/.test(s.text)),
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
  for (const path of order) {
    const started = process.hrtime.bigint();
    for (const s of sqlOf.get(path)!)
      await db.query({ text: s.text, values: s.values as any[], rowMode: 'array' });
    direct.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const a = stats(api);
  const s = stats(direct);
  const first = sqlOf.get(scenario.paths[0])!;
  return {
    scenario: scenario.name,
    description: scenario.description,
    requests: REQUESTS,
    rows: Math.round(order.reduce((n, path) => n + rowsOf.get(path)!, 0) / REQUESTS),
    api: a,
    sql: s,
    ratio: { p50: round(a.p50 / s.p50), p95: round(a.p95 / s.p95) },
    statements: first,
  };
}

/** EXPLAIN ANALYZE of each scenario's ticket query, for the JSON (and for index decisions). */
async function explainAll(db: pg.Client, results: { scenario: string; statements: Statement[] }[]) {
  const out: Record<string, string> = {};
  for (const result of results) {
    const statement = result.statements[0];
    if (!statement) continue;
    const plan = await db.query(`explain (analyze, buffers) ${statement.text}`, statement.values as any[]);
    out[result.scenario] = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
  }
  return out;
}

function printTable(
  results: { scenario: string; rows: number; api: any; sql: any; ratio: any }[],
  load: { tickets: number; ticketsMs: number },
  version: string,
) {
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
    String(r.rows),
    `${r.api.p50.toFixed(2)} ms`,
    `${r.api.p95.toFixed(2)} ms`,
    `${r.sql.p50.toFixed(2)} ms`,
    `${r.sql.p95.toFixed(2)} ms`,
    `${r.ratio.p50.toFixed(2)}×`,
    `${r.ratio.p95.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const pad = (text: string, i: number) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  console.log('');
  console.log(
    `Service-desk queue over ${load.tickets.toLocaleString('en')} tickets on PostgreSQL ${version} — ${REQUESTS} requests per scenario, one at a time`,
  );
  console.log(
    `Ticket load: ${(load.ticketsMs / 1000).toFixed(1)} s (set-based INSERT … SELECT, ANALYZE included)`,
  );
  console.log('');
  console.log(header.map(pad).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(line.map(pad).join('  '));
  console.log('');
}

await main();
