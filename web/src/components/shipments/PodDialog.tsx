import { UploadOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { App, Button, DatePicker, Form, Input, Modal, Upload, type UploadFile } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { applyFieldErrors } from '../../lib/forms';
import { DISPLAY_ZONE, dayjs } from '../../lib/time';
import { type Shipment, shipApi, useRefreshShipment } from './api';
import { MAX_UPLOAD_BYTES, UPLOAD_ACCEPT, uploadErrorText } from './upload';

interface PodForm {
  signer: string;
  signedAt: Dayjs;
  file: UploadFile[];
}

/** 签收 (POD): who signed, when, and the scanned or photographed proof; the shipment becomes delivered. */
export function PodDialog({
  shipment,
  open,
  onClose,
}: {
  shipment: Shipment;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PodForm>();
  const refresh = useRefreshShipment(shipment.id);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ signer: shipment.consigneeName ?? '', signedAt: dayjs().second(0), file: [] });
  }, [open, form, shipment.consigneeName]);

  const save = useMutation({
    mutationFn: (values: PodForm) => {
      const data = new FormData();
      const file = values.file[0]?.originFileObj;
      if (file) data.append('file', file, file.name);
      data.append('signer', values.signer.trim());
      data.append(
        'signedAt',
        dayjs.tz(values.signedAt.format('YYYY-MM-DDTHH:mm:ss'), DISPLAY_ZONE).format('YYYY-MM-DDTHH:mm:ssZ'),
      );
      return shipApi.upload(`/api/shipments/${shipment.id}/pod`, data);
    },
    onSuccess: () => {
      message.success(t('shipments.pod.done'));
      void refresh();
      onClose();
    },
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 413 || error.status === 415)) {
        form.setFields([{ name: 'file', errors: [uploadErrorText(t, error)] }]);
        return;
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  return (
    <Modal
      open={open}
      title={t('shipments.pod.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'pod-save' } as never}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      <Form<PodForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)} data-testid="pod-form">
        <Form.Item
          name="signer"
          label={t('shipments.pod.signer')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="signedAt"
          label={t('shipments.pod.signedAt')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="file"
          label={t('shipments.pod.file')}
          valuePropName="fileList"
          getValueFromEvent={(e: { fileList: UploadFile[] }) => e.fileList.slice(-1)}
          extra={t('shipments.documents.limits')}
          rules={[
            { required: true, type: 'array', min: 1, message: t('shipments.pod.fileRequired') },
            {
              validator: async (_rule, list: UploadFile[] | undefined) => {
                const size = list?.[0]?.size ?? 0;
                if (size > MAX_UPLOAD_BYTES) throw new Error(t('shipments.documents.tooLarge'));
              },
            },
          ]}
        >
          <Upload beforeUpload={() => false} maxCount={1} accept={UPLOAD_ACCEPT} data-testid="pod-file">
            <Button icon={<UploadOutlined />}>{t('shipments.documents.choose')}</Button>
          </Upload>
        </Form.Item>
      </Form>
    </Modal>
  );
}
