import { Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export interface DuplicateCandidate {
  id: string;
  name: string;
  taxId?: string | null;
  phone?: string | null;
  archived?: boolean;
  ownerName?: string | null;
  reasons?: string[];
  score?: number;
  [key: string]: unknown;
}

/** Existing customer files that look like the one being created, each opening in a new tab. */
export function DuplicateList({
  candidates,
  compact,
}: {
  candidates: DuplicateCandidate[];
  compact?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Table<DuplicateCandidate>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={candidates}
      data-testid="duplicate-candidates"
      columns={[
        {
          title: t('customer.name'),
          dataIndex: 'name',
          render: (name: string, candidate) => (
            <Space orientation="vertical" size={0}>
              <Space size={4}>
                <Link to={`/customers/${candidate.id}`} target="_blank">
                  {name}
                </Link>
                {candidate.archived && <Tag>{t('customer.archived')}</Tag>}
              </Space>
              {!compact && candidate.taxId && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('customer.taxId')}: {candidate.taxId}
                </Typography.Text>
              )}
            </Space>
          ),
        },
        ...(compact
          ? []
          : [
              {
                title: t('customer.phone'),
                dataIndex: 'phone',
                width: 140,
                render: (phone: string | null) => phone ?? '—',
              },
              {
                title: t('customer.owner'),
                dataIndex: 'ownerName',
                width: 110,
                render: (name: string | null) => name ?? '—',
              },
            ]),
        {
          title: t('customer.duplicateReason'),
          dataIndex: 'reasons',
          render: (reasons: string[] | undefined) =>
            (reasons ?? []).map((reason) => (
              <Tag key={reason} color="orange">
                {t(`customer.duplicateReasons.${reason}`, { defaultValue: reason })}
              </Tag>
            )),
        },
      ]}
    />
  );
}
