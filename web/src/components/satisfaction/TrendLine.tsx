import ReactECharts from 'echarts-for-react';
import { useTranslation } from 'react-i18next';
import { DIMENSION_KEYS, formatIndex, listSeparator, type TrendPoint } from './api';

/**
 * The index per period with its 95 % band; optionally one line per dimension. Periods with too
 * few answers are gaps, not zeros.
 */
export function TrendLine({
  points,
  showDimensions = false,
  loading,
  height = 300,
  compact = false,
}: {
  points: TrendPoint[];
  showDimensions?: boolean;
  loading?: boolean;
  height?: number;
  compact?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const value = (p: TrendPoint) => (p.insufficient ? null : p.value);
  const band = (p: TrendPoint) =>
    p.insufficient || p.ciLow === null || p.ciHigh === null ? null : p.ciHigh - p.ciLow;
  const overall = t('satisfaction.overall');
  const bandName = t('satisfaction.ciBand');
  const option = {
    aria: { enabled: true },
    grid: { left: 8, right: 16, top: compact ? 12 : 36, bottom: 8, containLabel: true },
    legend: compact
      ? undefined
      : {
          top: 0,
          data: [
            overall,
            bandName,
            ...(showDimensions ? DIMENSION_KEYS.map((k) => t(`satisfaction.dimension.${k}`)) : []),
          ],
        },
    tooltip: {
      trigger: 'axis',
      formatter: (params: { dataIndex: number }[]) => {
        const p = points[params[0]?.dataIndex ?? 0];
        if (!p) return '';
        const lines = [`<b>${p.label}</b>`];
        if (p.insufficient || p.value === null) lines.push(t('satisfaction.tooFew'));
        else {
          lines.push(`${overall}: ${formatIndex(p.value)}`);
          if (p.ciLow !== null)
            lines.push(t('satisfaction.ci', { low: formatIndex(p.ciLow), high: formatIndex(p.ciHigh) }));
        }
        lines.push(t('satisfaction.responsesCount', { count: p.responses }));
        if (showDimensions) {
          for (const k of DIMENSION_KEYS) {
            lines.push(`${t(`satisfaction.dimension.${k}`)}: ${formatIndex(p.dimensions?.[k] ?? null)}`);
          }
        }
        return lines.join('<br/>');
      },
    },
    xAxis: { type: 'category', boundaryGap: true, data: points.map((p) => p.label) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      {
        name: 'ciLow',
        type: 'line',
        stack: 'ci',
        data: points.map((p) => (band(p) === null ? null : p.ciLow)),
        lineStyle: { opacity: 0 },
        symbol: 'none',
        silent: true,
        tooltip: { show: false },
      },
      {
        name: bandName,
        type: 'line',
        stack: 'ci',
        data: points.map(band),
        lineStyle: { opacity: 0 },
        areaStyle: { color: 'rgba(22, 119, 255, 0.15)' },
        itemStyle: { color: 'rgba(22, 119, 255, 0.3)' },
        symbol: 'none',
        silent: true,
      },
      {
        name: overall,
        type: 'line',
        data: points.map(value),
        itemStyle: { color: '#1677ff' },
        lineStyle: { width: 3 },
        symbolSize: 7,
        connectNulls: false,
        label: compact
          ? undefined
          : { show: true, formatter: (x: { value: number | null }) => formatIndex(x.value) },
      },
      ...(showDimensions
        ? DIMENSION_KEYS.map((k) => ({
            name: t(`satisfaction.dimension.${k}`),
            type: 'line',
            data: points.map((p) => p.dimensions?.[k] ?? null),
            lineStyle: { width: 1.5, type: 'dashed' },
            symbolSize: 4,
            connectNulls: false,
          }))
        : []),
    ],
  };
  // Periods with some answers but too few to show; periods without any stay plain gaps.
  const thin = points
    .filter((p) => p.responses > 0 && (p.insufficient || p.value === null))
    .map((p) => p.label);
  return (
    <div>
      <ReactECharts option={option} style={{ height }} showLoading={loading} notMerge />
      {thin.length > 0 && (
        <div data-testid="trend-insufficient" style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
          {t('satisfaction.tooFewPeriods', { periods: thin.join(listSeparator(i18n.language)) })}
        </div>
      )}
    </div>
  );
}
