import type { EventCode } from '../../domain/milestones.ts';
import { registerPortalTimelineKind } from '../timeline/service.ts';

/**
 * How shipments appear on the customer timeline. Created, departed, arrived and delivered are meant
 * for the customer too (portal-visible); titles and details carry nothing internal. A cancellation
 * carries its reason and stays internal.
 */
export const SHIPMENT_CREATED = 'shipment.created';
export const SHIPMENT_DEPARTED = 'shipment.departed';
export const SHIPMENT_ARRIVED = 'shipment.arrived';
export const SHIPMENT_DELIVERED = 'shipment.delivered';
export const SHIPMENT_CANCELLED = 'shipment.cancelled';

for (const kind of [SHIPMENT_CREATED, SHIPMENT_DEPARTED, SHIPMENT_ARRIVED, SHIPMENT_DELIVERED]) {
  registerPortalTimelineKind(kind);
}

/** Actual milestones that get a timeline entry of their own. */
export const MILESTONE_TIMELINE_KINDS: Partial<Record<EventCode, string>> = {
  DEPARTED: SHIPMENT_DEPARTED,
  ARRIVED: SHIPMENT_ARRIVED,
  DELIVERED: SHIPMENT_DELIVERED,
};

const LABELS: Record<string, { zh: string; en: string }> = {
  BOOKED: { zh: '已订舱', en: 'booked' },
  RECEIVED: { zh: '已收货', en: 'received' },
  LOADED: { zh: '已装载', en: 'loaded' },
  DEPARTED: { zh: '已离港/已发出', en: 'departed' },
  ARRIVED: { zh: '已到达', en: 'arrived' },
  DISCHARGED: { zh: '已卸货', en: 'discharged' },
  CUSTOMS_RELEASED: { zh: '已清关放行', en: 'released by customs' },
  OUT_FOR_DELIVERY: { zh: '派送中', en: 'out for delivery' },
  DELIVERED: { zh: '已签收', en: 'delivered' },
  DELIVERY_FAILED: { zh: '派送未成功', en: 'delivery failed' },
  DAMAGED: { zh: '货物破损', en: 'damaged' },
  HOLD: { zh: '被扣留', en: 'on hold' },
  LOST: { zh: '货物丢失', en: 'lost' },
  GATE_IN: { zh: '已进场', en: 'gated in' },
  GATE_OUT: { zh: '已出场', en: 'gated out' },
  STUFFED: { zh: '已装箱', en: 'stuffed' },
  STRIPPED: { zh: '已拆箱', en: 'stripped' },
  PICKED_UP: { zh: '已提货', en: 'picked up' },
  DROPPED_OFF: { zh: '已交付场站', en: 'dropped off' },
  INSPECTED: { zh: '已查验', en: 'inspected' },
  RELEASED: { zh: '已放行', en: 'released' },
  DOCUMENT_STATUS: { zh: '单证更新', en: 'document updated' },
};

/** The milestone's words in Chinese and English; an unknown (newer) code reads as itself. */
export function milestoneLabel(code: string): { zh: string; en: string } {
  return LABELS[code] ?? { zh: code, en: code.toLowerCase().replace(/_/g, ' ') };
}

const VERBS: Record<string, string> = {
  [SHIPMENT_CREATED]: '新建货运订单',
  [SHIPMENT_DEPARTED]: '货物已发出',
  [SHIPMENT_ARRIVED]: '货物已到达',
  [SHIPMENT_DELIVERED]: '货物已签收',
  [SHIPMENT_CANCELLED]: '货运订单已取消',
};

export function shipmentTimelineTitle(
  kind: string,
  row: { number: string; origin: string | null; destination: string | null; statusLocation?: string | null },
): string {
  const lane = row.origin && row.destination ? ` ${row.origin}→${row.destination}` : '';
  const at =
    kind === SHIPMENT_DEPARTED || kind === SHIPMENT_ARRIVED
      ? row.statusLocation
        ? `（${row.statusLocation}）`
        : ''
      : '';
  return `${VERBS[kind] ?? kind}：${row.number}${lane}${at}`;
}
