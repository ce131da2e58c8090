/**
 * The columns of the customer spreadsheet, shared by `liaison import customers` and the export
 * (`liaison export customers`, `GET /api/customers/export`) so that an exported file imports again
 * unchanged. Headers are accepted in Chinese or English; values such as stages are accepted as
 * Chinese labels or codes.
 */
import type { Lane } from './tables.ts';

export type ColumnKey =
  | 'name'
  | 'shortName'
  | 'kind'
  | 'taxId'
  | 'industry'
  | 'phone'
  | 'email'
  | 'website'
  | 'address'
  | 'postcode'
  | 'source'
  | 'ownerEmail'
  | 'stage'
  | 'churnReason'
  | 'valueClass'
  | 'needType'
  | 'bonds'
  | 'tags'
  | 'competitors'
  | 'serviceModes'
  | 'lanes'
  | 'cargoTypes'
  | 'departments'
  | 'notes'
  | 'contactName'
  | 'contactTitle'
  | 'contactPhone'
  | 'contactEmail'
  | 'contactWechat'
  // Written by the export, ignored by the import (they are derived or system-set).
  | 'id'
  | 'ownerName'
  | 'createdAt'
  | 'verifiedAt';

export interface Column {
  key: ColumnKey;
  zh: string;
  en: string;
  /** Other spellings people use in their own sheets. */
  aliases?: string[];
  /** Exported for reference only; the import skips the column. */
  readOnly?: boolean;
}

export const COLUMNS: Column[] = [
  { key: 'id', zh: '客户编号', en: 'id', readOnly: true },
  { key: 'name', zh: '客户名称', en: 'name', aliases: ['公司名称', '名称', '客户'] },
  { key: 'shortName', zh: '简称', en: 'shortName', aliases: ['客户简称', 'short name'] },
  { key: 'kind', zh: '类型', en: 'kind', aliases: ['客户类型'] },
  {
    key: 'taxId',
    zh: '统一社会信用代码',
    en: 'taxId',
    aliases: ['信用代码', '税号', '纳税人识别号', 'tax id', 'uscc'],
  },
  { key: 'industry', zh: '行业', en: 'industry', aliases: ['所属行业'] },
  { key: 'phone', zh: '电话', en: 'phone', aliases: ['公司电话', '联系电话', 'telephone'] },
  { key: 'email', zh: '邮箱', en: 'email', aliases: ['公司邮箱', '电子邮箱', 'e-mail'] },
  { key: 'website', zh: '网址', en: 'website', aliases: ['网站', '公司网址'] },
  { key: 'address', zh: '地址', en: 'address', aliases: ['公司地址', '办公地址'] },
  { key: 'postcode', zh: '邮编', en: 'postcode', aliases: ['邮政编码', 'zip'] },
  { key: 'source', zh: '来源', en: 'source', aliases: ['客户来源'] },
  { key: 'ownerName', zh: '负责人', en: 'ownerName', readOnly: true },
  { key: 'ownerEmail', zh: '负责人邮箱', en: 'ownerEmail', aliases: ['owner', '客户经理邮箱'] },
  { key: 'stage', zh: '阶段', en: 'stage', aliases: ['生命周期阶段', '客户阶段', 'lifecycle stage'] },
  { key: 'churnReason', zh: '流失原因', en: 'churnReason' },
  {
    key: 'valueClass',
    zh: '价值等级',
    en: 'valueClass',
    aliases: ['客户等级', '价值分类', 'value class', 'class'],
  },
  { key: 'needType', zh: '需求类型', en: 'needType', aliases: ['need type'] },
  { key: 'bonds', zh: '维系纽带', en: 'bonds', aliases: ['维系方式', 'retention bonds'] },
  { key: 'tags', zh: '标签', en: 'tags' },
  { key: 'competitors', zh: '竞争对手', en: 'competitors' },
  { key: 'serviceModes', zh: '服务方式', en: 'serviceModes', aliases: ['运输方式', 'service modes'] },
  { key: 'lanes', zh: '主要航线', en: 'lanes', aliases: ['航线', '线路'] },
  { key: 'cargoTypes', zh: '货物类型', en: 'cargoTypes', aliases: ['货类', 'cargo types'] },
  { key: 'departments', zh: '服务部门', en: 'departments', aliases: ['部门'] },
  { key: 'notes', zh: '备注', en: 'notes' },
  { key: 'contactName', zh: '联系人', en: 'contactName', aliases: ['联系人姓名', 'contact'] },
  { key: 'contactTitle', zh: '联系人职务', en: 'contactTitle', aliases: ['职务', '联系人职位'] },
  { key: 'contactPhone', zh: '联系人电话', en: 'contactPhone', aliases: ['联系人手机', '手机', 'mobile'] },
  { key: 'contactEmail', zh: '联系人邮箱', en: 'contactEmail' },
  { key: 'contactWechat', zh: '联系人微信', en: 'contactWechat', aliases: ['微信', 'wechat'] },
  { key: 'createdAt', zh: '建档时间', en: 'createdAt', readOnly: true },
  { key: 'verifiedAt', zh: '最近核实', en: 'verifiedAt', readOnly: true },
];

/** Header text reduced for matching: no spaces, underscores, required-markers or bracketed hints. */
export function headerKey(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/[(（[【][^)）\]】]*[)）\]】]/g, '')
    .replace(/[\s_*:：-]+/g, '')
    .toLowerCase();
}

const BY_HEADER = new Map<string, Column>();
for (const column of COLUMNS) {
  for (const header of [column.zh, column.en, ...(column.aliases ?? [])])
    BY_HEADER.set(headerKey(header), column);
}

export function columnFor(header: string): Column | undefined {
  return BY_HEADER.get(headerKey(header));
}

/** Chinese labels of coded values; the import also accepts the codes and these labels. */
export const STAGE_LABELS: Record<string, string> = {
  prospect: '潜在',
  negotiating: '洽谈',
  active: '合作',
  retained: '维系',
  churned: '流失',
};
export const NEED_TYPE_LABELS: Record<string, string> = {
  price: '价格敏感型',
  service: '服务主导型',
  product: '产品主导型',
};
export const BOND_LABELS: Record<string, string> = {
  financial: '财务',
  social: '社交',
  structural: '结构',
};
export const MODE_LABELS: Record<string, string> = {
  air: '空运',
  sea: '海运',
  road: '公路',
  rail: '铁路',
  warehouse: '仓储',
  distribution: '配送',
  customs: '报关',
};
export const KIND_LABELS: Record<string, string> = { company: '公司', person: '个人' };

const EXTRA_SYNONYMS: Record<string, Record<string, string>> = {
  stage: {
    潜在客户: 'prospect',
    洽谈中: 'negotiating',
    合作中: 'active',
    已流失: 'churned',
    维护: 'retained',
  },
  needType: {
    价格敏感: 'price',
    价格型: 'price',
    服务主导: 'service',
    服务型: 'service',
    产品主导: 'product',
    产品型: 'product',
  },
  bonds: {
    财务纽带: 'financial',
    经济: 'financial',
    社交纽带: 'social',
    社会: 'social',
    结构纽带: 'structural',
    结构性: 'structural',
  },
  mode: {
    陆运: 'road',
    汽运: 'road',
    卡车: 'road',
    铁运: 'rail',
    班列: 'rail',
    仓库: 'warehouse',
    报关报检: 'customs',
    清关: 'customs',
  },
  kind: { 企业: 'company', 单位: 'company', 个体: 'person', 自然人: 'person' },
};

function lookup(labels: Record<string, string>, extra: Record<string, string>) {
  const map = new Map<string, string>();
  for (const [code, label] of Object.entries(labels)) {
    map.set(code.toLowerCase(), code);
    map.set(label, code);
  }
  for (const [label, code] of Object.entries(extra)) map.set(label, code);
  return (value: string): string | undefined => map.get(value.trim().toLowerCase()) ?? map.get(value.trim());
}

export const parseStage = lookup(STAGE_LABELS, EXTRA_SYNONYMS.stage);
export const parseNeedType = lookup(NEED_TYPE_LABELS, EXTRA_SYNONYMS.needType);
export const parseBond = lookup(BOND_LABELS, EXTRA_SYNONYMS.bonds);
export const parseMode = lookup(MODE_LABELS, EXTRA_SYNONYMS.mode);
export const parseKind = lookup(KIND_LABELS, EXTRA_SYNONYMS.kind);

/** Splits a list cell: `;` `；` `、` `,` `，` or new lines. */
export function splitList(value: string): string[] {
  return value
    .split(/[;；、,，\n]+/)
    .map((v) => v.trim())
    .filter(Boolean);
}

const LANE =
  /^([A-Za-z]{2}[A-Za-z2-9]{3})\s*(?:→|->|—>|=>|>|-|—|至|到)\s*([A-Za-z]{2}[A-Za-z2-9]{3})\s*(?:[(（]?\s*([^()（）\s]+)\s*[)）]?)?$/;

/** `CNSHA→USLAX 海运` (arrow, `->`, `-` or 至; mode optional) → a lane, or an error message. */
export function parseLane(text: string): Lane | string {
  const match = LANE.exec(text.trim());
  if (!match) return `"${text}" is not a lane like CNSHA→USLAX (UN/LOCODEs, optional mode 海运/空运…)`;
  const lane: Lane = { origin: match[1].toUpperCase(), destination: match[2].toUpperCase() };
  if (lane.origin === lane.destination) return `"${text}": origin and destination are the same place`;
  if (match[3]) {
    const mode = parseMode(match[3]);
    if (!mode) return `"${match[3]}" is not a service mode (${Object.values(MODE_LABELS).join('/')})`;
    lane.mode = mode;
  }
  return lane;
}

export function formatLane(lane: Lane): string {
  return `${lane.origin}→${lane.destination}${lane.mode ? ` ${MODE_LABELS[lane.mode] ?? lane.mode}` : ''}`;
}

/**
 * Spreadsheet programs run a cell that starts with = + - @ (or tab / carriage return, which some
 * of them skip first) as a formula. A leading apostrophe makes it plain text (OWASP's CSV
 * injection advice); the import takes it off again.
 */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function unneutraliseCell(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}
