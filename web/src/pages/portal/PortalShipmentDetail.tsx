import { BellOutlined, DownloadOutlined, MessageOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Select,
  Skeleton,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { idempotencyKey, newScope } from '../../api/client';
import { DrawerFormActions } from '../../components/DrawerFormActions';
import { useCategories, useCategoryName } from '../../components/desk/useDesk';
import { MilestoneList } from '../../components/track/MilestoneList';
import { TrackSummary } from '../../components/track/TrackSummary';
import {
  type PortalEvents,
  type PortalShipment,
  type PublicException,
  SUBSCRIPTION_CHANNELS,
  SUBSCRIPTION_TOPICS,
  type ShipmentSubscription,
  trackApi,
} from '../../components/track/api';
import { milestonesOfTimeline } from '../../components/track/words';
import { applyFieldErrors, errorText } from '../../lib/forms';
import { formatDateTime } from '../../lib/time';

const EXCEPTION_KIND_OF_CODE: Record<string, string> = {
  DAMAGED: 'damaged',
  HOLD: 'hold',
  LOST: 'lost',
  DELIVERY_FAILED: 'delivery_failed',
};

/**
 * What the customer should know is wrong: a delivery estimate later than the promise, and the
 * damage/hold/loss/failed-delivery milestones the derived status still counts as open.
 */
function exceptionsOf(s: PortalShipment, events: PortalEvents | undefined): PublicException[] {
  const out: PublicException[] = [];
  if (
    !s.deliveredAt &&
    s.promisedAt &&
    s.estimatedDeliveryAt &&
    new Date(s.estimatedDeliveryAt) > new Date(s.promisedAt)
  ) {
    out.push({ kind: 'delay', since: '' });
  }
  const open = events?.derived?.exceptions;
  for (const e of Array.isArray(open) ? open : []) {
    const kind = e.eventCode ? EXCEPTION_KIND_OF_CODE[e.eventCode] : undefined;
    if (kind && !out.some((x) => x.kind === kind)) out.push({ kind, since: e.eventTime ?? '' });
  }
  // Open exceptions the portal cannot see the kind of (e.g. no news for too long): said generally.
  if (s.openExceptions > 0 && out.length === 0) out.push({ kind: 'other', since: '' });
  return out;
}

/** One shipment for the customer: summary, references, cargo, milestones, documents; subscribe; ask. */
export function PortalShipmentDrawer(props: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const id = props.id;
  const [subscribing, setSubscribing] = useState(false);
  const [asking, setAsking] = useState(false);
  const shipment = useQuery({
    queryKey: ['portal', 'shipment', id],
    enabled: !!id,
    queryFn: () => trackApi.shipment(id!),
  });
  const events = useQuery({
    queryKey: ['portal', 'shipment', id, 'events'],
    enabled: !!id,
    queryFn: () => trackApi.events(id!),
  });
  const documents = useQuery({
    queryKey: ['portal', 'shipment', id, 'documents'],
    enabled: !!id,
    queryFn: () => trackApi.documents(id!),
  });
  const subscriptions = useQuery({
    queryKey: ['portal', 'shipment-subscriptions'],
    queryFn: trackApi.subscriptions,
  });
  const s = shipment.data;
  const subscribed = (subscriptions.data ?? []).some((x) => x.shipmentId === id);

  return (
    <Drawer
      title={s ? t('track.portal.detail', { number: s.number }) : ''}
      open={!!id}
      onClose={props.onClose}
      size={720}
      destroyOnHidden
      extra={
        s && (
          <Space wrap>
            <Button
              icon={<BellOutlined />}
              onClick={() => setSubscribing(true)}
              data-testid="portal-subscribe"
            >
              {subscribed ? t('track.portal.subscribed') : t('track.portal.subscribe')}
            </Button>
            <Button
              type="primary"
              icon={<MessageOutlined />}
              onClick={() => setAsking(true)}
              data-testid="portal-ask"
            >
              {t('track.portal.ask')}
            </Button>
          </Space>
        )
      }
    >
      {shipment.isLoading && <Skeleton active />}
      {shipment.isError && <Typography.Text type="danger">{errorText(t, shipment.error)}</Typography.Text>}
      {s && (
        <div data-testid="portal-shipment">
          <TrackSummary
            mode={s.mode}
            origin={s.origin}
            destination={s.destination}
            status={s.status}
            promisedAt={s.promisedAt}
            estimatedDeliveryAt={s.estimatedDeliveryAt}
            deliveredAt={s.deliveredAt}
            exceptions={exceptionsOf(s, events.data)}
          />
          <Descriptions bordered size="small" column={{ xs: 1, sm: 2 }} style={{ marginTop: 16 }}>
            {(
              [
                ['customerReference', s.customerReference],
                ['orderNo', s.orderNo],
                ['houseBl', s.houseBl],
                ['masterBl', s.masterBl],
                ['bookingRef', s.bookingRef],
                ['awb', s.awb],
              ] as const
            )
              .filter(([, v]) => !!v)
              .map(([key, v]) => (
                <Descriptions.Item key={key} label={t(`track.portal.${key}`)}>
                  {v}
                </Descriptions.Item>
              ))}
            {s.containers?.length > 0 && (
              <Descriptions.Item label={t('track.portal.containers')}>
                {s.containers.join('、')}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('track.portal.cargo')}>
              {[
                s.cargoDescription,
                s.pieces !== null ? t('track.portal.pieces', { count: s.pieces }) : null,
                s.weightKg !== null ? t('track.portal.weight', { value: s.weightKg }) : null,
                s.volumeM3 !== null ? t('track.portal.volume', { value: s.volumeM3 }) : null,
              ]
                .filter(Boolean)
                .join('，') || '—'}
            </Descriptions.Item>
            {s.podSigner && (
              <Descriptions.Item label={t('track.portal.pod')}>
                {t('track.portal.podSigned', {
                  signer: s.podSigner,
                  time: formatDateTime(s.podSignedAt ?? null),
                })}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Card title={t('track.portal.timeline')} size="small" style={{ marginTop: 16 }}>
            {events.isLoading ? (
              <Skeleton active />
            ) : events.isError ? (
              <Typography.Text type="danger">{errorText(t, events.error)}</Typography.Text>
            ) : (
              <MilestoneList milestones={milestonesOfTimeline(events.data?.timeline ?? [])} />
            )}
          </Card>
          <Card title={t('track.portal.documents')} size="small" style={{ marginTop: 16 }}>
            <List
              data-testid="portal-shipment-documents"
              loading={documents.isLoading}
              dataSource={documents.data ?? []}
              locale={{
                emptyText: (
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('track.portal.noDocuments')} />
                ),
              }}
              renderItem={(d) => (
                <List.Item
                  actions={[
                    <a key="download" href={trackApi.documentUrl(s.id, d.id)} download={d.fileName}>
                      <DownloadOutlined /> {t('track.portal.download')}
                    </a>,
                  ]}
                >
                  <List.Item.Meta
                    title={d.fileName}
                    description={`${t(`track.portal.documentKind.${d.kind}`, { defaultValue: d.kind })} · ${formatDateTime(d.uploadedAt)}`}
                  />
                </List.Item>
              )}
            />
          </Card>
          <SubscriptionModal
            open={subscribing}
            shipmentId={s.id}
            subscriptions={subscriptions.data ?? []}
            onClose={() => setSubscribing(false)}
          />
          <AskDrawer open={asking} shipment={s} onClose={() => setAsking(false)} />
        </div>
      )}
    </Drawer>
  );
}

interface SubscriptionForm {
  channels: string[];
  topics: string[];
}

/** Subscribe to one shipment's notices (or all, shipmentId null); shows and removes an existing subscription. */
export function SubscriptionModal(props: {
  open: boolean;
  shipmentId: string | null;
  subscriptions: ShipmentSubscription[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SubscriptionForm>();
  const existing = props.subscriptions.find((s) => s.shipmentId === props.shipmentId);

  // The form is destroyed on close and mounts with these values: setting them from an effect
  // raced the modal's first render under load and left the required fields empty.
  const initialValues: SubscriptionForm = {
    channels: existing?.channels ?? ['email', 'inapp'],
    topics: existing?.topics ?? ['exceptions', 'delivery'],
  };

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['portal', 'shipment-subscriptions'] });
  const save = useMutation({
    // Subscribing again to the same shipment (or to all) changes the subscription.
    mutationFn: (v: SubscriptionForm) =>
      trackApi.subscribe({ shipmentId: props.shipmentId, channels: v.channels, topics: v.topics }),
    onSuccess: () => {
      message.success(t('track.portal.subscriptionSaved'));
      void refresh();
      props.onClose();
    },
    onError: (error) => {
      void refresh();
      message.error(errorText(t, error));
    },
  });
  const remove = useMutation({
    mutationFn: () => trackApi.unsubscribe(existing!.id),
    onSuccess: () => {
      message.success(t('track.portal.subscriptionRemoved'));
      void refresh();
      props.onClose();
    },
    onError: (error) => message.error(errorText(t, error)),
  });
  const required = [{ required: true, type: 'array' as const, min: 1, message: t('validation.required') }];
  return (
    <Modal
      title={props.shipmentId ? t('track.portal.subscribe') : t('track.portal.subscribeAll')}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'portal-subscription-save' } as never}
      footer={(_, { OkBtn, CancelBtn }) => (
        <>
          {existing && (
            <Button danger loading={remove.isPending} onClick={() => remove.mutate()}>
              {t('track.portal.unsubscribe')}
            </Button>
          )}
          <CancelBtn />
          <OkBtn />
        </>
      )}
      destroyOnHidden
    >
      <Form<SubscriptionForm>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="channels" label={t('track.portal.channels')} rules={required}>
          <Checkbox.Group
            options={SUBSCRIPTION_CHANNELS.map((c) => ({ value: c, label: t(`track.portal.channel.${c}`) }))}
          />
        </Form.Item>
        <Form.Item name="topics" label={t('track.portal.topics')} rules={required}>
          <Checkbox.Group
            options={SUBSCRIPTION_TOPICS.map((c) => ({ value: c, label: t(`track.portal.topic.${c}`) }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface AskForm {
  type: 'inquiry' | 'complaint';
  categoryId: string;
  subject: string;
  customerWords: string;
  customerRequest?: string;
}

/** 咨询 / 投诉: a portal ticket about this shipment (POST /api/portal/tickets with shipmentId). */
function AskDrawer(props: { open: boolean; shipment: PortalShipment; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AskForm>();
  // One idempotency scope per opening: the drawer is destroyed on close, and this component's
  // state with it only when the parent remounts it, so a new scope is taken on each open.
  const [scope, setScope] = useState(newScope);
  const categories = useCategories();
  const categoryName = useCategoryName();
  const s = props.shipment;
  const [wasOpen, setWasOpen] = useState(props.open);
  if (props.open !== wasOpen) {
    setWasOpen(props.open);
    if (props.open) setScope(newScope());
  }
  // Mounted with its values (the drawer is destroyed on close), not set from an effect that
  // can run before the form exists.
  const initialValues: Partial<AskForm> = {
    type: 'inquiry',
    subject: t('track.portal.askSubject', { number: s.number }),
  };

  const save = useMutation({
    mutationFn: (v: AskForm) => {
      const body = {
        type: v.type,
        categoryId: v.categoryId,
        subject: v.subject.trim(),
        customerWords: v.customerWords.trim(),
        customerRequest: v.customerRequest?.trim() || undefined,
        shipmentId: s.id,
        shipmentRef: s.number,
      };
      return trackApi.fileTicket(body, idempotencyKey(scope, body));
    },
    onSuccess: (ticket) => {
      message.success(t('track.portal.askFiled', { number: ticket.number }));
      void queryClient.invalidateQueries({ queryKey: ['portal', 'tickets'] });
      props.onClose();
    },
    onError: (error) => {
      const rest = applyFieldErrors(form, error, t);
      if (rest.length) message.error(rest.join('；'));
    },
  });
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  return (
    <Drawer
      title={t('track.portal.askTitle', { number: s.number })}
      open={props.open}
      onClose={props.onClose}
      size={520}
      destroyOnHidden
      extra={
        <DrawerFormActions
          onCancel={props.onClose}
          onSave={() => form.submit()}
          saving={save.isPending}
          label={t('track.portal.askSubmit')}
          testId="portal-ask-save"
        />
      }
    >
      <Form<AskForm>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="type" label={t('track.portal.askKind')} rules={required}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={(['inquiry', 'complaint'] as const).map((v) => ({
              value: v,
              label: t(`desk.enum.type.${v}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="categoryId" label={t('track.portal.askCategory')} rules={required}>
          <Select
            data-testid="portal-ask-category"
            options={(categories.data ?? []).map((c) => ({ value: c.id, label: categoryName(c) }))}
          />
        </Form.Item>
        <Form.Item name="subject" label={t('track.portal.askSubjectLabel')} rules={required}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="customerWords" label={t('track.portal.askWords')} rules={required}>
          <Input.TextArea rows={5} maxLength={8000} />
        </Form.Item>
        <Form.Item name="customerRequest" label={t('track.portal.askRequest')}>
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
