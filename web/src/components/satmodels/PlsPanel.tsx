import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  InputNumber,
  Popconfirm,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import ReactECharts from 'echarts-for-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/forms';
import { type ModelNode, modelKeys, modelsApi, type PlsResult, type SatisfactionModel } from './api';
import { useNodeName } from './ModelTreeTable';
import { formatPercent } from './tree';

/** Where each latent variable sits in the ACSI-style path diagram. */
const POSITIONS: Record<string, [number, number]> = {
  expectation: [0, 0],
  quality: [0, 240],
  value: [230, 250],
  satisfaction: [460, 120],
  complaints: [690, 0],
  loyalty: [690, 240],
};

const fixed = (value: number | null | undefined, digits = 3) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);

/**
 * PLS 估计: estimates the ACSI-style path model from the answers of a period (outer weights,
 * path coefficients with bootstrap intervals, R²) and, on request, applies the resulting item
 * and dimension weights to the model (a new version when the current one has answers).
 */
export function PlsPanel(props: {
  modelId: string;
  nodes: ModelNode[];
  editable: boolean;
  currentVersion: number | undefined;
  onSaved: (model: SatisfactionModel, previousVersion: number | undefined) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const name = useNodeName();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [bootstrap, setBootstrap] = useState<number>(200);
  const [result, setResult] = useState<PlsResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const byKey = useMemo(() => new Map(props.nodes.map((node) => [node.key, node])), [props.nodes]);
  const lvName = (lv: string) => {
    const node =
      props.nodes.find((n) => n.dimension === lv) ??
      (lv === 'satisfaction' ? props.nodes.find((n) => n.parentKey === null) : undefined);
    return node ? name(node) : t(`satModels.pls.lv.${lv}`, { defaultValue: lv });
  };

  const run = useMutation({
    mutationFn: (apply: boolean) =>
      modelsApi.pls(props.modelId, {
        from: range?.[0]?.startOf('day').toISOString(),
        to: range?.[1]?.endOf('day').toISOString(),
        bootstrap,
        apply,
      }),
    onMutate: () => setError(null),
    onSuccess: (answer, apply) => {
      setResult(answer);
      if (apply) {
        void queryClient.invalidateQueries({ queryKey: modelKeys.one(props.modelId) }).then(() => {
          const model = queryClient.getQueryData<SatisfactionModel>(modelKeys.one(props.modelId));
          if (model) props.onSaved(model, props.currentVersion);
        });
        void queryClient.invalidateQueries({ queryKey: modelKeys.all });
      }
    },
    onError: (failure) => {
      setError(errorText(t, failure));
      message.error(errorText(t, failure));
    },
  });

  // R² only for the variables the model explains (expectation is exogenous).
  const r2 = new Map(
    result?.rSquared
      .filter((row) => result.paths.some((path) => path.to === row.lv))
      .map((row) => [row.lv, row.value]) ?? [],
  );
  const chart = result && {
    tooltip: {},
    series: [
      {
        type: 'graph',
        layout: 'none',
        roam: false,
        symbol: 'roundRect',
        symbolSize: [130, 54],
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 10,
        label: { show: true, color: '#fff', fontSize: 12, lineHeight: 16 },
        edgeLabel: { show: true, fontSize: 11, color: '#333', formatter: '{c}' },
        lineStyle: { width: 2, curveness: 0.08, color: '#8c8c8c' },
        data: Object.entries(POSITIONS).map(([lv, [x, y]]) => ({
          name: lv,
          x,
          y,
          value: r2.get(lv) ?? null,
          itemStyle: { color: lv === 'satisfaction' ? '#1677ff' : '#5b8ff9' },
          label: {
            formatter: () => (r2.has(lv) ? `${lvName(lv)}\nR² ${fixed(r2.get(lv), 2)}` : lvName(lv)),
          },
        })),
        links: result.paths.map((path) => ({
          source: path.from,
          target: path.to,
          value: `${fixed(path.coefficient, 2)} [${fixed(path.ciLow, 2)}, ${fixed(path.ciHigh, 2)}]`,
          lineStyle: {
            color: (path.ciLow ?? 0) > 0 || (path.ciHigh ?? 0) < 0 ? '#389e0d' : '#bfbfbf',
            width: 1 + Math.min(4, Math.abs(path.coefficient) * 5),
          },
        })),
      },
    ],
  };

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('satModels.pls.hint')}</Typography.Text>
      <Space wrap>
        <DatePicker.RangePicker
          value={range}
          onChange={(value) => setRange(value as [Dayjs | null, Dayjs | null] | null)}
          placeholder={[t('satModels.pls.from'), t('satModels.pls.to')]}
        />
        <Space size={4}>
          <Typography.Text>{t('satModels.pls.bootstrap')}</Typography.Text>
          <InputNumber
            min={0}
            max={1000}
            step={50}
            value={bootstrap}
            onChange={(value) => setBootstrap(Number(value ?? 0))}
            aria-label={t('satModels.pls.bootstrap')}
          />
        </Space>
        <Button
          onClick={() => run.mutate(false)}
          loading={run.isPending && !run.variables}
          data-testid="pls-run"
        >
          {t('satModels.pls.run')}
        </Button>
        {props.editable && (
          <Popconfirm
            title={t('satModels.pls.applyConfirm')}
            onConfirm={() => run.mutate(true)}
            okText={t('satModels.pls.apply')}
            cancelText={t('common.cancel')}
          >
            <Button type="primary" loading={run.isPending && run.variables === true} data-testid="pls-apply">
              {t('satModels.pls.apply')}
            </Button>
          </Popconfirm>
        )}
      </Space>
      {error && <Alert type="error" showIcon title={error} data-testid="pls-error" />}
      {result && (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 4 }} data-testid="pls-summary">
            <Descriptions.Item label={t('satModels.pls.respondents')}>{result.respondents}</Descriptions.Item>
            <Descriptions.Item label={t('satModels.pls.items')}>{result.items}</Descriptions.Item>
            <Descriptions.Item label={t('satModels.pls.dropped')}>{result.dropped}</Descriptions.Item>
            <Descriptions.Item label={t('satModels.pls.bootstrapSamples')}>
              {result.bootstrapSamples}
            </Descriptions.Item>
            <Descriptions.Item label={t('satModels.pls.iterations')}>
              {result.iterations}{' '}
              {result.converged ? (
                <Tag color="green">{t('satModels.pls.converged')}</Tag>
              ) : (
                <Tag color="red">{t('satModels.pls.notConverged')}</Tag>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('satModels.pls.applied')}>
              {result.applied
                ? t('satModels.pls.appliedAs', { version: result.modelVersion ?? '—' })
                : t('satModels.pls.notApplied')}
            </Descriptions.Item>
          </Descriptions>
          {result.notes.length > 0 && (
            <Alert
              type="info"
              showIcon
              data-testid="pls-notes"
              title={t('satModels.pls.notes')}
              description={
                <ul style={{ margin: 0, paddingLeft: 18 }}>
                  {result.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              }
            />
          )}
          <Row gutter={16}>
            <Col xs={24} xl={14}>
              <Card size="small" title={t('satModels.pls.diagram')}>
                <div data-testid="pls-diagram">
                  {chart && <ReactECharts option={chart} style={{ height: 340 }} notMerge />}
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('satModels.pls.diagramHint')}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card size="small" title={t('satModels.pls.paths')}>
                <Table
                  rowKey={(row) => `${row.from}-${row.to}`}
                  size="small"
                  pagination={false}
                  dataSource={result.paths}
                  columns={[
                    {
                      title: t('satModels.pls.path'),
                      key: 'path',
                      render: (_: unknown, row) => `${lvName(row.from)} → ${lvName(row.to)}`,
                    },
                    {
                      title: t('satModels.pls.coefficient'),
                      dataIndex: 'coefficient',
                      align: 'right',
                      render: (v: number) => fixed(v),
                    },
                    {
                      title: t('satModels.pls.ci'),
                      key: 'ci',
                      align: 'right',
                      render: (_: unknown, row) => `[${fixed(row.ciLow)}, ${fixed(row.ciHigh)}]`,
                    },
                  ]}
                />
                <Typography.Title level={5} style={{ marginTop: 12 }}>
                  {t('satModels.pls.dimensionWeights')}
                </Typography.Title>
                <Table
                  rowKey="lv"
                  size="small"
                  pagination={false}
                  dataSource={Object.entries(result.dimensionWeights).map(([lv, weight]) => ({ lv, weight }))}
                  columns={[
                    { title: t('satModels.tree.name'), dataIndex: 'lv', render: (lv: string) => lvName(lv) },
                    {
                      title: t('satModels.tree.weight'),
                      dataIndex: 'weight',
                      align: 'right',
                      render: (v: number) => formatPercent(v),
                    },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('satModels.pls.outerWeights')}>
            <Table
              rowKey={(row) => `${row.lv}-${row.itemKey}`}
              size="small"
              pagination={false}
              data-testid="pls-outer-weights"
              dataSource={result.outerWeights}
              columns={[
                {
                  title: t('satModels.pls.lvColumn'),
                  dataIndex: 'lv',
                  width: 140,
                  render: (lv: string) => lvName(lv),
                },
                {
                  title: t('satModels.pls.item'),
                  dataIndex: 'itemKey',
                  render: (key: string) => name(byKey.get(key)) || key,
                },
                {
                  title: t('satModels.pls.weight'),
                  dataIndex: 'weight',
                  align: 'right',
                  width: 100,
                  render: (v: number) => fixed(v),
                },
                {
                  title: t('satModels.pls.loading'),
                  dataIndex: 'loading',
                  align: 'right',
                  width: 100,
                  render: (v: number) => fixed(v),
                },
                {
                  title: t('satModels.pls.ci'),
                  key: 'ci',
                  align: 'right',
                  width: 160,
                  render: (_: unknown, row) => `[${fixed(row.ciLow)}, ${fixed(row.ciHigh)}]`,
                },
              ]}
            />
          </Card>
        </>
      )}
    </Space>
  );
}
