import { describe, expect, it } from 'vitest';
import { customerSearchFields, phoneDigits, segment, toTsQuery } from './search.ts';

describe('customer search words', () => {
  it('segments Chinese company names into words, including the short words inside long ones', () => {
    const words = segment('上海远洋物流有限公司');
    expect(words).toEqual(expect.arrayContaining(['上海', '远洋', '物流', '有限公司', '公司']));
  });
  it('lower-cases latin words, splits at punctuation and de-duplicates', () => {
    expect(segment('ACME Logistics (Shanghai) Co., Ltd. acme')).toEqual([
      'acme',
      'logistics',
      'shanghai',
      'co',
      'ltd',
    ]);
    expect(segment('CNSHA→USLAX')).toEqual(['cnsha', 'uslax']);
    expect(segment('')).toEqual([]);
  });
  it('builds the search fields from the file and its active contacts', () => {
    const fields = customerSearchFields(
      {
        name: '顺丰速运有限公司',
        taxId: '9144030071526726XG',
        phone: '+86 21 6888 1234',
        addresses: [{ kind: 'office', text: '上海市浦东新区张江路88号' }],
        tags: ['重点客户'],
      },
      [
        { name: '张伟', phones: ['139-1234-5678'], email: 'zhang.wei@example.cn', wechat: 'zw_1988' },
        { name: '李娜', phones: ['13800000000'], archivedAt: new Date() },
      ],
    );
    const words = fields.searchText.split(' ');
    expect(words).toEqual(
      expect.arrayContaining(['顺丰', '9144030071526726xg', '张江路', '重点', '张伟', 'zhang']),
    );
    // Name bigrams let a fragment jieba does not cut out still match; none from 有限公司.
    expect(words).toContain('速运');
    expect(words).not.toContain('限公');
    expect(words).not.toContain('李娜');
    expect(fields.searchPhones.split(' ')).toEqual(['02168881234', '13912345678']);
  });
  it('writes phones (and phone queries) in national form with the trunk zero', () => {
    expect(phoneDigits('+86 21 6888 1234')).toBe('02168881234');
    expect(phoneDigits('0086-21-68881234')).toBe('02168881234');
    expect(phoneDigits('8613912345678')).toBe('13912345678');
    expect(phoneDigits('021 6888 1234')).toBe('02168881234');
    expect('02168881234').toContain(phoneDigits('6888 1234'));
    expect('075512345678').toContain(phoneDigits('0755'));
  });
  it('turns a query into an AND of words with the last one (being typed) as a prefix', () => {
    expect(toTsQuery('物流')).toBe('物流:*');
    expect(toTsQuery('上海 远洋')).toBe('上海 & 远洋:*');
    expect(toTsQuery("o'brien & | !")).toBe('o & brien:*');
    expect(toTsQuery('  ,, ')).toBeNull();
  });
  it('lets a long word also match through its parts', () => {
    expect(toTsQuery('进出口')).toBe('(进出口:* | 进出 & 出口:*)');
    expect(toTsQuery('进出口贸易')).toBe('(进出口 | 进出 & 出口) & 贸易:*');
  });
});
