import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryIds, openTicket, setDepartmentHead } from '../support/desk-factories.ts';
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
let _otherPortal: Client;

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
  _otherPortal = await portalUser(t, otherCustomer.id);
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
