import {
  DownOutlined,
  DownloadOutlined,
  FilterOutlined,
  PlusOutlined,
  ReloadOutlined,
  SearchOutlined,
} from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import {
  Badge,
  Button,
  Card,
  Col,
  Dropdown,
  Form,
  Input,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, type ResponseOf, unwrap } from '../../api/client';
import { useUserNames } from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { DepartmentSelect, UserSelect } from '../../components/selects';
import { StageTag, ValueClassTag } from '../../components/tags';
import { canCreateCustomer, isStaff, useMe } from '../../lib/auth';
import { NEED_TYPES, STAGES, VALUE_CLASSES } from '../../lib/enums';
import { errorText } from '../../lib/forms';
import { formatDate, fromNow, local, today } from '../../lib/time';
import { clean } from '../../lib/util';
import { CustomerFormDrawer } from './CustomerFormDrawer';

type CustomerRow = ResponseOf<'/api/customers', 'get'>['items'][number];
type Stage = (typeof STAGES)[number];
type ValueClass = (typeof VALUE_CLASSES)[number];
type NeedType = (typeof NEED_TYPES)[number];

const FILTER_KEYS = [
  'q',
  'ownerId',
  'stage',
  'valueClass',
  'needType',
  'departmentId',
  'tag',
  'archived',
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Partial<Record<FilterKey, string>>;

/** Files not verified for this long are highlighted (the review queue uses the server's setting). */
const STALE_DAYS = 180;

export function CustomerListPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const users = useUserNames();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState(params.get('q') ?? '');
  // The box follows the URL when it changes from outside (menu, back button, clear filters).
  const urlQ = params.get('q') ?? '';
  useEffect(() => setSearch(urlQ), [urlQ]);

  // Filters live in the URL, so a search can be bookmarked, shared and survives going back.
  const filters = useMemo(() => {
    const out: Filters = {};
    for (const key of FILTER_KEYS) {
      const value = params.get(key);
      if (value) out[key] = value;
    }
    return out;
  }, [params]);

  const setFilter = (changes: Filters) => {
    const next = clean({ ...filters, ...changes });
    setParams(next as Record<string, string>, { replace: true });
  };

  const query = {
    q: filters.q,
    ownerId: filters.ownerId,
    stage: filters.stage ? [filters.stage as Stage] : undefined,
    valueClass: filters.valueClass ? [filters.valueClass as ValueClass] : undefined,
    needType: filters.needType ? [filters.needType as NeedType] : undefined,
    departmentId: filters.departmentId,
    tag: filters.tag,
    archived: filters.archived === 'true' ? true : undefined,
  };

  // A plain navigation: the session cookie goes with a GET, and the server's attachment answer
  // downloads the file without leaving the page. Column headers follow the interface language.
  const exportList = (format: string) => {
    const search = new URLSearchParams({ format, headers: i18n.language === 'en' ? 'en' : 'zh' });
    for (const [key, value] of Object.entries(clean(query))) {
      for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
    }
    window.location.assign(`/api/customers/export?${search}`);
  };

  const list = useInfiniteQuery({
    queryKey: ['customers', 'list', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/customers', { params: { query: { ...clean(query), limit: 50, cursor: pageParam } } }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows: CustomerRow[] = list.data?.pages.flatMap((page) => page.items) ?? [];
  const activeFilters = FILTER_KEYS.filter((key) => key !== 'q' && filters[key]).length;
  const staleBefore = today().subtract(STALE_DAYS, 'day');

  return (
    <>
      <PageHeader
        title={t('menu.customers')}
        crumbs={[{ title: t('menu.customers') }]}
        subTitle={t('customers.subtitle')}
        extra={
          <Space>
            {isStaff(me.role) && (
              <Dropdown
                menu={{
                  items: [
                    {
                      type: 'group',
                      label: t('customers.exportHint'),
                      children: [
                        { key: 'csv', label: t('customers.exportCsv') },
                        { key: 'xlsx', label: t('customers.exportXlsx') },
                      ],
                    },
                  ],
                  onClick: ({ key }) => exportList(key),
                }}
              >
                <Button icon={<DownloadOutlined />} data-testid="customer-export">
                  {t('customers.export')} <DownOutlined />
                </Button>
              </Dropdown>
            )}
            {canCreateCustomer(me.role) && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="customer-create"
              >
                {t('customer.create')}
              </Button>
            )}
          </Space>
        }
      />
      <Card>
        <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
          <Col flex="420px">
            <Input.Search
              allowClear
              enterButton={<SearchOutlined />}
              placeholder={t('customers.searchPlaceholder')}
              value={search}
              onChange={(event) => {
                setSearch(event.target.value);
                if (!event.target.value) setFilter({ q: undefined });
              }}
              onSearch={(value) => setFilter({ q: value.trim() || undefined })}
              maxLength={200}
              data-testid="customer-search"
            />
          </Col>
          <Col
            flex="auto"
            style={{ display: 'flex', alignItems: 'center', gap: 12, justifyContent: 'flex-end' }}
          >
            <Space>
              <Typography.Text type="secondary">{t('customers.showArchived')}</Typography.Text>
              <Switch
                size="small"
                checked={filters.archived === 'true'}
                onChange={(checked) => setFilter({ archived: checked ? 'true' : undefined })}
              />
            </Space>
            <Tooltip title={t('common.refresh')}>
              <Button
                icon={<ReloadOutlined />}
                onClick={() => list.refetch()}
                aria-label={t('common.refresh')}
              />
            </Tooltip>
          </Col>
        </Row>
        <Form layout="inline" className="filter-bar" style={{ marginBottom: 4 }}>
          <Form.Item label={<FilterOutlined />} colon={false}>
            <UserSelect
              allowClear
              activeOnly={false}
              roles={['agent', 'supervisor', 'admin']}
              placeholder={t('customer.owner')}
              style={{ width: 160 }}
              value={filters.ownerId}
              onChange={(value) => setFilter({ ownerId: value ?? undefined })}
            />
          </Form.Item>
          <Form.Item>
            <Select
              allowClear
              placeholder={t('customer.stageShort')}
              style={{ width: 120 }}
              value={filters.stage}
              onChange={(value) => setFilter({ stage: value })}
              options={STAGES.map((value) => ({ value, label: t(`enum.stage.${value}`) }))}
            />
          </Form.Item>
          <Form.Item>
            <Select
              allowClear
              placeholder={t('customer.valueClass')}
              style={{ width: 120 }}
              value={filters.valueClass}
              onChange={(value) => setFilter({ valueClass: value })}
              options={VALUE_CLASSES.map((value) => ({ value, label: t(`enum.valueClass.${value}`) }))}
            />
          </Form.Item>
          <Form.Item>
            <Select
              allowClear
              placeholder={t('customer.needType')}
              style={{ width: 140 }}
              value={filters.needType}
              onChange={(value) => setFilter({ needType: value })}
              options={NEED_TYPES.map((value) => ({ value, label: t(`enum.needType.${value}`) }))}
            />
          </Form.Item>
          <Form.Item>
            <DepartmentSelect
              placeholder={t('customer.department')}
              style={{ width: 170 }}
              value={filters.departmentId}
              onChange={(value) => setFilter({ departmentId: value ?? undefined })}
            />
          </Form.Item>
          <Form.Item>
            <Input
              key={filters.tag ?? ''}
              allowClear
              placeholder={t('customer.tag')}
              style={{ width: 130 }}
              defaultValue={filters.tag}
              onPressEnter={(event) => setFilter({ tag: event.currentTarget.value.trim() || undefined })}
              onChange={(event) => !event.target.value && setFilter({ tag: undefined })}
              maxLength={50}
            />
          </Form.Item>
          {activeFilters > 0 && (
            <Form.Item>
              <Button
                type="link"
                onClick={() => {
                  setSearch('');
                  setParams({}, { replace: true });
                }}
              >
                {t('customers.clearFilters', { count: activeFilters })}
              </Button>
            </Form.Item>
          )}
        </Form>
        {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
        <Table<CustomerRow>
          rowKey="id"
          loading={list.isLoading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1200 }}
          data-testid="customer-table"
          locale={{ emptyText: filters.q ? t('customers.noMatch', { q: filters.q }) : undefined }}
          columns={[
            {
              title: t('customer.name'),
              dataIndex: 'name',
              fixed: 'left',
              width: 280,
              render: (name: string, row) => (
                <Space orientation="vertical" size={0}>
                  <Link to={`/customers/${row.id}`} style={{ fontWeight: 500 }}>
                    {name}
                  </Link>
                  {row.archivedAt && <Tag>{t('customer.archived')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('customer.shortName'),
              dataIndex: 'shortName',
              width: 110,
              render: (v: string | null) => v ?? '—',
            },
            {
              title: t('customer.stageShort'),
              dataIndex: 'stage',
              width: 80,
              render: (stage: string) => <StageTag stage={stage} />,
            },
            {
              title: t('customer.valueClassShort'),
              dataIndex: 'valueClass',
              width: 80,
              render: (value: string | null) => <ValueClassTag value={value} />,
            },
            {
              title: t('customer.needType'),
              dataIndex: 'needType',
              width: 110,
              render: (value: string | null) => (value ? t(`enum.needType.${value}`) : '—'),
            },
            {
              title: t('customer.owner'),
              dataIndex: 'ownerId',
              width: 110,
              render: (id: string, row) =>
                (row as { ownerName?: string }).ownerName ?? users.get(id)?.name ?? '—',
            },
            {
              title: t('customer.primaryContact'),
              dataIndex: 'primaryContactName',
              width: 150,
              render: (name: string | null, row) =>
                name ? (
                  <Space orientation="vertical" size={0}>
                    <span>{name}</span>
                    {row.primaryContactPhone && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {row.primaryContactPhone}
                      </Typography.Text>
                    )}
                  </Space>
                ) : (
                  '—'
                ),
            },
            {
              title: t('customer.tags'),
              dataIndex: 'tags',
              render: (tags: string[] | undefined = []) => (
                <Space size={[0, 4]} wrap>
                  {tags.slice(0, 4).map((tag) => (
                    <Tag key={tag} style={{ cursor: 'pointer' }} onClick={() => setFilter({ tag })}>
                      {tag}
                    </Tag>
                  ))}
                  {tags.length > 4 && <Tag>+{tags.length - 4}</Tag>}
                </Space>
              ),
            },
            {
              title: t('customer.lastVerified'),
              dataIndex: 'verifiedAt',
              width: 130,
              render: (value: string | null) =>
                value ? (
                  <Tooltip title={fromNow(value)}>
                    {local(value).isBefore(staleBefore) ? (
                      <Badge status="warning" text={formatDate(value)} />
                    ) : (
                      formatDate(value)
                    )}
                  </Tooltip>
                ) : (
                  <Badge status="default" text={t('customer.neverVerified')} />
                ),
            },
          ]}
        />
        <div className="table-load-more">
          {list.hasNextPage ? (
            <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          ) : (
            rows.length > 0 && (
              <Typography.Text type="secondary">{t('common.shown', { count: rows.length })}</Typography.Text>
            )
          )}
        </div>
      </Card>
      <CustomerFormDrawer open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
