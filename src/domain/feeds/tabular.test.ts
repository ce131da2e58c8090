import { describe, expect, it } from 'vitest';
import { eventRows, parseEventCode, parseSheetTime, shipmentRows } from './tabular.ts';

const table = (headers: string[], ...rows: string[][]) => ({
  headers,
  rows: rows.map((cells, i) => ({ row: i + 2, cells })),
});

describe('parseSheetTime', () => {
  it('reads spreadsheet date-times in the given zone, or in their own zone', () => {
    expect(parseSheetTime('2026-03-14 09:30', 'Asia/Shanghai')).toBe('2026-03-14T09:30:00+08:00');
    expect(parseSheetTime('2026/3/4 9:05', 'Asia/Shanghai')).toBe('2026-03-04T09:05:00+08:00');
    expect(parseSheetTime('2026-07-01 12:00', 'Europe/Berlin')).toBe('2026-07-01T12:00:00+02:00');
    expect(parseSheetTime('2026-03-14T09:30:00+0100', 'Asia/Shanghai')).toBe('2026-03-14T09:30:00+01:00');
    expect(parseSheetTime('2026-03-14T01:30Z', 'Asia/Shanghai')).toBe('2026-03-14T01:30:00Z');
    expect(parseSheetTime('2026-03-14', 'Asia/Shanghai')).toBe('2026-03-14T00:00:00+08:00');
    expect(parseSheetTime('2026-02-30 10:00', 'Asia/Shanghai')).toBeNull();
    expect(parseSheetTime('14/03/2026', 'Asia/Shanghai')).toBeNull();
  });
});

describe('eventRows', () => {
  it('reads Chinese headers and event names, defaulting to actual events in the display zone', () => {
    const parsed = eventRows(
      table(
        ['运单号', '事件', '时间', '地点', '备注'],
        ['MEDUSH123456', '离港', '2026-03-14 09:30', 'cnsha', '准时开航'],
      ),
      { timeZone: 'Asia/Shanghai' },
    );
    expect(parsed.headerProblems).toEqual([]);
    expect(parsed.rows[0]).toMatchObject({
      ok: true,
      value: {
        shipmentRef: 'MEDUSH123456',
        eventCode: 'DEPARTED',
        classifier: 'ACT',
        eventTime: '2026-03-14T09:30:00+08:00',
        location: 'CNSHA',
        source: 'csv',
        details: { remark: '准时开航' },
      },
    });
  });

  it('gives the same row the same id (re-importing a file stores nothing twice), another row another id', () => {
    const rows = [
      ['LS2603000001', 'arrived', 'EST', '2026-03-20 08:00', 'DEHAM'],
      ['LS2603000001', 'ARRIVED', 'estimated', '2026-03-20T08:00:00+08:00', 'DEHAM'],
      ['LS2603000001', 'ARRIVED', 'ACT', '2026-03-20 08:00', 'DEHAM'],
    ];
    const parsed = eventRows(table(['tracking number', 'event', 'classifier', 'time', 'location'], ...rows), {
      timeZone: 'Asia/Shanghai',
    });
    const ids = parsed.rows.map((r) => r.ok && r.value.sourceEventId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('reports every problem of a row with its column, and unknown columns before any row', () => {
    const parsed = eventRows(
      table(['运单号', '事件', '类型', '时间', '地点'], ['', '起飞了', '大概', '昨天', 'Shanghai']),
      { timeZone: 'Asia/Shanghai' },
    );
    expect(parsed.rows[0]).toMatchObject({ ok: false, row: 2 });
    const problems = !parsed.rows[0]!.ok ? parsed.rows[0]!.problems : [];
    expect(problems.map((p) => [p.column, p.value])).toEqual([
      ['运单号', ''],
      ['事件', '起飞了'],
      ['类型', '大概'],
      ['时间', '昨天'],
      ['地点', 'Shanghai'],
    ]);
    expect(problems[4]!.message).toContain('UN/LOCODE');
    const unknown = eventRows(table(['运单号', '事件', '时间', '司机电话']), { timeZone: 'Asia/Shanghai' });
    expect(unknown.headerProblems).toEqual([expect.objectContaining({ row: 1, column: '司机电话' })]);
    const missing = eventRows(table(['运单号', '事件']), { timeZone: 'Asia/Shanghai' });
    expect(missing.headerProblems).toEqual([
      expect.objectContaining({ column: '时间', message: expect.stringContaining('required') }),
    ]);
  });

  it('knows the event names in both languages', () => {
    expect(parseEventCode('签收')).toBe('DELIVERED');
    expect(parseEventCode('Out for delivery')).toBe('OUT_FOR_DELIVERY');
    expect(parseEventCode('customs_released')).toBe('CUSTOMS_RELEASED');
    expect(parseEventCode('查验')).toBe('INSPECTED');
    expect(parseEventCode('飞走了')).toBeNull();
  });
});

describe('shipmentRows', () => {
  it('reads a shipment row with identifiers checked and lists split', () => {
    const parsed = shipmentRows(
      table(
        [
          '客户',
          '部门',
          '运输方式',
          '主提单号',
          '集装箱号',
          '起运港',
          '目的港',
          '件数',
          '重量',
          '体积',
          '承诺时限',
          '特殊处理',
        ],
        [
          '上海远洋物流有限公司',
          'SEA-EXP',
          '海运',
          'any b/l 123 ★',
          'CSQU3054383、msku 907032 3',
          'CNSHA',
          'DE HAM',
          '12',
          '1,250.5',
          '12.8',
          '2026-04-10 18:00',
          '温控;易碎',
        ],
      ),
      { timeZone: 'Asia/Shanghai' },
    );
    expect(parsed.rows[0]).toEqual({
      row: 2,
      ok: true,
      value: {
        customer: '上海远洋物流有限公司',
        department: 'SEA-EXP',
        mode: 'sea',
        masterBl: 'any b/l 123 ★',
        containers: ['CSQU3054383', 'MSKU9070323'],
        origin: 'CNSHA',
        destination: 'DEHAM',
        pieces: 12,
        weightKg: 1250.5,
        volumeM3: 12.8,
        promisedAt: '2026-04-10T10:00:00.000Z',
        specialHandling: ['温控', '易碎'],
      },
    });
  });

  it('names the field and the expected check digit of a bad container or AWB number', () => {
    const parsed = shipmentRows(
      table(
        ['customer', 'department', 'mode', 'awb', 'containers', 'pieces'],
        ['ACME', 'AIR', 'air', '020-12345676', 'CSQU3054384', 'ten'],
      ),
      { timeZone: 'Asia/Shanghai' },
    );
    const problems = !parsed.rows[0]!.ok ? parsed.rows[0]!.problems : [];
    expect(problems.map((p) => [p.column, p.message])).toEqual([
      ['awb', expect.stringContaining('must be 5')],
      ['containers', expect.stringContaining('must be 3')],
      ['pieces', 'a whole number of pieces'],
    ]);
  });

  it('does not take Object.prototype names for modes or classifiers (QA)', () => {
    const ships = shipmentRows(table(['客户', '部门', '运输方式'], ['ACME', 'AIR', 'constructor']), {
      timeZone: 'Asia/Shanghai',
    });
    expect(ships.rows[0]).toMatchObject({ ok: false, problems: [{ column: '运输方式' }] });
    const events = eventRows(
      table(['运单号', '事件', '时间', '类型'], ['LS2603000001', '离港', '2026-03-14 09:30', 'constructor']),
      { timeZone: 'Asia/Shanghai' },
    );
    expect(events.rows[0]).toMatchObject({ ok: false, problems: [{ column: '类型' }] });
  });

  it('reads Excel serial date numbers (a time column not formatted as dates) in the given zone (QA)', () => {
    expect(parseSheetTime('46095.3958333333', 'Asia/Shanghai')).toBe('2026-03-14T09:30:00+08:00');
    expect(parseSheetTime('46095', 'Europe/Berlin')).toBe('2026-03-14T00:00:00+01:00');
    expect(parseSheetTime('1234', 'Asia/Shanghai')).toBeNull();
  });

  it('reads template headers that mark required columns with an asterisk (QA)', () => {
    const parsed = eventRows(
      table(['运单号*', '事件＊', '时间 *'], ['LS2603000001', '到港', '2026-03-14 09:30']),
      {
        timeZone: 'Asia/Shanghai',
      },
    );
    expect(parsed.headerProblems).toEqual([]);
    expect(parsed.rows[0]).toMatchObject({ ok: true, value: { eventCode: 'ARRIVED' } });
  });

  it("scopes a sheet's own event id by the shipment reference, so files numbering rows 1, 2, 3 do not collide (QA)", () => {
    const read = (ref: string) =>
      eventRows(table(['运单号', '事件', '时间', '事件编号'], [ref, '到港', '2026-03-14 09:30', '1']), {
        timeZone: 'Asia/Shanghai',
      }).rows[0];
    const a = read('MEDU 1234567');
    const b = read('LS2603000002');
    expect(a).toMatchObject({ ok: true, value: { sourceEventId: 'MEDU1234567#1' } });
    expect(b).toMatchObject({ ok: true, value: { sourceEventId: 'LS2603000002#1' } });
  });
});
