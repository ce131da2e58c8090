import type { EventClassifier, EventCode } from '../milestones.ts';

/**
 * Liaison as a DCSA Track & Trace 2.2 publisher: stored milestone events → DCSA 2.2 events for our
 * customers' systems (GET /v2/events and subscription callbacks).
 * Spec: https://app.swaggerhub.com/apis-docs/dcsaorg/DCSA_TNT/2.2.0,
 * https://github.com/dcsaorg/DCSA-OpenAPI/blob/master/tnt/v2/tnt_v2.2.0.yaml.
 *
 * Reverse mapping (an event that came from a DCSA feed keeps its own DCSA code, from `sourceCode`):
 *
 * | internal           | DCSA 2.2                                   |
 * |--------------------|--------------------------------------------|
 * | ARRIVED / DEPARTED | TRANSPORT ARRI / DEPA                      |
 * | LOADED, DISCHARGED | EQUIPMENT LOAD, DISC                       |
 * | GATE_IN, RECEIVED  | EQUIPMENT GTIN (received at the terminal)  |
 * | GATE_OUT, OUT_FOR_DELIVERY | EQUIPMENT GTOT                     |
 * | STUFFED, STRIPPED, PICKED_UP, INSPECTED | EQUIPMENT STUF, STRP, PICK, INSP |
 * | DROPPED_OFF, DELIVERED | EQUIPMENT DROP (dropped at the consignee) |
 * | BOOKED             | SHIPMENT CONF of BKG                       |
 * | HOLD               | SHIPMENT HOLD of CUS                       |
 * | CUSTOMS_RELEASED   | SHIPMENT RELS of CUS                       |
 * | RELEASED           | SHIPMENT RELS of SRM                       |
 *
 * DCSA 2.2 has no code for DAMAGED, LOST, DELIVERY_FAILED, and a DOCUMENT_STATUS that did not come
 * from a DCSA feed has no document code: those are not published. Shipment events are ACT only.
 * Retracted events are not published (2.2 has no retraction).
 */

export type DcsaEventType = 'SHIPMENT' | 'TRANSPORT' | 'EQUIPMENT';

export interface DcsaCode {
  eventType: DcsaEventType;
  /** transportEventTypeCode, equipmentEventTypeCode or shipmentEventTypeCode. */
  code: string;
  /** SHIPMENT only. */
  documentTypeCode?: string;
}

/** Internal code → DCSA 2.2 code for events that did not come from a DCSA feed. */
export const DCSA_OUT: Partial<Record<EventCode, DcsaCode>> = {
  ARRIVED: { eventType: 'TRANSPORT', code: 'ARRI' },
  DEPARTED: { eventType: 'TRANSPORT', code: 'DEPA' },
  LOADED: { eventType: 'EQUIPMENT', code: 'LOAD' },
  DISCHARGED: { eventType: 'EQUIPMENT', code: 'DISC' },
  GATE_IN: { eventType: 'EQUIPMENT', code: 'GTIN' },
  RECEIVED: { eventType: 'EQUIPMENT', code: 'GTIN' },
  GATE_OUT: { eventType: 'EQUIPMENT', code: 'GTOT' },
  OUT_FOR_DELIVERY: { eventType: 'EQUIPMENT', code: 'GTOT' },
  STUFFED: { eventType: 'EQUIPMENT', code: 'STUF' },
  STRIPPED: { eventType: 'EQUIPMENT', code: 'STRP' },
  PICKED_UP: { eventType: 'EQUIPMENT', code: 'PICK' },
  DROPPED_OFF: { eventType: 'EQUIPMENT', code: 'DROP' },
  DELIVERED: { eventType: 'EQUIPMENT', code: 'DROP' },
  INSPECTED: { eventType: 'EQUIPMENT', code: 'INSP' },
  BOOKED: { eventType: 'SHIPMENT', code: 'CONF', documentTypeCode: 'BKG' },
  HOLD: { eventType: 'SHIPMENT', code: 'HOLD', documentTypeCode: 'CUS' },
  CUSTOMS_RELEASED: { eventType: 'SHIPMENT', code: 'RELS', documentTypeCode: 'CUS' },
  RELEASED: { eventType: 'SHIPMENT', code: 'RELS', documentTypeCode: 'SRM' },
};

/** `sourceCode` written by the DCSA adapter: TRANSPORT:ARRI, EQUIPMENT:GTIN, SHIPMENT:TRD:ISSU. */
export const DCSA_SOURCE_CODE_RE = /^(TRANSPORT|EQUIPMENT):([A-Z]{4})$|^SHIPMENT:([A-Z]{3}|-):([A-Z]{4})$/;

/** The DCSA 2.2 type and code of a stored event, or null when 2.2 cannot express it. */
export function dcsaCodeOf(event: {
  eventCode: string;
  classifier: string;
  sourceCode?: string | null;
}): DcsaCode | null {
  let out: DcsaCode | null = null;
  const m = event.sourceCode ? DCSA_SOURCE_CODE_RE.exec(event.sourceCode) : null;
  if (m) {
    out = m[1]
      ? { eventType: m[1] as DcsaEventType, code: m[2]! }
      : {
          eventType: 'SHIPMENT',
          code: m[4]!,
          ...(m[3] && m[3] !== '-' ? { documentTypeCode: m[3] } : {}),
        };
  } else {
    out = DCSA_OUT[event.eventCode as EventCode] ?? null;
  }
  if (out?.eventType === 'SHIPMENT' && event.classifier !== 'ACT') return null;
  return out;
}

/** What toDcsa22 reads of a stored tracking event (a tracking_events row). */
export interface StoredEvent {
  id: string;
  eventCode: string;
  classifier: string;
  /** The event time as the source wrote it, with its zone offset. */
  eventTimeText: string;
  location: string | null;
  locationName: string | null;
  sourceCode: string | null;
  /** Where it came from (manual, pod, dcsa:…); staff-entered remarks are not published. */
  source?: string;
  details: Record<string, unknown>;
  retracted: boolean;
  /** When this version was stored: the 2.2 eventCreatedDateTime. */
  updatedAt: Date;
}

/** What toDcsa22 reads of the shipment. */
export interface ShipmentRefs {
  number: string;
  mode: string;
  houseBl: string | null;
  masterBl: string | null;
  bookingRef: string | null;
  awb: string | null;
  containers: string[];
  orderNo: string | null;
  customerReference: string | null;
}

export type Dcsa22Event = Record<string, unknown> & {
  eventID: string;
  eventType: DcsaEventType;
  eventClassifierCode: EventClassifier;
};

const MODE_OF_TRANSPORT: Record<string, string> = {
  sea: 'VESSEL',
  rail: 'RAIL',
  road: 'TRUCK',
  distribution: 'TRUCK',
};

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The shipment's transport document: house B/L, else master B/L, else the air waybill. */
export const transportDocumentOf = (s: ShipmentRefs) => s.houseBl ?? s.masterBl ?? s.awb ?? null;

/** Sources of milestones entered by our own staff (manual entry, POD). */
const STAFF_SOURCES = ['manual', 'pod'];

/** The stored event as a DCSA T&T 2.2 event, or null when 2.2 cannot express it (see the table). */
export function toDcsa22(event: StoredEvent, shipment: ShipmentRefs): Dcsa22Event | null {
  if (event.retracted) return null;
  const dcsa = dcsaCodeOf(event);
  if (!dcsa) return null;
  const d = event.details ?? {};
  const tdr = transportDocumentOf(shipment);
  const documentReferences = [
    ...(shipment.bookingRef
      ? [{ documentReferenceType: 'BKG', documentReferenceValue: shipment.bookingRef }]
      : []),
    ...(tdr ? [{ documentReferenceType: 'TRD', documentReferenceValue: tdr }] : []),
  ];
  const references = [
    { referenceType: 'FF', referenceValue: shipment.number },
    ...(shipment.customerReference
      ? [{ referenceType: 'CR', referenceValue: shipment.customerReference }]
      : []),
    ...(shipment.orderNo ? [{ referenceType: 'PO', referenceValue: shipment.orderNo }] : []),
  ];
  const base = {
    eventID: event.id,
    eventType: dcsa.eventType,
    eventCreatedDateTime: event.updatedAt.toISOString(),
    eventClassifierCode: event.classifier as EventClassifier,
    eventDateTime: event.eventTimeText,
  };

  if (dcsa.eventType === 'SHIPMENT') {
    const documentTypeCode = dcsa.documentTypeCode ?? text(d.documentTypeCode) ?? 'TRD';
    const documentID =
      text(d.documentID) ??
      (documentTypeCode === 'BKG' ? shipment.bookingRef : documentTypeCode === 'TRD' ? tdr : null) ??
      shipment.number;
    return {
      ...base,
      shipmentEventTypeCode: dcsa.code,
      documentTypeCode,
      documentID,
      ...(text(d.reason) ? { reason: d.reason } : {}),
      ...(documentReferences.length > 0 ? { documentReferences } : {}),
      references,
    };
  }

  const vesselName = text(d.vesselName);
  const vesselIMONumber = text(d.vesselIMONumber);
  const transportCall = {
    transportCallID:
      text(d.transportCallID) ?? `${shipment.number}-${event.location ?? 'XXXXX'}`.slice(0, 100),
    ...(text(d.carrierServiceCode) ? { carrierServiceCode: d.carrierServiceCode } : {}),
    ...(text(d.voyage) ? { exportVoyageNumber: d.voyage } : {}),
    ...(text(d.importVoyage) ? { importVoyageNumber: d.importVoyage } : {}),
    ...(d.transportCallSequenceNumber !== undefined
      ? { transportCallSequenceNumber: String(d.transportCallSequenceNumber) }
      : {}),
    ...(event.location ? { UNLocationCode: event.location } : {}),
    ...(text(d.facilityCode) ? { facilityCode: d.facilityCode } : {}),
    ...(text(d.facilityTypeCode) ? { facilityTypeCode: d.facilityTypeCode } : {}),
    ...((text(d.modeOfTransport) ?? MODE_OF_TRANSPORT[shipment.mode])
      ? { modeOfTransport: text(d.modeOfTransport) ?? MODE_OF_TRANSPORT[shipment.mode] }
      : {}),
    ...(event.location || event.locationName
      ? {
          location: {
            ...(event.locationName ? { locationName: event.locationName } : {}),
            ...(event.location ? { UNLocationCode: event.location } : {}),
          },
        }
      : {}),
    ...(vesselIMONumber ? { vessel: { vesselIMONumber, ...(vesselName ? { vesselName } : {}) } } : {}),
  };
  const common = {
    transportCall,
    ...(documentReferences.length > 0 ? { documentReferences } : {}),
    references,
  };

  if (dcsa.eventType === 'TRANSPORT') {
    return {
      ...base,
      transportEventTypeCode: dcsa.code,
      ...(text(d.delayReasonCode) ? { delayReasonCode: d.delayReasonCode } : {}),
      // A carrier's remark travels on; what our staff wrote on a hand-entered milestone is internal.
      ...(text(d.remark) && !STAFF_SOURCES.includes(event.source ?? '') ? { changeRemark: d.remark } : {}),
      ...common,
    };
  }
  const equipmentReference = text(d.equipmentReference) ?? shipment.containers[0] ?? null;
  return {
    ...base,
    equipmentEventTypeCode: dcsa.code,
    ...(equipmentReference ? { equipmentReference } : {}),
    ...(text(d.ISOEquipmentCode) ? { ISOEquipmentCode: d.ISOEquipmentCode } : {}),
    emptyIndicatorCode: text(d.emptyIndicatorCode) ?? 'LADEN',
    ...(event.location || event.locationName
      ? {
          eventLocation: {
            ...(event.locationName ? { locationName: event.locationName } : {}),
            ...(event.location ? { UNLocationCode: event.location } : {}),
          },
        }
      : {}),
    ...(Array.isArray(d.seals) ? { seals: d.seals } : {}),
    ...common,
  };
}

// ---------------------------------------------------------------------------------------------
// Filters (GET /v2/events query and subscription bodies)

/** The DCSA 2.2 filters Liaison honours; lists are OR, fields are AND. */
export interface DcsaFilters {
  eventType?: string[];
  shipmentEventTypeCode?: string[];
  transportEventTypeCode?: string[];
  equipmentEventTypeCode?: string[];
  documentTypeCode?: string[];
  carrierBookingReference?: string;
  transportDocumentReference?: string;
  equipmentReference?: string;
  UNLocationCode?: string;
  transportCallID?: string;
  vesselIMONumber?: string;
  exportVoyageNumber?: string;
  carrierServiceCode?: string;
}

export const LIST_FILTERS = [
  'eventType',
  'shipmentEventTypeCode',
  'transportEventTypeCode',
  'equipmentEventTypeCode',
  'documentTypeCode',
] as const;
export const VALUE_FILTERS = [
  'carrierBookingReference',
  'transportDocumentReference',
  'equipmentReference',
  'UNLocationCode',
  'transportCallID',
  'vesselIMONumber',
  'exportVoyageNumber',
  'carrierServiceCode',
] as const;

/** References are compared upper-cased without spaces, like shipment_references. */
export const normRef = (v: string) => v.replace(/\s+/g, '').toUpperCase();

/** Whether a published event of this shipment matches a subscription's filters. */
export function matchesFilters(filters: DcsaFilters, event: Dcsa22Event, shipment: ShipmentRefs): boolean {
  const e = event as Record<string, any>;
  const inList = (list: string[] | undefined, value: unknown) =>
    !list || list.length === 0 || (typeof value === 'string' && list.includes(value));
  if (!inList(filters.eventType, e.eventType)) return false;
  const typed = (list: string[] | undefined, type: DcsaEventType, field: string) =>
    !list || list.length === 0 || (e.eventType === type && inList(list, e[field]));
  if (!typed(filters.shipmentEventTypeCode, 'SHIPMENT', 'shipmentEventTypeCode')) return false;
  if (!typed(filters.transportEventTypeCode, 'TRANSPORT', 'transportEventTypeCode')) return false;
  if (!typed(filters.equipmentEventTypeCode, 'EQUIPMENT', 'equipmentEventTypeCode')) return false;
  if (!typed(filters.documentTypeCode, 'SHIPMENT', 'documentTypeCode')) return false;
  const same = (a: string | null | undefined, b: string) => !!a && normRef(a) === normRef(b);
  if (filters.carrierBookingReference && !same(shipment.bookingRef, filters.carrierBookingReference))
    return false;
  if (
    filters.transportDocumentReference &&
    ![shipment.houseBl, shipment.masterBl, shipment.awb].some((r) =>
      same(r, filters.transportDocumentReference!),
    )
  )
    return false;
  if (
    filters.equipmentReference &&
    ![...shipment.containers, e.equipmentReference].some((r) => same(r, filters.equipmentReference!))
  )
    return false;
  const tc = (e.transportCall ?? {}) as Record<string, any>;
  const location = tc.UNLocationCode ?? e.eventLocation?.UNLocationCode;
  if (filters.UNLocationCode && location !== filters.UNLocationCode.toUpperCase()) return false;
  if (filters.transportCallID && tc.transportCallID !== filters.transportCallID) return false;
  if (filters.vesselIMONumber && tc.vessel?.vesselIMONumber !== filters.vesselIMONumber) return false;
  if (filters.exportVoyageNumber && tc.exportVoyageNumber !== filters.exportVoyageNumber) return false;
  if (filters.carrierServiceCode && tc.carrierServiceCode !== filters.carrierServiceCode) return false;
  return true;
}
