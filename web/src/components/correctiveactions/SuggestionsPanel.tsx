import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, List, Row, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type ComplaintCluster, type ElementSuggestion, formatFigure, useSuggestions } from './api';
import type { ActionPreset } from './CreateActionDrawer';

/** 整改建议: low-scoring elements and repeated complaints that have no open action, each one click from a new action. */
export function SuggestionsPanel(props: { canCreate: boolean; onCreate: (preset: ActionPreset) => void }) {
  const { t, i18n } = useTranslation();
  const suggestions = useSuggestions();
  const en = i18n.language === 'en';
  const data = suggestions.data;

  const fromElement = (e: ElementSuggestion): ActionPreset => {
    const name = en ? e.nameEn : e.nameZh;
    return {
      source: 'element',
      modelId: e.modelId,
      itemKey: e.itemKey,
      title: t('actions.suggest.elementTitle', { name }),
      problem: t('actions.suggest.elementProblem', { name, score: formatFigure(e.score), count: e.answers }),
    };
  };
  const fromCluster = (c: ComplaintCluster): ActionPreset => {
    const category = en ? (c.categoryNameEn ?? c.categoryName) : c.categoryName;
    const who = c.customerName ?? t('actions.allCustomers');
    return {
      source: 'complaints',
      ticketIds: c.ticketIds,
      customerId: c.customerId,
      context: t('actions.suggest.clusterContext', { who, category, count: c.count }),
      title: t('actions.suggest.clusterTitle', { who, category }),
      problem: t('actions.suggest.clusterProblem', { who, category, count: c.count }),
    };
  };

  return (
    <Card
      size="small"
      title={t('actions.suggest.title')}
      loading={suggestions.isLoading}
      data-testid="action-suggestions"
    >
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Typography.Text strong>{t('actions.suggest.elements')}</Typography.Text>
          {data?.elements.length ? (
            <List
              size="small"
              dataSource={data.elements}
              renderItem={(e) => (
                <List.Item
                  data-testid="suggestion-element"
                  actions={
                    props.canCreate
                      ? [
                          <Button
                            key="create"
                            size="small"
                            icon={<PlusOutlined />}
                            onClick={() => props.onCreate(fromElement(e))}
                            data-testid={`suggestion-create-${e.itemKey}`}
                          >
                            {t('actions.suggest.create')}
                          </Button>,
                        ]
                      : []
                  }
                >
                  <Space direction="vertical" size={0}>
                    <Space size={4} wrap>
                      <span>{en ? e.nameEn : e.nameZh}</span>
                      {e.reasons.map((r) => (
                        <Tag key={r} color={r === 'low_score' ? 'red' : 'orange'}>
                          {t(`actions.suggest.reason.${r}`)}
                        </Tag>
                      ))}
                    </Space>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('actions.suggest.elementLine', { score: formatFigure(e.score), count: e.answers })}
                    </Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('actions.suggest.noElements')} />
          )}
        </Col>
        <Col xs={24} md={12}>
          <Typography.Text strong>{t('actions.suggest.complaints')}</Typography.Text>
          {data?.complaintClusters.length ? (
            <List
              size="small"
              dataSource={data.complaintClusters}
              renderItem={(c) => (
                <List.Item
                  data-testid="suggestion-cluster"
                  actions={
                    props.canCreate
                      ? [
                          <Button
                            key="create"
                            size="small"
                            icon={<PlusOutlined />}
                            onClick={() => props.onCreate(fromCluster(c))}
                          >
                            {t('actions.suggest.create')}
                          </Button>,
                        ]
                      : []
                  }
                >
                  <Space direction="vertical" size={0}>
                    <span>
                      {c.customerName ?? t('actions.allCustomers')} ·{' '}
                      {en ? (c.categoryNameEn ?? c.categoryName) : c.categoryName}
                    </span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('actions.suggest.clusterLine', { count: c.count })}
                    </Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('actions.suggest.noComplaints')} />
          )}
        </Col>
      </Row>
    </Card>
  );
}
