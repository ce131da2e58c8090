import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../lib/language';
import type { ModelNode, WeightMethod } from './api';
import { buildTree, formatPercent, type TreeRow } from './tree';

const METHOD_COLORS: Record<WeightMethod, string> = { direct: 'default', ahp: 'blue', pls: 'purple' };

export function WeightMethodTag({ method }: { method: WeightMethod | undefined }) {
  const { t } = useTranslation();
  if (!method) return null;
  return <Tag color={METHOD_COLORS[method]}>{t(`satModels.method.${method}`)}</Tag>;
}

/** The node's name in the reader's language (the other one as a hint). */
export function useNodeName() {
  const { language } = useLanguage();
  return (node: { nameZh: string; nameEn: string } | undefined) =>
    node ? (language === 'en' ? node.nameEn || node.nameZh : node.nameZh || node.nameEn) : '';
}

/**
 * The indicator tree as a nested table: level, names, weight among siblings and global weight
 * (product along the path), how the children were weighted, and the leaves' questions.
 */
export function ModelTreeTable(props: {
  nodes: ModelNode[];
  editable: boolean;
  onEdit?: (node: ModelNode) => void;
  onAdd?: (parent: ModelNode) => void;
  onRemove?: (node: ModelNode) => void;
  onWeights?: (node: ModelNode) => void;
}) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const name = useNodeName();
  const tree = useMemo(() => buildTree(props.nodes), [props.nodes]);
  // Callbacks get the stored node, not the table row with its computed fields.
  const byKey = useMemo(() => new Map(props.nodes.map((node) => [node.key, node])), [props.nodes]);
  const stored = (row: TreeRow): ModelNode => byKey.get(row.key) ?? row;
  const expanded = useMemo(
    () => props.nodes.filter((node) => node.level <= 2).map((node) => node.key),
    [props.nodes],
  );

  return (
    <Table<TreeRow>
      rowKey="key"
      data-testid="model-tree"
      dataSource={tree}
      pagination={false}
      size="small"
      scroll={{ x: 1100 }}
      expandable={{ defaultExpandedRowKeys: expanded }}
      columns={[
        {
          title: t('satModels.tree.name'),
          key: 'name',
          width: 300,
          render: (_: unknown, row) => (
            <span data-testid={`model-node-${row.key}`}>
              <Typography.Text strong={row.level <= 2}>{name(row)}</Typography.Text>{' '}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {language === 'en' ? row.nameZh : row.nameEn}
              </Typography.Text>
            </span>
          ),
        },
        {
          title: t('satModels.tree.level'),
          dataIndex: 'level',
          width: 70,
          render: (level: number) => t('satModels.tree.levelN', { level }),
        },
        {
          title: t('satModels.tree.weight'),
          key: 'weight',
          width: 100,
          align: 'right',
          render: (_: unknown, row) => (row.parentKey === null ? '—' : formatPercent(row.weight)),
        },
        {
          title: (
            <Tooltip title={t('satModels.tree.globalWeightHint')}>{t('satModels.tree.globalWeight')}</Tooltip>
          ),
          key: 'global',
          width: 100,
          align: 'right',
          render: (_: unknown, row) => formatPercent(row.globalWeight, 2),
        },
        {
          title: t('satModels.tree.method'),
          key: 'method',
          width: 110,
          render: (_: unknown, row) =>
            row.children?.length ? <WeightMethodTag method={row.childWeightMethod ?? 'direct'} /> : null,
        },
        {
          title: t('satModels.tree.question'),
          key: 'question',
          render: (_: unknown, row) =>
            row.children?.length ? null : (
              <Space size={4} wrap>
                <Typography.Text>
                  {language === 'en' ? row.questionEn || row.questionZh : row.questionZh || row.questionEn}
                </Typography.Text>
                {row.reverse && <Tag color="orange">{t('satModels.tree.reverse')}</Tag>}
              </Space>
            ),
        },
        {
          title: t('satModels.tree.serviceElement'),
          key: 'element',
          width: 130,
          render: (_: unknown, row) =>
            row.serviceElement ? <Tag>{t(`satModels.element.${row.serviceElement}`)}</Tag> : null,
        },
        {
          title: t('common.actions'),
          key: 'actions',
          width: 150,
          fixed: 'right',
          render: (_: unknown, row) => (
            <Space size={0}>
              {(row.children?.length ?? 0) >= 2 && props.onWeights && (
                <Button size="small" type="link" onClick={() => props.onWeights?.(stored(row))}>
                  {t('satModels.tree.weights')}
                </Button>
              )}
              {props.editable && (
                <>
                  <Tooltip title={t('common.edit')}>
                    <Button
                      size="small"
                      type="text"
                      icon={<EditOutlined />}
                      aria-label={t('common.edit')}
                      onClick={() => props.onEdit?.(stored(row))}
                    />
                  </Tooltip>
                  {row.level < 4 && (
                    <Tooltip title={t('satModels.tree.addChild')}>
                      <Button
                        size="small"
                        type="text"
                        icon={<PlusOutlined />}
                        aria-label={t('satModels.tree.addChild')}
                        onClick={() => props.onAdd?.(stored(row))}
                      />
                    </Tooltip>
                  )}
                  {row.level > 2 && (
                    <Popconfirm
                      title={t('satModels.tree.removeConfirm')}
                      onConfirm={() => props.onRemove?.(stored(row))}
                      okText={t('common.remove')}
                      cancelText={t('common.cancel')}
                    >
                      <Button
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        aria-label={t('common.remove')}
                      />
                    </Popconfirm>
                  )}
                </>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}
