import pino from 'pino';
import { type Config, loadConfig } from '../config.ts';
import { migrate, openDatabase } from '../db/index.ts';
import { JobQueue } from '../jobs/queue.ts';
import { registerCommitmentJobs } from '../modules/commitments/jobs.ts';
import { registerExceptionJobs } from '../modules/exceptions/jobs.ts';
import { registerFollowUpJobs } from '../modules/followups/jobs.ts';
import { registerOutboundJobs } from '../modules/outbound/jobs.ts';
import { registerWorkOrderJobs } from '../modules/workorders/jobs.ts';
import { registerSlaJobs } from '../modules/sla/jobs.ts';
import { registerSurveyJobs } from '../modules/surveys/jobs.ts';
import { registerTrackingJobs } from '../modules/tracking/jobs.ts';
import { purgeIdempotencyKeys } from './idempotency.ts';
import type { AppContext } from './context.ts';
import { createServices } from './services.ts';

export interface RuntimeOptions {
  config?: Partial<Config>;
  /** Start the job queue workers (the server does; tests and most CLI commands do not). */
  jobs?: boolean;
  now?: () => Date;
}

/** Opens the database, applies migrations and wires every service: the one place a process starts. */
export async function createContext(options: RuntimeOptions = {}): Promise<AppContext> {
  const config = { ...loadConfig(), ...options.config };
  const log = pino({ level: config.logLevel, base: { service: 'liaison' } });
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(database);
  const ctx = {
    config,
    database,
    db: database.db,
    log,
    now: options.now ?? (() => new Date()),
  } as AppContext;
  ctx.queue = new JobQueue(database, log, {
    databaseUrl: config.databaseUrl,
    timeZone: config.displayTimeZone,
  });
  ctx.services = createServices(ctx);
  registerJobs(ctx);
  if (options.jobs) await ctx.queue.start();
  return ctx;
}

/** Job handlers of every module; the module's service does the work. */
function registerJobs(ctx: AppContext): void {
  ctx.queue.register('sessions.purge', () => ctx.services.auth.purgeExpiredSessions(), '17 3 * * *');
  ctx.queue.register('idempotency.purge', () => purgeIdempotencyKeys(ctx), '27 3 * * *');
  registerFollowUpJobs(ctx);
  registerSlaJobs(ctx);
  registerCommitmentJobs(ctx);
  registerWorkOrderJobs(ctx);
  registerTrackingJobs(ctx);
  registerExceptionJobs(ctx);
  registerOutboundJobs(ctx);
  registerSurveyJobs(ctx);
  if (ctx.database.kind === 'pglite') {
    // PGlite has no autovacuum, so without this the planner never gets statistics.
    ctx.queue.register(
      'maintenance.analyze',
      () => ctx.database.executeSql('ANALYZE', []).then(() => {}),
      '40 */6 * * *',
    );
  }
}

export async function closeContext(ctx: AppContext): Promise<void> {
  await ctx.queue.stop();
  await ctx.database.close();
}
