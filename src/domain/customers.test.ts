import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DUPLICATE_NAME_THRESHOLD,
  churnReasonProblem,
  importantDateProblem,
  isValidTaxId,
  mergeCustomerFields,
  nameSimilarity,
  normalizeCompanyName,
  normalizeTaxId,
  taxIdProblem,
  usccCheckCharacter,
} from './customers.ts';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts real codes of well-known companies', () => {
    // Huawei, Tencent, Alibaba (China), the GB 32100 sample code.
    for (const code of [
      '914403001922038216',
      '9144030071526726XG',
      '91330100716105852F',
      '91350100M000100Y43',
    ]) {
      expect(taxIdProblem(code)).toBeNull();
    }
  });
  it('tolerates lower case, spaces and dashes when pasted', () => {
    expect(isValidTaxId('9144 0300 7152 6726 xg')).toBe(true);
    expect(normalizeTaxId(' 91440300-71526726xg ')).toBe('9144030071526726XG');
  });
  it('rejects a wrong length, forbidden letters, a non-numeric region code and a wrong check character', () => {
    expect(taxIdProblem('91440300715267')).toMatch(/18 characters/);
    expect(taxIdProblem('9144030071526726XI')).toMatch(/cannot appear/);
    expect(taxIdProblem('91A4030071526726XG')).toMatch(/administrative division/);
    expect(taxIdProblem('9144030071526726XH')).toMatch(/check character/);
  });
  it('detects every single-character typo (property)', () => {
    const body = fc
      .tuple(
        fc.constantFrom(...'123456789AY'),
        fc.constantFrom(...'123459'),
        fc.stringMatching(/^[0-9]{6}$/),
        fc.array(fc.constantFrom(...ALPHABET), { minLength: 9, maxLength: 9 }),
      )
      .map(([a, b, region, org]) => `${a}${b}${region}${org.join('')}`);
    fc.assert(
      fc.property(body, fc.nat(16), fc.constantFrom(...ALPHABET), (first17, position, replacement) => {
        const valid = first17 + usccCheckCharacter(first17);
        expect(isValidTaxId(valid)).toBe(true);
        fc.pre(valid[position] !== replacement);
        const typo = valid.slice(0, position) + replacement + valid.slice(position + 1);
        // A changed region digit may fail the region rule instead; either way it is refused.
        expect(isValidTaxId(typo)).toBe(false);
      }),
    );
  });
});

describe('company names', () => {
  it('drops legal forms, bracketed regions, case and punctuation', () => {
    expect(normalizeCompanyName('上海远洋物流有限公司')).toBe('上海远洋物流');
    expect(normalizeCompanyName('上海远洋物流股份有限公司')).toBe('上海远洋物流');
    expect(normalizeCompanyName('远洋物流（中国）有限公司')).toBe('远洋物流');
    expect(normalizeCompanyName('远洋物流(中国)集团有限公司')).toBe('远洋物流');
    expect(normalizeCompanyName('ＡＣＭＥ Logistics Co., Ltd.')).toBe('acmelogistics');
    expect(normalizeCompanyName('Taco Inc')).toBe('taco');
  });
  it('keeps a name that is only a legal form rather than emptying it', () => {
    expect(normalizeCompanyName('有限公司')).toBe('有限公司');
  });
  it('scores the same company written differently as a duplicate', () => {
    expect(nameSimilarity('上海远洋物流有限公司', '上海远洋物流集团')).toBe(1);
    expect(nameSimilarity('上海远洋物流有限公司', '上海远阳物流有限公司')).toBeGreaterThanOrEqual(
      DUPLICATE_NAME_THRESHOLD,
    );
    expect(nameSimilarity('ACME Logistics Co., Ltd.', 'Acme Logistics Limited')).toBe(1);
  });
  it('does not flag different companies that share a city and a trade', () => {
    expect(nameSimilarity('上海远洋物流有限公司', '上海近海物流有限公司')).toBeLessThan(
      DUPLICATE_NAME_THRESHOLD,
    );
    expect(nameSimilarity('深圳顺丰速运有限公司', '上海远洋物流有限公司')).toBe(0);
  });
  it('is symmetric and between 0 and 1 (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (a, b) => {
        const s = nameSimilarity(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(nameSimilarity(b, a)).toBeCloseTo(s, 10);
      }),
    );
  });
});

describe('important dates and lifecycle', () => {
  it('accepts yearly and dated forms', () => {
    expect(importantDateProblem('02-29')).toBeNull();
    expect(importantDateProblem('2008-08-08')).toBeNull();
  });
  it('rejects impossible dates', () => {
    expect(importantDateProblem('13-01')).toMatch(/month/);
    expect(importantDateProblem('04-31')).toMatch(/no day/);
    expect(importantDateProblem('2023-02-29')).toMatch(/leap/);
    expect(importantDateProblem('8/8')).toMatch(/MM-DD/);
  });
  it('requires a churn reason only for churned customers', () => {
    expect(churnReasonProblem('churned', '  ')).not.toBeNull();
    expect(churnReasonProblem('churned', '价格原因转向竞争对手')).toBeNull();
    expect(churnReasonProblem('active', null)).toBeNull();
  });
});

describe('merging two files', () => {
  const blank = {
    name: '',
    shortName: null,
    taxId: null,
    industry: null,
    phone: null,
    email: null,
    website: null,
    source: null,
    addresses: [],
    departmentIds: [],
    bonds: [],
    competitors: [],
    tags: [],
    requirements: {},
    notes: null,
    valueClass: null,
    needType: null,
  };
  it("keeps the target's values, fills gaps from the source and unites lists", () => {
    const merged = mergeCustomerFields(
      {
        ...blank,
        name: '目标',
        phone: '021-1',
        tags: ['A', 'B'],
        addresses: [{ kind: 'office', text: '上海市 浦东新区 1号' }],
        requirements: {
          serviceModes: ['sea'],
          lanes: [{ origin: 'CNSHA', destination: 'USLAX' }],
          monthlyTeu: 10,
        },
        notes: '目标备注',
      },
      {
        ...blank,
        name: '来源',
        phone: '021-2',
        taxId: '9144030071526726XG',
        tags: ['B', 'C'],
        addresses: [
          { kind: 'office', text: '上海市浦东新区1号' },
          { kind: 'warehouse', text: '太仓港区' },
        ],
        requirements: {
          serviceModes: ['air', 'sea'],
          lanes: [
            { origin: 'CNSHA', destination: 'USLAX' },
            { origin: 'CNPVG', destination: 'DEFRA' },
          ],
          monthlyTeu: 99,
          monthlyKg: 500,
        },
        notes: '来源备注',
        valueClass: 'A',
      },
    );
    expect(merged.phone).toBe('021-1');
    expect(merged.taxId).toBe('9144030071526726XG');
    expect(merged.valueClass).toBe('A');
    expect(merged.tags).toEqual(['A', 'B', 'C']);
    expect(merged.addresses.map((a) => a.text)).toEqual(['上海市 浦东新区 1号', '太仓港区']);
    expect(merged.requirements.serviceModes).toEqual(['sea', 'air']);
    expect(merged.requirements.lanes).toHaveLength(2);
    expect(merged.requirements.monthlyTeu).toBe(10);
    expect(merged.requirements.monthlyKg).toBe(500);
    expect(merged.notes).toBe('目标备注\n\n【合并自 来源】\n来源备注');
  });
  it('loses nothing of either list (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.array(fc.string()), (a, b) => {
        const merged = mergeCustomerFields({ ...blank, tags: a }, { ...blank, tags: b });
        for (const tag of [...a, ...b]) expect(merged.tags).toContain(tag);
        expect(new Set(merged.tags).size).toBe(merged.tags.length);
      }),
    );
  });
});
