import { useMutation } from '@tanstack/react-query';
import { App, Col, DatePicker, Form, Input, Modal, Radio, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { applyFieldErrors } from '../../lib/forms';
import { DISPLAY_ZONE, dayjs } from '../../lib/time';
import { CLASSIFIERS, EVENT_CODES, type Shipment, shipApi, useRefreshShipment } from './api';

interface MilestoneForm {
  eventCode: string;
  classifier: string;
  eventTime: Dayjs;
  location?: string;
  locationName?: string;
  remark?: string;
}

/** The picked wall-clock time in the display zone, written with that zone's offset (e.g. +08:00). */
function zoned(value: Dayjs): string {
  return dayjs.tz(value.format('YYYY-MM-DDTHH:mm:ss'), DISPLAY_ZONE).format('YYYY-MM-DDTHH:mm:ssZ');
}

/** 手工录入节点: an operations user records a planned, estimated or actual milestone by hand. */
export function MilestoneDialog({
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
  const [form] = Form.useForm<MilestoneForm>();
  const refresh = useRefreshShipment(shipment.id);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({ classifier: 'ACT', eventTime: dayjs().second(0) });
  }, [open, form]);

  const save = useMutation({
    mutationFn: (values: MilestoneForm) =>
      shipApi.post(`/api/shipments/${shipment.id}/events`, {
        eventCode: values.eventCode,
        classifier: values.classifier,
        eventTime: zoned(values.eventTime),
        location: values.location?.trim()
          ? values.location.trim().toUpperCase().replace(/\s+/g, '')
          : undefined,
        locationName: values.locationName?.trim() || undefined,
        remark: values.remark?.trim() || undefined,
      }),
    onSuccess: () => {
      message.success(t('shipments.milestone.done'));
      void refresh();
      onClose();
    },
    onError: (error) => {
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const required = [{ required: true, message: t('validation.required') }];
  return (
    <Modal
      open={open}
      title={t('shipments.milestone.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'milestone-save' } as never}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={560}
    >
      <Form<MilestoneForm>
        form={form}
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        data-testid="milestone-form"
      >
        <Form.Item name="classifier" label={t('shipments.milestone.classifier')} rules={required}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={CLASSIFIERS.map((c) => ({ value: c, label: t(`shipments.classifier.${c}`) }))}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="eventCode" label={t('shipments.milestone.eventCode')} rules={required}>
              <Select
                data-testid="milestone-code"
                showSearch={{ optionFilterProp: 'label' }}
                options={EVENT_CODES.map((c) => ({ value: c, label: t(`shipments.eventCode.${c}`) }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="eventTime"
              label={t('shipments.milestone.eventTime')}
              rules={required}
              extra={t('shipments.milestone.zoneHint', { zone: DISPLAY_ZONE })}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="location"
              label={t('shipments.milestone.location')}
              rules={[
                { pattern: /^\s*[A-Za-z]{2}\s?[A-Za-z2-9]{3}\s*$/, message: t('shipments.form.locodeHint') },
              ]}
            >
              <Input maxLength={6} placeholder={shipment.destination ?? 'CNSHA'} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="locationName" label={t('shipments.milestone.locationName')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="remark" label={t('shipments.milestone.remark')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
