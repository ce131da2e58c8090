import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';

// Being built for issue 5 (satisfaction measurement); replaced by the page itself.
export function SurveyPage() {
  const { t } = useTranslation();
  return <PageHeader title={t('satisfaction.menu.surveys')} />;
}
