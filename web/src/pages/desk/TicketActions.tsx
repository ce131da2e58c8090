import {
  ArrowUpOutlined,
  EditOutlined,
  CheckCircleOutlined,
  CheckOutlined,
  PauseCircleOutlined,
  PlayCircleOutlined,
  PrinterOutlined,
  RedoOutlined,
  SwapOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Button, DatePicker, Form, Input, Modal, Radio, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { desk, type EscalationTargets, itemsOf, type Ticket } from '../../components/desk/deskApi';
import { useDepartmentLabel, useRefreshTicket } from '../../components/desk/useDesk';
import { UserSelect } from '../../components/selects';
import { useMe } from '../../lib/auth';
import { applyFieldErrors, errorText } from '../../lib/forms';
import { fromPicker } from '../../lib/time';
import { EditTicketDrawer } from './EditTicketDrawer';

type Dialog = 'wait' | 'resolve' | 'close' | 'reopen' | 'transfer' | 'escalate' | null;

/** The buttons a ticket offers in its status, each with its small form. */
export function TicketActions({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const refresh = useRefreshTicket(ticket.id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm();
  const escalationKind = Form.useWatch('kind', form) as string | undefined;
  const closeMode = Form.useWatch('mode', form) as string | undefined;

  useEffect(() => {
    if (!dialog) return;
    // Defaults come from the items' initialValue, so they are there from the first render: a quick
    // click on OK before an effect ran would otherwise send an empty choice.
    form.resetFields();
  }, [dialog, form]);

  const targets = useQuery({
    queryKey: ['desk', 'ticket', ticket.id, 'escalation-targets'],
    enabled: dialog === 'escalate',
    queryFn: () => desk.get<EscalationTargets>(`/api/tickets/${ticket.id}/escalation-targets`),
  });
  // 换人 goes to the next level up by default.
  const nextTarget = targets.data?.next?.userId;
  useEffect(() => {
    if (dialog === 'escalate' && nextTarget && !form.getFieldValue('toUserId'))
      form.setFieldValue('toUserId', nextTarget);
  }, [dialog, nextTarget, form]);

  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: unknown; done: string }) =>
      desk.post(`/api/tickets/${ticket.id}/${path}`, body ?? {}),
    onSuccess: (_data, variables) => {
      message.success(variables.done);
      setDialog(null);
      void refresh();
    },
    onError: (error) => {
      if (dialog) {
        const rest = applyFieldErrors(form, error, t);
        if (rest.length) message.error(rest.join('；'));
      } else message.error(errorText(t, error));
      void refresh();
    },
  });

  const status = ticket.status;
  const isOwner = ticket.ownerId === me.id;
  const lead = me.role === 'supervisor' || me.role === 'admin';
  const mayWork = isOwner || lead;
  const running = status === 'open' || status === 'waiting_customer';

  const submit = async () => {
    const v = await form.validateFields();
    switch (dialog) {
      case 'wait':
        return act.mutate({
          path: 'wait',
          body: { reason: v.reason.trim() },
          done: t('desk.actions.waitDone'),
        });
      case 'resolve':
        return act.mutate({
          path: 'resolve',
          body: { resolution: v.resolution.trim() },
          done: t('desk.actions.resolveDone'),
        });
      case 'close':
        return act.mutate({
          path: 'close',
          body: v.mode === 'reason' ? { reason: v.reason.trim() } : { customerConfirmed: true },
          done: t('desk.actions.closeDone'),
        });
      case 'reopen':
        return act.mutate({
          path: 'reopen',
          body: { reason: v.reason.trim() },
          done: t('desk.actions.reopenDone'),
        });
      case 'transfer':
        return act.mutate({
          path: 'transfer',
          body: { toUserId: v.toUserId, reason: v.reason.trim() },
          done: t('desk.actions.transferDone'),
        });
      case 'escalate': {
        const body: Record<string, unknown> = { kind: v.kind, reason: v.reason.trim() };
        if (v.toUserId) body.toUserId = v.toUserId;
        if (v.place?.trim()) body.place = v.place.trim();
        if (v.attendees?.length) body.attendees = v.attendees;
        if (v.scheduledAt) body.scheduledAt = fromPicker(v.scheduledAt as Dayjs);
        return act.mutate({ path: 'escalations', body, done: t('desk.actions.escalateDone') });
      }
    }
  };

  const departmentLabel = useDepartmentLabel();
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  const targetOptions = itemsOf(targets.data).map((target) => ({
    value: target.userId,
    label: [
      target.name,
      target.departmentId ? departmentLabel(target.departmentId, target.departmentName) : undefined,
      target.role ? t(`enum.role.${target.role}`) : undefined,
      target.level != null ? t('desk.escalation.levelN', { level: target.level }) : undefined,
    ]
      .filter(Boolean)
      .join(' · '),
  }));

  return (
    <>
      <Space wrap data-testid="ticket-actions">
        {(status === 'new' || (!ticket.ownerId && status !== 'closed')) && (
          <Button
            type="primary"
            icon={<UserAddOutlined />}
            loading={act.isPending}
            onClick={() => act.mutate({ path: 'take', done: t('desk.actions.takeDone') })}
            data-testid="ticket-take"
          >
            {t('desk.actions.take')}
          </Button>
        )}
        {mayWork && status === 'open' && (
          <Button icon={<PauseCircleOutlined />} onClick={() => setDialog('wait')} data-testid="ticket-wait">
            {t('desk.actions.wait')}
          </Button>
        )}
        {mayWork && status === 'waiting_customer' && (
          <Button
            icon={<PlayCircleOutlined />}
            onClick={() => act.mutate({ path: 'resume', done: t('desk.actions.resumeDone') })}
            data-testid="ticket-resume"
          >
            {t('desk.actions.resume')}
          </Button>
        )}
        {mayWork && running && (
          <Button icon={<CheckOutlined />} onClick={() => setDialog('resolve')} data-testid="ticket-resolve">
            {t('desk.actions.resolve')}
          </Button>
        )}
        {mayWork && status === 'resolved' && (
          <Button
            type="primary"
            icon={<CheckCircleOutlined />}
            onClick={() => setDialog('close')}
            data-testid="ticket-close"
          >
            {t('desk.actions.close')}
          </Button>
        )}
        {mayWork && (status === 'resolved' || status === 'closed') && (
          <Button icon={<RedoOutlined />} onClick={() => setDialog('reopen')} data-testid="ticket-reopen">
            {t('desk.actions.reopen')}
          </Button>
        )}
        {mayWork && ticket.ownerId && status !== 'closed' && (
          <Button icon={<SwapOutlined />} onClick={() => setDialog('transfer')} data-testid="ticket-transfer">
            {t('desk.actions.transfer')}
          </Button>
        )}
        {mayWork && ticket.ownerId && status !== 'closed' && (
          <Button
            icon={<ArrowUpOutlined />}
            danger
            onClick={() => setDialog('escalate')}
            data-testid="ticket-escalate"
          >
            {t('desk.actions.escalate')}
          </Button>
        )}
        {mayWork && status !== 'closed' && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="ticket-edit">
            {t('desk.edit.button')}
          </Button>
        )}
        <Link to={`/tickets/${ticket.id}/print`} target="_blank">
          <Button icon={<PrinterOutlined />} data-testid="ticket-print">
            {t('desk.actions.print')}
          </Button>
        </Link>
      </Space>
      <EditTicketDrawer open={editing} onClose={() => setEditing(false)} ticket={ticket} />
      <Modal
        open={!!dialog}
        title={dialog ? t(`desk.actions.${dialog}`) : undefined}
        onCancel={() => setDialog(null)}
        onOk={submit}
        okButtonProps={{ 'data-testid': 'action-confirm' } as never}
        confirmLoading={act.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          {(dialog === 'wait' || dialog === 'reopen') && (
            <Form.Item name="reason" label={t('desk.actions.reason')} rules={required}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          )}
          {dialog === 'resolve' && (
            <Form.Item
              name="resolution"
              label={t('desk.actions.resolution')}
              rules={required}
              extra={t('desk.actions.resolveHint')}
            >
              <Input.TextArea rows={4} maxLength={4000} />
            </Form.Item>
          )}
          {dialog === 'close' && (
            <>
              <Form.Item name="mode" initialValue="confirmed">
                <Radio.Group>
                  <Space orientation="vertical">
                    <Radio value="confirmed" data-testid="close-confirmed">
                      {t('desk.actions.closeConfirmed')}
                    </Radio>
                    <Radio value="reason">{t('desk.actions.closeWithReason')}</Radio>
                  </Space>
                </Radio.Group>
              </Form.Item>
              {closeMode === 'reason' && (
                <Form.Item name="reason" label={t('desk.actions.closeReason')} rules={required}>
                  <Input.TextArea rows={3} maxLength={2000} />
                </Form.Item>
              )}
            </>
          )}
          {dialog === 'transfer' && (
            <>
              <Form.Item
                name="toUserId"
                label={t('desk.actions.transferTo')}
                rules={[{ required: true, message: t('validation.required') }]}
              >
                <UserSelect roles={['agent', 'supervisor', 'admin']} />
              </Form.Item>
              <Form.Item name="reason" label={t('desk.actions.reason')} rules={required}>
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            </>
          )}
          {dialog === 'escalate' && (
            <>
              <Form.Item name="kind" label={t('desk.escalation.kind')} initialValue="person">
                <Radio.Group
                  optionType="button"
                  buttonStyle="solid"
                  options={['person', 'place', 'time'].map((k) => ({
                    value: k,
                    label: t(`desk.enum.escalation.${k}`),
                  }))}
                />
              </Form.Item>
              <div style={{ color: 'rgba(0,0,0,0.45)', marginTop: -12, marginBottom: 12 }}>
                {t(`desk.escalation.hint.${escalationKind ?? 'person'}`)}
              </div>
              {(escalationKind === 'person' || escalationKind === 'time') && (
                <Form.Item
                  name="toUserId"
                  label={
                    escalationKind === 'person'
                      ? t('desk.escalation.toOwner')
                      : t('desk.escalation.withManager')
                  }
                  rules={
                    escalationKind === 'time' ? [{ required: true, message: t('validation.required') }] : []
                  }
                  extra={escalationKind === 'person' ? t('desk.escalation.nextHint') : undefined}
                >
                  <Select
                    allowClear
                    loading={targets.isLoading}
                    options={targetOptions}
                    notFoundContent={t('desk.escalation.noTargets')}
                  />
                </Form.Item>
              )}
              {escalationKind === 'place' && (
                <>
                  <Form.Item name="place" label={t('desk.escalation.place')} rules={required}>
                    <Input maxLength={200} placeholder={t('desk.escalation.placeHint')} />
                  </Form.Item>
                  <Form.Item name="attendees" label={t('desk.escalation.attendees')}>
                    <Select mode="tags" tokenSeparators={[',', '，', '、']} open={false} />
                  </Form.Item>
                </>
              )}
              {(escalationKind === 'place' || escalationKind === 'time') && (
                <Form.Item
                  name="scheduledAt"
                  label={t('desk.escalation.scheduledAt')}
                  rules={
                    escalationKind === 'time' ? [{ required: true, message: t('validation.required') }] : []
                  }
                >
                  <DatePicker
                    showTime={{ format: 'HH:mm' }}
                    format="YYYY-MM-DD HH:mm"
                    style={{ width: '100%' }}
                  />
                </Form.Item>
              )}
              <Form.Item name="reason" label={t('desk.escalation.reason')} rules={required}>
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </>
  );
}
