import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

function show(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The fields that differ between a record's before and after images, side by side. */
export function ChangeDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation();
  const a = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const b = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const ignored = new Set(['version', 'updatedAt', 'searchVector', 'searchPhones']);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (key) => !ignored.has(key) && JSON.stringify(a[key]) !== JSON.stringify(b[key]),
  );
  if (!keys.length) return <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>;
  return (
    <Table
      size="small"
      rowKey="field"
      pagination={false}
      dataSource={keys.map((field) => ({ field, before: show(a[field]), after: show(b[field]) }))}
      columns={[
        { title: t('audit.field'), dataIndex: 'field', width: 180, render: (v: string) => <code>{v}</code> },
        {
          title: t('audit.before'),
          dataIndex: 'before',
          render: (v: string) => (
            <Typography.Text delete={!!v} type="secondary">
              {v}
            </Typography.Text>
          ),
        },
        {
          title: t('audit.after'),
          dataIndex: 'after',
          render: (v: string) => <Typography.Text>{v}</Typography.Text>,
        },
      ]}
    />
  );
}
