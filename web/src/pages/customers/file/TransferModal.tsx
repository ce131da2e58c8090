import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Checkbox, Descriptions, Form, Input, Modal } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import { UserSelect } from '../../../components/selects';
import { applyFieldErrors, isStale } from '../../../lib/forms';
import { type Customer, useRefreshCustomer } from './useCustomer';

interface TransferForm {
  toUserId: string;
  reason: string;
  moveOpenFollowUps: boolean;
}

/** Ownership moves as its own logged action, with a reason (一户一档一人管理). */
export function TransferModal({
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
  const refresh = useRefreshCustomer(customer.id);
  const [form] = Form.useForm<TransferForm>();

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ moveOpenFollowUps: true });
    }
  }, [open, form]);

  const transfer = useMutation({
    mutationFn: (values: TransferForm) =>
      unwrap(
        api.POST('/api/customers/{id}/transfer', {
          params: { path: { id: customer.id } },
          body: {
            toUserId: values.toUserId,
            reason: values.reason.trim(),
            moveOpenFollowUps: values.moveOpenFollowUps,
          },
        }),
      ),
    onSuccess: () => {
      message.success(t('transfers.done'));
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ['followUps'] });
      onClose();
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        return void refresh();
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  return (
    <Modal
      title={t('customer.transfer')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={transfer.isPending}
      okText={t('transfers.confirm')}
      destroyOnHidden
    >
      <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('customer.name')}>{customer.name}</Descriptions.Item>
        <Descriptions.Item label={t('transfers.currentOwner')}>{customer.ownerName ?? '—'}</Descriptions.Item>
      </Descriptions>
      <Form<TransferForm> form={form} layout="vertical" onFinish={(values) => transfer.mutate(values)}>
        <Form.Item
          name="toUserId"
          label={t('transfers.newOwner')}
          rules={[
            { required: true, message: t('validation.required') },
            {
              validator: (_rule, value) =>
                value && value === customer.ownerId
                  ? Promise.reject(new Error(t('transfers.sameOwner')))
                  : Promise.resolve(),
            },
          ]}
        >
          <UserSelect roles={['agent', 'supervisor', 'admin']} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('transfers.reason')}
          rules={[{ required: true, whitespace: true, message: t('transfers.reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('transfers.reasonPlaceholder')} />
        </Form.Item>
        <Form.Item name="moveOpenFollowUps" valuePropName="checked">
          <Checkbox>{t('transfers.moveOpenFollowUps')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
