import { Card, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/time';
import { EXCEPTION_EVENT_CODES, type TimelineRow, type TrackingEvent } from './api';
import { EventTime } from './parts';

function EventCell({ event }: { event: TrackingEvent | null | undefined }) {
  if (!event) return <span style={{ color: 'rgba(0,0,0,0.25)' }}>—</span>;
  return <EventTime time={event.eventTime} text={event.eventTimeText} />;
}

function SourceNote({ event }: { event: TrackingEvent | null | undefined }) {
  if (!event) return null;
  return (
    <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
      {event.source}
    </Typography.Text>
  );
}

/**
 * 货物追踪节点: one row per milestone with what was planned, estimated and what happened side by
 * side (GET /api/shipments/:id/events `timeline`); times in the place's own offset and the display zone.
 */
export function MilestoneTimeline({ rows, loading }: { rows: TimelineRow[]; loading: boolean }) {
  const { t } = useTranslation();
  return (
    <Card title={t('shipments.timeline.title')} size="small" data-testid="milestone-timeline">
      <Table<TimelineRow>
        rowKey={(row) => `${row.eventCode}-${row.location ?? ''}`}
        size="small"
        pagination={false}
        loading={loading}
        dataSource={rows}
        scroll={{ x: 760 }}
        locale={{ emptyText: t('shipments.timeline.empty') }}
        rowClassName={(row) => (row.actual.length ? 'milestone-done' : 'milestone-pending')}
        columns={[
          {
            title: t('shipments.timeline.milestone'),
            key: 'milestone',
            width: 200,
            render: (_: unknown, row) => {
              const exception = EXCEPTION_EVENT_CODES.includes(row.eventCode);
              const name = row.locationName ?? row.actual[0]?.locationName ?? row.estimated?.locationName;
              return (
                <div data-testid={`milestone-${row.eventCode}`}>
                  <Tag color={exception ? 'error' : row.actual.length ? 'success' : 'default'}>
                    {t(`shipments.eventCode.${row.eventCode}`, { defaultValue: row.eventCode })}
                  </Tag>
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {[row.location, name].filter(Boolean).join(' · ') || '—'}
                  </Typography.Text>
                </div>
              );
            },
          },
          {
            title: t('shipments.classifier.PLN'),
            key: 'planned',
            render: (_: unknown, row) => <EventCell event={row.planned} />,
          },
          {
            title: t('shipments.classifier.EST'),
            key: 'estimated',
            render: (_: unknown, row) => (
              <div>
                <EventCell event={row.estimated} />
                <SourceNote event={row.estimated} />
              </div>
            ),
          },
          {
            title: t('shipments.classifier.ACT'),
            key: 'actual',
            render: (_: unknown, row) =>
              row.actual.length === 0 ? (
                <EventCell event={null} />
              ) : (
                <div data-testid="milestone-actual">
                  {row.actual.map((event, i) => (
                    <div key={event.id ?? i}>
                      <EventCell event={event} />
                      <SourceNote event={event} />
                    </div>
                  ))}
                </div>
              ),
          },
        ]}
      />
    </Card>
  );
}

/** 原始事件: every stored event as received, retractions included, with the raw payload on demand. */
export function RawEventsTable({ events, loading }: { events: TrackingEvent[]; loading: boolean }) {
  const { t } = useTranslation();
  return (
    <Card title={t('shipments.events.title')} size="small" data-testid="raw-events">
      <Table<TrackingEvent>
        rowKey={(e) => e.id ?? `${e.source}-${e.sourceEventId}`}
        size="small"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        loading={loading}
        dataSource={events}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t('shipments.timeline.empty') }}
        expandable={{
          rowExpandable: (e) => e.raw !== undefined && e.raw !== null,
          expandedRowRender: (e) => (
            <pre style={{ margin: 0, maxHeight: 320, overflow: 'auto', fontSize: 12 }}>
              {typeof e.raw === 'string' ? e.raw : JSON.stringify(e.raw, null, 2)}
            </pre>
          ),
        }}
        columns={[
          {
            title: t('shipments.events.code'),
            key: 'code',
            width: 170,
            render: (_: unknown, e) => (
              <span style={e.retracted ? { textDecoration: 'line-through' } : undefined}>
                {t(`shipments.eventCode.${e.eventCode}`, { defaultValue: e.eventCode })}
                {e.sourceCode && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {' '}
                    ({e.sourceCode})
                  </Typography.Text>
                )}
              </span>
            ),
          },
          {
            title: t('shipments.events.classifier'),
            dataIndex: 'classifier',
            width: 80,
            render: (c: string) => (
              <Tooltip title={t(`shipments.classifier.${c}`, { defaultValue: c })}>{c}</Tooltip>
            ),
          },
          {
            title: t('shipments.events.time'),
            key: 'time',
            width: 200,
            render: (_: unknown, e) => <EventTime time={e.eventTime} text={e.eventTimeText} />,
          },
          {
            title: t('shipments.events.location'),
            dataIndex: 'location',
            width: 90,
            render: (v) => v ?? '—',
          },
          { title: t('shipments.events.source'), dataIndex: 'source', width: 120 },
          { title: t('shipments.events.sourceEventId'), dataIndex: 'sourceEventId', ellipsis: true },
          {
            title: t('shipments.events.received'),
            dataIndex: 'receivedAt',
            width: 150,
            render: (v: string | null) => formatDateTime(v),
          },
          {
            title: '',
            key: 'state',
            width: 80,
            render: (_: unknown, e) => (e.retracted ? <Tag>{t('shipments.events.retracted')}</Tag> : null),
          },
        ]}
      />
    </Card>
  );
}
