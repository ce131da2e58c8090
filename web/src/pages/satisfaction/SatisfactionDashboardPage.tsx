import { ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Input,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  Tooltip,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { CustomerSelect } from '../../components/CustomerSelect';
import { PageHeader } from '../../components/PageHeader';
import {
  defaultRange,
  GROUP_BYS,
  listSeparator,
  type GroupBy,
  type IndexFilters,
  type IndexGroup,
  fetchIndex,
  fetchIpa,
  fetchTrend,
  type IpaResult,
  monthRange,
  PERIODS,
  type Period,
  useModels,
} from '../../components/satisfaction/api';
import { BreakdownTable } from '../../components/satisfaction/BreakdownTable';
import { DimensionBars } from '../../components/satisfaction/DimensionBars';
import { IndexGauge } from '../../components/satisfaction/IndexGauge';
import { GapBars, IpaQuadrantChart, QUADRANT_COLORS } from '../../components/satisfaction/IpaQuadrantChart';
import { LeafTable } from '../../components/satisfaction/LeafTable';
import { TrendLine } from '../../components/satisfaction/TrendLine';
import { DepartmentSelect } from '../../components/selects';
import { useMe } from '../../lib/auth';
import { SERVICE_MODES, VALUE_CLASSES } from '../../lib/enums';
import { errorText } from '../../lib/forms';
import { dayjs } from '../../lib/time';

/** The filters that narrow every chart; kept in the address so a drill-down can be shared or reloaded. */
const FILTER_KEYS = ['customerId', 'valueClass', 'departmentId', 'mode', 'lane'] as const;
const CAN_ACT = new Set(['supervisor', 'manager', 'admin']);

/**
 * 满意度看板: the index of the chosen model over a period — gauge, dimensions, trend, IPA,
 * breakdown by customer/class/department/mode/lane/period and every item's score.
 */
export function SatisfactionDashboardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const models = useModels();

  const [defaultFrom, defaultTo] = useMemo(defaultRange, []);
  const fromMonth = params.get('from') ?? defaultFrom;
  const toMonth = params.get('to') ?? defaultTo;
  const groupBy = (GROUP_BYS as readonly string[]).includes(params.get('groupBy') ?? '')
    ? (params.get('groupBy') as GroupBy)
    : 'customer';
  const period = (PERIODS as readonly string[]).includes(params.get('period') ?? '')
    ? (params.get('period') as Period)
    : 'quarter';
  const importance = params.get('importance') === 'stated' ? 'stated' : 'derived';
  const [showDimensions, setShowDimensions] = useState(false);

  const defaultModel =
    models.data?.find((m) => !!m.isDefault && m.status !== 'archived') ??
    models.data?.find((m) => m.status !== 'archived') ??
    models.data?.[0];
  const modelId = params.get('modelId') ?? defaultModel?.id;

  const filters: IndexFilters = {
    modelId,
    ...monthRange(fromMonth, toMonth),
    ...Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined])),
  };

  const update = (changes: Record<string, string | null | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === undefined || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const enabled = !!modelId;
  const index = useQuery({
    queryKey: ['satisfaction', 'index', filters, groupBy, period],
    enabled,
    queryFn: () => fetchIndex({ ...filters, groupBy, period: groupBy === 'period' ? period : undefined }),
    placeholderData: (previous) => previous,
  });
  const trend = useQuery({
    queryKey: ['satisfaction', 'trend', filters, period],
    enabled,
    queryFn: () => fetchTrend({ ...filters, period }),
    placeholderData: (previous) => previous,
  });
  const ipa = useQuery({
    queryKey: ['satisfaction', 'ipa', filters, importance],
    enabled,
    queryFn: () => fetchIpa({ ...filters, importance }),
    placeholderData: (previous) => previous,
  });

  const overall = index.data?.overall ?? undefined;
  const dimensions = overall?.children ?? [];
  const filtered = FILTER_KEYS.some((k) => params.get(k));

  const drill = (group: IndexGroup) => {
    const key = {
      customer: 'customerId',
      valueClass: 'valueClass',
      department: 'departmentId',
      mode: 'mode',
      lane: 'lane',
    }[groupBy as string];
    if (!key) return;
    // Narrowed to one customer, the useful breakdown is over time.
    update({ [key]: group.key ?? null, groupBy: groupBy === 'customer' ? 'period' : groupBy });
  };

  if (models.isSuccess && !models.data.length) {
    return (
      <>
        <PageHeader
          title={t('satisfaction.menu.dashboard')}
          crumbs={[{ title: t('satisfaction.menu.group') }]}
        />
        <Card>
          <Empty description={t('satisfaction.noModel')}>
            <Link to="/satisfaction/models">{t('satisfaction.menu.models')}</Link>
          </Empty>
        </Card>
      </>
    );
  }

  const error = index.error ?? trend.error ?? ipa.error ?? models.error;
  return (
    <>
      <PageHeader
        title={t('satisfaction.menu.dashboard')}
        crumbs={[{ title: t('satisfaction.menu.group') }]}
        extra={
          <Space>
            <Link to="/satisfaction/alerts">
              <Button icon={<WarningOutlined />}>{t('satisfaction.menu.alerts')}</Button>
            </Link>
            <Tooltip title={t('common.refresh')}>
              <Button
                icon={<ReloadOutlined />}
                aria-label={t('common.refresh')}
                onClick={() => {
                  void index.refetch();
                  void trend.refetch();
                  void ipa.refetch();
                }}
              />
            </Tooltip>
          </Space>
        }
      />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap data-testid="satisfaction-filters">
          <Select
            style={{ width: 200 }}
            loading={models.isLoading}
            value={modelId}
            onChange={(value) => update({ modelId: value })}
            placeholder={t('satisfaction.filter.model')}
            aria-label={t('satisfaction.filter.model')}
            options={(models.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
          />
          <DatePicker.RangePicker
            picker="month"
            allowClear={false}
            value={[dayjs(`${fromMonth}-01`), dayjs(`${toMonth}-01`)]}
            onChange={(range) => {
              if (range?.[0] && range[1])
                update({ from: range[0].format('YYYY-MM'), to: range[1].format('YYYY-MM') });
            }}
          />
          <span data-testid="satisfaction-filter-customer">
            <CustomerSelect
              value={params.get('customerId')}
              onChange={(value) => update({ customerId: value })}
              style={{ width: 240 }}
            />
          </span>
          <Select
            allowClear
            style={{ width: 150 }}
            placeholder={t('satisfaction.filter.valueClass')}
            aria-label={t('satisfaction.filter.valueClass')}
            value={params.get('valueClass') ?? undefined}
            onChange={(value) => update({ valueClass: value })}
            options={VALUE_CLASSES.map((v) => ({ value: v, label: t(`enum.valueClass.${v}`) }))}
          />
          <DepartmentSelect
            value={params.get('departmentId')}
            onChange={(value) => update({ departmentId: value })}
            style={{ width: 180 }}
            placeholder={t('satisfaction.filter.department')}
          />
          <Select
            allowClear
            style={{ width: 120 }}
            placeholder={t('satisfaction.filter.mode')}
            aria-label={t('satisfaction.filter.mode')}
            value={params.get('mode') ?? undefined}
            onChange={(value) => update({ mode: value })}
            options={SERVICE_MODES.map((v) => ({ value: v, label: t(`enum.serviceMode.${v}`) }))}
          />
          <Input.Search
            allowClear
            style={{ width: 190 }}
            placeholder={t('satisfaction.filter.lane')}
            aria-label={t('satisfaction.filter.lane')}
            // Remounted when the address changes (a drill-down or clear), typed freely otherwise.
            key={params.get('lane') ?? ''}
            defaultValue={params.get('lane') ?? ''}
            onSearch={(value) => update({ lane: value.trim().toUpperCase() })}
          />
          {filtered && (
            <Button type="link" onClick={() => update(Object.fromEntries(FILTER_KEYS.map((k) => [k, null])))}>
              {t('satisfaction.filter.clear')}
            </Button>
          )}
        </Space>
      </Card>
      {error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={errorText(t, error)} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card title={t('satisfaction.overallIndex')} style={{ height: '100%' }}>
            <IndexGauge node={overall} loading={index.isLoading && enabled} loaded={index.isSuccess} />
            {index.data && (
              <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
                {t('satisfaction.minAnswersHint', { count: index.data.minAnswers })}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card title={t('satisfaction.dimensions')} style={{ height: '100%' }}>
            <DimensionBars dimensions={dimensions} loading={index.isLoading && enabled} />
          </Card>
        </Col>
        <Col span={24}>
          <Card
            title={t('satisfaction.trend')}
            extra={
              <Space wrap>
                <Segmented
                  size="small"
                  value={period}
                  onChange={(value) => update({ period: value as string })}
                  options={PERIODS.map((p) => ({ value: p, label: t(`satisfaction.period.${p}`) }))}
                />
                <Space size={4}>
                  <Switch size="small" checked={showDimensions} onChange={setShowDimensions} />
                  <Typography.Text>{t('satisfaction.showDimensions')}</Typography.Text>
                </Space>
              </Space>
            }
          >
            <div data-testid="satisfaction-trend" data-points={trend.data?.points.length ?? 0}>
              {trend.data && !trend.data.points.length ? (
                <Empty description={t('satisfaction.noData')} />
              ) : (
                <TrendLine
                  points={trend.data?.points ?? []}
                  showDimensions={showDimensions}
                  loading={trend.isLoading && enabled}
                />
              )}
            </div>
          </Card>
        </Col>
        <Col span={24}>
          <Card
            title={t('satisfaction.ipa.title')}
            extra={
              <Segmented
                size="small"
                value={importance}
                onChange={(value) => update({ importance: value === 'stated' ? 'stated' : null })}
                options={[
                  { value: 'derived', label: t('satisfaction.ipa.derived') },
                  { value: 'stated', label: t('satisfaction.ipa.stated') },
                ]}
              />
            }
          >
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={16}>
                <IpaQuadrantChart result={ipa.data} loading={ipa.isLoading && enabled} />
              </Col>
              <Col xs={24} xl={8}>
                <QuadrantList result={ipa.data} />
              </Col>
              {ipa.data?.elements.some((e) => e.ideal !== null) && (
                <Col span={24}>
                  <Typography.Title level={5}>{t('satisfaction.ipa.gapTitle')}</Typography.Title>
                  <GapBars elements={ipa.data.elements} />
                </Col>
              )}
            </Row>
          </Card>
        </Col>
        <Col span={24}>
          <Card
            title={t('satisfaction.breakdown')}
            extra={
              <Space wrap>
                <Typography.Text type="secondary">{t('satisfaction.groupByLabel')}</Typography.Text>
                <Select
                  size="small"
                  style={{ width: 130 }}
                  value={groupBy}
                  onChange={(value) => update({ groupBy: value })}
                  aria-label={t('satisfaction.groupByLabel')}
                  data-testid="satisfaction-group-by"
                  options={GROUP_BYS.filter((g) => g !== 'none').map((g) => ({
                    value: g,
                    label: t(`satisfaction.groupBy.${g}`),
                  }))}
                />
                {groupBy === 'period' && (
                  <Segmented
                    size="small"
                    value={period}
                    onChange={(value) => update({ period: value as string })}
                    options={PERIODS.map((p) => ({ value: p, label: t(`satisfaction.period.${p}`) }))}
                  />
                )}
              </Space>
            }
          >
            <BreakdownTable
              groups={index.data?.groups ?? []}
              groupBy={groupBy}
              dimensions={dimensions}
              loading={index.isFetching && enabled}
              onDrill={drill}
            />
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('satisfaction.items')}>
            <LeafTable
              root={overall}
              loading={index.isLoading && enabled}
              canCreateAction={CAN_ACT.has(me.role)}
              modelId={modelId}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}

/** The IPA elements by quadrant, 重点改进区 first: what to fix first, as a list beside the chart. */
function QuadrantList({ result }: { result: IpaResult | undefined }) {
  const { t, i18n } = useTranslation();
  const order = ['concentrate_here', 'keep_up', 'possible_overkill', 'low_priority'] as const;
  if (!result?.elements.length) return <Empty description={t('satisfaction.noData')} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="satisfaction-ipa-list">
      {order.map((q) => {
        const items = result.elements.filter((e) => e.quadrant === q);
        return (
          <div key={q}>
            <Typography.Text strong style={{ color: QUADRANT_COLORS[q] }}>
              {t(`satisfaction.quadrant.${q}`)}
            </Typography.Text>
            <Typography.Text type="secondary"> · {t(`satisfaction.quadrantHint.${q}`)}</Typography.Text>
            <div>
              {items.length
                ? items
                    .map((e) => (i18n.language === 'en' && e.nameEn ? e.nameEn : e.nameZh))
                    .join(listSeparator(i18n.language))
                : '—'}
            </div>
          </div>
        );
      })}
    </Space>
  );
}
