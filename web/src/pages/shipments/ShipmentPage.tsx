import {
  CheckSquareOutlined,
  DownOutlined,
  EditOutlined,
  FlagOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Dropdown,
  Form,
  Input,
  List,
  Modal,
  Result,
  Row,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { useDepartmentName } from '../../components/selects';
import {
  documentUrl,
  itemsOf,
  laneOf,
  type Page,
  type Shipment,
  type ShipmentException,
  shipApi,
  useRefreshShipment,
  useShipment,
  useShipmentEvents,
} from '../../components/shipments/api';
import { DocumentsCard } from '../../components/shipments/DocumentsCard';
import { ExceptionActions, ExceptionDetail } from '../../components/shipments/exceptionActions';
import { MilestoneDialog } from '../../components/shipments/MilestoneDialog';
import { MilestoneTimeline, RawEventsTable } from '../../components/shipments/MilestonePanels';
import {
  ExceptionKindTag,
  ExceptionStatusTag,
  ModeTag,
  ShipmentStatusTag,
} from '../../components/shipments/parts';
import { PodDialog } from '../../components/shipments/PodDialog';
import { ShipmentFormDrawer } from '../../components/shipments/ShipmentFormDrawer';
import { useMe } from '../../lib/auth';
import { errorText, isStale } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';

/** Who may record milestones and POD: operations (the server checks their department), supervisors, admins. */
function mayOperate(role: string): boolean {
  return role === 'operations' || role === 'supervisor' || role === 'admin';
}

/** One shipment: status, promise vs estimate vs delivery, milestones, exceptions, documents, POD. */
export function ShipmentPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const shipment = useShipment(id);
  const events = useShipmentEvents(id);
  const refresh = useRefreshShipment(id);
  const departmentName = useDepartmentName();
  const exceptions = useQuery({
    queryKey: ['shipmentExceptions', 'shipment', id],
    enabled: !!id,
    queryFn: () =>
      shipApi.get<Page<ShipmentException>>('/api/shipment-exceptions', { shipmentId: id, limit: 50 }),
    select: (data) => itemsOf(data),
  });
  const [editing, setEditing] = useState(false);
  const [milestone, setMilestone] = useState(false);
  const [pod, setPod] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [cancelForm] = Form.useForm<{ reason: string }>();

  const cancel = useMutation({
    mutationFn: (reason: string) =>
      shipApi.post<Shipment>(
        `/api/shipments/${id}/cancel`,
        { reason },
        shipment.data ? { 'If-Match': `"${shipment.data.version}"` } : undefined,
      ),
    onSuccess: () => {
      message.success(t('shipments.detail.cancelled'));
      setCancelling(false);
      void refresh();
    },
    onError: (error) => {
      message.error(isStale(error) ? t('errors.stale') : errorText(t, error));
      if (isStale(error)) void refresh();
    },
  });

  if (shipment.isLoading) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (!shipment.data) {
    const missing = shipment.error instanceof ApiError && shipment.error.status === 404;
    return (
      <Result
        status={missing ? '404' : 'error'}
        title={missing ? t('shipments.detail.missing') : errorText(t, shipment.error)}
        extra={<Link to="/shipments">{t('shipments.detail.backToList')}</Link>}
      />
    );
  }
  const s = shipment.data;
  const active = !s.cancelledAt;
  const operate = mayOperate(me.role) && active;
  const editable = me.role !== 'manager' && active;
  const late =
    !!s.promisedAt &&
    !!(s.deliveredAt ?? s.estimatedDeliveryAt) &&
    new Date((s.deliveredAt ?? s.estimatedDeliveryAt)!).getTime() > new Date(s.promisedAt).getTime();
  const refs: [string, string | null | undefined][] = [
    ['orderNo', s.orderNo],
    ['customerReference', s.customerReference],
    ['bookingRef', s.bookingRef],
    ['houseBl', s.houseBl],
    ['masterBl', s.masterBl],
    ['awb', s.awb],
    ['containers', s.containers?.join(', ')],
  ];

  return (
    <>
      <PageHeader
        title={<span data-testid="shipment-number">{s.number}</span>}
        documentTitle={s.number}
        crumbs={[{ title: t('shipments.menu.shipments'), to: '/shipments' }, { title: s.number }]}
        tags={
          <Space size={4} wrap>
            <ShipmentStatusTag status={s.status} />
            <ModeTag mode={s.mode} />
            {s.openExceptions > 0 && (
              <Tag color="red" data-testid="shipment-open-exceptions">
                {t('shipments.detail.openExceptions', { count: s.openExceptions })}
              </Tag>
            )}
          </Space>
        }
        subTitle={
          <Space wrap size={16}>
            <span>
              {t('shipments.field.customer')}:{' '}
              <Link to={`/customers/${s.customerId}`}>{s.customerName ?? '—'}</Link>
            </span>
            <span>
              {t('shipments.field.lane')}: {laneOf(s)}
            </span>
            <span>
              {t('shipments.field.department')}: {departmentName(s.departmentId)}
            </span>
            <span>
              {t('shipments.field.owner')}: {s.ownerName ?? '—'}
            </span>
          </Space>
        }
        extra={
          <Space wrap>
            {operate && (
              <Button icon={<FlagOutlined />} onClick={() => setMilestone(true)} data-testid="milestone-add">
                {t('shipments.milestone.add')}
              </Button>
            )}
            {operate && !s.podRecordedAt && (
              <Button icon={<CheckSquareOutlined />} onClick={() => setPod(true)} data-testid="pod-record">
                {t('shipments.pod.record')}
              </Button>
            )}
            {editable && (
              <Button
                type="primary"
                icon={<EditOutlined />}
                onClick={() => setEditing(true)}
                data-testid="shipment-edit"
              >
                {t('common.edit')}
              </Button>
            )}
            {editable && (
              <Dropdown
                menu={{
                  items: [
                    {
                      key: 'cancel',
                      icon: <StopOutlined />,
                      label: t('shipments.detail.cancel'),
                      danger: true,
                    },
                  ],
                  onClick: () => setCancelling(true),
                }}
              >
                <Button>
                  {t('common.more')} <DownOutlined />
                </Button>
              </Dropdown>
            )}
          </Space>
        }
      >
        <Row gutter={16} style={{ marginTop: 12 }}>
          <Col xs={12} md={6}>
            <Statistic
              title={t('shipments.field.promisedAt')}
              value={formatDateTime(s.promisedAt)}
              styles={{ content: { fontSize: 16 } }}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={t('shipments.field.eta')}
              value={s.deliveredAt ? '—' : formatDateTime(s.estimatedDeliveryAt)}
              styles={{ content: { fontSize: 16, color: late && !s.deliveredAt ? '#cf1322' : undefined } }}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={t('shipments.field.deliveredAt')}
              value={formatDateTime(s.deliveredAt)}
              styles={{ content: { fontSize: 16, color: late && s.deliveredAt ? '#cf1322' : undefined } }}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={t('shipments.field.lastEvent')}
              value={formatDateTime(s.statusAt ?? s.lastEventAt)}
              suffix={
                s.statusLocation ? (
                  <Typography.Text type="secondary">{s.statusLocation}</Typography.Text>
                ) : null
              }
              styles={{ content: { fontSize: 16 } }}
            />
          </Col>
        </Row>
      </PageHeader>

      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        {s.cancelledAt && (
          <Card size="small">
            <Typography.Text type="warning">
              {t('shipments.detail.cancelledOn', { date: formatDateTime(s.cancelledAt) })}
            </Typography.Text>
          </Card>
        )}
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={16}>
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <MilestoneTimeline rows={events.data?.timeline ?? []} loading={events.isLoading} />
              {events.isError && (
                <Typography.Text type="danger">{errorText(t, events.error)}</Typography.Text>
              )}
              <Card title={t('shipments.exceptions.title')} size="small" data-testid="shipment-exceptions">
                <List<ShipmentException>
                  loading={exceptions.isLoading}
                  dataSource={exceptions.data ?? []}
                  locale={{ emptyText: t('shipments.exceptions.none') }}
                  renderItem={(x) => (
                    <List.Item
                      data-testid={`exception-${x.kind}`}
                      actions={
                        x.status === 'resolved' && !x.ticketId
                          ? []
                          : [<ExceptionActions key="a" exception={x} />]
                      }
                    >
                      <List.Item.Meta
                        title={
                          <Space size={4} wrap>
                            <ExceptionKindTag kind={x.kind} />
                            <ExceptionStatusTag status={x.status} />
                            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                              {formatDateTime(x.raisedAt)}
                            </Typography.Text>
                          </Space>
                        }
                        description={
                          <Space orientation="vertical" size={0}>
                            <ExceptionDetail exception={x} />
                            {x.customerNotifiedAt && (
                              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                                {t('shipments.exceptions.customerNotified', {
                                  time: formatDateTime(x.customerNotifiedAt),
                                })}
                              </Typography.Text>
                            )}
                            {x.resolution && (
                              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                                {t('shipments.exceptions.resolution')}: {x.resolution}
                              </Typography.Text>
                            )}
                          </Space>
                        }
                      />
                    </List.Item>
                  )}
                />
              </Card>
              <DocumentsCard shipmentId={s.id} editable={editable || operate} />
              <RawEventsTable events={events.data?.events ?? []} loading={events.isLoading} />
            </Space>
          </Col>
          <Col xs={24} xl={8}>
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Card title={t('shipments.detail.references')} size="small">
                <Descriptions size="small" column={1}>
                  {refs.map(([key, value]) => (
                    <Descriptions.Item key={key} label={t(`shipments.field.${key}`)}>
                      {value || '—'}
                    </Descriptions.Item>
                  ))}
                </Descriptions>
              </Card>
              <Card title={t('shipments.detail.cargo')} size="small">
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('shipments.field.pieces')}>{s.pieces ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label={t('shipments.field.weightKg')}>
                    {s.weightKg ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('shipments.field.volumeM3')}>
                    {s.volumeM3 ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('shipments.field.cargoDescription')}>
                    {s.cargoDescription ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('shipments.field.specialHandling')}>
                    {s.specialHandling?.length
                      ? s.specialHandling.map((v) => (
                          <Tag key={v}>{t(`enum.specialHandling.${v}`, { defaultValue: v })}</Tag>
                        ))
                      : '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('shipments.field.consigneeName')}>
                    {s.consigneeName ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('shipments.field.consigneePhone')}>
                    {s.consigneePhone ?? '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('shipments.field.destinationPostcode')}>
                    {s.destinationPostcode ?? '—'}
                  </Descriptions.Item>
                </Descriptions>
              </Card>
              <Card title={t('shipments.pod.title')} size="small" data-testid="shipment-pod">
                {s.podRecordedAt ? (
                  <Descriptions size="small" column={1}>
                    <Descriptions.Item label={t('shipments.pod.signer')}>
                      {s.podSigner ?? '—'}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('shipments.pod.signedAt')}>
                      {formatDateTime(s.podSignedAt)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('shipments.pod.recordedAt')}>
                      {formatDateTime(s.podRecordedAt)}
                    </Descriptions.Item>
                    {s.podDocumentId && (
                      <Descriptions.Item label={t('shipments.pod.file')}>
                        <a href={documentUrl(s.id, s.podDocumentId)} target="_blank" rel="noreferrer">
                          {t('shipments.pod.download')}
                        </a>
                      </Descriptions.Item>
                    )}
                  </Descriptions>
                ) : (
                  <Typography.Text type="secondary">{t('shipments.pod.none')}</Typography.Text>
                )}
              </Card>
            </Space>
          </Col>
        </Row>
      </Space>

      <ShipmentFormDrawer
        open={editing}
        onClose={() => setEditing(false)}
        shipment={s}
        onSaved={() => void refresh()}
      />
      <MilestoneDialog shipment={s} open={milestone} onClose={() => setMilestone(false)} />
      <PodDialog shipment={s} open={pod} onClose={() => setPod(false)} />
      <Modal
        open={cancelling}
        title={t('shipments.detail.cancelTitle', { number: s.number })}
        onCancel={() => setCancelling(false)}
        onOk={() => cancelForm.submit()}
        okButtonProps={{ danger: true }}
        confirmLoading={cancel.isPending}
        destroyOnHidden
      >
        <Form form={cancelForm} layout="vertical" onFinish={(v) => cancel.mutate(v.reason.trim())}>
          <Form.Item
            name="reason"
            label={t('shipments.detail.cancelReason')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
