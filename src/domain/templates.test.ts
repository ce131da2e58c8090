import { describe, expect, it } from 'vitest';
import { chineseDate, placeholdersOf, renderTemplate, unknownPlaceholders } from './templates.ts';

describe('response templates', () => {
  it('lists the placeholders once each, spaces inside the braces allowed', () => {
    expect(placeholdersOf('尊敬的{{customer.name}}，{{ contact.name }}您好，{{customer.name}}')).toEqual([
      'customer.name',
      'contact.name',
    ]);
    expect(placeholdersOf('没有占位符 { single } {{}}')).toEqual(['']);
  });

  it('reports unknown placeholders, including empty and misspelt ones', () => {
    expect(unknownPlaceholders('{{customer.name}} {{ticket.number}} {{today}}')).toEqual([]);
    expect(unknownPlaceholders('{{customer.nmae}} {{agent.name}} {{order.id}} {{}}')).toEqual([
      'customer.nmae',
      'order.id',
      '',
    ]);
  });

  it('fills every known placeholder and blanks missing values', () => {
    const text = renderTemplate(
      '{{customer.name}}的{{contact.name}}您好：工单{{ticket.number}}（{{ticket.category}}：{{ticket.subject}}）由{{agent.name}}负责，{{today}}。',
      {
        'customer.name': '上海远洋物流有限公司',
        'contact.name': null,
        'ticket.number': 'T2611-000001',
        'ticket.category': '破损',
        'ticket.subject': '外箱压坏',
        'agent.name': '王晓燕',
        today: '2026年11月23日',
      },
    );
    expect(text).toBe(
      '上海远洋物流有限公司的您好：工单T2611-000001（破损：外箱压坏）由王晓燕负责，2026年11月23日。',
    );
  });

  it('leaves unknown placeholders and plain braces alone', () => {
    expect(renderTemplate('{{foo}} { x } {{ today }}', { today: '今天' })).toBe('{{foo}} { x } 今天');
  });

  it('formats today in the display time zone', () => {
    // 2026-11-22 17:30 UTC is already the 23rd in Shanghai.
    const at = new Date('2026-11-22T17:30:00Z');
    expect(chineseDate(at, 'Asia/Shanghai')).toBe('2026年11月23日');
    expect(chineseDate(at, 'UTC')).toBe('2026年11月22日');
  });
});
