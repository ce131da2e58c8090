import { Select, type SelectProps, Space, TreeSelect } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type Department,
  type DepartmentNode,
  departmentTree,
  useDepartments,
  useUsers,
} from '../api/queries';
import type { Role } from '../lib/auth';

export function departmentName(department: Department | undefined, language: string): string {
  if (!department) return '—';
  return language === 'en' && department.nameEn ? department.nameEn : department.name;
}

export function useDepartmentName(): (id: string | null | undefined) => string {
  const { data } = useDepartments();
  const { i18n } = useTranslation();
  return useMemo(() => {
    const byId = new Map((data ?? []).map((d) => [d.id, d]));
    return (id) => (id ? departmentName(byId.get(id), i18n.language) : '—');
  }, [data, i18n.language]);
}

/** Pick a colleague by name or e-mail; `roles` limits the choice (e.g. owners are agents, supervisors, admins). */
export function UserSelect(
  props: Omit<SelectProps<string>, 'options'> & { roles?: Role[]; activeOnly?: boolean },
) {
  const { roles, activeOnly = true, ...rest } = props;
  const { t } = useTranslation();
  const { data, isLoading } = useUsers();
  const options = useMemo(
    () =>
      (data ?? [])
        .filter((user) => (!roles || roles.includes(user.role)) && (!activeOnly || user.active))
        .map((user) => ({
          value: user.id,
          label: user.name,
          search: `${user.name} ${user.email}`.toLowerCase(),
          role: user.role,
          email: user.email,
        })),
    [data, roles, activeOnly],
  );
  return (
    <Select<string>
      showSearch={{
        filterOption: (input, option) => (option?.search ?? '').includes(input.toLowerCase()),
      }}
      loading={isLoading}
      placeholder={t('common.selectUser')}
      options={options}
      optionRender={(option) => (
        <Space>
          <span>{option.data.label}</span>
          <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>
            {t(`enum.role.${option.data.role}`)} · {option.data.email}
          </span>
        </Space>
      )}
      {...rest}
    />
  );
}

export function DepartmentSelect(props: {
  id?: string;
  value?: string | null;
  onChange?: (value: string | null) => void;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  excludeId?: string;
}) {
  const { t, i18n } = useTranslation();
  const { data, isLoading } = useDepartments();
  const tree = useMemo(() => {
    const toNode = (node: DepartmentNode): Record<string, unknown> => ({
      value: node.id,
      title: departmentName(node, i18n.language),
      disabled: node.id === props.excludeId,
      children: node.children?.map(toNode),
    });
    return departmentTree(data ?? []).map(toNode);
  }, [data, i18n.language, props.excludeId]);
  return (
    <TreeSelect
      id={props.id}
      value={props.value ?? undefined}
      onChange={(value) => props.onChange?.((value as string | undefined) ?? null)}
      treeData={tree as never}
      treeDefaultExpandAll
      loading={isLoading}
      allowClear={props.allowClear ?? true}
      placeholder={props.placeholder ?? t('common.selectDepartment')}
      style={props.style}
      showSearch={{ treeNodeFilterProp: 'title' }}
    />
  );
}
