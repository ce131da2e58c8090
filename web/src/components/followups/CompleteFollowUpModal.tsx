import { useMutation } from '@tanstack/react-query';
import { App, Checkbox, Descriptions, Form, Input, Modal, Radio } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { CHANNELS } from '../../lib/enums';
import { applyFieldErrors, isStale } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { type FollowUp, useInvalidateFollowUps } from './useFollowUpActions';

interface CompleteForm {
  result: string;
  logInteraction?: boolean;
  channel?: string;
}

/** Completing a follow-up asks what came of it; the call itself can be logged as an interaction. */
export function CompleteFollowUpModal({
  followUp,
  onClose,
}: {
  followUp: FollowUp | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const invalidate = useInvalidateFollowUps();
  const [form] = Form.useForm<CompleteForm>();
  const logInteraction = Form.useWatch('logInteraction', form);

  useEffect(() => {
    if (followUp) {
      form.resetFields();
      form.setFieldsValue({ logInteraction: true, channel: 'phone' });
    }
  }, [followUp, form]);

  const complete = useMutation({
    mutationFn: (values: CompleteForm) =>
      unwrap(
        api.POST('/api/follow-ups/{id}/complete', {
          params: { path: { id: followUp!.id } },
          body: {
            result: values.result.trim(),
            version: followUp!.version,
            ...(values.logInteraction
              ? {
                  interaction: {
                    channel: values.channel as never,
                    direction: 'outbound' as const,
                    contactId: followUp!.contactId,
                  },
                }
              : {}),
          },
        }),
      ),
    onSuccess: () => {
      message.success(t('followUps.completed'));
      void invalidate(followUp?.customerId);
      onClose();
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        void invalidate(followUp?.customerId);
        return;
      }
      const rest = applyFieldErrors(form, error, t, { aliases: { 'interaction.channel': 'channel' } });
      if (rest.length) message.error(rest.join('；'));
    },
  });

  return (
    <Modal
      title={t('followUps.completeTitle')}
      open={followUp !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('followUps.complete')}
      confirmLoading={complete.isPending}
      destroyOnHidden
      width={560}
      okButtonProps={{ 'data-testid': 'complete-confirm' } as never}
    >
      {followUp && (
        <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('followUps.customer')}>{followUp.customerName}</Descriptions.Item>
          <Descriptions.Item label={t('followUps.title')}>{followUp.title}</Descriptions.Item>
          <Descriptions.Item label={t('followUps.dueAt')}>{formatDateTime(followUp.dueAt)}</Descriptions.Item>
          {followUp.contactName && (
            <Descriptions.Item label={t('followUps.contact')}>{followUp.contactName}</Descriptions.Item>
          )}
        </Descriptions>
      )}
      <Form<CompleteForm> form={form} layout="vertical" onFinish={(values) => complete.mutate(values)}>
        <Form.Item
          name="result"
          label={t('followUps.result')}
          rules={[{ required: true, whitespace: true, message: t('followUps.resultRequired') }]}
        >
          <Input.TextArea
            rows={4}
            maxLength={4000}
            showCount
            placeholder={t('followUps.resultPlaceholder')}
          />
        </Form.Item>
        <Form.Item name="logInteraction" valuePropName="checked" style={{ marginBottom: 8 }}>
          <Checkbox>{t('followUps.logInteraction')}</Checkbox>
        </Form.Item>
        {logInteraction && (
          <Form.Item name="channel" label={t('interactions.channel')}>
            <Radio.Group
              optionType="button"
              options={CHANNELS.map((value) => ({ value, label: t(`enum.channel.${value}`) }))}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
