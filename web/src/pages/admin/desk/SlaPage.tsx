import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Popconfirm, Row, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import { ValueClassTag } from '../../../components/tags';
import { deskApi, type Page, type SlaPolicy } from '../../../components/deskadmin/api';
import { CalendarEditor } from '../../../components/deskadmin/CalendarEditor';
import { DeskSettingsCard } from '../../../components/deskadmin/DeskSettingsCard';
import { SlaPolicyModal } from '../../../components/deskadmin/SlaPolicyModal';
import { errorText } from '../../../lib/forms';

/** SLA 管理: targets per ticket type, severity and value class, the business calendar, desk settings. */
export function SlaPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<SlaPolicy | 'new' | null>(null);
  const policies = useQuery({
    queryKey: ['slaPolicies'],
    queryFn: async () => (await deskApi.get<Page<SlaPolicy>>('/api/sla-policies')).items,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['slaPolicies'] });

  const toggle = useMutation({
    mutationFn: (policy: SlaPolicy) =>
      deskApi.patch('/api/sla-policies/{id}', policy.id, { active: !policy.active, version: policy.version }),
    onSuccess: () => refresh(),
    onError: (error) => message.error(errorText(t, error)),
  });
  const remove = useMutation({
    mutationFn: (policy: SlaPolicy) => deskApi.delete('/api/sla-policies/{id}', policy.id, policy.version),
    onSuccess: () => {
      message.success(t('deskAdmin.common.deleted'));
      void refresh();
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  const duration = (minutes: number) => {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return (
      [h ? t('deskAdmin.sla.h', { count: h }) : '', m ? t('deskAdmin.sla.min', { count: m }) : '']
        .filter(Boolean)
        .join(' ') || t('deskAdmin.sla.min', { count: 0 })
    );
  };
  const any = <Typography.Text type="secondary">{t('deskAdmin.sla.any')}</Typography.Text>;
  const sorted = [...(policies.data ?? [])].sort(
    (a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name),
  );

  return (
    <>
      <PageHeader
        title={t('deskAdmin.menu.sla')}
        crumbs={[{ title: t('menu.admin') }, { title: t('deskAdmin.menu.sla') }]}
        subTitle={t('deskAdmin.sla.subtitle')}
      />
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Card
          title={t('deskAdmin.sla.policies')}
          extra={
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing('new')}
              data-testid="sla-policy-create"
            >
              {t('deskAdmin.sla.createPolicy')}
            </Button>
          }
        >
          <Table<SlaPolicy>
            rowKey="id"
            data-testid="sla-policy-table"
            loading={policies.isLoading}
            dataSource={sorted}
            pagination={false}
            scroll={{ x: 900 }}
            columns={[
              { title: t('deskAdmin.sla.order'), dataIndex: 'sortOrder', width: 70 },
              {
                title: t('deskAdmin.sla.name'),
                dataIndex: 'name',
                render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
              },
              {
                title: t('deskAdmin.sla.ticketType'),
                dataIndex: 'ticketType',
                render: (v: string | null) => (v ? <Tag>{t(`deskAdmin.enum.ticketType.${v}`)}</Tag> : any),
              },
              {
                title: t('deskAdmin.sla.severity'),
                dataIndex: 'severity',
                render: (v: string | null) => (v ? <Tag>{t(`deskAdmin.enum.severity.${v}`)}</Tag> : any),
              },
              {
                title: t('deskAdmin.sla.valueClass'),
                dataIndex: 'valueClass',
                render: (v: string | null) => (v ? <ValueClassTag value={v} /> : any),
              },
              {
                title: t('deskAdmin.sla.firstResponse'),
                dataIndex: 'firstResponseMinutes',
                render: duration,
              },
              { title: t('deskAdmin.sla.resolution'), dataIndex: 'resolutionMinutes', render: duration },
              {
                title: t('deskAdmin.sla.warning'),
                dataIndex: 'warningFraction',
                render: (v: number) => `${Math.round(v * 100)}%`,
              },
              {
                title: t('deskAdmin.common.active'),
                dataIndex: 'active',
                width: 80,
                render: (v: boolean, policy) => (
                  <Switch
                    size="small"
                    checked={v}
                    onChange={() => toggle.mutate(policy)}
                    aria-label={t('deskAdmin.common.active')}
                  />
                ),
              },
              {
                title: t('common.actions'),
                key: 'actions',
                width: 130,
                render: (_: unknown, policy) => (
                  <Space size={0}>
                    <Button type="link" size="small" onClick={() => setEditing(policy)}>
                      {t('common.edit')}
                    </Button>
                    <Popconfirm
                      title={t('deskAdmin.common.deleteConfirm')}
                      onConfirm={() => remove.mutate(policy)}
                    >
                      <Button type="link" size="small" danger>
                        {t('common.remove')}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
        </Card>
        <Row gutter={16}>
          <Col xs={24} xl={16}>
            <CalendarEditor />
          </Col>
          <Col xs={24} xl={8}>
            <DeskSettingsCard />
          </Col>
        </Row>
      </Space>
      <SlaPolicyModal
        open={editing !== null}
        policy={editing && editing !== 'new' ? editing : undefined}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          void refresh();
        }}
      />
    </>
  );
}
