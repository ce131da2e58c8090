import { ArrowRightOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../lib/auth';
import { applyFieldErrors, errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';
import { type CorrectiveAction, STATUS_COLORS, formatFigure } from './api';

interface VerifyForm {
  method: 'survey' | 'follow_up';
  followUpId?: string;
  afterScore?: number | null;
  outcome?: 'effective' | 'not_effective';
  note: string;
}

const WORKING = ['open', 'in_progress', 'verifying'];

/** Before and after side by side: the point of a corrective action. */
export function BeforeAfter({ action }: { action: CorrectiveAction }) {
  const { t } = useTranslation();
  const unit = action.measure === 'complaints' ? t('actions.perNinetyDays') : t('actions.scoreUnit');
  const better =
    action.afterScore !== null &&
    action.beforeScore !== null &&
    (action.measure === 'complaints'
      ? action.afterScore < action.beforeScore
      : action.afterScore > action.beforeScore);
  return (
    <Row gutter={16} data-testid="action-before-after">
      <Col span={12}>
        <Statistic
          title={t('actions.before')}
          value={formatFigure(action.beforeScore)}
          suffix={<span style={{ fontSize: 12 }}>{unit}</span>}
        />
        <Typography.Text type="secondary">
          {action.beforeCount !== null ? t('actions.basedOn', { count: action.beforeCount }) : ''}
        </Typography.Text>
      </Col>
      <Col span={12}>
        <Statistic
          title={t('actions.after')}
          value={formatFigure(action.afterScore)}
          valueStyle={action.afterScore === null ? undefined : { color: better ? '#389e0d' : '#cf1322' }}
          suffix={<span style={{ fontSize: 12 }}>{unit}</span>}
        />
        <Typography.Text type="secondary">
          {action.afterCount !== null ? t('actions.basedOn', { count: action.afterCount }) : ''}
        </Typography.Text>
      </Col>
    </Row>
  );
}

/** One corrective action: what, who, by when, before vs after, status moves, verification and cancellation. */
export function ActionDetailDrawer(props: {
  actionId: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm<VerifyForm>();
  const [reason, setReason] = useState('');
  const method = Form.useWatch('method', form);

  const query = useQuery({
    queryKey: ['correctiveActions', 'one', props.actionId],
    enabled: !!props.actionId,
    queryFn: () =>
      unwrap(api.GET('/api/corrective-actions/{id}', { params: { path: { id: props.actionId! } } })),
    // Keeps the content while the drawer slides away.
    placeholderData: (previous) => previous,
  });
  const action = query.data;
  // Done follow-ups that can vouch for the result: the customer's, else the owner's action tasks.
  const doneFollowUps = useQuery({
    queryKey: ['correctiveActions', 'doneFollowUps', action?.id, action?.customerId, action?.ownerId],
    enabled: !!action && method === 'follow_up',
    retry: false,
    queryFn: async () =>
      (
        await unwrap(
          api.GET('/api/follow-ups', {
            params: {
              query: action!.customerId
                ? { customerId: action!.customerId, status: 'done', order: 'desc', limit: 50 }
                : {
                    assigneeId: action!.ownerId,
                    kind: 'corrective_action',
                    status: 'done',
                    order: 'desc',
                    limit: 50,
                  },
            },
          }),
        )
      ).items,
  });
  const canChange =
    !!action && (['supervisor', 'manager', 'admin'].includes(me.role) || action.ownerId === me.id);

  const done = (text: string) => {
    message.success(text);
    void query.refetch();
    props.onChanged();
  };

  const move = useMutation({
    mutationFn: (status: 'open' | 'in_progress' | 'verifying') =>
      unwrap(
        api.PATCH('/api/corrective-actions/{id}', { params: { path: { id: action!.id } }, body: { status } }),
      ),
    onSuccess: () => done(t('common.saved')),
    onError: (error) => message.error(errorText(t, error)),
  });
  const verify = useMutation({
    mutationFn: (values: VerifyForm) =>
      unwrap(
        api.POST('/api/corrective-actions/{id}/verify', {
          params: { path: { id: action!.id } },
          body: {
            method: values.method,
            followUpId: values.method === 'follow_up' ? (values.followUpId ?? null) : null,
            afterScore: values.method === 'follow_up' ? (values.afterScore ?? null) : null,
            outcome: values.method === 'follow_up' && values.afterScore == null ? values.outcome : undefined,
            note: values.note.trim(),
          },
        }),
      ),
    onSuccess: (result) => done(t(`actions.verified.${result.status}`)),
    onError: (error) => {
      for (const text of applyFieldErrors(form, error, t)) message.error(text);
    },
  });
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/corrective-actions/{id}/cancel', {
          params: { path: { id: action!.id } },
          body: { reason: reason.trim() },
        }),
      ),
    onSuccess: () => done(t('actions.cancelled')),
    onError: (error) => message.error(errorText(t, error)),
  });

  const itemName = action ? (i18n.language === 'en' ? action.itemNameEn : action.itemNameZh) : null;

  return (
    <Drawer
      open={!!props.actionId}
      width={680}
      onClose={props.onClose}
      destroyOnHidden
      title={action ? `${action.number} ${action.title}` : t('common.loading')}
      extra={action && <Tag color={STATUS_COLORS[action.status]}>{t(`actions.status.${action.status}`)}</Tag>}
    >
      {action && (
        <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="action-detail">
          <Descriptions column={2} size="small" bordered>
            <Descriptions.Item label={t('actions.field.source')}>
              {t(`actions.source.${action.source}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('actions.field.item')}>{itemName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('actions.field.owner')}>{action.ownerName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('actions.field.department')}>
              {action.departmentName ?? '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('actions.field.dueAt')}>
              <Typography.Text type={action.overdue ? 'danger' : undefined}>
                {formatDateTime(action.dueAt)}
                {action.overdue ? ` · ${t('actions.overdue')}` : ''}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('actions.field.customer')}>
              {action.customerId ? (
                <Link to={`/customers/${action.customerId}`}>{action.customerName}</Link>
              ) : (
                t('actions.allCustomers')
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('actions.field.problem')} span={2}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
                {action.problem ?? '—'}
              </Typography.Paragraph>
            </Descriptions.Item>
            <Descriptions.Item label={t('actions.field.measures')} span={2}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>
                {action.measures}
              </Typography.Paragraph>
            </Descriptions.Item>
            {action.verificationNote && (
              <Descriptions.Item label={t('actions.field.verificationNote')} span={2}>
                {action.verificationNote}
                {action.verifiedAt
                  ? ` · ${action.verifiedByName ?? ''} ${formatDateTime(action.verifiedAt)}`
                  : ''}
              </Descriptions.Item>
            )}
          </Descriptions>

          <Card size="small" title={t('actions.beforeAfter')}>
            <BeforeAfter action={action} />
          </Card>

          {canChange && (WORKING.includes(action.status) || action.status === 'not_effective') && (
            <Space wrap>
              {action.status === 'open' && (
                <Button
                  onClick={() => move.mutate('in_progress')}
                  loading={move.isPending}
                  data-testid="action-start"
                >
                  {t('actions.move.in_progress')}
                </Button>
              )}
              {(action.status === 'open' || action.status === 'in_progress') && (
                <Button
                  onClick={() => move.mutate('verifying')}
                  loading={move.isPending}
                  data-testid="action-to-verify"
                >
                  {t('actions.move.verifying')}
                </Button>
              )}
              {(action.status === 'verifying' || action.status === 'not_effective') && (
                <Button onClick={() => move.mutate('in_progress')} loading={move.isPending}>
                  {t('actions.move.again')}
                </Button>
              )}
              <Popconfirm
                title={t('actions.cancelTitle')}
                description={
                  <Input.TextArea
                    rows={2}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                    placeholder={t('actions.cancelReason')}
                    data-testid="action-cancel-reason"
                  />
                }
                okButtonProps={{ disabled: !reason.trim(), loading: cancel.isPending }}
                onConfirm={() => cancel.mutate()}
              >
                <Button danger>{t('actions.cancel')}</Button>
              </Popconfirm>
            </Space>
          )}

          {canChange && WORKING.includes(action.status) && (
            <Card size="small" title={t('actions.verify')} data-testid="action-verify-form">
              <Form<VerifyForm>
                form={form}
                layout="vertical"
                onFinish={(values) => verify.mutate(values)}
                initialValues={{
                  method: action.customerId && action.followUpId ? 'follow_up' : 'survey',
                  followUpId: action.followUpId ?? undefined,
                  note: '',
                }}
              >
                <Form.Item name="method" label={t('actions.field.method')}>
                  <Radio.Group
                    options={(['survey', 'follow_up'] as const).map((m) => ({
                      value: m,
                      label: t(`actions.method.${m}`),
                    }))}
                  />
                </Form.Item>
                {method === 'survey' && action.measure === 'score' && (
                  <Typography.Paragraph type="secondary">{t('actions.surveyHint')}</Typography.Paragraph>
                )}
                {action.measure === 'complaints' && (
                  <Typography.Paragraph type="secondary">{t('actions.complaintsHint')}</Typography.Paragraph>
                )}
                {method === 'follow_up' && (
                  <>
                    <Form.Item
                      name="followUpId"
                      label={t('actions.field.followUp')}
                      extra={t('actions.followUpHint')}
                      rules={[{ required: true, message: t('actions.followUpRequired') }]}
                    >
                      <Select
                        allowClear
                        loading={doneFollowUps.isLoading}
                        data-testid="action-verify-followup"
                        notFoundContent={t('actions.noDoneFollowUp')}
                        options={[
                          ...(doneFollowUps.data ?? []).map((f) => ({
                            value: f.id,
                            label: `${formatDateTime(f.completedAt)} ${f.title}${f.result ? ` — ${f.result}` : ''}`,
                          })),
                          // The action's own task, even while it is still open (the server says so).
                          ...(action.followUpId &&
                          !(doneFollowUps.data ?? []).some((f) => f.id === action.followUpId)
                            ? [{ value: action.followUpId, label: t('actions.ownTask') }]
                            : []),
                        ]}
                      />
                    </Form.Item>
                    {action.measure === 'score' && (
                      <Row gutter={12}>
                        <Col span={12}>
                          <Form.Item name="afterScore" label={t('actions.field.afterScore')}>
                            <InputNumber min={0} max={100} precision={1} style={{ width: '100%' }} />
                          </Form.Item>
                        </Col>
                        <Col span={12}>
                          <Form.Item name="outcome" label={t('actions.field.outcome')}>
                            <Radio.Group
                              options={(['effective', 'not_effective'] as const).map((o) => ({
                                value: o,
                                label: t(`actions.status.${o}`),
                              }))}
                            />
                          </Form.Item>
                        </Col>
                      </Row>
                    )}
                  </>
                )}
                <Form.Item
                  name="note"
                  label={t('actions.field.verificationNote')}
                  rules={[{ required: true, whitespace: true, message: t('actions.noteRequired') }]}
                >
                  <Input.TextArea rows={2} maxLength={2000} data-testid="action-verify-note" />
                </Form.Item>
                <Button
                  type="primary"
                  htmlType="submit"
                  loading={verify.isPending}
                  icon={<ArrowRightOutlined />}
                  data-testid="action-verify"
                >
                  {t('actions.verifyNow')}
                </Button>
              </Form>
            </Card>
          )}
        </Space>
      )}
    </Drawer>
  );
}
