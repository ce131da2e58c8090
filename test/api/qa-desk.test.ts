import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryIds, openTicket, setDepartmentHead, ticketAction } from '../support/desk-factories.ts';
import {
  type CustomerRow,
  type Organisation,
  createCustomer,
  createOrganisation,
  portalUser,
} from '../support/factories.ts';
import { type Client, type Response, type TestApp, startTestApp } from '../support/harness.ts';

// Independent QA of issue 3 (service desk): bad input, access leaks, PGlite-safe transactions,
// races and state-machine holes, checked from the outside over HTTP.

let t: TestApp;
let org: Organisation;
let customer: CustomerRow;
let otherCustomer: CustomerRow;
let categories: Record<string, string>;
let portal: Client;
let otherPortal: Client;

const future = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
const cursorOf = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t);
  customer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '苏州精工电子',
  });
  otherCustomer = await createCustomer(t, {
    ownerId: org.agent.user.id,
    teamId: org.teamA.id,
    name: '无锡华光机械',
  });
  categories = await categoryIds(t);
  await setDepartmentHead(t, org.teamA.id, org.supervisor.user.id);
  await setDepartmentHead(t, org.centre.id, org.centreSupervisor.user.id);
  portal = await portalUser(t, customer.id);
  otherPortal = await portalUser(t, otherCustomer.id);
});
afterAll(async () => {
  await t?.close();
});

function newTicket(client: Client = org.agent, extra: Record<string, unknown> = {}) {
  return openTicket(client, { customerId: customer.id, categoryId: categories.damage, ...extra });
}

/** Problems: status in 4xx and a problem document. */
function isProblem(response: Response): boolean {
  return (
    response.status >= 400 &&
    response.status < 500 &&
    (response.headers.get('content-type') ?? '').includes('problem+json')
  );
}

async function collect(
  client: Client,
  attempts: Array<[string, string, unknown?, Record<string, string>?]>,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const [method, path, body, headers] of attempts) {
    const response = await client.request(method, path, body, headers ?? {});
    if (!isProblem(response))
      wrong.push(`${method} ${path.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 80)}: ${response.status}`);
  }
  return wrong;
}

describe('bad input on the service-desk endpoints answers a 4xx problem, never a 500', () => {
  it('forged cursors (valid base64 JSON with nonsense inside) on every list', async () => {
    const forged = [
      cursorOf(['+275760-09-13T00:00:00.000Z', randomUUID()]),
      cursorOf(['-271821-04-20T00:00:00.000Z', randomUUID()]),
      cursorOf(['0000-01-01T00:00:00.000Z', randomUUID()]),
      cursorOf([null, null]),
      cursorOf([{}, []]),
      cursorOf(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
      cursorOf([1e300]),
      cursorOf([-1]),
      cursorOf([1.5]),
      cursorOf(['x']),
      cursorOf('a string'),
      cursorOf({ a: 1 }),
      cursorOf(['2026-01-01T00:00:00.000Z', randomUUID(), 3]),
    ];
    const lists = [
      '/api/tickets?view=all',
      '/api/tickets?view=all&q=%E5%BB%B6%E8%AF%AF',
      '/api/tickets/repeats',
      '/api/work-orders',
      '/api/commitments',
      '/api/commitments/review',
      '/api/knowledge-articles',
      '/api/knowledge-articles?q=%E4%BB%B7%E6%A0%BC',
      '/api/notifications',
    ];
    const attempts: Array<[string, string]> = [];
    for (const list of lists)
      for (const cursor of forged)
        attempts.push(['GET', `${list}${list.includes('?') ? '&' : '?'}cursor=${cursor}`]);
    for (const cursor of forged) attempts.push(['GET', `/api/portal/tickets?cursor=${cursor}`]);
    const wrong = [
      ...(await collect(
        t.admin,
        attempts.filter(([, p]) => !p.startsWith('/api/portal')),
      )),
      ...(await collect(
        portal,
        attempts.filter(([, p]) => p.startsWith('/api/portal')),
      )),
    ];
    expect(wrong).toEqual([]);
  });

  it('bad query values: uuids, booleans, enums, numbers and dates', async () => {
    const attempts: Array<[string, string]> = [
      ['GET', '/api/tickets?customerId=not-a-uuid'],
      ['GET', '/api/tickets?view=everything'],
      ['GET', '/api/tickets?status=open,,closed'],
      ['GET', '/api/tickets?repeat=maybe'],
      ['GET', '/api/tickets?limit=-1'],
      ['GET', '/api/tickets?limit=1.5'],
      ['GET', '/api/tickets?q=%00'],
      ['GET', '/api/tickets?sla=late'],
      ['GET', '/api/work-orders?departmentId=x'],
      ['GET', '/api/work-orders?status=finished'],
      ['GET', '/api/work-orders?overdue=2'],
      ['GET', '/api/work-orders?ticketId=x'],
      ['GET', '/api/commitments?customerId=x'],
      ['GET', '/api/commitments?status=forgotten'],
      ['GET', '/api/commitments?approval=x'],
      ['GET', '/api/service-desk/measures?from=0000-01-01'],
      ['GET', '/api/service-desk/measures?from=2026-02-30'],
      ['GET', '/api/service-desk/measures?to=2026-13-01'],
      ['GET', '/api/service-desk/measures?from=2026-05-01&to=2026-01-01'],
      ['GET', '/api/service-desk/measures?from=1000-01-01&to=9999-12-31'],
      ['GET', '/api/service-desk/measures?from=2026-01-01T25:00Z'],
      ['GET', '/api/service-desk/measures?groupBy=weather'],
      ['GET', '/api/service-desk/measures?period=year'],
      ['GET', '/api/service-desk/measures?departmentId=x'],
      ['GET', '/api/knowledge-articles?q=%00'],
      ['GET', `/api/knowledge-articles?q=${'%E5%AD%97'.repeat(500)}`],
      ['GET', '/api/notifications?unread=perhaps'],
      ['GET', '/api/ticket-categories?all=sometimes'],
    ];
    expect(await collect(t.admin, attempts)).toEqual([]);
  });

  it('NUL characters, impossible dates, enormous numbers and empty values in bodies', async () => {
    const ticket = await newTicket();
    const id = ticket.id;
    const nul = 'a\u0000b';
    const v = { 'If-Match': `"${ticket.version}"` };
    const attempts: Array<[string, string, unknown?, Record<string, string>?]> = [
      [
        'POST',
        '/api/tickets',
        {
          type: 'complaint',
          channel: 'phone',
          customerId: customer.id,
          categoryId: categories.damage,
          severity: 'normal',
          subject: nul,
          customerWords: 'x',
        },
      ],
      [
        'POST',
        '/api/tickets',
        {
          type: 'complaint',
          channel: 'phone',
          customerId: customer.id,
          categoryId: categories.damage,
          severity: 'normal',
          subject: 's',
          customerWords: 'x',
          receivedAt: '2026-02-30T10:00:00Z',
        },
      ],
      [
        'POST',
        '/api/tickets',
        {
          type: 'complaint',
          channel: 'phone',
          customerId: customer.id,
          categoryId: categories.damage,
          severity: 'normal',
          subject: 's',
          customerWords: 'x',
          receivedAt: '0000-01-01T00:00:00Z',
        },
      ],
      [
        'POST',
        '/api/tickets',
        {
          type: 'complaint',
          channel: 'phone',
          customerId: customer.id,
          categoryId: categories.damage,
          severity: 'normal',
          subject: 's',
          customerWords: 'x',
          receivedAt: '9999-12-31T23:59:59Z',
        },
      ],
      [
        'POST',
        '/api/tickets',
        {
          type: 'grumble',
          channel: 'phone',
          customerId: customer.id,
          categoryId: categories.damage,
          severity: 'normal',
          subject: 's',
          customerWords: 'x',
        },
      ],
      [
        'POST',
        '/api/tickets',
        {
          type: 'complaint',
          channel: 'phone',
          customerId: randomUUID(),
          categoryId: categories.damage,
          severity: 'normal',
          subject: 's',
          customerWords: 'x',
        },
      ],
      [
        'POST',
        '/api/tickets',
        {
          type: 'complaint',
          channel: 'phone',
          customerId: customer.id,
          categoryId: randomUUID(),
          severity: 'normal',
          subject: 's',
          customerWords: 'x',
        },
      ],
      [
        'POST',
        '/api/tickets',
        {
          type: 'complaint',
          channel: 'phone',
          customerId: customer.id,
          categoryId: categories.damage,
          severity: 'normal',
          subject: '   ',
          customerWords: '   ',
        },
      ],
      ['PATCH', `/api/tickets/${id}`, { measures: nul }, v],
      ['PATCH', `/api/tickets/${id}`, { responsibleDepartmentId: randomUUID() }, v],
      ['PATCH', `/api/tickets/${id}`, { responsibleUserId: randomUUID() }, v],
      ['PATCH', `/api/tickets/${id}`, { contactId: randomUUID() }, v],
      ['PATCH', `/api/tickets/${id}`, { categoryId: randomUUID() }, v],
      ['PATCH', `/api/tickets/${id}`, { rootCause: 'weather' }, v],
      ['PATCH', `/api/tickets/${id}`, { measures: 'x' }, { 'If-Match': 'garbage' }],
      ['PATCH', `/api/tickets/${id}`, { measures: 'x' }, { 'If-Match': '"-1"' }],
      ['PATCH', `/api/tickets/${id}`, { measures: 'x' }, { 'If-Match': '"99999999999999999999999"' }],
      ['PATCH', `/api/tickets/${id}`, { measures: 'x' }, { 'If-Match': '*' }],
      ['PATCH', `/api/tickets/${id}`, { measures: 'x' }, { 'If-Match': '"0"' }],
      ['PATCH', `/api/tickets/${id}`, { measures: 'x', version: 0 }],
      ['PATCH', `/api/tickets/${id}`, { measures: 'x', version: 1e20 }],
      ['PATCH', `/api/tickets/${id}`, { measures: 'x' }],
      ['POST', `/api/tickets/${id}/messages`, { kind: 'reply', body: nul }],
      ['POST', `/api/tickets/${id}/messages`, { kind: 'reply', body: '   ' }],
      ['POST', `/api/tickets/${id}/messages`, { kind: 'system', body: 'x' }],
      ['POST', `/api/tickets/${id}/messages`, { kind: 'reply', body: 'x', templateId: randomUUID() }],
      ['POST', `/api/tickets/${id}/transfer`, { toUserId: randomUUID(), reason: 'x' }],
      ['POST', `/api/tickets/${id}/transfer`, { toUserId: portal.user.id, reason: 'x' }],
      ['POST', `/api/tickets/${id}/transfer`, { toUserId: org.teammate.user.id, reason: nul }],
      ['POST', `/api/tickets/${id}/wait`, { reason: nul }],
      ['POST', `/api/tickets/${id}/wait`, { reason: 'x' }, { 'If-Match': 'nope' }],
      ['POST', `/api/tickets/${id}/close`, {}],
      ['POST', `/api/tickets/${id}/close`, { customerConfirmed: false, reason: '  ' }],
      [
        'POST',
        `/api/tickets/${id}/escalations`,
        {
          kind: 'time',
          reason: 'x',
          toUserId: org.centreSupervisor.user.id,
          scheduledAt: '2026-02-30T10:00:00Z',
        },
      ],
      [
        'POST',
        `/api/tickets/${id}/escalations`,
        {
          kind: 'time',
          reason: 'x',
          toUserId: org.centreSupervisor.user.id,
          scheduledAt: '0000-01-01T00:00:00Z',
        },
      ],
      [
        'POST',
        `/api/tickets/${id}/escalations`,
        {
          kind: 'time',
          reason: 'x',
          toUserId: org.centreSupervisor.user.id,
          scheduledAt: '+275760-09-13T00:00:00Z',
        },
      ],
      [
        'POST',
        `/api/tickets/${id}/escalations`,
        { kind: 'place', reason: 'x', place: '客户办公室', scheduledAt: '0000-01-01T00:00:00Z' },
      ],
      [
        'POST',
        `/api/tickets/${id}/escalations`,
        { kind: 'place', reason: 'x', place: '客户办公室', scheduledAt: '2026-02-30T10:00:00Z' },
      ],
      ['POST', `/api/tickets/${id}/escalations`, { kind: 'place', reason: 'x', place: nul }],
      ['POST', `/api/tickets/${id}/escalations`, { kind: 'place', reason: 'x', place: '  ', attendees: [] }],
      ['POST', `/api/tickets/${id}/escalations`, { kind: 'person', reason: 'x', toUserId: randomUUID() }],
      ['POST', `/api/tickets/${id}/escalations`, { kind: 'sideways', reason: 'x' }],
      [
        'POST',
        `/api/tickets/${id}/work-orders`,
        { departmentId: org.airExport.id, dueAt: '0000-01-01T00:00:00Z', instructions: 'x' },
      ],
      [
        'POST',
        `/api/tickets/${id}/work-orders`,
        { departmentId: org.airExport.id, dueAt: '2026-02-30T10:00:00Z', instructions: 'x' },
      ],
      [
        'POST',
        `/api/tickets/${id}/work-orders`,
        { departmentId: org.airExport.id, dueAt: '+275760-09-13T00:00:00Z', instructions: 'x' },
      ],
      [
        'POST',
        `/api/tickets/${id}/work-orders`,
        { departmentId: org.airExport.id, dueAt: future(5), instructions: nul },
      ],
      [
        'POST',
        `/api/tickets/${id}/work-orders`,
        { departmentId: randomUUID(), dueAt: future(5), instructions: 'x' },
      ],
      ['POST', '/api/commitments', { customerId: customer.id, promise: 'x', dueAt: '0000-01-01T00:00:00Z' }],
      ['POST', '/api/commitments', { customerId: customer.id, promise: 'x', dueAt: '2026-02-30T00:00:00Z' }],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, promise: 'x', dueAt: '+275760-09-13T00:00:00Z' },
      ],
      ['POST', '/api/commitments', { customerId: customer.id, promise: nul, dueAt: future(48) }],
      ['POST', '/api/commitments', { customerId: customer.id, promise: 'x', dueAt: future(48), amount: -1 }],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, promise: 'x', dueAt: future(48), amount: 1e300 },
      ],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, promise: 'x', dueAt: future(48), amount: 'NaN' },
      ],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, promise: 'x', dueAt: future(48), ticketId: randomUUID() },
      ],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, promise: 'x', dueAt: future(48), contactId: randomUUID() },
      ],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, promise: 'x', dueAt: future(48), madeById: randomUUID() },
      ],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, promise: 'x', dueAt: future(48), madeById: portal.user.id },
      ],
      ['POST', '/api/commitments', { customerId: randomUUID(), promise: 'x', dueAt: future(48) }],
      ['POST', '/api/sla-policies', { name: 'x', firstResponseMinutes: -5, resolutionMinutes: 10 }],
      ['POST', '/api/sla-policies', { name: 'x', firstResponseMinutes: 1e12, resolutionMinutes: 10 }],
      ['POST', '/api/sla-policies', { name: nul, firstResponseMinutes: 10, resolutionMinutes: 20 }],
      [
        'POST',
        '/api/sla-policies',
        { name: 'x', firstResponseMinutes: 10, resolutionMinutes: 20, warningFraction: 2 },
      ],
      ['PUT', '/api/sla-calendar', { timeZone: 'Mars/Olympus' }],
      ['PUT', '/api/sla-calendar', {}],
      ['PUT', '/api/service-desk/settings', { 'tickets.reopenWindowDays': -1 }],
      ['PUT', '/api/service-desk/settings', { 'tickets.reopenWindowDays': 1e9 }],
      ['PUT', '/api/service-desk/settings', { 'commitments.approvalThreshold': 'lots' }],
      ['POST', '/api/ticket-categories', { code: nul, name: 'x' }],
      ['POST', '/api/ticket-categories', { code: 'damage', name: '重复的' }],
      ['POST', '/api/ticket-categories', { code: 'x', name: 'y', sortOrder: 1e9 }],
      ['POST', '/api/response-templates', { name: nul, body: 'x' }],
      ['POST', '/api/response-templates', { name: 'x', body: '{{ticket.nonexistent}} {{' }],
      ['POST', '/api/response-templates', { name: 'x', body: 'x', categoryId: randomUUID() }],
      ['POST', '/api/knowledge-articles', { title: nul, body: 'x' }],
      ['POST', '/api/knowledge-articles', { title: 'x', body: 'y', tags: [], topic: 'weather' }],
      ['POST', `/api/knowledge-articles/${randomUUID()}/use`, { ticketId: randomUUID() }],
      ['POST', `/api/response-templates/${randomUUID()}/render`, { ticketId: id }],
      ['POST', '/api/notifications/read', { ids: ['x'] }],
      ['POST', '/api/notifications/read', { ids: Array.from({ length: 5000 }, () => randomUUID()) }],
    ];
    const wrong = await collect(
      org.agent,
      attempts.filter(
        ([m, p]) =>
          p.startsWith('/api/tickets') ||
          p.startsWith('/api/commitments') ||
          p.startsWith('/api/notifications') ||
          (m === 'POST' && p.includes('/use')),
      ),
    );
    const adminWrong = await collect(
      t.admin,
      attempts.filter(
        ([m, p]) =>
          !(
            p.startsWith('/api/tickets') ||
            p.startsWith('/api/commitments') ||
            p.startsWith('/api/notifications') ||
            (m === 'POST' && p.includes('/use'))
          ),
      ),
    );
    expect([...wrong, ...adminWrong]).toEqual([]);
  });
});

describe('access: nothing internal reaches a portal user, other departments or other agents', () => {
  const SECRETS = {
    note: 'QA内部备注-甲一',
    measures: 'QA整改措施-乙二',
    instructions: 'QA派单说明-丙三',
    workNote: 'QA派单备注-丁四',
    place: 'QA换地地点-戊五',
    promise: 'QA承诺内容-己六',
    transfer: 'QA转交原因-庚七',
    wait: 'QA等待原因-辛八',
    person: 'QA责任人-壬九',
  };
  let ticket: any;
  let order: any;
  let commitment: any;

  beforeAll(async () => {
    ticket = await newTicket(org.agent, { subject: '破损投诉（访问测试）' });
    const note = await org.agent.post(`/api/tickets/${ticket.id}/messages`, {
      kind: 'note',
      body: SECRETS.note,
    });
    expect(note.status).toBe(201);
    const card = await org.agent.patch(
      `/api/tickets/${ticket.id}`,
      { rootCause: 'people', measures: SECRETS.measures, responsiblePerson: SECRETS.person },
      { 'If-Match': `"${(await org.agent.get(`/api/tickets/${ticket.id}`)).body.version}"` },
    );
    expect(card.status, JSON.stringify(card.body)).toBe(200);
    const dispatched = await org.agent.post(`/api/tickets/${ticket.id}/work-orders`, {
      departmentId: org.airExport.id,
      dueAt: future(24),
      instructions: SECRETS.instructions,
    });
    expect(dispatched.status).toBe(201);
    order = dispatched.body;
    expect(
      (await org.operations.post(`/api/work-orders/${order.id}/notes`, { body: SECRETS.workNote })).status,
    ).toBe(201);
    const step = await org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
      kind: 'place',
      reason: '客户要求当面沟通',
      place: SECRETS.place,
    });
    expect(step.status, JSON.stringify(step.body)).toBe(201);
    const promised = await org.agent.post('/api/commitments', {
      customerId: customer.id,
      ticketId: ticket.id,
      promise: SECRETS.promise,
      dueAt: future(72),
    });
    expect(promised.status, JSON.stringify(promised.body)).toBe(201);
    commitment = promised.body;
    await ticketAction(org.agent, ticket.id, 'wait', { reason: SECRETS.wait });
    await ticketAction(org.agent, ticket.id, 'resume');
    await ticketAction(org.agent, ticket.id, 'transfer', {
      toUserId: org.teammate.user.id,
      reason: SECRETS.transfer,
    });
  });

  const leaks = (body: unknown) => {
    const text = JSON.stringify(body ?? '');
    return Object.values(SECRETS).filter((secret) => text.includes(secret));
  };

  function readPaths(): string[] {
    const id = ticket.id;
    return [
      `/api/tickets/${id}`,
      `/api/tickets/${id}/messages`,
      `/api/tickets/${id}/ownership`,
      `/api/tickets/${id}/sla`,
      `/api/tickets/${id}/escalations`,
      `/api/tickets/${id}/escalation-targets`,
      `/api/tickets/${id}/work-orders`,
      `/api/tickets/${id}/suggestions`,
      '/api/tickets?view=all',
      '/api/tickets/repeats',
      `/api/work-orders/${order.id}`,
      `/api/work-orders/${order.id}/notes`,
      '/api/work-orders',
      `/api/commitments/${commitment.id}`,
      '/api/commitments',
      '/api/commitments/review',
      `/api/customers/${customer.id}/timeline?limit=200`,
      `/api/customers/${customer.id}/follow-ups`,
      `/api/customers/${customer.id}/interactions`,
      '/api/service-desk/measures?groupBy=customer',
      '/api/notifications',
      `/api/portal/tickets/${id}`,
      '/api/portal/tickets',
      `/api/audit?entityType=ticket&entityId=${id}`,
    ];
  }

  it('the own company’s portal user reads its ticket but no note, card field, work order, step, promise or reason', async () => {
    const found: string[] = [];
    for (const path of readPaths()) {
      const response = await portal.get(path);
      if (response.status >= 500) found.push(`${path}: ${response.status}`);
      const leaked = leaks(response.body);
      if (leaked.length) found.push(`${path}: ${response.status} ${leaked.join(', ')}`);
    }
    expect(found).toEqual([]);
    const own = await portal.get(`/api/portal/tickets/${ticket.id}`);
    expect(own.status).toBe(200);
    expect(own.body.messages.every((m: any) => m.kind === 'reply' || m.kind === 'customer')).toBe(true);
  });

  it('another company’s portal user gets 404 for the ticket everywhere, and cannot write to it', async () => {
    const found: string[] = [];
    for (const path of readPaths()) {
      const response = await otherPortal.get(path);
      if (response.status >= 500 || leaks(response.body).length) found.push(`${path}: ${response.status}`);
      // 404, or the same refusal a made-up id gets (the endpoint is closed to portal users).
      if (path.includes(ticket.id) && response.status !== 404) {
        const unknown = await otherPortal.get(path.replace(ticket.id, randomUUID()));
        if (response.status !== unknown.status || response.status !== 403)
          found.push(`${path}: ${response.status}`);
      }
    }
    const writes: Array<[string, unknown]> = [
      [`/api/portal/tickets/${ticket.id}/messages`, { body: '我来插一句' }],
      [`/api/portal/tickets/${ticket.id}/confirm`, { accepted: true }],
      [`/api/tickets/${ticket.id}/messages`, { kind: 'note', body: 'x' }],
      [`/api/tickets/${ticket.id}/take`, {}],
      [`/api/tickets/${ticket.id}/escalations`, { kind: 'place', reason: 'x', place: 'y' }],
      [
        `/api/tickets/${ticket.id}/work-orders`,
        { departmentId: org.airExport.id, dueAt: future(5), instructions: 'x' },
      ],
      [`/api/work-orders/${order.id}/notes`, { body: 'x' }],
      [`/api/commitments/${commitment.id}/outcome`, { status: 'kept' }],
    ];
    for (const [path, body] of writes) {
      const response = await otherPortal.post(path, body);
      if (![403, 404].includes(response.status)) found.push(`POST ${path}: ${response.status}`);
    }
    expect(found).toEqual([]);
  });

  it('an operations user of another department sees none of the work order', async () => {
    const other = org.otherOperations;
    const found: string[] = [];
    for (const path of [`/api/work-orders/${order.id}`, `/api/work-orders/${order.id}/notes`]) {
      const response = await other.get(path);
      if (response.status !== 404) found.push(`${path}: ${response.status}`);
    }
    const queue = await other.get('/api/work-orders');
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((w: any) => w.id)).not.toContain(order.id);
    const forced = await other.get(`/api/work-orders?departmentId=${org.airExport.id}`);
    expect(forced.status).toBe(403);
    const onTicket = await other.get(`/api/tickets/${ticket.id}/work-orders`);
    expect(onTicket.status).toBe(200);
    expect(onTicket.body.items).toEqual([]);
    for (const action of ['accept', 'complete', 'cancel']) {
      const body = action === 'accept' ? {} : action === 'complete' ? { result: 'x' } : { reason: 'x' };
      const response = await other.post(`/api/work-orders/${order.id}/${action}`, body);
      if (![403, 404].includes(response.status)) found.push(`${action}: ${response.status}`);
    }
    const note = await other.post(`/api/work-orders/${order.id}/notes`, { body: 'x' });
    if (![403, 404].includes(note.status)) found.push(`note: ${note.status}`);
    expect(found).toEqual([]);
    expect((await org.operations.get(`/api/work-orders/${order.id}`)).body.status).toBe('pending');
  });

  it('an agent who does not own the ticket cannot work it (notes stay open to all staff)', async () => {
    const fresh = await newTicket(org.agent);
    const stranger = org.otherAgent;
    const v = { 'If-Match': `"${fresh.version}"` };
    const attempts: Array<[string, string, unknown, Record<string, string>?]> = [
      ['PATCH', `/api/tickets/${fresh.id}`, { measures: 'x' }, v],
      ['POST', `/api/tickets/${fresh.id}/messages`, { kind: 'reply', body: '您好' }],
      ['POST', `/api/tickets/${fresh.id}/take`, {}],
      ['POST', `/api/tickets/${fresh.id}/transfer`, { toUserId: stranger.user.id, reason: '我要' }],
      ['POST', `/api/tickets/${fresh.id}/wait`, { reason: 'x' }],
      ['POST', `/api/tickets/${fresh.id}/resolve`, { resolution: 'x' }],
      ['POST', `/api/tickets/${fresh.id}/close`, { reason: 'x' }],
      ['POST', `/api/tickets/${fresh.id}/escalations`, { kind: 'place', reason: 'x', place: 'y' }],
      [
        'POST',
        `/api/tickets/${fresh.id}/work-orders`,
        { departmentId: org.airExport.id, dueAt: future(5), instructions: 'x' },
      ],
    ];
    const wrong: string[] = [];
    for (const [method, path, body, headers] of attempts) {
      const response = await stranger.request(method, path, body, headers ?? {});
      if (response.status !== 403) wrong.push(`${method} ${path}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
    const after = await org.agent.get(`/api/tickets/${fresh.id}`);
    expect(after.body.version).toBe(fresh.version);
    expect(after.body.ownerId).toBe(org.agent.user.id);
    expect(after.body.status).toBe(fresh.status);
  });

  it('admin-only settings refuse supervisors and agents', async () => {
    const policies = (await t.admin.get('/api/sla-policies')).body;
    const policyId = (Array.isArray(policies) ? policies : policies.items)[0].id;
    const attempts: Array<[string, string, unknown]> = [
      ['POST', '/api/ticket-categories', { code: 'qax', name: 'QA' }],
      ['PATCH', `/api/ticket-categories/${categories.other}`, { name: '改名' }],
      ['POST', '/api/sla-policies', { name: 'QA', firstResponseMinutes: 10, resolutionMinutes: 20 }],
      ['PATCH', `/api/sla-policies/${policyId}`, { name: '改名' }],
      ['DELETE', `/api/sla-policies/${policyId}`, undefined],
      ['PUT', '/api/sla-calendar', (await t.admin.get('/api/sla-calendar')).body],
      ['PUT', '/api/service-desk/settings', { 'tickets.reopenWindowDays': 1 }],
      ['POST', '/api/response-templates', { kind: 'apology', title: 'QA', body: '您好' }],
    ];
    const wrong: string[] = [];
    for (const client of [org.supervisor, org.agent, org.operations, portal]) {
      for (const [method, path, body] of attempts) {
        const response = await client.request(
          method,
          path,
          body,
          method === 'GET' ? {} : { 'If-Match': '"1"' },
        );
        if (![403, 404].includes(response.status))
          wrong.push(`${client.user.role} ${method} ${path}: ${response.status}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('races: of two simultaneous changes exactly one wins', () => {
  const statuses = (responses: Response[]) => responses.map((r) => r.status).sort();

  it('two agents take the same new portal request', async () => {
    const filed = await portal.post('/api/portal/tickets', {
      type: 'complaint',
      categoryId: categories.delay,
      subject: '门户投诉（并发受理）',
      customerWords: '货物晚到两天。',
    });
    expect(filed.status).toBe(201);
    const results = await Promise.all([
      org.agent.post(`/api/tickets/${filed.body.id}/take`, {}),
      org.teammate.post(`/api/tickets/${filed.body.id}/take`, {}),
    ]);
    // The loser reads either the owned ticket (403: it has an owner now) or loses under the lock (409).
    expect(statuses(results)[0]).toBe(200);
    expect([403, 409]).toContain(statuses(results)[1]);
    const winner = results.find((r) => r.status === 200)!.body.ownerId;
    const history = await org.agent.get(`/api/tickets/${filed.body.id}/ownership`);
    expect(history.body.map((h: any) => h.toUserId)).toEqual([winner]);
  });

  it('the owner sends the same ticket to two colleagues at once (a double click in two tabs)', async () => {
    const ticket = await newTicket(org.agent);
    const results = await Promise.all([
      org.agent.post(`/api/tickets/${ticket.id}/transfer`, {
        toUserId: org.teammate.user.id,
        reason: '我休假',
      }),
      org.agent.post(`/api/tickets/${ticket.id}/transfer`, {
        toUserId: org.otherAgent.user.id,
        reason: '我休假',
      }),
    ]);
    // The second no longer comes from the owner: 409 under the lock, or 403 when read after.
    expect(statuses(results)[0]).toBe(200);
    expect([403, 409]).toContain(statuses(results)[1]);
    const history = await org.agent.get(`/api/tickets/${ticket.id}/ownership`);
    expect(history.body.filter((h: any) => h.kind === 'transfer')).toHaveLength(1);
  });

  it('two closes of the same ticket', async () => {
    const ticket = await newTicket(org.agent);
    const results = await Promise.all([
      org.agent.post(`/api/tickets/${ticket.id}/close`, { reason: '客户电话确认' }),
      org.supervisor.post(`/api/tickets/${ticket.id}/close`, { reason: '主管关闭' }),
    ]);
    expect(statuses(results)).toEqual([200, 409]);
    const messages = (await org.agent.get(`/api/tickets/${ticket.id}/messages`)).body;
    expect(messages.filter((m: any) => m.kind === 'system' && m.body.includes('关闭'))).toHaveLength(1);
  });

  it('two operations colleagues accept the same work order', async () => {
    const ticket = await newTicket(org.agent);
    const colleague = await t.userClient('operations', { departmentId: org.airExport.id, name: '空出二号' });
    const order = (
      await org.agent.post(`/api/tickets/${ticket.id}/work-orders`, {
        departmentId: org.airExport.id,
        dueAt: future(8),
        instructions: '核查破损',
      })
    ).body;
    const results = await Promise.all([
      org.operations.post(`/api/work-orders/${order.id}/accept`, {}),
      colleague.post(`/api/work-orders/${order.id}/accept`, {}),
    ]);
    expect(statuses(results)).toEqual([200, 409]);
  });

  it('two saves of the complaint card from the same version: the second is 409 and nothing is lost', async () => {
    const ticket = await newTicket(org.agent);
    const v = { 'If-Match': `"${ticket.version}"` };
    const results = await Promise.all([
      org.agent.patch(`/api/tickets/${ticket.id}`, { measures: '措施甲' }, v),
      org.supervisor.patch(`/api/tickets/${ticket.id}`, { verification: '回访乙' }, v),
    ]);
    expect(statuses(results)).toEqual([200, 409]);
    const after = (await org.agent.get(`/api/tickets/${ticket.id}`)).body;
    expect(after.version).toBe(ticket.version + 1);
    const won = results.find((r) => r.status === 200)!.body;
    expect([after.measures, after.verification]).toEqual([won.measures, won.verification]);
  });

  it('a reply racing a close never lands on the closed ticket unseen', async () => {
    const ticket = await newTicket(org.agent);
    const [close, reply] = await Promise.all([
      org.agent.post(`/api/tickets/${ticket.id}/close`, { reason: '已处理' }),
      org.agent.post(`/api/tickets/${ticket.id}/messages`, { kind: 'reply', body: '同时的回复' }),
    ]);
    expect(close.status).toBe(200);
    const messages = (await org.agent.get(`/api/tickets/${ticket.id}/messages`)).body;
    const closedAt = messages.findIndex((m: any) => m.kind === 'system' && m.body.includes('关闭'));
    const replied = messages.findIndex((m: any) => m.body === '同时的回复');
    // Either the reply came first, or it was refused.
    if (reply.status === 201) expect(replied).toBeLessThan(closedAt);
    else expect(reply.status).toBe(409);
  });
});

describe('state machine: actions out of order are 409, not silently applied', () => {
  it('refuses replies, work orders and escalations on a closed ticket, and a reopen past the window', async () => {
    const ticket = await newTicket(org.agent);
    await ticketAction(org.agent, ticket.id, 'close', { reason: '客户已无需处理' });
    const attempts: Array<[string, unknown]> = [
      [`/api/tickets/${ticket.id}/messages`, { kind: 'reply', body: '还在吗' }],
      [
        `/api/tickets/${ticket.id}/work-orders`,
        { departmentId: org.airExport.id, dueAt: future(5), instructions: 'x' },
      ],
      [`/api/tickets/${ticket.id}/escalations`, { kind: 'place', reason: 'x', place: '客户处' }],
      [`/api/tickets/${ticket.id}/escalations`, { kind: 'person', reason: 'x' }],
      [`/api/tickets/${ticket.id}/wait`, { reason: 'x' }],
      [`/api/tickets/${ticket.id}/resolve`, { resolution: 'x' }],
      [`/api/tickets/${ticket.id}/close`, { reason: 'again' }],
      [`/api/tickets/${ticket.id}/transfer`, { toUserId: org.teammate.user.id, reason: 'x' }],
    ];
    const wrong: string[] = [];
    for (const [path, body] of attempts) {
      const response = await org.agent.post(path, body);
      if (response.status !== 409) wrong.push(`${path}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
    expect((await portal.post(`/api/portal/tickets/${ticket.id}/confirm`, { accepted: true })).status).toBe(
      409,
    );
    expect((await portal.post(`/api/portal/tickets/${ticket.id}/messages`, { body: '补充' })).status).toBe(
      409,
    );

    const { tickets } = await import('../../src/modules/tickets/tables.ts');
    const { eq } = await import('drizzle-orm');
    await t.ctx.db
      .update(tickets)
      .set({ closedAt: new Date(Date.now() - 400 * 86_400_000) })
      .where(eq(tickets.id, ticket.id));
    const late = await org.agent.post(`/api/tickets/${ticket.id}/reopen`, { reason: '客户又来电' });
    expect(late.status).toBe(409);
    expect((await org.agent.get(`/api/tickets/${ticket.id}`)).body.status).toBe('closed');
  });

  it('refuses closing, resolving and replying on a new (untaken) request, and confirming an unresolved one', async () => {
    const filed = await portal.post('/api/portal/tickets', {
      type: 'inquiry',
      categoryId: categories.information,
      subject: '门户咨询（状态测试）',
      customerWords: '请问清关要多久？',
    });
    expect(filed.status).toBe(201);
    const id = filed.body.id;
    expect((await t.admin.post(`/api/tickets/${id}/close`, { reason: 'x' })).status).toBe(409);
    expect((await t.admin.post(`/api/tickets/${id}/resolve`, { resolution: 'x' })).status).toBe(409);
    expect((await t.admin.post(`/api/tickets/${id}/messages`, { kind: 'reply', body: 'x' })).status).toBe(
      409,
    );
    expect((await portal.post(`/api/portal/tickets/${id}/confirm`, { accepted: true })).status).toBe(409);
    expect((await org.agent.get(`/api/tickets/${id}`)).body.status).toBe('new');
  });

  it('resolving while waiting on the customer keeps the SLA clock stopped; the portal rejection starts it again', async () => {
    const ticket = await newTicket(org.agent);
    await ticketAction(org.agent, ticket.id, 'wait', { reason: '等客户提供照片' });
    await ticketAction(org.agent, ticket.id, 'resolve', { resolution: '补发一台新设备' });
    expect((await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body.paused).toBe(true);
    expect(
      (await portal.post(`/api/portal/tickets/${ticket.id}/confirm`, { accepted: false, comment: '不行' }))
        .status,
    ).toBe(200);
    const after = await org.agent.get(`/api/tickets/${ticket.id}`);
    expect(after.body.status).toBe('open');
    expect((await org.agent.get(`/api/tickets/${ticket.id}/sla`)).body.paused).toBe(false);
  });

  it('work orders: no complete after cancel, no accept after done', async () => {
    const ticket = await newTicket(org.agent);
    const dispatch = () =>
      org.agent.post(`/api/tickets/${ticket.id}/work-orders`, {
        departmentId: org.airExport.id,
        dueAt: future(8),
        instructions: '核查',
      });
    const first = (await dispatch()).body;
    expect((await org.agent.post(`/api/work-orders/${first.id}/cancel`, { reason: '不需要了' })).status).toBe(
      200,
    );
    expect((await org.operations.post(`/api/work-orders/${first.id}/complete`, { result: 'x' })).status).toBe(
      409,
    );
    expect((await org.operations.post(`/api/work-orders/${first.id}/accept`, {})).status).toBe(409);
    expect((await org.operations.post(`/api/work-orders/${first.id}/notes`, { body: 'x' })).status).toBe(409);
    const second = (await dispatch()).body;
    expect(
      (await org.operations.post(`/api/work-orders/${second.id}/complete`, { result: '已核查' })).status,
    ).toBe(200);
    expect((await org.operations.post(`/api/work-orders/${second.id}/accept`, {})).status).toBe(409);
    expect((await org.agent.post(`/api/work-orders/${second.id}/cancel`, { reason: 'x' })).status).toBe(409);
  });

  it('a promise awaiting approval gets no outcome', async () => {
    const promised = await org.agent.post('/api/commitments', {
      customerId: customer.id,
      promise: '赔偿全部货值',
      dueAt: future(48),
      exceedsBottomLine: true,
    });
    expect(promised.status, JSON.stringify(promised.body)).toBe(201);
    expect(promised.body.approvalStatus).toBe('pending');
    const outcome = await org.agent.post(`/api/commitments/${promised.body.id}/outcome`, { status: 'kept' });
    expect(outcome.status).toBe(409);
    expect((await org.agent.get(`/api/commitments/${promised.body.id}`)).body.status).toBe('open');
  });
});

describe('references to another customer’s records, and calendars that cannot work', () => {
  it('refuses a contact, ticket or commitment link that belongs to another customer', async () => {
    const strangerContact = await org.agent.post(`/api/customers/${otherCustomer.id}/contacts`, {
      name: '别家联系人',
    });
    expect(strangerContact.status).toBe(201);
    const strangerTicket = await openTicket(org.agent, {
      customerId: otherCustomer.id,
      categoryId: categories.delay,
    });
    const ticket = await newTicket(org.agent);
    const attempts: Array<[string, string, unknown, Record<string, string>?]> = [
      [
        'POST',
        '/api/tickets',
        {
          type: 'complaint',
          channel: 'phone',
          customerId: customer.id,
          contactId: strangerContact.body.id,
          categoryId: categories.damage,
          severity: 'normal',
          subject: 's',
          customerWords: 'w',
        },
      ],
      [
        'PATCH',
        `/api/tickets/${ticket.id}`,
        { contactId: strangerContact.body.id },
        { 'If-Match': `"${ticket.version}"` },
      ],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, contactId: strangerContact.body.id, promise: 'x', dueAt: future(48) },
      ],
      [
        'POST',
        '/api/commitments',
        { customerId: customer.id, ticketId: strangerTicket.id, promise: 'x', dueAt: future(48) },
      ],
    ];
    const wrong: string[] = [];
    for (const [method, path, body, headers] of attempts) {
      const response = await org.agent.request(method, path, body, headers ?? {});
      if (response.status !== 422)
        wrong.push(`${method} ${path} ${JSON.stringify(body).slice(0, 60)}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers impossible business calendars with 422 and keeps the old one', async () => {
    const before = (await t.admin.get('/api/sla-calendar')).body;
    const bad = [
      { ...before, timeZone: 'Mars/Olympus' },
      { ...before, weeklyHours: { ...before.weeklyHours, mon: [{ start: '18:00', end: '09:00' }] } },
      { ...before, weeklyHours: { ...before.weeklyHours, mon: [{ start: '25:00', end: '26:00' }] } },
      {
        ...before,
        weeklyHours: {
          ...before.weeklyHours,
          mon: [
            { start: '09:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        },
      },
      { ...before, weeklyHours: {}, holidays: before.holidays ?? [] },
      { ...before, holidays: [{ date: '2026-02-30', name: '不存在' }] },
      { ...before, holidays: [{ date: '0000-01-01', name: '零年' }] },
    ];
    const wrong: string[] = [];
    for (const calendar of bad) {
      const response = await t.admin.put('/api/sla-calendar', calendar);
      if (![400, 422].includes(response.status))
        wrong.push(`${JSON.stringify(calendar).slice(0, 160)}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
    expect((await t.admin.get('/api/sla-calendar')).body).toEqual(before);
  });
});

describe('closing a ticket with work still out at a department', () => {
  it('withdraws its open work orders: no longer in the queue, no result on a closed ticket, no overdue alarm', async () => {
    const ticket = await newTicket(org.agent);
    const dispatch = async () =>
      (
        await org.agent.post(`/api/tickets/${ticket.id}/work-orders`, {
          departmentId: org.airExport.id,
          dueAt: future(1),
          instructions: '核查仓库监控',
        })
      ).body;
    const pending = await dispatch();
    const accepted = await dispatch();
    expect((await org.operations.post(`/api/work-orders/${accepted.id}/accept`, {})).status).toBe(200);
    await ticketAction(org.agent, ticket.id, 'close', { reason: '客户撤回投诉' });

    for (const order of [pending, accepted]) {
      const after = await org.operations.get(`/api/work-orders/${order.id}`);
      expect(after.body.status).toBe('cancelled');
      expect(
        (await org.operations.post(`/api/work-orders/${order.id}/complete`, { result: '晚到的结果' })).status,
      ).toBe(409);
    }
    const queue = await org.operations.get('/api/work-orders?status=pending');
    expect(queue.body.items.map((w: any) => w.id)).not.toContain(pending.id);
    expect(
      await t.ctx.services.workOrders.flagOverdue(new Date(Date.now() + 2 * 3_600_000)),
    ).toBeGreaterThanOrEqual(0);
    const notices = (await org.operations.get('/api/notifications')).body.items;
    expect(
      notices.filter(
        (n: any) => n.kind === 'work_order.overdue' && [pending.id, accepted.id].includes(n.refId),
      ),
    ).toEqual([]);
    // the accepted one's assignee is told it was withdrawn
    expect(notices.some((n: any) => n.kind === 'work_order.cancelled' && n.refId === accepted.id)).toBe(true);
  });
});

describe('a dispatch racing the close', () => {
  it('never leaves a live work order on a closed ticket', async () => {
    for (let round = 0; round < 3; round++) {
      const ticket = await newTicket(org.agent);
      const [, dispatched] = await Promise.all([
        org.agent.post(`/api/tickets/${ticket.id}/close`, { reason: '客户撤诉' }),
        org.agent.post(`/api/tickets/${ticket.id}/work-orders`, {
          departmentId: org.airExport.id,
          dueAt: future(4),
          instructions: '核查',
        }),
      ]);
      const orders = (await org.agent.get(`/api/tickets/${ticket.id}/work-orders`)).body.items;
      expect(orders.filter((o: any) => o.status === 'pending' || o.status === 'accepted')).toEqual([]);
      expect([201, 409]).toContain(dispatched.status);
    }
  });
});

describe('the owner acting while a supervisor moves the ticket away', () => {
  it('a resolve or reply that arrives after the transfer is 409, not done in the new owner’s name', async () => {
    for (let round = 0; round < 4; round++) {
      const ticket = await newTicket(org.agent);
      const [transfer, resolve, reply] = await Promise.all([
        org.supervisor.post(`/api/tickets/${ticket.id}/transfer`, {
          toUserId: org.teammate.user.id,
          reason: '重新分配',
        }),
        org.agent.post(`/api/tickets/${ticket.id}/resolve`, { resolution: `方案${round}` }),
        org.agent.post(`/api/tickets/${ticket.id}/messages`, { kind: 'reply', body: `回复${round}` }),
      ]);
      const messages = (await org.supervisor.get(`/api/tickets/${ticket.id}/messages`)).body;
      const moved = messages.findIndex((m: any) => m.kind === 'system' && m.body.includes('转交'));
      if (transfer.status === 200) {
        const resolved = messages.findIndex((m: any) => m.body === `解决方案：方案${round}`);
        const replied = messages.findIndex((m: any) => m.body === `回复${round}`);
        if (resolve.status === 200) expect(resolved).toBeLessThan(moved);
        else expect([403, 409]).toContain(resolve.status);
        if (reply.status === 201) expect(replied).toBeLessThan(moved);
        else expect([403, 409]).toContain(reply.status);
      }
    }
  });
});

describe('inactive categories and supervisor-only lists', () => {
  it('files no new ticket under a deactivated category, and lists repeats only for supervisors and up', async () => {
    const created = await t.admin.post('/api/ticket-categories', { code: 'qa_retired', name: '已停用分类' });
    expect(created.status).toBe(201);
    const off = await t.admin.patch(`/api/ticket-categories/${created.body.id}`, { active: false });
    expect(off.status).toBe(200);
    const staff = await org.agent.post('/api/tickets', {
      type: 'inquiry',
      channel: 'phone',
      customerId: customer.id,
      categoryId: created.body.id,
      severity: 'normal',
      subject: '停用分类',
      customerWords: '问一下',
    });
    const viaPortal = await portal.post('/api/portal/tickets', {
      type: 'inquiry',
      categoryId: created.body.id,
      subject: '停用分类',
      customerWords: '问一下',
    });
    expect([staff.status, viaPortal.status]).toEqual([422, 422]);
    expect((await org.agent.get('/api/tickets/repeats')).status).toBe(403);
    expect((await org.operations.get('/api/tickets/repeats')).status).toBe(403);
    expect((await org.supervisor.get('/api/tickets/repeats')).status).toBe(200);
  });
});

describe('escalation double click', () => {
  it('two simultaneous 换人 by the owner climb one rung, not two', async () => {
    for (let round = 0; round < 3; round++) {
      const ticket = await newTicket(org.agent);
      const results = await Promise.all([
        org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
          kind: 'person',
          reason: '客户要求主管处理',
        }),
        org.agent.post(`/api/tickets/${ticket.id}/escalations`, {
          kind: 'person',
          reason: '客户要求主管处理',
        }),
      ]);
      const ok = results.filter((r) => r.status === 201);
      expect(ok).toHaveLength(1);
      // The loser is no longer working the ticket: 409 under the lock, or 403 when read after.
      expect([403, 409]).toContain(results.find((r) => r.status !== 201)!.status);
      const ladder = (await org.supervisor.get(`/api/tickets/${ticket.id}/escalations`)).body;
      expect(ladder.items).toHaveLength(1);
      expect((await org.supervisor.get(`/api/tickets/${ticket.id}`)).body.ownerId).toBe(
        org.supervisor.user.id,
      );
    }
  });
});

describe('search text full of tsquery operators', () => {
  const nasty = [
    'a & b | !c',
    "'",
    '\\',
    '(:*',
    'foo:* & !',
    '<->',
    '延误 & (破损',
    "''''",
    'a:A',
    '!!!',
    "x' | 'y",
    '%_',
    '\u3000',
  ];

  it('never breaks the knowledge search, the ticket search or the suggestions', async () => {
    const wrong: string[] = [];
    for (const q of nasty) {
      for (const path of [
        `/api/knowledge-articles?q=${encodeURIComponent(q)}`,
        `/api/tickets?view=all&q=${encodeURIComponent(q)}`,
      ]) {
        const response = await org.agent.get(path);
        if (response.status !== 200) wrong.push(`${path}: ${response.status}`);
      }
      const ticket = await newTicket(org.agent, { subject: `问题 ${q}`, customerWords: `客户说：${q} ${q}` });
      const suggestions = await org.agent.get(`/api/tickets/${ticket.id}/suggestions`);
      if (suggestions.status !== 200)
        wrong.push(`suggestions for ${JSON.stringify(q)}: ${suggestions.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

// Late in the file: it deletes the SLA policy the earlier tests' tickets run on.
describe('deleting an SLA policy that running tickets use', () => {
  it('keeps their clocks working', async () => {
    const ticket = await newTicket(org.agent);
    expect(ticket.slaPolicyId).toBeTruthy();
    const removed = await t.admin.delete(`/api/sla-policies/${ticket.slaPolicyId}`);
    expect([200, 204, 409, 422]).toContain(removed.status);
    expect((await org.agent.get(`/api/tickets/${ticket.id}/sla`)).status).toBe(200);
    await ticketAction(org.agent, ticket.id, 'wait', { reason: '等资料' });
    await ticketAction(org.agent, ticket.id, 'resume');
    expect((await org.agent.get(`/api/tickets/${ticket.id}/sla`)).status).toBe(200);
    expect(
      (await t.ctx.services.sla.check(ticket.id, new Date(Date.now() + 30 * 86_400_000))).length,
    ).toBeGreaterThan(0);
    expect((await org.agent.get(`/api/tickets?view=mine&sla=breached`)).status).toBe(200);
    expect((await newTicket(org.agent)).id).toBeTruthy();
  });
});

describe('measures stay inside a supervisor’s team', () => {
  it('a supervisor asking for another team’s department gets none of its tickets', async () => {
    await openTicket(org.otherAgent, { customerId: customer.id, categoryId: categories.billing });
    const theirs = await org.otherSupervisor.get(
      `/api/service-desk/measures?groupBy=department&departmentId=${org.teamB.id}`,
    );
    expect(theirs.status).toBe(200);
    const total = (body: any) =>
      (body.rows ?? body.items ?? []).reduce((n: number, r: any) => n + r.tickets, 0);
    expect(total(theirs.body)).toBeGreaterThan(0);
    const peek = await org.supervisor.get(
      `/api/service-desk/measures?groupBy=department&departmentId=${org.teamB.id}`,
    );
    expect([200, 403]).toContain(peek.status);
    if (peek.status === 200) expect(total(peek.body)).toBe(0);
  });
});

describe('owner-side actions on work orders and promises', () => {
  it('refuse an agent who neither owns the ticket nor made the promise', async () => {
    const ticket = await newTicket(org.agent);
    const order = (
      await org.agent.post(`/api/tickets/${ticket.id}/work-orders`, {
        departmentId: org.airExport.id,
        dueAt: future(6),
        instructions: '核查',
      })
    ).body;
    const promise = (
      await org.agent.post('/api/commitments', {
        customerId: customer.id,
        promise: '明天回电',
        dueAt: future(24),
      })
    ).body;
    const stranger = org.otherAgent;
    const attempts: Array<[string, string, unknown, Record<string, string>?]> = [
      ['POST', `/api/work-orders/${order.id}/cancel`, { reason: '不要了' }],
      ['POST', `/api/work-orders/${order.id}/notes`, { body: '插话' }],
      ['POST', `/api/work-orders/${order.id}/accept`, {}],
      ['POST', `/api/work-orders/${order.id}/complete`, { result: '做完了' }],
      [
        'PATCH',
        `/api/commitments/${promise.id}`,
        { promise: '改了' },
        { 'If-Match': `"${promise.version}"` },
      ],
      ['POST', `/api/commitments/${promise.id}/outcome`, { status: 'broken' }],
      ['POST', `/api/commitments/${promise.id}/renegotiate`, { dueAt: future(48), note: '延期' }],
      ['POST', `/api/commitments/${promise.id}/approve`, { approved: true }],
    ];
    const wrong: string[] = [];
    for (const [method, path, body, headers] of attempts) {
      const response = await stranger.request(method, path, body, headers ?? {});
      if (![403, 409].includes(response.status) || (path.includes('work-orders') && response.status !== 403))
        wrong.push(`${method} ${path}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
    expect((await org.agent.get(`/api/work-orders/${order.id}`)).body.status).toBe('pending');
    const after = (await org.agent.get(`/api/commitments/${promise.id}`)).body;
    expect([after.status, after.version]).toEqual(['open', promise.version]);
  });
});
