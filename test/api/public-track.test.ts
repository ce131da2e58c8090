import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';
import { type ShipmentRow, createTrackedShipment, trackingNumber } from '../support/track-factories.ts';

/**
 * Public tracking (issue 4 §6): number + second factor, the public view only, one indistinguishable
 * 404 for unknown numbers and wrong factors, a per-number lockout and a per-IP rate limit.
 */

const PUBLIC_KEYS = [
  'deliveredAt',
  'destination',
  'estimatedDeliveryAt',
  'exceptions',
  'milestones',
  'mode',
  'number',
  'origin',
  'promisedAt',
  'status',
];

/** The raw answer, to compare bodies byte for byte. */
async function track(t: TestApp, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.baseUrl}/api/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : null, headers: response.headers };
}

describe('POST /api/track', () => {
  let t: TestApp;
  let now = new Date('2026-11-23T08:00:00Z');
  let shipment: ShipmentRow;

  beforeAll(async () => {
    t = await startTestApp({ now: () => now });
    // Generous per-IP limit here; the limit itself is tested on its own app below.
    await t.ctx.services.settings.set('tracking.publicRateLimitPerMinute', 1000);
    shipment = await createTrackedShipment(t, {
      shipment: {
        destinationPostcode: 'SW1A 1AA',
        consigneePhone: '+86 138-0013-8000',
        status: 'departed',
        estimatedDeliveryAt: new Date('2026-12-21T06:00:00Z'),
      },
      events: [
        {
          eventCode: 'RECEIVED',
          classifier: 'ACT',
          eventTime: '2026-11-20T09:30:00+08:00',
          location: 'CNSHA',
          locationName: '洋山四期码头',
        },
        {
          eventCode: 'DEPARTED',
          classifier: 'PLN',
          eventTime: '2026-11-21T18:00:00+08:00',
          location: 'CNSHA',
        },
        {
          eventCode: 'DEPARTED',
          classifier: 'ACT',
          eventTime: '2026-11-22T02:15:00+08:00',
          location: 'CNSHA',
        },
        {
          eventCode: 'ARRIVED',
          classifier: 'PLN',
          eventTime: '2026-12-15T08:00:00+01:00',
          location: 'DEHAM',
        },
        {
          eventCode: 'ARRIVED',
          classifier: 'EST',
          eventTime: '2026-12-17T08:00:00+01:00',
          location: 'DEHAM',
        },
        // Withdrawn by the carrier: never shown.
        {
          eventCode: 'HOLD',
          classifier: 'ACT',
          eventTime: '2026-11-22T05:00:00+08:00',
          location: 'CNSHA',
          retracted: true,
        },
      ],
      exceptions: [
        { kind: 'delay', raisedAt: '2026-11-22T03:00:00Z' },
        { kind: 'silence', raisedAt: '2026-11-21T03:00:00Z', status: 'resolved' },
      ],
    });
  });
  afterAll(() => t.close());

  it('answers the public view for the destination postcode, case and spaces ignored', async () => {
    const r = await track(t, { number: shipment.number.toLowerCase(), secondFactor: 'sw1a1aa' });
    expect(r.status, r.text).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(PUBLIC_KEYS);
    expect(r.json).toMatchObject({
      number: shipment.number,
      mode: 'sea',
      origin: 'CNSHA',
      destination: 'DEHAM',
      status: 'departed',
      promisedAt: '2026-12-20T10:00:00.000Z',
      estimatedDeliveryAt: '2026-12-21T06:00:00.000Z',
      deliveredAt: null,
    });
    // Actual replaces plan, the latest estimate stands for the arrival, the retracted HOLD is gone.
    expect(r.json.milestones).toEqual([
      {
        eventCode: 'RECEIVED',
        classifier: 'ACT',
        time: '2026-11-20T09:30:00+08:00',
        location: 'CNSHA',
        locationName: '洋山四期码头',
      },
      {
        eventCode: 'DEPARTED',
        classifier: 'ACT',
        time: '2026-11-22T02:15:00+08:00',
        location: 'CNSHA',
        locationName: null,
      },
      {
        eventCode: 'ARRIVED',
        classifier: 'EST',
        time: '2026-12-17T08:00:00+01:00',
        location: 'DEHAM',
        locationName: null,
      },
    ]);
    for (const m of r.json.milestones)
      expect(Object.keys(m).sort()).toEqual(['classifier', 'eventCode', 'location', 'locationName', 'time']);
    // Only the unresolved exception, and only its kind and time.
    expect(r.json.exceptions).toEqual([{ kind: 'delay', since: '2026-11-22T03:00:00.000Z' }]);
    // Nothing personal, commercial or internal anywhere in the answer.
    for (const secret of [
      shipment.id,
      shipment.customerId,
      shipment.departmentId,
      'Hamburg Import GmbH',
      '13800138000',
      '138-0013-8000',
      'SW1A',
      'PO-2026-0815',
      'SHAHAM2611001',
      'MSKU1234565',
      '18250',
      '精密轴承',
      'carrier payload',
      'internal detail',
      'dcsa:TEST',
    ]) {
      expect(r.text).not.toContain(secret);
    }
  });

  it('answers the same view for the last four digits of the consignee phone', async () => {
    const byPhone = await track(t, { number: shipment.number, secondFactor: '8000' });
    expect(byPhone.status, byPhone.text).toBe(200);
    const byPostcode = await track(t, { number: shipment.number, secondFactor: 'SW1A 1AA' });
    expect(byPhone.text).toBe(byPostcode.text);
    // More or fewer digits of the phone are not a second factor.
    expect((await track(t, { number: shipment.number, secondFactor: '38000' })).status).toBe(404);
    expect((await track(t, { number: shipment.number, secondFactor: '000' })).status).toBe(404);
  });

  it('answers a wrong second factor and an unknown number with byte-identical 404s', async () => {
    const wrong = await track(t, { number: shipment.number, secondFactor: '9999' });
    const unknown = await track(t, { number: trackingNumber(), secondFactor: '8000' });
    const nonsense = await track(t, { number: 'NO-SUCH-THING', secondFactor: 'SW1A 1AA' });
    expect(wrong.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(nonsense.status).toBe(404);
    expect(wrong.text).toBe(unknown.text);
    expect(nonsense.text).toBe(unknown.text);
    expect(wrong.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
    expect(wrong.headers.get('content-length')).toBe(unknown.headers.get('content-length'));
    expect(wrong.json).toMatchObject({ status: 404, title: 'Not Found' });
    expect(wrong.text).not.toContain(shipment.number);
  });

  it('refuses a body with unknown fields or without a second factor', async () => {
    expect((await track(t, { number: shipment.number, secondFactor: '8000', customerId: 'x' })).status).toBe(
      400,
    );
    expect((await track(t, { number: shipment.number })).status).toBe(400);
  });

  it('needs no login, and a logged-in cookie without CSRF token is simply anonymous', async () => {
    const r = await track(t, { number: shipment.number, secondFactor: '8000' }, { cookie: t.admin.cookie! });
    expect(r.status, r.text).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(PUBLIC_KEYS);
  });

  it('shows what the shipments and ingestion APIs recorded, retractions included', async () => {
    const created = await createShipment(t, {
      destinationPostcode: '200 120',
      consigneePhone: '021-6888 1234',
      promisedAt: '2026-12-01T10:00:00Z',
    });
    const send = (events: unknown[]) => t.admin.post('/api/tracking-events', { events });
    const base = {
      shipmentId: created.id,
      source: 'dcsa:TEST',
      location: 'CNSHA',
      updatedAt: '2026-11-22T00:00:00Z',
    };
    const sent = await send([
      {
        ...base,
        eventCode: 'RECEIVED',
        classifier: 'ACT',
        eventTime: '2026-11-20T09:00:00+08:00',
        sourceEventId: 'api-1',
      },
      {
        ...base,
        eventCode: 'DEPARTED',
        classifier: 'ACT',
        eventTime: '2026-11-21T20:00:00+08:00',
        sourceEventId: 'api-2',
      },
      {
        ...base,
        eventCode: 'DELIVERED',
        classifier: 'EST',
        eventTime: '2026-12-03T10:00:00+01:00',
        location: 'DEHAM',
        sourceEventId: 'api-3',
      },
    ]);
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    let view = await track(t, { number: created.number, secondFactor: '200120' });
    expect(view.status, view.text).toBe(200);
    expect(view.json.status).toBe('departed');
    expect(view.json.estimatedDeliveryAt).toBe('2026-12-03T09:00:00.000Z');
    expect(
      view.json.milestones.map(
        (m: { eventCode: string; classifier: string }) => `${m.eventCode}/${m.classifier}`,
      ),
    ).toEqual(['RECEIVED/ACT', 'DEPARTED/ACT', 'DELIVERED/EST']);
    // The carrier withdraws the departure: it disappears from the public view.
    const retracted = await send([
      {
        ...base,
        eventCode: 'DEPARTED',
        classifier: 'ACT',
        eventTime: '2026-11-21T20:00:00+08:00',
        sourceEventId: 'api-2',
        retracted: true,
        updatedAt: '2026-11-22T06:00:00Z',
      },
    ]);
    expect(retracted.status, JSON.stringify(retracted.body)).toBe(200);
    expect(retracted.body.results[0].outcome).toBe('retracted');
    view = await track(t, { number: created.number, secondFactor: '1234' });
    expect(view.status, view.text).toBe(200);
    expect(view.json.status).toBe('received');
    expect(view.json.milestones.map((m: { eventCode: string }) => m.eventCode)).toEqual([
      'RECEIVED',
      'DELIVERED',
    ]);
    expect(Object.keys(view.json).sort()).toEqual(PUBLIC_KEYS);
  });

  it('locks a number for the rest of the hour after ten wrong second factors, then lets it go', async () => {
    const locked = await createTrackedShipment(t, { shipment: { destinationPostcode: '100020' } });
    const start = now.getTime();
    for (let i = 0; i < 10; i++) {
      expect((await track(t, { number: locked.number, secondFactor: `00${i}` })).status).toBe(404);
    }
    // The right postcode now gets the same 404 as everything else …
    const refused = await track(t, { number: locked.number, secondFactor: '100020' });
    expect(refused.status).toBe(404);
    const unknown = await track(t, { number: trackingNumber(), secondFactor: '100020' });
    expect(refused.text).toBe(unknown.text);
    // … while other numbers are not affected …
    expect((await track(t, { number: shipment.number, secondFactor: '8000' })).status).toBe(200);
    // … and after the hour the number answers again.
    now = new Date(start + 61 * 60_000);
    expect((await track(t, { number: locked.number, secondFactor: '100020' })).status).toBe(200);
  });
});

describe('POST /api/track rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.ctx.services.settings.set('tracking.publicRateLimitPerMinute', 5);
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After beyond tracking.publicRateLimitPerMinute per client IP', async () => {
    const shipment = await createTrackedShipment(t);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await track(t, { number: shipment.number, secondFactor: i === 0 ? '20457' : '0000' })).status,
      );
    }
    expect(statuses).toEqual([200, 404, 404, 404, 404]);
    const limited = await track(t, { number: shipment.number, secondFactor: '20457' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.json).toMatchObject({ status: 429, title: 'Too Many Requests' });
    // Logged-in staff APIs are not affected by the public limit.
    expect((await t.admin.get('/api/auth/me')).status).toBe(200);
  });
});
