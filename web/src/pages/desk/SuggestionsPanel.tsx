import { BookOutlined, FileTextOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, Collapse, Empty, List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { desk, type Suggestions } from '../../components/desk/deskApi';
import { useTicketPart } from '../../components/desk/useDesk';
import { errorText } from '../../lib/forms';

/** 标准答案 and 规范用语 that fit the ticket's text: use one and it goes into the reply box. */
export function SuggestionsPanel(props: {
  ticketId: string;
  onInsert: (text: string, templateId?: string) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const suggestions = useTicketPart<Suggestions>(props.ticketId, 'suggestions');
  const useArticle = useMutation({
    mutationFn: (article: Suggestions['articles'][number]) =>
      desk
        .post(`/api/knowledge-articles/${article.id}/use`, { ticketId: props.ticketId })
        .then(() => article),
    onError: (error) => message.error(errorText(t, error)),
  });
  const render = useMutation({
    mutationFn: (templateId: string) =>
      desk.post<{ text: string }>(`/api/response-templates/${templateId}/render`, {
        ticketId: props.ticketId,
      }),
    onSuccess: (answer, templateId) => props.onInsert(answer.text, templateId),
    onError: (error) => message.error(errorText(t, error)),
  });
  const articles = suggestions.data?.articles ?? [];
  const templates = suggestions.data?.templates ?? [];
  if (suggestions.isError)
    return <Typography.Text type="secondary">{errorText(t, suggestions.error)}</Typography.Text>;
  if (!suggestions.isLoading && !articles.length && !templates.length) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('desk.suggestions.none')} />;
  }
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="suggestions">
      {articles.length > 0 && (
        <>
          <Typography.Text strong>
            <BookOutlined /> {t('desk.suggestions.articles')}
          </Typography.Text>
          <Collapse
            size="small"
            items={articles.map((article) => ({
              key: article.id,
              label: article.question,
              children: (
                <>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
                    {article.answer}
                  </Typography.Paragraph>
                  <Button
                    size="small"
                    disabled={props.disabled}
                    onClick={() => {
                      props.onInsert(article.answer);
                      useArticle.mutate(article);
                    }}
                  >
                    {t('desk.suggestions.use')}
                  </Button>
                </>
              ),
            }))}
          />
        </>
      )}
      {templates.length > 0 && (
        <>
          <Typography.Text strong>
            <FileTextOutlined /> {t('desk.suggestions.templates')}
          </Typography.Text>
          <List
            size="small"
            dataSource={templates}
            renderItem={(template) => (
              <List.Item
                key={template.id}
                actions={[
                  <Button
                    key="insert"
                    size="small"
                    disabled={props.disabled}
                    loading={render.isPending && render.variables === template.id}
                    onClick={() => render.mutate(template.id)}
                  >
                    {t('desk.suggestions.insert')}
                  </Button>,
                ]}
              >
                <List.Item.Meta
                  title={template.title}
                  description={
                    template.body ? (
                      <span style={{ fontSize: 12 }}>{template.body.slice(0, 80)}</span>
                    ) : undefined
                  }
                />
              </List.Item>
            )}
          />
        </>
      )}
    </Space>
  );
}
