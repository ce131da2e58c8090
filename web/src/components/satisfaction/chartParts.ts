import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams } from 'echarts';

/**
 * An ECharts custom series item drawing a 95 % interval as a whisker: data items are
 * [categoryIndex, low, high]; horizontal = categories on the y axis.
 */
export function whisker(horizontal = false) {
  return (_params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI) => {
    const category = api.value(0);
    const low = api.value(1);
    const high = api.value(2);
    if (low === null || high === null || Number.isNaN(Number(low)) || Number.isNaN(Number(high))) return null;
    const a = api.coord(horizontal ? [low, category] : [category, low]);
    const b = api.coord(horizontal ? [high, category] : [category, high]);
    const half = ((api.size?.([1, 0]) as number[] | undefined)?.[horizontal ? 1 : 0] ?? 20) * 0.12;
    const style = { stroke: '#262626', lineWidth: 1.5 };
    const cap = (point: number[]) =>
      horizontal
        ? { x1: point[0], y1: point[1] - half, x2: point[0], y2: point[1] + half }
        : { x1: point[0] - half, y1: point[1], x2: point[0] + half, y2: point[1] };
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style },
        { type: 'line', shape: cap(a), style },
        { type: 'line', shape: cap(b), style },
      ],
    };
  };
}

/** Colour of an index value: the same bands as the gauge. */
export function indexColor(value: number | null | undefined): string {
  if (value === null || value === undefined) return '#d9d9d9';
  if (value < 60) return '#ff7875';
  if (value < 80) return '#ffc53d';
  return '#73d13d';
}
