import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, List, Row, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { PageHeader } from '../../components/PageHeader';
import { ValueClassTag } from '../../components/tags';
import { deskApi, type Page, type ReviewGroup } from '../../components/deskadmin/api';
import { formatDateTime, fromNow } from '../../lib/time';
import { CommitmentStatusTags } from './CommitmentsPage';

/** 重点客户承诺复核: A-class customers' open promises, nearest due first, with recent communications. */
export function CommitmentReviewPage() {
  const { t } = useTranslation();
  const review = useInfiniteQuery({
    queryKey: ['commitments', 'review'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      deskApi.get<Page<ReviewGroup>>('/api/commitments/review', { cursor: pageParam, limit: 20 }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const groups = review.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title={t('deskAdmin.menu.commitmentReview')}
        crumbs={[
          { title: t('deskAdmin.menu.commitments'), to: '/commitments' },
          { title: t('deskAdmin.menu.commitmentReview') },
        ]}
        subTitle={t('deskAdmin.review.subtitle')}
      />
      {review.isLoading && <Spin />}
      {!review.isLoading && groups.length === 0 && (
        <Card>
          <Empty description={t('deskAdmin.review.empty')} />
        </Card>
      )}
      <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="review-list">
        {groups.map((group) => (
          <Card
            key={group.customerId}
            data-testid="review-customer"
            title={
              <Space>
                <Link to={`/customers/${group.customerId}`}>{group.customerName}</Link>
                <ValueClassTag value={group.valueClass} />
                {group.ownerName && (
                  <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
                    {t('deskAdmin.review.owner', { name: group.ownerName })}
                  </Typography.Text>
                )}
              </Space>
            }
            extra={
              <Typography.Text type="secondary">
                {t('deskAdmin.review.nextDue', { when: formatDateTime(group.nextDueAt) })}
              </Typography.Text>
            }
          >
            <Row gutter={24}>
              <Col xs={24} lg={13}>
                <Typography.Title level={5}>{t('deskAdmin.review.openPromises')}</Typography.Title>
                <List
                  size="small"
                  dataSource={group.commitments}
                  renderItem={(c) => (
                    <List.Item
                      style={c.overdue ? { background: '#fff1f0' } : undefined}
                      data-overdue={c.overdue ? 'true' : 'false'}
                    >
                      <List.Item.Meta
                        title={
                          <Space wrap>
                            <span>{c.promise}</span>
                            <CommitmentStatusTags commitment={c} />
                          </Space>
                        }
                        description={
                          <Space wrap>
                            <Typography.Text type={c.overdue ? 'danger' : 'secondary'}>
                              {t('deskAdmin.review.due', {
                                when: formatDateTime(c.dueAt),
                                relative: fromNow(c.dueAt),
                              })}
                            </Typography.Text>
                            <Typography.Text type="secondary">{c.madeByName}</Typography.Text>
                            {c.amount !== null && (
                              <Typography.Text type="secondary">
                                ¥{Number(c.amount).toLocaleString()}
                              </Typography.Text>
                            )}
                          </Space>
                        }
                      />
                    </List.Item>
                  )}
                />
              </Col>
              <Col xs={24} lg={11}>
                <Typography.Title level={5}>{t('deskAdmin.review.recent')}</Typography.Title>
                <List
                  size="small"
                  locale={{ emptyText: t('deskAdmin.review.noCommunications') }}
                  dataSource={[
                    ...group.recentInteractions.map((i) => ({
                      key: `i-${i.id}`,
                      at: i.occurredAt,
                      text: i.summary,
                      meta: [t(`enum.channel.${i.channel}`, { defaultValue: i.channel }), i.userName]
                        .filter(Boolean)
                        .join(' · '),
                    })),
                    ...group.recentTickets.map((r) => ({
                      key: `t-${r.id}`,
                      at: r.createdAt,
                      text: `${r.number} ${r.subject}`,
                      meta: `${t(`deskAdmin.enum.ticketType.${r.type}`, { defaultValue: r.type })} · ${t(`deskAdmin.enum.ticketStatus.${r.status}`, { defaultValue: r.status })}`,
                    })),
                  ]
                    .sort((a, b) => b.at.localeCompare(a.at))
                    .slice(0, 6)}
                  renderItem={(entry) => (
                    <List.Item key={entry.key}>
                      <List.Item.Meta
                        title={
                          <Typography.Text ellipsis={{ tooltip: entry.text }}>{entry.text}</Typography.Text>
                        }
                        description={`${formatDateTime(entry.at)} · ${entry.meta}`}
                      />
                    </List.Item>
                  )}
                />
              </Col>
            </Row>
          </Card>
        ))}
      </Space>
      {review.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button loading={review.isFetchingNextPage} onClick={() => review.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
