import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  /** Connection URL of the `postgres` database as the `postgres` superuser. */
  url: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
}

/**
 * Starts a throw-away PostgreSQL server (Debian's binaries under /usr/lib/postgresql) in a temp
 * directory on a random port, tuned for speed over durability (fsync off). PostgreSQL refuses to
 * run as root, so as root it runs as the postgres user. Used by the tests and the benchmark.
 */
export async function startPostgres(options: StartOptions = {}): Promise<PostgresServer> {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  const bin = versions.length ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : '';
  if (!bin || !existsSync(join(bin, 'initdb'))) {
    throw new Error('PostgreSQL binaries not found: install postgresql or set TEST_DATABASE_URL');
  }
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'liaison-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = 54000 + Math.floor(Math.random() * 1000);
  const run = (command: string, args: string[]) => {
    const full = asRoot ? ['-u', 'postgres', '--', join(bin, command), ...args] : args;
    const result = spawnSync(asRoot ? 'runuser' : join(bin, command), full, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  const extra = Object.entries(options.settings ?? {})
    .map(([name, value]) => ` -c ${name}=${value}`)
    .join('');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200${extra}`,
    '-w',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // already stopped
      }
      try {
        execFileSync('rm', ['-rf', dir]);
      } catch {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
