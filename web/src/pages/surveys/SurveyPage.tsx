import {
  BellOutlined,
  CheckOutlined,
  EditOutlined,
  ReloadOutlined,
  SendOutlined,
  StopOutlined,
  ToolOutlined,
} from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  InputNumber,
  Popconfirm,
  Progress,
  Result,
  Row,
  Select,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useDepartmentName } from '../../components/selects';
import { CustomerSelect } from '../../components/CustomerSelect';
import { PageHeader } from '../../components/PageHeader';
import {
  type Answer,
  INVITATION_STATUSES,
  type Invitation,
  itemsOfNodes,
  type ModelNode,
  type Page,
  type Survey,
  type SurveyResponse,
  surveyApi,
} from '../../components/surveys/api';
import { QuestionnaireForm } from '../../components/surveys/QuestionnaireForm';
import { SendSurveyModal } from '../../components/surveys/SendSurveyModal';
import { SurveyFormDrawer, useVersionLabel } from '../../components/surveys/SurveyFormDrawer';
import {
  IndexTag,
  InvitationStatusTag,
  SurveyStatusTag,
  SurveyTriggerTag,
} from '../../components/surveys/SurveyTags';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { formatDate, formatDateTime } from '../../lib/time';
import { canRunSurveys } from './SurveyListPage';

/** One survey: what it asks and to whom, its response rate, sending, reminders, waves, invitations and answers. */
export function SurveyPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const versionLabel = useVersionLabel();
  const departmentName = useDepartmentName();
  const [editing, setEditing] = useState(false);
  const [sending, setSending] = useState(false);
  const [tab, setTab] = useState('responses');
  const survey = useQuery({ queryKey: ['surveys', 'one', id], queryFn: () => surveyApi.get(id) });
  const s = survey.data;
  const version = useQuery({
    queryKey: ['satisfaction', 'version', s?.modelId, s?.versionId],
    enabled: !!s,
    queryFn: () => surveyApi.version(s!.modelId, s!.versionId),
    staleTime: 5 * 60_000,
  });
  const nodes = version.data?.nodes ?? [];
  const mayRun = canRunSurveys(me.role);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['surveys'] });
  const action = useMutation({
    mutationFn: (kind: 'activate' | 'close' | 'remind'): Promise<unknown> =>
      kind === 'activate'
        ? surveyApi.activate(id)
        : kind === 'close'
          ? surveyApi.close(id)
          : surveyApi.remind(id),
    onSuccess: (answer, kind) => {
      if (kind === 'remind')
        message.success(t('surveys.page.reminded', { count: (answer as { reminded: number }).reminded }));
      else message.success(kind === 'activate' ? t('surveys.page.activated') : t('surveys.page.closed'));
      void refresh();
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  if (survey.isLoading) return <Skeleton active />;
  if (survey.isError || !s) return <Result status="warning" title={errorText(t, survey.error)} />;

  const stats = s.stats;
  const segment = s.segment ?? {};
  const segmentParts = [
    ...(segment.valueClasses ?? []).map((v) => t(`enum.valueClass.${v}`)),
    ...(segment.departmentIds ?? []).map((d) => departmentName(d)),
    ...(segment.modes ?? []).map((m) => t(`enum.serviceMode.${m}`)),
  ];
  const items = itemsOfNodes(nodes, { askIdeal: s.askIdeal, askImportance: s.askImportance });

  return (
    <>
      <PageHeader
        title={s.name}
        crumbs={[{ title: t('satisfaction.menu.group') }, { title: t('surveys.title'), to: '/surveys' }]}
        tags={
          <Space size={4}>
            <SurveyStatusTag status={s.status} />
            <SurveyTriggerTag trigger={s.trigger} />
          </Space>
        }
        extra={
          mayRun && (
            <Space wrap>
              {s.status !== 'closed' && (
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="survey-edit">
                  {t('common.edit')}
                </Button>
              )}
              {s.status === 'draft' && (
                <Button
                  type="primary"
                  icon={<CheckOutlined />}
                  loading={action.isPending && action.variables === 'activate'}
                  onClick={() => action.mutate('activate')}
                  data-testid="survey-activate"
                >
                  {t('surveys.page.activate')}
                </Button>
              )}
              {s.status === 'active' && (
                <>
                  <Button
                    type="primary"
                    icon={<SendOutlined />}
                    onClick={() => setSending(true)}
                    data-testid="survey-send"
                  >
                    {t('surveys.page.send')}
                  </Button>
                  <Button
                    icon={<BellOutlined />}
                    loading={action.isPending && action.variables === 'remind'}
                    onClick={() => action.mutate('remind')}
                    data-testid="survey-remind"
                  >
                    {t('surveys.page.remind')}
                  </Button>
                </>
              )}
              {s.status !== 'closed' && (
                <Popconfirm title={t('surveys.page.closeConfirm')} onConfirm={() => action.mutate('close')}>
                  <Button danger icon={<StopOutlined />} data-testid="survey-close">
                    {t('surveys.page.close')}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          )
        }
      />
      {s.status === 'draft' && (
        <Alert type="info" showIcon title={t('surveys.page.draftHint')} style={{ marginBottom: 16 }} />
      )}
      <Card title={t('surveys.page.summary')} style={{ marginBottom: 16 }} data-testid="survey-summary">
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {(['invited', 'sent', 'opened', 'partial', 'completed', 'expired'] as const).map((key) => (
            <Col key={key} xs={8} md={4}>
              <Statistic
                title={t(`surveys.page.stats.${key}`)}
                value={stats?.[key] ?? 0}
                data-testid={`survey-stat-${key}`}
              />
            </Col>
          ))}
        </Row>
        <div style={{ marginBottom: 16 }}>
          <Typography.Text type="secondary">{t('surveys.field.responseRate')}</Typography.Text>
          <Progress
            percent={Math.round((stats?.responseRate ?? 0) * 1000) / 10}
            data-testid="survey-response-rate"
          />
        </div>
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('surveys.field.model')}>
            {versionLabel(s.versionId, s)}
          </Descriptions.Item>
          <Descriptions.Item label={t('surveys.field.trigger')}>
            <SurveyTriggerTag trigger={s.trigger} />
            {s.trigger === 'wave' && s.recurrenceMonths
              ? t('surveys.page.everyMonths', { count: s.recurrenceMonths })
              : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('surveys.field.segment')} span={2}>
            {segmentParts.length || segment.customerIds?.length ? (
              <Space size={4} wrap>
                {segmentParts.map((part) => (
                  <Tag key={part}>{part}</Tag>
                ))}
                {segment.customerIds?.length ? (
                  <Tag>
                    {t('surveys.field.customers')} × {segment.customerIds.length}
                  </Tag>
                ) : null}
              </Space>
            ) : (
              t('surveys.field.anySegment')
            )}
          </Descriptions.Item>
          {s.trigger === 'wave' && (
            <Descriptions.Item label={t('surveys.field.nextWaveAt')}>
              {formatDate(s.nextWaveAt)}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('surveys.field.tokenTtlDays')}>{s.tokenTtlDays}</Descriptions.Item>
          <Descriptions.Item label={t('surveys.field.reminderDays')}>
            {(s.reminderDays ?? []).join('、') || '—'}
          </Descriptions.Item>
          {(s.trigger === 'after_delivery' || s.trigger === 'after_complaint') && (
            <Descriptions.Item label={t('surveys.field.minDaysBetween')}>
              {s.minDaysBetween}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('surveys.field.askIdeal')}>{s.askIdeal ? '✓' : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('surveys.field.askImportance')}>
            {s.askImportance ? '✓' : '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'responses',
              label: t('surveys.page.tabs.responses'),
              children: <ResponsesBrowser survey={s} nodes={nodes} />,
            },
            {
              key: 'invitations',
              label: t('surveys.page.tabs.invitations'),
              children: <InvitationsTable surveyId={s.id} />,
            },
            {
              key: 'waves',
              label: t('surveys.page.tabs.waves'),
              children: (
                <Table
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={s.waves ?? []}
                  locale={{ emptyText: t('surveys.page.wave.none') }}
                  data-testid="survey-waves"
                  columns={[
                    { title: t('surveys.page.wave.number'), dataIndex: 'number', width: 80 },
                    {
                      title: t('surveys.page.wave.startedAt'),
                      dataIndex: 'startedAt',
                      render: (v: string) => formatDateTime(v),
                    },
                    { title: t('surveys.page.wave.invited'), dataIndex: 'invited', align: 'right' },
                    { title: t('surveys.page.wave.completed'), dataIndex: 'completed', align: 'right' },
                  ]}
                />
              ),
            },
            {
              key: 'preview',
              label: t('surveys.page.tabs.preview'),
              children: (
                <div
                  style={{ maxWidth: 720, background: '#f5f7fa', padding: 16 }}
                  data-testid="survey-preview"
                >
                  <Typography.Paragraph type="secondary">
                    {t('surveys.page.previewHint')}
                  </Typography.Paragraph>
                  {version.isLoading ? (
                    <Skeleton active />
                  ) : (
                    <QuestionnaireForm
                      key={`${s.versionId}-${i18n.language}`}
                      readOnly
                      data={{
                        surveyName: s.name,
                        introZh: s.introZh,
                        introEn: s.introEn,
                        items,
                        status: 'preview',
                      }}
                    />
                  )}
                </div>
              ),
            },
          ]}
        />
      </Card>
      {mayRun && (
        <>
          <SurveyFormDrawer open={editing} survey={s} onClose={() => setEditing(false)} />
          <SendSurveyModal survey={s} open={sending} onClose={() => setSending(false)} />
        </>
      )}
    </>
  );
}

function InvitationsTable({ surveyId }: { surveyId: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string | undefined>();
  const filters = { status, limit: 50 };
  const list = useInfiniteQuery({
    queryKey: ['surveys', 'invitations', surveyId, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => surveyApi.invitations(surveyId, { ...filters, cursor: pageParam }),
    getNextPageParam: (last: Page<Invitation>) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('surveys.page.invitation.status')}
          style={{ width: 150 }}
          value={status}
          onChange={setStatus}
          options={INVITATION_STATUSES.map((v) => ({ value: v, label: t(`surveys.invitationStatus.${v}`) }))}
          data-testid="survey-invitation-status"
        />
        <Button icon={<ReloadOutlined />} onClick={() => list.refetch()} aria-label={t('common.refresh')} />
      </Space>
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <Table<Invitation>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 960 }}
        locale={{ emptyText: t('surveys.page.invitation.none') }}
        data-testid="survey-invitations"
        columns={[
          {
            title: t('surveys.page.invitation.customer'),
            dataIndex: 'customerName',
            render: (v: string | null, row) => <Link to={`/customers/${row.customerId}`}>{v ?? '—'}</Link>,
          },
          {
            title: t('surveys.page.invitation.contact'),
            dataIndex: 'contactName',
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('surveys.page.invitation.status'),
            dataIndex: 'status',
            width: 110,
            render: (v: string) => <InvitationStatusTag status={v} />,
          },
          {
            title: t('surveys.page.invitation.sentAt'),
            dataIndex: 'sentAt',
            width: 140,
            render: (v: string | null) => formatDateTime(v),
          },
          {
            title: t('surveys.page.invitation.openedAt'),
            dataIndex: 'openedAt',
            width: 140,
            render: (v: string | null) => formatDateTime(v),
          },
          {
            title: t('surveys.page.invitation.completedAt'),
            dataIndex: 'completedAt',
            width: 140,
            render: (v: string | null) => formatDateTime(v),
          },
          {
            title: t('surveys.page.invitation.reminders'),
            dataIndex: 'reminderCount',
            width: 90,
            align: 'right',
          },
          {
            title: t('surveys.page.invitation.expiresAt'),
            dataIndex: 'expiresAt',
            width: 120,
            render: (v: string) => formatDate(v),
          },
          {
            title: t('surveys.page.invitation.ref'),
            key: 'ref',
            width: 100,
            render: (_v, row) =>
              row.refType && row.refId ? (
                <Link to={row.refType === 'shipment' ? `/shipments/${row.refId}` : `/tickets/${row.refId}`}>
                  {t(`surveys.page.invitation.refType.${row.refType}`, { defaultValue: row.refType })}
                </Link>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {list.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}

/** 答卷: filter by customer and index range; each response opens to every item's answer in words. */
function ResponsesBrowser({ survey, nodes }: { survey: Survey; nodes: ModelNode[] }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [minIndex, setMinIndex] = useState<number | null>(null);
  const [maxIndex, setMaxIndex] = useState<number | null>(null);
  const filters = { customerId, minIndex, maxIndex, limit: 50 };
  const list = useInfiniteQuery({
    queryKey: ['surveys', 'responses', survey.id, filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => surveyApi.responses(survey.id, { ...filters, cursor: pageParam }),
    getNextPageParam: (last: Page<SurveyResponse>) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const byKey = useMemo(() => new Map(nodes.map((n) => [n.key, n])), [nodes]);
  const itemName = (key: string) => {
    const node = byKey.get(key);
    if (!node) return key;
    return i18n.language === 'en' ? node.nameEn || node.nameZh : node.nameZh || node.nameEn;
  };
  const order = useMemo(() => new Map(nodes.map((n, i) => [n.key, i])), [nodes]);
  const label = (kind: 'likert' | 'importance', v: number | null | undefined) =>
    v ? `${t(`surveys.${kind}.${v}`)} (${v})` : '—';
  /** The answer in the words the item was asked with (its own scale labels, else the Likert ones). */
  const scoreLabel = (key: string, v: number | null | undefined) => {
    const node = byKey.get(key);
    const own =
      i18n.language === 'en'
        ? node?.scaleLabelsEn || node?.scaleLabelsZh
        : node?.scaleLabelsZh || node?.scaleLabelsEn;
    if (v && own?.length === 5) return `${own[5 - v]} (${v})`;
    return label('likert', v);
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <CustomerSelect value={customerId} onChange={setCustomerId} style={{ width: 240 }} />
        <InputNumber
          min={0}
          max={100}
          placeholder={t('surveys.page.response.minIndex')}
          value={minIndex}
          onChange={(v) => setMinIndex(v)}
          style={{ width: 120 }}
        />
        <InputNumber
          min={0}
          max={100}
          placeholder={t('surveys.page.response.maxIndex')}
          value={maxIndex}
          onChange={(v) => setMaxIndex(v)}
          style={{ width: 120 }}
        />
        <Button icon={<ReloadOutlined />} onClick={() => list.refetch()} aria-label={t('common.refresh')} />
      </Space>
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <Table<SurveyResponse>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 860 }}
        data-testid="survey-responses"
        locale={{
          emptyText: (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('surveys.page.response.none')} />
          ),
        }}
        expandable={{
          expandedRowRender: (row) => (
            <Space orientation="vertical" style={{ width: '100%' }} data-testid="survey-response-detail">
              <Table<Answer>
                rowKey="itemKey"
                size="small"
                pagination={false}
                dataSource={[...row.answers].sort(
                  (a, b) => (order.get(a.itemKey) ?? 999) - (order.get(b.itemKey) ?? 999),
                )}
                columns={[
                  {
                    title: t('surveys.page.response.item'),
                    dataIndex: 'itemKey',
                    render: (k: string) => itemName(k),
                  },
                  {
                    title: t('surveys.page.response.score'),
                    dataIndex: 'score',
                    render: (v: number | null, a) => {
                      // Reverse items count low when the answer is high.
                      const effective = v && byKey.get(a.itemKey)?.reverse ? 6 - v : v;
                      const color =
                        effective && effective <= 2 ? 'red' : effective === 3 ? 'default' : 'green';
                      return <Tag color={color}>{scoreLabel(a.itemKey, v)}</Tag>;
                    },
                  },
                  ...(survey.askIdeal
                    ? [
                        {
                          title: t('surveys.page.response.ideal'),
                          dataIndex: 'idealScore',
                          render: (v: number | null) => label('likert', v),
                        },
                      ]
                    : []),
                  ...(survey.askImportance
                    ? [
                        {
                          title: t('surveys.page.response.importance'),
                          dataIndex: 'importance',
                          render: (v: number | null) => label('importance', v),
                        },
                      ]
                    : []),
                ]}
              />
              <div>
                <Typography.Text strong>{t('surveys.page.response.comment')}：</Typography.Text>
                <span style={{ whiteSpace: 'pre-wrap' }}>
                  {row.comment || t('surveys.page.response.noComment')}
                </span>
              </div>
              <Space>
                <Link to={`/customers/${row.customerId}`}>{t('surveys.page.response.openCustomer')}</Link>
                <Button
                  size="small"
                  icon={<ToolOutlined />}
                  onClick={() => navigate(`/corrective-actions?responseId=${row.id}`)}
                  data-testid="survey-response-action"
                >
                  {t('surveys.page.response.openAction')}
                </Button>
              </Space>
            </Space>
          ),
        }}
        columns={[
          {
            title: t('surveys.page.response.customer'),
            dataIndex: 'customerName',
            render: (v: string | null, row) => <Link to={`/customers/${row.customerId}`}>{v ?? '—'}</Link>,
          },
          {
            title: t('surveys.page.response.contact'),
            dataIndex: 'contactName',
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('surveys.page.response.status'),
            dataIndex: 'status',
            width: 100,
            render: (v: string) => (
              <Tag color={v === 'complete' ? 'green' : 'gold'}>
                {t(`surveys.responseStatus.${v}`, { defaultValue: v })}
              </Tag>
            ),
          },
          {
            title: t('surveys.page.response.index'),
            dataIndex: 'responseIndex',
            width: 110,
            render: (v: number | null) => <IndexTag value={v} />,
          },
          {
            title: t('surveys.page.response.channel'),
            dataIndex: 'channel',
            width: 100,
            render: (v: string) => t(`surveys.channel.${v}`, { defaultValue: v }),
          },
          {
            title: t('surveys.page.response.submittedAt'),
            dataIndex: 'submittedAt',
            width: 150,
            render: (v: string | null) => formatDateTime(v),
          },
        ]}
      />
      {list.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
