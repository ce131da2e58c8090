import { CheckCircleFilled, ClockCircleOutlined, ExclamationCircleFilled } from '@ant-design/icons';
import { Empty, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PublicMilestone } from './api';
import { milestoneLabel, placeTime } from './words';

const TROUBLE = ['DELIVERY_FAILED', 'DAMAGED', 'HOLD', 'LOST'];

/** A vertical milestone timeline in plain words: what happened (solid), what is expected (hollow). */
export function MilestoneList({ milestones }: { milestones: PublicMilestone[] }) {
  const { t } = useTranslation();
  if (milestones.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('track.noMilestones')} />;
  }
  return (
    <div data-testid="track-milestones">
      <Timeline
        items={milestones.map((m, i) => {
          const actual = m.classifier === 'ACT';
          const trouble = actual && TROUBLE.includes(m.eventCode);
          const place = [m.locationName, m.location].filter(Boolean).join(' · ');
          return {
            key: `${m.eventCode}-${m.classifier}-${m.time}-${i}`,
            color: trouble ? 'red' : actual ? 'green' : 'gray',
            icon: trouble ? (
              <ExclamationCircleFilled style={{ color: '#ff4d4f' }} />
            ) : actual ? (
              <CheckCircleFilled style={{ color: '#52c41a' }} />
            ) : (
              <ClockCircleOutlined style={{ color: '#8c8c8c' }} />
            ),
            content: (
              <div data-testid="track-milestone" data-code={m.eventCode} data-classifier={m.classifier}>
                <Typography.Text strong={actual} type={actual ? undefined : 'secondary'}>
                  {milestoneLabel(t, m.eventCode, m.classifier)}
                </Typography.Text>
                {place && (
                  <div>
                    <Typography.Text type="secondary">{place}</Typography.Text>
                  </div>
                )}
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {placeTime(m.time)}
                  </Typography.Text>
                </div>
              </div>
            ),
          };
        })}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('track.localTime')}
      </Typography.Text>
    </div>
  );
}
