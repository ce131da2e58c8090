import { FormOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Drawer, Empty, Result, Skeleton, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAnswered, type PortalSurvey, surveyApi } from '../../components/surveys/api';
import { answerErrorText, QuestionnaireForm } from '../../components/surveys/QuestionnaireForm';
import { InvitationStatusTag } from '../../components/surveys/SurveyTags';
import { errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';

const answerable = (row: PortalSurvey) =>
  !isAnswered(row.status) &&
  row.status !== 'expired' &&
  row.status !== 'cancelled' &&
  !(row.expiresAt && new Date(row.expiresAt).getTime() < Date.now());

/** 满意度调查 in the portal: the company's invitations, each answered here (channel portal). */
export function PortalSurveys() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useQuery({ queryKey: ['portal', 'surveys'], queryFn: surveyApi.portalList });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['portal', 'surveys'] });
  return (
    <Card title={t('surveys.portal.title')} style={{ marginBottom: 16 }} data-testid="portal-surveys">
      {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
      <Table<PortalSurvey>
        rowKey="invitationId"
        size="middle"
        loading={list.isLoading}
        dataSource={list.data}
        pagination={false}
        scroll={{ x: 560 }}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('surveys.portal.none')} />,
        }}
        columns={[
          { title: t('surveys.field.name'), dataIndex: 'surveyName' },
          {
            title: t('surveys.portal.status'),
            dataIndex: 'status',
            width: 120,
            render: (v: string) => <InvitationStatusTag status={v} />,
          },
          {
            title: t('surveys.portal.sentAt'),
            dataIndex: 'sentAt',
            width: 150,
            render: (v: string | null) => formatDateTime(v),
          },
          {
            title: t('surveys.portal.expiresAt'),
            dataIndex: 'expiresAt',
            width: 150,
            render: (v: string | null, row) =>
              isAnswered(row.status) ? formatDateTime(row.completedAt) : formatDateTime(v),
          },
          {
            key: 'actions',
            width: 100,
            render: (_v, row) =>
              answerable(row) ? (
                <Button
                  type="primary"
                  size="small"
                  icon={<FormOutlined />}
                  onClick={() => setOpenId(row.invitationId)}
                  data-testid="portal-survey-answer"
                >
                  {t('surveys.portal.answer')}
                </Button>
              ) : isAnswered(row.status) ? (
                <Tag color="green">{t('surveys.responseStatus.complete')}</Tag>
              ) : null,
          },
        ]}
      />
      <PortalSurveyDrawer
        invitationId={openId}
        title={list.data?.find((row) => row.invitationId === openId)?.surveyName}
        onClose={() => {
          setOpenId(null);
          void refresh();
        }}
        onSubmitted={() => void refresh()}
      />
    </Card>
  );
}

function PortalSurveyDrawer(props: {
  invitationId: string | null;
  title?: string;
  onClose: () => void;
  onSubmitted: () => void;
}) {
  const { t } = useTranslation();
  const id = props.invitationId;
  const survey = useQuery({
    queryKey: ['portal', 'survey', id],
    enabled: !!id,
    queryFn: () => surveyApi.portalGet(id!),
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  return (
    <Drawer
      open={!!id}
      onClose={props.onClose}
      size={720}
      title={survey.data?.surveyName ?? props.title ?? t('surveys.portal.title')}
      destroyOnHidden
      styles={{ body: { background: '#f5f7fa' } }}
    >
      {survey.isLoading && <Skeleton active paragraph={{ rows: 8 }} />}
      {survey.isError && <Result status="warning" title={answerErrorText(t, survey.error)} />}
      {survey.data &&
        (isAnswered(survey.data.status) ? (
          <Result status="info" title={t('surveys.answer.alreadyAnswered')} />
        ) : (
          <QuestionnaireForm
            data={survey.data}
            onSave={(body) => surveyApi.portalSave(id!, body)}
            onSubmit={async (body) => {
              const result = await surveyApi.portalSubmit(id!, body);
              props.onSubmitted();
              return result;
            }}
          />
        ))}
    </Drawer>
  );
}
