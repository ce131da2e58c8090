import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Drawer,
  Form,
  Input,
  List,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DrawerFormActions } from '../../../components/DrawerFormActions';
import { PageHeader } from '../../../components/PageHeader';
import {
  categoryLabel,
  deskApi,
  type Page,
  type ResponseTemplate,
  TEMPLATE_KINDS,
  useTicketCategories,
} from '../../../components/deskadmin/api';
import { applyFieldErrors, errorText } from '../../../lib/forms';

interface Placeholder {
  name: string;
  label: string;
  example: string;
}

/** The placeholders of the contract, used until the server's list has loaded. */
const KNOWN = [
  'customer.name',
  'contact.name',
  'ticket.number',
  'ticket.subject',
  'ticket.category',
  'agent.name',
  'today',
];
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function renderPreview(body: string, values: Record<string, string>): string {
  return body.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

interface TemplateForm {
  categoryId?: string | null;
  kind: string;
  title: string;
  body: string;
  active: boolean;
}

/** 规范用语: reply templates per category and kind with placeholders filled from the ticket. */
export function TemplatesPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const categories = useTicketCategories(true);
  const [filter, setFilter] = useState<{ categoryId?: string; kind?: string }>({});
  const [editing, setEditing] = useState<ResponseTemplate | 'new' | null>(null);
  const [form] = Form.useForm<TemplateForm>();
  const body = Form.useWatch('body', form) ?? '';

  const templates = useQuery({
    queryKey: ['responseTemplates', filter],
    queryFn: async () => (await deskApi.get<Page<ResponseTemplate>>('/api/response-templates', filter)).items,
  });
  const placeholders = useQuery({
    queryKey: ['templatePlaceholders'],
    queryFn: async () => {
      const answer = await deskApi.get<Placeholder[] | { items: Placeholder[] }>(
        '/api/response-templates/placeholders',
      );
      return Array.isArray(answer) ? answer : answer.items;
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const helpList = useMemo<Placeholder[]>(() => {
    if (placeholders.data?.length) return placeholders.data;
    return KNOWN.map((name) => ({
      name,
      label: t(`deskAdmin.templates.placeholder.${name.replace('.', '_')}`),
      example: t(`deskAdmin.templates.sample.${name.replace('.', '_')}`),
    }));
  }, [placeholders.data, t]);
  const samples = useMemo(
    () =>
      Object.fromEntries(
        helpList.map((p) => [
          p.name,
          t(`deskAdmin.templates.sample.${p.name.replace('.', '_')}`, { defaultValue: p.example }),
        ]),
      ),
    [helpList, t],
  );
  const byCategory = useMemo(() => new Map((categories.data ?? []).map((c) => [c.id, c])), [categories.data]);
  const categoryOptions = (categories.data ?? []).map((c) => ({
    value: c.id,
    label: categoryLabel(c, i18n.language),
  }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['responseTemplates'] });

  const save = useMutation({
    mutationFn: (values: TemplateForm) => {
      const payload = {
        categoryId: values.categoryId ?? null,
        kind: values.kind,
        title: values.title.trim(),
        body: values.body,
        active: values.active,
      };
      return editing && editing !== 'new'
        ? deskApi.patch('/api/response-templates/{id}', editing.id, { ...payload, version: editing.version })
        : deskApi.post('/api/response-templates', payload);
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
    mutationFn: (template: ResponseTemplate) =>
      deskApi.delete('/api/response-templates/{id}', template.id, template.version),
    onSuccess: () => {
      message.success(t('deskAdmin.common.deleted'));
      void refresh();
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  const open = (next: ResponseTemplate | 'new') => {
    form.resetFields();
    form.setFieldsValue(
      next === 'new'
        ? { kind: 'apology', active: true, categoryId: filter.categoryId ?? null, body: '' }
        : { ...next },
    );
    setEditing(next);
  };

  const insert = (name: string) => {
    const current: string = form.getFieldValue('body') ?? '';
    form.setFieldsValue({ body: `${current}{{${name}}}` });
  };

  return (
    <>
      <PageHeader
        title={t('deskAdmin.menu.templates')}
        crumbs={[{ title: t('menu.admin') }, { title: t('deskAdmin.menu.templates') }]}
        subTitle={t('deskAdmin.templates.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => open('new')}
            data-testid="template-create"
          >
            {t('deskAdmin.templates.create')}
          </Button>
        }
      />
      <Card>
        <Space style={{ marginBottom: 16 }} wrap>
          <Select
            allowClear
            style={{ width: 200 }}
            placeholder={t('deskAdmin.templates.category')}
            options={categoryOptions}
            value={filter.categoryId}
            onChange={(categoryId) => setFilter((f) => ({ ...f, categoryId }))}
          />
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('deskAdmin.templates.kind')}
            options={TEMPLATE_KINDS.map((k) => ({ value: k, label: t(`deskAdmin.enum.templateKind.${k}`) }))}
            value={filter.kind}
            onChange={(kind) => setFilter((f) => ({ ...f, kind }))}
          />
        </Space>
        <Table<ResponseTemplate>
          rowKey="id"
          data-testid="template-table"
          loading={templates.isLoading}
          dataSource={templates.data}
          scroll={{ x: 860 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          expandable={{
            expandedRowRender: (template) => (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
                {template.body}
              </Typography.Paragraph>
            ),
          }}
          columns={[
            {
              title: t('deskAdmin.templates.title'),
              dataIndex: 'title',
              render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
            },
            {
              title: t('deskAdmin.templates.category'),
              dataIndex: 'categoryId',
              render: (id: string | null) =>
                id ? (
                  categoryLabel(byCategory.get(id), i18n.language)
                ) : (
                  <Typography.Text type="secondary">{t('deskAdmin.templates.allCategories')}</Typography.Text>
                ),
            },
            {
              title: t('deskAdmin.templates.kind'),
              dataIndex: 'kind',
              render: (v: string) => <Tag>{t(`deskAdmin.enum.templateKind.${v}`)}</Tag>,
            },
            { title: t('deskAdmin.common.usage'), dataIndex: 'usageCount', width: 90 },
            {
              title: t('deskAdmin.common.active'),
              dataIndex: 'active',
              width: 80,
              render: (v: boolean) =>
                v ? (
                  <Tag color="success">{t('deskAdmin.common.yes')}</Tag>
                ) : (
                  <Tag>{t('deskAdmin.common.no')}</Tag>
                ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 130,
              render: (_: unknown, template) => (
                <Space size={0}>
                  <Button type="link" size="small" onClick={() => open(template)}>
                    {t('common.edit')}
                  </Button>
                  <Popconfirm
                    title={t('deskAdmin.common.deleteConfirm')}
                    onConfirm={() => remove.mutate(template)}
                  >
                    <Button type="link" size="small" danger>
                      {t('common.remove')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Drawer
        open={editing !== null}
        width={860}
        title={editing === 'new' ? t('deskAdmin.templates.create') : t('deskAdmin.templates.edit')}
        onClose={() => setEditing(null)}
        destroyOnHidden
        extra={
          <DrawerFormActions
            onCancel={() => setEditing(null)}
            onSave={() => form.submit()}
            saving={save.isPending}
            testId="template-save"
          />
        }
      >
        <Row gutter={24}>
          <Col span={15}>
            <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item name="categoryId" label={t('deskAdmin.templates.category')}>
                    <Select
                      allowClear
                      placeholder={t('deskAdmin.templates.allCategories')}
                      options={categoryOptions}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="kind" label={t('deskAdmin.templates.kind')} rules={[{ required: true }]}>
                    <Select
                      options={TEMPLATE_KINDS.map((k) => ({
                        value: k,
                        label: t(`deskAdmin.enum.templateKind.${k}`),
                      }))}
                    />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item
                name="title"
                label={t('deskAdmin.templates.title')}
                rules={[
                  { required: true, whitespace: true, message: t('deskAdmin.templates.titleRequired') },
                ]}
              >
                <Input maxLength={200} />
              </Form.Item>
              <Form.Item
                name="body"
                label={t('deskAdmin.templates.body')}
                rules={[{ required: true, whitespace: true, message: t('deskAdmin.templates.bodyRequired') }]}
              >
                <Input.TextArea rows={8} maxLength={4000} showCount />
              </Form.Item>
              <Form.Item name="active" label={t('deskAdmin.common.active')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Form>
            <Typography.Title level={5}>{t('deskAdmin.templates.preview')}</Typography.Title>
            <Card size="small" style={{ background: '#fafafa' }} data-testid="template-preview">
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
                {body ? renderPreview(body, samples) : <Typography.Text type="secondary">—</Typography.Text>}
              </Typography.Paragraph>
            </Card>
          </Col>
          <Col span={9}>
            <Typography.Title level={5}>{t('deskAdmin.templates.placeholders')}</Typography.Title>
            <Typography.Paragraph type="secondary">
              {t('deskAdmin.templates.placeholdersHint')}
            </Typography.Paragraph>
            <List
              size="small"
              bordered
              dataSource={helpList}
              renderItem={(p) => (
                <List.Item
                  actions={[
                    <Button key="insert" size="small" type="link" onClick={() => insert(p.name)}>
                      {t('deskAdmin.templates.insert')}
                    </Button>,
                  ]}
                >
                  <List.Item.Meta
                    title={<Typography.Text code>{`{{${p.name}}}`}</Typography.Text>}
                    description={`${t(`deskAdmin.templates.placeholder.${p.name.replace('.', '_')}`, { defaultValue: p.label })} · ${samples[p.name] ?? p.example}`}
                  />
                </List.Item>
              )}
            />
          </Col>
        </Row>
      </Drawer>
    </>
  );
}
