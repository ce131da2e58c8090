import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const SURVEY_COLORS: Record<string, string> = { draft: 'default', active: 'green', closed: 'red' };
const INVITATION_COLORS: Record<string, string> = {
  pending: 'default',
  sent: 'blue',
  opened: 'cyan',
  partial: 'gold',
  completed: 'green',
  expired: 'default',
  cancelled: 'default',
};
const TRIGGER_COLORS: Record<string, string> = {
  manual: 'default',
  after_delivery: 'blue',
  after_complaint: 'volcano',
  wave: 'purple',
};

export function SurveyStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={SURVEY_COLORS[status]}>{t(`surveys.status.${status}`, { defaultValue: status })}</Tag>;
}

export function SurveyTriggerTag({ trigger }: { trigger: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={TRIGGER_COLORS[trigger]}>{t(`surveys.trigger.${trigger}`, { defaultValue: trigger })}</Tag>
  );
}

export function InvitationStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={INVITATION_COLORS[status]}>
      {t(`surveys.invitationStatus.${status}`, { defaultValue: status })}
    </Tag>
  );
}

/** A response index 0–100: red below 60, orange below 75 (the alert and attention levels). */
export function IndexTag({ value }: { value: number | null | undefined }) {
  if (value === null || value === undefined) return <span>—</span>;
  const color = value < 60 ? 'red' : value < 75 ? 'orange' : 'green';
  return <Tag color={color}>{Number(value).toFixed(1)}</Tag>;
}
