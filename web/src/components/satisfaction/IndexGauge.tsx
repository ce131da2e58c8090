import { Space, Tag, Typography } from 'antd';
import ReactECharts from 'echarts-for-react';
import { useTranslation } from 'react-i18next';
import { formatIndex, type IndexNode } from './api';

/** Colour bands of the gauge: below 60 poor, below 80 fair, above good (the alert default is 60). */
const BANDS: [number, string][] = [
  [0.6, '#ff7875'],
  [0.8, '#ffc53d'],
  [1, '#73d13d'],
];

/** The overall index on a 0–100 gauge, with its 95 % interval and how many answers it rests on. */
export function IndexGauge({
  node,
  loading,
  loaded = false,
}: {
  node: IndexNode | undefined;
  loading?: boolean;
  /** The index answered (a missing node then means no answers at all). */
  loaded?: boolean;
}) {
  const { t } = useTranslation();
  const insufficient = !node || node.insufficient || node.value === null;
  const option = {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 100,
        startAngle: 210,
        endAngle: -30,
        radius: '95%',
        axisLine: { lineStyle: { width: 14, color: BANDS } },
        pointer: { show: !insufficient, width: 5 },
        splitLine: { length: 12, lineStyle: { width: 2 } },
        axisTick: { distance: 2, length: 5 },
        axisLabel: { distance: 18, fontSize: 11 },
        detail: {
          valueAnimation: true,
          fontSize: 28,
          offsetCenter: [0, '55%'],
          formatter: () => (!node ? '—' : insufficient ? t('satisfaction.tooFew') : formatIndex(node.value)),
        },
        title: { show: false },
        data: [{ value: insufficient ? 0 : node.value, name: t('satisfaction.overall') }],
      },
    ],
  };
  return (
    <div>
      <ReactECharts option={option} style={{ height: 230 }} showLoading={loading} notMerge />
      <div data-testid="satisfaction-overall" style={{ textAlign: 'center' }}>
        {!node ? (
          // Not loaded (or failed): no verdict on the sample yet.
          <Typography.Text type="secondary">{loaded ? t('satisfaction.noData') : '—'}</Typography.Text>
        ) : insufficient ? (
          <Space orientation="vertical" size={2}>
            <Tag color="default">{t('satisfaction.tooFew')}</Tag>
            {node && (
              <Typography.Text type="secondary">
                {t('satisfaction.answersCount', { answers: node.answers, responses: node.responses })}
              </Typography.Text>
            )}
          </Space>
        ) : (
          <Space orientation="vertical" size={2}>
            <Typography.Text strong style={{ fontSize: 20 }}>
              {t('satisfaction.overall')} {formatIndex(node.value)}
            </Typography.Text>
            <Typography.Text type="secondary">
              {t('satisfaction.ci', { low: formatIndex(node.ciLow), high: formatIndex(node.ciHigh) })}
            </Typography.Text>
            <Typography.Text type="secondary">
              {t('satisfaction.answersCount', { answers: node.answers, responses: node.responses })}
            </Typography.Text>
          </Space>
        )}
      </div>
    </div>
  );
}
