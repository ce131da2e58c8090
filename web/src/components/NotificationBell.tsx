import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, List, Popover, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { fromNow } from '../lib/time';

/** The header bell: unread notices (SLA warnings, work orders, promises), click to read and open. */
export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const notices = useQuery({
    queryKey: ['notifications'],
    queryFn: () => unwrap(api.GET('/api/notifications', { params: { query: { limit: 20 } } })),
    refetchInterval: 60_000,
  });
  const markRead = useMutation({
    mutationFn: (ids?: string[]) => unwrap(api.POST('/api/notifications/read', { body: ids ? { ids } : {} })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const items = notices.data?.items ?? [];
  const unread = notices.data?.unreadCount ?? 0;

  const content = (
    <div style={{ width: 340, maxWidth: '80vw' }} data-testid="notification-list">
      <div
        style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 8 }}
      >
        <Typography.Text strong>{t('desk.notifications.title')}</Typography.Text>
        {unread > 0 && (
          <Button type="link" size="small" onClick={() => markRead.mutate(undefined)}>
            {t('desk.notifications.markAll')}
          </Button>
        )}
      </div>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('desk.notifications.none')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          style={{ maxHeight: 420, overflow: 'auto' }}
          renderItem={(notice) => (
            <List.Item
              key={notice.id}
              style={{
                cursor: 'pointer',
                background: notice.readAt ? undefined : '#e6f4ff',
                paddingInline: 8,
              }}
              onClick={() => {
                if (!notice.readAt) markRead.mutate([notice.id]);
                setOpen(false);
                if (notice.link) navigate(notice.link);
              }}
              data-testid="notification-item"
            >
              <List.Item.Meta
                title={<span style={{ fontWeight: notice.readAt ? 400 : 600 }}>{notice.title}</span>}
                description={
                  <>
                    {notice.body && <div style={{ fontSize: 12 }}>{notice.body}</div>}
                    <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{fromNow(notice.createdAt)}</div>
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );

  return (
    <Popover content={content} trigger="click" open={open} onOpenChange={setOpen} placement="bottomRight">
      <Button type="text" aria-label={t('desk.notifications.title')} data-testid="notification-bell">
        <Badge count={unread} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}
