import { KeyOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Badge,
  Button,
  Card,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../../api/client';
import type { User } from '../../api/queries';
import { CustomerSelect } from '../../components/CustomerSelect';
import { PageHeader } from '../../components/PageHeader';
import { DepartmentSelect, useDepartmentName } from '../../components/selects';
import { RoleTag } from '../../components/tags';
import { useMe } from '../../lib/auth';
import { ROLES } from '../../lib/enums';
import { applyFieldErrors, errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { clean, useDebounced } from '../../lib/util';
import { DrawerFormActions } from '../../components/DrawerFormActions';

type Role = User['role'];

interface UserForm {
  email: string;
  name: string;
  password?: string;
  role: Role;
  departmentId?: string | null;
  customerId?: string | null;
}

interface Filter {
  q?: string;
  role?: Role;
  departmentId?: string;
  active?: boolean;
}

export function UsersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const departmentName = useDepartmentName();
  const [filter, setFilter] = useState<Filter>({});
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [form] = Form.useForm<UserForm>();
  const [passwordForm] = Form.useForm<{ password: string }>();
  const role = Form.useWatch('role', form);

  const query = useDebounced(filter);
  const users = useQuery({
    queryKey: ['users', 'admin', query],
    queryFn: async () => (await unwrap(api.GET('/api/users', { params: { query } }))).items,
    placeholderData: (previous) => previous,
  });

  const invalidate = () => queryClient.invalidateQueries({ queryKey: ['users'] });

  const save = useMutation({
    mutationFn: async (values: UserForm) => {
      const departmentId = values.departmentId ?? null;
      const customerId = values.role === 'portal' ? (values.customerId ?? null) : null;
      if (editing === 'new') {
        return unwrap(
          api.POST('/api/users', {
            body: {
              email: values.email.trim(),
              name: values.name.trim(),
              password: values.password ?? '',
              role: values.role,
              departmentId,
              customerId,
            },
          }),
        );
      }
      const user = editing as User;
      return unwrap(
        api.PATCH('/api/users/{id}', {
          params: { path: { id: user.id } },
          body: {
            name: values.name.trim(),
            role: values.role,
            departmentId,
            customerId,
            version: user.version,
          },
        }),
      );
    },
    onSuccess: () => {
      message.success(editing === 'new' ? t('users.created') : t('common.saved'));
      setEditing(null);
      void invalidate();
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 409 && editing === 'new') {
        form.setFields([{ name: 'email', errors: [t('users.emailTaken')] }]);
        return;
      }
      if (error instanceof ApiError && error.status === 409) return void message.error(errorText(t, error));
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });

  const patch = useMutation({
    mutationFn: async (input: { user: User; changes: { active?: boolean; password?: string } }) =>
      unwrap(
        api.PATCH('/api/users/{id}', {
          params: { path: { id: input.user.id } },
          body: { ...input.changes, version: input.user.version },
        }),
      ),
    onSuccess: (_user, input) => {
      message.success(
        input.changes.password
          ? t('users.passwordReset')
          : input.changes.active
            ? t('users.activated')
            : t('users.deactivated'),
      );
      setResetting(null);
      void invalidate();
    },
    onError: (error) => {
      if (resetting) {
        for (const text of applyFieldErrors(passwordForm, error, t)) message.error(text);
      } else message.error(errorText(t, error));
    },
  });

  const openEditor = (user: User | 'new') => {
    form.resetFields();
    if (user !== 'new') form.setFieldsValue({ ...user });
    else form.setFieldsValue({ role: 'agent' });
    setEditing(user);
  };

  return (
    <>
      <PageHeader
        title={t('menu.users')}
        crumbs={[{ title: t('menu.admin') }, { title: t('menu.users') }]}
        subTitle={t('users.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => openEditor('new')}>
            {t('users.create')}
          </Button>
        }
      />
      <Card>
        <Form<Filter>
          name="userFilter"
          layout="inline"
          className="filter-bar"
          onValuesChange={(_c, all) => setFilter(clean(all))}
        >
          <Form.Item name="q">
            <Input
              allowClear
              prefix={<SearchOutlined />}
              placeholder={t('users.searchPlaceholder')}
              style={{ width: 240 }}
            />
          </Form.Item>
          <Form.Item name="role">
            <Select
              allowClear
              placeholder={t('users.role')}
              style={{ width: 150 }}
              options={ROLES.map((value) => ({ value, label: t(`enum.role.${value}`) }))}
            />
          </Form.Item>
          <Form.Item name="departmentId">
            <DepartmentSelect placeholder={t('users.department')} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="active">
            <Select
              allowClear
              placeholder={t('users.status')}
              style={{ width: 120 }}
              options={[
                { value: true, label: t('users.active') },
                { value: false, label: t('users.inactive') },
              ]}
            />
          </Form.Item>
        </Form>
        <Table<User>
          rowKey="id"
          loading={users.isLoading}
          dataSource={users.data}
          pagination={{
            pageSize: 20,
            showSizeChanger: false,
            showTotal: (total) => t('common.total', { count: total }),
          }}
          columns={[
            {
              title: t('users.name'),
              dataIndex: 'name',
              render: (name: string, user) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{name}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {user.email}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('users.role'),
              dataIndex: 'role',
              width: 130,
              render: (value: string) => <RoleTag role={value} />,
            },
            {
              title: t('users.department'),
              dataIndex: 'departmentId',
              render: (id: string | null) => departmentName(id),
            },
            {
              title: t('users.status'),
              dataIndex: 'active',
              width: 100,
              render: (active: boolean) =>
                active ? (
                  <Badge status="success" text={t('users.active')} />
                ) : (
                  <Badge status="default" text={t('users.inactive')} />
                ),
            },
            {
              title: t('users.lastLogin'),
              dataIndex: 'lastLoginAt',
              width: 160,
              render: (value: string | null) => formatDateTime(value),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 240,
              render: (_: unknown, user) => (
                <Space size={0} wrap>
                  <Button type="link" size="small" onClick={() => openEditor(user)}>
                    {t('common.edit')}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    icon={<KeyOutlined />}
                    onClick={() => {
                      passwordForm.resetFields();
                      setResetting(user);
                    }}
                  >
                    {t('users.resetPassword')}
                  </Button>
                  {user.id !== me.id && (
                    <Popconfirm
                      title={user.active ? t('users.confirmDeactivate') : t('users.confirmActivate')}
                      onConfirm={() => patch.mutate({ user, changes: { active: !user.active } })}
                    >
                      <Button type="link" size="small" danger={user.active}>
                        {user.active ? t('users.deactivate') : t('users.activate')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </Card>

      <Drawer
        title={editing === 'new' ? t('users.create') : t('users.edit')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        size={480}
        destroyOnHidden
        extra={
          <DrawerFormActions
            onCancel={() => setEditing(null)}
            onSave={() => form.submit()}
            saving={save.isPending}
          />
        }
      >
        <Form<UserForm> form={form} name="user" layout="vertical" onFinish={(values) => save.mutate(values)}>
          <Form.Item
            name="email"
            label={t('users.email')}
            rules={[
              { required: true, message: t('validation.required') },
              { type: 'email', message: t('login.emailInvalid') },
            ]}
          >
            <Input disabled={editing !== 'new'} maxLength={254} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('users.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          {editing === 'new' && (
            <Form.Item
              name="password"
              label={t('users.initialPassword')}
              extra={t('users.passwordHint')}
              rules={[
                { required: true, message: t('validation.required') },
                { min: 8, message: t('validation.passwordMin') },
              ]}
            >
              <Input.Password autoComplete="new-password" maxLength={200} />
            </Form.Item>
          )}
          <Form.Item
            name="role"
            label={t('users.role')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Select options={ROLES.map((value) => ({ value, label: t(`enum.role.${value}`) }))} />
          </Form.Item>
          <Form.Item name="departmentId" label={t('users.department')}>
            <DepartmentSelect />
          </Form.Item>
          {role === 'portal' && (
            <Form.Item
              name="customerId"
              label={t('users.portalCustomer')}
              extra={t('users.portalCustomerHint')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <CustomerSelect />
            </Form.Item>
          )}
        </Form>
      </Drawer>

      <Modal
        title={t('users.resetPasswordOf', { name: resetting?.name })}
        open={resetting !== null}
        onCancel={() => setResetting(null)}
        onOk={() => passwordForm.submit()}
        confirmLoading={patch.isPending}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('users.resetPasswordHint')}</Typography.Paragraph>
        <Form<{ password: string }>
          form={passwordForm}
          layout="vertical"
          onFinish={(values) =>
            resetting && patch.mutate({ user: resetting, changes: { password: values.password } })
          }
        >
          <Form.Item
            name="password"
            label={t('users.newPassword')}
            rules={[
              { required: true, message: t('validation.required') },
              { min: 8, message: t('validation.passwordMin') },
            ]}
          >
            <Input.Password autoComplete="new-password" maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
