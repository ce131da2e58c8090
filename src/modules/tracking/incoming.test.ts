import { describe, expect, it } from 'vitest';
import { checkIncoming, compareBytes, contentKey } from './incoming.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const base = {
  shipmentRef: 'MAEU2411000231',
  eventCode: 'DEPARTED',
  classifier: 'ACT',
  eventTime: '2026-03-14T09:30:00+08:00',
  location: 'CNSHA',
  source: 'dcsa:MAEU',
  sourceEventId: 'e-1',
  updatedAt: '2026-03-14T09:35:00+08:00',
};

describe('checkIncoming', () => {
  it('normalises a valid event: UN/LOCODE without space, version in ms, trimmed reference', () => {
    const result = checkIncoming({ ...base, location: 'cn sha', shipmentRef: '  MAEU2411000231 ' }, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event).toMatchObject({
      location: 'CNSHA',
      shipmentRef: 'MAEU2411000231',
      updatedText: '2026-03-14T09:35:00+08:00',
      updatedMs: Date.parse('2026-03-14T01:35:00Z'),
      eventTimeMs: Date.parse('2026-03-14T01:30:00Z'),
      retracted: false,
    });
  });

  it('stamps an event without a version with the ingestion time and marks it', () => {
    const { updatedAt: _u, ...unversioned } = base;
    const result = checkIncoming(unversioned, NOW);
    expect(result.ok && result.event.updatedText).toBe('');
    expect(result.ok && result.event.updatedMs).toBe(NOW);
  });

  it('gives every problem of an event, each naming its field', () => {
    const result = checkIncoming(
      {
        ...base,
        eventCode: 'TELEPORTED',
        classifier: 'X',
        eventTime: '2026-02-30T10:00:00Z',
        location: 'Shanghai',
        updatedAt: 'yesterday',
        colour: 'red',
        details: [1],
      },
      NOW,
    );
    expect(result.ok).toBe(false);
    const reasons = result.ok ? [] : result.reason.split('; ');
    expect(reasons.map((r) => r.split(':')[0]).sort()).toEqual(
      ['classifier', 'colour', 'details', 'eventCode', 'eventTime', 'location', 'updatedAt'].sort(),
    );
  });

  it('needs a shipment unless the event is a retraction of a known identity', () => {
    const { shipmentRef: _r, ...noShipment } = base;
    expect(checkIncoming(noShipment, NOW)).toEqual({
      ok: false,
      reason: 'shipmentId or shipmentRef: required',
    });
    const retraction = checkIncoming({ source: 'dcsa:MAEU', sourceEventId: 'e-1', retracted: true }, NOW);
    expect(retraction.ok).toBe(true);
    expect(checkIncoming({ ...base, shipmentId: 'not-a-uuid' }, NOW)).toMatchObject({
      ok: false,
      reason: 'shipmentId: must be a UUID',
    });
    expect(checkIncoming(null, NOW)).toEqual({ ok: false, reason: 'event: must be an object' });
  });
});

describe('contentKey', () => {
  it('is empty for retractions and orders contents byte-wise like PostgreSQL "C"', () => {
    const key = (eventTimeText: string, retracted = false) =>
      contentKey({
        shipmentId: 's',
        eventCode: 'ARRIVED',
        classifier: 'EST',
        eventTimeText,
        location: null,
        retracted,
      });
    expect(key('2026-01-01T00:00:00Z', true)).toBe('');
    expect(compareBytes(key('2026-01-02T00:00:00Z'), key('2026-01-01T00:00:00Z'))).toBeGreaterThan(0);
    // Byte order, not locale order: 'Z' (0x5A) sorts before 'a' (0x61).
    expect(compareBytes('Z', 'a')).toBeLessThan(0);
  });
});
