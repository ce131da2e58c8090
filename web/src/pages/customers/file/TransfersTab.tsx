import { ArrowRightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../../api/client';
import { formatDateTime } from '../../../lib/time';

type Transfer = ResponseOf<'/api/customers/{id}/transfers', 'get'>['items'][number];

export function TransfersTab({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const transfers = useQuery({
    queryKey: ['customer', customerId, 'transfers'],
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers/{id}/transfers', { params: { path: { id: customerId } } })))
        .items,
  });
  return (
    <Card title={t('customer.tabs.transfers')}>
      <Table<Transfer>
        rowKey="id"
        loading={transfers.isLoading}
        dataSource={transfers.data}
        pagination={false}
        locale={{ emptyText: t('transfers.empty') }}
        columns={[
          { title: t('transfers.at'), dataIndex: 'at', width: 170, render: (v: string) => formatDateTime(v) },
          {
            title: t('transfers.change'),
            key: 'change',
            render: (_: unknown, row) => (
              <Space>
                <Typography.Text type="secondary">
                  {row.fromUserName ?? t('transfers.nobody')}
                </Typography.Text>
                <ArrowRightOutlined />
                <Typography.Text strong>{row.toUserName ?? '—'}</Typography.Text>
              </Space>
            ),
          },
          { title: t('transfers.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '—' },
          {
            title: t('transfers.by'),
            dataIndex: 'byUserName',
            width: 140,
            render: (v: string | null) => v ?? '—',
          },
        ]}
      />
    </Card>
  );
}
