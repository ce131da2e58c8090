import { useQuery } from '@tanstack/react-query';
import { Card, Progress, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../api/client';
import { DepartmentSelect } from '../components/selects';
import { useMe } from '../lib/auth';
import { errorText } from '../lib/forms';

type Row = ResponseOf<'/api/follow-ups/stats', 'get'>['items'][number];

/** 团队回访概况: per person open, overdue and due-today work, and this month's on-time completion. */
export function TeamStatsCard(props: {
  teamId?: string;
  onTeamChange: (teamId: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const stats = useQuery({
    queryKey: ['followUps', 'stats', props.teamId ?? null],
    queryFn: () => unwrap(api.GET('/api/follow-ups/stats', { params: { query: { teamId: props.teamId } } })),
  });
  const rate = (row: { done: number; doneOnTime: number }) =>
    row.done ? Math.round((row.doneOnTime / row.done) * 100) : null;
  const totals = stats.data?.totals;

  return (
    <Card
      title={t('team.title')}
      extra={
        me.role !== 'supervisor' && (
          <DepartmentSelect
            placeholder={t('team.allTeams')}
            style={{ width: 200 }}
            value={props.teamId ?? null}
            onChange={(value) => props.onTeamChange(value ?? undefined)}
          />
        )
      }
    >
      {stats.isError ? (
        <Typography.Text type="danger">{errorText(t, stats.error)}</Typography.Text>
      ) : (
        <Table<Row>
          rowKey="assigneeId"
          size="small"
          loading={stats.isLoading}
          dataSource={stats.data?.items}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          summary={() =>
            totals && (
              <Table.Summary.Row style={{ fontWeight: 600 }}>
                <Table.Summary.Cell index={0}>{t('team.total')}</Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  {totals.open}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  <Typography.Text type={totals.overdue ? 'danger' : undefined}>
                    {totals.overdue}
                  </Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  {totals.dueToday}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  {totals.done}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5}>
                  {rate(totals) === null ? '—' : `${rate(totals)}%`}
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )
          }
          columns={[
            { title: t('team.person'), dataIndex: 'assigneeName' },
            { title: t('team.open'), dataIndex: 'open', align: 'right', width: 90 },
            {
              title: t('team.overdue'),
              dataIndex: 'overdue',
              align: 'right',
              width: 90,
              render: (value: number) => (
                <Typography.Text type={value ? 'danger' : undefined}>{value}</Typography.Text>
              ),
            },
            { title: t('team.dueToday'), dataIndex: 'dueToday', align: 'right', width: 90 },
            { title: t('team.doneThisMonth'), dataIndex: 'done', align: 'right', width: 110 },
            {
              title: t('team.onTime'),
              key: 'onTime',
              width: 180,
              render: (_: unknown, row) => {
                const value = rate(row);
                return value === null ? (
                  '—'
                ) : (
                  <Progress percent={value} size="small" status={value < 80 ? 'exception' : 'normal'} />
                );
              },
            },
          ]}
        />
      )}
    </Card>
  );
}
