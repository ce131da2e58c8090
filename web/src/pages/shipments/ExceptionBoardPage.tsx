import { ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Select, Space, Table, Tabs, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { CustomerSelect } from '../../components/CustomerSelect';
import { PageHeader } from '../../components/PageHeader';
import { DepartmentSelect } from '../../components/selects';
import {
  EXCEPTION_KINDS,
  EXCEPTION_STATUSES,
  type Page,
  type ShipmentException,
  shipApi,
} from '../../components/shipments/api';
import { ExceptionActions, ExceptionDetail } from '../../components/shipments/exceptionActions';
import { ExceptionKindTag, ExceptionStatusTag } from '../../components/shipments/parts';
import { errorText } from '../../lib/forms';
import { formatDateTime, fromNow } from '../../lib/time';

/** Open and acknowledged: what still needs someone. */
const UNRESOLVED = 'open,acknowledged';

/** 异常看板: open shipment exceptions by kind, with links to the shipment and the ticket. */
export function ExceptionBoardPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<string>('all');
  const [status, setStatus] = useState<string | undefined>(UNRESOLVED);
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const filters = {
    kind: kind === 'all' ? undefined : kind,
    status,
    customerId: customerId ?? undefined,
    departmentId: departmentId ?? undefined,
    limit: 50,
  };
  const list = useInfiniteQuery({
    queryKey: ['shipmentExceptions', 'board', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      shipApi.get<Page<ShipmentException>>('/api/shipment-exceptions', { ...filters, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title={t('shipments.exceptions.board')}
        crumbs={[{ title: t('shipments.menu.exceptions') }]}
      >
        <Tabs
          activeKey={kind}
          onChange={setKind}
          style={{ marginBottom: -16 }}
          items={[
            { key: 'all', label: t('common.all') },
            ...EXCEPTION_KINDS.map((k) => ({ key: k, label: t(`shipments.exceptionKind.${k}`) })),
          ]}
        />
      </PageHeader>
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            allowClear
            placeholder={t('shipments.exceptions.status')}
            style={{ width: 130 }}
            value={status}
            onChange={setStatus}
            options={[
              { value: UNRESOLVED, label: t('shipments.exceptions.unresolved') },
              ...EXCEPTION_STATUSES.map((v) => ({ value: v, label: t(`shipments.exceptionStatus.${v}`) })),
            ]}
          />
          <CustomerSelect value={customerId} onChange={setCustomerId} style={{ width: 220 }} />
          <DepartmentSelect
            value={departmentId}
            onChange={setDepartmentId}
            style={{ width: 180 }}
            placeholder={t('shipments.field.department')}
          />
          <Tooltip title={t('common.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              onClick={() => list.refetch()}
              aria-label={t('common.refresh')}
            />
          </Tooltip>
        </Space>
        {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
        <Table<ShipmentException>
          rowKey="id"
          data-testid="exception-table"
          loading={list.isLoading}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1200 }}
          tableLayout="fixed"
          size="middle"
          locale={{ emptyText: t('shipments.exceptions.boardEmpty') }}
          columns={[
            {
              title: t('shipments.exceptions.kind'),
              dataIndex: 'kind',
              width: 110,
              render: (k: string) => <ExceptionKindTag kind={k} />,
            },
            {
              title: t('shipments.field.number'),
              dataIndex: 'shipmentNumber',
              width: 160,
              render: (number: string | null, x) => (
                <Link to={`/shipments/${x.shipmentId}`}>{number ?? t('shipments.exceptions.shipment')}</Link>
              ),
            },
            {
              title: t('shipments.field.customer'),
              dataIndex: 'customerName',
              ellipsis: true,
              render: (name: string | null, x) => (
                <Link to={`/customers/${x.customerId}`}>{name ?? '—'}</Link>
              ),
            },
            {
              title: t('shipments.exceptions.detail'),
              key: 'detail',
              ellipsis: true,
              render: (_: unknown, x) => <ExceptionDetail exception={x} />,
            },
            {
              title: t('shipments.exceptions.status'),
              dataIndex: 'status',
              width: 100,
              render: (v: string) => <ExceptionStatusTag status={v} />,
            },
            {
              title: t('shipments.exceptions.raisedAt'),
              dataIndex: 'raisedAt',
              width: 140,
              render: (v: string) => <Tooltip title={formatDateTime(v)}>{fromNow(v)}</Tooltip>,
            },
            {
              title: t('shipments.exceptions.notified'),
              dataIndex: 'customerNotifiedAt',
              width: 140,
              render: (v: string | null) => formatDateTime(v),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 260,
              render: (_: unknown, x) => <ExceptionActions exception={x} />,
            },
          ]}
        />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
    </>
  );
}
