import {
  CalendarOutlined,
  CheckCircleOutlined,
  ClockCircleOutlined,
  CloseCircleOutlined,
  CommentOutlined,
  EditOutlined,
  FileAddOutlined,
  InboxOutlined,
  MailOutlined,
  MergeCellsOutlined,
  MessageOutlined,
  PhoneOutlined,
  SafetyCertificateOutlined,
  SwapOutlined,
  TeamOutlined,
  UserAddOutlined,
  WechatOutlined,
} from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Empty, Skeleton, Space, Tag, Timeline, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../../api/client';
import { useDepartmentName } from '../../../components/selects';
import { errorText } from '../../../lib/forms';
import { formatDateTime, fromNow } from '../../../lib/time';

type Entry = ResponseOf<'/api/customers/{id}/timeline', 'get'>['items'][number];

const CHANNEL_ICONS: Record<string, ReactNode> = {
  phone: <PhoneOutlined />,
  email: <MailOutlined />,
  wechat: <WechatOutlined />,
  visit: <TeamOutlined />,
  meeting: <TeamOutlined />,
  sms: <MessageOutlined />,
  portal: <CommentOutlined />,
};

/** Icon and colour per kind of record; unknown kinds (later modules) get a neutral clock. */
function look(entry: Entry): { icon: ReactNode; color: string } {
  const kind = entry.kind;
  const channel = typeof entry.detail.channel === 'string' ? entry.detail.channel : undefined;
  if (kind.startsWith('interaction'))
    return { icon: (channel && CHANNEL_ICONS[channel]) ?? <CommentOutlined />, color: 'blue' };
  if (kind.startsWith('follow_up') || kind.startsWith('followup')) {
    if (kind.endsWith('completed') || kind.endsWith('done'))
      return { icon: <CheckCircleOutlined />, color: 'green' };
    if (kind.endsWith('cancelled')) return { icon: <CloseCircleOutlined />, color: 'gray' };
    return { icon: <CalendarOutlined />, color: 'orange' };
  }
  if (kind.includes('transfer') || kind.includes('owner')) return { icon: <SwapOutlined />, color: 'purple' };
  if (kind.includes('merge')) return { icon: <MergeCellsOutlined />, color: 'purple' };
  if (kind.includes('verif')) return { icon: <SafetyCertificateOutlined />, color: 'green' };
  if (kind.includes('archiv')) return { icon: <InboxOutlined />, color: 'gray' };
  if (kind.startsWith('contact')) return { icon: <UserAddOutlined />, color: 'cyan' };
  if (kind.endsWith('created')) return { icon: <FileAddOutlined />, color: 'blue' };
  if (kind.endsWith('updated') || kind.includes('stage')) return { icon: <EditOutlined />, color: 'gray' };
  return { icon: <ClockCircleOutlined />, color: 'gray' };
}

/** Short lines from the entry's detail that say what happened, without dumping the record. */
function detailLines(entry: Entry): { label: string; text: string }[] {
  const d = entry.detail as Record<string, unknown>;
  const lines: { label: string; text: string }[] = [];
  for (const key of ['summary', 'outcome', 'nextStep', 'result', 'reason', 'notes']) {
    const value = d[key];
    // Interaction titles already carry the (short) summary.
    if (typeof value === 'string' && value.trim() && !entry.title.includes(value)) {
      lines.push({ label: key, text: value });
    }
  }
  return lines;
}

export function TimelineTab({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const departmentName = useDepartmentName();
  const timeline = useInfiniteQuery({
    queryKey: ['timeline', customerId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/customers/{id}/timeline', {
          params: { path: { id: customerId }, query: { limit: 30, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = timeline.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Card
      title={t('customer.tabs.timeline')}
      extra={<Typography.Text type="secondary">{t('timeline.hint')}</Typography.Text>}
    >
      {timeline.isLoading && <Skeleton active />}
      {timeline.isError && <Typography.Text type="danger">{errorText(t, timeline.error)}</Typography.Text>}
      {!timeline.isLoading && entries.length === 0 && <Empty description={t('timeline.empty')} />}
      {entries.length > 0 && (
        <Timeline
          data-testid="timeline"
          items={entries.map((entry) => {
            const { icon, color } = look(entry);
            const group = entry.kind.split('.')[0];
            return {
              key: entry.id,
              color,
              icon,
              content: (
                <div className="timeline-entry" data-kind={entry.kind}>
                  <Space size={8} wrap>
                    <Typography.Text strong>{entry.title}</Typography.Text>
                    <Tag color={color === 'gray' ? 'default' : color}>
                      {t(`timeline.group.${group}`, { defaultValue: group })}
                    </Tag>
                  </Space>
                  {detailLines(entry).map((line) => (
                    <div key={line.label} style={{ marginTop: 4 }}>
                      <Typography.Text type="secondary">
                        {t(`timeline.detail.${line.label}`)}：
                      </Typography.Text>
                      <Typography.Text>{line.text}</Typography.Text>
                    </div>
                  ))}
                  <div className="timeline-meta" style={{ marginTop: 4 }}>
                    <Tooltip title={fromNow(entry.at)}>{formatDateTime(entry.at)}</Tooltip>
                    {entry.actorName && <> · {entry.actorName}</>}
                    {entry.departmentId && <> · {departmentName(entry.departmentId)}</>}
                  </div>
                </div>
              ),
            };
          })}
        />
      )}
      {timeline.hasNextPage && (
        <div className="table-load-more">
          <Button onClick={() => timeline.fetchNextPage()} loading={timeline.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </Card>
  );
}
