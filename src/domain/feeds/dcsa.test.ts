import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mergeEvents } from '../milestones.ts';
import { DcsaPayloadError, fromDcsa, mapDcsaEvent } from './dcsa.ts';
import type { AdapterResult, IncomingEvent } from './types.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/dcsa/${name}`, import.meta.url), 'utf8'));

const okEvents = (results: AdapterResult[]): IncomingEvent[] =>
  results.map((r) => {
    if (!r.ok) throw new Error(`event ${r.index} rejected: ${r.reason}`);
    return r.event;
  });

const reasonOf = (raw: unknown) => {
  const m = mapDcsaEvent(raw, { source: 'dcsa:TEST' });
  return 'reason' in m ? m.reason : null;
};

describe('fromDcsa — T&T 2.2 array', () => {
  const results = fromDcsa(fixture('tnt-2.2-events.json'), { source: 'dcsa:MAEU' });
  const events = okEvents(results);

  it('maps every spec event type onto the internal codes, keeping the DCSA code', () => {
    expect(events.map((e) => [e.eventCode, e.classifier, e.sourceCode])).toEqual([
      ['BOOKED', 'ACT', 'SHIPMENT:BKG:CONF'],
      ['GATE_IN', 'ACT', 'EQUIPMENT:GTIN'],
      ['LOADED', 'ACT', 'EQUIPMENT:LOAD'],
      ['DEPARTED', 'ACT', 'TRANSPORT:DEPA'],
      ['ARRIVED', 'EST', 'TRANSPORT:ARRI'],
      ['DOCUMENT_STATUS', 'ACT', 'SHIPMENT:TRD:ISSU'],
    ]);
    expect(results.every((r) => r.raw !== undefined)).toBe(true);
  });

  it('identity, version, time with zone and location come from the event', () => {
    const gateIn = events[1]!;
    expect(gateIn).toMatchObject({
      source: 'dcsa:MAEU',
      sourceEventId: '84db923d-2a19-4eb0-beb5-446c1ec57d34',
      eventTime: '2026-11-05T16:02:00+08:00',
      updatedAt: '2026-11-05T16:20:31+08:00',
      location: 'CNSHA',
      locationName: 'Shanghai Waigaoqiao Phase IV',
    });
    expect(gateIn.retracted).toBeUndefined();
    expect(gateIn.details).toMatchObject({
      dcsaEventType: 'EQUIPMENT',
      equipmentReference: 'APZU4812090',
      vesselName: 'Ever Given',
      vesselIMONumber: '9811000',
      voyage: '2245W',
      carrierServiceCode: 'AE7',
      emptyIndicatorCode: 'LADEN',
    });
    expect(events[4]).toMatchObject({ location: 'DEHAM', locationName: 'Container Terminal Burchardkai' });
    expect(events[3]!.details).toMatchObject({ delayReasonCode: 'WEA', remark: 'Bad weather at berth' });
  });

  it('names the shipment by transport document, else booking, else container', () => {
    expect(events.map((e) => e.shipmentRef)).toEqual([
      'ABC709951', // shipment event on the booking
      'MAEU2411000231', // equipment event with TRD and BKG references: the B/L wins
      'MAEU2411000231',
      'MAEU2411000231',
      'MAEU2411000231',
      'MAEU2411000231',
    ]);
    expect(events[1]!.details?.alternateRefs).toEqual(['ABC709951', 'APZU4812090']);
    expect(events[0]!.details?.alternateRefs).toEqual(['FWD-2026-0042']);
    const containerOnly = mapDcsaEvent(
      {
        eventID: 'x1',
        eventType: 'EQUIPMENT',
        eventCreatedDateTime: '2026-11-05T16:20:31+08:00',
        eventClassifierCode: 'ACT',
        eventDateTime: '2026-11-05T16:02:00+08:00',
        equipmentEventTypeCode: 'GTOT',
        equipmentReference: 'APZU4812090',
        emptyIndicatorCode: 'EMPTY',
      },
      { source: 'dcsa:X' },
    );
    expect(containerOnly).toMatchObject({ event: { shipmentRef: 'APZU4812090', eventCode: 'GATE_OUT' } });
  });

  it('maps document holds and releases to the exception and release codes', () => {
    const base = {
      eventType: 'SHIPMENT',
      eventCreatedDateTime: '2026-12-09T10:00:00+01:00',
      eventClassifierCode: 'ACT',
      eventDateTime: '2026-12-09T10:00:00+01:00',
      documentID: 'MAEU2411000231',
    };
    const code = (shipmentEventTypeCode: string, documentTypeCode: string) => {
      const m = mapDcsaEvent(
        {
          ...base,
          eventID: `${shipmentEventTypeCode}${documentTypeCode}`,
          shipmentEventTypeCode,
          documentTypeCode,
        },
        { source: 's' },
      );
      return 'event' in m ? m.event.eventCode : m.reason;
    };
    expect(code('HOLD', 'CUS')).toBe('HOLD');
    expect(code('RELS', 'CUS')).toBe('CUSTOMS_RELEASED');
    expect(code('RELS', 'SRM')).toBe('RELEASED');
    expect(code('CONF', 'BKG')).toBe('BOOKED');
    expect(code('SURR', 'TRD')).toBe('DOCUMENT_STATUS');
  });

  it('the mapped events merge: a second delivery of the same feed is all duplicates', () => {
    const withIds = events.map((e, i) => ({ ...e, id: `i${i}`, shipmentKey: e.shipmentRef! }));
    const first = mergeEvents([], withIds);
    expect(first.results.every((r) => r.outcome === 'accepted')).toBe(true);
    const again = mergeEvents(first.events, withIds);
    expect(again.results.every((r) => r.outcome === 'duplicate')).toBe(true);
  });
});

describe('fromDcsa — precise reasons for bad events', () => {
  const results = fromDcsa(fixture('tnt-2.2-invalid.json'), { source: 'dcsa:MAEU' });

  it('rejects each bad event alone, saying which field and why', () => {
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false, false, false, false, false]);
    const reasons = results.map((r) => (r.ok ? '' : r.reason));
    expect(reasons[0]).toMatch(/^eventID: required/);
    expect(reasons[1]).toMatch(/equipmentEventTypeCode: unknown code "LODE"; expected one of LOAD, DISC/);
    expect(reasons[2]).toMatch(
      /eventDateTime: must be an ISO 8601 date-time with a zone offset, got "2026-11-07 05:48"/,
    );
    expect(reasons[3]).toMatch(/eventClassifierCode: must be PLN, EST or ACT, got "REQ"/);
    expect(reasons[4]).toMatch(/eventClassifierCode: shipment events are always ACT/);
    expect(reasons[5]).toMatch(/transportCall.UNLocationCode: "Hamburg" is not a UN\/LOCODE/);
    expect(reasons[6]).toMatch(/no shipment reference/);
    expect(reasons[7]).toBe('event: must be a JSON object');
  });

  it('reports several problems of one event together', () => {
    expect(reasonOf({ eventType: 'TRANSPORT', transportEventTypeCode: 'LAND', eventDateTime: 'soon' })).toBe(
      [
        'eventID: required (identifies the event across re-sends and updates)',
        'eventCreatedDateTime: required (or eventUpdatedDateTime in 3.0)',
        'transportEventTypeCode: unknown code "LAND"; expected one of ARRI, DEPA (or their full-word forms)',
        'eventClassifierCode: required (PLN, EST or ACT)',
        'eventDateTime: must be an ISO 8601 date-time with a zone offset, got "soon"',
        'transportDocumentReference: no shipment reference (transport document, carrier booking, equipment reference or documentReferences)',
      ].join('; '),
    );
    expect(
      reasonOf({ eventID: 'a', eventType: 'PARCEL', eventCreatedDateTime: '2026-01-01T00:00:00Z' }),
    ).toMatch(/eventType: must be SHIPMENT, TRANSPORT or EQUIPMENT, got "PARCEL"/);
    expect(
      reasonOf({
        eventID: 'a',
        eventType: 'SHIPMENT',
        shipmentEventTypeCode: 'ISSU',
        documentTypeCode: 'XYZ',
        documentID: 'B1',
        eventClassifierCode: 'ACT',
        eventCreatedDateTime: '2026-01-01T00:00:00Z',
        eventDateTime: '2026-01-01T00:00:00Z',
      }),
    ).toMatch(/documentTypeCode: unknown code "XYZ"/);
  });

  it('reads basic-format zone offsets as their extended form', () => {
    const m = mapDcsaEvent(
      {
        eventID: 'z1',
        eventType: 'TRANSPORT',
        transportEventTypeCode: 'ARRI',
        eventClassifierCode: 'ACT',
        eventCreatedDateTime: '2026-12-08T14:05:00.000+0100',
        eventDateTime: '2026-12-08T13:58:00z',
        transportCall: { transportCallID: 't', UNLocationCode: 'DEHAM', modeOfTransport: 'VESSEL' },
        documentReferences: [{ documentReferenceType: 'TRD', documentReferenceValue: 'B1' }],
      },
      { source: 's' },
    );
    expect(m).toMatchObject({
      event: { updatedAt: '2026-12-08T14:05:00.000+01:00', eventTime: '2026-12-08T13:58:00Z' },
    });
  });

  it('refuses an envelope that is neither form', () => {
    expect(() => fromDcsa({ event: [] }, { source: 's' })).toThrow(DcsaPayloadError);
    expect(() => fromDcsa('[]', { source: 's' })).toThrow(/2.2 array of events or a 3.0 object/);
  });
});

describe('fromDcsa — T&T 3.0 push form', () => {
  const results = fromDcsa(fixture('tnt-3.0-events.json'), { source: 'dcsa:HLCU' });
  const events = okEvents(results);

  it('reads full-word and four-letter codes, nested details and classified date-times', () => {
    expect(events.map((e) => [e.eventCode, e.classifier, e.location])).toEqual([
      ['DEPARTED', 'ACT', 'CNNGB'],
      ['ARRIVED', 'EST', 'NLRTM'],
      ['LOADED', 'ACT', 'CNNGB'],
      ['DOCUMENT_STATUS', 'ACT', null],
    ]);
    expect(events[0]).toMatchObject({ locationName: 'Ningbo Beilun', shipmentRef: 'HLCUNGB2611042' });
    expect(events[2]).toMatchObject({
      eventTime: '2026-11-20T14:45:00+08:00',
      shipmentRef: 'NGB2611042',
      sourceCode: 'EQUIPMENT:LOAD',
    });
    expect(events[2]!.details?.alternateRefs).toEqual(['MAEU1234567']);
  });

  it('eventUpdatedDateTime is the version; isRetracted withdraws with identity alone', () => {
    expect(events[1]!.updatedAt).toBe('2026-11-21T02:30:00Z');
    expect(events[3]).toMatchObject({
      retracted: true,
      sourceEventId: '0b9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f',
      updatedAt: '2026-11-22T01:00:00Z',
    });
    expect(events[3]!.shipmentRef).toBeUndefined();
  });

  it('a later eventUpdatedDateTime for the same eventID replaces, a retraction withdraws', () => {
    const est = events[1]!;
    const stored = mergeEvents([], [{ ...est, id: '1', shipmentKey: 'S' }]).events;
    const later = fromDcsa(
      {
        events: [
          {
            ...(results[1]!.raw as object),
            eventUpdatedDateTime: '2026-11-25T00:00:00Z',
            eventDateTime: '2026-12-19T06:00:00+01:00',
          },
        ],
      },
      { source: 'dcsa:HLCU' },
    );
    const replaced = mergeEvents(
      stored,
      okEvents(later).map((e) => ({ ...e, id: '2', shipmentKey: 'S' })),
    );
    expect(replaced.results[0]!.outcome).toBe('replaced');
    expect(replaced.events[0]!.eventTime).toBe('2026-12-19T06:00:00+01:00');
    const retraction = fromDcsa(
      {
        events: [
          { eventID: est.sourceEventId, eventUpdatedDateTime: '2026-11-26T00:00:00Z', isRetracted: true },
        ],
      },
      { source: 'dcsa:HLCU' },
    );
    const withdrawn = mergeEvents(
      replaced.events,
      okEvents(retraction).map((e) => ({ ...e, id: '3', shipmentKey: 'S' })),
    );
    expect(withdrawn.results[0]!.outcome).toBe('retracted');
  });

  it('a bad isRetracted or version is named', () => {
    expect(
      reasonOf({ eventID: 'a', isRetracted: 'yes', eventUpdatedDateTime: '2026-11-26T00:00:00Z' }),
    ).toMatch(/isRetracted: must be true or false/);
    expect(reasonOf({ eventID: 'a', isRetracted: true, eventUpdatedDateTime: 'yesterday' })).toMatch(
      /eventUpdatedDateTime: must be an ISO 8601 date-time with a zone offset/,
    );
  });
});
