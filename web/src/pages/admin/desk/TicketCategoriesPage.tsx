import { ArrowDownOutlined, ArrowUpOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import { deskApi, type TicketCategory, useTicketCategories } from '../../../components/deskadmin/api';
import { applyFieldErrors, errorText } from '../../../lib/forms';

interface CategoryForm {
  code: string;
  name: string;
  nameEn?: string | null;
  sortOrder?: number;
}

/** 投诉分类: the categories of tickets (延误, 破损 …), their order and whether they can be chosen. */
export function TicketCategoriesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const categories = useTicketCategories(true);
  const [editing, setEditing] = useState<TicketCategory | 'new' | null>(null);
  const [form] = Form.useForm<CategoryForm>();
  const sorted = [...(categories.data ?? [])].sort(
    (a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['ticketCategories'] });

  const save = useMutation({
    mutationFn: async (values: CategoryForm) => {
      const common = {
        name: values.name.trim(),
        nameEn: values.nameEn?.trim() || null,
        sortOrder: values.sortOrder ?? 0,
      };
      if (editing && editing !== 'new') {
        return deskApi.patch('/api/ticket-categories/{id}', editing.id, {
          ...common,
          code: values.code.trim(),
          version: editing.version,
        });
      }
      return deskApi.post('/api/ticket-categories', { ...common, code: values.code.trim() });
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

  const patch = useMutation({
    mutationFn: (change: { category: TicketCategory; body: Partial<TicketCategory> }) =>
      deskApi.patch('/api/ticket-categories/{id}', change.category.id, {
        ...change.body,
        version: change.category.version,
      }),
    onSuccess: () => refresh(),
    onError: (error) => {
      message.error(errorText(t, error));
      void refresh();
    },
  });

  /** Swaps the sort order with the neighbour (both renumbered by their position ×10 first). */
  const move = async (index: number, delta: -1 | 1) => {
    const other = sorted[index + delta];
    const current = sorted[index];
    if (!other || !current) return;
    try {
      await deskApi.patch('/api/ticket-categories/{id}', current.id, {
        sortOrder: (index + delta + 1) * 10,
        version: current.version,
      });
      await deskApi.patch('/api/ticket-categories/{id}', other.id, {
        sortOrder: (index + 1) * 10,
        version: other.version,
      });
      // Renumber the rest so equal orders never stay ambiguous.
      for (const [i, category] of sorted.entries()) {
        if (i === index || i === index + delta || category.sortOrder === (i + 1) * 10) continue;
        await deskApi.patch('/api/ticket-categories/{id}', category.id, {
          sortOrder: (i + 1) * 10,
          version: category.version,
        });
      }
    } catch (error) {
      message.error(errorText(t, error));
    }
    void refresh();
  };

  const open = (next: TicketCategory | 'new') => {
    form.resetFields();
    if (next === 'new') {
      const last = sorted.at(-1)?.sortOrder ?? 0;
      form.setFieldsValue({ sortOrder: last + 10 });
    } else form.setFieldsValue(next);
    setEditing(next);
  };

  return (
    <>
      <PageHeader
        title={t('deskAdmin.menu.categories')}
        crumbs={[{ title: t('menu.admin') }, { title: t('deskAdmin.menu.categories') }]}
        subTitle={t('deskAdmin.categories.subtitle')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => open('new')}
            data-testid="category-create"
          >
            {t('deskAdmin.categories.create')}
          </Button>
        }
      />
      <Card>
        <Table<TicketCategory>
          rowKey="id"
          data-testid="category-table"
          loading={categories.isLoading}
          dataSource={sorted}
          scroll={{ x: 760 }}
          pagination={false}
          columns={[
            {
              title: t('deskAdmin.categories.order'),
              key: 'order',
              width: 110,
              render: (_: unknown, category, index) => (
                <Space size={4}>
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowUpOutlined />}
                    aria-label={t('deskAdmin.categories.moveUp')}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                  />
                  <Button
                    size="small"
                    type="text"
                    icon={<ArrowDownOutlined />}
                    aria-label={t('deskAdmin.categories.moveDown')}
                    disabled={index === sorted.length - 1}
                    onClick={() => move(index, 1)}
                  />
                  <Typography.Text type="secondary">{category.sortOrder}</Typography.Text>
                </Space>
              ),
            },
            {
              title: t('deskAdmin.categories.name'),
              dataIndex: 'name',
              render: (name: string, category) => (
                <Space>
                  <Typography.Text strong>{name}</Typography.Text>
                  {category.nameEn && <Typography.Text type="secondary">{category.nameEn}</Typography.Text>}
                </Space>
              ),
            },
            {
              title: t('deskAdmin.categories.code'),
              dataIndex: 'code',
              width: 160,
              render: (code: string) => <Tag>{code}</Tag>,
            },
            {
              title: t('deskAdmin.common.active'),
              dataIndex: 'active',
              width: 100,
              render: (active: boolean, category) => (
                <Switch
                  size="small"
                  checked={active}
                  aria-label={t('deskAdmin.common.active')}
                  onChange={(checked) => patch.mutate({ category, body: { active: checked } })}
                />
              ),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 90,
              render: (_: unknown, category) => (
                <Button size="small" type="link" onClick={() => open(category)}>
                  {t('common.edit')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('deskAdmin.categories.create') : t('deskAdmin.categories.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={save.isPending}
        okButtonProps={{ 'data-testid': 'category-save' } as never}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
          <Form.Item
            name="code"
            label={t('deskAdmin.categories.code')}
            extra={t('deskAdmin.categories.codeHint')}
            rules={[
              { required: true, message: t('deskAdmin.categories.codeRequired') },
              { pattern: /^[a-z][a-z0-9_]*$/, message: t('deskAdmin.categories.codePattern') },
            ]}
          >
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('deskAdmin.categories.nameZh')}
            rules={[{ required: true, whitespace: true, message: t('deskAdmin.categories.nameRequired') }]}
          >
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('deskAdmin.categories.nameEn')}>
            <Input maxLength={60} />
          </Form.Item>
          <Form.Item name="sortOrder" label={t('deskAdmin.categories.order')}>
            <InputNumber min={0} max={10000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
