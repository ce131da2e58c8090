import { SearchOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PublicHeader } from '../../components/PublicHeader';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { MilestoneList } from '../../components/track/MilestoneList';
import { TrackSummary } from '../../components/track/TrackSummary';
import { trackApi } from '../../components/track/api';

interface TrackForm {
  number: string;
  secondFactor: string;
}

/**
 * 货物追踪: the public tracking page (no login). Tracking number plus a second factor (destination
 * postcode or the consignee phone's last four digits); one message for "not found" and "wrong factor".
 * `?number=` prefills the number.
 */
export function TrackPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm<TrackForm>();
  const lookup = useMutation({
    mutationFn: (v: TrackForm) => trackApi.track(v.number.trim(), v.secondFactor.trim()),
  });

  useEffect(() => {
    const number = params.get('number');
    if (number) form.setFieldsValue({ number });
  }, [params, form]);

  const submit = (v: TrackForm) => {
    const number = v.number.trim();
    if (params.get('number') !== number) setParams({ number }, { replace: true });
    lookup.mutate(v);
  };

  const error = lookup.error;
  const errorMessage =
    error instanceof ApiError && error.status === 404
      ? t('track.notFound')
      : error instanceof ApiError && error.status === 429
        ? t('track.tooMany')
        : error
          ? t('track.failed')
          : null;
  const view = lookup.data;

  return (
    <div style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <PublicHeader languageTestId="track-language">
        <Link to="/login" style={{ color: 'rgba(255,255,255,0.75)', fontSize: 13 }}>
          {t('track.staffLogin')}
        </Link>
      </PublicHeader>
      <main style={{ maxWidth: 760, margin: '0 auto', padding: '24px 12px 48px' }}>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('track.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('track.subtitle')}</Typography.Paragraph>
        <Card style={{ marginBottom: 16 }}>
          <Form<TrackForm>
            form={form}
            layout="vertical"
            size="large"
            requiredMark={false}
            onFinish={submit}
            data-testid="track-form"
          >
            <Form.Item
              name="number"
              label={t('track.number')}
              rules={[{ required: true, whitespace: true, message: t('track.numberRequired') }]}
            >
              <Input placeholder={t('track.numberPlaceholder')} maxLength={64} autoComplete="off" />
            </Form.Item>
            <Form.Item
              name="secondFactor"
              label={t('track.secondFactor')}
              extra={t('track.secondFactorHelp')}
              rules={[{ required: true, whitespace: true, message: t('track.secondFactorRequired') }]}
            >
              <Input placeholder={t('track.secondFactorPlaceholder')} maxLength={32} autoComplete="off" />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              icon={<SearchOutlined />}
              block
              loading={lookup.isPending}
              data-testid="track-submit"
            >
              {t('track.submit')}
            </Button>
          </Form>
        </Card>
        {errorMessage && (
          <Alert
            type="error"
            showIcon
            title={errorMessage}
            style={{ marginBottom: 16 }}
            data-testid="track-error"
          />
        )}
        {view && !error && (
          <div data-testid="track-result">
            <Card
              title={
                <span>
                  {t('track.number')}: <span data-testid="track-number">{view.number}</span>
                </span>
              }
              style={{ marginBottom: 16 }}
            >
              <TrackSummary {...view} />
            </Card>
            <Card title={t('track.milestones')}>
              <MilestoneList milestones={view.milestones} />
            </Card>
          </div>
        )}
      </main>
    </div>
  );
}
