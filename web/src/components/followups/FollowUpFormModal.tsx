import { useMutation } from '@tanstack/react-query';
import { App, Col, DatePicker, Form, Input, Modal, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, newScope, unwrap } from '../../api/client';
import { useMe } from '../../lib/auth';
import { FOLLOW_UP_KINDS } from '../../lib/enums';
import { applyFieldErrors, isStale } from '../../lib/forms';
import { dayjs, fromPicker, toPicker } from '../../lib/time';
import { useContacts } from '../../pages/customers/file/ContactsTab';
import { UserSelect } from '../selects';
import { type FollowUp, useInvalidateFollowUps } from './useFollowUpActions';

interface FollowUpForm {
  title: string;
  dueAt: Dayjs;
  assigneeId?: string;
  contactId?: string | null;
  kind?: string;
  notes?: string | null;
}

/** Plan a follow-up for a customer, or change a planned one. */
export function FollowUpFormModal(props: {
  open: boolean;
  onClose: () => void;
  customerId: string;
  followUp?: FollowUp;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const invalidate = useInvalidateFollowUps();
  const contacts = useContacts(props.customerId);
  const [form] = Form.useForm<FollowUpForm>();
  const [scope, setScope] = useState(newScope);
  const editing = !!props.followUp;

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    setScope(newScope());
    if (props.followUp) form.setFieldsValue({ ...props.followUp, dueAt: toPicker(props.followUp.dueAt) });
    else
      form.setFieldsValue({
        kind: 'manual',
        assigneeId: me.id,
        dueAt: dayjs().add(1, 'day').hour(10).minute(0).second(0),
      });
  }, [props.open, props.followUp, form, me.id]);

  const save = useMutation({
    mutationFn: async (values: FollowUpForm) => {
      const body = {
        title: values.title.trim(),
        dueAt: fromPicker(values.dueAt),
        assigneeId: values.assigneeId,
        contactId: values.contactId ?? null,
        kind: values.kind as never,
        notes: values.notes?.trim() || null,
      };
      if (editing) {
        return unwrap(
          api.PATCH('/api/follow-ups/{id}', {
            params: { path: { id: props.followUp!.id } },
            body: { ...body, version: props.followUp!.version },
          }),
        );
      }
      return unwrap(
        api.POST('/api/customers/{id}/follow-ups', {
          params: { path: { id: props.customerId } },
          body,
          headers: { 'idempotency-key': idempotencyKey(scope, body) },
        }),
      );
    },
    onSuccess: () => {
      message.success(editing ? t('common.saved') : t('followUps.created'));
      void invalidate(props.customerId);
      props.onClose();
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        return void invalidate(props.customerId);
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  return (
    <Modal
      title={editing ? t('followUps.edit') : t('followUps.create')}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      destroyOnHidden
      width={600}
    >
      <Form<FollowUpForm> form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
        <Form.Item
          name="title"
          label={t('followUps.title')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
        >
          <Input maxLength={200} placeholder={t('followUps.titlePlaceholder')} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="dueAt"
              label={t('followUps.dueAt')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="kind" label={t('followUps.kind')}>
              <Select
                options={FOLLOW_UP_KINDS.map((value) => ({ value, label: t(`enum.followUpKind.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="assigneeId" label={t('followUps.assignee')}>
              <UserSelect roles={['agent', 'supervisor', 'admin', 'operations']} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="contactId" label={t('followUps.contact')}>
              <Select
                allowClear
                options={(contacts.data ?? []).map((c) => ({
                  value: c.id,
                  label: c.name,
                  disabled: c.doNotContact,
                }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="notes" label={t('followUps.notes')}>
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
