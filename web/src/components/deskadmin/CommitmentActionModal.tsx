import { useMutation } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, Modal, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../lib/forms';
import { fromPicker, toPicker } from '../../lib/time';
import { type Commitment, deskApi } from './api';

export type CommitmentAction = 'approve' | 'reject' | 'kept' | 'broken' | 'renegotiate';

interface ActionForm {
  note?: string;
  promise?: string;
  dueAt?: Dayjs;
}

/** Approve or reject a promise beyond the bottom line, record its outcome, or renegotiate it. */
export function CommitmentActionModal(props: {
  action: CommitmentAction | null;
  commitment: Commitment | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ActionForm>();
  const { action, commitment } = props;

  useEffect(() => {
    if (!action || !commitment) return;
    form.resetFields();
    if (action === 'renegotiate') {
      form.setFieldsValue({ promise: commitment.promise, dueAt: toPicker(commitment.dueAt)?.add(7, 'day') });
    }
  }, [action, commitment, form]);

  const run = useMutation({
    mutationFn: (values: ActionForm) => {
      const id = commitment!.id;
      const note = values.note?.trim() || undefined;
      switch (action) {
        case 'approve':
        case 'reject':
          return deskApi.post(`/api/commitments/${id}/approve`, { approved: action === 'approve', note });
        case 'kept':
        case 'broken':
          return deskApi.post(`/api/commitments/${id}/outcome`, { status: action, note });
        default:
          return deskApi.post(`/api/commitments/${id}/renegotiate`, {
            promise: values.promise?.trim() || undefined,
            dueAt: fromPicker(values.dueAt!),
            note: values.note?.trim() ?? '',
          });
      }
    },
    onSuccess: () => {
      message.success(t(`deskAdmin.commitments.done.${action}`));
      props.onDone();
    },
    onError: (error) => {
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });

  const noteRequired = action === 'reject' || action === 'renegotiate' || action === 'broken';
  return (
    <Modal
      open={!!action && !!commitment}
      title={action ? t(`deskAdmin.commitments.action.${action}`) : ''}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={action ? t(`deskAdmin.commitments.action.${action}`) : ''}
      okButtonProps={
        { danger: action === 'reject' || action === 'broken', 'data-testid': 'commitment-action-ok' } as never
      }
      cancelText={t('common.cancel')}
      confirmLoading={run.isPending}
      destroyOnHidden
    >
      {commitment && (
        <Typography.Paragraph type="secondary">
          {commitment.customerName} · {commitment.promise}
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" onFinish={(values) => run.mutate(values)}>
        {action === 'renegotiate' && (
          <>
            <Form.Item name="promise" label={t('deskAdmin.commitments.newPromise')}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
            <Form.Item
              name="dueAt"
              label={t('deskAdmin.commitments.newDueAt')}
              rules={[{ required: true, message: t('deskAdmin.commitments.dueRequired') }]}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="note"
          label={t('deskAdmin.commitments.note')}
          rules={
            noteRequired
              ? [{ required: true, whitespace: true, message: t('deskAdmin.commitments.noteRequired') }]
              : []
          }
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
