import { Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatIndex, type IndexNode } from './api';
import { indexColor } from './chartParts';

/** One index value in a table: the number with its interval on hover, or 样本不足. */
export function IndexCell({ node, showCi = false }: { node: IndexNode | undefined; showCi?: boolean }) {
  const { t } = useTranslation();
  if (!node) return <Typography.Text type="secondary">—</Typography.Text>;
  if (node.insufficient || node.value === null) {
    return (
      <Tooltip title={t('satisfaction.answersCount', { answers: node.answers, responses: node.responses })}>
        <Tag data-testid="index-insufficient">{t('satisfaction.tooFew')}</Tag>
      </Tooltip>
    );
  }
  const ci = t('satisfaction.ci', { low: formatIndex(node.ciLow), high: formatIndex(node.ciHigh) });
  return (
    <Tooltip
      title={`${ci} · ${t('satisfaction.answersCount', { answers: node.answers, responses: node.responses })}`}
    >
      <Space size={6} align="baseline">
        <span
          style={{
            display: 'inline-block',
            width: 8,
            height: 8,
            borderRadius: 4,
            background: indexColor(node.value),
          }}
        />
        <Typography.Text strong>{formatIndex(node.value)}</Typography.Text>
        {showCi && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            [{formatIndex(node.ciLow)}, {formatIndex(node.ciHigh)}]
          </Typography.Text>
        )}
      </Space>
    </Tooltip>
  );
}
