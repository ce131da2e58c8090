import { createHash } from 'node:crypto';
import { validateAwbNumber, validateContainerNumber, validateUnLocode } from '../identifiers.ts';
import { EVENT_CODES, type EventClassifier, type EventCode, parseZonedTime } from '../milestones.ts';
import { localToZonedIso } from './iata.ts';
import type { IncomingEvent } from './types.ts';

/**
 * Spreadsheet rows (CSV or XLSX, read by the CLI) → tracking events or shipment inputs, with
 * column names in Chinese or English and a precise problem per cell. Pure: resolving customer
 * and department names to ids and storing is the CLI's job (src/cli/import-events.ts,
 * src/cli/import-shipments.ts).
 *
 * Times without a zone are wall-clock times in `options.timeZone` (the display zone, Asia/Shanghai
 * by default); `2026-03-14 09:30`, `2026/3/14 9:30`, `2026-03-14T09:30:00+08:00` are accepted.
 *
 * Events get `sourceEventId` from the 事件编号/eventId column, else a hash of (reference, code,
 * classifier, time, location), so importing the same file twice stores every event once.
 */

export interface TableRow {
  /** Spreadsheet row number (header = 1). */
  row: number;
  cells: string[];
}

export interface Table {
  headers: string[];
  rows: TableRow[];
}

export interface RowProblem {
  /** Spreadsheet row number; 1 for the header, 0 for the whole file. */
  row: number;
  column: string;
  value: string;
  message: string;
}

export type RowResult<T> =
  | { row: number; ok: true; value: T }
  | { row: number; ok: false; problems: RowProblem[] };

export interface Parsed<T> {
  /** Problems with the columns themselves (unknown or missing); when any, no row is read. */
  headerProblems: RowProblem[];
  rows: RowResult<T>[];
}

interface ColumnDef<K extends string> {
  key: K;
  aliases: string[];
  required?: boolean;
}

/**
 * Lower-case, no spaces, underscores, hyphens, dots, slashes, brackets or the asterisk templates put
 * on required columns: 'Tracking No.' → 'trackingno', '运单号*' → '运单号'.
 */
export function headerKey(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s_\-./·:：()（）*＊]/g, '');
}

function mapColumns<K extends string>(
  headers: string[],
  defs: ColumnDef<K>[],
): { index: Map<K, number>; problems: RowProblem[] } {
  const lookup = new Map<string, K>();
  for (const def of defs)
    for (const alias of [def.key, ...def.aliases]) lookup.set(headerKey(alias), def.key);
  const index = new Map<K, number>();
  const problems: RowProblem[] = [];
  headers.forEach((header, i) => {
    if (header.trim() === '') return;
    const key = lookup.get(headerKey(header));
    if (!key) {
      problems.push({
        row: 1,
        column: header,
        value: '',
        message: `unknown column; known columns: ${defs.map((d) => `${d.aliases[0]}/${d.key}`).join(', ')}`,
      });
      return;
    }
    if (index.has(key)) {
      problems.push({
        row: 1,
        column: header,
        value: '',
        message: `the same column as "${headers[index.get(key)!]}"`,
      });
      return;
    }
    index.set(key, i);
  });
  for (const def of defs) {
    if (def.required && !index.has(def.key))
      problems.push({
        row: 1,
        column: def.aliases[0]!,
        value: '',
        message: `required column missing (${def.aliases[0]} or ${def.key})`,
      });
  }
  return { index, problems };
}

/** Excel keeps a leading apostrophe that the export puts before formula-like text; take it off. */
function cellOf(cells: string[], i: number | undefined): string {
  if (i === undefined) return '';
  const v = (cells[i] ?? '').trim();
  return /^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v;
}

// ---------------------------------------------------------------------------------------------
// Time

const LOCAL_TIME_RE =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A spreadsheet time as ISO 8601 with an offset: its own zone if written, else `timeZone`
 * (DST aware). A date alone is midnight. `null` when it is not a date.
 */
export function parseSheetTime(value: string, timeZone: string): string | null {
  const serial = excelSerialTime(value.trim(), timeZone);
  if (serial) return serial;
  const m = LOCAL_TIME_RE.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate())
    return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const p = (n: string | number, w = 2) => String(n).padStart(w, '0');
  if (zone) {
    const z =
      zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const iso = `${p(year, 4)}-${p(month)}-${p(day)}T${p(h)}:${p(mi)}:${p(s)}${z}`;
    return parseZonedTime(iso) === null ? null : iso;
  }
  return localToZonedIso(timeZone, year, month, day, Number(h), Number(mi), Number(s));
}

/** Is `zone` an IANA time zone this runtime knows (Asia/Shanghai, UTC)? */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An Excel date serial (days since 1899-12-30, the fraction the time of day), as a sheet gives it
 * when the column is not formatted as a date: 46095.39583 is 2026-03-14 09:30. Only 5-digit day
 * numbers (1954–2173) are read as dates; the wall clock is in `timeZone` like any zone-less time.
 */
function excelSerialTime(value: string, timeZone: string): string | null {
  if (!/^[2-9]\d{4}(\.\d+)?$/.test(value)) return null;
  const ms = Math.round((Number(value) * 86_400_000) / 1000) * 1000 + Date.UTC(1899, 11, 30);
  const wall = new Date(ms);
  return localToZonedIso(
    timeZone,
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
  );
}

// ---------------------------------------------------------------------------------------------
// Events

type EventKey =
  | 'reference'
  | 'eventCode'
  | 'classifier'
  | 'eventTime'
  | 'location'
  | 'locationName'
  | 'remark'
  | 'eventId'
  | 'source';

export const EVENT_COLUMNS: ColumnDef<EventKey>[] = [
  {
    key: 'reference',
    aliases: [
      '运单号',
      '单号',
      '跟踪号',
      '追踪号',
      '货运单号',
      '提单号',
      '参考号',
      'tracking number',
      'tracking no',
      'reference',
      'shipmentRef',
      'shipment',
    ],
    required: true,
  },
  {
    key: 'eventCode',
    aliases: ['事件', '事件代码', '节点', '状态', 'event', 'event code', 'status', 'milestone'],
    required: true,
  },
  { key: 'classifier', aliases: ['类型', '事件类型', '分类', 'classifier', 'type'] },
  {
    key: 'eventTime',
    aliases: ['时间', '事件时间', '发生时间', 'time', 'event time', 'date'],
    required: true,
  },
  { key: 'location', aliases: ['地点', '地点代码', '港口', 'location', 'locode', 'UN/LOCODE', 'port'] },
  { key: 'locationName', aliases: ['地点名称', '地名', '场站', 'location name', 'place', 'facility'] },
  { key: 'remark', aliases: ['备注', '说明', 'remark', 'note', 'notes', 'comment'] },
  { key: 'eventId', aliases: ['事件编号', '事件ID', 'event id', 'id'] },
  { key: 'source', aliases: ['来源', 'source'] },
];

/** Chinese and English names of the internal event codes (besides the codes themselves). */
const EVENT_NAMES: Partial<Record<EventCode, string[]>> = {
  BOOKED: ['订舱', '已订舱', 'booked', 'booking'],
  RECEIVED: [
    '收货',
    '已收货',
    '揽收',
    '已揽收',
    '入仓',
    '进仓',
    'received',
    'receipt',
    'picked up',
    'pickup',
  ],
  LOADED: ['装货', '装船', '装车', '装机', '已装船', 'loaded', 'loading'],
  DEPARTED: ['离港', '开航', '起飞', '发车', '发运', '已发运', '已离港', 'departed', 'departure', 'sailed'],
  ARRIVED: ['到港', '抵港', '到达', '抵达', '已到港', 'arrived', 'arrival'],
  DISCHARGED: ['卸货', '卸船', '卸机', '已卸船', 'discharged', 'unloaded'],
  CUSTOMS_RELEASED: [
    '清关放行',
    '海关放行',
    '放行',
    '已清关',
    'customs released',
    'cleared',
    'customs cleared',
  ],
  OUT_FOR_DELIVERY: ['派送中', '派送', '配送中', '送货中', 'out for delivery'],
  DELIVERED: ['签收', '已签收', '妥投', '已送达', '送达', 'delivered', 'delivery'],
  DELIVERY_FAILED: ['派送失败', '投递失败', '送货失败', 'delivery failed', 'failed delivery'],
  DAMAGED: ['破损', '货损', '损坏', 'damaged', 'damage'],
  HOLD: ['扣货', '扣留', '暂扣', 'hold', 'held', 'on hold'],
  LOST: ['丢失', '遗失', '灭失', 'lost', 'missing'],
  GATE_IN: ['进闸', '进场', '进港', 'gate in', 'gated in'],
  GATE_OUT: ['出闸', '出场', 'gate out', 'gated out'],
  STUFFED: ['装箱', 'stuffed', 'stuffing'],
  STRIPPED: ['拆箱', 'stripped', 'stripping', 'devanned'],
  PICKED_UP: ['提柜', '提货', '取货', 'picked up', 'pickup'],
  DROPPED_OFF: ['还柜', '交柜', 'dropped off', 'drop off'],
  INSPECTED: ['查验', '检验', 'inspected', 'inspection'],
  RELEASED: ['放货', '已放货', 'released', 'release'],
  DOCUMENT_STATUS: ['单证', '文件', 'document', 'documents'],
};

const eventCodeLookup = new Map<string, EventCode>();
for (const code of EVENT_CODES) {
  eventCodeLookup.set(headerKey(code), code);
  for (const name of EVENT_NAMES[code] ?? []) eventCodeLookup.set(headerKey(name), code);
}

export function parseEventCode(value: string): EventCode | null {
  return eventCodeLookup.get(headerKey(value)) ?? null;
}

const CLASSIFIERS: Record<string, EventClassifier> = {
  act: 'ACT',
  actual: 'ACT',
  实际: 'ACT',
  est: 'EST',
  estimated: 'EST',
  estimate: 'EST',
  预计: 'EST',
  预估: 'EST',
  pln: 'PLN',
  planned: 'PLN',
  plan: 'PLN',
  计划: 'PLN',
};

export interface EventRowOptions {
  /** Zone of times written without one (IANA, e.g. Asia/Shanghai). */
  timeZone: string;
  /** Source of rows without a 来源/source cell (default `csv`). */
  source?: string;
}

/** Event rows → IncomingEvent per row, or the row's problems. */
export function eventRows(table: Table, options: EventRowOptions): Parsed<IncomingEvent> {
  const { index, problems: headerProblems } = mapColumns(table.headers, EVENT_COLUMNS);
  if (headerProblems.length > 0) return { headerProblems, rows: [] };
  const columnName = (key: EventKey) => table.headers[index.get(key)!] ?? key;
  const rows: RowResult<IncomingEvent>[] = [];
  for (const { row, cells } of table.rows) {
    if (cells.every((c) => (c ?? '').trim() === '')) continue;
    const get = (key: EventKey) => cellOf(cells, index.get(key));
    const problems: RowProblem[] = [];
    const problem = (key: EventKey, message: string) =>
      problems.push({ row, column: columnName(key), value: get(key), message });
    if (cells.length > table.headers.length && cells.slice(table.headers.length).some((c) => c.trim() !== ''))
      problems.push({
        row,
        column: '',
        value: cells.slice(table.headers.length).join(','),
        message: 'more values than columns (an unquoted comma?)',
      });

    const reference = get('reference');
    if (!reference)
      problem('reference', 'required: the shipment number, B/L, booking, AWB or container number');
    const codeText = get('eventCode');
    const eventCode = codeText ? parseEventCode(codeText) : null;
    if (!codeText) problem('eventCode', 'required');
    else if (!eventCode)
      problem(
        'eventCode',
        `not an event; use one of ${EVENT_CODES.join(', ')} or a name such as 离港, 到港, 签收`,
      );
    const classifierText = get('classifier');
    const classifierKey = headerKey(classifierText);
    const classifier: EventClassifier | undefined = classifierText
      ? Object.hasOwn(CLASSIFIERS, classifierKey)
        ? CLASSIFIERS[classifierKey]
        : undefined
      : 'ACT';
    if (!classifier) problem('classifier', 'use 实际/ACT, 预计/EST or 计划/PLN');
    const timeText = get('eventTime');
    const eventTime = timeText ? parseSheetTime(timeText, options.timeZone) : null;
    if (!timeText) problem('eventTime', 'required');
    else if (!eventTime)
      problem(
        'eventTime',
        'not a date and time like 2026-03-14 09:30 (or with a zone: 2026-03-14T09:30+08:00)',
      );
    const locationText = get('location');
    let location: string | null = null;
    if (locationText) {
      const check = validateUnLocode(locationText);
      if (check.ok) location = check.normalized;
      else problem('location', check.message);
    }
    if (problems.length > 0 || !eventCode || !classifier || !eventTime) {
      rows.push({ row, ok: false, problems });
      continue;
    }
    const source = get('source') || options.source || 'csv';
    // A sheet's own event id is only unique within what it describes (often a row number 1, 2, 3 …):
    // scoped by the shipment reference, so another file's event "1" never replaces this one.
    const ownId = get('eventId');
    const sourceEventId = ownId
      ? `${reference.replace(/\s+/g, '').toUpperCase()}#${ownId}`
      : `row:${createHash('sha256')
          .update(
            JSON.stringify([
              reference.toUpperCase(),
              eventCode,
              classifier,
              new Date(Date.parse(eventTime)).toISOString(),
              location,
            ]),
          )
          .digest('hex')
          .slice(0, 32)}`;
    const remark = get('remark');
    const locationName = get('locationName');
    rows.push({
      row,
      ok: true,
      value: {
        shipmentRef: reference,
        eventCode,
        classifier,
        eventTime,
        location,
        locationName: locationName || null,
        source,
        sourceEventId,
        updatedAt: eventTime,
        sourceCode: codeText,
        details: { ...(remark ? { remark } : {}), importRow: row },
      },
    });
  }
  return { headerProblems: [], rows };
}

// ---------------------------------------------------------------------------------------------
// Shipments

type ShipmentKey =
  | 'customer'
  | 'department'
  | 'mode'
  | 'orderNo'
  | 'houseBl'
  | 'masterBl'
  | 'bookingRef'
  | 'awb'
  | 'containers'
  | 'customerReference'
  | 'origin'
  | 'destination'
  | 'destinationPostcode'
  | 'consigneeName'
  | 'consigneePhone'
  | 'pieces'
  | 'weightKg'
  | 'volumeM3'
  | 'cargoDescription'
  | 'specialHandling'
  | 'promisedAt';

export const SHIPMENT_COLUMNS: ColumnDef<ShipmentKey>[] = [
  {
    key: 'customer',
    aliases: ['客户', '客户名称', '客户编号', 'customer', 'customer name', 'customerId'],
    required: true,
  },
  {
    key: 'department',
    aliases: ['部门', '操作部门', '部门代码', 'department', 'departmentId'],
    required: true,
  },
  { key: 'mode', aliases: ['运输方式', '服务方式', '业务类型', 'mode', 'service mode'], required: true },
  { key: 'orderNo', aliases: ['订单号', '委托单号', 'order no', 'order number', 'order'] },
  { key: 'houseBl', aliases: ['分提单号', '分单号', 'HBL', 'house B/L', 'house bl'] },
  { key: 'masterBl', aliases: ['主提单号', '主单号', 'MBL', 'master B/L', 'master bl'] },
  { key: 'bookingRef', aliases: ['订舱号', 'booking', 'booking ref', 'booking number'] },
  { key: 'awb', aliases: ['空运单号', '航空运单号', 'AWB', 'air waybill'] },
  { key: 'containers', aliases: ['集装箱号', '箱号', 'containers', 'container', 'container numbers'] },
  { key: 'customerReference', aliases: ['客户参考号', '客户单号', 'customer reference', 'customer ref'] },
  { key: 'origin', aliases: ['起运地', '起运港', '始发地', 'origin', 'POL'] },
  { key: 'destination', aliases: ['目的地', '目的港', 'destination', 'POD'] },
  { key: 'destinationPostcode', aliases: ['目的地邮编', '收货邮编', 'destination postcode', 'postcode'] },
  { key: 'consigneeName', aliases: ['收货人', 'consignee', 'consignee name'] },
  { key: 'consigneePhone', aliases: ['收货人电话', 'consignee phone'] },
  { key: 'pieces', aliases: ['件数', 'pieces', 'pcs'] },
  { key: 'weightKg', aliases: ['重量', '毛重', '重量kg', 'weight', 'weight kg'] },
  { key: 'volumeM3', aliases: ['体积', '体积m3', '体积立方米', 'volume', 'volume m3', 'cbm'] },
  { key: 'cargoDescription', aliases: ['货物描述', '品名', 'cargo', 'cargo description', 'description'] },
  { key: 'specialHandling', aliases: ['特殊处理', '特殊要求', 'special handling'] },
  {
    key: 'promisedAt',
    aliases: ['承诺时限', '承诺送达', '承诺时间', 'promised', 'promised at', 'promised delivery'],
  },
];

const MODES: Record<string, string> = {
  air: 'air',
  空运: 'air',
  sea: 'sea',
  海运: 'sea',
  ocean: 'sea',
  road: 'road',
  陆运: 'road',
  公路: 'road',
  truck: 'road',
  rail: 'rail',
  铁路: 'rail',
  铁运: 'rail',
  warehouse: 'warehouse',
  仓储: 'warehouse',
  distribution: 'distribution',
  配送: 'distribution',
  customs: 'customs',
  报关: 'customs',
  关务: 'customs',
};

/** A shipment row: the POST /api/shipments body, with customer and department still as written. */
export interface ShipmentRow {
  /** Customer id, customer name or unified social credit code — the CLI resolves it. */
  customer: string;
  /** Department id, code or name — the CLI resolves it. */
  department: string;
  mode: string;
  orderNo?: string;
  houseBl?: string;
  masterBl?: string;
  bookingRef?: string;
  awb?: string;
  containers?: string[];
  customerReference?: string;
  origin?: string;
  destination?: string;
  destinationPostcode?: string;
  consigneeName?: string;
  consigneePhone?: string;
  pieces?: number;
  weightKg?: number;
  volumeM3?: number;
  cargoDescription?: string;
  specialHandling?: string[];
  promisedAt?: string;
}

/** Splits a list cell: `;` `；` `、` `,` `，` or new lines (like the customer import). */
function splitList(value: string): string[] {
  return value
    .split(/[;；、,，\n]+/)
    .map((v) => v.trim())
    .filter(Boolean);
}

export function shipmentRows(table: Table, options: { timeZone: string }): Parsed<ShipmentRow> {
  const { index, problems: headerProblems } = mapColumns(table.headers, SHIPMENT_COLUMNS);
  if (headerProblems.length > 0) return { headerProblems, rows: [] };
  const columnName = (key: ShipmentKey) => table.headers[index.get(key)!] ?? key;
  const rows: RowResult<ShipmentRow>[] = [];
  for (const { row, cells } of table.rows) {
    if (cells.every((c) => (c ?? '').trim() === '')) continue;
    const get = (key: ShipmentKey) => cellOf(cells, index.get(key));
    const problems: RowProblem[] = [];
    const problem = (key: ShipmentKey, message: string, value = get(key)) =>
      problems.push({ row, column: columnName(key), value, message });
    if (cells.length > table.headers.length && cells.slice(table.headers.length).some((c) => c.trim() !== ''))
      problems.push({
        row,
        column: '',
        value: cells.slice(table.headers.length).join(','),
        message: 'more values than columns (an unquoted comma?)',
      });
    const value: ShipmentRow = { customer: get('customer'), department: get('department'), mode: '' };
    if (!value.customer)
      problem('customer', 'required: customer name, customer id or unified social credit code');
    if (!value.department) problem('department', 'required: department code or name');
    const modeText = get('mode');
    const modeKey = headerKey(modeText);
    const mode = Object.hasOwn(MODES, modeKey) ? MODES[modeKey] : undefined;
    if (!modeText) problem('mode', 'required');
    else if (!mode)
      problem(
        'mode',
        'use 海运/sea, 空运/air, 陆运/road, 铁路/rail, 仓储/warehouse, 配送/distribution or 报关/customs',
      );
    else value.mode = mode;

    for (const key of [
      'orderNo',
      'houseBl',
      'masterBl',
      'bookingRef',
      'customerReference',
      'destinationPostcode',
      'consigneeName',
      'consigneePhone',
      'cargoDescription',
    ] as const) {
      const v = get(key);
      // B/L numbers have no standard format: never checked (issue 4).
      if (v) value[key] = v;
    }
    const awb = get('awb');
    if (awb) {
      const check = validateAwbNumber(awb);
      if (check.ok) value.awb = check.normalized;
      else problem('awb', check.message);
    }
    const containers = get('containers');
    if (containers) {
      value.containers = [];
      for (const c of splitList(containers)) {
        const check = validateContainerNumber(c);
        if (check.ok) value.containers.push(check.normalized);
        else problem('containers', check.message, c);
      }
    }
    for (const key of ['origin', 'destination'] as const) {
      const v = get(key);
      if (!v) continue;
      const check = validateUnLocode(v);
      if (check.ok) value[key] = check.normalized;
      else problem(key, check.message);
    }
    const pieces = get('pieces');
    if (pieces) {
      if (/^\d+$/.test(pieces) && Number(pieces) <= 10_000_000) value.pieces = Number(pieces);
      else problem('pieces', 'a whole number of pieces');
    }
    for (const key of ['weightKg', 'volumeM3'] as const) {
      const v = get(key).replace(/,/g, '');
      if (!v) continue;
      if (/^\d+(\.\d+)?$/.test(v)) value[key] = Number(v);
      else problem(key, key === 'weightKg' ? 'a weight in kg, e.g. 1250.5' : 'a volume in m³, e.g. 12.8');
    }
    const handling = get('specialHandling');
    if (handling) value.specialHandling = splitList(handling);
    const promised = get('promisedAt');
    if (promised) {
      const at = parseSheetTime(promised, options.timeZone);
      if (at) value.promisedAt = new Date(Date.parse(at)).toISOString();
      else problem('promisedAt', 'not a date and time like 2026-04-10 18:00');
    }
    rows.push(problems.length > 0 ? { row, ok: false, problems } : { row, ok: true, value });
  }
  return { headerProblems: [], rows };
}
