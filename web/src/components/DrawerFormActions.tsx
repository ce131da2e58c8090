import { Button, Space } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Cancel and save buttons in the header of a form drawer; save submits the drawer's form. */
export function DrawerFormActions(props: {
  onCancel: () => void;
  onSave: () => void;
  saving: boolean;
  label?: ReactNode;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <Space>
      <Button onClick={props.onCancel}>{t('common.cancel')}</Button>
      <Button type="primary" loading={props.saving} onClick={props.onSave} data-testid={props.testId}>
        {props.label ?? t('common.save')}
      </Button>
    </Space>
  );
}
