import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/factories.ts';
import { type TestApp, startTestApp } from '../support/harness.ts';
import { createShipment } from '../support/shipment-factories.ts';

// QA (issue 4 items 3 and 10): a malformed status in a feed message is that status's rejection,
// never a 400 for the whole message — the good statuses beside it are stored.

const fixture = (path: string) => readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('feed adapters through the API (QA)', () => {
  it('stores the good XFSU status and rejects the one whose time is no date', async () => {
    const customer = await createCustomer(t, { ownerId: t.admin.user.id });
    const shipment = await createShipment(t, { customerId: customer.id, mode: 'air', awb: '020-12345675' });
    const good = fixture('iata/xfsu-dep.xml');
    const status = /<ram:ReportedStatus>[\s\S]*<\/ram:ReportedStatus>/.exec(good)![0];
    const broken = status
      .replace('<ram:ReasonCode>DEP</ram:ReasonCode>', '<ram:ReasonCode>ARR</ram:ReasonCode>')
      .replace('2026-03-15T06:10:00', '2026-13-45T06:10:00');
    const xml = good.replace(status, `${status}\n${broken}`);
    const answer = await t.admin.request('POST', '/api/tracking-events/iata', xml, {
      'content-type': 'application/xml',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: any) => r.outcome)).toEqual(['accepted', 'rejected']);
    expect(answer.body.results[1].reason).toContain('2026-13-45T06:10:00');
    const events = await t.admin.get(`/api/shipments/${shipment.id}/events`);
    expect(events.body.events.map((e: any) => e.eventCode)).toEqual(['DEPARTED']);
  });

  it('answers an EPCIS event with a malformed %-escape in its GIAI per event', async () => {
    const document = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-03-14T10:00:00+08:00',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            eventTime: '2026-03-14T09:30:00+08:00',
            eventTimeZoneOffset: '+08:00',
            epcList: ['urn:epc:id:giai:0614141.%E0%A4%A'],
            action: 'OBSERVE',
            bizStep: 'departing',
          },
        ],
      },
    };
    const answer = await t.admin.post('/api/tracking-events/epcis', document);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      expect.objectContaining({ index: 0, outcome: 'rejected', reason: expect.any(String) }),
    ]);
  });
});
