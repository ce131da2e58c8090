import { CheckOutlined, CloseCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  type ButtonProps,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { CustomerSelect } from '../../components/CustomerSelect';
import { api, unwrap } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import {
  ALERT_KINDS,
  ALERT_STATUSES,
  formatIndex,
  type ModelNodeLite,
  nodeName,
  type SatisfactionAlert,
  cleanQuery,
  useNodeNames,
} from '../../components/satisfaction/api';
import { UserSelect } from '../../components/selects';
import { useMe } from '../../lib/auth';
import { errorText } from '../../lib/forms';
import { formatDateTime, fromNow } from '../../lib/time';

const STATUS_COLORS: Record<string, string> = { open: 'red', acknowledged: 'orange', closed: 'default' };
const CAN_ACT = new Set(['supervisor', 'manager', 'admin']);

/**
 * 满意度预警: silent dissatisfaction — customers whose answers fell below the threshold or whose
 * index dropped — with acknowledge, close with a note, and a corrective action from the alert.
 */
export function SatisfactionAlertsPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<SatisfactionAlert['status'] | undefined>('open');
  const [kind, setKind] = useState<SatisfactionAlert['kind'] | undefined>();
  const [ownerId, setOwnerId] = useState<string | undefined>();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [closing, setClosing] = useState<SatisfactionAlert | null>(null);
  const filters = { status, kind, ownerId, customerId: customerId ?? undefined, limit: 50 };
  const list = useInfiniteQuery({
    queryKey: ['satisfaction', 'alerts', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/satisfaction/alerts', {
          params: { query: cleanQuery({ ...filters, cursor: pageParam }) },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader
        title={t('satisfaction.menu.alerts')}
        crumbs={[
          { title: t('satisfaction.menu.dashboard'), to: '/satisfaction' },
          { title: t('satisfaction.menu.alerts') },
        ]}
        subTitle={t('satisfaction.alerts.subtitle')}
      />
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Select
            allowClear
            placeholder={t('satisfaction.alerts.status')}
            aria-label={t('satisfaction.alerts.status')}
            data-testid="alert-filter-status"
            style={{ width: 130 }}
            value={status}
            onChange={setStatus}
            options={ALERT_STATUSES.map((v) => ({ value: v, label: t(`satisfaction.alertStatus.${v}`) }))}
          />
          <Select
            allowClear
            placeholder={t('satisfaction.alerts.kind')}
            aria-label={t('satisfaction.alerts.kind')}
            style={{ width: 150 }}
            value={kind}
            onChange={setKind}
            options={ALERT_KINDS.map((v) => ({ value: v, label: t(`satisfaction.alertKind.${v}`) }))}
          />
          <UserSelect
            allowClear
            placeholder={t('satisfaction.alerts.owner')}
            style={{ width: 180 }}
            value={ownerId}
            onChange={(value) => setOwnerId(value ?? undefined)}
          />
          <CustomerSelect value={customerId} onChange={setCustomerId} style={{ width: 220 }} />
          <Tooltip title={t('common.refresh')}>
            <Button
              icon={<ReloadOutlined />}
              aria-label={t('common.refresh')}
              onClick={() => list.refetch()}
            />
          </Tooltip>
        </Space>
        {list.isError && (
          <Typography.Paragraph type="danger">{errorText(t, list.error)}</Typography.Paragraph>
        )}
        <AlertTable rows={rows} loading={list.isLoading} onClose={setClosing} />
        {list.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <CloseAlertModal alert={closing} onDone={() => setClosing(null)} />
    </>
  );
}

function AlertTable({
  rows,
  loading,
  onClose,
}: {
  rows: SatisfactionAlert[];
  loading: boolean;
  onClose: (alert: SatisfactionAlert) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const names = useNodeNames();
  const me = useMe();
  // Operations users read alerts; the owner's side works them.
  const works = me.role !== 'operations';
  const acknowledge = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/satisfaction/alerts/{id}/acknowledge', { params: { path: { id } }, body: {} })),
    onSuccess: () => {
      message.success(t('satisfaction.alerts.acknowledged'));
      void queryClient.invalidateQueries({ queryKey: ['satisfaction', 'alerts'] });
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  return (
    <Table<SatisfactionAlert>
      rowKey="id"
      data-testid="satisfaction-alert-table"
      loading={loading}
      dataSource={rows}
      pagination={false}
      size="middle"
      scroll={{ x: 1200 }}
      tableLayout="fixed"
      locale={{ emptyText: t('satisfaction.alerts.empty') }}
      onRow={() => ({ 'data-testid': 'satisfaction-alert-row' }) as object}
      columns={[
        {
          title: t('satisfaction.alerts.customer'),
          dataIndex: 'customerName',
          width: 220,
          ellipsis: true,
          render: (name: string | null, a) => <Link to={`/customers/${a.customerId}`}>{name ?? '—'}</Link>,
        },
        {
          title: t('satisfaction.alerts.kind'),
          dataIndex: 'kind',
          width: 110,
          render: (k: string) => (
            <Tag color={k === 'index_drop' ? 'volcano' : 'magenta'}>{t(`satisfaction.alertKind.${k}`)}</Tag>
          ),
        },
        {
          title: t('satisfaction.alerts.index'),
          key: 'index',
          width: 130,
          render: (_: unknown, a) =>
            a.kind === 'index_drop' && a.previousIndex !== null ? (
              <span>
                {formatIndex(a.previousIndex)} →{' '}
                <Typography.Text type="danger">{formatIndex(a.currentIndex)}</Typography.Text>
              </span>
            ) : (
              formatIndex(a.currentIndex)
            ),
        },
        {
          title: t('satisfaction.alerts.lowItems'),
          key: 'lowItems',
          render: (_: unknown, a) =>
            a.lowItems.length ? (
              <Space orientation="vertical" size={0}>
                {a.lowItems.map((item) => (
                  <span key={item.itemKey} data-testid="alert-low-item">
                    {nodeName(names.get(item.itemKey), i18n.language) || item.itemKey}：
                    <Typography.Text type="danger">
                      {answerLabel(names.get(item.itemKey), item.score, i18n.language) ??
                        t(`satisfaction.likert.${item.score}`, { defaultValue: String(item.score) })}
                    </Typography.Text>
                  </span>
                ))}
              </Space>
            ) : (
              '—'
            ),
        },
        {
          title: t('satisfaction.alerts.owner'),
          dataIndex: 'ownerName',
          width: 110,
          render: (v: string | null) => v ?? '—',
        },
        {
          title: t('satisfaction.alerts.status'),
          dataIndex: 'status',
          width: 100,
          render: (v: string, a) => (
            <Tooltip title={a.note || undefined}>
              <Tag color={STATUS_COLORS[v]} data-testid="alert-status">
                {t(`satisfaction.alertStatus.${v}`)}
              </Tag>
            </Tooltip>
          ),
        },
        {
          title: t('satisfaction.alerts.raisedAt'),
          dataIndex: 'createdAt',
          width: 130,
          render: (v: string) => <Tooltip title={formatDateTime(v)}>{fromNow(v)}</Tooltip>,
        },
        {
          title: t('common.actions'),
          key: 'actions',
          width: 290,
          render: (_: unknown, a) => (
            <Space size={4} wrap>
              {works && a.status === 'open' && (
                <Button
                  size="small"
                  icon={<CheckOutlined />}
                  loading={acknowledge.isPending && acknowledge.variables === a.id}
                  onClick={() => acknowledge.mutate(a.id)}
                  data-testid="alert-acknowledge"
                >
                  {t('satisfaction.alerts.acknowledge')}
                </Button>
              )}
              {works && a.status !== 'closed' && (
                <Button
                  size="small"
                  icon={<CloseCircleOutlined />}
                  onClick={() => onClose(a)}
                  data-testid="alert-close"
                >
                  {t('satisfaction.alerts.close')}
                </Button>
              )}
              {a.correctiveActionId ? (
                <Link to="/corrective-actions">
                  <Tag color="blue">{t('satisfaction.alerts.hasAction')}</Tag>
                </Link>
              ) : (
                a.status !== 'closed' &&
                CAN_ACT.has(me.role) && (
                  <Link to={`/corrective-actions?alertId=${a.id}`} data-testid="alert-open-action">
                    {t('satisfaction.alerts.openAction')}
                  </Link>
                )
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}

/**
 * An alert's item score is the effective one (reverse items turned round). An item with its own
 * scale words (e.g. "how often did you have to complain?") shows the words the customer chose:
 * the labels are for the answers 5 … 1, and a reverse item's answer is 6 − the effective score.
 */
function answerLabel(node: ModelNodeLite | undefined, score: number, language: string): string | null {
  const labels = language === 'en' && node?.scaleLabelsEn?.length ? node.scaleLabelsEn : node?.scaleLabelsZh;
  if (!node || !labels?.length) return null;
  const answered = node.reverse ? 6 - score : score;
  return labels[5 - answered] ?? null;
}

function CloseAlertModal({ alert, onDone }: { alert: SatisfactionAlert | null; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ note: string }>();
  const close = useMutation({
    mutationFn: (values: { note: string }) =>
      unwrap(
        api.POST('/api/satisfaction/alerts/{id}/close', {
          params: { path: { id: alert!.id } },
          body: { note: values.note.trim() },
        }),
      ),
    onSuccess: () => {
      message.success(t('satisfaction.alerts.closed'));
      void queryClient.invalidateQueries({ queryKey: ['satisfaction', 'alerts'] });
      onDone();
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  return (
    <Modal
      open={!!alert}
      title={t('satisfaction.alerts.closeTitle', { name: alert?.customerName ?? '' })}
      okText={t('satisfaction.alerts.close')}
      okButtonProps={{ 'data-testid': 'alert-close-ok' } as ButtonProps}
      onOk={() => form.submit()}
      onCancel={onDone}
      confirmLoading={close.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{ note: alert?.note ?? '' }}
        onFinish={close.mutate}
        preserve={false}
      >
        <Form.Item
          name="note"
          label={t('satisfaction.alerts.note')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          extra={t('satisfaction.alerts.noteHint')}
        >
          <Input.TextArea rows={4} maxLength={2000} data-testid="alert-close-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
