import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../lib/forms';
import { type DeskSettings, deskApi } from './api';

const NUMBERS: { key: keyof DeskSettings; unit: 'days' | 'times' | 'yuan'; max: number }[] = [
  { key: 'reopenWindowDays', unit: 'days', max: 365 },
  { key: 'autoEscalateAfterReopens', unit: 'times', max: 20 },
  { key: 'repeatWindowDays', unit: 'days', max: 365 },
  { key: 'followUpAfterDays', unit: 'days', max: 365 },
  { key: 'secondVisitAfterDays', unit: 'days', max: 365 },
  { key: 'approvalThreshold', unit: 'yuan', max: 100_000_000 },
];

/** 服务台设置: reopen window, automatic 换人, repeat window, follow-up visits, the approval threshold. */
export function DeskSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<DeskSettings>();
  const settings = useQuery({
    queryKey: ['deskSettings'],
    queryFn: () => deskApi.get<DeskSettings>('/api/service-desk/settings'),
  });
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);

  const save = useMutation({
    mutationFn: (values: DeskSettings) => deskApi.put<DeskSettings>('/api/service-desk/settings', values),
    onSuccess: (saved) => {
      message.success(t('common.saved'));
      queryClient.setQueryData(['deskSettings'], saved);
    },
    onError: (error) => {
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });

  return (
    <Card
      title={t('deskAdmin.settings.title')}
      loading={settings.isLoading}
      extra={
        <Button
          type="primary"
          loading={save.isPending}
          onClick={() => form.submit()}
          data-testid="settings-save"
        >
          {t('common.save')}
        </Button>
      }
    >
      <Form
        form={form}
        layout="horizontal"
        labelCol={{ span: 14 }}
        wrapperCol={{ span: 10 }}
        onFinish={(values) => save.mutate(values)}
      >
        {NUMBERS.map(({ key, unit, max }) => (
          <Form.Item key={key} name={key} label={t(`deskAdmin.settings.${key}`)} rules={[{ required: true }]}>
            <InputNumber
              min={0}
              max={max}
              suffix={t(`deskAdmin.settings.unit.${unit}`)}
              style={{ width: '100%' }}
            />
          </Form.Item>
        ))}
        <Form.Item
          name="autoEscalateOnBreach"
          label={t('deskAdmin.settings.autoEscalateOnBreach')}
          valuePropName="checked"
        >
          <Switch />
        </Form.Item>
      </Form>
    </Card>
  );
}
