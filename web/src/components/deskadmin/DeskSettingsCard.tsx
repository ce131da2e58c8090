import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../lib/forms';
import { type DeskSettings, deskApi } from './api';

/** The settings' keys on the server (`tickets.reopenWindowDays` …) and in the form. */
const SERVER_KEYS: Record<keyof DeskSettings, string> = {
  reopenWindowDays: 'tickets.reopenWindowDays',
  autoEscalateAfterReopens: 'tickets.autoEscalateAfterReopens',
  autoEscalateOnBreach: 'tickets.autoEscalateOnBreach',
  repeatWindowDays: 'tickets.repeatWindowDays',
  followUpAfterDays: 'tickets.followUpAfterDays',
  secondVisitAfterDays: 'tickets.secondVisitAfterDays',
  approvalThreshold: 'commitments.approvalThreshold',
};
const FORM_KEYS = Object.entries(SERVER_KEYS) as [keyof DeskSettings, string][];

function fromServer(values: Record<string, unknown>): DeskSettings {
  return Object.fromEntries(
    FORM_KEYS.map(([form, server]) => [form, values[server]]),
  ) as unknown as DeskSettings;
}

function toServer(values: DeskSettings): Record<string, unknown> {
  return Object.fromEntries(FORM_KEYS.map(([form, server]) => [server, values[form]]));
}

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
    queryFn: async () => fromServer(await deskApi.get<Record<string, unknown>>('/api/service-desk/settings')),
  });
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);

  const save = useMutation({
    mutationFn: async (values: DeskSettings) =>
      fromServer(await deskApi.put<Record<string, unknown>>('/api/service-desk/settings', toServer(values))),
    onSuccess: (saved) => {
      message.success(t('common.saved'));
      queryClient.setQueryData(['deskSettings'], saved);
    },
    onError: (error) => {
      const aliases = Object.fromEntries(
        FORM_KEYS.flatMap(([form, server]) => [
          [server, form],
          [`/${server}`, form],
        ]),
      );
      for (const text of applyFieldErrors(form, error, t, { aliases })) message.error(text);
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
      <Form form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
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
