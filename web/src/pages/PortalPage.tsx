import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Result, Skeleton, Table, Tabs, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { PageHeader } from '../components/PageHeader';
import { useMe } from '../lib/auth';
import { PortalShipments } from './portal/PortalShipments';
import { PortalSurveys } from './portal/PortalSurveys';
import { PortalTickets } from './portal/PortalTickets';

/** A portal user's own company: the file as the customer may see it and its contacts. */
export function PortalPage() {
  const { t } = useTranslation();
  const me = useMe();
  const customerId = me.customerId;
  // ?tab=shipments opens the shipments tab, ?shipment=<id> a shipment (links in notices use them).
  const [params, setParams] = useSearchParams();
  const openShipment = params.get('shipment');
  const tab =
    params.get('tab') === 'shipments' || openShipment
      ? 'shipments'
      : params.get('tab') === 'surveys'
        ? 'surveys'
        : 'requests';
  const setTab = (key: string) => setParams(key === 'requests' ? {} : { tab: key }, { replace: true });
  const setOpenShipment = (id: string | null) =>
    setParams(id ? { tab: 'shipments', shipment: id } : { tab: 'shipments' }, { replace: !id });
  const customer = useQuery({
    queryKey: ['customer', customerId],
    enabled: !!customerId,
    queryFn: () => unwrap(api.GET('/api/customers/{id}', { params: { path: { id: customerId! } } })),
  });
  const contacts = useQuery({
    queryKey: ['contacts', customerId],
    enabled: !!customerId,
    queryFn: async () =>
      (await unwrap(api.GET('/api/customers/{id}/contacts', { params: { path: { id: customerId! } } })))
        .items,
  });

  if (me.role !== 'portal' || !customerId) {
    return <Result status="info" title={t('portal.staffTitle')} subTitle={t('portal.staffText')} />;
  }
  if (customer.isLoading) return <Skeleton active />;
  if (!customer.data) return <Result status="warning" title={t('portal.missing')} />;
  const c = customer.data;
  return (
    <>
      <PageHeader title={c.name} crumbs={[{ title: t('menu.portal') }]} subTitle={t('portal.subtitle')} />
      <Tabs
        activeKey={tab}
        onChange={setTab}
        data-testid="portal-tabs"
        items={[
          {
            key: 'requests',
            label: t('track.portal.tabRequests'),
            children: (
              <>
                <PortalTickets />
                <Card title={t('portal.company')} style={{ marginBottom: 16 }}>
                  <Descriptions bordered column={{ xs: 1, md: 2 }}>
                    <Descriptions.Item label={t('customer.name')}>{c.name}</Descriptions.Item>
                    <Descriptions.Item label={t('customer.taxId')}>{c.taxId ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('customer.phone')}>{c.phone ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('customer.email')}>{c.email ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('portal.accountManager')}>
                      {c.ownerName ?? '—'}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('customer.addresses')}>
                      {c.addresses.map((a) => a.text).join('；') || '—'}
                    </Descriptions.Item>
                  </Descriptions>
                </Card>
                <Card title={t('customer.tabs.contacts')}>
                  <Table
                    rowKey="id"
                    loading={contacts.isLoading}
                    dataSource={contacts.data}
                    scroll={{ x: 640 }}
                    pagination={false}
                    columns={[
                      { title: t('contacts.name'), dataIndex: 'name' },
                      {
                        title: t('contacts.title'),
                        dataIndex: 'title',
                        render: (v: string | null) => v ?? '—',
                      },
                      {
                        title: t('contacts.phones'),
                        dataIndex: 'phones',
                        render: (v: string[]) => v.join('、') || '—',
                      },
                      {
                        title: t('contacts.email'),
                        dataIndex: 'email',
                        render: (v: string | null) => v ?? '—',
                      },
                      {
                        title: t('contacts.preferredChannel'),
                        dataIndex: 'preferredChannel',
                        render: (v: string | null) => (v ? <Tag>{t(`enum.channel.${v}`)}</Tag> : '—'),
                      },
                    ]}
                  />
                </Card>
              </>
            ),
          },
          {
            key: 'shipments',
            label: t('track.portal.tab'),
            children: <PortalShipments openId={openShipment} onOpen={setOpenShipment} />,
          },
          { key: 'surveys', label: t('surveys.portal.title'), children: <PortalSurveys /> },
        ]}
      />
    </>
  );
}
