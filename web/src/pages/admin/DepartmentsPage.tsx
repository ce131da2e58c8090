import { ApartmentOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import {
  type Department,
  type DepartmentNode,
  departmentTree,
  useDepartments,
  useUsers,
} from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { DepartmentSelect, UserSelect } from '../../components/selects';
import { applyFieldErrors } from '../../lib/forms';

interface DepartmentForm {
  code: string;
  name: string;
  nameEn?: string | null;
  parentId?: string | null;
  headUserId?: string | null;
}

type Editing = { mode: 'new'; parentId?: string } | { mode: 'edit'; department: Department };

export function DepartmentsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const departments = useDepartments();
  const users = useUsers();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [form] = Form.useForm<DepartmentForm>();

  const tree = useMemo(() => departmentTree(departments.data ?? []), [departments.data]);
  const byId = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const members = useMemo(() => {
    const counts = new Map<string, number>();
    for (const user of users.data ?? []) {
      if (user.departmentId && user.active)
        counts.set(user.departmentId, (counts.get(user.departmentId) ?? 0) + 1);
    }
    return counts;
  }, [users.data]);

  const save = useMutation({
    mutationFn: async (values: DepartmentForm) => {
      const common = {
        name: values.name.trim(),
        nameEn: values.nameEn?.trim() || null,
        parentId: values.parentId ?? null,
        headUserId: values.headUserId ?? null,
      };
      if (editing?.mode === 'edit') {
        return unwrap(
          api.PATCH('/api/departments/{id}', {
            params: { path: { id: editing.department.id } },
            body: common,
          }),
        );
      }
      return unwrap(api.POST('/api/departments', { body: { code: values.code.trim(), ...common } }));
    },
    onSuccess: () => {
      message.success(t('common.saved'));
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: ['departments'] });
    },
    onError: (error) => {
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });

  const open = (next: Editing) => {
    form.resetFields();
    if (next.mode === 'edit') form.setFieldsValue(next.department);
    else form.setFieldsValue({ parentId: next.parentId ?? null });
    setEditing(next);
  };

  return (
    <>
      <PageHeader
        title={t('menu.departments')}
        crumbs={[{ title: t('menu.admin') }, { title: t('menu.departments') }]}
        subTitle={t('departments.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open({ mode: 'new' })}>
            {t('departments.create')}
          </Button>
        }
      />
      <Card>
        {tree.length > 0 && (
          <Table<DepartmentNode>
            rowKey="id"
            loading={departments.isLoading}
            dataSource={tree}
            pagination={false}
            expandable={{ defaultExpandAllRows: true }}
            columns={[
              {
                title: t('departments.name'),
                dataIndex: 'name',
                render: (name: string, department) => (
                  <Space>
                    <ApartmentOutlined style={{ color: '#1677ff' }} />
                    <Typography.Text strong>{name}</Typography.Text>
                    {department.nameEn && (
                      <Typography.Text type="secondary">{department.nameEn}</Typography.Text>
                    )}
                  </Space>
                ),
              },
              {
                title: t('departments.code'),
                dataIndex: 'code',
                width: 160,
                render: (code: string) => <Tag>{code}</Tag>,
              },
              {
                title: t('departments.head'),
                dataIndex: 'headUserId',
                width: 180,
                render: (id: string | null) =>
                  id ? (
                    (byId.get(id)?.name ?? '—')
                  ) : (
                    <Typography.Text type="secondary">{t('departments.noHead')}</Typography.Text>
                  ),
              },
              {
                title: t('departments.members'),
                key: 'members',
                width: 100,
                align: 'right',
                render: (_: unknown, department) => members.get(department.id) ?? 0,
              },
              {
                title: t('common.actions'),
                key: 'actions',
                width: 200,
                render: (_: unknown, department) => (
                  <Space size={0}>
                    <Button type="link" size="small" onClick={() => open({ mode: 'edit', department })}>
                      {t('common.edit')}
                    </Button>
                    <Button
                      type="link"
                      size="small"
                      onClick={() => open({ mode: 'new', parentId: department.id })}
                    >
                      {t('departments.addChild')}
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
        )}
        {tree.length === 0 && !departments.isLoading && (
          <Typography.Text type="secondary">{t('departments.empty')}</Typography.Text>
        )}
      </Card>

      <Modal
        title={editing?.mode === 'edit' ? t('departments.edit') : t('departments.create')}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        destroyOnHidden
        width={520}
      >
        <Form<DepartmentForm> form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
          <Form.Item
            name="code"
            label={t('departments.code')}
            extra={t('departments.codeHint')}
            rules={[
              { required: true, message: t('validation.required') },
              { pattern: /^[A-Za-z0-9_-]+$/, message: t('departments.codePattern') },
            ]}
          >
            <Input disabled={editing?.mode === 'edit'} maxLength={40} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('departments.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('departments.nameEn')}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="parentId" label={t('departments.parent')}>
            <DepartmentSelect excludeId={editing?.mode === 'edit' ? editing.department.id : undefined} />
          </Form.Item>
          <Form.Item name="headUserId" label={t('departments.head')} extra={t('departments.headHint')}>
            <UserSelect allowClear roles={['supervisor', 'manager', 'admin', 'agent', 'operations']} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
