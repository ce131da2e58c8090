import { describe, expect, it } from 'vitest';
import { fromDcsa } from './dcsa.ts';
import { type ShipmentRefs, type StoredEvent, dcsaCodeOf, matchesFilters, toDcsa22 } from './dcsa-out.ts';

const shipment: ShipmentRefs = {
  number: 'LS2611000001',
  mode: 'sea',
  houseBl: 'LSHB2611001',
  masterBl: 'MAEU2411000231',
  bookingRef: 'ABC709951',
  awb: null,
  containers: ['APZU4812090'],
  orderNo: 'PO-77',
  customerReference: 'CUST-REF-9',
};

let n = 0;
const stored = (over: Partial<StoredEvent> = {}): StoredEvent => ({
  id: `0192f7a0-0000-7000-8000-00000000000${++n}`,
  eventCode: 'DEPARTED',
  classifier: 'ACT',
  eventTimeText: '2026-11-07T05:48:00+08:00',
  location: 'CNSHA',
  locationName: 'Waigaoqiao',
  sourceCode: null,
  details: {},
  retracted: false,
  updatedAt: new Date('2026-11-07T00:00:00Z'),
  ...over,
});

describe('toDcsa22', () => {
  it('publishes a transport event with its transport call, our references and the shipment documents', () => {
    const out = toDcsa22(
      stored({ details: { vesselName: 'Ever Given', vesselIMONumber: '9811000', voyage: '2245W' } }),
      shipment,
    )!;
    expect(out).toMatchObject({
      eventType: 'TRANSPORT',
      transportEventTypeCode: 'DEPA',
      eventClassifierCode: 'ACT',
      eventDateTime: '2026-11-07T05:48:00+08:00',
      eventCreatedDateTime: '2026-11-07T00:00:00.000Z',
      transportCall: {
        UNLocationCode: 'CNSHA',
        modeOfTransport: 'VESSEL',
        exportVoyageNumber: '2245W',
        vessel: { vesselIMONumber: '9811000', vesselName: 'Ever Given' },
        location: { locationName: 'Waigaoqiao', UNLocationCode: 'CNSHA' },
      },
      documentReferences: [
        { documentReferenceType: 'BKG', documentReferenceValue: 'ABC709951' },
        { documentReferenceType: 'TRD', documentReferenceValue: 'LSHB2611001' },
      ],
      references: [
        { referenceType: 'FF', referenceValue: 'LS2611000001' },
        { referenceType: 'CR', referenceValue: 'CUST-REF-9' },
        { referenceType: 'PO', referenceValue: 'PO-77' },
      ],
    });
  });

  it('keeps the DCSA code of events that came from a DCSA feed and maps the others', () => {
    expect(dcsaCodeOf({ eventCode: 'INSPECTED', classifier: 'ACT', sourceCode: 'EQUIPMENT:RSEA' })).toEqual({
      eventType: 'EQUIPMENT',
      code: 'RSEA',
    });
    expect(
      dcsaCodeOf({ eventCode: 'DOCUMENT_STATUS', classifier: 'ACT', sourceCode: 'SHIPMENT:TRD:ISSU' }),
    ).toEqual({
      eventType: 'SHIPMENT',
      code: 'ISSU',
      documentTypeCode: 'TRD',
    });
    expect(dcsaCodeOf({ eventCode: 'DELIVERED', classifier: 'ACT', sourceCode: null })).toMatchObject({
      code: 'DROP',
    });
    expect(dcsaCodeOf({ eventCode: 'DEPARTED', classifier: 'EST', sourceCode: 'DEP' })).toMatchObject({
      code: 'DEPA',
    });
    for (const unpublished of ['DAMAGED', 'LOST', 'DELIVERY_FAILED', 'DOCUMENT_STATUS']) {
      expect(toDcsa22(stored({ eventCode: unpublished }), shipment)).toBeNull();
    }
    expect(toDcsa22(stored({ eventCode: 'BOOKED', classifier: 'EST' }), shipment)).toBeNull();
    expect(toDcsa22(stored({ retracted: true }), shipment)).toBeNull();
  });

  it('what we publish, our own adapter reads back to the same milestones', () => {
    const events = [
      stored({ eventCode: 'GATE_IN' }),
      stored({ eventCode: 'LOADED' }),
      stored({ eventCode: 'DEPARTED' }),
      stored({
        eventCode: 'ARRIVED',
        classifier: 'EST',
        location: 'DEHAM',
        eventTimeText: '2026-12-08T14:00:00+01:00',
      }),
      stored({ eventCode: 'BOOKED', location: null, locationName: null }),
      stored({ eventCode: 'CUSTOMS_RELEASED', location: null, locationName: null }),
      stored({ eventCode: 'HOLD', location: null, locationName: null }),
      stored({
        eventCode: 'DOCUMENT_STATUS',
        sourceCode: 'SHIPMENT:TRD:SURR',
        location: null,
        locationName: null,
      }),
    ];
    const published = events.map((e) => toDcsa22(e, shipment));
    const back = fromDcsa(published, { source: 'dcsa:LIAISON' });
    expect(
      back.map((r) =>
        r.ok ? [r.event.eventCode, r.event.classifier, r.event.location, r.event.shipmentRef] : r.reason,
      ),
    ).toEqual([
      ['GATE_IN', 'ACT', 'CNSHA', 'LSHB2611001'],
      ['LOADED', 'ACT', 'CNSHA', 'LSHB2611001'],
      ['DEPARTED', 'ACT', 'CNSHA', 'LSHB2611001'],
      ['ARRIVED', 'EST', 'DEHAM', 'LSHB2611001'],
      ['BOOKED', 'ACT', null, 'LSHB2611001'],
      ['CUSTOMS_RELEASED', 'ACT', null, 'LSHB2611001'],
      ['HOLD', 'ACT', null, 'LSHB2611001'],
      ['DOCUMENT_STATUS', 'ACT', null, 'LSHB2611001'],
    ]);
  });
});

describe('matchesFilters', () => {
  const dep = toDcsa22(stored(), shipment)!;
  const load = toDcsa22(stored({ eventCode: 'LOADED' }), shipment)!;
  const booked = toDcsa22(stored({ eventCode: 'BOOKED', location: null }), shipment)!;

  it('lists are OR, fields are AND, a type code filter implies its event type', () => {
    expect(matchesFilters({}, dep, shipment)).toBe(true);
    expect(matchesFilters({ eventType: ['TRANSPORT', 'EQUIPMENT'] }, booked, shipment)).toBe(false);
    expect(matchesFilters({ eventType: ['TRANSPORT', 'EQUIPMENT'] }, load, shipment)).toBe(true);
    expect(matchesFilters({ transportEventTypeCode: ['ARRI'] }, dep, shipment)).toBe(false);
    expect(matchesFilters({ transportEventTypeCode: ['ARRI', 'DEPA'] }, dep, shipment)).toBe(true);
    expect(matchesFilters({ transportEventTypeCode: ['DEPA'] }, load, shipment)).toBe(false);
    expect(
      matchesFilters({ shipmentEventTypeCode: ['CONF'], documentTypeCode: ['BKG'] }, booked, shipment),
    ).toBe(true);
    expect(
      matchesFilters({ shipmentEventTypeCode: ['CONF'], documentTypeCode: ['TRD'] }, booked, shipment),
    ).toBe(false);
  });

  it('matches references of the shipment and the place of the event', () => {
    expect(matchesFilters({ carrierBookingReference: 'abc709951' }, dep, shipment)).toBe(true);
    expect(matchesFilters({ carrierBookingReference: 'OTHER' }, dep, shipment)).toBe(false);
    expect(matchesFilters({ transportDocumentReference: 'MAEU2411000231' }, dep, shipment)).toBe(true);
    expect(matchesFilters({ equipmentReference: 'APZU4812090' }, booked, shipment)).toBe(true);
    expect(matchesFilters({ equipmentReference: 'MAEU1234567' }, load, shipment)).toBe(false);
    expect(matchesFilters({ UNLocationCode: 'CNSHA' }, dep, shipment)).toBe(true);
    expect(matchesFilters({ UNLocationCode: 'DEHAM' }, dep, shipment)).toBe(false);
    expect(matchesFilters({ UNLocationCode: 'CNSHA' }, booked, shipment)).toBe(false);
  });
});

describe('remarks', () => {
  it('publishes a carrier’s change remark but not the remark our staff wrote on a hand-entered milestone', () => {
    const stored = {
      id: '0195f0f0-0000-7000-8000-000000000001',
      eventCode: 'DEPARTED',
      classifier: 'ACT',
      eventTimeText: '2026-11-20T08:00:00+08:00',
      location: 'CNSHA',
      locationName: null,
      sourceCode: null,
      details: { remark: '内部备注：司机电话 13800138000' },
      retracted: false,
      updatedAt: new Date('2026-11-20T00:05:00Z'),
    };
    const shipment = {
      number: 'LS2611000001',
      houseBl: 'HBL1',
      masterBl: null,
      awb: null,
      bookingRef: null,
      containers: [],
    };
    const manual = toDcsa22({ ...stored, source: 'manual' }, shipment as never);
    expect(JSON.stringify(manual)).not.toContain('13800138000');
    const carrier = toDcsa22(
      { ...stored, source: 'dcsa:MAEU', details: { remark: 'Vessel omitted port' } },
      shipment as never,
    );
    expect(carrier).toMatchObject({ changeRemark: 'Vessel omitted port' });
  });
});
