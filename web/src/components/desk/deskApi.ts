import { api, type Schemas, unwrap } from '../../api/client';

/**
 * Service-desk calls. The desk routes are typed loosely here (plain paths and the shapes below) so
 * the pages share one set of types with the API contract of the service desk.
 */
type Call = (
  path: string,
  init?: {
    params?: { query?: Record<string, unknown>; path?: Record<string, string> };
    body?: unknown;
    headers?: Record<string, string>;
  },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
/** The generated client with plain string paths (same session, CSRF and error handling). */
export const looseApi = api as unknown as { GET: Call; POST: Call; PATCH: Call; PUT: Call; DELETE: Call };

const run = <T>(call: ReturnType<Call>) => unwrap(call) as Promise<T>;

/** Query values without the empty ones (an empty filter means "any"). */
export function queryOf(values?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
}

export const desk = {
  get: <T>(path: string, q?: Record<string, unknown>) =>
    run<T>(looseApi.GET(path, { params: { query: queryOf(q) } })),
  post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    run<T>(looseApi.POST(path, { body, headers })),
  patch: <T>(path: string, body: unknown, version?: number) =>
    run<T>(
      looseApi.PATCH(path, {
        body,
        headers: version === undefined ? undefined : { 'If-Match': `"${version}"` },
      }),
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
