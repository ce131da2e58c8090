import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Drawer,
  Empty,
  Form,
  Input,
  List,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DrawerFormActions } from '../../components/DrawerFormActions';
import { PageHeader } from '../../components/PageHeader';
import {
  categoryLabel,
  deskApi,
  KNOWLEDGE_TOPICS,
  type KnowledgeArticle,
  type Page,
  useTicketCategories,
} from '../../components/deskadmin/api';
import { useMe } from '../../lib/auth';
import { applyFieldErrors, errorText } from '../../lib/forms';

interface ArticleForm {
  topic: string;
  question: string;
  answer: string;
  tags: string[];
  categoryId?: string | null;
  active: boolean;
}

/** 标准答案库: standard answers to price questions, service explanations, competitor comparisons. */
export function KnowledgePage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const canEdit = me.role === 'admin' || me.role === 'manager';
  const categories = useTicketCategories();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [topic, setTopic] = useState<string>('');
  const [editing, setEditing] = useState<KnowledgeArticle | 'new' | null>(null);
  const [form] = Form.useForm<ArticleForm>();

  const articles = useInfiniteQuery({
    queryKey: ['knowledgeArticles', q, topic],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      deskApi.get<Page<KnowledgeArticle>>('/api/knowledge-articles', {
        q: q || undefined,
        topic: topic || undefined,
        cursor: pageParam,
        limit: 20,
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = articles.data?.pages.flatMap((page) => page.items) ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['knowledgeArticles'] });

  const save = useMutation({
    mutationFn: (values: ArticleForm) => {
      const payload = {
        topic: values.topic,
        question: values.question.trim(),
        answer: values.answer.trim(),
        tags: (values.tags ?? []).map((tag) => tag.trim()).filter(Boolean),
        categoryId: values.categoryId ?? null,
        active: values.active,
      };
      return editing && editing !== 'new'
        ? deskApi.patch('/api/knowledge-articles/{id}', editing.id, { ...payload, version: editing.version })
        : deskApi.post('/api/knowledge-articles', payload);
    },
    onSuccess: () => {
      message.success(t('common.saved'));
      setEditing(null);
      void refresh();
    },
    onError: (error) => {
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });
  const remove = useMutation({
    mutationFn: (article: KnowledgeArticle) =>
      deskApi.delete('/api/knowledge-articles/{id}', article.id, article.version),
    onSuccess: () => {
      message.success(t('deskAdmin.common.deleted'));
      void refresh();
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  const open = (next: KnowledgeArticle | 'new') => {
    form.resetFields();
    form.setFieldsValue(next === 'new' ? { topic: topic || 'service', tags: [], active: true } : { ...next });
    setEditing(next);
  };

  return (
    <>
      <PageHeader
        title={t('deskAdmin.menu.knowledge')}
        crumbs={[{ title: t('deskAdmin.menu.knowledge') }]}
        subTitle={t('deskAdmin.knowledge.subtitle')}
        extra={
          canEdit && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => open('new')}
              data-testid="article-create"
            >
              {t('deskAdmin.knowledge.create')}
            </Button>
          )
        }
      />
      <Card>
        <Space direction="vertical" size={12} style={{ width: '100%', marginBottom: 16 }}>
          <Input.Search
            allowClear
            enterButton={<SearchOutlined />}
            placeholder={t('deskAdmin.knowledge.searchPlaceholder')}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              if (!e.target.value) setQ('');
            }}
            onSearch={(value) => setQ(value.trim())}
            style={{ maxWidth: 560 }}
            data-testid="knowledge-search"
          />
          {/* The topics scroll sideways on a phone instead of widening the page. */}
          <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
            <Segmented
              value={topic}
              onChange={(value) => setTopic(String(value))}
              options={[
                { value: '', label: t('common.all') },
                ...KNOWLEDGE_TOPICS.map((v) => ({ value: v, label: t(`deskAdmin.enum.topic.${v}`) })),
              ]}
            />
          </div>
        </Space>
        <List<KnowledgeArticle>
          data-testid="knowledge-list"
          loading={articles.isLoading}
          dataSource={items}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={q ? t('deskAdmin.knowledge.noMatch') : t('deskAdmin.knowledge.empty')}
              />
            ),
          }}
          itemLayout="vertical"
          renderItem={(article) => (
            <List.Item
              key={article.id}
              data-testid="knowledge-item"
              extra={
                canEdit && (
                  <Space size={0}>
                    <Button type="link" size="small" onClick={() => open(article)}>
                      {t('common.edit')}
                    </Button>
                    <Popconfirm
                      title={t('deskAdmin.common.deleteConfirm')}
                      onConfirm={() => remove.mutate(article)}
                    >
                      <Button type="link" size="small" danger>
                        {t('common.remove')}
                      </Button>
                    </Popconfirm>
                  </Space>
                )
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <Typography.Text strong>{article.question}</Typography.Text>
                    <Tag color="blue">{t(`deskAdmin.enum.topic.${article.topic}`)}</Tag>
                    {!article.active && <Tag>{t('deskAdmin.common.inactive')}</Tag>}
                  </Space>
                }
                description={
                  <Space wrap size={[4, 4]}>
                    {article.tags.map((tag) => (
                      <Tag key={tag} bordered={false}>
                        {tag}
                      </Tag>
                    ))}
                    {article.categoryId && (
                      <Typography.Text type="secondary">
                        {categoryLabel(
                          categories.data?.find((c) => c.id === article.categoryId),
                          i18n.language,
                        )}
                      </Typography.Text>
                    )}
                    <Typography.Text type="secondary">
                      {t('deskAdmin.knowledge.used', { count: article.usageCount })}
                    </Typography.Text>
                  </Space>
                }
              />
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} copyable>
                {article.answer}
              </Typography.Paragraph>
            </List.Item>
          )}
        />
        {articles.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button loading={articles.isFetchingNextPage} onClick={() => articles.fetchNextPage()}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <Drawer
        open={editing !== null}
        width={640}
        title={editing === 'new' ? t('deskAdmin.knowledge.create') : t('deskAdmin.knowledge.edit')}
        onClose={() => setEditing(null)}
        destroyOnHidden
        extra={
          <DrawerFormActions
            onCancel={() => setEditing(null)}
            onSave={() => form.submit()}
            saving={save.isPending}
            testId="article-save"
          />
        }
      >
        <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
          <Form.Item name="topic" label={t('deskAdmin.knowledge.topic')} rules={[{ required: true }]}>
            <Select
              options={KNOWLEDGE_TOPICS.map((v) => ({ value: v, label: t(`deskAdmin.enum.topic.${v}`) }))}
            />
          </Form.Item>
          <Form.Item
            name="question"
            label={t('deskAdmin.knowledge.question')}
            rules={[{ required: true, whitespace: true, message: t('deskAdmin.knowledge.questionRequired') }]}
          >
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Form.Item
            name="answer"
            label={t('deskAdmin.knowledge.answer')}
            rules={[{ required: true, whitespace: true, message: t('deskAdmin.knowledge.answerRequired') }]}
          >
            <Input.TextArea rows={8} maxLength={8000} showCount />
          </Form.Item>
          <Form.Item name="tags" label={t('deskAdmin.knowledge.tags')}>
            <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} />
          </Form.Item>
          <Form.Item name="categoryId" label={t('deskAdmin.knowledge.category')}>
            <Select
              allowClear
              options={(categories.data ?? []).map((c) => ({
                value: c.id,
                label: categoryLabel(c, i18n.language),
              }))}
            />
          </Form.Item>
          <Form.Item name="active" label={t('deskAdmin.common.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Drawer>
    </>
  );
}
