import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { useAuth } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { type ShipmentException, shipApi } from './api';

/** What the rule saw, in words: delay minutes, silent hours, the event code. */
export function ExceptionDetail({ exception }: { exception: ShipmentException }) {
  const { t, i18n } = useTranslation();
  // The server says it in Chinese; other languages get it built from the rule's numbers.
  if (i18n.language === 'zh-CN' && exception.summary) return <span>{exception.summary}</span>;
  const d = exception.detail ?? {};
  const parts: string[] = [];
  if (typeof d.delayMinutes === 'number') {
    const hours = Math.floor(d.delayMinutes / 60);
    const minutes = Math.round(d.delayMinutes % 60);
    parts.push(t('shipments.exceptions.delayBy', { hours, minutes }));
  }
  if (typeof d.silentHours === 'number')
    parts.push(t('shipments.exceptions.silentFor', { hours: d.silentHours }));
  if (typeof d.eventCode === 'string')
    parts.push(t(`shipments.eventCode.${d.eventCode}`, { defaultValue: d.eventCode }));
  if (typeof d.message === 'string') parts.push(d.message);
  else if (typeof d.reason === 'string') parts.push(d.reason);
  return <span>{parts.join(' · ') || '—'}</span>;
}

/**
 * Acknowledge, resolve (with a resolution) and "open ticket" (one click; a second click answers the
 * same ticket) for one exception; the ticket link once there is one.
 */
export function ExceptionActions({
  exception,
  onChanged,
}: {
  exception: ShipmentException;
  onChanged?: () => void;
}) {
  const { t } = useTranslation();
  // Operations users handle the cargo; tickets are the service centre's (they may not open one).
  const mayOpenTicket = useAuth().user?.role !== 'operations';
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [resolving, setResolving] = useState(false);
  const [form] = Form.useForm<{ resolution: string }>();
  const done = () => {
    void queryClient.invalidateQueries({ queryKey: ['shipmentExceptions'] });
    void queryClient.invalidateQueries({ queryKey: ['shipments'] });
    onChanged?.();
  };
  const act = useMutation({
    mutationFn: async (action: { kind: 'acknowledge' } | { kind: 'resolve'; resolution: string }) =>
      shipApi.post(
        `/api/shipment-exceptions/${exception.id}/${action.kind}`,
        action.kind === 'resolve' ? { resolution: action.resolution } : {},
      ),
    onSuccess: (_data, action) => {
      message.success(t(`shipments.exceptions.done.${action.kind}`));
      setResolving(false);
      done();
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  const ticket = useMutation({
    mutationFn: () => shipApi.post<{ id: string }>(`/api/shipment-exceptions/${exception.id}/ticket`, {}),
    onSuccess: (created) => {
      done();
      navigate(`/tickets/${created.id}`);
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  const open = exception.status !== 'resolved';
  return (
    <Space size={4} wrap>
      {exception.status === 'open' && (
        <Button
          size="small"
          loading={act.isPending && act.variables?.kind === 'acknowledge'}
          onClick={() => act.mutate({ kind: 'acknowledge' })}
          data-testid="exception-acknowledge"
        >
          {t('shipments.exceptions.acknowledge')}
        </Button>
      )}
      {open && (
        <Button size="small" onClick={() => setResolving(true)} data-testid="exception-resolve">
          {t('shipments.exceptions.resolve')}
        </Button>
      )}
      {exception.ticketId ? (
        <Link to={`/tickets/${exception.ticketId}`} data-testid="exception-ticket-link">
          {t('shipments.exceptions.viewTicket')}
        </Link>
      ) : (
        mayOpenTicket && (
          <Tooltip title={t('shipments.exceptions.openTicketHint')}>
            <Button
              size="small"
              type="primary"
              ghost
              loading={ticket.isPending}
              onClick={() => ticket.mutate()}
              data-testid="exception-open-ticket"
            >
              {t('shipments.exceptions.openTicket')}
            </Button>
          </Tooltip>
        )
      )}
      <Modal
        open={resolving}
        title={t('shipments.exceptions.resolveTitle')}
        onCancel={() => setResolving(false)}
        onOk={() => form.submit()}
        confirmLoading={act.isPending}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => act.mutate({ kind: 'resolve', resolution: v.resolution.trim() })}
        >
          <Form.Item
            name="resolution"
            label={t('shipments.exceptions.resolution')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
