import type { TestProject } from 'vitest/node';
import { startPostgres } from '../../scripts/pg-server.ts';

/**
 * Starts a throw-away PostgreSQL server for the 'postgres' test project, unless TEST_DATABASE_URL
 * already names one. PostgreSQL refuses to run as root, so as root it runs as the postgres user.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('databaseUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  const server = await startPostgres();
  project.provide('databaseUrl', server.url);
  return () => server.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
