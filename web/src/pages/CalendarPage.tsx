import { useQuery } from '@tanstack/react-query';
import { Alert, Badge, Calendar, Card, Drawer, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { FollowUpTable } from '../components/followups/FollowUpTable';
import type { FollowUp } from '../components/followups/useFollowUpActions';
import { PageHeader } from '../components/PageHeader';
import { UserSelect } from '../components/selects';
import { useMe } from '../lib/auth';
import { errorText } from '../lib/forms';
import { dayjs, local } from '../lib/time';

type StatusFilter = 'open' | 'done' | 'all';

/** The agent's (or, for supervisors, a colleague's) follow-ups on a month grid. */
export function CalendarPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [month, setMonth] = useState<Dayjs>(dayjs());
  const [assigneeId, setAssigneeId] = useState<string>(me.id);
  const [status, setStatus] = useState<StatusFilter>('all');
  const [openDay, setOpenDay] = useState<string | null>(null);
  const canPickAssignee = me.role === 'supervisor' || me.role === 'manager' || me.role === 'admin';

  // The grid shows six weeks around the month; ask for exactly those days.
  const from = month.startOf('month').startOf('week').format('YYYY-MM-DD');
  const to = month.startOf('month').startOf('week').add(41, 'day').format('YYYY-MM-DD');
  const calendar = useQuery({
    queryKey: ['calendar', from, to, assigneeId, status],
    queryFn: () =>
      unwrap(
        api.GET('/api/follow-ups/calendar', {
          params: { query: { from, to, assigneeId, status: status === 'all' ? undefined : status } },
        }),
      ),
    placeholderData: (previous) => previous,
  });

  const byDay = useMemo(() => {
    const map = new Map<string, FollowUp[]>();
    for (const item of (calendar.data?.items ?? []) as FollowUp[]) {
      const day = local(item.dueAt).format('YYYY-MM-DD');
      const list = map.get(day) ?? [];
      list.push(item);
      map.set(day, list);
    }
    return map;
  }, [calendar.data]);

  const dayItems = openDay ? (byDay.get(openDay) ?? []) : [];

  return (
    <>
      <PageHeader
        title={t('menu.calendar')}
        crumbs={[{ title: t('menu.calendar') }]}
        subTitle={t('calendar.subtitle')}
        extra={
          <Space>
            {canPickAssignee && (
              <UserSelect
                style={{ width: 180 }}
                value={assigneeId}
                onChange={(value) => setAssigneeId(value ?? me.id)}
                roles={['agent', 'supervisor', 'admin', 'operations']}
              />
            )}
            <Select<StatusFilter>
              style={{ width: 120 }}
              value={status}
              onChange={setStatus}
              options={[
                { value: 'all', label: t('common.all') },
                { value: 'open', label: t('enum.followUpStatus.open') },
                { value: 'done', label: t('enum.followUpStatus.done') },
              ]}
            />
          </Space>
        }
      />
      <Card>
        {calendar.isError && (
          <Alert type="error" showIcon title={errorText(t, calendar.error)} style={{ marginBottom: 12 }} />
        )}
        {calendar.data?.truncated && (
          <Alert type="warning" showIcon title={t('calendar.truncated')} style={{ marginBottom: 12 }} />
        )}
        <Calendar
          value={month}
          onPanelChange={(value) => setMonth(value)}
          onSelect={(value, info) => {
            setMonth(value);
            if (info.source === 'date') setOpenDay(value.format('YYYY-MM-DD'));
          }}
          cellRender={(date, info) => {
            if (info.type !== 'date') return info.originNode;
            const items = byDay.get(date.format('YYYY-MM-DD')) ?? [];
            if (!items.length) return null;
            return (
              <ul className="calendar-cell-list">
                {items.slice(0, 3).map((item) => (
                  <li key={item.id} title={`${item.customerName} · ${item.title}`}>
                    <Badge
                      status={
                        item.status === 'done'
                          ? 'success'
                          : item.status === 'cancelled'
                            ? 'default'
                            : item.overdue
                              ? 'error'
                              : 'processing'
                      }
                      text={
                        <span style={{ fontSize: 12 }}>
                          {local(item.dueAt).format('HH:mm')} {item.customerName}
                        </span>
                      }
                    />
                  </li>
                ))}
                {items.length > 3 && (
                  <li>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('calendar.more', { count: items.length - 3 })}
                    </Typography.Text>
                  </li>
                )}
              </ul>
            );
          }}
        />
      </Card>
      <Drawer
        title={
          openDay ? t('calendar.dayTitle', { date: dayjs(openDay).format(t('calendar.dayFormat')) }) : ''
        }
        open={openDay !== null}
        onClose={() => setOpenDay(null)}
        size={900}
      >
        {dayItems.length ? (
          <FollowUpTable items={dayItems} showCustomer />
        ) : (
          <Typography.Text type="secondary">{t('calendar.nothing')}</Typography.Text>
        )}
      </Drawer>
    </>
  );
}
