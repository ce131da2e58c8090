import { ApiError, api, type Schemas, unwrap } from '../../api/client';

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

// Shapes from the generated OpenAPI types (npm run gen:api).
export type PublicMilestone = Schemas['PublicMilestone'];
export type PublicException = Schemas['PublicException'];
/** POST /api/track answer: nothing personal, no prices. */
export type PublicTrack = Schemas['PublicTrack'];
/** A shipment as the portal sees it (no consignee phone). */
export type PortalShipment = Schemas['Shipment'];
/** Status, derived state, timeline rows and events (portal: no raw payloads, no retracted events). */
export type PortalEvents = Schemas['ShipmentEvents'];
export type PortalTimelineRow = PortalEvents['timeline'][number];
export type ShipmentDocument = Schemas['ShipmentDocument'];
export type ShipmentSubscription = Schemas['ShipmentSubscription'];

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
  track: (number: string, secondFactor: string): Promise<PublicTrack> =>
    unwrap(api.POST('/api/track', { body: { number, secondFactor } })),
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
