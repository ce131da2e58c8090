import { useQuery } from '@tanstack/react-query';
import { Result, Skeleton, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PublicHeader } from '../../components/PublicHeader';
import { useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { isAnswered, publicSurveyApi } from '../../components/surveys/api';
import {
  answerErrorText,
  isClosedProblem,
  QuestionnaireForm,
} from '../../components/surveys/QuestionnaireForm';
import { hasStoredLanguage } from '../../i18n';
import { useLanguage } from '../../lib/language';

/**
 * 满意度调查 answered from its one-time token link: no login, one column for phones, the intro,
 * the items by dimension, save for later and submit. Unknown, used and expired links get a plain
 * sentence instead of the form.
 */
export function SurveyAnswerPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const { language, setLanguage } = useLanguage();
  const survey = useQuery({
    queryKey: ['public-survey', token],
    queryFn: () => publicSurveyApi.get(token),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });

  // A first visit follows the language the survey was sent in; a choice made here wins.
  const hint =
    survey.data?.language ?? (survey.data?.languages?.length === 1 ? survey.data.languages[0] : undefined);
  useEffect(() => {
    if (!hasStoredLanguage() && (hint === 'en' || hint === 'zh-CN') && hint !== language) setLanguage(hint);
  }, [hint, language, setLanguage]);

  useEffect(() => {
    document.title = survey.data ? `${survey.data.surveyName} · ${t('app.name')}` : t('surveys.answer.title');
  }, [survey.data, t]);

  const data = survey.data;
  const expired =
    data?.status === 'expired' ||
    (survey.error instanceof ApiError && survey.error.status === 410) ||
    (!!data?.expiresAt && !isAnswered(data.status) && new Date(data.expiresAt).getTime() < Date.now());
  const answered =
    isAnswered(data?.status) || (survey.error instanceof ApiError && survey.error.status === 409);

  let content: React.ReactNode;
  if (survey.isLoading) content = <Skeleton active paragraph={{ rows: 8 }} />;
  else if (isClosedProblem(survey.error))
    content = (
      <Result
        status="info"
        title={t('surveys.answer.closed')}
        subTitle={t('surveys.answer.closedText')}
        data-testid="survey-closed"
      />
    );
  else if (expired)
    content = (
      <Result
        status="warning"
        title={t('surveys.answer.expired')}
        subTitle={t('surveys.answer.expiredText')}
        data-testid="survey-closed"
      />
    );
  else if (answered)
    content = (
      <Result
        status="info"
        title={t('surveys.answer.alreadyAnswered')}
        subTitle={t('surveys.answer.alreadyAnsweredText')}
        data-testid="survey-closed"
      />
    );
  else if (survey.error || !data)
    content = (
      <Result
        status={survey.error instanceof ApiError && survey.error.status === 404 ? '404' : 'error'}
        title={answerErrorText(t, survey.error)}
        subTitle={
          survey.error instanceof ApiError && survey.error.status === 404
            ? t('surveys.answer.unknownText')
            : undefined
        }
        data-testid="survey-closed"
      />
    );
  else
    content = (
      <>
        <Typography.Title level={3} style={{ marginBottom: 4 }} data-testid="survey-title">
          {data.surveyName}
        </Typography.Title>
        {data.customerName && (
          <Typography.Paragraph type="secondary">
            {t('surveys.answer.greeting', { name: data.customerName })}
          </Typography.Paragraph>
        )}
        <QuestionnaireForm
          data={data}
          onSave={(body) => publicSurveyApi.save(token, body)}
          onSubmit={(body) => publicSurveyApi.submit(token, body)}
        />
      </>
    );

  return (
    <div style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <PublicHeader languageTestId="survey-language" />
      <main style={{ maxWidth: 720, margin: '0 auto', padding: '20px 12px 48px' }}>{content}</main>
    </div>
  );
}
