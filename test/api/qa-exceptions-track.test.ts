import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { type ShipmentRow, createTrackedShipment, trackingNumber } from '../support/track-factories.ts';

/** QA of issue 4 §6: /api/track never answers 500 on odd input, and unknown vs wrong look the same. */

async function track(t: TestApp, body: unknown) {
  const response = await fetch(`${t.baseUrl}/api/track`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

describe('QA /api/track input edge cases', () => {
  let t: TestApp;
  let shipment: ShipmentRow;
  beforeAll(async () => {
    t = await startTestApp();
    await t.ctx.services.settings.set('tracking.publicRateLimitPerMinute', 10000);
    shipment = await createTrackedShipment(t, {
      shipment: { destinationPostcode: '200-120', consigneePhone: '+86 138 0013 8000' },
    });
  });
  afterAll(() => t.close());

  it('never answers 500 for odd numbers and factors', async () => {
    const odd = [
      'x'.repeat(64),
      'x'.repeat(65),
      'x'.repeat(100_000),
      '\u0000',
      `LS\u0000123`,
      '\ud800',
      '🚢📦',
      '上海',
      '   ',
      '---',
      '\t\n',
      'ß'.repeat(64),
      'ﬃ'.repeat(64),
      "' or 1=1 --",
      '%',
      '_',
    ];
    for (const value of odd) {
      for (const body of [
        { number: value, secondFactor: '8000' },
        { number: shipment.number, secondFactor: value },
      ]) {
        const r = await track(t, body);
        expect(
          [400, 404],
          `${JSON.stringify(body).slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`,
        ).toContain(r.status);
      }
    }
    for (const raw of ['{', 'null', '[]', '{"number":1,"secondFactor":2}', '"x"']) {
      const r = await track(t, raw);
      expect(r.status, `${raw} → ${r.text}`).toBe(400);
    }
  });

  it('reads the number in lower case, with spaces and dashes', async () => {
    const n = shipment.number;
    const spaced = `${n.slice(0, 2).toLowerCase()} ${n.slice(2, 6)}-${n.slice(6)}`;
    expect((await track(t, { number: spaced, secondFactor: '8000' })).status).toBe(200);
    expect((await track(t, { number: n, secondFactor: '200120' })).status).toBe(200);
    expect((await track(t, { number: n, secondFactor: ' 200 120 ' })).status).toBe(200);
  });

  it('sends the same headers for an unknown number and a wrong factor', async () => {
    const wrong = await track(t, { number: shipment.number, secondFactor: '1111' });
    const unknown = await track(t, { number: trackingNumber(), secondFactor: '1111' });
    const names = (h: Headers) => [...h.keys()].filter((k) => k !== 'date').sort();
    expect(names(wrong.headers)).toEqual(names(unknown.headers));
    for (const k of names(wrong.headers)) {
      if (k === 'x-ratelimit-remaining' || k === 'x-ratelimit-reset' || k === 'x-request-id') continue;
      expect(wrong.headers.get(k), k).toBe(unknown.headers.get(k));
    }
    expect(wrong.text).toBe(unknown.text);
  });
});
