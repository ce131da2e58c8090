import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Modal, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import { CustomerSelect } from '../../../components/CustomerSelect';
import { errorText } from '../../../lib/forms';
import type { Customer } from './useCustomer';

/**
 * Fold a duplicate file into this one: its contacts, interactions, follow-ups and history move
 * here and the duplicate is archived with a pointer to this file.
 */
export function MergeModal({
  open,
  onClose,
  customer,
}: {
  open: boolean;
  onClose: () => void;
  customer: Customer;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ sourceId: string }>();

  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);

  const merge = useMutation({
    mutationFn: (values: { sourceId: string }) =>
      unwrap(
        api.POST('/api/customers/{id}/merge', {
          params: { path: { id: customer.id } },
          body: { sourceId: values.sourceId },
        }),
      ),
    onSuccess: (result) => {
      const moved = Object.values(result.moved ?? {}).reduce((sum, n) => sum + n, 0);
      message.success(t('merge.done', { count: moved }));
      void queryClient.invalidateQueries();
      onClose();
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <Modal
      title={t('customer.merge')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('merge.confirm')}
      okButtonProps={{ danger: true }}
      confirmLoading={merge.isPending}
      destroyOnHidden
      width={600}
    >
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('merge.hint', { name: customer.name })}
      />
      <Form<{ sourceId: string }> form={form} layout="vertical" onFinish={(values) => merge.mutate(values)}>
        <Form.Item
          name="sourceId"
          label={t('merge.source')}
          rules={[{ required: true, message: t('validation.required') }]}
          extra={<Typography.Text type="secondary">{t('merge.sourceHint')}</Typography.Text>}
        >
          <CustomerSelect excludeId={customer.id} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
