import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, type Schemas } from '../../api/client';

/**
 * Shipment, tracking, exception and outbound calls (issue 4). The routes are called through a
 * loosely typed view of the generated client (same session, CSRF and error handling) with the
 * shapes of the API contract below, so the pages do not depend on when each backend lands.
 */
type Init = {
  params?: { query?: Record<string, unknown> };
  body?: unknown;
  headers?: Record<string, string>;
  bodySerializer?: (body: unknown) => unknown;
};
type Call = (path: string, init?: Init) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const raw = api as unknown as { GET: Call; POST: Call; PATCH: Call; PUT: Call; DELETE: Call };

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
    Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
}

const ifMatch = (version?: number) => (version === undefined ? undefined : { 'If-Match': `"${version}"` });

export const shipApi = {
  get: <T>(path: string, q?: Record<string, unknown>) =>
    run<T>(raw.GET(path, { params: { query: query(q) } })),
  post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    run<T>(raw.POST(path, { body, headers })),
  put: <T>(path: string, body: unknown) => run<T>(raw.PUT(path, { body })),
  patch: <T>(path: string, body: unknown, version?: number) =>
    run<T>(raw.PATCH(path, { body, headers: ifMatch(version) })),
  delete: (path: string, version?: number) => run<unknown>(raw.DELETE(path, { headers: ifMatch(version) })),
  /** multipart/form-data (documents, POD): the browser sets the boundary. */
  upload: <T>(path: string, form: FormData) =>
    run<T>(raw.POST(path, { body: form, bodySerializer: (body) => body })),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const SHIPMENT_MODES = ['air', 'sea', 'road', 'rail', 'warehouse', 'distribution', 'customs'] as const;
export const EVENT_CODES = [
  'BOOKED',
  'RECEIVED',
  'LOADED',
  'DEPARTED',
  'ARRIVED',
  'DISCHARGED',
  'CUSTOMS_RELEASED',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'DELIVERY_FAILED',
  'DAMAGED',
  'HOLD',
  'LOST',
  'GATE_IN',
  'GATE_OUT',
  'STUFFED',
  'STRIPPED',
  'PICKED_UP',
  'DROPPED_OFF',
  'INSPECTED',
  'RELEASED',
  'DOCUMENT_STATUS',
] as const;
export const EXCEPTION_EVENT_CODES = ['DELIVERY_FAILED', 'DAMAGED', 'HOLD', 'LOST'];
/** Statuses a shipment can have: created, a lower-cased event code, cancelled. */
export const SHIPMENT_STATUSES = ['created', ...EVENT_CODES.map((c) => c.toLowerCase()), 'cancelled'];
export const CLASSIFIERS = ['PLN', 'EST', 'ACT'] as const;
export const EXCEPTION_KINDS = ['delay', 'silence', 'damaged', 'hold', 'lost', 'delivery_failed'] as const;
export const EXCEPTION_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export const DOCUMENT_KINDS = [
  'pod',
  'bill_of_lading',
  'invoice',
  'packing_list',
  'customs',
  'photo',
  'other',
] as const;
export const FEED_KINDS = ['dcsa-2.2', 'dcsa-3.0', 'iata', 'epcis'] as const;
export const ENDPOINT_KINDS = ['webhook', 'wecom', 'dingtalk'] as const;
export const OUTBOUND_CHANNELS = ['email', 'webhook', 'wecom', 'dingtalk', 'dcsa_callback'] as const;
export const MESSAGE_STATUSES = ['queued', 'retrying', 'sent', 'failed', 'suppressed'] as const;
export const ENDPOINT_TOPICS = [
  'shipment.milestone',
  'shipment.exception',
  'shipment.delivered',
  'ticket.created',
  'ticket.updated',
];

export type Shipment = Schemas['Shipment'];

export type TrackingEvent = Schemas['TrackingEvent'];

export type ShipmentEvents = Schemas['ShipmentEvents'];
export type TimelineRow = ShipmentEvents['timeline'][number];

export type ShipmentDocument = Schemas['ShipmentDocument'];

export type ShipmentException = Schemas['ShipmentException'];

export type TrackingFeed = Schemas['TrackingFeed'];

export type NotificationEndpoint = Schemas['NotificationEndpoint'];

export type OutboundAttempt = Schemas['OutboundAttempt'];

export type OutboundMessage = Schemas['OutboundMessage'];
export type OutboundMessageDetail = Schemas['OutboundMessageDetail'];

/** A list answer as an array, whether it came as `{items}` or as a bare array. */
export function itemsOf<T>(data: { items: T[] } | T[] | undefined | null): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : (data.items ?? []);
}

export function useShipment(id: string | undefined) {
  return useQuery({
    queryKey: ['shipments', 'one', id],
    enabled: !!id,
    queryFn: () => shipApi.get<Shipment>(`/api/shipments/${id}`),
  });
}

export function useShipmentEvents(id: string | undefined) {
  return useQuery({
    queryKey: ['shipments', 'one', id, 'events'],
    enabled: !!id,
    queryFn: () => shipApi.get<ShipmentEvents>(`/api/shipments/${id}/events`),
  });
}

/** Refreshes everything shown about one shipment and the lists it appears in. */
export function useRefreshShipment(id: string | undefined) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['shipments'] }),
      queryClient.invalidateQueries({ queryKey: ['shipmentExceptions'] }),
      id ? queryClient.invalidateQueries({ queryKey: ['shipments', 'one', id] }) : undefined,
    ]);
}

/** "CNSHA-DEHAM" from the answer's lane or the two ends. */
export function laneOf(s: Pick<Shipment, 'origin' | 'destination' | 'lane'>): string {
  if (s.lane) return s.lane;
  if (!s.origin && !s.destination) return '—';
  return `${s.origin ?? '?'}-${s.destination ?? '?'}`;
}

/** The tracking number of a shipment's file → the file's URL for downloading a document. */
export function documentUrl(shipmentId: string, documentId: string): string {
  return `/api/shipments/${shipmentId}/documents/${documentId}/content`;
}
