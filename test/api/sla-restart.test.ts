import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { describe, expect, inject, it } from 'vitest';
import { customers } from '../../src/modules/customers/tables.ts';
import { notifications } from '../../src/modules/notifications/tables.ts';
import { SLA_CHECK_JOB } from '../../src/modules/sla/service.ts';
import { slaPolicies } from '../../src/modules/sla/tables.ts';
import { ticketCategories, ticketSlaEvents, tickets } from '../../src/modules/tickets/tables.ts';
import type { AppContext } from '../../src/server/context.ts';
import { closeContext, createContext } from '../../src/server/runtime.ts';

/** A data directory (PGlite) or a fresh database (PostgreSQL) that outlives one process. */
async function openStore(): Promise<{
  config: { dataDir: string; databaseUrl: string | undefined };
  drop: () => Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liaison-sla-'));
  if (process.env.LIAISON_TEST_DB !== 'postgres') {
    return {
      config: { dataDir, databaseUrl: undefined },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const serverUrl = inject('databaseUrl');
  const name = `liaison_sla_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    config: { dataDir, databaseUrl: url.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const ALL_DAY = [{ start: '00:00', end: '24:00' }];

describe('SLA timers survive a restart', () => {
  it('fires the warning and the breach after the process that set them stopped', {
    timeout: 120_000,
  }, async () => {
    const store = await openStore();
    const open = () =>
      createContext({ config: { ...store.config, logLevel: 'silent', demo: false }, jobs: true });
    let ctx: AppContext | undefined = await open();
    try {
      // A 24x7 calendar and a one-minute policy for suggestions that warns with 10 % left.
      await ctx.services.settings.set('sla.calendar', {
        timeZone: 'Asia/Shanghai',
        weeklyHours: {
          mon: ALL_DAY,
          tue: ALL_DAY,
          wed: ALL_DAY,
          thu: ALL_DAY,
          fri: ALL_DAY,
          sat: ALL_DAY,
          sun: ALL_DAY,
        },
      });
      await ctx.db.insert(slaPolicies).values({
        id: uuidv7(),
        name: '一分钟建议',
        ticketType: 'suggestion',
        firstResponseMinutes: 1,
        resolutionMinutes: 1,
        warningFraction: 0.1,
        sortOrder: 0,
      });
      const owner = await ctx.services.users.insert(null, {
        email: 'sla@restart.test',
        name: '时限客服',
        password: 'owner-password-1',
        role: 'agent',
      });
      const customerId = uuidv7();
      await ctx.db.insert(customers).values({ id: customerId, name: '重启时限物流', ownerId: owner.id });
      const [category] = await ctx.db
        .select()
        .from(ticketCategories)
        .where(eq(ticketCategories.code, 'other'));
      // Received 45 s ago: the warning is due in ~9 s (54 s of 60), the breach in ~15 s.
      const ticketId = uuidv7();
      const live = ctx;
      await live.db.transaction(async (tx) => {
        await tx.insert(tickets).values({
          id: ticketId,
          number: 'T-RESTART-1',
          type: 'suggestion',
          channel: 'phone',
          status: 'open',
          customerId,
          categoryId: category.id,
          subject: '建议增加夜间提货',
          customerWords: '能否晚上提货',
          receivedAt: new Date(Date.now() - 45_000),
          ownerId: owner.id,
        });
        await live.services.sla.refresh(tx, ticketId);
      });
      const [ticket] = await live.db.select().from(tickets).where(eq(tickets.id, ticketId));
      const warnAt = ticket.firstResponseWarnAt!;
      expect(ticket.firstResponseDueAt!.getTime() - warnAt.getTime()).toBe(6_000);
      // The timers are rows in the queue (sent once the ticket's transaction committed).
      let queued = 0;
      for (let i = 0; i < 20 && queued < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const result = await live.database.executeSql(
          "select count(*)::int as n from pgboss.job where name = $1 and state = 'created'",
          [SLA_CHECK_JOB],
        );
        queued = result.rows[0].n;
      }
      expect(queued).toBeGreaterThanOrEqual(2);
      await closeContext(ctx);
      ctx = undefined;
      // The first process is gone before the warning was due: only the restarted one can fire it.
      expect(Date.now()).toBeLessThan(warnAt.getTime());

      ctx = await open();
      const reopened = ctx;
      const events = async () =>
        (await reopened.db.select().from(ticketSlaEvents).where(eq(ticketSlaEvents.ticketId, ticketId)))
          .map((e) => `${e.target}:${e.kind}`)
          .sort();
      let fired: string[] = [];
      for (let i = 0; i < 80 && fired.length < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        fired = await events();
      }
      expect(fired).toEqual([
        'first_response:breach',
        'first_response:warning',
        'resolution:breach',
        'resolution:warning',
      ]);
      const [after] = await reopened.db.select().from(tickets).where(eq(tickets.id, ticketId));
      expect(after.firstResponseBreachedAt?.toISOString()).toBe(ticket.firstResponseDueAt!.toISOString());
      const notices = await reopened.db
        .select()
        .from(notifications)
        .where(eq(notifications.userId, owner.id));
      expect(notices.map((n) => n.kind)).toContain('ticket.sla_breach');
    } finally {
      if (ctx) await closeContext(ctx);
      await store.drop();
    }
  });
});
