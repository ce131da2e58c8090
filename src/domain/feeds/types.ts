import type { EventClassifier, EventCode } from '../milestones.ts';

/**
 * What every feed adapter (DCSA, IATA, EPCIS, CSV, manual) produces and the ingestion service
 * stores: the internal milestone event of src/domain/milestones.ts, with the shipment named by a
 * reference the ingestion resolves (our number, B/L, booking, AWB, container …) unless the id is known.
 */
export interface IncomingEvent {
  /** Internal shipment id, when the caller knows it (manual entry, our own API clients). */
  shipmentId?: string;
  /** Any reference of the shipment; resolved through shipment_references. */
  shipmentRef?: string;
  eventCode: EventCode;
  classifier: EventClassifier;
  /** ISO 8601 with zone offset or Z. */
  eventTime: string;
  /** UN/LOCODE when known. */
  location?: string | null;
  locationName?: string | null;
  /** e.g. dcsa:MAEU, iata-fsu, epcis, csv, manual. */
  source: string;
  sourceEventId: string;
  /** Version time in the source (ISO 8601 with zone); defaults to the ingestion time when absent. */
  updatedAt?: string;
  retracted?: boolean;
  /** The source's own code (ARRI, ARRIVED, DEP, urn:epcglobal:cbv:bizstep:departing …). */
  sourceCode?: string;
  /** Mode-specific details: vessel, voyage, flight, equipmentReference, pieces, weight, discrepancyCode, remark … */
  details?: Record<string, unknown>;
}

/** One entry of a feed payload after mapping: an event to ingest, or a precise reason it cannot be. */
export type AdapterResult =
  | { index: number; ok: true; event: IncomingEvent; raw: unknown }
  | { index: number; ok: false; reason: string; raw: unknown };
