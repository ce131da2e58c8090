import { ApiError, api, type Schemas } from '../../api/client';

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

export type SlaState = Schemas['Ticket']['slaState'];
export type Ticket = Schemas['Ticket'];
export type TicketMessage = Schemas['TicketMessage'];
export type Category = Schemas['TicketCategory'];
export type TicketSla = Schemas['TicketSla'];
export type WorkOrder = Schemas['WorkOrder'];
export type WorkOrderNote = Schemas['WorkOrderNote'];
export type Escalation = Schemas['Escalation'];
export type EscalationTargets = Schemas['EscalationTargets'];
export type OwnershipChange = Schemas['TicketOwnershipChange'];
export type PortalTicket = Schemas['PortalTicket'] & { messages: Schemas['PortalTicketMessage'][] };
export interface Suggestions {
  articles: Schemas['KnowledgeArticle'][];
  templates: Schemas['ResponseTemplate'][];
}

/** A list answer as an array, whether it came as `{items}` or as a bare array. */
export function itemsOf<T>(data: { items: T[] } | T[] | undefined | null): T[] {
  if (!data) return [];
  return Array.isArray(data) ? data : (data.items ?? []);
}
