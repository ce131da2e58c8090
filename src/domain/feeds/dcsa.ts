import { isUnLocode } from '../identifiers.ts';
import { EVENT_CLASSIFIERS, type EventClassifier, type EventCode, parseZonedTime } from '../milestones.ts';
import type { AdapterResult, IncomingEvent } from './types.ts';

/**
 * DCSA Track & Trace adapter: carrier events → the internal milestone model.
 *
 * Sources (public specifications, Apache 2.0):
 * - T&T 2.2.0 — https://app.swaggerhub.com/apis-docs/dcsaorg/DCSA_TNT/2.2.0 and
 *   https://github.com/dcsaorg/DCSA-OpenAPI/blob/master/tnt/v2/tnt_v2.2.0.yaml (events are a flat
 *   JSON array; SHIPMENT / TRANSPORT / EQUIPMENT with `eventClassifierCode` PLN/EST/ACT,
 *   `eventDateTime`, `eventCreatedDateTime`, `transportCall`, `documentReferences`, `references`).
 *   Information Model 3.3: https://dcsa.org/wp-content/uploads/2021/10/202108_DCSA_P1_Information-Model-v3.3_TNT22_Final.pdf
 * - T&T 3.0.0 (design snapshots 2025, https://github.com/dcsaorg/Conformance-Gateway —
 *   specifications/…/standards/tnt/v300): pushed with `POST /events` and a body `{events: […]}`; an
 *   event with the same `eventID` and a later `eventUpdatedDateTime` overrides the earlier one, and
 *   `isRetracted: true` withdraws it. Codes come as the four-letter codes (ARRI) or, from some
 *   publishers, as full words (ARRIVED); `eventDateTime` may be a classified date-time
 *   `{value, classifier}`; references as `relatedDocumentReferences: [{typeCode, reference}]`.
 *
 * Mapping to internal EventCode (src/domain/milestones.ts):
 *
 * | DCSA                                  | internal          |
 * |---------------------------------------|-------------------|
 * | TRANSPORT ARRI (ARRIVED)              | ARRIVED           |
 * | TRANSPORT DEPA (DEPARTED)             | DEPARTED          |
 * | EQUIPMENT LOAD (LOADED)               | LOADED            |
 * | EQUIPMENT DISC (DISCHARGED)           | DISCHARGED        |
 * | EQUIPMENT GTIN (GATED_IN)             | GATE_IN           |
 * | EQUIPMENT GTOT (GATED_OUT)            | GATE_OUT          |
 * | EQUIPMENT STUF (STUFFED)              | STUFFED           |
 * | EQUIPMENT STRP (STRIPPED)             | STRIPPED          |
 * | EQUIPMENT PICK (PICKED_UP)            | PICKED_UP         |
 * | EQUIPMENT DROP (DROPPED_OFF)          | DROPPED_OFF       |
 * | EQUIPMENT INSP / RSEA / RMVD          | INSPECTED         |
 * | SHIPMENT CONF of BKG / CBR            | BOOKED            |
 * | SHIPMENT HOLD (ON_HOLD)               | HOLD (exception)  |
 * | SHIPMENT RELS of CUS                  | CUSTOMS_RELEASED  |
 * | SHIPMENT RELS of any other document   | RELEASED          |
 * | SHIPMENT RECE DRFT PENA PENU REJE APPR ISSU SURR SUBM VOID CMPL REQS, CONF of other documents | DOCUMENT_STATUS |
 *
 * The DCSA code is kept as `sourceCode` (e.g. `EQUIPMENT:GTIN`, `SHIPMENT:TRD:ISSU`) and the rest
 * (vessel, voyage, equipment, documents, references, reasons) in `details`.
 *
 * Shipment reference: the transport document reference (B/L), else the carrier booking reference,
 * else the equipment reference (container); the other references are listed in
 * `details.alternateRefs` for a second lookup. `sourceEventId` = `eventID`. Version (`updatedAt`):
 * 3.0 `eventUpdatedDateTime`, else `eventCreatedDateTime` (2.2 has no update time: a carrier
 * re-publishing a corrected event creates it anew).
 */

export interface DcsaOptions {
  /** Source label stored on the events, e.g. `dcsa:MAEU`. */
  source: string;
}

/** The payload is neither a 2.2 array of events nor a 3.0 `{events: […]}` object (answer 400). */
export class DcsaPayloadError extends Error {
  override name = 'DcsaPayloadError';
}

export type DcsaEventType = 'SHIPMENT' | 'TRANSPORT' | 'EQUIPMENT';
export const DCSA_EVENT_TYPES: readonly DcsaEventType[] = ['SHIPMENT', 'TRANSPORT', 'EQUIPMENT'];

export const TRANSPORT_EVENT_TYPE_CODES = ['ARRI', 'DEPA'] as const;
export const EQUIPMENT_EVENT_TYPE_CODES = [
  'LOAD',
  'DISC',
  'GTIN',
  'GTOT',
  'STUF',
  'STRP',
  'PICK',
  'DROP',
  'INSP',
  'RSEA',
  'RMVD',
] as const;
export const SHIPMENT_EVENT_TYPE_CODES = [
  'RECE',
  'DRFT',
  'PENA',
  'PENU',
  'REJE',
  'APPR',
  'ISSU',
  'SURR',
  'SUBM',
  'VOID',
  'CONF',
  'REQS',
  'CMPL',
  'HOLD',
  'RELS',
] as const;
export const DOCUMENT_TYPE_CODES = [
  'CBR',
  'BKG',
  'SHI',
  'SRM',
  'TRD',
  'ARN',
  'VGM',
  'CAS',
  'CUS',
  'DGD',
  'OOG',
] as const;

/** Full-word spellings (3.0 publishers) → four-letter codes. */
const WORDS: Record<string, string> = {
  ARRIVED: 'ARRI',
  ARRIVAL: 'ARRI',
  DEPARTED: 'DEPA',
  DEPARTURE: 'DEPA',
  LOADED: 'LOAD',
  DISCHARGED: 'DISC',
  GATED_IN: 'GTIN',
  GATE_IN: 'GTIN',
  GATED_OUT: 'GTOT',
  GATE_OUT: 'GTOT',
  STUFFED: 'STUF',
  STRIPPED: 'STRP',
  PICKED_UP: 'PICK',
  PICK_UP: 'PICK',
  DROPPED_OFF: 'DROP',
  DROP_OFF: 'DROP',
  INSPECTED: 'INSP',
  RESEALED: 'RSEA',
  REMOVED: 'RMVD',
  RECEIVED: 'RECE',
  DRAFTED: 'DRFT',
  PENDING_APPROVAL: 'PENA',
  PENDING_UPDATE: 'PENU',
  REJECTED: 'REJE',
  APPROVED: 'APPR',
  ISSUED: 'ISSU',
  SURRENDERED: 'SURR',
  SUBMITTED: 'SUBM',
  VOIDED: 'VOID',
  CONFIRMED: 'CONF',
  REQUESTED: 'REQS',
  COMPLETED: 'CMPL',
  ON_HOLD: 'HOLD',
  RELEASED: 'RELS',
};
const CLASSIFIER_WORDS: Record<string, EventClassifier> = {
  PLANNED: 'PLN',
  ESTIMATED: 'EST',
  ACTUAL: 'ACT',
};

const EQUIPMENT_MAP: Record<(typeof EQUIPMENT_EVENT_TYPE_CODES)[number], EventCode> = {
  LOAD: 'LOADED',
  DISC: 'DISCHARGED',
  GTIN: 'GATE_IN',
  GTOT: 'GATE_OUT',
  STUF: 'STUFFED',
  STRP: 'STRIPPED',
  PICK: 'PICKED_UP',
  DROP: 'DROPPED_OFF',
  INSP: 'INSPECTED',
  RSEA: 'INSPECTED',
  RMVD: 'INSPECTED',
};

/** The internal code of a DCSA shipment event (document status) for a document type. */
export function shipmentEventCode(code: string, documentTypeCode: string | null): EventCode {
  if (code === 'HOLD') return 'HOLD';
  if (code === 'RELS') return documentTypeCode === 'CUS' ? 'CUSTOMS_RELEASED' : 'RELEASED';
  if (code === 'CONF' && (documentTypeCode === 'BKG' || documentTypeCode === 'CBR')) return 'BOOKED';
  return 'DOCUMENT_STATUS';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** Normalises a code as sent: trimmed, upper-case, words joined by underscores. */
function normCode(v: unknown): string | null {
  const s = str(v);
  return s ? s.toUpperCase().replace(/[\s-]+/g, '_') : null;
}

/**
 * Date-times as some publishers write them (ISO 8601 basic offsets `+0100`, a lower-case `z`) in
 * the extended form the internal model stores (`+01:00`, `Z`); anything else is left as it is.
 */
function zoned(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  const basic = /^(.*T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([+-])(\d{2})(\d{2})$/.exec(s);
  if (basic) return `${basic[1]}${basic[2]}${basic[3]}:${basic[4]}`;
  return /T.*z$/.test(s) ? `${s.slice(0, -1)}Z` : s;
}

/** The events of a DCSA payload and the spec version their envelope says. */
export function dcsaEventsOf(payload: unknown): { version: '2.2' | '3.0'; events: unknown[] } {
  if (Array.isArray(payload)) return { version: '2.2', events: payload };
  if (isObject(payload) && Array.isArray(payload.events)) return { version: '3.0', events: payload.events };
  throw new DcsaPayloadError(
    'The body must be a DCSA T&T 2.2 array of events or a 3.0 object {"events": [...]}.',
  );
}

/** Maps a DCSA payload (2.2 array or 3.0 `{events}`) to one AdapterResult per event, in order. */
export function fromDcsa(payload: unknown, options: DcsaOptions): AdapterResult[] {
  const { events } = dcsaEventsOf(payload);
  return events.map((raw, index) => {
    const mapped = mapDcsaEvent(raw, options);
    return 'reason' in mapped
      ? { index, ok: false as const, reason: mapped.reason, raw }
      : { index, ok: true as const, event: mapped.event, raw };
  });
}

/** The first value found at any of these paths (dot-separated) of an object, and its path. */
function pickWithPath(obj: Json, ...paths: string[]): [string, unknown] {
  for (const path of paths) {
    let cur: unknown = obj;
    for (const key of path.split('.')) {
      cur = isObject(cur) ? cur[key] : undefined;
    }
    if (cur !== undefined && cur !== null && cur !== '') return [path, cur];
  }
  return ['', undefined];
}

const pick = (obj: Json, ...paths: string[]): unknown => pickWithPath(obj, ...paths)[1];

interface DocRef {
  type: string;
  value: string;
}

function documentRefs(e: Json): DocRef[] {
  const out: DocRef[] = [];
  for (const list of [e.documentReferences, e.relatedDocumentReferences]) {
    if (!Array.isArray(list)) continue;
    for (const r of list) {
      if (!isObject(r)) continue;
      const type = normCode(r.documentReferenceType ?? r.typeCode ?? r.documentTypeCode);
      const value = str(r.documentReferenceValue ?? r.reference ?? r.documentReference);
      if (type && value) out.push({ type, value });
    }
  }
  return out;
}

function otherRefs(e: Json): DocRef[] {
  const out: DocRef[] = [];
  for (const list of [e.references, e.shipmentReferences]) {
    if (!Array.isArray(list)) continue;
    for (const r of list) {
      if (!isObject(r)) continue;
      const type = normCode(r.referenceType ?? r.typeCode);
      const value = str(r.referenceValue ?? r.reference);
      if (type && value) out.push({ type, value });
    }
  }
  return out;
}

/** Maps one DCSA event; a precise reason when it cannot be. Exported for the provider's tests. */
export function mapDcsaEvent(
  raw: unknown,
  options: DcsaOptions,
): { event: IncomingEvent } | { reason: string } {
  if (!isObject(raw)) return { reason: 'event: must be a JSON object' };
  const e = raw;
  const problems: string[] = [];

  const eventId = str(e.eventID);
  if (!eventId) problems.push('eventID: required (identifies the event across re-sends and updates)');

  // Version of the event: 3.0 eventUpdatedDateTime, else eventCreatedDateTime.
  const updatedField = e.eventUpdatedDateTime !== undefined ? 'eventUpdatedDateTime' : 'eventCreatedDateTime';
  const updatedAt = zoned(e[updatedField]);
  if (updatedAt === undefined || updatedAt === null) {
    problems.push('eventCreatedDateTime: required (or eventUpdatedDateTime in 3.0)');
  } else if (parseZonedTime(updatedAt) === null) {
    problems.push(
      `${updatedField}: must be an ISO 8601 date-time with a zone offset, got ${JSON.stringify(updatedAt)}`,
    );
  }

  let retracted = false;
  if (e.isRetracted !== undefined && e.isRetracted !== null) {
    if (typeof e.isRetracted !== 'boolean') problems.push('isRetracted: must be true or false');
    else retracted = e.isRetracted;
  }

  // Event type: 2.2 eventType; 3.0 may carry it as eventTypeCode.
  let eventType = normCode(e.eventType);
  const eventTypeCode = normCode(e.eventTypeCode);
  if (!eventType && eventTypeCode && (DCSA_EVENT_TYPES as readonly string[]).includes(eventTypeCode)) {
    eventType = eventTypeCode;
  }

  // The type-specific code: 2.2 flat fields, 3.0 nested details, or the deprecated eventTypeCode.
  const codeOf = (field: string, nested: string[]) =>
    normCode(pick(e, field, ...nested.map((n) => `${n}.${field}`)));
  let transportCode = codeOf('transportEventTypeCode', ['transportEventInfo', 'transportEventDetails']);
  let equipmentCode = codeOf('equipmentEventTypeCode', ['equipmentEventInfo', 'equipmentEventDetails']);
  let shipmentCode = codeOf('shipmentEventTypeCode', ['shipmentEventInfo', 'shipmentEventDetails']);
  if (!eventType) {
    eventType = transportCode ? 'TRANSPORT' : equipmentCode ? 'EQUIPMENT' : shipmentCode ? 'SHIPMENT' : null;
  }
  const legacy = eventTypeCode && eventTypeCode !== eventType ? eventTypeCode : null;
  if (eventType === 'TRANSPORT') transportCode ??= legacy;
  if (eventType === 'EQUIPMENT') equipmentCode ??= legacy;
  if (eventType === 'SHIPMENT') shipmentCode ??= legacy;

  const documentTypeCode = normCode(
    pick(
      e,
      'documentTypeCode',
      'shipmentEventInfo.documentTypeCode',
      'shipmentEventDetails.documentTypeCode',
    ),
  );

  let eventCode: EventCode | null = null;
  let sourceCode: string | null = null;
  const codeProblem = (field: string, got: string | null, allowed: readonly string[]) =>
    got === null
      ? `${field}: required for ${eventType} events`
      : `${field}: unknown code ${JSON.stringify(got)}; expected one of ${allowed.join(', ')} (or their full-word forms)`;

  if (eventType === 'TRANSPORT') {
    const code = transportCode ? (WORDS[transportCode] ?? transportCode) : null;
    if (code === 'ARRI' || code === 'DEPA') {
      eventCode = code === 'ARRI' ? 'ARRIVED' : 'DEPARTED';
      sourceCode = `TRANSPORT:${code}`;
    } else {
      if (!retracted)
        problems.push(codeProblem('transportEventTypeCode', transportCode, TRANSPORT_EVENT_TYPE_CODES));
    }
  } else if (eventType === 'EQUIPMENT') {
    const code = equipmentCode ? (WORDS[equipmentCode] ?? equipmentCode) : null;
    if (code && code in EQUIPMENT_MAP) {
      eventCode = EQUIPMENT_MAP[code as keyof typeof EQUIPMENT_MAP];
      sourceCode = `EQUIPMENT:${code}`;
    } else {
      if (!retracted)
        problems.push(codeProblem('equipmentEventTypeCode', equipmentCode, EQUIPMENT_EVENT_TYPE_CODES));
    }
  } else if (eventType === 'SHIPMENT') {
    const code = shipmentCode ? (WORDS[shipmentCode] ?? shipmentCode) : null;
    if (code && (SHIPMENT_EVENT_TYPE_CODES as readonly string[]).includes(code)) {
      if (documentTypeCode && !(DOCUMENT_TYPE_CODES as readonly string[]).includes(documentTypeCode)) {
        problems.push(
          `documentTypeCode: unknown code ${JSON.stringify(documentTypeCode)}; expected one of ${DOCUMENT_TYPE_CODES.join(', ')}`,
        );
      } else {
        eventCode = shipmentEventCode(code, documentTypeCode);
        sourceCode = `SHIPMENT:${documentTypeCode ?? '-'}:${code}`;
      }
    } else {
      if (!retracted)
        problems.push(codeProblem('shipmentEventTypeCode', shipmentCode, SHIPMENT_EVENT_TYPE_CODES));
    }
  } else if (!retracted) {
    problems.push(
      `eventType: must be SHIPMENT, TRANSPORT or EQUIPMENT, got ${JSON.stringify(e.eventType ?? e.eventTypeCode ?? null)}`,
    );
  }

  // When: 2.2 eventDateTime string + eventClassifierCode; 3.0 may nest {value, classifier}.
  const dt = e.eventDateTime;
  const eventTime = zoned(isObject(dt) ? (dt.value ?? dt.dateTime) : dt);
  const rawClassifier = normCode(
    pick(e, 'eventClassifierCode', 'eventDateTime.classifier', 'eventDateTime.eventClassifierCode'),
  );
  const classifier = rawClassifier ? (CLASSIFIER_WORDS[rawClassifier] ?? rawClassifier) : null;
  const classifierOk = classifier !== null && (EVENT_CLASSIFIERS as readonly string[]).includes(classifier);
  if (!retracted) {
    if (!classifierOk) {
      problems.push(
        classifier === null
          ? 'eventClassifierCode: required (PLN, EST or ACT)'
          : `eventClassifierCode: must be PLN, EST or ACT, got ${JSON.stringify(rawClassifier)}`,
      );
    } else if (eventType === 'SHIPMENT' && classifier !== 'ACT') {
      problems.push(
        `eventClassifierCode: shipment events are always ACT in DCSA T&T (a document status is not planned), got ${classifier}`,
      );
    }
    if (eventTime === undefined || eventTime === null) problems.push('eventDateTime: required');
    else if (parseZonedTime(eventTime) === null)
      problems.push(
        `eventDateTime: must be an ISO 8601 date-time with a zone offset, got ${JSON.stringify(eventTime)}`,
      );
  }

  // Where: transportCall (2.2 flat UNLocationCode or its location), else eventLocation.
  const tcPaths = [
    'transportCall',
    'transportEventDetails.transportCall',
    'transportEventInfo.transportCall',
  ];
  const [locField, unloc] = pickWithPath(
    e,
    ...tcPaths.flatMap((t) => [`${t}.UNLocationCode`, `${t}.location.UNLocationCode`]),
    'eventLocation.UNLocationCode',
    'location.UNLocationCode',
  );
  let location: string | null = null;
  if (unloc !== undefined) {
    const code = typeof unloc === 'string' ? unloc.replace(/\s+/g, '').toUpperCase() : null;
    if (code && isUnLocode(code)) location = code;
    else if (!retracted)
      problems.push(`${locField}: ${JSON.stringify(unloc)} is not a UN/LOCODE such as CNSHA`);
  }
  const locationName =
    str(
      pick(
        e,
        'eventLocation.locationName',
        ...tcPaths.flatMap((t) => [`${t}.location.locationName`, `${t}.otherFacility`]),
        'eventLocation.facilityCode',
        ...tcPaths.map((t) => `${t}.facilityCode`),
      ),
    ) ?? null;

  // Which shipment: B/L, else booking, else container; the rest as alternates.
  const docs = documentRefs(e);
  const refs = otherRefs(e);
  const documentId = str(
    pick(e, 'documentID', 'shipmentEventInfo.documentID', 'shipmentEventDetails.documentID'),
  );
  const equipmentReference = str(
    pick(
      e,
      'equipmentReference',
      'equipmentEventInfo.equipmentReference',
      'equipmentEventDetails.equipmentReference',
    ),
  );
  const tdr =
    str(e.transportDocumentReference) ??
    (documentTypeCode === 'TRD' ? documentId : null) ??
    docs.find((d) => d.type === 'TRD')?.value ??
    null;
  const booking =
    str(e.carrierBookingReference) ??
    (documentTypeCode === 'BKG' ? documentId : null) ??
    docs.find((d) => d.type === 'BKG')?.value ??
    null;
  const candidates = [
    tdr,
    booking,
    equipmentReference,
    ...docs.map((d) => d.value),
    documentId,
    ...refs.map((r) => r.value),
  ].filter((v): v is string => !!v);
  const ordered = [...new Set(candidates)];
  const shipmentRef = ordered[0];
  if (!shipmentRef && !retracted) {
    problems.push(
      'transportDocumentReference: no shipment reference (transport document, carrier booking, equipment reference or documentReferences)',
    );
  }

  if (problems.length > 0) return { reason: problems.join('; ') };

  const details: Record<string, unknown> = { dcsaEventType: eventType };
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') details[key] = value;
  };
  const tc = pick(e, ...tcPaths);
  if (isObject(tc)) {
    const vessel = isObject(tc.vessel) ? tc.vessel : null;
    put('transportCallID', str(tc.transportCallID));
    put('modeOfTransport', str(tc.modeOfTransport));
    put('carrierServiceCode', str(tc.carrierServiceCode));
    put('voyage', str(tc.exportVoyageNumber) ?? str(tc.carrierVoyageNumber));
    put('importVoyage', str(tc.importVoyageNumber));
    put('facilityCode', str(tc.facilityCode));
    put('facilityTypeCode', str(tc.facilityTypeCode));
    put('vesselName', vessel ? str(vessel.vesselName) : null);
    put('vesselIMONumber', vessel ? str(vessel.vesselIMONumber) : null);
    put('transportCallSequenceNumber', tc.transportCallSequenceNumber);
  }
  put('equipmentReference', equipmentReference);
  put('ISOEquipmentCode', str(e.ISOEquipmentCode));
  put('emptyIndicatorCode', str(e.emptyIndicatorCode));
  put('documentTypeCode', documentTypeCode);
  put('documentID', documentId);
  put('transportDocumentReference', tdr);
  put('carrierBookingReference', booking);
  put('reason', str(e.reason));
  put('delayReasonCode', str(e.delayReasonCode));
  put('remark', str(e.changeRemark) ?? str(e.vesselScheduleChangeRemark));
  if (docs.length > 0) details.documentReferences = docs;
  if (refs.length > 0) details.references = refs;
  if (Array.isArray(e.seals) && e.seals.length > 0) details.seals = e.seals;
  if (ordered.length > 1) details.alternateRefs = ordered.slice(1);

  const event: IncomingEvent = {
    // A retraction may come without codes; it only needs its identity (the stored event keeps its own).
    eventCode: eventCode ?? 'DOCUMENT_STATUS',
    classifier: classifierOk ? (classifier as EventClassifier) : 'ACT',
    eventTime: parseZonedTime(eventTime) !== null ? (eventTime as string) : (updatedAt as string),
    location,
    locationName,
    source: options.source,
    sourceEventId: eventId!,
    updatedAt: updatedAt as string,
    ...(shipmentRef ? { shipmentRef } : {}),
    ...(retracted ? { retracted: true } : {}),
    ...(sourceCode ? { sourceCode } : {}),
    details,
  };
  return { event };
}
