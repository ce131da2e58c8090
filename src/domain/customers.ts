/**
 * Pure rules of customer files: the unified social credit code, company-name normalisation and
 * similarity for duplicate detection, lanes, contacts' important dates and lifecycle rules.
 */

// GB 32100-2015: the code uses digits and upper-case letters without I, O, S, V, Z.
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Upper-cased, without spaces and dashes (people paste codes with both). */
export function normalizeTaxId(taxId: string): string {
  return taxId.replace(/[\s-]+/g, '').toUpperCase();
}

/** The check character of the first 17 characters of a unified social credit code. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]);
    if (value < 0) throw new Error(`invalid character ${first17[i]}`);
    sum += value * USCC_WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * Why a unified social credit code (统一社会信用代码) is invalid, or null when it is valid:
 * 18 characters of the GB 32100 alphabet, an administrative division code of six digits in
 * positions 3–8, and the check character in position 18.
 */
export function taxIdProblem(raw: string): string | null {
  const code = normalizeTaxId(raw);
  if (code.length !== 18) return `a unified social credit code has 18 characters (this has ${code.length})`;
  for (const ch of code) {
    if (!USCC_ALPHABET.includes(ch))
      return `"${ch}" cannot appear in a unified social credit code (no I, O, S, V or Z)`;
  }
  if (!/^\d{6}$/.test(code.slice(2, 8)))
    return 'characters 3–8 must be the six digits of the administrative division code';
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) return 'the check character (the last one) does not match; check for a typo';
  return null;
}

export function isValidTaxId(raw: string): boolean {
  return taxIdProblem(raw) === null;
}

// Legal-form words that say nothing about which company it is. Longest first so 股份有限公司 goes whole.
const COMPANY_SUFFIXES = [
  '股份有限公司',
  '有限责任公司',
  '集团有限公司',
  '集团股份公司',
  '有限公司',
  '股份公司',
  '集团公司',
  '总公司',
  '集团',
  '公司',
  '株式会社',
  'company limited',
  'co ltd',
  'co limited',
  'corporation',
  'company',
  'limited',
  'group',
  'corp',
  'inc',
  'llc',
  'ltd',
  'gmbh',
  'co',
];

/**
 * A company name without what does not identify it, words still apart: full-width characters
 * folded (NFKC), lower case, bracketed parts such as (中国) or (上海) dropped, legal-form suffixes
 * like 有限公司 / 股份有限公司 / 集团 / Co., Ltd. removed, punctuation turned into single spaces.
 */
export function companyNameCore(name: string): string {
  let text = name.normalize('NFKC').toLowerCase();
  text = text.replace(/[(（[【][^)）\]】]*[)）\]】]/g, ' ');
  text = text
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  let changed = true;
  while (changed) {
    changed = false;
    // A name that is nothing but a legal form stays as it is.
    if (COMPANY_SUFFIXES.includes(text)) break;
    for (const suffix of COMPANY_SUFFIXES) {
      if (text.endsWith(suffix)) {
        // Latin suffixes must be whole words (so "taco" keeps its "co").
        const before = text.slice(0, text.length - suffix.length);
        if (/^[a-z]/.test(suffix) && !before.endsWith(' ')) continue;
        text = before.trim();
        changed = true;
        break;
      }
    }
  }
  return text || name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The identifying core of a company name without spaces, for duplicate detection (see companyNameCore). */
export function normalizeCompanyName(name: string): string {
  return companyNameCore(name).replace(/\s+/g, '');
}

function bigrams(text: string): Map<string, number> {
  const chars = [...text];
  const counts = new Map<string, number>();
  if (chars.length === 1) counts.set(chars[0], 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const gram = chars[i] + chars[i + 1];
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/**
 * How alike two company names are, 0..1: the Sørensen–Dice coefficient of the character bigrams
 * of the normalised names. Bigrams suit Chinese names (two characters is the typical word) and
 * are forgiving of a single wrong character: 上海远洋物流 vs 上海远阳物流 scores 0.6.
 */
export function nameSimilarity(a: string, b: string): number {
  const left = normalizeCompanyName(a);
  const right = normalizeCompanyName(b);
  if (left === right) return 1;
  const x = bigrams(left);
  const y = bigrams(right);
  let total = 0;
  let shared = 0;
  for (const count of x.values()) total += count;
  for (const count of y.values()) total += count;
  for (const [gram, count] of x) shared += Math.min(count, y.get(gram) ?? 0);
  return total === 0 ? 0 : (2 * shared) / total;
}

/** Names at least this alike are reported as possible duplicates. */
export const DUPLICATE_NAME_THRESHOLD = 0.6;

/** A UN/LOCODE: two-letter country and three characters for the place (CNSHA, USLAX, DEHAM). */
export const UNLOCODE = /^[A-Z]{2}[A-Z2-9]{3}$/;

export const CONTACT_CHANNELS = ['phone', 'email', 'wechat', 'sms', 'visit'] as const;
export const CONTACT_FREQUENCIES = [
  'weekly',
  'monthly',
  'quarterly',
  'half_yearly',
  'only_when_needed',
] as const;
export const IMPORTANT_DATE_KINDS = ['birthday', 'company_anniversary', 'holiday', 'other'] as const;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Why an important date is invalid, or null: MM-DD (yearly), or YYYY-MM-DD when the year matters. */
export function importantDateProblem(date: string): string | null {
  const match = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(date);
  if (!match) return 'use MM-DD, or YYYY-MM-DD when the year matters';
  const year = match[1] ? Number(match[1]) : null;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12) return 'the month must be 01–12';
  if (day < 1 || day > DAYS_IN_MONTH[month - 1]) return `month ${match[2]} has no day ${match[3]}`;
  if (year !== null) {
    if (year < 1900 || year > 2100) return 'the year must be between 1900 and 2100';
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (month === 2 && day === 29 && !leap) return `${year} is not a leap year`;
  }
  return null;
}

export type LifecycleStage = 'prospect' | 'negotiating' | 'active' | 'retained' | 'churned';

/** A churned customer carries the reason; other stages carry none (it is cleared on win-back). */
export function churnReasonProblem(stage: string, churnReason: string | null | undefined): string | null {
  if (stage === 'churned' && !churnReason?.trim()) return 'say why the customer was lost';
  return null;
}

/** Union of two lists keeping the first one's order, without duplicates. */
export function unionList<T>(first: readonly T[], second: readonly T[]): T[] {
  return [...new Set([...first, ...second])];
}

/** The parts of a customer file a merge combines. */
export interface MergeableCustomer {
  name: string;
  shortName: string | null;
  taxId: string | null;
  industry: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  source: string | null;
  addresses: { kind: string; text: string; postcode?: string }[];
  departmentIds: string[];
  bonds: string[];
  competitors: string[];
  tags: string[];
  requirements: {
    serviceModes?: string[];
    lanes?: { origin: string; destination: string; mode?: string }[];
    cargoTypes?: string[];
    specialHandling?: string[];
    monthlyShipments?: number | null;
    monthlyTeu?: number | null;
    monthlyKg?: number | null;
    monthlyCbm?: number | null;
    frequency?: string | null;
    notes?: string | null;
  };
  notes: string | null;
  valueClass: string | null;
  needType: string | null;
}

type MergeResult = Omit<MergeableCustomer, 'name'>;

/**
 * What the surviving file looks like after another is folded into it. The target's own values win;
 * the source fills what the target lacks; lists are united; the source's notes are kept under a
 * heading. Nothing the source knew is dropped.
 */
export function mergeCustomerFields(target: MergeableCustomer, source: MergeableCustomer): MergeResult {
  const pick = <T>(a: T | null | undefined, b: T | null | undefined): T | null =>
    a !== null && a !== undefined && a !== '' ? a : (b ?? null);
  const addressKey = (a: { text: string }) => a.text.replace(/\s+/g, '');
  const addresses = [...target.addresses];
  for (const address of source.addresses) {
    if (!addresses.some((a) => addressKey(a) === addressKey(address))) addresses.push(address);
  }
  const lanes = [...(target.requirements.lanes ?? [])];
  for (const lane of source.requirements.lanes ?? []) {
    if (
      !lanes.some(
        (l) => l.origin === lane.origin && l.destination === lane.destination && l.mode === lane.mode,
      )
    )
      lanes.push(lane);
  }
  const tr = target.requirements;
  const sr = source.requirements;
  const requirements: MergeableCustomer['requirements'] = {
    ...sr,
    ...tr,
    serviceModes: unionList(tr.serviceModes ?? [], sr.serviceModes ?? []),
    lanes,
    cargoTypes: unionList(tr.cargoTypes ?? [], sr.cargoTypes ?? []),
    specialHandling: unionList(tr.specialHandling ?? [], sr.specialHandling ?? []),
    monthlyShipments: pick(tr.monthlyShipments, sr.monthlyShipments),
    monthlyTeu: pick(tr.monthlyTeu, sr.monthlyTeu),
    monthlyKg: pick(tr.monthlyKg, sr.monthlyKg),
    monthlyCbm: pick(tr.monthlyCbm, sr.monthlyCbm),
    frequency: pick(tr.frequency, sr.frequency),
    notes: joinNotes(tr.notes ?? null, sr.notes ?? null, source.name),
  };
  return {
    shortName: pick(target.shortName, source.shortName),
    taxId: pick(target.taxId, source.taxId),
    industry: pick(target.industry, source.industry),
    phone: pick(target.phone, source.phone),
    email: pick(target.email, source.email),
    website: pick(target.website, source.website),
    source: pick(target.source, source.source),
    addresses,
    departmentIds: unionList(target.departmentIds, source.departmentIds),
    bonds: unionList(target.bonds, source.bonds),
    competitors: unionList(target.competitors, source.competitors),
    tags: unionList(target.tags, source.tags),
    requirements,
    notes: joinNotes(target.notes, source.notes, source.name),
    valueClass: pick(target.valueClass, source.valueClass),
    needType: pick(target.needType, source.needType),
  };
}

function joinNotes(target: string | null, source: string | null, sourceName: string): string | null {
  if (!source?.trim()) return target;
  if (!target?.trim()) return source;
  if (target.includes(source)) return target;
  return `${target}\n\n【合并自 ${sourceName}】\n${source}`;
}
