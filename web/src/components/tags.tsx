import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { CLASS_COLORS, ROLE_COLORS, STAGE_COLORS } from '../lib/enums';

export function StageTag({ stage, reason }: { stage: string | null | undefined; reason?: string | null }) {
  const { t } = useTranslation();
  if (!stage) return null;
  const tag = (
    <Tag color={STAGE_COLORS[stage] ?? 'default'} data-testid="stage-tag">
      {t(`enum.stage.${stage}`)}
    </Tag>
  );
  return reason ? <Tooltip title={reason}>{tag}</Tooltip> : tag;
}

export function ValueClassTag({ value }: { value: string | null | undefined }) {
  const { t } = useTranslation();
  if (!value) return <span style={{ color: 'rgba(0,0,0,0.25)' }}>—</span>;
  return (
    <Tooltip title={t(`enum.valueClassHint.${value}`)}>
      <Tag color={CLASS_COLORS[value] ?? 'default'} style={{ fontWeight: 600 }}>
        {t('customer.classShort', { value })}
      </Tag>
    </Tooltip>
  );
}

export function RoleTag({ role }: { role: string }) {
  const { t } = useTranslation();
  return <Tag color={ROLE_COLORS[role] ?? 'default'}>{t(`enum.role.${role}`)}</Tag>;
}

export function EnumTag({
  group,
  value,
  color,
}: {
  group: string;
  value: string | null | undefined;
  color?: string;
}) {
  const { t } = useTranslation();
  if (!value) return null;
  return <Tag color={color}>{t(`enum.${group}.${value}`, { defaultValue: value })}</Tag>;
}
