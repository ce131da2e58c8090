import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database, Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { Services } from './services.ts';

/** What every service is built from; services reach each other through `services`. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Db;
  log: Logger;
  services: Services;
  queue: JobQueue;
  now(): Date;
}
