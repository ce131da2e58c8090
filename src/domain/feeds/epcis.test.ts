import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentStatus, mergeEvents, validateEvent } from '../milestones.ts';
import type { MilestoneEvent } from '../milestones.ts';
import { bizTransactionRef, cbvShortName, fromEpcis, gs1CheckDigit, ssccOf } from './epcis.ts';
import type { AdapterResult, IncomingEvent } from './types.ts';

// Fixtures written from GS1 EPCIS 2.0 (JSON/JSON-LD binding, §8) and CBV 2.0 vocabularies
// (business steps, dispositions, business transaction types, error reasons) in their three
// spellings: short names, urn:epcglobal:cbv:… and https://ref.gs1.org/cbv/… web URIs.
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/epcis/${name}`, import.meta.url), 'utf8'));

const events = (results: AdapterResult[]): IncomingEvent[] =>
  results.map((r) => {
    if (!r.ok) throw new Error(`unexpected failure: ${r.reason}`);
    return r.event;
  });

const asMilestone = (e: IncomingEvent, i: number): MilestoneEvent => ({
  id: `e${i}`,
  shipmentKey: 'S1',
  eventCode: e.eventCode,
  classifier: e.classifier,
  eventTime: e.eventTime,
  ...(e.location ? { location: e.location } : {}),
  source: e.source,
  sourceEventId: e.sourceEventId,
  updatedAt: e.updatedAt!,
  ...(e.retracted ? { retracted: true } : {}),
});

describe('GS1 keys and CBV names', () => {
  it('computes SSCCs from EPC URNs with the GS1 check digit (GS1 General Specifications example)', () => {
    expect(gs1CheckDigit('10614141234567890')).toBe(8);
    expect(ssccOf('urn:epc:id:sscc:0614141.1234567890')).toBe('106141412345678908');
    expect(ssccOf('https://id.gs1.org/00/106141412345678908')).toBe('106141412345678908');
    expect(ssccOf('urn:epc:id:sgtin:0614141.107346.2017')).toBeNull();
  });

  it('reads CBV values in short, URN and web URI form', () => {
    expect(cbvShortName('shipping', 'bizstep')).toBe('shipping');
    expect(cbvShortName('urn:epcglobal:cbv:bizstep:departing', 'bizstep')).toBe('departing');
    expect(cbvShortName('https://ref.gs1.org/cbv/BizStep-arriving', 'bizstep')).toBe('arriving');
    expect(cbvShortName('urn:epcglobal:cbv:disp:in_transit', 'disp')).toBe('in_transit');
    expect(cbvShortName('https://ref.gs1.org/cbv/BTT-bol', 'btt')).toBe('bol');
  });

  it('takes the business reference out of a bizTransaction value', () => {
    expect(bizTransactionRef('urn:epcglobal:cbv:bt:0614141000005:MEDUSH123456')).toBe('MEDUSH123456');
    expect(bizTransactionRef('http://transaction.acme.example/po/PO-77812')).toBe('PO-77812');
    expect(bizTransactionRef('  BL-9981 ')).toBe('BL-9981');
  });
});

describe('fromEpcis', () => {
  it('maps Object, Aggregation and Transaction events by bizStep and disposition', () => {
    const list = events(fromEpcis(fixture('journey.jsonld')));
    expect(
      list.map((e) => [e.eventCode, e.classifier, e.eventTime, e.location ?? null, e.shipmentRef]),
    ).toEqual([
      // shipping: the bol wins over the po; the Z time is shown in the zone of the place (+08:00).
      ['LOADED', 'ACT', '2026-03-10T09:30:00+08:00', null, 'MEDUSH123456'],
      // departing: the parent SSCC is the reference; the bizLocation carries a UN/LOCODE.
      ['DEPARTED', 'ACT', '2026-03-10T18:05:00+08:00', 'CNSHA', '106141412345678908'],
      ['ARRIVED', 'ACT', '2026-04-08T07:40:00+02:00', 'DEHAM', 'DESADV-2231'],
      // disposition damaged overrides the receiving step.
      ['DAMAGED', 'ACT', '2026-04-09T14:20:00+02:00', null, '106141412345678908'],
    ]);
    expect(list.map((e) => e.sourceEventId)).toEqual([
      'urn:uuid:6f1c4b1e-6a3d-4a4b-9d0e-1c2b3a4d5e01',
      'urn:uuid:6f1c4b1e-6a3d-4a4b-9d0e-1c2b3a4d5e02',
      'urn:uuid:6f1c4b1e-6a3d-4a4b-9d0e-1c2b3a4d5e03',
      'urn:uuid:6f1c4b1e-6a3d-4a4b-9d0e-1c2b3a4d5e04',
    ]);
    expect(list[0]!.locationName).toBe('urn:epc:id:sgln:0614141.07346.1234');
    expect(list[3]!.locationName).toBe('geo:53.5461,9.9661');
    expect(list[1]!.details).toMatchObject({ epcisType: 'AggregationEvent', bizStep: 'departing' });
    for (const [i, e] of list.entries()) {
      expect(e.source).toBe('epcis');
      expect(validateEvent(asMilestone(e, i))).toEqual([]);
    }
  });

  it('turns an errorDeclaration into a retraction of the same eventID that wins over the original', () => {
    const original = events(fromEpcis(fixture('journey.jsonld')))[1]!;
    const [retraction, corrective] = events(fromEpcis(fixture('error-declaration.jsonld')));
    expect(retraction).toMatchObject({
      sourceEventId: original.sourceEventId,
      retracted: true,
      updatedAt: '2026-03-11T08:55:00+08:00',
      details: {
        errorDeclaration: {
          reason: 'incorrect_data',
          correctiveEventIDs: ['urn:uuid:6f1c4b1e-6a3d-4a4b-9d0e-1c2b3a4d5e12'],
        },
      },
    });
    expect(corrective).toMatchObject({ eventCode: 'DEPARTED' });
    expect(corrective!.retracted).toBeUndefined();
    // Through the milestone model: the wrong departure is withdrawn, the corrective one counts.
    const first = mergeEvents([], [asMilestone(original, 1)]);
    const merged = mergeEvents(first.events, [asMilestone(retraction!, 2), asMilestone(corrective!, 3)]);
    expect(merged.results.map((r) => r.outcome)).toEqual(['retracted', 'accepted']);
    expect(currentStatus(merged.events).latestActual?.eventTime).toBe('2026-03-11T06:10:00+08:00');
    // The old version re-sent later stays withdrawn.
    const again = mergeEvents(merged.events, [asMilestone(original, 4)]);
    expect(again.results[0]!.outcome).toBe('superseded');
  });

  it('rejects what it cannot map with a precise reason per event, keeping the good ones', () => {
    const results = fromEpcis(fixture('invalid-events.jsonld'));
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
      expect.stringContaining('TransformationEvent records making or pairing objects'),
      expect.stringContaining('bizStep: commissioning is not mapped'),
      'eventTime: "2026-03-10 10:00" is not an ISO 8601 date-time with a zone offset',
      expect.stringContaining('shipment reference: none found'),
      'ok',
    ]);
  });

  it('gives an event without eventID a stable content hash, so a re-send is the same event', () => {
    const a = fromEpcis(fixture('invalid-events.jsonld'))[4]!;
    const doc = fixture('invalid-events.jsonld');
    doc.epcisBody.eventList[4].recordTime = '2026-03-12T00:00:00Z';
    const b = fromEpcis(JSON.stringify(doc))[4]!;
    expect(a.ok && a.event.sourceEventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.ok && b.event.sourceEventId).toBe(a.ok && a.event.sourceEventId);
  });

  it('accepts a query document, a single event and the 2.0 draft "isA" spelling', () => {
    const event = fixture('journey.jsonld').epcisBody.eventList[1];
    const query = {
      type: 'EPCISQueryDocument',
      schemaVersion: '2.0',
      epcisBody: { queryResults: { queryName: 'SimpleEventQuery', resultsBody: { eventList: [event] } } },
    };
    expect(events(fromEpcis(query))[0]!.eventCode).toBe('DEPARTED');
    expect(events(fromEpcis(event))[0]!.eventCode).toBe('DEPARTED');
    const { type: _t, ...rest } = event;
    expect(events(fromEpcis([{ ...rest, isA: 'AggregationEvent' }]))[0]!.eventCode).toBe('DEPARTED');
  });

  it('reports a malformed document as one failure', () => {
    expect(fromEpcis('{not json')[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not JSON'),
    });
    expect(fromEpcis({ type: 'EPCISDocument' })[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('epcisBody is missing'),
    });
    expect(fromEpcis(42)[0]).toMatchObject({ ok: false });
    expect(
      fromEpcis({
        type: 'EPCISDocument',
        epcisBody: {
          eventList: [{ ...fixture('journey.jsonld').epcisBody.eventList[0], errorDeclaration: {} }],
        },
      })[0],
    ).toMatchObject({ ok: false, reason: expect.stringContaining('errorDeclaration.declarationTime') });
  });

  it('survives hostile values (QA): malformed %-escapes, prototype names, impossible offsets', () => {
    const base = {
      type: 'ObjectEvent',
      eventTime: '2026-03-14T09:30:00+08:00',
      eventTimeZoneOffset: '+08:00',
    };
    const [giai] = fromEpcis({ ...base, bizStep: 'shipping', epcList: ['urn:epc:id:giai:0614141.%E0%A4%A'] });
    expect(giai).toMatchObject({ ok: true, event: { shipmentRef: '0614141%E0%A4%A' } });
    const [link] = fromEpcis({ ...base, bizStep: 'shipping', epcList: ['https://id.gs1.org/8004/%E0%A4%A'] });
    expect(link).toMatchObject({ ok: true, event: { shipmentRef: '%E0%A4%A' } });
    const bol = { bizTransactionList: [{ type: 'bol', bizTransaction: 'MAEU123456789' }] };
    expect(fromEpcis({ ...base, ...bol, bizStep: 'constructor' })[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('bizStep: constructor is not mapped'),
    });
    const [disp] = fromEpcis({ ...base, ...bol, bizStep: 'departing', disposition: 'toString' });
    expect(disp).toMatchObject({ ok: true, event: { eventCode: 'DEPARTED' } });
    expect(
      fromEpcis({ ...base, ...bol, bizStep: 'departing', eventTimeZoneOffset: '+99:99' })[0],
    ).toMatchObject({ ok: false, reason: expect.stringContaining('eventTimeZoneOffset') });
  });

  it('reads damage from persistentDisposition.set as well as from disposition (EPCIS 2.0, QA)', () => {
    const [damaged] = fromEpcis({
      type: 'ObjectEvent',
      eventTime: '2026-03-14T09:30:00+08:00',
      eventTimeZoneOffset: '+08:00',
      bizStep: 'https://ref.gs1.org/cbv/BizStep-arriving',
      disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
      persistentDisposition: { set: ['https://ref.gs1.org/cbv/Disp-damaged'] },
      bizTransactionList: [{ type: 'bol', bizTransaction: 'MAEU123456789' }],
    });
    expect(damaged).toMatchObject({
      ok: true,
      event: { eventCode: 'DAMAGED', details: { persistentDisposition: ['damaged'] } },
    });
  });
});
