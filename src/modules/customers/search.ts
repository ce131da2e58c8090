import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { type SQL, sql } from 'drizzle-orm';
import { normalizeCompanyName } from '../../domain/customers.ts';
import { customers } from './tables.ts';

/**
 * Customer search. Chinese has no spaces, so PostgreSQL's parsers cannot split 上海远洋物流有限公司
 * into words; we segment with jieba in the application and store the words as a 'simple' tsvector
 * (GIN-indexed). Queries are segmented the same way, so `物流` finds the company above.
 */

let jieba: Jieba | undefined;
// Loading the dictionary takes ~0.2 s, so it happens on first use, not at import.
function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

const NON_WORD = /[^\p{L}\p{N}]+/u;
const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}{2,}/gu;

/**
 * Words of a text for indexing and querying: jieba's search-mode cut (which also yields the shorter
 * words inside long ones: 有限公司 → 有限, 公司, 有限公司), lower-cased, split at punctuation and
 * spaces so latin words and digit runs come out on their own, de-duplicated, in first-seen order.
 */
export function segment(text: string): string[] {
  const out = new Set<string>();
  if (!text) return [];
  for (const piece of segmenter().cutForSearch(text, true)) {
    for (const part of piece.toLowerCase().split(NON_WORD)) {
      if (part) out.add(part);
    }
  }
  return [...out];
}

/**
 * Two-character pieces of every run of Chinese characters. Indexed for names only, so a fragment
 * that jieba does not see as a word (速运 in 顺丰速运, 洋物 in 远洋物流) still finds the customer.
 */
export function hanBigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(HAN_RUN) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  }
  return out;
}

/**
 * The digits of a phone number in its national form, so `+86 21 6888 1234`, `0086-21-68881234`
 * and `021 6888 1234` all contain the same searchable run.
 */
export function phoneDigits(phone: string): string {
  let digits = phone.replace(/\D+/g, '');
  const international = /^\s*(\+|00)\s*86/.test(phone) || (digits.startsWith('86') && digits.length >= 12);
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (international) digits = digits.slice(2);
  // A landline written internationally lost its trunk 0 (+86 21 6888 1234 → 021 6888 1234).
  if (international && /^[2-9]/.test(digits)) digits = `0${digits}`;
  return digits;
}

export interface SearchableCustomer {
  name: string;
  shortName?: string | null;
  taxId?: string | null;
  industry?: string | null;
  phone?: string | null;
  email?: string | null;
  website?: string | null;
  addresses?: { text: string; kind?: string; postcode?: string }[] | null;
  tags?: string[] | null;
}

export interface SearchableContact {
  name: string;
  phones?: string[] | null;
  email?: string | null;
  wechat?: string | null;
  /** Archived contacts are left out of the search fields. */
  archivedAt?: Date | null;
}

export interface SearchFields {
  /** Space-separated words for `to_tsvector('simple', …)`. */
  searchText: string;
  /** Space-separated national digits of every phone of the customer and its contacts. */
  searchPhones: string;
}

/** What the search index of one customer holds, from the file and its (active) contacts. */
export function customerSearchFields(
  customer: SearchableCustomer,
  contactList: readonly SearchableContact[] = [],
): SearchFields {
  const active = contactList.filter((c) => !c.archivedAt);
  const texts = [
    customer.name,
    customer.shortName,
    customer.taxId,
    customer.industry,
    customer.email,
    customer.website,
    ...(customer.addresses ?? []).map((a) => a.text),
    ...(customer.tags ?? []),
    ...active.flatMap((c) => [c.name, c.email, c.wechat]),
  ].filter((t): t is string => typeof t === 'string' && t.trim() !== '');
  const words = new Set<string>();
  for (const text of texts) for (const word of segment(text)) words.add(word);
  for (const name of [customer.name, customer.shortName]) {
    // Bigrams of the name without 有限公司 etc., which would only add noise like 限公.
    if (name) for (const bigram of hanBigrams(normalizeCompanyName(name))) words.add(bigram);
  }
  const phones = new Set<string>();
  for (const phone of [customer.phone, ...active.flatMap((c) => c.phones ?? [])]) {
    if (!phone) continue;
    const digits = phoneDigits(phone);
    if (digits.length >= 4) phones.add(digits);
  }
  return { searchText: [...words].join(' '), searchPhones: [...phones].join(' ') };
}

/** The SQL that turns `searchText` into the stored tsvector. */
export function searchVectorSql(searchText: string): SQL {
  return sql`to_tsvector('simple', ${searchText})`;
}

/**
 * Column values for an insert or update: `db.update(customers).set({ ...searchColumns(fields) })`.
 * Bulk loaders writing raw SQL use `search_vector = to_tsvector('simple', $searchText)` instead.
 */
export function searchColumns(fields: SearchFields): { searchVector: SQL; searchPhones: string } {
  return { searchVector: searchVectorSql(fields.searchText), searchPhones: fields.searchPhones };
}

function words(pieces: string[]): string[] {
  const out = new Set<string>();
  for (const piece of pieces) {
    for (const part of piece.toLowerCase().split(NON_WORD)) if (part) out.add(part);
  }
  return [...out];
}

/**
 * The tsquery text for a search box query. The query is cut into words (jieba's normal mode) and
 * every word must match; a long word may also match through its parts (进出口 or 进出 & 出口), in
 * case the stored text was cut differently. The last word (still being typed) and single Chinese
 * characters match as prefixes. Fewer, whole words also give the planner good row estimates.
 */
export function toTsQuery(q: string): string | null {
  const list = words(segmenter().cut(q, true));
  if (list.length === 0) return null;
  return list
    .map((word, i) => {
      const last = i === list.length - 1;
      const term = (w: string, prefix: boolean) =>
        prefix || ([...w].length === 1 && HAN.test(w)) ? `${w}:*` : w;
      // Words are letters and digits only (split at everything else), so no quoting is needed.
      const parts = words(segmenter().cutForSearch(word, true)).filter((p) => p !== word);
      if (parts.length === 0) return term(word, last);
      const inner = parts.map((p, k) => term(p, last && k === parts.length - 1)).join(' & ');
      return `(${term(word, last)} | ${inner})`;
    })
    .join(' & ');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The WHERE condition for a search box query `q`: its words (AND) in the search vector, or a
 * fragment of the tax id, or a run of ≥ 4 phone digits, or a name that is nearly `q` (a typo).
 * Every branch can use an index: the tsvector GIN, and the trigram GINs on tax id, phones and name.
 */
export function searchCondition(q: string): SQL | undefined {
  const text = q.trim();
  if (!text) return undefined;
  const branches: SQL[] = [];
  const tsquery = toTsQuery(text);
  if (tsquery) branches.push(sql`${customers.searchVector} @@ to_tsquery('simple', ${tsquery})`);
  const compact = text.replace(/[\s-]+/g, '');
  // Tax-id fragments: shorter ones would match thousands of codes by accident.
  if (/^[0-9A-Za-z]{6,}$/.test(compact)) {
    branches.push(sql`${customers.taxId} ilike ${`%${escapeLike(compact)}%`}`);
  }
  // Stored numbers are national with the trunk 0 (021…), so the query is put in the same form.
  const digits = /^[\d\s+()-]+$/.test(text) ? phoneDigits(text) : '';
  if (digits.length >= 4) branches.push(sql`${customers.searchPhones} like ${`%${digits}%`}`);
  // Typo tolerance: trigram word similarity needs a few characters to mean anything.
  if ([...text].length >= 4 && /\p{L}/u.test(text)) branches.push(sql`${text} <% ${customers.name}`);
  if (branches.length === 0) return undefined;
  return branches.length === 1 ? branches[0] : sql`(${sql.join(branches, sql` or `)})`;
}
