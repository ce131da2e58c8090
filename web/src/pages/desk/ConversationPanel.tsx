import { LockOutlined, MessageOutlined, SendOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Empty, Input, Space, Tabs, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { desk, itemsOf, type Page, type Ticket, type TicketMessage } from '../../components/desk/deskApi';
import { useRefreshTicket, useTicketPart } from '../../components/desk/useDesk';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';

export interface Draft {
  kind: 'reply' | 'note';
  body: string;
  templateId?: string;
}

const KIND_STYLE: Record<string, React.CSSProperties> = {
  reply: { background: '#e6f4ff', border: '1px solid #91caff' },
  customer: { background: '#fff', border: '1px solid #d9d9d9' },
  note: { background: '#fffbe6', border: '1px dashed #faad14' },
  system: { background: 'transparent', border: 'none', color: 'rgba(0,0,0,0.45)', padding: '0 0' },
};

/** The conversation: public replies, the customer's messages, internal notes (marked) and status lines. */
export function ConversationPanel(props: { ticket: Ticket; draft: Draft; onDraft: (draft: Draft) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { ticket, draft, onDraft } = props;
  const messages = useTicketPart<Page<TicketMessage> | TicketMessage[]>(ticket.id, 'messages');
  const refresh = useRefreshTicket(ticket.id);
  const send = useMutation({
    mutationFn: () =>
      desk.post(`/api/tickets/${ticket.id}/messages`, {
        kind: draft.kind,
        body: draft.body.trim(),
        ...(draft.templateId ? { templateId: draft.templateId } : {}),
      }),
    onSuccess: () => {
      message.success(
        draft.kind === 'note' ? t('desk.conversation.noteSaved') : t('desk.conversation.replySent'),
      );
      onDraft({ kind: draft.kind, body: '' });
      void refresh();
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  const items = itemsOf(messages.data);
  const closed = ticket.status === 'closed';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {items.length === 0 && !messages.isLoading ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('desk.conversation.empty')} />
      ) : (
        <Timeline
          data-testid="conversation"
          items={items.map((m) => ({
            key: m.id,
            color:
              m.kind === 'note'
                ? 'orange'
                : m.kind === 'customer'
                  ? 'green'
                  : m.kind === 'system'
                    ? 'gray'
                    : 'blue',
            icon: m.kind === 'note' ? <LockOutlined /> : m.kind === 'customer' ? <UserOutlined /> : undefined,
            content: (
              <div className={`ticket-message ticket-message-${m.kind}`} data-kind={m.kind}>
                <Space size={8} style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', marginBottom: 4 }}>
                  <span>{formatDateTime(m.createdAt)}</span>
                  {m.authorName && <span>{m.authorName}</span>}
                  {m.kind !== 'system' && (
                    <Tag color={m.kind === 'note' ? 'gold' : m.kind === 'customer' ? 'green' : 'blue'}>
                      {t(`desk.enum.messageKind.${m.kind}`, { defaultValue: m.kind })}
                    </Tag>
                  )}
                </Space>
                <div
                  style={{
                    ...KIND_STYLE[m.kind],
                    borderRadius: 6,
                    padding: m.kind === 'system' ? 0 : '8px 12px',
                    whiteSpace: 'pre-wrap',
                  }}
                >
                  {m.body}
                </div>
              </div>
            ),
          }))}
        />
      )}
      {!closed && (
        <div data-testid="reply-box">
          <Tabs
            size="small"
            activeKey={draft.kind}
            onChange={(kind) => onDraft({ ...draft, kind: kind as Draft['kind'] })}
            items={[
              {
                key: 'reply',
                label: (
                  <span>
                    <MessageOutlined /> {t('desk.conversation.reply')}
                  </span>
                ),
              },
              {
                key: 'note',
                label: (
                  <span>
                    <LockOutlined /> {t('desk.conversation.note')}
                  </span>
                ),
              },
            ]}
          />
          <Input.TextArea
            rows={4}
            maxLength={8000}
            value={draft.body}
            onChange={(e) => onDraft({ ...draft, body: e.target.value })}
            placeholder={
              draft.kind === 'note'
                ? t('desk.conversation.notePlaceholder')
                : t('desk.conversation.replyPlaceholder')
            }
            style={draft.kind === 'note' ? { background: '#fffbe6' } : undefined}
            data-testid="reply-text"
          />
          <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 8 }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {draft.kind === 'note' ? t('desk.conversation.noteHint') : t('desk.conversation.replyHint')}
            </Typography.Text>
            <Button
              type="primary"
              icon={<SendOutlined />}
              disabled={!draft.body.trim()}
              loading={send.isPending}
              onClick={() => send.mutate()}
              data-testid="reply-send"
            >
              {draft.kind === 'note' ? t('desk.conversation.saveNote') : t('desk.conversation.send')}
            </Button>
          </div>
        </div>
      )}
    </Space>
  );
}
