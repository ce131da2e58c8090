import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from '../sla.ts';
import { decideAlerts, endOfNthWorkingDay, lowItems } from './alerts.ts';
import type { ModelNode } from './model.ts';

const T = { alertBelowIndex: 60, alertItemScoreAtMost: 1, alertIndexDrop: 15 };
const nodes = [
  { key: 'root', parentKey: null, level: 1, weight: 1, nameZh: 'r', nameEn: 'r' },
  { key: 'a', parentKey: 'root', level: 2, weight: 1, nameZh: 'a', nameEn: 'a' },
  { key: 'b', parentKey: 'root', level: 2, weight: 1, nameZh: 'b', nameEn: 'b', reverse: true },
] as ModelNode[];

describe('silent-dissatisfaction alerts', () => {
  it('finds items at or below the threshold by effective score', () => {
    expect(
      lowItems(
        nodes,
        [
          { itemKey: 'a', score: 1 },
          { itemKey: 'b', score: 5 },
          { itemKey: 'b', score: null },
          { itemKey: 'root', score: 1 },
        ],
        1,
      ),
    ).toEqual([
      { itemKey: 'a', score: 1 },
      { itemKey: 'b', score: 1 },
    ]);
    expect(lowItems(nodes, [{ itemKey: 'b', score: 1 }], 1)).toEqual([]);
  });

  it('raises low_answer below the index or for a low item, index_drop beyond the drop', () => {
    expect(decideAlerts({ index: 59.9, previousIndex: null, lowItems: [] }, T).map((d) => d.kind)).toEqual([
      'low_answer',
    ]);
    expect(decideAlerts({ index: 60, previousIndex: 75, lowItems: [] }, T)).toEqual([]);
    expect(
      decideAlerts({ index: 80, previousIndex: 100, lowItems: [{ itemKey: 'a', score: 1 }] }, T).map(
        (d) => d.kind,
      ),
    ).toEqual(['low_answer', 'index_drop']);
    expect(decideAlerts({ index: null, previousIndex: 100, lowItems: [] }, T)).toEqual([]);
  });

  it('is due at the end of the second working day after today', () => {
    const calendar = createBusinessCalendar({ timeZone: 'Asia/Shanghai' });
    // Friday 2026-11-20 15:00 in Shanghai → Tuesday 24th 18:00.
    expect(endOfNthWorkingDay(calendar, new Date('2026-11-20T07:00:00Z'), 2).toISOString()).toBe(
      '2026-11-24T10:00:00.000Z',
    );
  });
});
