import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitments } from '../../src/modules/commitments/tables.ts';
import { createCustomer, createOrganisation } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { categoryId, insertTicket } from '../support/knowledge-factories.ts';

const at = (iso: string) => new Date(iso);
const plus = (start: string, minutes: number) => new Date(new Date(start).getTime() + minutes * 60_000);

describe('service-desk measures', () => {
  let t: TestApp;
  let org: Awaited<ReturnType<typeof createOrganisation>>;
  let customerA: string;
  let customerB: string;
  let damage: string;
  let delay: string;
  const range = 'from=2026-11-02&to=2026-11-15';

  beforeAll(async () => {
    t = await startTestApp({ now: () => at('2026-11-20T04:00:00Z') });
    org = await createOrganisation(t);
    damage = await categoryId(t, 'damage');
    delay = await categoryId(t, 'delay');
    customerA = (await createCustomer(t, { ownerId: org.agent.user.id, name: '甲公司' })).id;
    customerB = (await createCustomer(t, { ownerId: org.otherAgent.user.id, name: '乙公司' })).id;
    const teamA = { departmentId: org.teamA.id, ownerId: org.agent.user.id };
    const teamB = { departmentId: org.teamB.id, ownerId: org.otherAgent.user.id };

    // Week of 2 Nov (Shanghai). T1: answered in 30 min, resolved in 2 h at first contact, all in time.
    const r1 = '2026-11-02T02:00:00Z';
    await insertTicket(t, {
      ...teamA,
      customerId: customerA,
      categoryId: damage,
      receivedAt: at(r1),
      status: 'closed',
      firstResponseDueAt: plus(r1, 60),
      firstRespondedAt: plus(r1, 30),
      resolutionDueAt: plus(r1, 1440),
      resolvedAt: plus(r1, 120),
      closedAt: plus(r1, 130),
      resolvedAtFirstContact: true,
    });
    // T2: answered late (breach recorded), resolved in 10 h, reopened once and escalated.
    const r2 = '2026-11-03T02:00:00Z';
    await insertTicket(t, {
      ...teamA,
      customerId: customerA,
      categoryId: damage,
      receivedAt: at(r2),
      status: 'closed',
      firstResponseDueAt: plus(r2, 60),
      firstResponseBreachedAt: plus(r2, 60),
      firstRespondedAt: plus(r2, 90),
      resolutionDueAt: plus(r2, 1440),
      resolvedAt: plus(r2, 600),
      closedAt: plus(r2, 700),
      resolvedAtFirstContact: false,
      reopenCount: 1,
      escalationLevel: 1,
    });
    // Week of 9 Nov. T3: answered in 10 min, resolution due 8 h later and still open on the 20th.
    const r3 = '2026-11-10T02:00:00Z';
    await insertTicket(t, {
      ...teamB,
      customerId: customerB,
      categoryId: delay,
      receivedAt: at(r3),
      firstResponseDueAt: plus(r3, 60),
      firstRespondedAt: plus(r3, 10),
      resolutionDueAt: plus(r3, 480),
    });
    // T4: no SLA targets, not answered.
    await insertTicket(t, {
      ...teamB,
      customerId: customerB,
      categoryId: delay,
      receivedAt: at('2026-11-10T03:00:00Z'),
    });
    // T6: Sunday 17:00 UTC is Monday 01:00 in Shanghai: the week of 9 Nov. Answered in an hour.
    const r6 = '2026-11-08T17:00:00Z';
    await insertTicket(t, {
      ...teamA,
      customerId: customerA,
      categoryId: damage,
      receivedAt: at(r6),
      firstRespondedAt: plus(r6, 60),
    });
    // Outside the range.
    await insertTicket(t, {
      ...teamA,
      customerId: customerA,
      categoryId: damage,
      receivedAt: at('2026-10-01T02:00:00Z'),
      reopenCount: 3,
    });

    const promise = (madeById: string, customerId: string, dueAt: string, status: string) => ({
      id: uuidv7(),
      customerId,
      madeById,
      promise: '三日内给出赔偿方案',
      dueAt: at(dueAt),
      status: status as 'open',
    });
    await t.ctx.db
      .insert(commitments)
      .values([
        promise(org.agent.user.id, customerA, '2026-11-05T02:00:00Z', 'kept'),
        promise(org.agent.user.id, customerA, '2026-11-12T02:00:00Z', 'broken'),
        promise(org.otherAgent.user.id, customerB, '2026-11-12T02:00:00Z', 'kept'),
        promise(org.otherAgent.user.id, customerB, '2026-11-12T02:00:00Z', 'renegotiated'),
        promise(org.otherAgent.user.id, customerB, '2026-11-13T02:00:00Z', 'open'),
        promise(org.agent.user.id, customerA, '2026-12-01T02:00:00Z', 'kept'),
      ]);
  });
  afterAll(() => t.close());

  it('per week in the display time zone, with exact times and rates', async () => {
    const response = await org.manager.get(`/api/service-desk/measures?${range}&groupBy=period&period=week`);
    expect(response.status).toBe(200);
    const { rows, total } = response.body;
    expect(response.body.timeZone).toBe('Asia/Shanghai');
    expect(response.body.from).toBe('2026-11-01T16:00:00.000Z');
    expect(response.body.to).toBe('2026-11-15T16:00:00.000Z');
    expect(rows.map((r: any) => r.key)).toEqual(['2026-11-02', '2026-11-09']);
    expect(rows[0]).toMatchObject({
      tickets: 2,
      firstResponded: 2,
      firstResponseAvgMinutes: 60,
      firstResponseMedianMinutes: 60,
      resolved: 2,
      resolutionAvgMinutes: 360,
      resolutionMedianMinutes: 360,
      firstContactResolved: 1,
      firstContactDecided: 2,
      firstContactResolutionRate: 0.5,
      firstResponseSlaTickets: 2,
      firstResponseSlaMet: 1,
      firstResponseSlaAttainment: 0.5,
      resolutionSlaAttainment: 1,
      slaTickets: 2,
      slaMet: 1,
      slaAttainment: 0.5,
      reopenRate: 0.5,
      escalationRate: 0.5,
      commitmentsKept: 1,
      commitmentsBroken: 0,
      promiseKeptRate: 1,
    });
    expect(rows[1]).toMatchObject({
      tickets: 3,
      firstResponded: 2,
      firstResponseAvgMinutes: 35,
      resolved: 0,
      resolutionAvgMinutes: null,
      firstContactResolutionRate: null,
      firstResponseSlaAttainment: 1,
      resolutionSlaTickets: 1,
      resolutionSlaMet: 0,
      slaTickets: 1,
      slaMet: 0,
      slaAttainment: 0,
      reopenRate: 0,
      escalationRate: 0,
      commitmentsKept: 1,
      commitmentsBroken: 1,
      promiseKeptRate: 0.5,
    });
    expect(total).toMatchObject({
      key: null,
      tickets: 5,
      firstResponseAvgMinutes: 47.5,
      firstResponseMedianMinutes: 45,
      slaAttainment: 0.3333,
      firstContactResolutionRate: 0.5,
      reopenRate: 0.2,
      escalationRate: 0.2,
      promiseKeptRate: 0.6667,
    });
  });

  it('per day lists the empty days too', async () => {
    const response = await org.manager.get(
      '/api/service-desk/measures?from=2026-11-02&to=2026-11-04&period=day',
    );
    expect(response.body.rows.map((r: any) => [r.key, r.tickets])).toEqual([
      ['2026-11-02', 1],
      ['2026-11-03', 1],
      ['2026-11-04', 0],
    ]);
  });

  it('per department, promises by the maker’s department', async () => {
    const response = await t.admin.get(`/api/service-desk/measures?${range}&groupBy=department`);
    const byKey = Object.fromEntries(response.body.rows.map((r: any) => [r.key, r]));
    expect(byKey[org.teamA.id]).toMatchObject({
      label: '客服一组',
      tickets: 3,
      reopened: 1,
      promiseKeptRate: 0.5,
    });
    expect(byKey[org.teamB.id]).toMatchObject({ label: '客服二组', tickets: 2, promiseKeptRate: 1 });
    expect(response.body.rows[0].key).toBe(org.teamA.id);
  });

  it('per category and per customer, with filters', async () => {
    const byCategory = await org.manager.get(`/api/service-desk/measures?${range}&groupBy=category`);
    expect(byCategory.body.rows.map((r: any) => [r.label, r.tickets])).toEqual([
      ['破损', 3],
      ['延误', 2],
      // Promises without a ticket have no category.
      [null, 0],
    ]);
    expect(byCategory.body.rows[2]).toMatchObject({ key: null, commitmentsKept: 2, commitmentsBroken: 1 });
    const oneCustomer = await org.manager.get(
      `/api/service-desk/measures?${range}&groupBy=customer&customerId=${customerB}`,
    );
    expect(oneCustomer.body.rows).toHaveLength(1);
    expect(oneCustomer.body.rows[0]).toMatchObject({ label: '乙公司', tickets: 2, promiseKeptRate: 1 });
    const typed = await org.manager.get(`/api/service-desk/measures?${range}&type=inquiry`);
    expect(typed.body.total.tickets).toBe(0);
    const dept = await org.manager.get(`/api/service-desk/measures?${range}&departmentId=${org.centre.id}`);
    expect(dept.body.total.tickets).toBe(5);
  });

  it('supervisors see their team; agents and portal users are refused; bad ranges are 4xx', async () => {
    const team = await org.supervisor.get(`/api/service-desk/measures?${range}`);
    expect(team.status).toBe(200);
    expect(team.body.total).toMatchObject({ tickets: 3, commitmentsKept: 1, commitmentsBroken: 1 });
    expect((await org.agent.get(`/api/service-desk/measures?${range}`)).status).toBe(403);
    expect((await org.operations.get(`/api/service-desk/measures?${range}`)).status).toBe(403);
    expect((await t.anonymous().get(`/api/service-desk/measures?${range}`)).status).toBe(401);
    expect((await org.manager.get('/api/service-desk/measures?from=2026-11-10&to=2026-11-01')).status).toBe(
      422,
    );
    expect((await org.manager.get('/api/service-desk/measures?from=2026-02-30')).status).toBe(422);
    expect((await org.manager.get('/api/service-desk/measures?groupBy=agent')).status).toBe(400);
    expect(
      (await org.manager.get('/api/service-desk/measures?from=2000-01-01&to=2026-01-01&period=day')).status,
    ).toBe(422);
  });
});
