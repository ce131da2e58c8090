import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '../milestones.ts';
import { fromIata, localToZonedIso } from './iata.ts';
import type { AdapterResult, IncomingEvent } from './types.ts';

// Fixtures written from the IATA Cargo-IMP FSU layout (consignment line, status lines, '/'
// continuation lines) and the Cargo-XML XFSU StatusMessage (iata:statusmessage:1 with the
// iata:datamodel:3 ram: elements): see the comment at the top of iata.ts.
const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/iata/${name}`, import.meta.url), 'utf8');
const now = new Date('2026-03-20T00:00:00Z');

const events = (results: AdapterResult[]): IncomingEvent[] =>
  results.map((r) => {
    if (!r.ok) throw new Error(`unexpected failure: ${r.reason}`);
    return r.event;
  });

/** The adapter's events are valid input of the milestone model (as the ingestion will check). */
function assertValidForModel(e: IncomingEvent) {
  const errors = validateEvent({ ...e, id: 'x', shipmentKey: e.shipmentRef, updatedAt: e.updatedAt });
  expect(errors).toEqual([]);
}

describe('fromIata — FSU text', () => {
  it('maps a whole SIN→LHR journey, one event per status line, in station-local time', () => {
    const list = events(fromIata(fixture('fsu-sin-lhr.txt'), { now }));
    expect(list.map((e) => [e.sourceCode, e.eventCode, e.classifier, e.eventTime, e.location])).toEqual([
      ['BKD', 'DEPARTED', 'PLN', '2026-03-14T23:30:00+08:00', 'SGSIN'],
      ['RCS', 'RECEIVED', 'ACT', '2026-03-14T09:30:00+08:00', 'SGSIN'],
      ['MAN', 'LOADED', 'ACT', '2026-03-14T00:00:00+08:00', 'SGSIN'],
      ['DEP', 'DEPARTED', 'ACT', '2026-03-14T23:42:00+08:00', 'SGSIN'],
      ['ARR', 'ARRIVED', 'ACT', '2026-03-15T06:22:00+00:00', 'GBLHR'],
      ['RCF', 'DISCHARGED', 'ACT', '2026-03-15T08:10:00+00:00', 'GBLHR'],
      ['CCD', 'CUSTOMS_RELEASED', 'ACT', '2026-03-15T10:45:00+00:00', 'GBLHR'],
      ['NFD', 'OUT_FOR_DELIVERY', 'ACT', '2026-03-15T11:30:00+00:00', 'GBLHR'],
      ['AWD', 'DOCUMENT_STATUS', 'ACT', '2026-03-15T14:00:00+00:00', 'GBLHR'],
      ['DLV', 'DELIVERED', 'ACT', '2026-03-16T10:15:00+00:00', 'GBLHR'],
    ]);
    for (const e of list) {
      expect(e.shipmentRef).toBe('020-12345675');
      expect(e.source).toBe('iata');
      expect(e.updatedAt).toBe(e.eventTime);
      assertValidForModel(e);
    }
    const dep = list[3]!;
    expect(dep.details).toMatchObject({
      flight: 'LH9783',
      pieces: 10,
      weight: 200,
      weightUnit: 'KGM',
      timeIndicator: 'A',
    });
    expect(list[2]!.details).toMatchObject({ timePrecision: 'day' });
    expect(list[9]!.details).toMatchObject({ name: 'J SMITH' });
    // Every status has its own stable id.
    expect(new Set(list.map((e) => e.sourceEventId)).size).toBe(list.length);
  });

  it('gives the same ids when the message is sent again (idempotent re-sends)', () => {
    const a = events(fromIata(fixture('fsu-sin-lhr.txt'), { now }));
    const b = events(fromIata(fixture('fsu-sin-lhr.txt').replace(/\n/g, '\r\n'), { now }));
    expect(b.map((e) => e.sourceEventId)).toEqual(a.map((e) => e.sourceEventId));
  });

  it('maps DIS lines by discrepancy code and keeps continuation lines as the remark', () => {
    const list = events(fromIata(fixture('fsu-discrepancy.txt'), { now }));
    expect(list.map((e) => [e.eventCode, e.details?.discrepancyCode])).toEqual([
      ['LOST', 'MSCA'],
      ['DAMAGED', 'DMGD'],
      ['RECEIVED', 'FDCA'],
    ]);
    expect(list[0]!.details).toMatchObject({
      remark: '2 PCS NOT FOUND ON ARRIVAL',
      pieces: 2,
      shipmentDescription: 'P',
    });
    expect(list[0]!.sourceEventId).not.toBe(list[1]!.sourceEventId);
  });

  it('rejects bad status lines with a precise reason and keeps the good ones', () => {
    const results = fromIata(fixture('fsu-invalid-lines.txt'), { now });
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
      'line 3: DEP: 31FEB is not a date (day 31 of FEB)',
      expect.stringMatching(/^line 4: ARR: time zone of station XYZ is unknown/),
      expect.stringMatching(/^line 5: status code XXX is not mapped/),
      'line 6: DEP: flight missing (carrier code and number, e.g. LH0123)',
      expect.stringMatching(/^line 7: DIS: discrepancy code ABCD is not known/),
      'line 8: RCS: "14XYZ0930": XYZ is not a month (JAN…DEC)',
      'ok',
    ]);
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const last = results[6]!;
    expect(last.ok && last.event.eventCode).toBe('DELIVERED');
  });

  it('rejects an air waybill whose mod-7 check digit is wrong, naming the expected digit', () => {
    const [r] = fromIata(fixture('fsu-bad-awb.txt'), { now });
    expect(r).toMatchObject({ ok: false });
    expect(!r!.ok && r!.reason).toContain('must be 5');
  });

  it('rejects a message without a consignment line or without status lines', () => {
    expect(fromIata('FSU/14\nHELLO', { now })[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('consignment line'),
    });
    expect(fromIata('FSU/14\n020-12345675SINLHR/T10K200\n', { now })[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no status line'),
    });
    expect(fromIata('', { now })[0]).toMatchObject({ ok: false });
  });

  it('reads a batch of several messages behind a Type B envelope, indexes running on', () => {
    const results = fromIata(fixture('fsu-batch-typeb.txt'), { now });
    expect(results.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(results[0]).toMatchObject({
      ok: true,
      event: { shipmentRef: '020-12345675', eventCode: 'DEPARTED' },
    });
    expect(results[1]).toMatchObject({
      ok: true,
      event: {
        shipmentRef: '176-87654324',
        eventCode: 'RECEIVED',
        eventTime: '2026-03-13T16:00:00+08:00',
        location: 'CNPVG',
      },
    });
    expect(results[1]!.ok && results[1]!.event.details).toMatchObject({ remark: 'PVG/DEP ON EK9877' });
    // 176-8765432 mod 7 = 4: the third message's AWB is refused on its own.
    expect(results[2]).toMatchObject({ ok: false, reason: expect.stringContaining('must be 4') });
  });

  it('takes the year nearest to now (a December status read in January is last year)', () => {
    const body = '020-12345675SINLHR/T10K200\nRCS/30DEC0930/SIN/T10K200';
    const [r] = fromIata(body, { now: new Date('2027-01-03T00:00:00Z') });
    expect(r!.ok && r!.event.eventTime).toBe('2026-12-30T09:30:00+08:00');
  });

  it('places an actual status in the past and a plan near now when inferring the year', () => {
    const november = { now: new Date('2026-11-23T00:00:00Z') };
    const [rcs] = fromIata('020-12345675SINLHR/T10K200\nRCS/14MAR0930/SIN/T10K200', november);
    expect(rcs!.ok && rcs!.event.eventTime).toBe('2026-03-14T09:30:00+08:00');
    const [bkd] = fromIata('020-12345675SINLHR/T10K200\nBKD/LH9783/02JAN/SINLHR/T10K200/S2330', november);
    expect(bkd!.ok && bkd!.event.eventTime).toBe('2027-01-02T23:30:00+08:00');
  });

  it('applies daylight saving time of the station', () => {
    expect(localToZonedIso('Europe/London', 2026, 7, 1, 12, 0)).toBe('2026-07-01T12:00:00+01:00');
    expect(localToZonedIso('Europe/London', 2026, 1, 1, 12, 0)).toBe('2026-01-01T12:00:00+00:00');
    expect(localToZonedIso('America/New_York', 2026, 3, 8, 12, 0)).toBe('2026-03-08T12:00:00-04:00');
  });
});

describe('fromIata — XFSU XML', () => {
  it('reads the status, flight and time from a StatusMessage; same id as the FSU of the same status', () => {
    const [dep] = events(fromIata(fixture('xfsu-dep.xml'), { now }));
    expect(dep).toMatchObject({
      shipmentRef: '020-12345675',
      eventCode: 'DEPARTED',
      classifier: 'ACT',
      eventTime: '2026-03-14T23:42:00+08:00',
      location: 'SGSIN',
      sourceCode: 'DEP',
      details: { flight: 'LH9783', pieces: 10, weight: 200 },
    });
    assertValidForModel(dep!);
    const fsuDep = events(fromIata(fixture('fsu-sin-lhr.txt'), { now })).find((e) => e.sourceCode === 'DEP');
    expect(dep!.sourceEventId).toBe(fsuDep!.sourceEventId);
  });

  it('maps a DIS status by DiscrepancyDescriptionCode and rejects an unknown ReasonCode beside it', () => {
    const results = fromIata(fixture('xfsu-dis.xml'), { now });
    expect(results[0]).toMatchObject({
      ok: true,
      event: {
        eventCode: 'LOST',
        eventTime: '2026-03-15T08:15:00Z',
        details: { discrepancyCode: 'MSCA', remark: '2 PCS NOT FOUND ON ARRIVAL' },
      },
    });
    expect(results[1]).toMatchObject({
      ok: false,
      index: 1,
      reason: expect.stringContaining('ZZZ is not mapped'),
    });
  });

  it('reports malformed XML and missing elements precisely', () => {
    expect(fromIata('<rsm:StatusMessage><unclosed>', { now })[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('XFSU'),
    });
    expect(fromIata('<Other/>', { now })[0]).toMatchObject({
      ok: false,
      reason: 'XFSU: root element must be rsm:StatusMessage',
    });
    const noAwb = fixture('xfsu-dep.xml').replace(
      /<ram:TransportContractDocument>[\s\S]*?<\/ram:TransportContractDocument>/,
      '',
    );
    expect(fromIata(noAwb, { now })[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('TransportContractDocument/ID'),
    });
    const badAwb = fixture('xfsu-dep.xml').replace(
      '<ram:ID>020-12345675</ram:ID>\n    </ram:TransportContractDocument>',
      '<ram:ID>020-12345670</ram:ID>\n    </ram:TransportContractDocument>',
    );
    expect(fromIata(badAwb, { now })[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('must be 5'),
    });
  });
});

describe('fromIata — hostile input (QA)', () => {
  const xfsu = (reasonCode: string, time: string, station = 'SIN') =>
    `<rsm:StatusMessage xmlns:rsm="iata:statusmessage:1" xmlns:ram="iata:datamodel:3"><rsm:MasterConsignment>
      <ram:TransportContractDocument><ram:ID>020-12345675</ram:ID></ram:TransportContractDocument>
      <ram:ReportedStatus><ram:ReasonCode>${reasonCode}</ram:ReasonCode><ram:AssociatedStatusConsignment>
        <ram:SpecifiedLogisticsTransportMovement><ram:ID>SQ0322</ram:ID>
          <ram:SpecifiedEvent><ram:OccurrenceDateTime>${time}</ram:OccurrenceDateTime></ram:SpecifiedEvent>
          <ram:SpecifiedLocation><ram:ID>${station}</ram:ID></ram:SpecifiedLocation>
        </ram:SpecifiedLogisticsTransportMovement></ram:AssociatedStatusConsignment></ram:ReportedStatus>
    </rsm:MasterConsignment></rsm:StatusMessage>`;

  it('rejects an XFSU time that is no calendar date or time of day instead of throwing', () => {
    for (const time of ['2026-13-45T09:30:00Z', '2026-02-30T09:30:00+08:00', '2026-03-14T25:10:00Z']) {
      const [result] = fromIata(xfsu('DEP', time), { now });
      expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('OccurrenceDateTime') });
    }
    expect(fromIata(xfsu('DEP', '2026-03-14T09:30:00+15:00'), { now })[0]).toMatchObject({
      ok: false,
      reason: expect.stringContaining('zone offset'),
    });
  });

  it('does not take Object.prototype names for status codes or stations', () => {
    const [line] = fromIata('020-12345675SINLHR\nconstructor/14MAR0930/SIN', { now });
    expect(line).toMatchObject({ ok: false, reason: expect.stringContaining('not a status line') });
    // A station named like a prototype member has no known zone: rejected, not placed at UTC.
    const [station] = fromIata(xfsu('RCS', '2026-03-14T09:30:00', 'toString'), { now });
    expect(station).toMatchObject({ ok: false, reason: expect.stringContaining('station toString') });
  });
});
