import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, List, Modal, Result, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { errorText } from '../../lib/forms';
import { type SendResult, type Survey, type SurveySegment, surveyApi } from './api';
import { cleanSegment, SegmentFields } from './SegmentFields';

const PREVIEW_LIMIT = 50;

/** A customer's name from its id (the send answer names only ids). */
function CustomerName({ id }: { id: string }) {
  const customer = useQuery({
    queryKey: ['customer', id],
    queryFn: () => unwrap(api.GET('/api/customers/{id}', { params: { path: { id } } })),
    staleTime: 60_000,
  });
  return <Link to={`/customers/${id}`}>{customer.data?.name ?? id}</Link>;
}

/**
 * The customers a segment names, as far as the customer list can tell (value class, department,
 * chosen customers); the server checks the service modes and contacts when it sends.
 */
async function previewSegment(segment: SurveySegment): Promise<{ id: string; name: string }[]> {
  const found = new Map<string, string>();
  const departments = segment.departmentIds?.length ? segment.departmentIds : [undefined];
  const named = new Set(segment.customerIds ?? []);
  if (named.size && !segment.valueClasses?.length && !segment.departmentIds?.length) {
    for (const id of named) {
      const c = await unwrap(api.GET('/api/customers/{id}', { params: { path: { id } } }));
      found.set(c.id, c.name);
    }
    return [...found].map(([id, name]) => ({ id, name }));
  }
  for (const departmentId of departments) {
    const page = await unwrap(
      api.GET('/api/customers', {
        params: {
          query: {
            limit: PREVIEW_LIMIT,
            ...(segment.valueClasses?.length
              ? { valueClass: segment.valueClasses as ('A' | 'B' | 'C')[] }
              : {}),
            ...(departmentId ? { departmentId } : {}),
          },
        },
      }),
    );
    for (const c of page.items) if (!named.size || named.has(c.id)) found.set(c.id, c.name);
  }
  return [...found].slice(0, PREVIEW_LIMIT).map(([id, name]) => ({ id, name }));
}

/** 立即发送: choose the segment (the survey's own by default), preview who gets it, send, see who was skipped and why. */
export function SendSurveyModal(props: { survey: Survey; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      title={t('surveys.send.title')}
      open={props.open}
      onCancel={props.onClose}
      footer={null}
      width={680}
      destroyOnHidden
    >
      <SendForm survey={props.survey} onClose={props.onClose} />
    </Modal>
  );
}

function SendForm(props: { survey: Survey; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ segment: SurveySegment }>();
  const [previewOf, setPreviewOf] = useState<SurveySegment | null>(null);
  const [result, setResult] = useState<SendResult | null>(null);
  const preview = useQuery({
    queryKey: ['surveys', 'send-preview', previewOf],
    enabled: !!previewOf,
    queryFn: () => previewSegment(previewOf!),
  });
  const send = useMutation({
    mutationFn: (segment: SurveySegment) => {
      const cleaned = cleanSegment(segment as Record<string, string[]>) as SurveySegment;
      return surveyApi.send(props.survey.id, {
        segment: cleaned,
        ...(cleaned.customerIds?.length ? { customerIds: cleaned.customerIds } : {}),
      });
    },
    onSuccess: (answer) => {
      setResult(answer);
      message.success(t('surveys.send.sent', { number: answer.number, invited: answer.invited }));
      void queryClient.invalidateQueries({ queryKey: ['surveys'] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  if (result) {
    return (
      <div data-testid="survey-send-result">
        <Result
          status={result.invited ? 'success' : 'warning'}
          title={t('surveys.send.sent', { number: result.number, invited: result.invited })}
          subTitle={
            result.skipped.length ? t('surveys.send.skipped', { count: result.skipped.length }) : undefined
          }
          extra={<Button onClick={props.onClose}>{t('surveys.send.done')}</Button>}
        />
        {result.skipped.length > 0 && (
          <Table
            size="small"
            rowKey="customerId"
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={result.skipped}
            columns={[
              {
                title: t('surveys.page.invitation.customer'),
                dataIndex: 'customerId',
                render: (v: string, row) => row.customerName ?? <CustomerName id={v} />,
              },
              {
                title: t('surveys.send.skipReason'),
                dataIndex: 'reason',
                render: (v: string) => t(`surveys.send.reason.${v}`, { defaultValue: v }),
              },
            ]}
          />
        )}
      </div>
    );
  }

  const segment = () => form.getFieldValue('segment') as SurveySegment;
  return (
    <>
      <Typography.Paragraph type="secondary">{t('surveys.send.segmentHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ segment: props.survey.segment ?? {} }}>
        <SegmentFields prefix={['segment']} />
      </Form>
      {previewOf && (
        <Space orientation="vertical" style={{ width: '100%', marginBottom: 16 }}>
          <Typography.Text strong>{t('surveys.send.previewTitle')}</Typography.Text>
          {preview.isError && <Alert type="error" title={errorText(t, preview.error)} />}
          <List
            size="small"
            bordered
            loading={preview.isLoading}
            dataSource={preview.data ?? []}
            locale={{ emptyText: t('surveys.send.previewNone') }}
            style={{ maxHeight: 220, overflow: 'auto' }}
            renderItem={(c) => <List.Item>{c.name}</List.Item>}
            data-testid="survey-send-preview"
          />
          <Typography.Text type="secondary">
            {t('surveys.send.previewMore', { count: PREVIEW_LIMIT })}
          </Typography.Text>
        </Space>
      )}
      <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8 }}>
        <Button onClick={() => setPreviewOf(cleanSegment(segment() as Record<string, string[]>))}>
          {t('surveys.send.preview')}
        </Button>
        <Button
          type="primary"
          loading={send.isPending}
          onClick={() => send.mutate(segment())}
          data-testid="survey-send-confirm"
        >
          {t('surveys.send.confirm')}
        </Button>
      </div>
    </>
  );
}
