import { ApiError, api } from '../../api/client';

/**
 * Public tracking and the portal's shipment calls (issue 4), through a loosely typed view of the
 * generated client (same session, CSRF and error handling) with the shapes of the API contract, so
 * the pages do not depend on when each backend route lands in the generated schema.
 */
type Init = {
  params?: { query?: Record<string, unknown> };
  body?: unknown;
  headers?: Record<string, string>;
  parseAs?: 'json' | 'blob';
};
type Call = (path: string, init?: Init) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const raw = api as unknown as { GET: Call; POST: Call; DELETE: Call };

async function run<T>(call: ReturnType<Call>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const body = error && typeof error === 'object' ? (error as Record<string, unknown>) : null;
    throw new ApiError(response.status, body);
  }
  return data as T;
}

function query(values?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== false),
  );
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PublicMilestone {
  eventCode: string;
  classifier: string;
  /** ISO 8601 with the offset of the place. */
  time: string;
  location: string | null;
  locationName: string | null;
}

export interface PublicException {
  kind: string;
  since: string;
}

/** POST /api/track answer: nothing personal, no prices. */
export interface PublicTrack {
  number: string;
  mode: string;
  origin: string | null;
  destination: string | null;
  status: string;
  promisedAt: string | null;
  estimatedDeliveryAt: string | null;
  deliveredAt: string | null;
  milestones: PublicMilestone[];
  exceptions: PublicException[];
}

export interface PortalShipment {
  id: string;
  number: string;
  mode: string;
  orderNo: string | null;
  houseBl: string | null;
  masterBl: string | null;
  bookingRef: string | null;
  awb: string | null;
  containers: string[];
  customerReference: string | null;
  origin: string | null;
  destination: string | null;
  lane?: string | null;
  pieces: number | null;
  weightKg: number | null;
  volumeM3: number | null;
  cargoDescription: string | null;
  specialHandling?: string[];
  promisedAt: string | null;
  status: string;
  statusAt?: string | null;
  estimatedDeliveryAt: string | null;
  deliveredAt: string | null;
  openExceptions: number;
  podSigner?: string | null;
  podSignedAt?: string | null;
  createdAt: string;
}

/** One stored event as the portal sees it (no raw payload, no retracted events). */
export interface PortalEvent {
  id: string;
  eventCode: string;
  classifier: string;
  eventTime: string;
  eventTimeText?: string;
  location: string | null;
  locationName: string | null;
}

export interface PortalTimelineRow {
  eventCode: string;
  location: string | null;
  planned: PortalEvent | null;
  estimated: PortalEvent | null;
  actual: PortalEvent[];
  sortTime: string;
}

export interface PortalEvents {
  /** Event code of the latest actual milestone; null before any. */
  status: string | null;
  /** currentStatus(): `exceptions` are the damage/hold/loss/failed-delivery actuals not followed by delivery. */
  derived?: { exceptions?: PortalEvent[] };
  timeline: PortalTimelineRow[];
  events: PortalEvent[];
}

export interface ShipmentDocument {
  id: string;
  kind: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  uploadedAt: string;
}

export interface ShipmentSubscription {
  id: string;
  shipmentId: string | null;
  channels: string[];
  topics: string[];
  createdAt?: string;
}

export const SUBSCRIPTION_CHANNELS = ['email', 'inapp'] as const;
export const SUBSCRIPTION_TOPICS = ['milestones', 'exceptions', 'delivery'] as const;
export const PORTAL_MODES = ['air', 'sea', 'road', 'rail', 'warehouse', 'distribution', 'customs'] as const;
export const PORTAL_STATUSES = [
  'created',
  'booked',
  'received',
  'loaded',
  'departed',
  'arrived',
  'discharged',
  'customs_released',
  'out_for_delivery',
  'delivered',
  'delivery_failed',
  'hold',
  'cancelled',
] as const;

export const trackApi = {
  /** The public lookup: no login. */
  track: (number: string, secondFactor: string) =>
    run<PublicTrack>(raw.POST('/api/track', { body: { number, secondFactor } })),
  shipments: (q: Record<string, unknown>) =>
    run<Page<PortalShipment>>(raw.GET('/api/portal/shipments', { params: { query: query(q) } })),
  shipment: (id: string) => run<PortalShipment>(raw.GET(`/api/portal/shipments/${id}`)),
  events: (id: string) => run<PortalEvents>(raw.GET(`/api/portal/shipments/${id}/events`)),
  documents: async (id: string) => {
    const answer = await run<Page<ShipmentDocument> | ShipmentDocument[]>(
      raw.GET(`/api/portal/shipments/${id}/documents`),
    );
    return Array.isArray(answer) ? answer : answer.items;
  },
  documentUrl: (id: string, documentId: string) =>
    `/api/portal/shipments/${id}/documents/${documentId}/content`,
  subscriptions: async () => {
    const answer = await run<Page<ShipmentSubscription> | ShipmentSubscription[]>(
      raw.GET('/api/portal/shipment-subscriptions'),
    );
    return Array.isArray(answer) ? answer : answer.items;
  },
  subscribe: (body: { shipmentId: string | null; channels: string[]; topics: string[] }) =>
    run<ShipmentSubscription>(raw.POST('/api/portal/shipment-subscriptions', { body })),
  unsubscribe: (id: string) => run<unknown>(raw.DELETE(`/api/portal/shipment-subscriptions/${id}`)),
  fileTicket: (body: Record<string, unknown>, key: string) =>
    run<{ id: string; number: string }>(
      raw.POST('/api/portal/tickets', { body, headers: { 'idempotency-key': key } }),
    ),
};
