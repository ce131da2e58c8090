/**
 * `npm run bench -- satisfaction`: the satisfaction index over 1 000 000 answers on PostgreSQL,
 * and PLS estimation on 10 000 respondents × 30 items.
 *
 * 1. Starts a throw-away PostgreSQL server, loads BENCH_SAT_CUSTOMERS demo customers (`runDemo`),
 *    the default logistics model (23 items) and BENCH_SAT_RESPONSES complete responses
 *    (≈ 45 000 × 23 ≈ 1 000 000 answers) spread over a year, with value class, department, mode
 *    and lane filled, bulk-loaded with insertRowsJson. ANALYZE.
 * 2. For each breakdown (none, customer, valueClass, department, mode, lane, period): times
 *    `ctx.services.satisfactionIndex.index` (the whole tree with counts and intervals per group),
 *    then the bare SQL aggregate — avg and count of the scores per group and item, the same rows —
 *    in the same run, BENCH_SAT_REPEAT times each; prints the medians and the ratio.
 * 3. Times `estimatePls` on 10 000 × 30 generated answers (six blocks of five, a chain of paths),
 *    and a 100-resample bootstrap on the same data.
 *
 * `--small` (or BENCH_SMALL=1): 300 customers, 2 000 responses, 2 000 × 30 for PLS — a quick check.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { startPostgres } from '../scripts/pg-server.ts';
import { runDemo } from '../src/cli/demo.ts';
import { insertRowsJson } from '../src/db/bulk.ts';
import { leavesOf } from '../src/domain/satisfaction/model.ts';
import { bootstrapPls, estimatePls } from '../src/domain/satisfaction/pls.ts';
import { surveyAnswers, surveyInvitations, surveyResponses, surveys } from '../src/modules/surveys/tables.ts';
import { closeContext, createContext } from '../src/server/runtime.ts';
import { round } from './common.ts';

const SMALL = process.argv.includes('--small') || process.env.BENCH_SMALL === '1';
const CUSTOMERS = Number(process.env.BENCH_SAT_CUSTOMERS ?? (SMALL ? 300 : 3_000));
const RESPONSES = Number(process.env.BENCH_SAT_RESPONSES ?? (SMALL ? 2_000 : 45_000));
const PLS_ROWS = Number(process.env.BENCH_PLS_ROWS ?? (SMALL ? 2_000 : 10_000));
const REPEAT = Number(process.env.BENCH_SAT_REPEAT ?? 5);
const GROUPS = ['none', 'customer', 'valueClass', 'department', 'mode', 'lane', 'period'] as const;
const COLUMN: Record<(typeof GROUPS)[number], string> = {
  none: `'all'`,
  customer: 'r.customer_id',
  valueClass: 'r.value_class',
  department: 'r.department_id',
  mode: 'r.mode',
  lane: 'r.lane',
  period: `date_trunc('quarter', r.submitted_at at time zone 'Asia/Shanghai')`,
};

const log = (line: string) => process.stderr.write(`${line}\n`);

/** mulberry32 */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const started = process.hrtime.bigint();
  const value = await fn();
  return [Number(process.hrtime.bigint() - started) / 1e6, value];
}

async function main() {
  const server = process.env.BENCH_DATABASE_URL
    ? { url: process.env.BENCH_DATABASE_URL, stop: async () => {} }
    : await startPostgres({ settings: { shared_buffers: '256MB' } });
  const now = new Date();
  const ctx = await createContext({ config: { databaseUrl: server.url, logLevel: 'warn', demo: false } });
  try {
    const [loadMs] = await time(() => runDemo(ctx, { customers: CUSTOMERS, seed: 'bench-satisfaction' }));
    log(`Loaded ${CUSTOMERS} demo customers in ${(loadMs / 1000).toFixed(1)} s`);
    const modelId = await ctx.services.satisfaction.ensureDefaultModel();
    const version = await ctx.services.satisfaction.currentVersion(modelId);
    const leaves = leavesOf(version.nodes);
    const customerRows = (await ctx.db.execute(
      sql`select c.id, c.value_class, c.team_id from customers c order by c.id`,
    )) as unknown as { rows: { id: string; value_class: string | null; team_id: string | null }[] };
    const customers = customerRows.rows;
    const surveyId = uuidv7();
    await ctx.db
      .insert(surveys)
      .values({ id: surveyId, name: '基准测评', modelId, versionId: version.id, status: 'active' });
    const random = seeded(7);
    const modes = ['sea', 'air', 'road', 'rail'];
    const lanes = ['CNSHA-DEHAM', 'CNSZX-USLAX', 'CNPVG-NLRTM', 'CNNGB-SGSIN', 'CNTAO-JPTYO'];
    const [answersMs] = await time(async () => {
      const batch = 2_000;
      for (let start = 0; start < RESPONSES; start += batch) {
        const invitations: (typeof surveyInvitations.$inferInsert)[] = [];
        const responses: (typeof surveyResponses.$inferInsert)[] = [];
        const answers: (typeof surveyAnswers.$inferInsert)[] = [];
        for (let i = start; i < Math.min(RESPONSES, start + batch); i++) {
          const customer = customers[Math.floor(random() * customers.length)];
          const at = new Date(now.getTime() - random() * 365 * 86_400_000);
          const invitationId = uuidv7();
          const responseId = uuidv7();
          invitations.push({
            id: invitationId,
            surveyId,
            versionId: version.id,
            customerId: customer.id,
            tokenHash: `${responseId}`,
            expiresAt: at,
            status: 'completed',
            sentAt: at,
          });
          responses.push({
            id: responseId,
            invitationId,
            surveyId,
            modelId,
            versionId: version.id,
            customerId: customer.id,
            valueClass: customer.value_class,
            departmentId: customer.team_id,
            mode: modes[i % modes.length],
            lane: lanes[i % lanes.length],
            status: 'complete',
            startedAt: at,
            submittedAt: at,
          });
          const level = random() * 1.5;
          for (const leaf of leaves)
            answers.push({
              responseId,
              itemKey: leaf.key,
              score: Math.max(1, Math.min(5, Math.round(3 + level + random() * 1.6 - 0.8))),
              answeredAt: at,
            });
        }
        await ctx.db.transaction(async (tx) => {
          await insertRowsJson(tx, surveyInvitations, invitations);
          await insertRowsJson(tx, surveyResponses, responses);
          await insertRowsJson(tx, surveyAnswers, answers);
        });
      }
    });
    await ctx.db.execute(sql`analyze`);
    const answerCount = RESPONSES * leaves.length;
    log(`Loaded ${RESPONSES} responses, ${answerCount} answers in ${(answersMs / 1000).toFixed(1)} s`);

    const actor = ctx.services.auth.systemActor();
    const from = new Date(now.getTime() - 366 * 86_400_000).toISOString();
    const to = new Date(now.getTime() + 86_400_000).toISOString();
    const results: { groupBy: string; groups: number; indexMs: number; sqlMs: number; ratio: number }[] = [];
    for (const groupBy of GROUPS) {
      const query = {
        modelId,
        from,
        to,
        ...(groupBy === 'none' ? {} : { groupBy }),
        period: 'quarter' as const,
      };
      const run = () => ctx.services.satisfactionIndex.index(actor, query as never);
      await run();
      const apiTimes: number[] = [];
      let groups = 0;
      for (let i = 0; i < REPEAT; i++) {
        const [ms, answer] = await time(run);
        apiTimes.push(ms);
        groups = (answer as { groups?: unknown[] }).groups?.length ?? 0;
      }
      const bare = sql.raw(`select ${COLUMN[groupBy]} as g, a.item_key, avg(a.score), count(a.score)
        from survey_answers a join survey_responses r on r.id = a.response_id
        where r.model_id = '${modelId}' and r.status = 'complete'
          and r.submitted_at >= '${from}' and r.submitted_at < '${to}'
        group by 1, 2`);
      await ctx.db.execute(bare);
      const sqlTimes: number[] = [];
      for (let i = 0; i < REPEAT; i++) sqlTimes.push((await time(() => ctx.db.execute(bare)))[0]);
      const indexMs = round(median(apiTimes));
      const sqlMs = round(median(sqlTimes));
      results.push({ groupBy, groups, indexMs, sqlMs, ratio: round(indexMs / sqlMs) });
      log(`  ${groupBy}: index ${indexMs} ms, SQL ${sqlMs} ms`);
    }

    // PLS on generated answers: six blocks of five items, a chain of positive paths.
    const cols = 30;
    const values = new Float64Array(PLS_ROWS * cols);
    const z = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    for (let r = 0; r < PLS_ROWS; r++) {
      const lv = [z()];
      for (let k = 1; k < 6; k++) lv.push(0.6 * lv[k - 1] + 0.8 * z());
      for (let c = 0; c < cols; c++)
        values[r * cols + c] = Math.max(
          1,
          Math.min(5, Math.round(3.5 + 0.8 * lv[Math.floor(c / 5)] + 0.6 * z())),
        );
    }
    const input = {
      data: { rows: PLS_ROWS, cols, values },
      blocks: Object.fromEntries(
        [0, 1, 2, 3, 4, 5].map((k) => [`LV${k}`, [0, 1, 2, 3, 4].map((j) => k * 5 + j)]),
      ),
      paths: [0, 1, 2, 3, 4].map((k) => [`LV${k}`, `LV${k + 1}`] as [string, string]),
    };
    estimatePls(input);
    const plsTimes: number[] = [];
    let iterations = 0;
    for (let i = 0; i < REPEAT; i++) {
      const [ms, result] = await time(() => estimatePls(input));
      plsTimes.push(ms);
      iterations = result.iterations;
    }
    const [bootMs] = await time(() => bootstrapPls(input, { samples: 100, seed: 1 }));

    const version_ = (
      (await ctx.db.execute(sql`show server_version`)) as unknown as { rows: { server_version: string }[] }
    ).rows[0].server_version;
    console.log('');
    console.log(
      `Satisfaction index over ${answerCount.toLocaleString('en')} answers (${RESPONSES.toLocaleString('en')} responses × ${leaves.length} items) on PostgreSQL ${version_}, median of ${REPEAT}`,
    );
    console.log('');
    console.log('groupBy      groups   index (service)   bare SQL aggregate   ratio');
    for (const r of results)
      console.log(
        `${r.groupBy.padEnd(12)} ${String(r.groups).padStart(6)}   ${`${r.indexMs.toFixed(1)} ms`.padStart(15)}   ${`${r.sqlMs.toFixed(1)} ms`.padStart(18)}   ${r.ratio.toFixed(2)}×`,
      );
    console.log('');
    console.log(
      `estimatePls ${PLS_ROWS.toLocaleString('en')} × ${cols}: ${median(plsTimes).toFixed(1)} ms (${iterations} iterations); bootstrap 100 resamples: ${(bootMs / 1000).toFixed(2)} s`,
    );
    console.log('');
    const out = {
      at: new Date().toISOString(),
      small: SMALL,
      customers: CUSTOMERS,
      responses: RESPONSES,
      answers: answerCount,
      loadMs: round(answersMs),
      index: results,
      pls: { rows: PLS_ROWS, cols, ms: round(median(plsTimes)), iterations, bootstrap100Ms: round(bootMs) },
      environment: {
        postgres: version_,
        node: process.version,
        cpus: cpus().length,
        memoryGb: Math.round(totalmem() / 2 ** 30),
      },
    };
    const dir = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = `${dir}satisfaction-${out.at.replace(/[:.]/g, '-')}.json`;
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    log(`Results written to ${file}`);
  } finally {
    await closeContext(ctx);
    await server.stop();
  }
}

await main();
