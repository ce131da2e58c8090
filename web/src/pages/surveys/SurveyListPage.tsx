import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Progress, Select, Space, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../components/PageHeader';
import {
  type Page,
  SURVEY_STATUSES,
  SURVEY_TRIGGERS,
  type Survey,
  surveyApi,
} from '../../components/surveys/api';
import { SurveyFormDrawer, useVersionLabel } from '../../components/surveys/SurveyFormDrawer';
import { SurveyStatusTag, SurveyTriggerTag } from '../../components/surveys/SurveyTags';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { formatDate } from '../../lib/time';

/** Who may create, send and close surveys (contract: supervisor, manager, admin). */
export const canRunSurveys = (role: string) =>
  role === 'supervisor' || role === 'manager' || role === 'admin';

/** 满意度调查: every survey with its trigger, status, model version, response rate and waves. */
export function SurveyListPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const versionLabel = useVersionLabel();
  const [status, setStatus] = useState<string | undefined>();
  const [trigger, setTrigger] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const filters = { status, trigger, limit: 50 };
  const list = useInfiniteQuery({
    queryKey: ['surveys', 'list', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => surveyApi.list({ ...filters, cursor: pageParam }),
    getNextPageParam: (last: Page<Survey>) => last.nextCursor ?? undefined,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title={t('surveys.title')}
        crumbs={[{ title: t('satisfaction.menu.group') }, { title: t('surveys.title') }]}
        extra={
          canRunSurveys(me.role) && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="survey-create"
            >
              {t('surveys.list.create')}
            </Button>
          )
        }
      />
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            allowClear
            placeholder={t('surveys.field.status')}
            style={{ width: 140 }}
            value={status}
            onChange={setStatus}
            options={SURVEY_STATUSES.map((v) => ({ value: v, label: t(`surveys.status.${v}`) }))}
          />
          <Select
            allowClear
            placeholder={t('surveys.field.trigger')}
            style={{ width: 160 }}
            value={trigger}
            onChange={setTrigger}
            options={SURVEY_TRIGGERS.map((v) => ({ value: v, label: t(`surveys.trigger.${v}`) }))}
          />
          <Tooltip title={t('common.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => list.refetch()}
              aria-label={t('common.refresh')}
            />
          </Tooltip>
        </Space>
        {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
        <Table<Survey>
          rowKey="id"
          loading={list.isLoading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 900 }}
          data-testid="survey-list"
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('surveys.list.empty')} />,
          }}
          onRow={(row) => ({ onDoubleClick: () => navigate(`/surveys/${row.id}`) })}
          columns={[
            {
              title: t('surveys.field.name'),
              dataIndex: 'name',
              render: (v: string, row) => <Link to={`/surveys/${row.id}`}>{v}</Link>,
            },
            {
              title: t('surveys.field.trigger'),
              dataIndex: 'trigger',
              width: 130,
              render: (v: string) => <SurveyTriggerTag trigger={v} />,
            },
            {
              title: t('surveys.field.status'),
              dataIndex: 'status',
              width: 100,
              render: (v: string) => <SurveyStatusTag status={v} />,
            },
            {
              title: t('surveys.field.model'),
              dataIndex: 'versionId',
              width: 220,
              render: (v: string, row) => versionLabel(v, row),
            },
            {
              title: t('surveys.field.responseRate'),
              key: 'rate',
              width: 170,
              render: (_v, row) =>
                row.stats ? (
                  <Tooltip title={`${row.stats.completed} / ${row.stats.sent}`}>
                    <Progress percent={Math.round(row.stats.responseRate * 1000) / 10} size="small" />
                  </Tooltip>
                ) : (
                  '—'
                ),
            },
            {
              title: t('surveys.field.waves'),
              key: 'waves',
              width: 80,
              align: 'right',
              render: (_v, row) => row.waves?.length ?? '—',
            },
            {
              title: t('surveys.field.createdAt'),
              dataIndex: 'createdAt',
              width: 120,
              render: (v: string) => formatDate(v),
            },
          ]}
        />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <SurveyFormDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(survey) => navigate(`/surveys/${survey.id}`)}
      />
    </>
  );
}
