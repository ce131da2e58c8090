import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { customers } from '../../src/modules/customers/tables.ts';
import { PERIODIC_JOB } from '../../src/modules/followups/jobs.ts';
import { followUps } from '../../src/modules/followups/tables.ts';
import { SLA_CHECK_JOB } from '../../src/modules/sla/service.ts';
import { timelineEntries } from '../../src/modules/timeline/tables.ts';
import type { AppContext } from '../../src/server/context.ts';
import { closeContext, createContext } from '../../src/server/runtime.ts';
import {
  type Organisation,
  createContact,
  createCustomer,
  createFollowUp,
  createInteraction,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';

// Wednesday 2025-03-12, 10:00 in Shanghai. The HTTP clients stay at this time (sessions expire after
// 12 idle hours); later moments are given to the generators directly.
const NOW = new Date('2025-03-12T02:00:00Z');

let t: TestApp;
let org: Organisation;
let owner: Client;

beforeAll(async () => {
  t = await startTestApp({ now: () => NOW });
  org = await createOrganisation(t);
  owner = await t.userClient('agent', { departmentId: org.teamA.id, name: '回访客服' });
});
afterAll(async () => {
  await t?.close();
});

async function tasksOf(customerId: string) {
  return t.ctx.db.select().from(followUps).where(eq(followUps.customerId, customerId));
}

describe('periodic follow-ups by value class', () => {
  const c: Record<string, string> = {};

  beforeAll(async () => {
    const customer = async (name: string, values: Record<string, unknown>) => {
      const row = await createCustomer(t, { ownerId: owner.user.id, teamId: org.teamA.id, name, ...values });
      c[name] = row.id;
      return row.id;
    };
    const contactOn = (name: string, at: string) =>
      createInteraction(t, { customerId: c[name], userId: owner.user.id, occurredAt: new Date(at) });

    await customer('A never contacted', { valueClass: 'A', stage: 'active' });
    await customer('B called in November', { valueClass: 'B', stage: 'active' });
    await contactOn('B called in November', '2024-11-20T03:00:00Z');
    await customer('B called in February', { valueClass: 'B' });
    await contactOn('B called in February', '2025-02-01T03:00:00Z');
    await customer('C visited in September', { valueClass: 'C', stage: 'retained' });
    await createFollowUp(t, {
      customerId: c['C visited in September'],
      assigneeId: owner.user.id,
      kind: 'manual',
      status: 'done',
      dueAt: new Date('2024-09-10T01:00:00Z'),
      completedAt: new Date('2024-09-12T01:00:00Z'),
      result: '已拜访',
    });
    await customer('A with an open periodic task', { valueClass: 'A' });
    await createFollowUp(t, {
      customerId: c['A with an open periodic task'],
      assigneeId: owner.user.id,
      kind: 'periodic',
      dueAt: new Date('2025-03-20T01:00:00Z'),
    });
    await customer('A archived', { valueClass: 'A', archivedAt: new Date('2025-01-01T00:00:00Z') });
    await customer('A churned', { valueClass: 'A', stage: 'churned', churnReason: '价格' });
    await customer('no value class', {});
    await customer('A called on 31 January', { valueClass: 'A' });
    await contactOn('A called on 31 January', '2025-01-31T04:00:00Z');
    await customer('A due this evening', { valueClass: 'A' });
    await contactOn('A due this evening', '2025-02-12T10:00:00Z'); // 18:00 in Shanghai
    await customer('A due tomorrow', { valueClass: 'A' });
    await contactOn('A due tomorrow', '2025-02-12T17:00:00Z'); // 01:00 on 13 February in Shanghai
  });

  it('creates one task per due customer for its owner, at last contact + interval', async () => {
    const created = await t.ctx.services.followUps.generatePeriodic();
    expect(created).toBe(5);
    const dueOf = async (name: string) => {
      const periodic = (await tasksOf(c[name])).filter((f) => f.kind === 'periodic');
      return periodic.map((f) => f.dueAt.toISOString());
    };
    expect(await dueOf('A never contacted')).toEqual([NOW.toISOString()]);
    expect(await dueOf('B called in November')).toEqual(['2025-02-20T03:00:00.000Z']);
    expect(await dueOf('C visited in September')).toEqual(['2025-03-12T01:00:00.000Z']);
    // Month-end clamping: 31 January + 1 month is 28 February.
    expect(await dueOf('A called on 31 January')).toEqual(['2025-02-28T04:00:00.000Z']);
    expect(await dueOf('A due this evening')).toEqual(['2025-03-12T10:00:00.000Z']);
    for (const name of [
      'B called in February',
      'A archived',
      'A churned',
      'no value class',
      'A due tomorrow',
    ]) {
      expect(await dueOf(name), name).toEqual([]);
    }
    expect(await dueOf('A with an open periodic task')).toEqual(['2025-03-20T01:00:00.000Z']);

    const [task] = (await tasksOf(c['B called in November'])).filter((f) => f.kind === 'periodic');
    expect(task).toMatchObject({
      assigneeId: owner.user.id,
      status: 'open',
      sourceKey: `periodic:${c['B called in November']}:2024-11-20T03:00:00.000Z`,
      createdBy: null,
    });
    expect(task.title).toContain('B类');
    expect(task.title).toContain('每季度');
    const [first] = (await tasksOf(c['A never contacted'])).filter((f) => f.kind === 'periodic');
    expect(first.sourceKey).toBe(`periodic:${c['A never contacted']}:first`);

    const entries = await t.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(eq(timelineEntries.refType, 'follow_up'), eq(timelineEntries.refId, task.id)));
    expect(entries.map((e) => e.kind)).toEqual(['follow_up.created']);
    const audit = await t.admin.get(`/api/audit?entityType=follow_up&entityId=${task.id}`);
    expect(audit.body.items[0]).toMatchObject({ action: 'create', actorId: null, actorName: 'system' });
  });

  it('is idempotent: a second run creates nothing', async () => {
    expect(await t.ctx.services.followUps.generatePeriodic()).toBe(0);
    expect(await t.ctx.services.followUps.generatePeriodic()).toBe(0);
  });

  it('shows generated tasks as overdue or due today on the owner’s day', async () => {
    const today = await owner.get('/api/follow-ups/today');
    const overdue = today.body.overdue.map((f: any) => f.customerId);
    expect(overdue).toEqual(expect.arrayContaining([c['B called in November'], c['C visited in September']]));
    expect(today.body.dueToday.map((f: any) => f.customerId)).toContain(c['A due this evening']);
  });

  it('starts the next cycle from the completion of the last one', async () => {
    const [task] = (await tasksOf(c['A never contacted'])).filter((f) => f.kind === 'periodic');
    const done = await owner.post(`/api/follow-ups/${task.id}/complete`, {
      result: '首次回访完成，客户满意',
      interaction: { channel: 'phone' },
      version: task.version,
    });
    expect(done.status).toBe(200);
    const service = t.ctx.services.followUps;
    const open = async () =>
      (await tasksOf(c['A never contacted']))
        .filter((f) => f.status === 'open')
        .map((f) => f.dueAt.toISOString());
    await service.generatePeriodic(new Date('2025-04-11T02:00:00Z'));
    expect(await open()).toEqual([]);
    await service.generatePeriodic(new Date('2025-04-12T02:00:00Z'));
    expect(await open()).toEqual(['2025-04-12T02:00:00.000Z']);
  });

  it('treats a cancelled periodic task as a skipped cycle', async () => {
    const [task] = (await tasksOf(c['B called in November'])).filter((f) => f.kind === 'periodic');
    const cancelled = await owner.post(`/api/follow-ups/${task.id}/cancel`, { reason: '客户春节停工' });
    expect(cancelled.status).toBe(200);
    const service = t.ctx.services.followUps;
    const open = async () =>
      (await tasksOf(c['B called in November']))
        .filter((f) => f.status === 'open')
        .map((f) => f.dueAt.toISOString());
    await service.generatePeriodic(new Date('2025-06-11T02:00:00Z'));
    expect(await open()).toEqual([]);
    await service.generatePeriodic(new Date('2025-06-12T02:00:00Z'));
    expect(await open()).toEqual(['2025-06-12T02:00:00.000Z']);
  });

  it('follows the configured plans: a disabled class gets nothing, a changed interval applies', async () => {
    const id = await createCustomer(t, { ownerId: owner.user.id, valueClass: 'C' }).then((r) => r.id);
    await createInteraction(t, {
      customerId: id,
      userId: owner.user.id,
      occurredAt: new Date('2024-12-12T02:00:00Z'),
    });
    const plans = (await t.admin.get('/api/follow-up-plans')).body.items;
    const planC = plans.find((p: any) => p.valueClass === 'C');
    const disabled = await t.admin.put('/api/follow-up-plans/C', {
      intervalMonths: 3,
      enabled: false,
      version: planC.version,
    });
    expect(disabled.status).toBe(200);
    await t.ctx.services.followUps.generatePeriodic();
    expect(await tasksOf(id)).toEqual([]);
    const enabled = await t.admin.put('/api/follow-up-plans/C', {
      intervalMonths: 3,
      enabled: true,
      version: disabled.body.version,
    });
    expect(enabled.status).toBe(200);
    await t.ctx.services.followUps.generatePeriodic();
    expect((await tasksOf(id)).map((f) => f.dueAt.toISOString())).toEqual(['2025-03-12T02:00:00.000Z']);
    await t.admin.put('/api/follow-up-plans/C', {
      intervalMonths: 6,
      enabled: true,
      version: enabled.body.version,
    });
  });

  it('handles thousands of customers in batches', async () => {
    const bulkOwner = await t.userClient('agent', { departmentId: org.teamB.id });
    const ids: string[] = [];
    const rows = Array.from({ length: 2500 }, (_, i) => {
      const id = uuidv7();
      ids.push(id);
      return { id, name: `批量客户 ${i}`, ownerId: bulkOwner.user.id, valueClass: 'A', stage: 'active' };
    });
    for (let i = 0; i < rows.length; i += 500)
      await t.ctx.db.insert(customers).values(rows.slice(i, i + 500));
    const started = Date.now();
    const created = await t.ctx.services.followUps.generatePeriodic();
    const elapsed = Date.now() - started;
    expect(created).toBe(2500);
    const stored = await t.ctx.db
      .select({ id: followUps.id })
      .from(followUps)
      .where(and(inArray(followUps.customerId, ids.slice(0, 1000)), eq(followUps.kind, 'periodic')));
    expect(stored).toHaveLength(1000);
    expect(await t.ctx.services.followUps.generatePeriodic()).toBe(0);
    expect(elapsed).toBeLessThan(60_000);
  });
});

describe('greetings on contacts’ important dates', () => {
  let customerId: string;

  beforeAll(async () => {
    customerId = (await createCustomer(t, { ownerId: owner.user.id, teamId: org.teamA.id, valueClass: null }))
      .id;
  });

  const greetingsOf = async (contactId: string) =>
    (await t.ctx.db.select().from(followUps).where(eq(followUps.contactId, contactId))).filter(
      (f) => f.kind === 'greeting',
    );

  it('creates a greeting for the owner lead days before the date at 09:00', async () => {
    const birthday = await createContact(t, {
      customerId,
      name: '赵总',
      preferredChannel: 'wechat',
      importantDates: [
        { kind: 'birthday', date: '1975-03-18' },
        { kind: 'holiday', label: '清明节', date: '04-04' },
      ],
    });
    const founding = await createContact(t, {
      customerId,
      name: '钱经理',
      importantDates: [
        { kind: 'founding', date: '2010-03-20' },
        { kind: 'holiday', label: '开工纪念', date: '03-21' },
        { kind: 'holiday', label: '周年庆', date: '03-22' },
      ],
    });
    const optedOut = await createContact(t, {
      customerId,
      doNotContact: true,
      importantDates: [{ kind: 'birthday', date: '03-18' }],
    });
    const left = await createContact(t, {
      customerId,
      archivedAt: new Date('2025-01-01T00:00:00Z'),
      importantDates: [{ kind: 'birthday', date: '03-18' }],
    });
    const archivedCustomer = await createCustomer(t, {
      ownerId: owner.user.id,
      archivedAt: new Date('2025-01-01T00:00:00Z'),
    });
    const ofArchived = await createContact(t, {
      customerId: archivedCustomer.id,
      importantDates: [{ kind: 'birthday', date: '03-18' }],
    });
    const far = await createContact(t, { customerId, importantDates: [{ kind: 'birthday', date: '03-30' }] });
    const broken = await createContact(t, {
      customerId,
      importantDates: [{ kind: 'birthday', date: '03-32' }, { date: '03-18' } as any],
    });

    const created = await t.ctx.services.followUps.generateGreetings();
    expect(created).toBe(4);
    const [greeting] = await greetingsOf(birthday.id);
    expect(greeting).toMatchObject({
      customerId,
      assigneeId: owner.user.id,
      kind: 'greeting',
      title: '问候 赵总：生日（3月18日）',
      status: 'open',
      sourceKey: `greeting:${birthday.id}:birthday:2025`,
    });
    // 15 March 09:00 in Shanghai.
    expect(greeting.dueAt.toISOString()).toBe('2025-03-15T01:00:00.000Z');
    expect(greeting.notes).toContain('第 50 年');
    expect(greeting.notes).toContain('wechat');

    const foundingTasks = (await greetingsOf(founding.id)).sort(
      (a, b) => a.dueAt.getTime() - b.dueAt.getTime(),
    );
    expect(foundingTasks.map((f) => f.title)).toEqual([
      '问候 钱经理：公司成立纪念日（3月20日）',
      '问候 钱经理：开工纪念（3月21日）',
      '问候 钱经理：周年庆（3月22日）',
    ]);
    for (const contact of [optedOut, left, ofArchived, far, broken]) {
      expect(await greetingsOf(contact.id)).toEqual([]);
    }
    expect(await t.ctx.services.followUps.generateGreetings()).toBe(0);
  });

  it('greets a 29 February birthday on 28 February in common years', async () => {
    const leap = await createContact(t, {
      customerId,
      name: '孙总',
      importantDates: [{ kind: 'birthday', date: '02-29' }],
    });
    const service = t.ctx.services.followUps;
    await service.generateGreetings(new Date('2023-02-20T02:00:00Z'));
    await service.generateGreetings(new Date('2024-02-20T02:00:00Z'));
    const tasks = (await greetingsOf(leap.id)).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    expect(tasks.map((f) => [f.title, f.dueAt.toISOString(), f.sourceKey])).toEqual([
      ['问候 孙总：生日（2月28日）', '2023-02-25T01:00:00.000Z', `greeting:${leap.id}:birthday:2023`],
      ['问候 孙总：生日（2月29日）', '2024-02-26T01:00:00.000Z', `greeting:${leap.id}:birthday:2024`],
    ]);
  });

  it('looks across the new year and is due at once when the lead time has passed', async () => {
    const contact = await createContact(t, {
      customerId,
      name: '周总',
      importantDates: [
        { kind: 'birthday', date: '01-02' },
        { kind: 'holiday', label: '元旦', date: '12-30' },
      ],
    });
    const now = new Date('2025-12-28T02:00:00Z');
    await t.ctx.services.followUps.generateGreetings(now);
    const tasks = (await greetingsOf(contact.id)).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    expect(tasks.map((f) => [f.sourceKey, f.dueAt.toISOString()])).toEqual([
      [`greeting:${contact.id}:holiday:元旦:2025`, now.toISOString()],
      [`greeting:${contact.id}:birthday:2026`, '2025-12-30T01:00:00.000Z'],
    ]);
  });

  it('uses the configured lead time', async () => {
    const contact = await createContact(t, {
      customerId,
      importantDates: [{ kind: 'birthday', date: '03-25' }],
    });
    expect((await t.admin.put('/api/follow-up-plans/greetings', { leadDays: 10 })).status).toBe(200);
    try {
      await t.ctx.services.followUps.generateGreetings();
    } finally {
      await t.admin.put('/api/follow-up-plans/greetings', { leadDays: 3 });
    }
    const [task] = await greetingsOf(contact.id);
    expect(task.dueAt.toISOString()).toBe('2025-03-15T01:00:00.000Z');
  });
});

describe('running the generators on request', () => {
  it('lets admins and supervisors run both generators and says how many tasks were made', async () => {
    const fresh = await createCustomer(t, { ownerId: owner.user.id, valueClass: 'A' });
    await createContact(t, { customerId: fresh.id, importantDates: [{ kind: 'birthday', date: '03-16' }] });
    const first = await t.admin.post('/api/follow-ups/generate');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ periodic: 1, greetings: 1 });
    const second = await org.supervisor.post('/api/follow-ups/generate');
    expect(second.body).toEqual({ periodic: 0, greetings: 0 });
    const portal = await portalUser(t, fresh.id);
    for (const client of [owner, org.manager, org.operations, portal]) {
      expect((await client.post('/api/follow-ups/generate')).status).toBe(403);
    }
    expect((await t.anonymous().post('/api/follow-ups/generate')).status).toBe(401);
  });

  it('runs through the queue when one sends the job without a running queue', async () => {
    const fresh = await createCustomer(t, { ownerId: owner.user.id, valueClass: 'B' });
    await t.ctx.queue.send(PERIODIC_JOB, {});
    expect((await tasksOf(fresh.id)).map((f) => f.kind)).toEqual(['periodic']);
  });
});

describe('jobs survive a restart', () => {
  async function openStore(): Promise<{
    config: { dataDir: string; databaseUrl: string | undefined };
    drop: () => Promise<void>;
  }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'liaison-jobs-'));
    if (process.env.LIAISON_TEST_DB !== 'postgres') {
      return {
        config: { dataDir, databaseUrl: undefined },
        drop: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    }
    const serverUrl = inject('databaseUrl');
    const name = `liaison_jobs_${randomUUID().replace(/-/g, '')}`;
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

  it('keeps one queued SLA timer per key: a second send with the same key is dropped', {
    timeout: 120_000,
  }, async () => {
    const store = await openStore();
    const ctx = await createContext({
      config: { ...store.config, logLevel: 'silent', demo: false },
      jobs: true,
    });
    try {
      const startAfter = new Date(Date.now() + 3_600_000);
      const key = `${uuidv7()}:resolution:breach:${startAfter.toISOString()}`;
      const first = await ctx.queue.send(SLA_CHECK_JOB, { ticketId: 'none' }, { startAfter, key });
      const second = await ctx.queue.send(SLA_CHECK_JOB, { ticketId: 'none' }, { startAfter, key });
      const other = await ctx.queue.send(
        SLA_CHECK_JOB,
        { ticketId: 'none' },
        { startAfter, key: `${key}:2` },
      );
      expect(first).toEqual(expect.any(String));
      expect(second).toBeNull();
      expect(other).toEqual(expect.any(String));
      const [row] = await ctx.database.query<{ n: number }>(
        sql`select count(*)::int as n from pgboss.job where name = ${SLA_CHECK_JOB}`,
      );
      expect(row.n).toBe(2);
    } finally {
      await closeContext(ctx);
      await store.drop();
    }
  });

  it('runs a delayed generator job queued before the process stopped', { timeout: 120_000 }, async () => {
    const store = await openStore();
    const open = () =>
      createContext({ config: { ...store.config, logLevel: 'silent', demo: false }, jobs: true });
    let ctx: AppContext | undefined = await open();
    try {
      const user = await ctx.services.users.insert(null, {
        email: 'owner@restart.test',
        name: '重启客服',
        password: 'owner-password-1',
        role: 'agent',
      });
      const customerId = uuidv7();
      await ctx.db
        .insert(customers)
        .values({ id: customerId, name: '重启测试物流', ownerId: user.id, valueClass: 'A' });
      const startAfter = new Date(Date.now() + 3000);
      const jobId = await ctx.queue.send(PERIODIC_JOB, {}, { startAfter });
      expect(jobId).toEqual(expect.any(String));
      expect(await ctx.db.select().from(followUps)).toEqual([]);
      await closeContext(ctx);
      ctx = undefined;
      // The first process is gone before the job was due: only the restarted one can run it.
      expect(Date.now()).toBeLessThan(startAfter.getTime());

      ctx = await open();
      const reopened = ctx;
      const rows = async () =>
        reopened.db.select().from(followUps).where(eq(followUps.customerId, customerId));
      let tasks: Awaited<ReturnType<typeof rows>> = [];
      for (let i = 0; i < 40 && tasks.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        tasks = await rows();
      }
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ kind: 'periodic', assigneeId: user.id, status: 'open' });
    } finally {
      if (ctx) await closeContext(ctx);
      await store.drop();
    }
  });
});
