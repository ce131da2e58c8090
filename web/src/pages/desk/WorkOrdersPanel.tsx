import { SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Space,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  desk,
  itemsOf,
  type Page,
  type Ticket,
  type WorkOrder,
  type WorkOrderNote,
} from '../../components/desk/deskApi';
import { WorkOrderStatusTag } from '../../components/desk/DeskTags';
import { useDepartmentLabel, useRefreshTicket, useTicketPart } from '../../components/desk/useDesk';
import { DepartmentSelect } from '../../components/selects';
import { applyFieldErrors, errorText } from '../../lib/forms';
import { dayjs, formatDateTime, fromPicker } from '../../lib/time';

export function WorkOrderNotes({ workOrderId }: { workOrderId: string }) {
  const { t } = useTranslation();
  const notes = useQuery({
    queryKey: ['desk', 'workOrders', workOrderId, 'notes'],
    queryFn: () => desk.get<Page<WorkOrderNote> | WorkOrderNote[]>(`/api/work-orders/${workOrderId}/notes`),
  });
  const items = itemsOf(notes.data);
  if (!items.length) return null;
  return (
    <div style={{ marginTop: 8 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('desk.workOrders.notes')}
      </Typography.Text>
      {items.map((note) => (
        <div
          key={note.id}
          style={{ fontSize: 13, paddingLeft: 8, borderLeft: '2px solid #f0f0f0', margin: '4px 0' }}
        >
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatDateTime(note.createdAt)} {note.authorName ?? ''}
          </Typography.Text>
          <div style={{ whiteSpace: 'pre-wrap' }}>{note.body}</div>
        </div>
      ))}
    </div>
  );
}

/** 派单 on a ticket: every work order's state, who took it, its result; the owner dispatches new ones. */
export function WorkOrdersPanel({ ticket, canDispatch }: { ticket: Ticket; canDispatch: boolean }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const departmentName = useDepartmentLabel();
  const orders = useTicketPart<Page<WorkOrder> | WorkOrder[]>(ticket.id, 'work-orders');
  const refresh = useRefreshTicket(ticket.id);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ departmentId: string; dueAt: Dayjs; instructions: string }>();

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue({ dueAt: dayjs().add(1, 'day').hour(18).minute(0).second(0) });
    }
  }, [open, form]);

  const dispatch = useMutation({
    mutationFn: (v: { departmentId: string; dueAt: Dayjs; instructions: string }) =>
      desk.post<WorkOrder>(`/api/tickets/${ticket.id}/work-orders`, {
        departmentId: v.departmentId,
        dueAt: fromPicker(v.dueAt),
        instructions: v.instructions.trim(),
      }),
    onSuccess: (order) => {
      message.success(t('desk.workOrders.dispatched', { number: order.number }));
      setOpen(false);
      void refresh();
    },
    onError: (error) => {
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });

  const cancel = useMutation({
    mutationFn: ({ order, reason }: { order: WorkOrder; reason: string }) =>
      desk.post(`/api/work-orders/${order.id}/cancel`, { reason }),
    onSuccess: () => {
      message.success(t('desk.workOrders.cancelled'));
      void refresh();
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  const askCancel = (order: WorkOrder) => {
    let reason = '';
    modal.confirm({
      title: t('desk.workOrders.cancelTitle', { number: order.number }),
      content: (
        <Input.TextArea
          rows={3}
          maxLength={1000}
          placeholder={t('desk.workOrders.cancelReason')}
          onChange={(e) => (reason = e.target.value)}
        />
      ),
      onOk: () => {
        if (!reason.trim()) {
          message.error(t('desk.workOrders.cancelReasonRequired'));
          return Promise.reject(new Error('reason required'));
        }
        return cancel.mutateAsync({ order, reason: reason.trim() });
      },
    });
  };

  const items = itemsOf(orders.data);
  return (
    <>
      {canDispatch && (
        <Button
          type="primary"
          icon={<SendOutlined />}
          onClick={() => setOpen(true)}
          style={{ marginBottom: 16 }}
          data-testid="work-order-dispatch"
        >
          {t('desk.workOrders.dispatch')}
        </Button>
      )}
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('desk.workOrders.none')} />
      ) : (
        <List
          data-testid="ticket-work-orders"
          dataSource={items}
          renderItem={(order) => (
            <List.Item key={order.id} data-testid="ticket-work-order">
              <div style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text strong>{order.number}</Typography.Text>
                  <span>{departmentName(order.departmentId, order.departmentName)}</span>
                  <WorkOrderStatusTag status={order.status} overdue={order.overdue} />
                  {canDispatch && (order.status === 'pending' || order.status === 'accepted') && (
                    <Button size="small" type="link" danger onClick={() => askCancel(order)}>
                      {t('desk.workOrders.cancel')}
                    </Button>
                  )}
                </Space>
                <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginTop: 8 }}>
                  <Descriptions.Item label={t('desk.workOrders.dueAt')}>
                    {formatDateTime(order.dueAt)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('desk.workOrders.assignee')}>
                    {order.assigneeName ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('desk.workOrders.instructions')} span={2}>
                    <span style={{ whiteSpace: 'pre-wrap' }}>{order.instructions}</span>
                  </Descriptions.Item>
                  {order.result && (
                    <Descriptions.Item label={t('desk.workOrders.result')} span={2}>
                      <span style={{ whiteSpace: 'pre-wrap' }} data-testid="work-order-result">
                        {order.result}
                      </span>
                    </Descriptions.Item>
                  )}
                  {order.cancelReason && (
                    <Descriptions.Item label={t('desk.workOrders.cancelReason')} span={2}>
                      {order.cancelReason}
                    </Descriptions.Item>
                  )}
                </Descriptions>
                <WorkOrderNotes workOrderId={order.id} />
              </div>
            </List.Item>
          )}
        />
      )}
      <Modal
        open={open}
        title={t('desk.workOrders.dispatch')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={dispatch.isPending}
        okButtonProps={{ 'data-testid': 'dispatch-confirm' } as never}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => dispatch.mutate(v)}>
          <Form.Item
            name="departmentId"
            label={t('desk.workOrders.department')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <DepartmentSelect />
          </Form.Item>
          <Form.Item
            name="dueAt"
            label={t('desk.workOrders.dueAt')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="instructions"
            label={t('desk.workOrders.instructions')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input.TextArea rows={4} maxLength={4000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
