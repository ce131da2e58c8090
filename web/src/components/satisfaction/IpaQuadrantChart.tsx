import ReactECharts from 'echarts-for-react';
import { useTranslation } from 'react-i18next';
import { formatIndex, type IpaElement, type IpaResult, nodeName, type Quadrant } from './api';

export const QUADRANT_COLORS: Record<Quadrant, string> = {
  concentrate_here: '#ff4d4f',
  keep_up: '#52c41a',
  low_priority: '#8c8c8c',
  possible_overkill: '#faad14',
};

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);

/**
 * Importance–performance analysis (Martilla & James 1977): x performance, y importance, the cut
 * lines at the means; upper left 重点改进区, upper right 继续保持区, lower left 低优先区, lower right 过度投入区.
 */
export function IpaQuadrantChart({ result, loading }: { result: IpaResult | undefined; loading?: boolean }) {
  const { t, i18n } = useTranslation();
  const elements = (result?.elements ?? []).filter(
    (e): e is IpaElement & { importance: number; performance: number } =>
      e.importance !== null && e.performance !== null,
  );
  const xs = elements.map((e) => e.performance);
  const ys = elements.map((e) => e.importance);
  const xCut = result?.performanceCut ?? mean(xs);
  const yCut = result?.importanceCut ?? mean(ys);
  // Axis extents with some air around the points and the cut lines, so every quadrant shows.
  const extent = (values: number[], cut: number, bounds: [number, number]): [number, number] => {
    const all = [...values, cut];
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    const pad = Math.max((hi - lo) * 0.15, 1);
    return [Math.max(bounds[0], Math.floor(lo - pad)), Math.min(bounds[1], Math.ceil(hi + pad))];
  };
  // Performance is an index (0–100); importance has no fixed top (derived or stated scale).
  const [xMin, xMax] = extent(xs, xCut, [0, 100]);
  const [yMin, yMax] = extent(ys, yCut, [0, Number.POSITIVE_INFINITY]);
  const quadrantName = (q: Quadrant) => t(`satisfaction.quadrant.${q}`);
  const corner = (
    q: Quadrant,
    x: number,
    y: number,
    align: 'left' | 'right',
    baseline: 'top' | 'bottom',
  ) => ({
    value: [x, y],
    symbolSize: 0,
    label: {
      show: true,
      formatter: quadrantName(q),
      color: QUADRANT_COLORS[q],
      fontWeight: 'bold',
      align,
      verticalAlign: baseline,
      padding: 4,
    },
  });
  const option = {
    aria: { enabled: true },
    grid: { left: 8, right: 24, top: 24, bottom: 24, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesIndex: number; dataIndex: number }) => {
        if (p.seriesIndex !== 0) return '';
        const e = elements[p.dataIndex];
        if (!e) return '';
        return [
          `<b>${nodeName(e, i18n.language)}</b>`,
          e.serviceElement
            ? t(`satisfaction.serviceElement.${e.serviceElement}`, { defaultValue: e.serviceElement })
            : '',
          `${t('satisfaction.ipa.performance')}: ${formatIndex(e.performance)}`,
          `${t('satisfaction.ipa.importance')}: ${e.importance.toFixed(2)}`,
          e.quadrant ? quadrantName(e.quadrant) : '',
          t('satisfaction.answersShort', { count: e.answers }),
        ]
          .filter(Boolean)
          .join('<br/>');
      },
    },
    xAxis: {
      type: 'value',
      name: t('satisfaction.ipa.performance'),
      nameLocation: 'middle',
      nameGap: 24,
      min: xMin,
      max: xMax,
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: t('satisfaction.ipa.importance'),
      nameLocation: 'middle',
      nameGap: 36,
      min: yMin,
      max: yMax,
      splitLine: { show: false },
    },
    series: [
      {
        type: 'scatter',
        symbolSize: 14,
        data: elements.map((e) => ({
          value: [e.performance, e.importance],
          name: nodeName(e, i18n.language),
          itemStyle: { color: e.quadrant ? QUADRANT_COLORS[e.quadrant] : '#1677ff' },
        })),
        label: {
          show: true,
          position: 'right',
          fontSize: 11,
          formatter: (p: { name: string }) => p.name,
        },
        labelLayout: { hideOverlap: true },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { type: 'dashed', color: '#8c8c8c' },
          label: { show: false },
          data: [{ xAxis: xCut }, { yAxis: yCut }],
        },
      },
      {
        // The four quadrant names in the corners.
        type: 'scatter',
        silent: true,
        tooltip: { show: false },
        data: [
          corner('concentrate_here', xMin, yMax, 'left', 'top'),
          corner('keep_up', xMax, yMax, 'right', 'top'),
          corner('low_priority', xMin, yMin, 'left', 'bottom'),
          corner('possible_overkill', xMax, yMin, 'right', 'bottom'),
        ],
      },
    ],
  };
  return (
    <div data-testid="satisfaction-ipa" data-points={elements.length}>
      <ReactECharts option={option} style={{ height: 380 }} showLoading={loading} notMerge />
    </div>
  );
}

/** Ideal against perceived service for the items a survey asked both of, largest gap first. */
export function GapBars({ elements }: { elements: IpaElement[] }) {
  const { t, i18n } = useTranslation();
  const rows = elements
    .filter((e) => e.ideal !== null && e.performance !== null)
    .sort((a, b) => (b.gap ?? 0) - (a.gap ?? 0));
  if (!rows.length) return null;
  const names = rows.map((e) => nodeName(e, i18n.language));
  const option = {
    aria: { enabled: true },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', min: 0, max: 100 },
    yAxis: { type: 'category', data: names, inverse: true },
    series: [
      {
        name: t('satisfaction.ipa.perceived'),
        type: 'bar',
        data: rows.map((e) => e.performance),
        itemStyle: { color: '#1677ff' },
        label: { show: true, position: 'right', formatter: (p: { value: number }) => formatIndex(p.value) },
      },
      {
        name: t('satisfaction.ipa.ideal'),
        type: 'bar',
        data: rows.map((e) => e.ideal),
        itemStyle: { color: '#d9d9d9' },
      },
      {
        name: t('satisfaction.ipa.gap'),
        type: 'bar',
        data: rows.map((e) => e.gap),
        itemStyle: { color: '#ff7875' },
        label: { show: true, position: 'right', formatter: (p: { value: number }) => formatIndex(p.value) },
      },
    ],
  };
  return (
    <div data-testid="satisfaction-gap">
      <ReactECharts option={option} style={{ height: Math.max(200, 60 + rows.length * 48) }} notMerge />
    </div>
  );
}
