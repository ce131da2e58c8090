import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { describe, expect, inject, it } from 'vitest';
import { customers } from '../../src/modules/customers/tables.ts';
import { departments } from '../../src/modules/departments/tables.ts';
import { shipmentReferences, shipments } from '../../src/modules/shipments/tables.ts';
import { closeContext, createContext } from '../../src/server/runtime.ts';
import { Client } from '../support/harness.ts';

/**
 * Issue 4 §11: an ingestion process killed with SIGKILL mid-batch loses no event it had
 * acknowledged. The server runs as a child process (`node bin/liaison.js serve`) on a PGlite data
 * directory or a PostgreSQL database that outlives it.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

async function openStore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'liaison-ingest-'));
  if (process.env.LIAISON_TEST_DB !== 'postgres') {
    return {
      config: { dataDir, databaseUrl: undefined as string | undefined },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const serverUrl = inject('databaseUrl');
  const name = `liaison_ingest_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    config: { dataDir, databaseUrl: url.toString() as string | undefined },
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const ADMIN = { email: 'crash-admin@test.local', password: 'crash-admin-password-1' };

function serve(config: { dataDir: string; databaseUrl: string | undefined }, port: number): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: config.dataDir,
    LIAISON_ADMIN_EMAIL: ADMIN.email,
    LIAISON_ADMIN_PASSWORD: ADMIN.password,
    LIAISON_DEMO: '0',
    LOG_LEVEL: 'silent',
  };
  if (config.databaseUrl) env.DATABASE_URL = config.databaseUrl;
  else delete env.DATABASE_URL;
  return spawn(process.execPath, ['bin/liaison.js', 'serve'], { cwd: root, env, stdio: 'ignore' });
}

async function waitUntilUp(baseUrl: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not start');
}

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('ingestion survives SIGKILL', () => {
  it('every acknowledged event is stored after the process is killed mid-stream and restarted', {
    timeout: 300_000,
  }, async () => {
    const store = await openStore();
    let child: ChildProcess | undefined;
    try {
      // A customer, a department and a shipment to track, written before the server starts.
      const ctx = await createContext({ config: { ...store.config, logLevel: 'silent', demo: false } });
      const departmentId = uuidv7();
      const shipmentId = uuidv7();
      try {
        const owner = await ctx.services.users.insert(null, {
          email: 'owner@crash.test',
          name: '客户经理',
          password: 'owner-password-1',
          role: 'agent',
        });
        const customerId = uuidv7();
        await ctx.db.insert(departments).values({ id: departmentId, code: 'SEAX', name: '海运出口部' });
        await ctx.db.insert(customers).values({ id: customerId, name: '崩溃测试物流', ownerId: owner.id });
        await ctx.db.insert(shipments).values({
          id: shipmentId,
          number: 'LS2611CRASH1',
          customerId,
          departmentId,
          mode: 'sea',
          destination: 'DEHAM',
        });
        await ctx.db.insert(shipmentReferences).values({ shipmentId, kind: 'number', value: 'LS2611CRASH1' });
      } finally {
        await closeContext(ctx);
      }

      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      child = serve(store.config, port);
      await waitUntilUp(baseUrl, child);
      const client = new Client(baseUrl);
      expect((await client.login(ADMIN.email, ADMIN.password)).status).toBe(200);

      const BATCH = 400;
      const batch = (n: number) =>
        Array.from({ length: BATCH }, (_, i) => ({
          shipmentRef: 'LS2611CRASH1',
          eventCode: 'ARRIVED',
          classifier: 'EST',
          eventTime: new Date(Date.UTC(2026, 5, 1) + (n * BATCH + i) * 60_000).toISOString(),
          location: 'DEHAM',
          source: 'crash:feed',
          sourceEventId: `crash-${n}-${i}`,
          updatedAt: new Date(Date.UTC(2026, 4, 1) + (n * BATCH + i) * 1000).toISOString(),
        }));
      const acknowledged: string[] = [];
      // Two senders stream batches back to back; the process is killed while both have one in flight.
      let sent = 0;
      let killed = false;
      const send = (n: number) =>
        client
          .post('/api/tracking-events', { events: batch(n) })
          .then((response) => {
            if (response.status === 200) {
              for (const r of response.body.results) expect(r.outcome).toBe('accepted');
              acknowledged.push(...batch(n).map((e) => e.sourceEventId));
            }
          })
          .catch(() => {
            // connection reset by the kill: not acknowledged
          });
      for (; sent < 3; sent++) await send(sent);
      const sender = async () => {
        while (!killed && sent < 60) await send(sent++);
      };
      const senders = [sender(), sender()];
      // Kill once a batch of the concurrent stream was answered (the other sender is mid-request).
      const firstAcked = BATCH * 3;
      for (let i = 0; i < 1200 && acknowledged.length <= firstAcked; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill('SIGKILL');
      killed = true;
      await stopped(child);
      await Promise.all(senders);
      expect(acknowledged.length).toBeGreaterThan(firstAcked);
      // Some batches were sent and never answered.
      expect(acknowledged.length).toBeLessThan(sent * BATCH);

      // Restart on the same data: every acknowledged event is there, no batch is half stored.
      child = serve(store.config, port);
      await waitUntilUp(baseUrl, child);
      const again = new Client(baseUrl);
      expect((await again.login(ADMIN.email, ADMIN.password)).status).toBe(200);
      const events = await again.get(`/api/shipments/${shipmentId}/events`);
      expect(events.status).toBe(200);
      const stored = new Set<string>(events.body.events.map((e: any) => e.sourceEventId));
      for (const id of acknowledged) expect(stored.has(id)).toBe(true);
      for (let n = 0; n < sent; n++) {
        const present = batch(n).filter((e) => stored.has(e.sourceEventId)).length;
        expect([0, BATCH]).toContain(present);
      }
      // The sender retries what it did not get an answer for: the rest is stored, nothing twice.
      for (let n = 0; n < sent; n++) {
        const retry = await again.post('/api/tracking-events', { events: batch(n) });
        expect(retry.status).toBe(200);
        for (const r of retry.body.results) expect(['accepted', 'duplicate']).toContain(r.outcome);
      }
      const final = await again.get(`/api/shipments/${shipmentId}/events`);
      expect(final.body.events).toHaveLength(BATCH * sent);
      child.kill('SIGTERM');
      await stopped(child);
      child = undefined;
    } finally {
      if (child && child.exitCode === null) {
        child.kill('SIGKILL');
        await stopped(child);
      }
      await store.drop();
    }
  });
});
