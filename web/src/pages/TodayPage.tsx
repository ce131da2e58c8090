import { CheckCircleOutlined, ClockCircleOutlined, ExclamationCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Space, Statistic, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { FollowUpTable } from '../components/followups/FollowUpTable';
import type { FollowUp } from '../components/followups/useFollowUpActions';
import { PageHeader } from '../components/PageHeader';
import { UserSelect } from '../components/selects';
import { useMe } from '../lib/auth';
import { errorText } from '../lib/forms';
import { local } from '../lib/time';
import { TeamStatsCard } from './TeamStatsCard';

/** 我的任务: what the agent must do today — overdue first, then due today, and what is done. */
export function TodayPage() {
  const { t } = useTranslation();
  const me = useMe();
  const leads = me.role === 'supervisor' || me.role === 'manager' || me.role === 'admin';
  const [assigneeId, setAssigneeId] = useState<string>(me.id);
  const [teamId, setTeamId] = useState<string | undefined>();
  const today = useQuery({
    queryKey: ['today', assigneeId],
    queryFn: () =>
      unwrap(
        api.GET('/api/follow-ups/today', {
          params: { query: { assigneeId: assigneeId === me.id ? undefined : assigneeId } },
        }),
      ),
    refetchInterval: 5 * 60_000,
  });
  const data = today.data;
  const overdue = (data?.overdue ?? []) as FollowUp[];
  const dueToday = (data?.dueToday ?? []) as FollowUp[];
  const doneToday = (data?.doneToday ?? []) as FollowUp[];
  const hour = Number(local(new Date()).format('H'));
  const greeting = hour < 11 ? 'morning' : hour < 14 ? 'noon' : hour < 18 ? 'afternoon' : 'evening';

  return (
    <>
      <PageHeader
        title={t('today.title')}
        crumbs={[{ title: t('menu.today') }]}
        extra={
          leads && (
            <Space>
              <Typography.Text type="secondary">{t('today.viewOf')}</Typography.Text>
              <UserSelect
                style={{ width: 200 }}
                value={assigneeId}
                onChange={(value) => setAssigneeId(value ?? me.id)}
                roles={['agent', 'supervisor', 'admin', 'operations', 'manager']}
              />
            </Space>
          )
        }
        subTitle={
          <>
            {t(`today.greeting.${greeting}`, { name: me.name })}
            {data && <> · {local(`${data.date}T12:00:00+08:00`).format(t('today.dateFormat'))}</>}
          </>
        }
      />
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col xs={24} md={8}>
          <Card className="stat-card" loading={today.isLoading}>
            <Statistic
              title={t('today.overdue')}
              value={data?.counts.overdue ?? 0}
              prefix={<ExclamationCircleOutlined />}
              styles={{ content: { color: (data?.counts.overdue ?? 0) > 0 ? '#cf1322' : undefined } }}
              data-testid="count-overdue"
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card className="stat-card" loading={today.isLoading}>
            <Statistic
              title={t('today.dueToday')}
              value={data?.counts.dueToday ?? 0}
              prefix={<ClockCircleOutlined />}
              styles={{ content: { color: '#1677ff' } }}
              data-testid="count-due-today"
            />
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card className="stat-card" loading={today.isLoading}>
            <Statistic
              title={t('today.doneToday')}
              value={data?.counts.doneToday ?? 0}
              prefix={<CheckCircleOutlined />}
              styles={{ content: { color: '#389e0d' } }}
              data-testid="count-done-today"
            />
          </Card>
        </Col>
      </Row>
      {today.isError && <Typography.Text type="danger">{errorText(t, today.error)}</Typography.Text>}
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {leads && assigneeId === me.id && <TeamStatsCard teamId={teamId} onTeamChange={setTeamId} />}
        {overdue.length > 0 && (
          <Card
            title={
              <Space>
                <ExclamationCircleOutlined style={{ color: '#cf1322' }} />
                {t('today.overdueList')}
              </Space>
            }
            extra={<Link to="/calendar">{t('today.openCalendar')}</Link>}
          >
            <FollowUpTable items={overdue} showCustomer testId="overdue-table" />
          </Card>
        )}
        <Card
          title={
            <Space>
              <ClockCircleOutlined style={{ color: '#1677ff' }} />
              {t('today.dueTodayList')}
            </Space>
          }
          extra={overdue.length === 0 && <Link to="/calendar">{t('today.openCalendar')}</Link>}
        >
          {dueToday.length ? (
            <FollowUpTable items={dueToday} showCustomer testId="due-today-table" />
          ) : (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={overdue.length ? t('today.nothingDue') : t('today.allClear')}
            />
          )}
        </Card>
        {doneToday.length > 0 && (
          <Card
            title={
              <Space>
                <CheckCircleOutlined style={{ color: '#389e0d' }} />
                {t('today.doneTodayList')}
              </Space>
            }
          >
            <FollowUpTable items={doneToday} showCustomer testId="done-today-table" />
          </Card>
        )}
      </Space>
    </>
  );
}
