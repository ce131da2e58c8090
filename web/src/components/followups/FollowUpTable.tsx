import { CheckOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import {
  App,
  Badge,
  Button,
  Dropdown,
  Form,
  Input,
  Modal,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { formatDateTime, fromNow } from '../../lib/time';
import { CompleteFollowUpModal } from './CompleteFollowUpModal';
import { FollowUpFormModal } from './FollowUpFormModal';
import { type FollowUp, useInvalidateFollowUps } from './useFollowUpActions';

export function FollowUpStatus({ followUp }: { followUp: FollowUp }) {
  const { t } = useTranslation();
  if (followUp.status === 'done') return <Badge status="success" text={t('enum.followUpStatus.done')} />;
  if (followUp.status === 'cancelled')
    return <Badge status="default" text={t('enum.followUpStatus.cancelled')} />;
  if (followUp.overdue) return <Badge status="error" text={t('followUps.overdue')} />;
  return <Badge status="processing" text={t('enum.followUpStatus.open')} />;
}

/** Follow-ups with their actions: complete (asks the result), edit, cancel (asks why), reopen. */
export function FollowUpTable(props: {
  items: FollowUp[];
  loading?: boolean;
  showCustomer?: boolean;
  showAssignee?: boolean;
  /** Whether the viewer may change these tasks at all (the server checks each one). */
  editable?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const invalidate = useInvalidateFollowUps();
  const [completing, setCompleting] = useState<FollowUp | null>(null);
  const [editing, setEditing] = useState<FollowUp | null>(null);
  const [cancelling, setCancelling] = useState<FollowUp | null>(null);
  const [cancelForm] = Form.useForm<{ reason: string }>();

  const mayChange = props.editable !== false && me.role !== 'manager' && me.role !== 'portal';

  const cancel = useMutation({
    mutationFn: (input: { followUp: FollowUp; reason: string }) =>
      unwrap(
        api.POST('/api/follow-ups/{id}/cancel', {
          params: { path: { id: input.followUp.id } },
          body: { reason: input.reason, version: input.followUp.version },
        }),
      ),
    onSuccess: (_d, input) => {
      message.success(t('followUps.cancelled'));
      setCancelling(null);
      void invalidate(input.followUp.customerId);
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  const reopen = useMutation({
    mutationFn: (followUp: FollowUp) =>
      unwrap(
        api.POST('/api/follow-ups/{id}/reopen', {
          params: { path: { id: followUp.id } },
          body: { version: followUp.version },
        }),
      ),
    onSuccess: (_d, followUp) => {
      message.success(t('followUps.reopened'));
      void invalidate(followUp.customerId);
    },
    onError: (error) => message.error(errorText(t, error)),
  });

  return (
    <>
      <Table<FollowUp>
        rowKey="id"
        size="middle"
        loading={props.loading}
        dataSource={props.items}
        pagination={false}
        data-testid={props.testId}
        rowClassName={(f) => (f.overdue ? 'row-overdue' : '')}
        columns={[
          {
            title: t('followUps.dueAt'),
            dataIndex: 'dueAt',
            width: 170,
            render: (value: string, f) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text type={f.overdue ? 'danger' : undefined}>
                  {formatDateTime(value)}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {fromNow(value)}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('followUps.title'),
            dataIndex: 'title',
            render: (title: string, f) => (
              <Space orientation="vertical" size={2}>
                <Space size={6} wrap>
                  <Typography.Text strong>{title}</Typography.Text>
                  {f.kind !== 'manual' && <Tag color="geekblue">{t(`enum.followUpKind.${f.kind}`)}</Tag>}
                </Space>
                {f.notes && (
                  <Typography.Text type="secondary" style={{ fontSize: 13 }} ellipsis={{ tooltip: f.notes }}>
                    {f.notes}
                  </Typography.Text>
                )}
                {f.result && (
                  <Typography.Text style={{ fontSize: 13 }}>
                    <CheckOutlined style={{ color: '#52c41a' }} /> {f.result}
                  </Typography.Text>
                )}
                {f.cancelReason && (
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {t('followUps.cancelReason')}：{f.cancelReason}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          ...(props.showCustomer
            ? [
                {
                  title: t('followUps.customer'),
                  dataIndex: 'customerName',
                  width: 220,
                  render: (name: string, f: FollowUp) => (
                    <Link to={`/customers/${f.customerId}`}>{name}</Link>
                  ),
                },
              ]
            : []),
          {
            title: t('followUps.contact'),
            dataIndex: 'contactName',
            width: 100,
            render: (v: string | null) => v ?? '—',
          },
          ...(props.showAssignee
            ? [{ title: t('followUps.assignee'), dataIndex: 'assigneeName', width: 100 }]
            : []),
          {
            title: t('followUps.status'),
            key: 'status',
            width: 100,
            render: (_: unknown, f) => <FollowUpStatus followUp={f} />,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 170,
            render: (_: unknown, f) =>
              mayChange && (
                <Space size={0}>
                  {f.status === 'open' && (
                    <Button
                      type="link"
                      size="small"
                      onClick={() => setCompleting(f)}
                      data-testid="complete-follow-up"
                    >
                      {t('followUps.complete')}
                    </Button>
                  )}
                  {f.status === 'open' ? (
                    <Dropdown
                      menu={{
                        items: [
                          { key: 'edit', label: t('common.edit') },
                          { key: 'cancel', label: t('followUps.cancel'), danger: true },
                        ],
                        onClick: ({ key }) => {
                          if (key === 'edit') setEditing(f);
                          else {
                            cancelForm.resetFields();
                            setCancelling(f);
                          }
                        },
                      }}
                    >
                      <Button type="link" size="small">
                        {t('common.more')}
                      </Button>
                    </Dropdown>
                  ) : (
                    <Tooltip title={t('followUps.reopenHint')}>
                      <Button type="link" size="small" onClick={() => reopen.mutate(f)}>
                        {t('followUps.reopen')}
                      </Button>
                    </Tooltip>
                  )}
                </Space>
              ),
          },
        ]}
      />
      <CompleteFollowUpModal followUp={completing} onClose={() => setCompleting(null)} />
      {editing && (
        <FollowUpFormModal
          open
          onClose={() => setEditing(null)}
          customerId={editing.customerId}
          followUp={editing}
        />
      )}
      <Modal
        title={t('followUps.cancelTitle')}
        open={cancelling !== null}
        onCancel={() => setCancelling(null)}
        onOk={() => cancelForm.submit()}
        confirmLoading={cancel.isPending}
        destroyOnHidden
      >
        <Form<{ reason: string }>
          form={cancelForm}
          layout="vertical"
          onFinish={(values) =>
            cancelling && cancel.mutate({ followUp: cancelling, reason: values.reason.trim() })
          }
        >
          <Form.Item
            name="reason"
            label={t('followUps.cancelReason')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
