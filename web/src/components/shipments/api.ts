import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client';

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

export interface Shipment {
  id: string;
  number: string;
  customerId: string;
  customerName?: string | null;
  contactId: string | null;
  departmentId: string;
  departmentName?: string | null;
  ownerName?: string | null;
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
  destinationPostcode?: string | null;
  consigneeName?: string | null;
  consigneePhone?: string | null;
  pieces: number | null;
  weightKg: number | string | null;
  volumeM3: number | string | null;
  cargoDescription: string | null;
  specialHandling: string[];
  promisedAt: string | null;
  status: string;
  statusAt: string | null;
  statusLocation: string | null;
  estimatedDeliveryAt: string | null;
  estimatedArrivalAt: string | null;
  actualArrivalAt: string | null;
  deliveredAt: string | null;
  lastEventAt: string | null;
  openExceptions: number;
  podSigner: string | null;
  podSignedAt: string | null;
  podDocumentId: string | null;
  podRecordedAt: string | null;
  cancelledAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface TrackingEvent {
  id?: string;
  shipmentId?: string;
  eventCode: string;
  classifier: string;
  eventTime: string;
  /** The time as the source wrote it, with its own zone offset. */
  eventTimeText?: string | null;
  location?: string | null;
  locationName?: string | null;
  source: string;
  sourceEventId?: string;
  sourceCode?: string | null;
  sourceUpdatedAt?: string | null;
  updatedAt?: string | null;
  retracted?: boolean;
  details?: Record<string, unknown> | null;
  raw?: unknown;
  receivedAt?: string | null;
  recordedById?: string | null;
}

export interface TimelineRow {
  eventCode: string;
  location: string | null;
  locationName?: string | null;
  planned: TrackingEvent | null;
  estimated: TrackingEvent | null;
  actual: TrackingEvent[];
  sortTime: string;
}

export interface ShipmentEvents {
  status: unknown;
  timeline: TimelineRow[];
  events: TrackingEvent[];
}

export interface ShipmentDocument {
  id: string;
  shipmentId: string;
  kind: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  portalVisible: boolean;
  uploadedById?: string | null;
  uploadedByName?: string | null;
  uploadedAt: string;
}

export interface ShipmentException {
  id: string;
  shipmentId: string;
  shipmentNumber?: string | null;
  customerId: string;
  customerName?: string | null;
  departmentId?: string | null;
  kind: string;
  status: string;
  severity?: string | null;
  detail: Record<string, unknown>;
  raisedAt: string;
  acknowledgedAt?: string | null;
  resolvedAt?: string | null;
  resolution?: string | null;
  ticketId: string | null;
  followUpId: string | null;
  customerNotifiedAt: string | null;
}

export interface TrackingFeed {
  id: string;
  name: string;
  kind: string;
  source: string;
  baseUrl: string | null;
  hasApiKey?: boolean;
  hasCallbackSecret?: boolean;
  /** Where the carrier pushes events (signed callbacks). */
  callbackPath?: string;
  pollIntervalMinutes: number;
  pollCursor?: string | null;
  lastPolledAt: string | null;
  lastError: string | null;
  lastResult: Record<string, number> | null;
  active: boolean;
  version: number;
}

export interface NotificationEndpoint {
  id: string;
  customerId: string | null;
  customerName?: string | null;
  kind: string;
  name: string;
  url: string;
  secret?: string | null;
  topics: string[];
  active: boolean;
  version: number;
}

export interface OutboundAttempt {
  id: string;
  attempt: number;
  at: string;
  ok: boolean;
  statusCode: number | null;
  response: string | null;
  error: string | null;
  durationMs: number | null;
}

export interface OutboundMessage {
  id: string;
  channel: string;
  topic: string;
  customerId: string | null;
  contactId: string | null;
  recipient: string;
  subject: string | null;
  body: string;
  refType: string | null;
  refId: string | null;
  status: string;
  suppressedReason: string | null;
  attempts: number | OutboundAttempt[];
  attemptList?: OutboundAttempt[];
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

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
