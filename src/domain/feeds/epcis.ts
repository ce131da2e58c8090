import { createHash } from 'node:crypto';
import { parseZonedTime } from '../milestones.ts';
import type { EventCode } from '../milestones.ts';
import type { AdapterResult, IncomingEvent } from './types.ts';

/**
 * GS1 EPCIS 2.0 JSON / JSON-LD → internal milestone events (issue 4 §3).
 *
 * Input (EPCIS 2.0 §8 JSON binding, examples in github.com/gs1/EPCIS): an `EPCISDocument`
 * (`epcisBody.eventList`), an `EPCISQueryDocument` (`epcisBody.queryResults.resultsBody.eventList`),
 * a single event object, or an array of events; also the JSON text of any of these. The type is
 * read from `type` (EPCIS 2.0) or `isA` (the 2.0 drafts' JSON-LD examples).
 *
 * Events mapped: ObjectEvent, AggregationEvent, TransactionEvent. TransformationEvent and
 * AssociationEvent describe making or pairing things, not moving them, and are rejected as such.
 * Every EPCIS event is something that happened → classifier ACT.
 *
 * Event code — CBV 2.0 business step (short name, `urn:epcglobal:cbv:bizstep:X` or
 * `https://ref.gs1.org/cbv/BizStep-X`):
 *   accepting, receiving, collecting → RECEIVED     arriving  → ARRIVED
 *   departing                        → DEPARTED     loading   → LOADED
 *   shipping                         → LOADED       unloading → DISCHARGED
 *   holding                          → HOLD         inspecting → INSPECTED (informational)
 *   (CBV: shipping is "staging, loading and departing" at the shipper; departing is its own step
 *   and becomes DEPARTED, so a shipping + departing pair stays two milestones, not two departures.)
 * The CBV disposition (or a persistentDisposition.set entry, EPCIS 2.0) overrides the step when it
 * reports trouble: damaged → DAMAGED, stolen and destroyed → LOST; in_transit, in_progress and the
 * others keep the step's code.
 *
 * Shipment reference (what ingestion resolves through shipment_references), first found of:
 * bizTransactionList entries of type bol, then desadv, then po (`urn:epcglobal:cbv:bt:GLN:ID` →
 * ID, a URL → its last path segment, anything else as given); then an SSCC (`urn:epc:id:sscc:…`
 * or GS1 Digital Link `/00/…`, written as the 18-digit SSCC) or GIAI in parentID / epcList.
 *
 * Location: readPoint (where it was observed), else bizLocation. A UN/LOCODE-looking last segment
 * (`…:CNSHA`, `…/CNSHA`) becomes `location`; an SGLN or geo URI stays as `locationName`.
 * Time: `eventTime` shown in the zone of `eventTimeZoneOffset` (the local time of the place).
 *
 * Identity: `eventID` is the sourceEventId (EPCIS 2.0 §7.4.1; CBV 2.0 §8.9 hash ids included).
 * An event without one gets `sha256:` + a hash of its canonical JSON (without recordTime and
 * errorDeclaration), so a re-send is still a duplicate. updatedAt = eventTime (stable).
 * Corrections (EPCIS 2.0 §7.4.1.4): an event carrying `errorDeclaration` is the erroneous event
 * declared void → a retraction of the same eventID whose version is the declarationTime, so it
 * wins over the original; its correctiveEventIDs are kept in details (the corrective events come
 * as ordinary new events).
 */

export interface EpcisOptions {
  /** Source label stored on the events (default `epcis`). */
  source?: string;
}

const BIZ_STEPS: Record<string, EventCode> = {
  accepting: 'RECEIVED',
  receiving: 'RECEIVED',
  collecting: 'RECEIVED',
  arriving: 'ARRIVED',
  departing: 'DEPARTED',
  loading: 'LOADED',
  shipping: 'LOADED',
  unloading: 'DISCHARGED',
  holding: 'HOLD',
  inspecting: 'INSPECTED',
};

const DISPOSITIONS: Record<string, EventCode> = {
  damaged: 'DAMAGED',
  stolen: 'LOST',
  destroyed: 'LOST',
};

export const EPCIS_BIZ_STEPS = Object.keys(BIZ_STEPS);

/** A table entry by its own key only ("constructor" is not a business step). */
function own<T>(table: Record<string, T>, key: string | null): T | undefined {
  return key !== null && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** decodeURIComponent that keeps a malformed escape (`%E0%A4%A`) as written instead of throwing. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

const MAPPED_TYPES = ['ObjectEvent', 'AggregationEvent', 'TransactionEvent'];
const OTHER_TYPES = ['TransformationEvent', 'AssociationEvent'];

/** `urn:epcglobal:cbv:bizstep:shipping`, `https://ref.gs1.org/cbv/BizStep-shipping`, `shipping` → `shipping`. */
export function cbvShortName(value: unknown, kind: 'bizstep' | 'disp' | 'btt' | 'er'): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const v = value.trim();
  const urn = new RegExp(`^urn:epcglobal:cbv:${kind}:(.+)$`, 'i').exec(v);
  if (urn) return urn[1]!;
  const web = { bizstep: 'BizStep', disp: 'Disp', btt: 'BTT', er: 'ER' }[kind];
  const uri = new RegExp(`^https?://ref\\.gs1\\.org/cbv/${web}-(.+)$`, 'i').exec(v);
  if (uri) return uri[1]!;
  // A bare short name, or a private (non-CBV) vocabulary value: kept as is (unknown ones are reported).
  return v;
}

// ---------------------------------------------------------------------------------------------
// GS1 keys

/** GS1 mod-10 check digit of a digit string (weights 3,1,3,… from the right). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** SSCC from an EPC URN (`urn:epc:id:sscc:0614141.1234567890`) or GS1 Digital Link (`…/00/<18 digits>`). */
export function ssccOf(id: string): string | null {
  const urn = /^urn:epc:id:sscc:(\d{6,12})\.(\d{5,11})$/.exec(id);
  if (urn && urn[1]!.length + urn[2]!.length === 17) {
    const [prefix, serial] = [urn[1]!, urn[2]!];
    const body = `${serial[0]}${prefix}${serial.slice(1)}`;
    return `${body}${gs1CheckDigit(body)}`;
  }
  const link = /^https?:\/\/[^/]+\/(?:.*\/)?00\/(\d{18})(?:[/?#].*)?$/.exec(id);
  if (link) return link[1]!;
  return null;
}

/** GIAI from an EPC URN (`urn:epc:id:giai:0614141.12345400`) or Digital Link (`…/8004/<giai>`). */
export function giaiOf(id: string): string | null {
  const urn = /^urn:epc:id:giai:(\d{6,12})\.(.+)$/.exec(id);
  if (urn) return `${urn[1]}${decode(urn[2]!)}`;
  const link = /^https?:\/\/[^/]+\/(?:.*\/)?8004\/([^/?#]+)/.exec(id);
  if (link) return decode(link[1]!);
  return null;
}

/** The business reference in a bizTransaction value (see the module comment). */
export function bizTransactionRef(value: string): string {
  const v = value.trim();
  const bt = /^urn:epcglobal:cbv:bt:[^:]+:(.+)$/.exec(v);
  if (bt) return bt[1]!;
  if (/^https?:\/\//i.test(v)) {
    try {
      const segments = new URL(v).pathname.split('/').filter(Boolean);
      if (segments.length > 0) return decode(segments.at(-1)!);
    } catch {
      // fall through: kept as given
    }
  }
  return v;
}

// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeOf = (e: Obj) =>
  typeof e.type === 'string' ? e.type : typeof e.isA === 'string' ? e.isA : undefined;

function eventListOf(doc: unknown): unknown[] | string {
  if (Array.isArray(doc)) return doc;
  if (!isObj(doc)) return 'document: must be an EPCIS 2.0 JSON object (EPCISDocument) or a list of events';
  const type = typeOf(doc);
  if (type && (MAPPED_TYPES.includes(type) || OTHER_TYPES.includes(type))) return [doc];
  const body = doc.epcisBody;
  if (!isObj(body))
    return 'document: epcisBody is missing (expected an EPCISDocument with epcisBody.eventList)';
  if (Array.isArray(body.eventList)) return body.eventList;
  const results = isObj(body.queryResults) ? body.queryResults.resultsBody : undefined;
  if (isObj(results) && Array.isArray(results.eventList)) return results.eventList;
  return 'document: epcisBody.eventList is missing or not a list';
}

/** An EPCIS 2.0 document (or its JSON text) → one AdapterResult per event. */
export function fromEpcis(doc: unknown, options: EpcisOptions = {}): AdapterResult[] {
  let input = doc;
  if (typeof doc === 'string') {
    try {
      input = JSON.parse(doc);
    } catch (error) {
      return [{ index: 0, ok: false, reason: `document: not JSON (${(error as Error).message})`, raw: doc }];
    }
  }
  const list = eventListOf(input);
  if (typeof list === 'string') return [{ index: 0, ok: false, reason: list, raw: input }];
  if (list.length === 0) return [];
  const source = options.source ?? 'epcis';
  return list.map((raw, index) => {
    const result = mapEvent(raw, source);
    if (typeof result === 'string') return { index, ok: false, reason: result, raw };
    return { index, ok: true, event: result, raw };
  });
}

function mapEvent(raw: unknown, source: string): IncomingEvent | string {
  if (!isObj(raw)) return 'event: must be an object';
  const type = typeOf(raw);
  if (!type) return 'type: missing (ObjectEvent, AggregationEvent or TransactionEvent)';
  if (OTHER_TYPES.includes(type))
    return `type: ${type} records making or pairing objects, not moving them; only ObjectEvent, AggregationEvent and TransactionEvent are mapped`;
  if (!MAPPED_TYPES.includes(type))
    return `type: ${type} is not an EPCIS event type (ObjectEvent, AggregationEvent, TransactionEvent)`;

  // Code: business step, overridden by a disposition that reports trouble.
  const bizStep = cbvShortName(raw.bizStep, 'bizstep');
  const disposition = cbvShortName(raw.disposition, 'disp');
  // EPCIS 2.0 §7.3.8: a state that lasts (persistentDisposition.set) reports trouble as well.
  const persistent =
    isObj(raw.persistentDisposition) && Array.isArray(raw.persistentDisposition.set)
      ? raw.persistentDisposition.set
          .map((d) => cbvShortName(d, 'disp'))
          .filter((d): d is string => d !== null)
      : [];
  const troubled = [disposition, ...persistent].find((d) => own(DISPOSITIONS, d) !== undefined) ?? null;
  let eventCode: EventCode | undefined = own(DISPOSITIONS, troubled);
  if (!eventCode) {
    if (!bizStep)
      return `bizStep: missing (one of ${EPCIS_BIZ_STEPS.join(', ')}) and disposition ${disposition ?? '(none)'} does not map on its own`;
    if (bizStep === 'void_shipping')
      return 'bizStep: void_shipping cancels an earlier shipping event; send an errorDeclaration for that event instead';
    eventCode = own(BIZ_STEPS, bizStep);
    if (!eventCode)
      return `bizStep: ${bizStep} is not mapped to a milestone (mapped: ${EPCIS_BIZ_STEPS.join(', ')})`;
  }

  // Time in the local zone of the event.
  const eventTime = localEventTime(raw.eventTime, raw.eventTimeZoneOffset);
  if (typeof eventTime !== 'string') return eventTime.error;

  // Shipment reference.
  const ref = shipmentRefOf(raw);
  if (!ref)
    return 'shipment reference: none found — add a bizTransactionList entry of type bol, desadv or po, or an SSCC/GIAI in parentID or epcList';

  // Location.
  const readPoint =
    isObj(raw.readPoint) && typeof raw.readPoint.id === 'string' ? raw.readPoint.id : undefined;
  const bizLocation =
    isObj(raw.bizLocation) && typeof raw.bizLocation.id === 'string' ? raw.bizLocation.id : undefined;
  const locode = (readPoint && locodeOf(readPoint)) || (bizLocation && locodeOf(bizLocation)) || null;
  // The place as the source names it (SGLN, geo URI) when it is not the UN/LOCODE itself.
  const placeName = [readPoint, bizLocation].find((p) => p && !locodeOf(p)) ?? null;

  const sourceEventId =
    typeof raw.eventID === 'string' && raw.eventID.trim() !== ''
      ? raw.eventID.trim()
      : `sha256:${contentHash(raw)}`;

  const details: Record<string, unknown> = {
    epcisType: type,
    ...(bizStep ? { bizStep } : {}),
    ...(disposition ? { disposition } : {}),
    ...(persistent.length > 0 ? { persistentDisposition: persistent } : {}),
    ...(typeof raw.action === 'string' ? { action: raw.action } : {}),
    reference: ref,
    ...(readPoint ? { readPoint } : {}),
    ...(bizLocation ? { bizLocation } : {}),
    ...(Array.isArray(raw.epcList) && raw.epcList.length > 0 ? { epcList: raw.epcList } : {}),
    ...(Array.isArray(raw.childEPCs) && raw.childEPCs.length > 0 ? { childEPCs: raw.childEPCs } : {}),
    ...(typeof raw.parentID === 'string' ? { parentID: raw.parentID } : {}),
    ...(Array.isArray(raw.bizTransactionList) ? { bizTransactionList: raw.bizTransactionList } : {}),
  };

  const event: IncomingEvent = {
    shipmentRef: ref.value,
    eventCode,
    classifier: 'ACT',
    eventTime,
    location: locode,
    locationName: placeName,
    source,
    sourceEventId,
    updatedAt: eventTime,
    sourceCode: typeof raw.bizStep === 'string' ? raw.bizStep : (raw.disposition as string),
    details,
  };

  if (raw.errorDeclaration !== undefined) {
    const declaration = raw.errorDeclaration;
    if (!isObj(declaration)) return 'errorDeclaration: must be an object';
    const declared = declaration.declarationTime;
    if (parseZonedTime(declared) === null)
      return 'errorDeclaration.declarationTime: required, an ISO 8601 date-time with a zone offset';
    event.retracted = true;
    event.updatedAt = declared as string;
    details.errorDeclaration = {
      declarationTime: declared,
      ...(declaration.reason !== undefined ? { reason: cbvShortName(declaration.reason, 'er') } : {}),
      ...(Array.isArray(declaration.correctiveEventIDs)
        ? { correctiveEventIDs: declaration.correctiveEventIDs }
        : {}),
    };
  }
  return event;
}

const OFFSET_RE = /^[+-](\d{2}):(\d{2})$/;

/** eventTime written in the zone of eventTimeZoneOffset (same instant). */
function localEventTime(eventTime: unknown, offset: unknown): string | { error: string } {
  if (typeof eventTime !== 'string' || eventTime.trim() === '')
    return { error: 'eventTime: required (ISO 8601 date-time with a zone offset)' };
  if (offset !== undefined && (typeof offset !== 'string' || !OFFSET_RE.test(offset)))
    return { error: `eventTimeZoneOffset: "${String(offset)}" is not ±hh:mm` };
  if (typeof offset === 'string') {
    const [, hh, mm] = OFFSET_RE.exec(offset)!;
    if (Number(hh) * 60 + Number(mm) > 14 * 60 || Number(mm) > 59)
      return { error: `eventTimeZoneOffset: "${offset}" is outside -14:00…+14:00` };
  }
  let ms = parseZonedTime(eventTime);
  if (
    ms === null &&
    typeof offset === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(eventTime)
  )
    ms = parseZonedTime(`${eventTime}${offset}`);
  if (ms === null)
    return { error: `eventTime: "${eventTime}" is not an ISO 8601 date-time with a zone offset` };
  if (typeof offset !== 'string') return eventTime;
  const m = OFFSET_RE.exec(offset)!;
  const minutes = (offset.startsWith('-') ? -1 : 1) * (Number(m[1]) * 60 + Number(m[2]));
  const local = new Date(ms + minutes * 60_000);
  const iso = local.toISOString(); // the local wall clock, labelled Z by toISOString
  const millis = local.getUTCMilliseconds() ? iso.slice(19, 23) : '';
  return `${iso.slice(0, 19)}${millis}${offset}`;
}

function shipmentRefOf(e: Obj): { kind: string; value: string } | null {
  const transactions = Array.isArray(e.bizTransactionList) ? e.bizTransactionList.filter(isObj) : [];
  for (const wanted of ['bol', 'desadv', 'po']) {
    const t = transactions.find((t) => cbvShortName(t.type, 'btt') === wanted);
    if (t && typeof t.bizTransaction === 'string' && t.bizTransaction.trim() !== '')
      return { kind: wanted, value: bizTransactionRef(t.bizTransaction) };
  }
  const ids = [
    ...(typeof e.parentID === 'string' ? [e.parentID] : []),
    ...(Array.isArray(e.epcList) ? e.epcList.filter((v): v is string => typeof v === 'string') : []),
  ];
  for (const id of ids) {
    const sscc = ssccOf(id);
    if (sscc) return { kind: 'sscc', value: sscc };
  }
  for (const id of ids) {
    const giai = giaiOf(id);
    if (giai) return { kind: 'giai', value: giai };
  }
  return null;
}

function locodeOf(id: string): string | null {
  const last = id
    .split(/[:/#=]/)
    .pop()!
    .trim()
    .toUpperCase();
  const m = /^([A-Z]{2}) ?([A-Z2-9]{3})$/.exec(last);
  return m ? `${m[1]}${m[2]}` : null;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObj(value))
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical(value[k])]),
    );
  return value;
}

function contentHash(e: Obj): string {
  const { recordTime: _r, errorDeclaration: _d, ...rest } = e;
  return createHash('sha256')
    .update(JSON.stringify(canonical(rest)))
    .digest('hex');
}
