import { ApiError, api } from '../../api/client';

/**
 * Service-desk calls. The desk routes are typed loosely here (plain paths and the shapes below) so
 * the pages share one set of types with the API contract of the service desk.
 */
type Call = (
  path: string,
  init?: { params?: { query?: Record<string, unknown> }; body?: unknown; headers?: Record<string, string> },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
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

export const desk = {
  get: <T>(path: string, q?: Record<string, unknown>) =>
    run<T>(raw.GET(path, { params: { query: query(q) } })),
  post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    run<T>(raw.POST(path, { body, headers })),
  patch: <T>(path: string, body: unknown, version?: number) =>
    run<T>(
      raw.PATCH(path, { body, headers: version === undefined ? undefined : { 'If-Match': `"${version}"` } }),
    ),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type SlaState = 'none' | 'running' | 'warning' | 'breached' | 'paused' | 'met';

export interface Ticket {
  id: string;
  number: string;
  type: string;
  channel: string;
  status: string;
  source?: string;
  customerId: string;
  customerName?: string | null;
  contactId: string | null;
  contactName?: string | null;
  shipmentRef: string | null;
  lane: string | null;
  categoryId: string;
  categoryName?: string | null;
  severity: string;
  subject: string;
  customerWords: string;
  customerRequest: string | null;
  receivedAt: string;
  ownerId: string | null;
  ownerName?: string | null;
  departmentId: string | null;
  departmentName?: string | null;
  rootCause?: string | null;
  responsibleDepartmentId?: string | null;
  responsibleUserId?: string | null;
  responsiblePerson?: string | null;
  measures?: string | null;
  result?: string | null;
  customerReaction?: string | null;
  verification?: string | null;
  verifiedAt?: string | null;
  firstResponseDueAt?: string | null;
  resolutionDueAt?: string | null;
  firstRespondedAt?: string | null;
  slaState?: SlaState;
  escalationLevel?: number;
  reopenCount?: number;
  repeatOfTicketId?: string | null;
  resolution?: string | null;
  resolvedAt?: string | null;
  customerConfirmed?: boolean | null;
  closedAt?: string | null;
  closeReason?: string | null;
  resolvedAtFirstContact?: boolean | null;
  version: number;
  createdAt: string;
  updatedAt?: string;
}

export interface TicketMessage {
  id: string;
  kind: 'reply' | 'customer' | 'note' | 'system' | string;
  body: string;
  authorId?: string | null;
  authorName?: string | null;
  createdAt: string;
}

export interface Category {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  active: boolean;
  sortOrder?: number;
}

export interface SlaClock {
  targetMinutes: number | null;
  dueAt: string | null;
  warnAt?: string | null;
  elapsedMinutes?: number | null;
  remainingMinutes: number | null;
  state: SlaState;
}

export interface TicketSla {
  firstResponse: SlaClock | null;
  resolution: SlaClock | null;
  paused: boolean;
}

export interface WorkOrder {
  id: string;
  number: string;
  ticketId: string;
  ticketNumber?: string | null;
  ticketSubject?: string | null;
  customerId?: string;
  customerName?: string | null;
  departmentId: string;
  departmentName?: string | null;
  instructions: string;
  dueAt: string;
  status: string;
  overdue?: boolean;
  assigneeId: string | null;
  assigneeName?: string | null;
  acceptedAt?: string | null;
  result: string | null;
  completedAt?: string | null;
  completedByName?: string | null;
  cancelReason?: string | null;
  createdAt: string;
  version?: number;
}

export interface WorkOrderNote {
  id: string;
  body: string;
  authorId: string;
  authorName?: string | null;
  createdAt: string;
}

export interface Escalation {
  id: string;
  kind: string;
  trigger: string;
  level: number;
  reason: string;
  fromUserId?: string | null;
  fromUserName?: string | null;
  toUserId?: string | null;
  toUserName?: string | null;
  departmentId?: string | null;
  departmentName?: string | null;
  place?: string | null;
  attendees?: string[];
  scheduledAt?: string | null;
  byUserId?: string | null;
  byUserName?: string | null;
  createdAt: string;
}

export interface OwnershipChange {
  id: string;
  kind: string;
  fromUserId: string | null;
  fromUserName?: string | null;
  toUserId: string;
  toUserName?: string | null;
  reason: string | null;
  byUserId?: string | null;
  byUserName?: string | null;
  at: string;
}

export interface Suggestions {
  articles: { id: string; question: string; answer: string; topic?: string | null; tags?: string[] }[];
  templates: { id: string; title: string; body?: string; categoryId?: string | null; kind?: string | null }[];
}

export interface Notice {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

/** A list answer as an array, whether it came as `{items}` or as a bare array. */
export function itemsOf<T>(data: { items: T[] } | T[] | undefined | null): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : (data.items ?? []);
}
