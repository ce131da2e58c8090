import { WarningOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Checkbox, Col, DatePicker, Drawer, Form, Input, Radio, Row, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey, newScope, type ResponseOf, unwrap } from '../../../api/client';
import { UserSelect } from '../../../components/selects';
import { useMe } from '../../../lib/auth';
import { CHANNELS, DIRECTIONS } from '../../../lib/enums';
import { applyFieldErrors, isStale } from '../../../lib/forms';
import { dayjs, fromPicker, toPicker } from '../../../lib/time';
import { useContacts } from './ContactsTab';
import { DrawerFormActions } from '../../../components/DrawerFormActions';

export type Interaction = ResponseOf<'/api/interactions/{id}', 'get'>;

interface InteractionForm {
  channel: string;
  direction: string;
  contactId?: string | null;
  occurredAt?: Dayjs;
  summary: string;
  outcome?: string | null;
  nextStep?: string | null;
  withFollowUp?: boolean;
  followUp?: { title: string; dueAt: Dayjs; assigneeId?: string; notes?: string | null };
}

/** Log a contact with the customer (and optionally the next-step task), or correct a logged one. */
export function InteractionFormDrawer(props: {
  open: boolean;
  onClose: () => void;
  customerId: string;
  interaction?: Interaction;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const contacts = useContacts(props.customerId);
  const [form] = Form.useForm<InteractionForm>();
  const [scope, setScope] = useState(newScope);
  const withFollowUp = Form.useWatch('withFollowUp', form);
  const contactId = Form.useWatch('contactId', form);
  const contact = contacts.data?.find((c) => c.id === contactId);
  const editing = !!props.interaction;

  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    setScope(newScope());
    if (props.interaction) {
      form.setFieldsValue({ ...props.interaction, occurredAt: toPicker(props.interaction.occurredAt) });
    } else {
      form.setFieldsValue({
        channel: 'phone',
        direction: 'outbound',
        occurredAt: dayjs(),
        contactId: null,
      });
    }
  }, [props.open, props.interaction, form]);

  const save = useMutation({
    mutationFn: async (values: InteractionForm) => {
      const base = {
        channel: values.channel,
        direction: values.direction,
        contactId: values.contactId ?? null,
        summary: values.summary.trim(),
        outcome: values.outcome?.trim() || null,
        nextStep: values.nextStep?.trim() || null,
        occurredAt: values.occurredAt ? fromPicker(values.occurredAt) : undefined,
      };
      if (editing) {
        return unwrap(
          api.PATCH('/api/interactions/{id}', {
            params: { path: { id: props.interaction!.id } },
            body: { ...base, version: props.interaction!.version } as never,
          }),
        );
      }
      const body = {
        ...base,
        ...(values.withFollowUp && values.followUp
          ? {
              followUp: {
                title: values.followUp.title.trim(),
                dueAt: fromPicker(values.followUp.dueAt),
                assigneeId: values.followUp.assigneeId,
                notes: values.followUp.notes?.trim() || null,
              },
            }
          : {}),
      };
      return unwrap(
        api.POST('/api/customers/{id}/interactions', {
          params: { path: { id: props.customerId } },
          body: body as never,
          headers: { 'idempotency-key': idempotencyKey(scope, body) },
        }),
      );
    },
    onSuccess: () => {
      message.success(editing ? t('common.saved') : t('interactions.logged'));
      for (const key of [
        ['interactions', props.customerId],
        ['timeline', props.customerId],
        ['followUps'],
        ['today'],
      ]) {
        void queryClient.invalidateQueries({ queryKey: key });
      }
      props.onClose();
    },
    onError: (error) => {
      if (isStale(error)) {
        message.error(t('errors.stale'));
        return void queryClient.invalidateQueries({ queryKey: ['interactions', props.customerId] });
      }
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  return (
    <Drawer
      title={editing ? t('interactions.edit') : t('interactions.log')}
      open={props.open}
      onClose={props.onClose}
      size={640}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          testId="interaction-save"
        />
      }
    >
      <Form<InteractionForm>
        form={form}
        layout="vertical"
        onFinish={(values) => save.mutate(values)}
        scrollToFirstError
      >
        <Form.Item
          name="channel"
          label={t('interactions.channel')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={CHANNELS.map((value) => ({ value, label: t(`enum.channel.${value}`) }))}
          />
        </Form.Item>
        <Row gutter={16}>
          <Col span={10}>
            <Form.Item name="direction" label={t('interactions.direction')}>
              <Radio.Group
                options={DIRECTIONS.map((value) => ({ value, label: t(`enum.direction.${value}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="occurredAt" label={t('interactions.occurredAt')}>
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="contactId" label={t('interactions.contact')}>
          <Select
            allowClear
            placeholder={t('interactions.contactPlaceholder')}
            loading={contacts.isLoading}
            options={(contacts.data ?? []).map((c) => ({
              value: c.id,
              label: c.title ? `${c.name}（${c.title}）` : c.name,
            }))}
          />
        </Form.Item>
        {contact?.doNotContact && (
          <Alert
            type="warning"
            showIcon
            icon={<WarningOutlined />}
            style={{ marginBottom: 16 }}
            title={t('interactions.doNotContactWarning')}
          />
        )}
        <Form.Item
          name="summary"
          label={t('interactions.summary')}
          rules={[{ required: true, whitespace: true, message: t('interactions.summaryRequired') }]}
        >
          <Input.TextArea
            rows={4}
            maxLength={4000}
            showCount
            placeholder={t('interactions.summaryPlaceholder')}
          />
        </Form.Item>
        <Form.Item name="outcome" label={t('interactions.outcome')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Form.Item name="nextStep" label={t('interactions.nextStep')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        {!editing && (
          <>
            <Form.Item name="withFollowUp" valuePropName="checked" style={{ marginBottom: 12 }}>
              <Checkbox
                onChange={(event) => {
                  if (event.target.checked && !form.getFieldValue(['followUp', 'title'])) {
                    form.setFieldsValue({
                      followUp: {
                        title: form.getFieldValue('nextStep') || t('interactions.defaultFollowUpTitle'),
                        dueAt: dayjs().add(7, 'day').hour(10).minute(0).second(0),
                        assigneeId: me.id,
                      },
                    });
                  }
                }}
              >
                {t('interactions.withFollowUp')}
              </Checkbox>
            </Form.Item>
            {withFollowUp && (
              <div
                style={{ padding: '16px 16px 0', background: '#fafafa', borderRadius: 6, marginBottom: 16 }}
              >
                <Form.Item
                  name={['followUp', 'title']}
                  label={t('followUps.title')}
                  rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
                >
                  <Input maxLength={200} />
                </Form.Item>
                <Row gutter={16}>
                  <Col span={12}>
                    <Form.Item
                      name={['followUp', 'dueAt']}
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
                    <Form.Item name={['followUp', 'assigneeId']} label={t('followUps.assignee')}>
                      <UserSelect roles={['agent', 'supervisor', 'admin', 'operations']} />
                    </Form.Item>
                  </Col>
                </Row>
              </div>
            )}
          </>
        )}
      </Form>
    </Drawer>
  );
}
