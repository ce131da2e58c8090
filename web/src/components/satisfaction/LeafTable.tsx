import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type IndexNode, nodeName } from './api';
import { IndexCell } from './IndexCell';

interface LeafRow {
  node: IndexNode;
  dimension: IndexNode;
  path: string;
}

/** Every questionnaire item (leaf) under the tree, with the dimension it belongs to. */
export function leavesOf(root: IndexNode | undefined, language: string): LeafRow[] {
  const rows: LeafRow[] = [];
  const walk = (node: IndexNode, dimension: IndexNode, path: string[]) => {
    if (!node.children?.length) {
      rows.push({ node, dimension, path: path.join(' / ') });
      return;
    }
    for (const child of node.children) walk(child, dimension, [...path, nodeName(node, language)]);
  };
  for (const dimension of root?.children ?? []) {
    for (const child of dimension.children ?? []) walk(child, dimension, []);
    if (!dimension.children?.length) rows.push({ node: dimension, dimension, path: '' });
  }
  return rows;
}

/**
 * The items' scores with interval and answer count; those who may open corrective actions get a
 * link that opens the action board's create drawer for the item.
 */
export function LeafTable({
  root,
  loading,
  canCreateAction,
  modelId,
}: {
  root: IndexNode | undefined;
  loading?: boolean;
  canCreateAction: boolean;
  modelId?: string;
}) {
  const { t, i18n } = useTranslation();
  const rows = leavesOf(root, i18n.language);
  return (
    <Table<LeafRow>
      rowKey={(r) => r.node.key}
      data-testid="satisfaction-leaves"
      size="middle"
      loading={loading}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 860 }}
      locale={{ emptyText: t('satisfaction.noData') }}
      columns={[
        {
          title: t('satisfaction.dimensionCol'),
          key: 'dimension',
          width: 170,
          render: (_: unknown, r) => (
            <Tag>
              {nodeName(r.dimension, i18n.language) || t(`satisfaction.dimension.${r.dimension.key}`)}
            </Tag>
          ),
        },
        {
          title: t('satisfaction.item'),
          key: 'item',
          ellipsis: true,
          render: (_: unknown, r) => (
            <span>
              {r.path && <span style={{ color: 'rgba(0,0,0,0.45)' }}>{r.path} / </span>}
              {nodeName(r.node, i18n.language)}
            </span>
          ),
        },
        {
          title: t('satisfaction.score'),
          key: 'score',
          width: 180,
          sorter: (a, b) => (a.node.value ?? -1) - (b.node.value ?? -1),
          defaultSortOrder: 'ascend',
          render: (_: unknown, r) => <IndexCell node={r.node} showCi />,
        },
        {
          title: t('satisfaction.answers'),
          key: 'answers',
          width: 90,
          align: 'right',
          render: (_: unknown, r) => r.node.answers,
        },
        ...(canCreateAction
          ? [
              {
                title: t('common.actions'),
                key: 'actions',
                width: 190,
                render: (_: unknown, r: LeafRow) => (
                  <Link
                    data-testid="leaf-create-action"
                    to={`/corrective-actions?itemKey=${encodeURIComponent(r.node.key)}${
                      modelId ? `&modelId=${encodeURIComponent(modelId)}` : ''
                    }`}
                  >
                    {t('satisfaction.createAction')}
                  </Link>
                ),
              },
            ]
          : []),
      ]}
    />
  );
}
