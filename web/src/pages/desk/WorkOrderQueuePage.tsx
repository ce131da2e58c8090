import { CheckOutlined, FormOutlined, UserAddOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, Input, Modal, Space, Table, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { desk, type Page, type WorkOrder } from '../../components/desk/deskApi';
import { WorkOrderStatusTag } from '../../components/desk/DeskTags';
import { PageHeader } from '../../components/PageHeader';
import { DepartmentSelect, useDepartmentName } from '../../components/selects';
import { useDepartmentLabel } from '../../components/desk/useDesk';
import { useMe } from '../../lib/auth';
import { applyFieldErrors, errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { WorkOrderNotes } from './WorkOrdersPanel';

type Tab = 'pending' | 'accepted' | 'overdue' | 'done';
type Dialog = { kind: 'note' | 'complete'; order: WorkOrder } | null;

/** 部门工单: a department's work orders — accept, add notes, return the result. */
export function WorkOrderQueuePage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const departmentName = useDepartmentName();
  const departmentLabel = useDepartmentLabel();
  const [params, setParams] = useSearchParams();
  // A notice links one work order (/work-orders/:id): open its tab and unfold it.
  const { id: focusId } = useParams<{ id: string }>();
  const focus = useQuery({
    queryKey: ['desk', 'workOrders', focusId],
    enabled: !!focusId,
    queryFn: () => desk.get<WorkOrder>(`/api/work-orders/${focusId}`),
  });
  const focusTab: Tab | undefined = focus.data
    ? focus.data.overdue
      ? 'overdue'
      : focus.data.status === 'cancelled'
        ? undefined
        : (focus.data.status as Tab)
    : undefined;
  const tab = (params.get('tab') as Tab) ?? focusTab ?? 'pending';
  const [expanded, setExpanded] = useState<readonly React.Key[]>(focusId ? [focusId] : []);
  const operations = me.role === 'operations';
  const [departmentId, setDepartmentId] = useState<string | null>(
    operations ? null : (me.departmentId ?? null),
  );
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm<{ text: string }>();
  // Staff opening another department's order see that department's queue.
  useEffect(() => {
    if (!operations && focus.data) setDepartmentId(focus.data.departmentId);
  }, [operations, focus.data]);

  useEffect(() => {
    if (dialog) form.resetFields();
  }, [dialog, form]);

  const filters: Record<string, unknown> = {
    departmentId: operations ? undefined : (departmentId ?? undefined),
    limit: 50,
  };
  if (tab === 'overdue') filters.overdue = true;
  else filters.status = tab;

  const list = useInfiniteQuery({
    queryKey: ['desk', 'workOrders', 'queue', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      desk.get<Page<WorkOrder>>('/api/work-orders', { ...filters, cursor: pageParam }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['desk', 'workOrders'] });

  const act = useMutation({
    mutationFn: ({ order, path, body }: { order: WorkOrder; path: string; body?: unknown; done: string }) =>
      desk.post(`/api/work-orders/${order.id}/${path}`, body ?? {}),
    onSuccess: (_d, variables) => {
      message.success(variables.done);
      setDialog(null);
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ['desk', 'ticket', variables.order.ticketId] });
    },
    onError: (error) => {
      if (dialog) {
        const rest = applyFieldErrors(form, error, t, { aliases: { body: 'text', result: 'text' } });
        if (rest.length) message.error(rest.join('；'));
      } else message.error(errorText(t, error));
      void refresh();
    },
  });

  const submit = async () => {
    if (!dialog) return;
    const { text } = await form.validateFields();
    if (dialog.kind === 'note')
      act.mutate({
        order: dialog.order,
        path: 'notes',
        body: { body: text.trim() },
        done: t('desk.workOrders.noteSaved'),
      });
    else
      act.mutate({
        order: dialog.order,
        path: 'complete',
        body: { result: text.trim() },
        done: t('desk.workOrders.completed'),
      });
  };

  return (
    <>
      <PageHeader
        title={t('desk.workOrders.title')}
        crumbs={[{ title: t('desk.menu.workOrders') }]}
        subTitle={
          operations
            ? t('desk.workOrders.myDepartment', { name: departmentName(me.departmentId) })
            : undefined
        }
        extra={
          !operations && (
            <Space>
              <Typography.Text type="secondary">{t('desk.workOrders.department')}</Typography.Text>
              <DepartmentSelect value={departmentId} onChange={setDepartmentId} style={{ width: 220 }} />
            </Space>
          )
        }
      >
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams(key === 'pending' ? {} : { tab: key })}
          items={(['pending', 'accepted', 'overdue', 'done'] as const).map((key) => ({
            key,
            label: t(`desk.workOrders.tabs.${key}`),
          }))}
          style={{ marginBottom: -16 }}
        />
      </PageHeader>
      <Card>
        {list.isError && <Typography.Text type="danger">{errorText(t, list.error)}</Typography.Text>}
        <Table<WorkOrder>
          rowKey="id"
          data-testid="work-order-table"
          loading={list.isLoading}
          locale={{ emptyText: t(`desk.workOrders.empty.${tab}`, { defaultValue: t('common.noResults') }) }}
          dataSource={rows}
          pagination={false}
          scroll={{ x: operations ? 1280 : 1400 }}
          tableLayout="fixed"
          rowClassName={(order) => (order.id === focusId ? 'ant-table-row-selected' : '')}
          expandable={{
            expandedRowKeys: expanded,
            onExpandedRowsChange: setExpanded,
            expandedRowRender: (order) => (
              <div>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
                  {order.instructions}
                </Typography.Paragraph>
                {order.result && (
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>
                    <b>{t('desk.workOrders.result')}:</b> {order.result}
                  </Typography.Paragraph>
                )}
                <WorkOrderNotes workOrderId={order.id} />
              </div>
            ),
          }}
          columns={[
            { title: t('desk.workOrders.number'), dataIndex: 'number', width: 130 },
            {
              title: t('desk.workOrders.ticket'),
              key: 'ticket',
              width: 260,
              ellipsis: true,
              render: (_: unknown, order) => (
                <Link to={`/tickets/${order.ticketId}`}>
                  {order.ticketNumber ?? t('desk.workOrders.openTicket')}
                  {order.ticketSubject ? ` · ${order.ticketSubject}` : ''}
                </Link>
              ),
            },
            {
              title: t('desk.ticket.customer'),
              dataIndex: 'customerName',
              width: 200,
              ellipsis: true,
              render: (v: string | null) => v ?? '—',
            },
            {
              title: t('desk.workOrders.instructions'),
              dataIndex: 'instructions',
              width: 240,
              ellipsis: true,
            },
            // Operations users see only their own department's orders (named in the subtitle).
            ...(operations
              ? []
              : [
                  {
                    title: t('desk.workOrders.department'),
                    key: 'department',
                    width: 120,
                    render: (_: unknown, order: WorkOrder) =>
                      departmentLabel(order.departmentId, order.departmentName),
                  },
                ]),
            {
              title: t('desk.workOrders.dueAt'),
              dataIndex: 'dueAt',
              width: 140,
              render: (v: string) => formatDateTime(v),
            },
            {
              title: t('desk.ticket.status'),
              dataIndex: 'status',
              width: 140,
              render: (v: string, order) => <WorkOrderStatusTag status={v} overdue={order.overdue} />,
            },
            {
              title: t('desk.workOrders.assignee'),
              dataIndex: 'assigneeName',
              width: 100,
              render: (v: string | null) => v ?? '—',
            },
            {
              title: t('common.actions'),
              key: 'actions',
              width: 200,
              fixed: 'right',
              render: (_: unknown, order) => (
                <Space size={4} wrap>
                  {order.status === 'pending' && (
                    <Button
                      size="small"
                      type="primary"
                      icon={<UserAddOutlined />}
                      loading={act.isPending && act.variables?.order.id === order.id}
                      onClick={() =>
                        act.mutate({ order, path: 'accept', done: t('desk.workOrders.accepted') })
                      }
                      data-testid="work-order-accept"
                    >
                      {t('desk.workOrders.accept')}
                    </Button>
                  )}
                  {(order.status === 'pending' || order.status === 'accepted') && (
                    <Button
                      size="small"
                      icon={<FormOutlined />}
                      onClick={() => setDialog({ kind: 'note', order })}
                      data-testid="work-order-note"
                    >
                      {t('desk.workOrders.addNote')}
                    </Button>
                  )}
                  {(order.status === 'pending' || order.status === 'accepted') && (
                    <Button
                      size="small"
                      icon={<CheckOutlined />}
                      onClick={() => setDialog({ kind: 'complete', order })}
                      data-testid="work-order-complete"
                    >
                      {t('desk.workOrders.complete')}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <Modal
        open={!!dialog}
        title={
          dialog
            ? `${dialog.kind === 'note' ? t('desk.workOrders.addNote') : t('desk.workOrders.complete')} · ${dialog.order.number}`
            : undefined
        }
        onCancel={() => setDialog(null)}
        onOk={submit}
        confirmLoading={act.isPending}
        okButtonProps={{ 'data-testid': 'work-order-confirm' } as never}
        destroyOnHidden
      >
        {dialog && (
          <Typography.Paragraph type="secondary" style={{ whiteSpace: 'pre-wrap' }}>
            {dialog.order.instructions}
          </Typography.Paragraph>
        )}
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item
            name="text"
            label={dialog?.kind === 'complete' ? t('desk.workOrders.result') : t('desk.workOrders.note')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input.TextArea rows={4} maxLength={4000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
