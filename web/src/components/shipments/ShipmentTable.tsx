import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../../lib/time';
import { laneOf, type Shipment } from './api';
import { EtaText, ModeTag, OpenExceptionsBadge, ShipmentStatusTag } from './parts';

/** The shipment list's columns: number, customer, mode, lane, status, promised, ETA, open exceptions. */
export function ShipmentTable(props: {
  rows: Shipment[];
  loading: boolean;
  emptyText: string;
  customer?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const columns: ColumnsType<Shipment> = [
    {
      title: t('shipments.field.number'),
      dataIndex: 'number',
      width: 170,
      render: (number: string, s) => (
        <div>
          <Link to={`/shipments/${s.id}`} data-testid="shipment-link">
            {number}
          </Link>
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }} ellipsis>
            {s.containers?.[0] ?? s.awb ?? s.houseBl ?? s.orderNo ?? s.customerReference ?? ''}
          </Typography.Text>
        </div>
      ),
    },
    ...(props.customer === false
      ? []
      : [
          {
            title: t('shipments.field.customer'),
            dataIndex: 'customerName',
            ellipsis: true,
            render: (name: string | null, s: Shipment) => (
              <Link to={`/customers/${s.customerId}`}>{name ?? '—'}</Link>
            ),
          },
        ]),
    {
      title: t('shipments.field.mode'),
      dataIndex: 'mode',
      width: 90,
      render: (mode: string) => <ModeTag mode={mode} />,
    },
    { title: t('shipments.field.lane'), key: 'lane', width: 140, render: (_: unknown, s) => laneOf(s) },
    {
      title: t('shipments.field.status'),
      dataIndex: 'status',
      width: 120,
      render: (status: string) => <ShipmentStatusTag status={status} />,
    },
    {
      title: t('shipments.field.promisedAt'),
      dataIndex: 'promisedAt',
      width: 150,
      render: (value: string | null) => formatDateTime(value),
    },
    {
      title: t('shipments.field.eta'),
      key: 'eta',
      width: 150,
      render: (_: unknown, s) => (s.deliveredAt ? formatDateTime(s.deliveredAt) : <EtaText shipment={s} />),
    },
    {
      title: t('shipments.field.openExceptions'),
      dataIndex: 'openExceptions',
      width: 90,
      align: 'center',
      render: (count: number) => <OpenExceptionsBadge count={count} />,
    },
  ];
  return (
    <Table<Shipment>
      rowKey="id"
      data-testid={props.testId ?? 'shipment-table'}
      loading={props.loading}
      dataSource={props.rows}
      pagination={false}
      scroll={{ x: 1100 }}
      tableLayout="fixed"
      size="middle"
      locale={{ emptyText: props.emptyText }}
      columns={columns}
    />
  );
}
