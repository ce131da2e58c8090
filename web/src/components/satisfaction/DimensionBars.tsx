import ReactECharts from 'echarts-for-react';
import { useTranslation } from 'react-i18next';
import { formatIndex, type IndexNode, listSeparator, nodeName } from './api';
import { indexColor, whisker } from './chartParts';

/** One bar per dimension (客户期望 … 客户回头率) with its 95 % interval as a whisker. */
export function DimensionBars({ dimensions, loading }: { dimensions: IndexNode[]; loading?: boolean }) {
  const { t, i18n } = useTranslation();
  const names = dimensions.map((d) => nodeName(d, i18n.language) || t(`satisfaction.dimension.${d.key}`));
  const option = {
    aria: { enabled: true },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: { dataIndex: number }[]) => {
        const d = dimensions[params[0]?.dataIndex ?? 0];
        if (!d) return '';
        const value = d.insufficient || d.value === null ? t('satisfaction.tooFew') : formatIndex(d.value);
        return [
          `<b>${names[params[0]!.dataIndex]}</b>`,
          `${t('satisfaction.index')}: ${value}`,
          d.ciLow !== null && !d.insufficient
            ? t('satisfaction.ci', { low: formatIndex(d.ciLow), high: formatIndex(d.ciHigh) })
            : '',
          t('satisfaction.answersCount', { answers: d.answers, responses: d.responses }),
        ]
          .filter(Boolean)
          .join('<br/>');
      },
    },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      {
        type: 'bar',
        name: t('satisfaction.index'),
        barMaxWidth: 48,
        data: dimensions.map((d) => ({
          value: d.insufficient ? null : d.value,
          itemStyle: { color: indexColor(d.insufficient ? null : d.value) },
        })),
        label: {
          show: true,
          position: 'insideTop',
          formatter: (p: { value: number | null }) => formatIndex(p.value),
        },
      },
      {
        type: 'custom',
        name: 'CI',
        renderItem: whisker(),
        encode: { x: 0, y: [1, 2] },
        z: 10,
        tooltip: { show: false },
        data: dimensions.map((d, i) => [
          i,
          d.insufficient ? null : d.ciLow,
          d.insufficient ? null : d.ciHigh,
        ]),
      },
    ],
  };
  return (
    <div data-testid="satisfaction-dimension-bars" data-bars={dimensions.length}>
      <ReactECharts option={option} style={{ height: 300 }} showLoading={loading} notMerge />
      {dimensions.some((d) => d.insufficient) && (
        <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
          {t('satisfaction.tooFewDimensions', {
            names: dimensions
              .map((d, i) => (d.insufficient ? names[i] : null))
              .filter(Boolean)
              .join(listSeparator(i18n.language)),
          })}
        </div>
      )}
    </div>
  );
}
