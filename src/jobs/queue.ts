import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db/index.ts';

export type JobHandler = (data: any) => Promise<void>;

/**
 * pg-boss queue policies. `short` keeps one queued job per singleton key (a second send with the
 * same key while the first waits is dropped); `standard` ignores keys.
 */
export type QueuePolicy = 'standard' | 'short';

interface Registration {
  handler: JobHandler;
  /** Cron expression (in the display time zone) when the job runs on a schedule. */
  cron?: string;
  policy?: QueuePolicy;
}

/**
 * The Postgres-backed job queue (pg-boss) on either driver: on PostgreSQL it opens its own pool, on
 * PGlite it runs its SQL through the one embedded connection. Jobs are rows, so they survive restarts.
 */
export class JobQueue {
  private boss: PgBoss | null = null;
  private readonly registrations = new Map<string, Registration>();

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
    private readonly options: { databaseUrl?: string; timeZone: string },
  ) {}

  /** Modules register their handlers before start(). */
  register(name: string, handler: JobHandler, cron?: string, options: { policy?: QueuePolicy } = {}): void {
    this.registrations.set(name, { handler, cron, policy: options.policy });
  }

  handlerOf(name: string): JobHandler | undefined {
    return this.registrations.get(name)?.handler;
  }

  get running(): boolean {
    return this.boss !== null;
  }

  async start(): Promise<void> {
    const boss = this.options.databaseUrl
      ? new PgBoss({ connectionString: this.options.databaseUrl, max: 3, schema: 'pgboss' })
      : new PgBoss({
          db: { executeSql: (text, values) => this.database.executeSql(text, values) },
          schema: 'pgboss',
        });
    boss.on('error', (error) => this.log.error({ err: error }, 'job queue error'));
    await boss.start();
    for (const [name, registration] of this.registrations) {
      const policy = registration.policy ?? 'standard';
      await boss.createQueue(name, { name, policy });
      // createQueue leaves an existing queue alone; a policy chosen later still has to reach it.
      const existing = await boss.getQueue(name);
      if (existing && existing.policy !== policy) await boss.updateQueue(name, { name, policy });
      await boss.work(name, { batchSize: 1, pollingIntervalSeconds: 2 }, async (jobs) => {
        for (const job of jobs) {
          this.log.info({ job: name, id: job.id }, 'job started');
          await registration.handler(job.data);
        }
      });
      if (registration.cron) await boss.schedule(name, registration.cron, {}, { tz: this.options.timeZone });
    }
    this.boss = boss;
  }

  /**
   * Queue a job. On a queue registered with the `short` policy, `key` makes the send idempotent (one
   * job per key while it is queued; the duplicate answers null); other queues ignore it.
   */
  async send(
    name: string,
    data: object,
    options: { startAfter?: Date; key?: string } = {},
  ): Promise<string | null> {
    if (!this.boss) {
      // Without a running queue (tests, CLI) the work happens now, in-process.
      await this.registrations.get(name)?.handler(data);
      return null;
    }
    return this.boss.send(name, data, {
      startAfter: options.startAfter,
      singletonKey: options.key,
      retryLimit: 5,
      retryBackoff: true,
    });
  }

  async stop(): Promise<void> {
    const boss = this.boss;
    this.boss = null;
    if (boss) await boss.stop({ graceful: true, wait: true, timeout: 5000 });
  }
}
