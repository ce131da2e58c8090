import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, DatePicker, Form, Input, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type ResponseOf, unwrap } from '../../api/client';
import { ChangeDiff } from '../../components/ChangeDiff';
import { PageHeader } from '../../components/PageHeader';
import { UserSelect } from '../../components/selects';
import { fromPicker, formatDateTime } from '../../lib/time';
import { clean, useDebounced } from '../../lib/util';

type Entry = ResponseOf<'/api/audit', 'get'>['items'][number];

interface FilterForm {
  entityType?: string;
  action?: string;
  actorId?: string;
  entityId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const ACTIONS = [
  'create',
  'update',
  'delete',
  'archive',
  'restore',
  'verify',
  'transfer',
  'merge',
  'merged_into',
  'complete',
  'cancel',
  'reopen',
  'revoke',
];

const ENTITY_TYPES = [
  'customer',
  'contact',
  'interaction',
  'follow_up',
  'follow_up_plan',
  'user',
  'department',
  'api_token',
  'setting',
];

export function AuditLogPage() {
  const { t } = useTranslation();
  const [form, setForm] = useState<FilterForm>({});
  const debounced = useDebounced(form);
  const query = clean({
    entityType: debounced.entityType,
    action: debounced.action?.trim(),
    actorId: debounced.actorId,
    entityId: debounced.entityId?.trim(),
    from: debounced.range?.[0] ? fromPicker(debounced.range[0].startOf('day')) : undefined,
    to: debounced.range?.[1] ? fromPicker(debounced.range[1].endOf('day')) : undefined,
  });

  const audit = useInfiniteQuery({
    queryKey: ['audit', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/api/audit', { params: { query: { ...query, limit: 50, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows: Entry[] = audit.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title={t('menu.audit')}
        crumbs={[{ title: t('menu.admin') }, { title: t('menu.audit') }]}
        subTitle={t('audit.subtitle')}
      />
      <Card>
        <Form<FilterForm> layout="inline" className="filter-bar" onValuesChange={(_c, all) => setForm(all)}>
          <Form.Item name="range">
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item name="entityType">
            <Select
              allowClear
              placeholder={t('audit.entityType')}
              style={{ width: 160 }}
              options={ENTITY_TYPES.map((value) => ({ value, label: t(`audit.entity.${value}`) }))}
            />
          </Form.Item>
          <Form.Item name="action">
            <Select
              allowClear
              placeholder={t('audit.action')}
              style={{ width: 140 }}
              options={ACTIONS.map((value) => ({ value, label: t(`audit.actions.${value}`) }))}
            />
          </Form.Item>
          <Form.Item name="actorId">
            <UserSelect allowClear activeOnly={false} placeholder={t('audit.actor')} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="entityId">
            <Input allowClear placeholder={t('audit.entityId')} style={{ width: 240 }} maxLength={100} />
          </Form.Item>
        </Form>
        <Table<Entry>
          rowKey="id"
          size="middle"
          loading={audit.isLoading}
          dataSource={rows}
          pagination={false}
          expandable={{
            expandedRowRender: (entry) => <ChangeDiff before={entry.before} after={entry.after} />,
          }}
          columns={[
            { title: t('audit.at'), dataIndex: 'at', width: 160, render: (v: string) => formatDateTime(v) },
            {
              title: t('audit.actor'),
              dataIndex: 'actorName',
              width: 140,
              render: (v: string | null) =>
                v ?? <Typography.Text type="secondary">{t('audit.system')}</Typography.Text>,
            },
            {
              title: t('audit.action'),
              dataIndex: 'action',
              width: 200,
              render: (v: string) => <Tag color="blue">{t(`audit.actions.${v}`, { defaultValue: v })}</Tag>,
            },
            {
              title: t('audit.entityType'),
              dataIndex: 'entityType',
              width: 120,
              render: (v: string) => t(`audit.entity.${v}`, { defaultValue: v }),
            },
            {
              title: t('audit.entityId'),
              dataIndex: 'entityId',
              render: (v: string, entry) =>
                entry.customerId ? (
                  <Link to={`/customers/${entry.customerId}`}>
                    <Typography.Text code>{v}</Typography.Text>
                  </Link>
                ) : (
                  <Typography.Text code>{v}</Typography.Text>
                ),
            },
          ]}
        />
        <div className="table-load-more">
          {audit.hasNextPage ? (
            <Button onClick={() => audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          ) : (
            rows.length > 0 && <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
          )}
        </div>
      </Card>
    </>
  );
}
