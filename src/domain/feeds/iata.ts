import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { validateAwbNumber } from '../identifiers.ts';
import type { EventClassifier, EventCode } from '../milestones.ts';
import type { AdapterResult, IncomingEvent } from './types.ts';

/**
 * IATA air-cargo status messages → internal milestone events (issue 4 §3).
 *
 * Two carriers of the same content are accepted:
 * - FSU, the Cargo-IMP "Status Update" text message (IATA Cargo Interchange Message Procedures,
 *   published as Attachment 'A' to IATA Resolution 670). Layout as implemented here:
 *     FSU/14                                 standard message identifier / version (optional)
 *     020-12345675SINLHR/T10K200             consignment detail: AWB (airline prefix - 8-digit
 *                                            serial), airport of origin and destination, quantity
 *                                            (T total / P part / S split / D, pieces, K|L weight)
 *     RCS/14MAR0930/SIN/T10K200              one or more status lines: 3-letter status code and
 *     DEP/LH0123/14MAR/SINLHR/T10K200/A2330  its fields separated by '/'
 *     DIS/LH0123/15MAR/LHR/MSCA/P2K40        discrepancy: flight, date, station, discrepancy code
 *     /LOOSE PIECES NOT FOUND                continuation line (starts with '/', or OSI/ other
 *                                            service information, OCI/ other customs information):
 *                                            kept as a remark of the status line before
 *   Fields are recognised by their shape (flight LH0123, date 14MAR or 14MAR0930, airport SIN or
 *   airport pair SINLHR, quantity T10K200, time information A2330/E0610/S0600, carrier LH, 4-letter
 *   discrepancy code) rather than by strict position, because carriers differ in which optional
 *   fields they send; a status line without a field its code needs is rejected with that reason.
 * - XFSU, the Cargo-XML StatusMessage (namespace iata:statusmessage:1, data model iata:datamodel:3):
 *   rsm:StatusMessage / rsm:MasterConsignment / ram:TransportContractDocument/ram:ID (AWB) and
 *   ram:ReportedStatus / ram:ReasonCode (the status code) with ram:AssociatedStatusConsignment
 *   (PieceQuantity, GrossWeightMeasure, DiscrepancyDescriptionCode, and
 *   ram:SpecifiedLogisticsTransportMovement: ram:ID flight, DepartureEvent / ArrivalEvent with
 *   OccurrenceDepartureLocation / OccurrenceArrivalLocation, SpecifiedLocation, SpecifiedEvent /
 *   OccurrenceDateTime + DateTimeTypeCode A/E/S). Namespace prefixes are ignored.
 *
 * TIME ZONES — an honest note. FSU dates and times (14MAR0930) are LOCAL time of the station that
 * reports them and carry neither a year nor a zone. This adapter:
 * - takes the year from `options.now` (pass the server clock): an actual status is the latest such
 *   date not after now (+2 days of slack), a plan or estimate the date nearest to now;
 * - takes the zone from STATIONS below, a small airport table (IATA code → UN/LOCODE + IANA zone,
 *   daylight saving applied by Intl). A station not in the table cannot be placed in time: the
 *   status line is REJECTED naming the station, instead of guessing UTC. XFSU date-times that carry
 *   an offset are used as they are; without one they are local station time like FSU.
 * - a line that carries only a date (MAN/LH0123/14MAR/…, no time information) is placed at 00:00
 *   local time that day and marked details.timePrecision = 'day'.
 *
 * Identity: FSU/XFSU have no event id. sourceEventId = AWB + status code + a SHA-256 of (AWB,
 * code, instant, station, flight, discrepancy code), so a re-sent message is a duplicate, and the
 * same status received once as FSU and once as XFSU is one event (both use source `iata`).
 * updatedAt = the event time (no version time exists in FSU): a re-send never "replaces".
 *
 * Status code → internal code (ACT unless the time information says otherwise):
 *   BKD booked on a flight        → DEPARTED, PLN (the booked flight's planned departure from the
 *                                   booking's origin; FSU/BKD carries no booking time, and an
 *                                   "actual BOOKED" placed at the flight date would outrank the
 *                                   later receipt (RCS) in the status order)
 *   FOH freight on hand           → RECEIVED (details.readyForCarriage = false)
 *   RCS received from shipper     → RECEIVED (ready for carriage)
 *   MAN manifested on a flight    → LOADED
 *   PRE prepared for loading      → LOADED
 *   DEP departed                  → DEPARTED (A/E/S time information → ACT/EST/PLN)
 *   ARR arrived                   → ARRIVED  (A/E/S as DEP)
 *   RCF received from flight      → DISCHARGED
 *   TRM to be transferred         → DISCHARGED (off the inbound flight, waiting for the onward carrier)
 *   TFD transferred to carrier    → LOADED (handed to the onward carrier)
 *   CCD cleared by customs        → CUSTOMS_RELEASED
 *   NFD consignee notified        → OUT_FOR_DELIVERY (ready for collection)
 *   AWD documents delivered       → DOCUMENT_STATUS (paperwork, not where the cargo is;
 *                                   details.documentsDelivered = true)
 *   DLV delivered to consignee    → DELIVERED
 *   DDL delivered to door         → DELIVERED
 *   DIS discrepancy               → by discrepancy code (DISCREPANCY_CODES): missing cargo (MSCA)
 *                                   → LOST; offloaded (OFLD), short-shipped (SSPD), over-carried
 *                                   (OVCD), missing AWB (MSAW) → HOLD (the cargo cannot move on as
 *                                   planned); damaged (DMGD) → DAMAGED; found cargo/AWB (FDCA,
 *                                   FDAW) → RECEIVED (the station has it again); definitely loaded
 *                                   (DFLD) → LOADED. MSCA is LOST because the customer must hear
 *                                   of it at once; a later FDCA shows it found again.
 */

export interface IataOptions {
  /** Reference instant for the year of FSU dates (default: now). */
  now?: Date;
  /** Source label stored on the events (default `iata`). */
  source?: string;
}

export interface Station {
  locode: string;
  zone: string;
  name: string;
}

/**
 * Airports we place in time (IATA code → UN/LOCODE, IANA zone). Extend when a feed names another.
 * The UN/LOCODE is the airport's own entry where the list has one (most airports share the IATA
 * letters: SGSIN, GBLHR, USJFK); check a new entry against the UN/LOCODE list before adding it.
 */
export const STATIONS: Record<string, Station> = {
  PVG: { locode: 'CNPVG', zone: 'Asia/Shanghai', name: 'Shanghai Pudong' },
  SHA: { locode: 'CNSHA', zone: 'Asia/Shanghai', name: 'Shanghai Hongqiao' },
  PEK: { locode: 'CNPEK', zone: 'Asia/Shanghai', name: 'Beijing Capital' },
  PKX: { locode: 'CNPKX', zone: 'Asia/Shanghai', name: 'Beijing Daxing' },
  CAN: { locode: 'CNCAN', zone: 'Asia/Shanghai', name: 'Guangzhou' },
  SZX: { locode: 'CNSZX', zone: 'Asia/Shanghai', name: 'Shenzhen' },
  CTU: { locode: 'CNCTU', zone: 'Asia/Shanghai', name: 'Chengdu' },
  XMN: { locode: 'CNXMN', zone: 'Asia/Shanghai', name: 'Xiamen' },
  NGB: { locode: 'CNNGB', zone: 'Asia/Shanghai', name: 'Ningbo' },
  HGH: { locode: 'CNHGH', zone: 'Asia/Shanghai', name: 'Hangzhou' },
  CGO: { locode: 'CNCGO', zone: 'Asia/Shanghai', name: 'Zhengzhou' },
  HKG: { locode: 'HKHKG', zone: 'Asia/Hong_Kong', name: 'Hong Kong' },
  TPE: { locode: 'TWTPE', zone: 'Asia/Taipei', name: 'Taipei Taoyuan' },
  ICN: { locode: 'KRICN', zone: 'Asia/Seoul', name: 'Seoul Incheon' },
  NRT: { locode: 'JPNRT', zone: 'Asia/Tokyo', name: 'Tokyo Narita' },
  KIX: { locode: 'JPKIX', zone: 'Asia/Tokyo', name: 'Osaka Kansai' },
  SIN: { locode: 'SGSIN', zone: 'Asia/Singapore', name: 'Singapore Changi' },
  BKK: { locode: 'THBKK', zone: 'Asia/Bangkok', name: 'Bangkok' },
  KUL: { locode: 'MYKUL', zone: 'Asia/Kuala_Lumpur', name: 'Kuala Lumpur' },
  SGN: { locode: 'VNSGN', zone: 'Asia/Ho_Chi_Minh', name: 'Ho Chi Minh City' },
  DEL: { locode: 'INDEL', zone: 'Asia/Kolkata', name: 'Delhi' },
  DXB: { locode: 'AEDXB', zone: 'Asia/Dubai', name: 'Dubai' },
  DOH: { locode: 'QADOH', zone: 'Asia/Qatar', name: 'Doha' },
  IST: { locode: 'TRIST', zone: 'Europe/Istanbul', name: 'Istanbul' },
  FRA: { locode: 'DEFRA', zone: 'Europe/Berlin', name: 'Frankfurt' },
  MUC: { locode: 'DEMUC', zone: 'Europe/Berlin', name: 'Munich' },
  LEJ: { locode: 'DELEJ', zone: 'Europe/Berlin', name: 'Leipzig' },
  HAM: { locode: 'DEHAM', zone: 'Europe/Berlin', name: 'Hamburg' },
  AMS: { locode: 'NLAMS', zone: 'Europe/Amsterdam', name: 'Amsterdam Schiphol' },
  LUX: { locode: 'LULUX', zone: 'Europe/Luxembourg', name: 'Luxembourg' },
  LGG: { locode: 'BELGG', zone: 'Europe/Brussels', name: 'Liège' },
  CDG: { locode: 'FRCDG', zone: 'Europe/Paris', name: 'Paris Charles de Gaulle' },
  LHR: { locode: 'GBLHR', zone: 'Europe/London', name: 'London Heathrow' },
  MAD: { locode: 'ESMAD', zone: 'Europe/Madrid', name: 'Madrid' },
  MXP: { locode: 'ITMXP', zone: 'Europe/Rome', name: 'Milan Malpensa' },
  JFK: { locode: 'USJFK', zone: 'America/New_York', name: 'New York JFK' },
  ORD: { locode: 'USORD', zone: 'America/Chicago', name: 'Chicago O’Hare' },
  ATL: { locode: 'USATL', zone: 'America/New_York', name: 'Atlanta' },
  MIA: { locode: 'USMIA', zone: 'America/New_York', name: 'Miami' },
  LAX: { locode: 'USLAX', zone: 'America/Los_Angeles', name: 'Los Angeles' },
  SFO: { locode: 'USSFO', zone: 'America/Los_Angeles', name: 'San Francisco' },
  ANC: { locode: 'USANC', zone: 'America/Anchorage', name: 'Anchorage' },
  YYZ: { locode: 'CAYYZ', zone: 'America/Toronto', name: 'Toronto' },
  GRU: { locode: 'BRGRU', zone: 'America/Sao_Paulo', name: 'São Paulo Guarulhos' },
  SYD: { locode: 'AUSYD', zone: 'Australia/Sydney', name: 'Sydney' },
  JNB: { locode: 'ZAJNB', zone: 'Africa/Johannesburg', name: 'Johannesburg' },
};

interface CodeRule {
  eventCode: EventCode;
  /** Classifier when the line has no time information. */
  classifier: EventClassifier;
  /** Which airport of an airport pair (SINLHR) the event happens at. */
  pairSide: 'origin' | 'destination';
  needsFlight: boolean;
  details?: Record<string, unknown>;
}

const CODES: Record<string, CodeRule> = {
  BKD: { eventCode: 'DEPARTED', classifier: 'PLN', pairSide: 'origin', needsFlight: true },
  FOH: {
    eventCode: 'RECEIVED',
    classifier: 'ACT',
    pairSide: 'origin',
    needsFlight: false,
    details: { readyForCarriage: false },
  },
  RCS: {
    eventCode: 'RECEIVED',
    classifier: 'ACT',
    pairSide: 'origin',
    needsFlight: false,
    details: { readyForCarriage: true },
  },
  MAN: { eventCode: 'LOADED', classifier: 'ACT', pairSide: 'origin', needsFlight: true },
  PRE: { eventCode: 'LOADED', classifier: 'ACT', pairSide: 'origin', needsFlight: true },
  DEP: { eventCode: 'DEPARTED', classifier: 'ACT', pairSide: 'origin', needsFlight: true },
  ARR: { eventCode: 'ARRIVED', classifier: 'ACT', pairSide: 'destination', needsFlight: true },
  RCF: { eventCode: 'DISCHARGED', classifier: 'ACT', pairSide: 'destination', needsFlight: true },
  TRM: { eventCode: 'DISCHARGED', classifier: 'ACT', pairSide: 'destination', needsFlight: false },
  TFD: { eventCode: 'LOADED', classifier: 'ACT', pairSide: 'destination', needsFlight: false },
  CCD: { eventCode: 'CUSTOMS_RELEASED', classifier: 'ACT', pairSide: 'destination', needsFlight: false },
  NFD: { eventCode: 'OUT_FOR_DELIVERY', classifier: 'ACT', pairSide: 'destination', needsFlight: false },
  AWD: {
    eventCode: 'DOCUMENT_STATUS',
    classifier: 'ACT',
    pairSide: 'destination',
    needsFlight: false,
    details: { documentsDelivered: true },
  },
  DLV: { eventCode: 'DELIVERED', classifier: 'ACT', pairSide: 'destination', needsFlight: false },
  DDL: { eventCode: 'DELIVERED', classifier: 'ACT', pairSide: 'destination', needsFlight: false },
  DIS: { eventCode: 'HOLD', classifier: 'ACT', pairSide: 'destination', needsFlight: false },
};

/** Status codes the adapter maps (the list and the common Cargo-iQ milestones). */
export const IATA_STATUS_CODES = Object.keys(CODES);

/** Discrepancy codes of DIS lines (Cargo-IMP discrepancy code list) and the internal code each becomes. */
export const DISCREPANCY_CODES: Record<string, { eventCode: EventCode; meaning: string }> = {
  MSCA: { eventCode: 'LOST', meaning: 'missing cargo' },
  MSAW: { eventCode: 'HOLD', meaning: 'missing air waybill' },
  OFLD: { eventCode: 'HOLD', meaning: 'offloaded' },
  SSPD: { eventCode: 'HOLD', meaning: 'short-shipped' },
  OVCD: { eventCode: 'HOLD', meaning: 'over-carried' },
  // Not in every edition of the code list; carriers send it for damage found at a station.
  DMGD: { eventCode: 'DAMAGED', meaning: 'damaged' },
  FDCA: { eventCode: 'RECEIVED', meaning: 'found cargo' },
  FDAW: { eventCode: 'RECEIVED', meaning: 'found air waybill' },
  DFLD: { eventCode: 'LOADED', meaning: 'definitely loaded' },
};

/** A table entry by its own key only: status text like "constructor" must not find Object's prototype. */
function own<T>(table: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

// ---------------------------------------------------------------------------------------------
// Time helpers

/** Offset of `zone` at the instant `utcMs`, in minutes east of UTC. */
/** One formatter per zone: constructing Intl.DateTimeFormat costs ~0.15 ms, per event it dominated. */
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function zoneOffsetMinutes(zone: string, utcMs: number): number {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormats.set(zone, format);
  }
  const part = format.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(part ?? '');
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

function formatOffset(minutes: number): string {
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/** A local wall-clock time in `zone` as ISO 8601 with that zone's offset at that moment (DST aware). */
export function localToZonedIso(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second = 0,
): string {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  let offset = zoneOffsetMinutes(zone, wall);
  const second_ = zoneOffsetMinutes(zone, wall - offset * 60_000);
  if (second_ !== offset) offset = second_;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${formatOffset(offset)}`;
}

/**
 * The year of an FSU day/month. An actual status has happened: the latest year that does not put
 * it more than two days after `now` (a status from March read in November is this March, not next
 * March). A plan or estimate: the year that puts it nearest to `now`.
 */
function inferYear(month: number, day: number, now: Date, actual: boolean): number {
  const y = now.getUTCFullYear();
  const candidates = [y + 1, y, y - 1];
  if (actual) {
    const limit = now.getTime() + 2 * 86_400_000;
    const past = candidates.find((c) => Date.UTC(c, month - 1, day) <= limit);
    if (past !== undefined) return past;
  }
  let best = y;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = Math.abs(Date.UTC(candidate, month - 1, day) - now.getTime());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function validDay(year: number, month: number, day: number): boolean {
  return day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function stableId(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
}

// ---------------------------------------------------------------------------------------------
// Entry point

/** FSU text or XFSU XML → one AdapterResult per status (FSU status line / XFSU ReportedStatus). */
export function fromIata(body: string, options: IataOptions = {}): AdapterResult[] {
  if (typeof body !== 'string' || body.trim() === '') {
    return [
      { index: 0, ok: false, reason: 'body: empty; expected an FSU message or an XFSU document', raw: body },
    ];
  }
  return body.trimStart().startsWith('<') ? fromXfsu(body, options) : fromFsu(body, options);
}

// ---------------------------------------------------------------------------------------------
// FSU (Cargo-IMP text)

interface Consignment {
  awb: string;
  origin: string;
  destination: string;
  quantity?: Quantity;
}

interface Quantity {
  split: string;
  pieces: number;
  weight?: number;
  weightUnit?: 'K' | 'L';
  totalPieces?: number;
}

const QUANTITY_RE = /^([TPSD])(\d{1,5})(?:([KL])(\d{1,7}(?:\.\d{1,2})?))?(?:T(\d{1,5}))?$/;
const FLIGHT_RE = /^([A-Z0-9]{2}[A-Z]?)(\d{1,4}[A-Z]?)$/;
const DATE_RE = /^(\d{2})([A-Z]{3})(\d{4})?$/;
/** Time information: S scheduled / E estimated / A actual, hhmm, optional day change (+1, -1). */
const TIME_INFO_RE = /^([SEA])(\d{2})(\d{2})([+-]\d)?$/;

function parseQuantity(field: string): Quantity | null {
  const m = QUANTITY_RE.exec(field);
  if (!m) return null;
  return {
    split: m[1]!,
    pieces: Number(m[2]),
    ...(m[4] ? { weight: Number(m[4]), weightUnit: m[3] as 'K' | 'L' } : {}),
    ...(m[5] ? { totalPieces: Number(m[5]) } : {}),
  };
}

function quantityDetails(q: Quantity | undefined): Record<string, unknown> {
  if (!q) return {};
  return {
    pieces: q.pieces,
    shipmentDescription: q.split,
    ...(q.weight !== undefined ? { weight: q.weight, weightUnit: q.weightUnit === 'L' ? 'LBR' : 'KGM' } : {}),
    ...(q.totalPieces !== undefined ? { totalPieces: q.totalPieces } : {}),
  };
}

const CONSIGNMENT_RE = /^(\d{3})-?(\d{8})([A-Z]{3})([A-Z]{3})(?:\/(.*))?$/;

type Line = { text: string; lineNo: number };

/**
 * One body may hold several FSU messages, each starting with its FSU/n line (a batch from a
 * message broker); lines before the first FSU/n line are a Type B envelope (priority and
 * addresses, origin line) and are skipped. Without any FSU/n line the body is one message.
 * Result indexes run on across the messages.
 */
function fromFsu(body: string, options: IataOptions): AdapterResult[] {
  const lines = body
    .split(/\r\n|\r|\n/)
    .map((text, i) => ({ text: text.trim(), lineNo: i + 1 }))
    .filter((l) => l.text !== '');
  const starts = lines.flatMap((l, i) => (/^FS[UA](\/\d+)?$/.test(l.text) ? [i] : []));
  if (starts.length <= 1) return fromFsuMessage(lines.slice(starts[0] ?? 0), body, options, 0);
  const results: AdapterResult[] = [];
  starts.forEach((start, n) => {
    const message = lines.slice(start, starts[n + 1] ?? lines.length);
    results.push(...fromFsuMessage(message, message.map((l) => l.text).join('\n'), options, results.length));
  });
  return results;
}

function fromFsuMessage(lines: Line[], body: string, options: IataOptions, base: number): AdapterResult[] {
  let cursor = 0;
  if (lines[0] && /^FS[UA](\/\d+)?$/.test(lines[0].text)) cursor++;
  const awbLine = lines[cursor];
  const m = awbLine ? CONSIGNMENT_RE.exec(awbLine.text) : null;
  if (!awbLine || !m) {
    return [
      {
        index: base,
        ok: false,
        reason: `line ${awbLine?.lineNo ?? 1}: expected the consignment line, e.g. 020-12345675SINLHR/T10K200 (AWB, origin and destination airport, quantity)`,
        raw: body,
      },
    ];
  }
  const awbCheck = validateAwbNumber(`${m[1]}${m[2]}`);
  if (!awbCheck.ok) {
    return [
      { index: base, ok: false, reason: `line ${awbLine.lineNo}: ${awbCheck.message}`, raw: awbLine.text },
    ];
  }
  const consignment: Consignment = { awb: awbCheck.normalized, origin: m[3]!, destination: m[4]! };
  if (m[5]) {
    const q = parseQuantity(m[5]);
    if (!q)
      return [
        {
          index: base,
          ok: false,
          reason: `line ${awbLine.lineNo}: quantity "${m[5]}" is not like T10K200 (T/P/S/D, pieces, K or L and weight)`,
          raw: awbLine.text,
        },
      ];
    consignment.quantity = q;
  }
  cursor++;

  // Status lines, each with its continuation lines ('/' + free text).
  const statusLines: { lineNo: number; text: string; remarks: string[] }[] = [];
  for (const line of lines.slice(cursor)) {
    if (line.text.startsWith('/') && statusLines.length > 0) {
      statusLines.at(-1)!.remarks.push(line.text.slice(1).trim());
    } else if (/^(OSI|OCI)\//.test(line.text) && statusLines.length > 0) {
      statusLines.at(-1)!.remarks.push(line.text.slice(4).trim());
    } else {
      statusLines.push({ lineNo: line.lineNo, text: line.text, remarks: [] });
    }
  }
  if (statusLines.length === 0) {
    return [
      {
        index: base,
        ok: false,
        reason: `no status line after the consignment line (expected e.g. RCS/14MAR0930/SIN/T10K200)`,
        raw: body,
      },
    ];
  }
  const now = options.now ?? new Date();
  const source = options.source ?? 'iata';
  return statusLines.map((line, i) => {
    const index = base + i;
    const raw = {
      awbLine: awbLine.text,
      line: line.text,
      ...(line.remarks.length ? { remarks: line.remarks } : {}),
    };
    const result = parseStatusLine(line.text, consignment, now, source);
    if (typeof result === 'string')
      return { index, ok: false, reason: `line ${line.lineNo}: ${result}`, raw };
    if (line.remarks.length > 0) result.details = { ...result.details, remark: line.remarks.join(' ') };
    return { index, ok: true, event: result, raw };
  });
}

interface ParsedFields {
  flight?: string;
  carrier?: string;
  date?: { day: number; month: number; hour?: number; minute?: number; text: string };
  airports: string[];
  quantity?: Quantity;
  timeInfo: { kind: 'S' | 'E' | 'A'; hour: number; minute: number; dayShift: number }[];
  discrepancy?: string;
  other: string[];
}

function classifyFields(code: string, fields: string[]): ParsedFields | string {
  const out: ParsedFields = { airports: [], timeInfo: [], other: [] };
  for (const f of fields) {
    if (f === '') continue;
    const date = DATE_RE.exec(f);
    if (date && MONTHS.includes(date[2]!) && !out.date) {
      const day = Number(date[1]);
      const month = MONTHS.indexOf(date[2]!) + 1;
      const entry: NonNullable<ParsedFields['date']> = { day, month, text: f };
      if (date[3]) {
        entry.hour = Number(date[3].slice(0, 2));
        entry.minute = Number(date[3].slice(2));
        if (entry.hour > 23 || entry.minute > 59) return `time "${f}" is not a valid ddMMMhhmm`;
      }
      out.date = entry;
      continue;
    }
    if (date && !MONTHS.includes(date[2]!)) return `"${f}": ${date[2]} is not a month (JAN…DEC)`;
    if (/^[A-Z]{3}$/.test(f) || /^[A-Z]{6}$/.test(f)) {
      if (/^[A-Z]{6}$/.test(f)) out.airports.push(f.slice(0, 3), f.slice(3));
      else out.airports.push(f);
      continue;
    }
    if (code === 'DIS' && /^[A-Z]{4}$/.test(f) && !out.discrepancy) {
      out.discrepancy = f;
      continue;
    }
    if (!out.quantity) {
      const q = parseQuantity(f);
      if (q) {
        out.quantity = q;
        continue;
      }
    } else {
      const t = TIME_INFO_RE.exec(f);
      if (t) {
        const hour = Number(t[2]);
        const minute = Number(t[3]);
        if (hour > 23 || minute > 59) return `time information "${f}" is not a valid hhmm`;
        out.timeInfo.push({ kind: t[1] as 'S' | 'E' | 'A', hour, minute, dayShift: Number(t[4] ?? 0) });
        continue;
      }
    }
    const flight = FLIGHT_RE.exec(f);
    if (flight && !out.flight && /\d/.test(f)) {
      out.flight = f;
      continue;
    }
    if (/^[A-Z0-9]{2}$/.test(f) && !out.carrier) {
      out.carrier = f;
      continue;
    }
    out.other.push(f);
  }
  return out;
}

function parseStatusLine(
  text: string,
  consignment: Consignment,
  now: Date,
  source: string,
): IncomingEvent | string {
  const [code = '', ...fields] = text.split('/');
  const rule = own(CODES, code);
  if (!rule) {
    if (/^[A-Z]{3}$/.test(code))
      return `status code ${code} is not mapped (supported: ${IATA_STATUS_CODES.join(', ')})`;
    return `"${text.slice(0, 40)}" is not a status line (3-letter status code, then fields separated by /)`;
  }
  const parsed = classifyFields(code, fields);
  if (typeof parsed === 'string') return `${code}: ${parsed}`;
  if (rule.needsFlight && !parsed.flight)
    return `${code}: flight missing (carrier code and number, e.g. LH0123)`;
  if (!parsed.date) return `${code}: date missing (ddMMM or ddMMMhhmm, e.g. 14MAR0930)`;
  let station: string | undefined;
  if (parsed.airports.length === 0) {
    // DLV/NFD/AWD without a station are at the AWB destination, RCS/FOH at its origin.
    station = rule.pairSide === 'origin' ? consignment.origin : consignment.destination;
    if (!['RCS', 'FOH', 'DLV', 'NFD', 'AWD', 'DDL', 'CCD'].includes(code))
      return `${code}: airport missing (3-letter IATA airport code, e.g. SIN)`;
  } else if (parsed.airports.length >= 2) {
    station = rule.pairSide === 'origin' ? parsed.airports[0] : parsed.airports[1];
  } else {
    station = parsed.airports[0];
  }
  let eventCode = rule.eventCode;
  const details: Record<string, unknown> = {
    awb: consignment.awb,
    ...(rule.details ?? {}),
    ...quantityDetails(parsed.quantity),
  };
  if (code === 'DIS') {
    if (!parsed.discrepancy)
      return `DIS: discrepancy code missing (one of ${Object.keys(DISCREPANCY_CODES).join(', ')})`;
    const d = own(DISCREPANCY_CODES, parsed.discrepancy);
    if (!d)
      return `DIS: discrepancy code ${parsed.discrepancy} is not known (one of ${Object.keys(DISCREPANCY_CODES).join(', ')})`;
    eventCode = d.eventCode;
    details.discrepancyCode = parsed.discrepancy;
    details.discrepancy = d.meaning;
  }
  if (parsed.flight) details.flight = parsed.flight;
  if (parsed.carrier) details.carrier = parsed.carrier;
  if (parsed.airports.length >= 2) {
    details.flightOrigin = parsed.airports[0];
    details.flightDestination = parsed.airports[1];
  }
  if (parsed.other.length > 0) details.name = parsed.other.join(' ');

  const where = own(STATIONS, station);
  if (!where)
    return `${code}: time zone of station ${station} is unknown — FSU times are local station time; send XFSU with zoned times or add ${station} to the station table`;

  // Time: the line's own ddMMMhhmm; for DEP/ARR/BKD the time information (A/E/S hhmm) wins.
  let classifier = rule.classifier;
  let hour = parsed.date.hour;
  let minute = parsed.date.minute;
  const info =
    code === 'ARR'
      ? (parsed.timeInfo.find((t) => t.kind === 'A') ?? parsed.timeInfo.at(-1))
      : (parsed.timeInfo.find((t) => t.kind === 'A') ?? parsed.timeInfo[0]);
  let dayShift = 0;
  if (info && hour === undefined) {
    hour = info.hour;
    minute = info.minute;
    dayShift = info.dayShift;
    if (code === 'DEP' || code === 'ARR')
      classifier = info.kind === 'A' ? 'ACT' : info.kind === 'E' ? 'EST' : 'PLN';
    details.timeIndicator = info.kind;
  }
  if (hour === undefined) details.timePrecision = 'day';
  const year = inferYear(parsed.date.month, parsed.date.day, now, classifier === 'ACT');
  if (!validDay(year, parsed.date.month, parsed.date.day))
    return `${code}: ${parsed.date.text} is not a date (day ${parsed.date.day} of ${MONTHS[parsed.date.month - 1]})`;
  const local = new Date(Date.UTC(year, parsed.date.month - 1, parsed.date.day + dayShift));
  const eventTime = localToZonedIso(
    where.zone,
    local.getUTCFullYear(),
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    hour ?? 0,
    minute ?? 0,
  );
  return buildEvent({
    awb: consignment.awb,
    code,
    eventCode,
    classifier,
    eventTime,
    station: station!,
    flight: parsed.flight ?? parsed.carrier ?? null,
    discrepancy: parsed.discrepancy ?? null,
    source,
    details,
  });
}

function buildEvent(input: {
  awb: string;
  code: string;
  eventCode: EventCode;
  classifier: EventClassifier;
  eventTime: string;
  station: string;
  flight: string | null;
  discrepancy: string | null;
  source: string;
  details: Record<string, unknown>;
}): IncomingEvent {
  const where = own(STATIONS, input.station);
  const instant = new Date(Date.parse(input.eventTime)).toISOString();
  const hash = stableId([
    input.awb,
    input.code,
    instant,
    input.station,
    input.flight,
    input.code === 'DIS' ? input.discrepancy : null,
  ]);
  return {
    shipmentRef: input.awb,
    eventCode: input.eventCode,
    classifier: input.classifier,
    eventTime: input.eventTime,
    location: where?.locode ?? null,
    locationName: where ? `${input.station} ${where.name}` : input.station,
    source: input.source,
    sourceEventId: `${input.awb}/${input.code}/${hash}`,
    updatedAt: input.eventTime,
    sourceCode: input.code,
    details: { ...input.details, station: input.station },
  };
}

// ---------------------------------------------------------------------------------------------
// XFSU (Cargo-XML StatusMessage)

const xml = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) =>
    [
      'ReportedStatus',
      'AssociatedStatusConsignment',
      'SpecifiedLogisticsTransportMovement',
      'SpecifiedEvent',
    ].includes(name),
});

type Node = Record<string, unknown>;

const asArray = <T>(v: T | T[] | undefined | null): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

/** Text of an element that may carry attributes ({ '#text': …, '@unitCode': … }). */
function text(v: unknown): string | undefined {
  if (v == null) return undefined;
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && '#text' in (v as Node)) return text((v as Node)['#text']);
  if (Array.isArray(v)) return text(v[0]);
  return undefined;
}

function child(node: unknown, ...path: string[]): unknown {
  let cur: unknown = node;
  for (const key of path) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (cur[0] as Node)?.[key] : (cur as Node)[key];
  }
  return cur;
}

const XML_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** XFSU date-time → zoned ISO; local (no offset) times take the station's zone. */
function xfsuTime(value: string, station: string | undefined): string | { error: string } {
  const m = XML_TIME_RE.exec(value);
  if (!m) return { error: `"${value}" is not an xsd:dateTime` };
  const [, y, mo, d, h, mi, s = '00', zone] = m;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (month < 1 || month > 12 || !validDay(year, month, day))
    return { error: `"${value}" is not a calendar date` };
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59)
    return { error: `"${value}" is not a time of day (hh 00–23, mm and ss 00–59)` };
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4)) > 59))
    return { error: `"${value}" has an impossible zone offset ${zone}` };
  if (zone) return `${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`;
  const where = own(STATIONS, station);
  if (!where)
    return {
      error: `"${value}" has no zone offset and the time zone of station ${station ?? '(none)'} is unknown`,
    };
  return localToZonedIso(where.zone, Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
}

function fromXfsu(body: string, options: IataOptions): AdapterResult[] {
  let doc: Node;
  try {
    doc = xml.parse(body, true) as Node;
  } catch (error) {
    return [
      {
        index: 0,
        ok: false,
        reason: `XFSU: not well-formed XML (${(error as Error).message.split('\n')[0]})`,
        raw: body,
      },
    ];
  }
  const message = doc.StatusMessage as Node | undefined;
  if (!message || typeof message !== 'object') {
    return [{ index: 0, ok: false, reason: 'XFSU: root element must be rsm:StatusMessage', raw: body }];
  }
  const consignment = message.MasterConsignment as Node | undefined;
  const awbText = text(child(consignment, 'TransportContractDocument', 'ID'));
  if (!awbText) {
    return [
      {
        index: 0,
        ok: false,
        reason: 'XFSU: MasterConsignment/TransportContractDocument/ID (the air waybill number) is missing',
        raw: body,
      },
    ];
  }
  const awbCheck = validateAwbNumber(awbText);
  if (!awbCheck.ok) {
    return [
      { index: 0, ok: false, reason: `XFSU: TransportContractDocument/ID: ${awbCheck.message}`, raw: body },
    ];
  }
  const awb = awbCheck.normalized;
  const origin = text(child(consignment, 'OriginLocation', 'ID'));
  const destination = text(child(consignment, 'FinalDestinationLocation', 'ID'));
  const statuses = asArray(consignment?.ReportedStatus as Node | Node[]);
  if (statuses.length === 0) {
    return [{ index: 0, ok: false, reason: 'XFSU: MasterConsignment/ReportedStatus is missing', raw: body }];
  }
  const source = options.source ?? 'iata';
  return statuses.map((status, index) => {
    const raw = status;
    const result = xfsuStatus(status, { awb, origin, destination, source });
    if (typeof result === 'string')
      return { index, ok: false, reason: `ReportedStatus ${index + 1}: ${result}`, raw };
    return { index, ok: true, event: result, raw };
  });
}

function xfsuStatus(
  status: Node,
  c: { awb: string; origin?: string; destination?: string; source: string },
): IncomingEvent | string {
  const code = text(status.ReasonCode)?.toUpperCase();
  if (!code) return 'ReasonCode (the status code, e.g. DEP) is missing';
  const rule = own(CODES, code);
  if (!rule) return `status code ${code} is not mapped (supported: ${IATA_STATUS_CODES.join(', ')})`;
  const consignment = asArray(status.AssociatedStatusConsignment as Node | Node[])[0] ?? {};
  const movement = asArray(consignment.SpecifiedLogisticsTransportMovement as Node | Node[])[0];
  const flight = text(child(movement, 'ID'));
  if (rule.needsFlight && !flight)
    return `${code}: SpecifiedLogisticsTransportMovement/ID (the flight) is missing`;
  const specified = asArray(child(movement, 'SpecifiedEvent') as Node | Node[])[0];
  const departure = child(movement, 'DepartureEvent') as Node | undefined;
  const arrival = child(movement, 'ArrivalEvent') as Node | undefined;

  // Station: the event's own location, else the movement's location, else by the code's side.
  const station =
    text(child(specified, 'OccurrenceLocation', 'ID')) ??
    text(child(movement, 'SpecifiedLocation', 'ID')) ??
    (rule.pairSide === 'origin'
      ? (text(child(departure, 'OccurrenceDepartureLocation', 'ID')) ?? c.origin)
      : (text(child(arrival, 'OccurrenceArrivalLocation', 'ID')) ?? c.destination));
  if (!station) return `${code}: no location (SpecifiedEvent/OccurrenceLocation or SpecifiedLocation)`;

  // Time and its type code (A actual, E estimated, S scheduled).
  let timeText = text(child(specified, 'OccurrenceDateTime'));
  let typeCode = text(child(specified, 'DateTimeTypeCode'));
  if (!timeText && (code === 'DEP' || code === 'BKD' || code === 'MAN')) {
    timeText = text(child(departure, 'DepartureOccurrenceDateTime'));
    typeCode = text(child(departure, 'DepartureDateTimeTypeCode'));
  }
  if (!timeText && (code === 'ARR' || code === 'RCF')) {
    timeText = text(child(arrival, 'ArrivalOccurrenceDateTime'));
    typeCode = text(child(arrival, 'ArrivalDateTimeTypeCode'));
  }
  if (!timeText) return `${code}: SpecifiedEvent/OccurrenceDateTime (when it happened) is missing`;
  const eventTime = xfsuTime(timeText, station);
  if (typeof eventTime !== 'string') return `${code}: OccurrenceDateTime ${eventTime.error}`;
  let classifier = rule.classifier;
  if (typeCode && (code === 'DEP' || code === 'ARR')) {
    const t = typeCode.toUpperCase();
    if (!['A', 'E', 'S'].includes(t)) return `${code}: DateTimeTypeCode ${typeCode} is not A, E or S`;
    classifier = t === 'A' ? 'ACT' : t === 'E' ? 'EST' : 'PLN';
  }

  let eventCode = rule.eventCode;
  const details: Record<string, unknown> = { awb: c.awb, ...(rule.details ?? {}) };
  const pieces = text(consignment.PieceQuantity);
  if (pieces && /^\d+$/.test(pieces)) details.pieces = Number(pieces);
  const weight = consignment.GrossWeightMeasure;
  const weightText = text(weight);
  if (weightText && !Number.isNaN(Number(weightText))) {
    details.weight = Number(weightText);
    details.weightUnit = (weight as Node)?.['@unitCode'] ?? 'KGM';
  }
  const split = text(consignment.TransportSplitDescription);
  if (split) details.shipmentDescription = split;
  const discrepancy = text(consignment.DiscrepancyDescriptionCode)?.toUpperCase();
  if (code === 'DIS') {
    if (!discrepancy) return 'DIS: AssociatedStatusConsignment/DiscrepancyDescriptionCode is missing';
    const d = own(DISCREPANCY_CODES, discrepancy);
    if (!d)
      return `DIS: discrepancy code ${discrepancy} is not known (one of ${Object.keys(DISCREPANCY_CODES).join(', ')})`;
    eventCode = d.eventCode;
    details.discrepancyCode = discrepancy;
    details.discrepancy = d.meaning;
  }
  const remark = text(consignment.StatusDescription);
  if (remark) details.remark = remark;
  if (flight) details.flight = flight;
  return buildEvent({
    awb: c.awb,
    code,
    eventCode,
    classifier,
    eventTime,
    station,
    flight: flight ?? null,
    discrepancy: discrepancy ?? null,
    source: c.source,
    details,
  });
}
