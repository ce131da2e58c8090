import { Button, Table, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type GroupBy, type IndexGroup, type IndexNode, nodeName } from './api';
import { IndexCell } from './IndexCell';

/** Group-bys whose rows can narrow the whole dashboard to that group. */
export const DRILLABLE: GroupBy[] = ['customer', 'valueClass', 'department', 'mode', 'lane'];

/**
 * The index by the chosen group: responses, overall with its interval and each dimension; a
 * click on a row narrows the dashboard to that group (a customer row also links the file).
 */
export function BreakdownTable({
  groups,
  groupBy,
  dimensions,
  loading,
  onDrill,
}: {
  groups: IndexGroup[];
  groupBy: GroupBy;
  /** The dimension nodes of the overall tree: the columns, in order. */
  dimensions: IndexNode[];
  loading?: boolean;
  onDrill?: (group: IndexGroup) => void;
}) {
  const { t, i18n } = useTranslation();
  const drillable = DRILLABLE.includes(groupBy) && !!onDrill;
  const groupLabel = (g: IndexGroup) =>
    groupBy === 'valueClass' && g.key && g.label === g.key
      ? t('satisfaction.valueClassLabel', { value: g.key })
      : g.label;
  return (
    <Table<IndexGroup>
      rowKey={(g) => g.key ?? ''}
      data-testid="satisfaction-breakdown"
      size="middle"
      loading={loading}
      dataSource={groups}
      pagination={groups.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      scroll={{ x: 960 }}
      locale={{ emptyText: t('satisfaction.noData') }}
      onRow={(g) =>
        drillable && g.key
          ? { onClick: () => onDrill?.(g), style: { cursor: 'pointer' }, 'data-testid': 'breakdown-row' }
          : ({ 'data-testid': 'breakdown-row' } as object)
      }
      columns={[
        {
          title: t(`satisfaction.groupBy.${groupBy}`),
          key: 'label',
          fixed: 'left',
          width: 220,
          ellipsis: true,
          render: (_: unknown, g) =>
            groupBy === 'customer' && g.key ? (
              <span>
                <Tooltip title={t('satisfaction.drillHint')}>
                  <Button type="link" size="small" style={{ padding: 0 }}>
                    {g.label}
                  </Button>
                </Tooltip>{' '}
                <Link to={`/customers/${g.key}`} onClick={(e) => e.stopPropagation()}>
                  {t('satisfaction.openFile')}
                </Link>
              </span>
            ) : drillable && g.key ? (
              <Tooltip title={t('satisfaction.drillHint')}>
                <Button type="link" size="small" style={{ padding: 0 }}>
                  {groupLabel(g)}
                </Button>
              </Tooltip>
            ) : (
              groupLabel(g) || t('satisfaction.unassigned')
            ),
        },
        {
          title: t('satisfaction.responses'),
          dataIndex: 'responses',
          width: 110,
          align: 'right',
          sorter: (a, b) => a.responses - b.responses,
        },
        {
          title: t('satisfaction.overall'),
          key: 'overall',
          width: 170,
          sorter: (a, b) => (a.overall?.value ?? -1) - (b.overall?.value ?? -1),
          render: (_: unknown, g) => <IndexCell node={g.overall ?? undefined} showCi />,
        },
        ...dimensions.map((d) => ({
          title: nodeName(d, i18n.language) || t(`satisfaction.dimension.${d.key}`),
          key: d.key,
          width: 130,
          sorter: (a: IndexGroup, b: IndexGroup) =>
            (a.dimensions.find((x) => x.key === d.key)?.value ?? -1) -
            (b.dimensions.find((x) => x.key === d.key)?.value ?? -1),
          render: (_: unknown, g: IndexGroup) => (
            <IndexCell node={g.dimensions.find((x) => x.key === d.key)} />
          ),
        })),
      ]}
    />
  );
}
