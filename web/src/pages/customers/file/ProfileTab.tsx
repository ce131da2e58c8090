import { Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { CustomerSatisfactionCard } from '../../../components/satisfaction/CustomerSatisfactionCard';
import { useDepartmentName } from '../../../components/selects';
import { EnumTag, StageTag, ValueClassTag } from '../../../components/tags';
import { formatDateTime } from '../../../lib/time';
import type { Customer } from './useCustomer';

const dash = (value: string | null | undefined) => value || '—';

export function ProfileTab({ customer: c }: { customer: Customer }) {
  const { t } = useTranslation();
  const departmentName = useDepartmentName();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={t('customer.sectionBasic')}>
        <Descriptions bordered size="middle" column={{ xs: 1, md: 2, xl: 3 }} data-testid="customer-profile">
          <Descriptions.Item label={t('customer.name')}>{c.name}</Descriptions.Item>
          <Descriptions.Item label={t('customer.shortName')}>{dash(c.shortName)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.kind')}>
            {t(`enum.customerKind.${c.kind}`, { defaultValue: c.kind })}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.taxId')}>
            {c.taxId ? (
              <Typography.Text copyable style={{ fontFamily: 'monospace' }}>
                {c.taxId}
              </Typography.Text>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.industry')}>{dash(c.industry)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.source')}>{dash(c.source)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.phone')}>{dash(c.phone)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.email')}>
            {c.email ? <a href={`mailto:${c.email}`}>{c.email}</a> : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.website')}>
            {c.website ? (
              <a
                href={/^https?:\/\//.test(c.website) ? c.website : `https://${c.website}`}
                target="_blank"
                rel="noreferrer"
              >
                {c.website}
              </a>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.addresses')} span={3}>
            {c.addresses.length ? (
              <Space orientation="vertical" size={2}>
                {c.addresses.map((address) => (
                  <span key={`${address.kind}-${address.text}`}>
                    <Tag>{t(`customer.addressKinds.${address.kind}`, { defaultValue: address.kind })}</Tag>
                    {address.text}
                    {address.postcode && (
                      <Typography.Text type="secondary"> （{address.postcode}）</Typography.Text>
                    )}
                  </span>
                ))}
              </Space>
            ) : (
              '—'
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('customer.sectionClassification')}>
        <Descriptions bordered size="middle" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('customer.stage')}>
            <StageTag stage={c.stage} />
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.valueClass')}>
            <ValueClassTag value={c.valueClass} />
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.needType')}>
            {c.needType ? <EnumTag group="needType" value={c.needType} color="purple" /> : '—'}
          </Descriptions.Item>
          {c.stage === 'churned' && (
            <Descriptions.Item label={t('customer.churnReason')} span={3}>
              {dash(c.churnReason)}
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('customer.bonds')}>
            {c.bonds?.length
              ? c.bonds.map((bond) => <EnumTag key={bond} group="bond" value={bond} color="green" />)
              : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.competitors')}>
            {c.competitors?.length ? c.competitors.map((name) => <Tag key={name}>{name}</Tag>) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.tags')}>
            {c.tags?.length
              ? c.tags.map((tag) => (
                  <Tag key={tag} color="blue">
                    {tag}
                  </Tag>
                ))
              : '—'}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <CustomerSatisfactionCard customerId={c.id} />
      <Card title={t('customer.sectionOwnership')}>
        <Descriptions bordered size="middle" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('customer.owner')}>{dash(c.ownerName)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.team')}>{departmentName(c.teamId)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.servingDepartments')}>
            {c.departmentIds.length
              ? c.departmentIds.map((id) => <Tag key={id}>{departmentName(id)}</Tag>)
              : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.createdAt')}>{formatDateTime(c.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.updatedAt')}>{formatDateTime(c.updatedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.lastVerified')}>
            {c.verifiedAt ? formatDateTime(c.verifiedAt) : t('customer.neverVerified')}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.notes')} span={3}>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
              {dash(c.notes)}
            </Typography.Paragraph>
          </Descriptions.Item>
        </Descriptions>
      </Card>
    </Space>
  );
}
