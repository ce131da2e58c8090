import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Segmented, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import { FollowUpFormModal } from '../../../components/followups/FollowUpFormModal';
import { FollowUpTable } from '../../../components/followups/FollowUpTable';
import type { FollowUp } from '../../../components/followups/useFollowUpActions';
import { useMe } from '../../../lib/auth';
import type { Customer } from './useCustomer';

type Status = 'open' | 'done' | 'cancelled' | 'all';

export function FollowUpsTab({ customer, editable }: { customer: Customer; editable: boolean }) {
  const { t } = useTranslation();
  const me = useMe();
  const [status, setStatus] = useState<Status>('open');
  const [creating, setCreating] = useState(false);
  const list = useInfiniteQuery({
    queryKey: ['followUps', 'customer', customer.id, status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/customers/{id}/follow-ups', {
          params: {
            path: { id: customer.id },
            query: {
              status: status === 'all' ? undefined : status,
              order: status === 'open' ? 'asc' : 'desc',
              limit: 50,
              cursor: pageParam,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = (list.data?.pages.flatMap((page) => page.items) ?? []) as FollowUp[];
  // Editors plan follow-ups; operations users plan their own next steps (the server decides).
  const mayCreate = editable;

  return (
    <Card
      title={t('customer.tabs.followUps')}
      extra={
        <Space>
          <Segmented<Status>
            value={status}
            onChange={setStatus}
            options={[
              { value: 'open', label: t('enum.followUpStatus.open') },
              { value: 'done', label: t('enum.followUpStatus.done') },
              { value: 'cancelled', label: t('enum.followUpStatus.cancelled') },
              { value: 'all', label: t('common.all') },
            ]}
          />
          {mayCreate && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('followUps.create')}
            </Button>
          )}
        </Space>
      }
    >
      <FollowUpTable
        items={rows}
        loading={list.isLoading}
        showAssignee
        editable={me.role !== 'manager'}
        testId="customer-follow-ups"
      />
      {list.hasNextPage && (
        <div className="table-load-more">
          <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
      <FollowUpFormModal open={creating} onClose={() => setCreating(false)} customerId={customer.id} />
    </Card>
  );
}
