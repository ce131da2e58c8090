import { Alert, Descriptions, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/time';
import type { PublicException } from './api';
import { exceptionText, modeLabel, routeOf, statusLabel } from './words';

export interface TrackSummaryProps {
  mode: string;
  origin: string | null;
  destination: string | null;
  status: string;
  promisedAt: string | null;
  estimatedDeliveryAt: string | null;
  deliveredAt: string | null;
  exceptions: PublicException[];
}

const STATUS_COLOR: Record<string, string> = {
  created: 'default',
  delivered: 'success',
  cancelled: 'default',
  delivery_failed: 'error',
  damaged: 'error',
  hold: 'warning',
  lost: 'error',
};

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status] ?? 'processing'} data-testid="track-status">
      {statusLabel(t, status)}
    </Tag>
  );
}

/** Status, route, promised vs estimated vs actual delivery, and open exceptions in plain words. */
export function TrackSummary(props: TrackSummaryProps) {
  const { t } = useTranslation();
  const late =
    !props.deliveredAt &&
    !!props.promisedAt &&
    !!props.estimatedDeliveryAt &&
    new Date(props.estimatedDeliveryAt).getTime() > new Date(props.promisedAt).getTime();
  const deliveredLate =
    !!props.deliveredAt &&
    !!props.promisedAt &&
    new Date(props.deliveredAt).getTime() > new Date(props.promisedAt).getTime();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {props.exceptions.length > 0 && (
        <div data-testid="track-exceptions">
          {props.exceptions.map((x) => (
            <Alert
              key={`${x.kind}-${x.since}`}
              type={x.kind === 'silence' || x.kind === 'delay' ? 'warning' : 'error'}
              showIcon
              style={{ marginBottom: 8 }}
              title={exceptionText(t, x.kind, props.estimatedDeliveryAt)}
              description={x.since ? t('track.since', { time: formatDateTime(x.since) }) : undefined}
            />
          ))}
        </div>
      )}
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, sm: 2 }}
        styles={{ label: { whiteSpace: 'nowrap' } }}
      >
        <Descriptions.Item label={t('track.status')}>
          <StatusTag status={props.status} />
        </Descriptions.Item>
        <Descriptions.Item label={t('track.mode')}>{modeLabel(t, props.mode)}</Descriptions.Item>
        <Descriptions.Item label={t('track.route')}>
          {routeOf(props.origin, props.destination)}
        </Descriptions.Item>
        <Descriptions.Item label={t('track.promisedAt')}>
          <span data-testid="track-promised">{formatDateTime(props.promisedAt)}</span>
        </Descriptions.Item>
        {props.deliveredAt ? (
          <Descriptions.Item label={t('track.deliveredAt')}>
            <Typography.Text type={deliveredLate ? 'danger' : 'success'} data-testid="track-delivered">
              {formatDateTime(props.deliveredAt)}
            </Typography.Text>
          </Descriptions.Item>
        ) : (
          <Descriptions.Item label={t('track.estimatedDeliveryAt')}>
            <Typography.Text type={late ? 'danger' : undefined} data-testid="track-estimated">
              {formatDateTime(props.estimatedDeliveryAt)}
            </Typography.Text>
            {late && (
              <Tag color="error" style={{ marginLeft: 8 }}>
                {t('track.lateAgainstPromise')}
              </Tag>
            )}
          </Descriptions.Item>
        )}
      </Descriptions>
    </Space>
  );
}
