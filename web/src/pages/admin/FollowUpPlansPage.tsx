import { ThunderboltOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  InputNumber,
  Popconfirm,
  Row,
  Space,
  Switch,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ResponseOf, unwrap } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { ValueClassTag } from '../../components/tags';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';

type Plans = ResponseOf<'/api/follow-up-plans', 'get'>;
type Plan = Plans['items'][number];

/** 回访计划: how often each value class is called on, and the lead time of greetings. */
export function FollowUpPlansPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, { intervalMonths: number; enabled: boolean }>>({});
  const [leadDays, setLeadDays] = useState<number | null>(null);
  const plans = useQuery({
    queryKey: ['followUpPlans'],
    queryFn: () => unwrap(api.GET('/api/follow-up-plans')),
  });

  const savePlan = useMutation({
    mutationFn: (plan: Plan) => {
      const draft = drafts[plan.valueClass] ?? plan;
      return unwrap(
        api.PUT('/api/follow-up-plans/{valueClass}', {
          params: { path: { valueClass: plan.valueClass } },
          body: { intervalMonths: draft.intervalMonths, enabled: draft.enabled, version: plan.version },
        }),
      );
    },
    onSuccess: (_d, plan) => {
      message.success(t('common.saved'));
      setDrafts(({ [plan.valueClass]: _done, ...rest }) => rest);
      void queryClient.invalidateQueries({ queryKey: ['followUpPlans'] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  const saveGreetings = useMutation({
    mutationFn: (days: number) =>
      unwrap(api.PUT('/api/follow-up-plans/greetings', { body: { leadDays: days } })),
    onSuccess: () => {
      message.success(t('common.saved'));
      setLeadDays(null);
      void queryClient.invalidateQueries({ queryKey: ['followUpPlans'] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  const generate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/follow-ups/generate')),
    onSuccess: (result) => {
      message.success(t('plans.generated', { periodic: result.periodic, greetings: result.greetings }));
      void queryClient.invalidateQueries({ queryKey: ['today'] });
      void queryClient.invalidateQueries({ queryKey: ['followUps'] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <>
      <PageHeader
        title={t('menu.followUpPlans')}
        crumbs={[{ title: t('menu.admin') }, { title: t('menu.followUpPlans') }]}
        subTitle={t('plans.subtitle')}
        extra={
          <Popconfirm title={t('plans.generateConfirm')} onConfirm={() => generate.mutate()}>
            <Button icon={<ThunderboltOutlined />} loading={generate.isPending}>
              {t('plans.generate')}
            </Button>
          </Popconfirm>
        }
      />
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Card title={t('plans.periodic')}>
            <Table<Plan>
              rowKey="valueClass"
              loading={plans.isLoading}
              dataSource={plans.data?.items}
              pagination={false}
              columns={[
                {
                  title: t('customer.valueClass'),
                  dataIndex: 'valueClass',
                  width: 160,
                  render: (v: string) => (
                    <Space>
                      <ValueClassTag value={v} />
                      <Typography.Text type="secondary">{t(`enum.valueClassHint.${v}`)}</Typography.Text>
                    </Space>
                  ),
                },
                {
                  title: t('plans.interval'),
                  key: 'interval',
                  render: (_: unknown, plan) => (
                    <InputNumber
                      min={1}
                      max={24}
                      value={drafts[plan.valueClass]?.intervalMonths ?? plan.intervalMonths}
                      suffix={t('plans.months')}
                      onChange={(value) =>
                        setDrafts((all) => ({
                          ...all,
                          [plan.valueClass]: {
                            enabled: all[plan.valueClass]?.enabled ?? plan.enabled,
                            intervalMonths: value ?? plan.intervalMonths,
                          },
                        }))
                      }
                    />
                  ),
                },
                {
                  title: t('plans.enabled'),
                  key: 'enabled',
                  width: 100,
                  render: (_: unknown, plan) => (
                    <Switch
                      checked={drafts[plan.valueClass]?.enabled ?? plan.enabled}
                      onChange={(checked) =>
                        setDrafts((all) => ({
                          ...all,
                          [plan.valueClass]: {
                            intervalMonths: all[plan.valueClass]?.intervalMonths ?? plan.intervalMonths,
                            enabled: checked,
                          },
                        }))
                      }
                    />
                  ),
                },
                {
                  title: t('plans.updatedAt'),
                  dataIndex: 'updatedAt',
                  width: 160,
                  render: (v: string) => formatDateTime(v),
                },
                {
                  title: '',
                  key: 'save',
                  width: 90,
                  render: (_: unknown, plan) => (
                    <Button
                      type="primary"
                      size="small"
                      disabled={!drafts[plan.valueClass]}
                      loading={savePlan.isPending && savePlan.variables?.valueClass === plan.valueClass}
                      onClick={() => savePlan.mutate(plan)}
                    >
                      {t('common.save')}
                    </Button>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title={t('plans.greetings')}>
            <Typography.Paragraph type="secondary">{t('plans.greetingsHint')}</Typography.Paragraph>
            <Descriptions column={1}>
              <Descriptions.Item label={t('plans.leadDays')}>
                <Space>
                  <InputNumber
                    min={0}
                    max={60}
                    value={leadDays ?? plans.data?.greetingLeadDays}
                    onChange={setLeadDays}
                    suffix={t('plans.days')}
                  />
                  <Button
                    type="primary"
                    size="small"
                    disabled={leadDays === null}
                    loading={saveGreetings.isPending}
                    onClick={() => leadDays !== null && saveGreetings.mutate(leadDays)}
                  >
                    {t('common.save')}
                  </Button>
                </Space>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
      </Row>
    </>
  );
}
