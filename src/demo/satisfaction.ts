import { randomBytes } from 'node:crypto';
import { count, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { insertRowsJson } from '../db/bulk.ts';
import { responseIndex } from '../domain/satisfaction/index.ts';
import { leavesOf } from '../domain/satisfaction/model.ts';
import {
  surveyAnswers,
  surveyInvitations,
  surveyResponses,
  surveyWaves,
  surveys,
} from '../modules/surveys/tables.ts';
import type { AppContext } from '../server/context.ts';
import { Random } from './random.ts';

export interface SatisfactionDemoStats {
  surveys: number;
  invitations: number;
  responses: number;
  answers: number;
  alerts: number;
  ms: number;
}

interface DemoCustomerRow {
  id: string;
  value_class: string | null;
  department_id: string | null;
  mode: string | null;
  origin: string | null;
  destination: string | null;
  contact_id: string | null;
  complaints: number;
}

const DAY = 86_400_000;

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/**
 * A year of satisfaction surveys over the demo customers (SPEC §7, issue 5 point 9): a twice-yearly
 * wave to A-class customers, a quarterly wave to everyone else and an after-delivery survey, with
 * invitations (about two thirds completed, some partial, the rest expired or still open) and answers
 * drawn from an ACSI-shaped latent model — expectation → quality → value → satisfaction →
 * complaints, loyalty — so PLS finds sensible positive paths. Built in: a slight upward trend over
 * the year, one department weaker on information and tracking, customers with many complaints
 * scoring lower, and three customers whose last answers drop sharply (they raise alerts).
 * Does nothing when there are survey responses already.
 */
export async function loadSatisfactionDemo(
  ctx: AppContext,
  options: { seed?: string | number } = {},
): Promise<SatisfactionDemoStats | null> {
  const started = Date.now();
  const [{ n }] = await ctx.db.select({ n: count() }).from(surveyResponses);
  if (n > 0) return null;
  const random = new Random(`${options.seed ?? 'liaison'}:satisfaction`);
  const modelId = await ctx.services.satisfaction.ensureDefaultModel();
  const version = await ctx.services.satisfaction.currentVersion(modelId);
  const leaves = leavesOf(version.nodes);
  const customerRows = (await ctx.db.execute(sql`
    select c.id, c.value_class, s.department_id, s.mode, s.origin, s.destination,
      (select p.id from contacts p where p.customer_id = c.id order by p.is_primary desc, p.id limit 1) as contact_id,
      (select count(*)::int from tickets k where k.customer_id = c.id and k.type = 'complaint') as complaints
    from customers c
    left join lateral (
      select department_id, mode, origin, destination from shipments x
      where x.customer_id = c.id order by x.created_at desc limit 1
    ) s on true
    where c.merged_into_id is null
    order by c.created_at, c.id
    limit 400`)) as unknown as { rows?: DemoCustomerRow[] } | DemoCustomerRow[];
  const customers = (Array.isArray(customerRows) ? customerRows : (customerRows.rows ?? [])).map((c) => ({
    ...c,
    complaints: Number(c.complaints ?? 0),
  }));
  if (customers.length === 0) return null;

  const now = ctx.now();
  // The department that is weaker on information and tracking: the most common one.
  const departmentCounts = new Map<string, number>();
  for (const c of customers)
    if (c.department_id)
      departmentCounts.set(c.department_id, (departmentCounts.get(c.department_id) ?? 0) + 1);
  const weakDepartment = [...departmentCounts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const dropping = new Set(random.sample(customers, Math.min(3, customers.length)).map((c) => c.id));
  const customerEffect = new Map(customers.map((c) => [c.id, 0.45 * normal(random)]));

  const surveyRows: (typeof surveys.$inferInsert)[] = [];
  const waveRows: (typeof surveyWaves.$inferInsert)[] = [];
  const invitations: (typeof surveyInvitations.$inferInsert)[] = [];
  const responses: (typeof surveyResponses.$inferInsert)[] = [];
  const answers: (typeof surveyAnswers.$inferInsert)[] = [];
  const latestResponses: string[] = [];

  const addSurvey = (
    name: string,
    trigger: 'wave' | 'after_delivery',
    recurrenceMonths: number | null,
    classes: string[],
  ) => {
    const id = uuidv7();
    surveyRows.push({
      id,
      name,
      modelId,
      versionId: version.id,
      trigger,
      status: 'active',
      segment: trigger === 'wave' ? { valueClasses: classes } : {},
      recurrenceMonths,
      nextWaveAt: recurrenceMonths ? new Date(now.getTime() + 30 * DAY) : null,
      introZh: '感谢您抽出两分钟评价我们的服务。',
      introEn: 'Thank you for taking two minutes to rate our service.',
      createdAt: new Date(now.getTime() - 380 * DAY),
      updatedAt: new Date(now.getTime() - 380 * DAY),
    });
    return id;
  };
  const aSurvey = addSurvey('A 类客户半年度满意度测评', 'wave', 6, ['A']);
  const quarterly = addSurvey('季度客户满意度测评', 'wave', 3, ['B', 'C']);
  const delivery = addSurvey('交货后满意度回访', 'after_delivery', null, []);

  /** One invitation and, when answered, its response: `quarter` 0 is the oldest, 3 the latest. */
  const invite = (
    surveyId: string,
    waveId: string | null,
    customer: DemoCustomerRow,
    sentAt: Date,
    quarter: number,
    latest: boolean,
  ) => {
    const invitationId = uuidv7();
    const roll = random.next();
    const age = (now.getTime() - sentAt.getTime()) / DAY;
    const status = roll < 0.66 ? 'completed' : roll < 0.74 ? 'partial' : age > 30 ? 'expired' : 'sent';
    const lane =
      customer.origin && customer.destination ? `${customer.origin}-${customer.destination}` : null;
    const completedAt = new Date(sentAt.getTime() + (0.2 + random.next() * 6) * DAY);
    invitations.push({
      id: invitationId,
      surveyId,
      waveId,
      versionId: version.id,
      customerId: customer.id,
      contactId: customer.contact_id,
      tokenHash: randomBytes(32).toString('hex'),
      expiresAt: new Date(sentAt.getTime() + 30 * DAY),
      status,
      departmentId: customer.department_id,
      mode: customer.mode,
      lane,
      sentAt,
      openedAt: status === 'completed' || status === 'partial' ? completedAt : null,
      reminderCount: random.int(0, 2),
      completedAt: status === 'completed' ? completedAt : null,
      createdAt: sentAt,
    });
    if (status !== 'completed' && status !== 'partial') return;
    const responseId = uuidv7();
    // Latent model: a customer's level, the year's slight upward trend, complaints pulling down.
    const base =
      (customerEffect.get(customer.id) ?? 0) +
      0.12 * quarter -
      0.12 * Math.min(customer.complaints, 6) -
      (latest && dropping.has(customer.id) ? 2.2 : 0);
    const e = base + 0.8 * normal(random);
    const q = 0.4 * e + 0.6 * base + 0.6 * normal(random);
    const v = 0.25 * e + 0.55 * q + 0.55 * normal(random);
    const s = 0.1 * e + 0.5 * q + 0.35 * v + 0.4 * normal(random);
    const c = 0.7 * s + 0.55 * normal(random);
    const l = 0.5 * s + 0.3 * c + 0.55 * normal(random);
    const level: Record<string, number> = { expectation: e, quality: q, value: v, complaints: c, loyalty: l };
    const partial = status === 'partial';
    const given: { itemKey: string; score: number }[] = [];
    for (const leaf of leaves) {
      if (partial && random.chance(0.5)) continue;
      let mean = 3.9 + 0.55 * (level[leaf.key.split('.')[0]] ?? s);
      if (customer.department_id === weakDepartment && leaf.key.startsWith('quality.information.'))
        mean -= 0.8;
      const effective = Math.max(1, Math.min(5, Math.round(mean + 0.55 * normal(random))));
      given.push({ itemKey: leaf.key, score: leaf.reverse ? 6 - effective : effective });
    }
    const index = partial ? null : responseIndex(version.nodes, given);
    responses.push({
      id: responseId,
      invitationId,
      surveyId,
      modelId,
      versionId: version.id,
      customerId: customer.id,
      contactId: customer.contact_id,
      departmentId: customer.department_id,
      mode: customer.mode,
      lane,
      valueClass: customer.value_class,
      channel: random.chance(0.15) ? 'portal' : 'link',
      status: partial ? 'partial' : 'complete',
      responseIndex: index === null ? null : Math.round(index),
      comment:
        !partial && random.chance(0.1)
          ? random.pick(['服务很及时，谢谢。', '希望物流信息更新再快一些。', '价格可以再优惠些。'])
          : null,
      startedAt: completedAt,
      submittedAt: partial ? null : completedAt,
      updatedAt: completedAt,
    });
    for (const answer of given)
      answers.push({ responseId, itemKey: answer.itemKey, score: answer.score, answeredAt: completedAt });
    if (latest && !partial) latestResponses.push(responseId);
  };

  // Four quarterly waves (the oldest about a year ago); A-class customers in quarters 1 and 3.
  const waveNumbers = new Map<string, number>();
  for (let quarter = 0; quarter < 4; quarter++) {
    const startedAt = new Date(now.getTime() - (3 - quarter) * 91 * DAY - 20 * DAY);
    for (const surveyId of [aSurvey, quarterly]) {
      if (surveyId === aSurvey && quarter % 2 === 0) continue;
      const waveId = uuidv7();
      const number = (waveNumbers.get(surveyId) ?? 0) + 1;
      waveNumbers.set(surveyId, number);
      const classes = surveyId === aSurvey ? ['A'] : ['B', 'C'];
      waveRows.push({ id: waveId, surveyId, number, segment: { valueClasses: classes }, startedAt });
      for (const customer of customers) {
        const isA = customer.value_class === 'A';
        if ((surveyId === aSurvey) !== isA) continue;
        invite(
          surveyId,
          waveId,
          customer,
          new Date(startedAt.getTime() + random.int(0, 3600) * 1000),
          quarter,
          quarter === 3,
        );
      }
    }
    // After-delivery answers through the quarter, from a random fifth of the customers.
    for (const customer of random.sample(customers, Math.ceil(customers.length / 5))) {
      const sentAt = new Date(startedAt.getTime() + random.int(1, 80) * DAY);
      if (sentAt > now) continue;
      invite(delivery, null, customer, sentAt, quarter, false);
    }
  }

  let alerts = 0;
  await ctx.db.transaction(async (tx) => {
    await insertRowsJson(tx, surveys, surveyRows);
    await insertRowsJson(tx, surveyWaves, waveRows);
    await insertRowsJson(tx, surveyInvitations, invitations);
    await insertRowsJson(tx, surveyResponses, responses);
    await insertRowsJson(tx, surveyAnswers, answers);
    // The latest wave goes through the alert rules, so the alerts list shows silent dissatisfaction.
    const alertService = ctx.services.satisfactionAlerts as {
      onResponseCompleted?: (db: typeof tx, id: string) => Promise<unknown[]>;
    };
    if (typeof alertService.onResponseCompleted === 'function') {
      for (const id of latestResponses) {
        const raised = await alertService.onResponseCompleted.call(ctx.services.satisfactionAlerts, tx, id);
        alerts += Array.isArray(raised) ? raised.length : 0;
      }
    }
  });
  return {
    surveys: surveyRows.length,
    invitations: invitations.length,
    responses: responses.length,
    answers: answers.length,
    alerts,
    ms: Date.now() - started,
  };
}
