import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Row, Spin, Statistic, Tag, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { formatDate } from '../../lib/time';
import { formatIndex } from './api';

// ECharts is loaded only when a file with answers is opened, not with the customer pages.
const TrendLine = lazy(async () => ({ default: (await import('./TrendLine')).TrendLine }));

/** The customer's satisfaction index, its change since the previous answer and its trend, on the file's overview. */
export function CustomerSatisfactionCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const data = useQuery({
    queryKey: ['satisfaction', 'customer', customerId],
    queryFn: () =>
      unwrap(api.GET('/api/customers/{id}/satisfaction', { params: { path: { id: customerId } } })),
    retry: false,
  });
  // The card only adds to the file: when the index cannot be read, the file shows without it.
  if (data.isError) return null;
  const s = data.data;
  const delta = s && s.current !== null && s.previous !== null ? s.current - s.previous : null;
  return (
    <Card
      title={t('satisfaction.customerCard.title')}
      data-testid="customer-satisfaction"
      loading={data.isLoading}
      extra={
        <Link to={`/satisfaction?customerId=${customerId}&groupBy=period`}>
          {t('satisfaction.customerCard.open')}
        </Link>
      }
    >
      {s && !s.responses ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('satisfaction.customerCard.none')} />
      ) : (
        s && (
          <Row gutter={[24, 16]} align="middle">
            <Col xs={24} md={8}>
              <Statistic
                title={t('satisfaction.customerCard.current')}
                value={s.current === null ? t('satisfaction.tooFew') : formatIndex(s.current)}
                data-testid="customer-satisfaction-current"
              />
              {delta !== null && (
                <Tag
                  color={delta < 0 ? 'red' : 'green'}
                  icon={delta < 0 ? <ArrowDownOutlined /> : <ArrowUpOutlined />}
                  style={{ marginTop: 4 }}
                >
                  {t('satisfaction.customerCard.delta', {
                    delta: `${delta >= 0 ? '+' : ''}${delta.toFixed(1)}`,
                    previous: formatIndex(s.previous),
                  })}
                </Tag>
              )}
              <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                {t('satisfaction.customerCard.responses', {
                  count: s.responses,
                  date: formatDate(s.lastAnsweredAt),
                })}
              </Typography.Paragraph>
            </Col>
            <Col xs={24} md={16}>
              {s.trend.length > 0 && (
                <Suspense fallback={<Spin />}>
                  <TrendLine points={s.trend} height={160} compact />
                </Suspense>
              )}
            </Col>
          </Row>
        )
      )}
    </Card>
  );
}
