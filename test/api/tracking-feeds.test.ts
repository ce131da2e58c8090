import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/domain/feeds/signature.ts';
import { trackingEvents } from '../../src/modules/tracking/tables.ts';
import { createCustomer, createDepartment } from '../support/factories.ts';
import { type Client, type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/tracking-factories.ts';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
const dcsa22 = JSON.parse(fixture('dcsa/tnt-2.2-events.json')) as Record<string, unknown>[];

let t: TestApp;
let ops: Client;
let customerId: string;
let departmentId: string;

beforeAll(async () => {
  t = await startTestApp();
  departmentId = (await createDepartment(t, { name: '海运出口部' })).id;
  ops = await t.userClient('operations', { departmentId });
  customerId = (await createCustomer(t, { ownerId: t.admin.user.id })).id;
  // The shipment the DCSA fixture speaks of: booking, master B/L and container.
  await createShipment(t, {
    customerId,
    departmentId,
    references: [
      { kind: 'booking', value: 'ABC709951' },
      { kind: 'master_bl', value: 'MAEU2411000231' },
      { kind: 'container', value: 'APZU4812090' },
    ],
  });
});
afterAll(() => t?.close());

const storedFrom = async (source: string) =>
  (await t.ctx.db.select({ n: count() }).from(trackingEvents).where(eq(trackingEvents.source, source)))[0].n;

/** A local carrier API speaking DCSA T&T `GET /v2/events` with cursor paging. */
async function carrier(pages: Record<string, unknown>[][]) {
  const requests: { url: string; headers: IncomingMessage['headers'] }[] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    const url = new URL(request.url ?? '/', 'http://carrier.local');
    if (url.pathname !== '/v2/events') {
      response.writeHead(404).end();
      return;
    }
    if (request.headers.authorization !== 'Bearer carrier-key') {
      response.writeHead(401).end('{"message":"unauthorized"}');
      return;
    }
    const cursor = url.searchParams.get('cursor');
    const index = cursor ? Number(cursor) : 0;
    const since = url.searchParams.get('eventCreatedDateTime:gte');
    let page = pages[index] ?? [];
    if (since) {
      page = pages.flat().filter((e) => Date.parse(e.eventCreatedDateTime as string) >= Date.parse(since));
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'API-Version': '2.2.0' };
    if (!since && index + 1 < pages.length) headers['Next-Page'] = `/v2/events?cursor=${index + 1}&limit=500`;
    headers['Current-Page'] = `/v2/events?cursor=${index}`;
    response.writeHead(200, headers).end(JSON.stringify(page));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v2`,
    requests,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe('tracking feeds', () => {
  it('are managed by admins only, never echo secrets, and need the version to change', async () => {
    const created = await t.admin.post('/api/tracking-feeds', {
      name: '马士基 T&T',
      kind: 'dcsa-2.2',
      source: 'dcsa:MAEU-crud',
      baseUrl: 'https://api.carrier.example/v2',
      apiKey: 'secret-key',
      callbackSecret: 'callback-secret-1',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ hasApiKey: true, hasCallbackSecret: true, pollIntervalMinutes: 15 });
    expect(JSON.stringify(created.body)).not.toContain('secret-key');
    expect(JSON.stringify(created.body)).not.toContain('callback-secret-1');
    expect(created.body.callbackPath).toBe(`/api/tracking-feeds/${created.body.id}/callback`);
    expect((await ops.get('/api/tracking-feeds')).status).toBe(403);
    expect((await ops.post('/api/tracking-feeds', { name: 'x', kind: 'iata', source: 'x' })).status).toBe(
      403,
    );
    const dup = await t.admin.post('/api/tracking-feeds', {
      name: 'again',
      kind: 'iata',
      source: 'dcsa:MAEU-crud',
    });
    expect(dup.status).toBe(409);
    const bad = await t.admin.post('/api/tracking-feeds', { name: 'x', kind: 'ftp', source: 'y' });
    expect(bad.status).toBe(400);
    const id = created.body.id;
    expect((await t.admin.patch(`/api/tracking-feeds/${id}`, { pollIntervalMinutes: 5 })).status).toBe(428);
    const patched = await t.admin.patch(`/api/tracking-feeds/${id}`, { pollIntervalMinutes: 5, version: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ pollIntervalMinutes: 5, version: 2 });
    expect((await t.admin.patch(`/api/tracking-feeds/${id}`, { active: false, version: 1 })).status).toBe(
      409,
    );
    const list = await t.admin.get('/api/tracking-feeds');
    expect(list.body.items.map((f: any) => f.id)).toContain(id);
    expect((await t.admin.delete(`/api/tracking-feeds/${id}`)).status).toBe(204);
    expect((await t.admin.get(`/api/tracking-feeds/${id}`)).status).toBe(404);
  });

  it('polls a carrier’s GET /v2/events page by page, keeps the cursor and stores each event once', async () => {
    const server = await carrier([dcsa22.slice(0, 3), dcsa22.slice(3)]);
    try {
      const feed = await t.admin.post('/api/tracking-feeds', {
        name: 'Carrier poll',
        kind: 'dcsa-2.2',
        source: 'dcsa:POLL',
        baseUrl: server.baseUrl,
        apiKey: 'carrier-key',
      });
      const polled = await t.admin.post(`/api/tracking-feeds/${feed.body.id}/poll`);
      expect(polled.status).toBe(200);
      expect(polled.body.lastError).toBeNull();
      expect(polled.body.lastResult).toMatchObject({ pages: 2, accepted: dcsa22.length, rejected: 0 });
      // The first request asks for a page size and names the API version; the second follows Next-Page.
      expect(server.requests[0].url).toBe('/v2/events?limit=500');
      expect(server.requests[0].headers['api-version']).toBe('2.2.0');
      expect(server.requests[1].url).toBe('/v2/events?cursor=1&limit=500');
      expect(await storedFrom('dcsa:POLL')).toBe(dcsa22.length);
      // Read to the end: the next run continues from the latest eventCreatedDateTime seen.
      const latest = dcsa22
        .map((e) => e.eventCreatedDateTime as string)
        .sort((a, b) => Date.parse(a) - Date.parse(b))
        .at(-1);
      expect(polled.body.pollCursor).toBe(latest);
      const again = await t.admin.post(`/api/tracking-feeds/${feed.body.id}/poll`);
      expect(server.requests[2].url).toContain(`eventCreatedDateTime%3Agte=${encodeURIComponent(latest!)}`);
      expect(again.body.lastResult.accepted).toBe(0);
      expect(again.body.lastResult.duplicate).toBeGreaterThan(0);
      expect(await storedFrom('dcsa:POLL')).toBe(dcsa22.length);
      // The sweeper polls only feeds whose interval elapsed.
      expect(await t.ctx.services.tracking.feeds.pollDue()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('records the error of a failing poll on the feed', async () => {
    const server = await carrier([dcsa22]);
    try {
      const feed = await t.admin.post('/api/tracking-feeds', {
        name: 'Wrong key',
        kind: 'dcsa-2.2',
        source: 'dcsa:BADKEY',
        baseUrl: server.baseUrl,
        apiKey: 'not-the-key',
      });
      const polled = await t.admin.post(`/api/tracking-feeds/${feed.body.id}/poll`);
      expect(polled.status).toBe(200);
      expect(polled.body.lastError).toMatch(/answered 401/);
      expect(polled.body.pollCursor).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('accepts a signed callback and refuses a bad signature or a tampered body with 401', async () => {
    const secret = 'callback-secret-42';
    const feed = await t.admin.post('/api/tracking-feeds', {
      name: 'Carrier push',
      kind: 'dcsa-2.2',
      source: 'dcsa:PUSH',
      callbackSecret: secret,
    });
    const path = `/api/tracking-feeds/${feed.body.id}/callback`;
    const body = JSON.stringify(dcsa22.slice(0, 2));
    const carrierClient = t.anonymous();
    const signed = await carrierClient.post(path, body, { 'notification-signature': signBody(body, secret) });
    expect(signed.status).toBe(200);
    expect(signed.body.counts.accepted).toBe(2);
    expect(await storedFrom('dcsa:PUSH')).toBe(2);
    const wrongKey = await carrierClient.post(path, body, {
      'notification-signature': signBody(body, 'other-secret'),
    });
    expect(wrongKey.status).toBe(401);
    const tampered = body.replace('ACT', 'EST');
    expect(tampered).not.toBe(body);
    const tamperedAnswer = await carrierClient.post(path, tampered, {
      'notification-signature': signBody(body, secret),
    });
    expect(tamperedAnswer.status).toBe(401);
    expect((await carrierClient.post(path, body)).status).toBe(401);
    // Re-formatting the same JSON changes the bytes, so the signature no longer holds.
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    expect(
      (await carrierClient.post(path, reformatted, { 'notification-signature': signBody(body, secret) }))
        .status,
    ).toBe(401);
    // The 3.0 push form on the alias, signed the same way.
    const pushed = JSON.stringify({ events: dcsa22.slice(2, 4) });
    const alias = await carrierClient.post(`/api/tracking-feeds/${feed.body.id}/events`, pushed, {
      'notification-signature': signBody(pushed, secret),
    });
    expect(alias.status).toBe(200);
    expect(alias.body.results).toHaveLength(2);
    expect(await storedFrom('dcsa:PUSH')).toBe(4);
    // Unknown feeds are 404 whatever the signature.
    expect(
      (
        await carrierClient.post('/api/tracking-feeds/00000000-0000-4000-8000-000000000000/callback', body, {
          'notification-signature': signBody(body, secret),
        })
      ).status,
    ).toBe(404);
  });
});

describe('standard feed routes', () => {
  it('POST /api/tracking-events/dcsa maps a 2.2 array and reports bad events per event', async () => {
    const invalid = JSON.parse(fixture('dcsa/tnt-2.2-invalid.json')) as unknown[];
    const events = [...dcsa22, ...invalid];
    const response = await ops.post('/api/tracking-events/dcsa?source=dcsa:ROUTE', events);
    expect(response.status).toBe(200);
    expect(response.body.results).toHaveLength(events.length);
    expect(response.body.counts.accepted).toBe(dcsa22.length);
    expect(response.body.counts.rejected).toBe(invalid.length);
    const reasons = response.body.results
      .filter((r: any) => r.outcome === 'rejected')
      .map((r: any) => r.reason);
    for (const reason of reasons) expect(reason).toMatch(/\w+: /);
    const [stored] = await t.ctx.db
      .select()
      .from(trackingEvents)
      .where(eq(trackingEvents.source, 'dcsa:ROUTE'))
      .limit(1);
    expect(stored.raw).toMatchObject({ eventID: expect.any(String) });
    const notDcsa = await ops.post('/api/tracking-events/dcsa', { hello: 'world' });
    expect(notDcsa.status).toBe(400);
    const notJson = await ops.post('/api/tracking-events/dcsa', '[{"eventID": ');
    expect(notJson.status).toBe(400);
    const agent = await t.userClient('agent');
    expect((await agent.post('/api/tracking-events/dcsa', dcsa22)).status).toBe(403);
  });

  it('POST /api/tracking-events/iata takes FSU text and /epcis an EPCIS 2.0 document', async () => {
    await createShipment(t, {
      customerId,
      departmentId,
      mode: 'air',
      references: [{ kind: 'awb', value: '020-12345675' }],
    });
    const fsu = fixture('iata/fsu-sin-lhr.txt');
    const iata = await ops.request('POST', '/api/tracking-events/iata', fsu, {
      'content-type': 'text/plain',
    });
    expect(iata.status).toBe(200);
    expect(iata.body.results.length).toBeGreaterThan(0);
    const epcis = await ops.request('POST', '/api/tracking-events/epcis', fixture('epcis/journey.jsonld'), {
      'content-type': 'application/ld+json',
    });
    expect(epcis.status).toBe(200);
    expect(epcis.body.results.length).toBeGreaterThan(0);
    for (const r of [...iata.body.results, ...epcis.body.results]) {
      expect(['accepted', 'rejected', 'duplicate']).toContain(r.outcome);
      if (r.outcome === 'rejected') expect(r.reason).toBeTruthy();
    }
  });
});
