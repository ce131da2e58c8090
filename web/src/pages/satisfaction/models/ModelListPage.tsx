import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../../../components/PageHeader';
import {
  canEditModels,
  modelKeys,
  modelsApi,
  type SatisfactionModel,
  useModels,
} from '../../../components/satmodels/api';
import { useMe } from '../../../lib/auth';
import { applyFieldErrors, errorText } from '../../../lib/forms';
import { formatDateTime } from '../../../lib/time';

interface CreateForm {
  name: string;
  description?: string;
  copyFromModelId?: string | null;
}

/** 测评指标体系: the models with their current version and answers; create (as a copy), archive. */
export function ModelListPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const me = useMe();
  const editable = canEditModels(me.role);
  const models = useModels();
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<CreateForm>();
  const items = models.data?.items ?? [];
  const defaultModel = items.find((model) => model.isDefault) ?? items[0];

  const create = useMutation({
    mutationFn: (values: CreateForm) =>
      modelsApi.create({
        name: values.name.trim(),
        description: values.description?.trim() || undefined,
        copyFromModelId: values.copyFromModelId || undefined,
      }),
    onSuccess: (model) => {
      message.success(t('common.saved'));
      setCreating(false);
      void queryClient.invalidateQueries({ queryKey: modelKeys.all });
      navigate(`/satisfaction/models/${model.id}`);
    },
    onError: (error) => {
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });

  const setStatus = useMutation({
    mutationFn: (change: { model: SatisfactionModel; status: 'active' | 'archived' }) =>
      modelsApi.update(change.model.id, { status: change.status }),
    onSuccess: () => {
      message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: modelKeys.all });
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <>
      <PageHeader
        title={t('satisfaction.menu.models')}
        crumbs={[{ title: t('satisfaction.menu.group') }, { title: t('satisfaction.menu.models') }]}
        subTitle={t('satModels.list.subtitle')}
        extra={
          editable && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="model-create"
            >
              {t('satModels.list.create')}
            </Button>
          )
        }
      />
      <Card>
        <Table<SatisfactionModel>
          rowKey="id"
          data-testid="model-table"
          loading={models.isLoading}
          dataSource={items}
          pagination={false}
          scroll={{ x: 900 }}
          columns={[
            {
              title: t('satModels.list.name'),
              dataIndex: 'name',
              render: (value: string, model) => (
                <Space orientation="vertical" size={0}>
                  <Space size={4}>
                    <Link to={`/satisfaction/models/${model.id}`} data-testid="model-link">
                      {value}
                    </Link>
                    {model.isDefault && <Tag color="gold">{t('satModels.list.default')}</Tag>}
                  </Space>
                  {model.description && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {model.description}
                    </Typography.Text>
                  )}
                </Space>
              ),
            },
            {
              title: t('satModels.list.version'),
              key: 'version',
              width: 110,
              render: (_: unknown, model) =>
                model.currentVersion
                  ? t('satModels.list.versionN', { version: model.currentVersion.version })
                  : '—',
            },
            {
              title: t('satModels.list.items'),
              key: 'items',
              width: 100,
              align: 'right',
              render: (_: unknown, model) => {
                const nodes = model.currentVersion?.nodes ?? [];
                return (
                  nodes.filter((node) => !nodes.some((child) => child.parentKey === node.key)).length || '—'
                );
              },
            },
            {
              title: t('satModels.list.answers'),
              key: 'answers',
              width: 110,
              align: 'right',
              render: (_: unknown, model) => model.currentVersion?.answerCount ?? 0,
            },
            {
              title: t('satModels.list.status'),
              dataIndex: 'status',
              width: 100,
              render: (status: string) => (
                <Tag color={status === 'active' ? 'green' : 'default'}>{t(`satModels.status.${status}`)}</Tag>
              ),
            },
            {
              title: t('satModels.list.updatedAt'),
              dataIndex: 'updatedAt',
              width: 170,
              render: (value: string) => formatDateTime(value),
            },
            ...(editable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 110,
                    render: (_: unknown, model: SatisfactionModel) =>
                      model.status === 'active' ? (
                        <Popconfirm
                          title={t('satModels.list.archiveConfirm')}
                          onConfirm={() => setStatus.mutate({ model, status: 'archived' })}
                          okText={t('satModels.list.archive')}
                          cancelText={t('common.cancel')}
                          disabled={model.isDefault}
                        >
                          <Button size="small" type="link" disabled={model.isDefault}>
                            {t('satModels.list.archive')}
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Button
                          size="small"
                          type="link"
                          onClick={() => setStatus.mutate({ model, status: 'active' })}
                        >
                          {t('satModels.list.restore')}
                        </Button>
                      ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Modal
        open={creating}
        title={t('satModels.list.create')}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        okButtonProps={{ 'data-testid': 'model-create-save' } as never}
        destroyOnHidden
      >
        <Form<CreateForm>
          form={form}
          layout="vertical"
          initialValues={{ copyFromModelId: defaultModel?.id ?? null }}
          onFinish={(values) => create.mutate(values)}
        >
          <Form.Item
            name="name"
            label={t('satModels.list.name')}
            rules={[{ required: true, whitespace: true, message: t('satModels.list.nameRequired') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="description" label={t('satModels.list.description')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Form.Item
            name="copyFromModelId"
            label={t('satModels.list.copyFrom')}
            extra={t('satModels.list.copyFromHint')}
          >
            <Select
              allowClear
              placeholder={t('satModels.list.copyNone')}
              options={items.map((model) => ({ value: model.id, label: model.name }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
