import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, InputNumber, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/forms';
import { SHIPMENT_MODES, shipApi } from './api';

interface TrackingSettings {
  'shipments.silenceHours': Record<string, number>;
  'shipments.delayToleranceMinutes': number;
  'notifications.contactDailyCap': number;
  'tracking.publicRateLimitPerMinute': number;
}

interface SettingsForm {
  silence: Record<string, number>;
  delayTolerance: number;
  dailyCap: number;
  rateLimit: number;
}

/** Admin card: when a quiet shipment is an exception, delay tolerance, notice cap, public lookup rate. */
export function TrackingSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: ['tracking-settings'],
    queryFn: () => shipApi.get<TrackingSettings>('/api/tracking-settings'),
  });
  const save = useMutation({
    mutationFn: (values: SettingsForm) =>
      shipApi.put<TrackingSettings>('/api/tracking-settings', {
        'shipments.silenceHours': values.silence,
        'shipments.delayToleranceMinutes': values.delayTolerance,
        'notifications.contactDailyCap': values.dailyCap,
        'tracking.publicRateLimitPerMinute': values.rateLimit,
      }),
    onSuccess: (data) => {
      queryClient.setQueryData(['tracking-settings'], data);
      message.success(t('shipments.settings.saved'));
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  const data = settings.data;
  return (
    <Card title={t('shipments.settings.title')} style={{ marginTop: 16 }} data-testid="tracking-settings">
      {settings.isError && <Typography.Text type="danger">{errorText(t, settings.error)}</Typography.Text>}
      {data && (
        // Starting values as initialValues of a form mounted with the data (no effect to race with the user).
        <Form<SettingsForm>
          layout="vertical"
          initialValues={{
            silence: data['shipments.silenceHours'],
            delayTolerance: data['shipments.delayToleranceMinutes'],
            dailyCap: data['notifications.contactDailyCap'],
            rateLimit: data['tracking.publicRateLimitPerMinute'],
          }}
          onFinish={(values) => save.mutate(values)}
        >
          <Typography.Paragraph type="secondary">{t('shipments.settings.silenceHelp')}</Typography.Paragraph>
          <Row gutter={16}>
            {SHIPMENT_MODES.map((mode) => (
              <Col key={mode} xs={12} md={6} lg={3}>
                <Form.Item
                  name={['silence', mode]}
                  label={t(`enum.serviceMode.${mode}`)}
                  rules={[{ required: true, type: 'integer', min: 1, max: 2160 }]}
                >
                  <InputNumber
                    min={1}
                    max={2160}
                    addonAfter={t('shipments.settings.hours')}
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item
                name="delayTolerance"
                label={t('shipments.settings.delayTolerance')}
                rules={[{ required: true, type: 'integer', min: 0, max: 10080 }]}
              >
                <InputNumber
                  min={0}
                  max={10080}
                  addonAfter={t('shipments.settings.minutes')}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="dailyCap"
                label={t('shipments.settings.dailyCap')}
                rules={[{ required: true, type: 'integer', min: 0, max: 100 }]}
              >
                <InputNumber min={0} max={100} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="rateLimit"
                label={t('shipments.settings.rateLimit')}
                rules={[{ required: true, type: 'integer', min: 1, max: 100000 }]}
              >
                <InputNumber min={1} max={100000} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
          <Button
            type="primary"
            htmlType="submit"
            loading={save.isPending}
            data-testid="tracking-settings-save"
          >
            {t('common.save')}
          </Button>
        </Form>
      )}
    </Card>
  );
}
