import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';

/**
 * Service-desk admin and commitments calls. The paths of the service-desk contract are called
 * through a loosely typed view of the generated client (same session, CSRF and error handling);
 * the shapes below follow the contract.
 */
type Loose = {
  GET(path: string, init?: unknown): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  POST(path: string, init?: unknown): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  PUT(path: string, init?: unknown): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  PATCH(path: string, init?: unknown): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  DELETE(path: string, init?: unknown): Promise<{ data?: unknown; error?: unknown; response: Response }>;
};
const loose = api as unknown as Loose;

type Query = Record<string, string | number | boolean | undefined | null>;

function params(query?: Query, path?: Record<string, string>) {
  const cleaned = query
    ? Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''))
    : undefined;
  return { params: { query: cleaned, path } };
}

function fill(path: string, id?: string): { path: string; params?: Record<string, string> } {
  return id ? { path, params: { id } } : { path };
}

export const deskApi = {
  get: <T>(path: string, query?: Query, id?: string) => {
    const p = fill(path, id);
    return unwrap(loose.GET(p.path, params(query, p.params))) as Promise<T>;
  },
  post: <T>(path: string, body?: unknown, id?: string) => {
    const p = fill(path, id);
    return unwrap(loose.POST(p.path, { ...params(undefined, p.params), body })) as Promise<T>;
  },
  put: <T>(path: string, body: unknown) => unwrap(loose.PUT(path, { body })) as Promise<T>,
  patch: <T>(path: string, id: string, body: unknown, version?: number) =>
    unwrap(
      loose.PATCH(path, {
        params: { path: { id } },
        body,
        headers: version !== undefined ? { 'If-Match': `"${version}"` } : undefined,
      }),
    ) as Promise<T>,
  delete: (path: string, id: string, version?: number) =>
    unwrap(
      loose.DELETE(path, {
        params: { path: { id } },
        headers: version !== undefined ? { 'If-Match': `"${version}"` } : undefined,
      }),
    ),
};

export type TicketCategory = Schemas['TicketCategory'];
export type SlaPolicy = Schemas['SlaPolicy'];
export type BusinessCalendar = Schemas['BusinessCalendar'];
export type ResponseTemplate = Schemas['ResponseTemplate'];
export type KnowledgeArticle = Schemas['KnowledgeArticle'];
export type Commitment = Schemas['Commitment'];
export type ReviewGroup = Schemas['CommitmentReviewItem'];

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface WorkingPeriod {
  start: string;
  end: string;
}
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface DeskSettings {
  reopenWindowDays: number;
  autoEscalateAfterReopens: number;
  autoEscalateOnBreach: boolean;
  repeatWindowDays: number;
  followUpAfterDays: number;
  secondVisitAfterDays: number;
  approvalThreshold: number;
}

export const TICKET_TYPES = ['inquiry', 'complaint', 'claim', 'return', 'suggestion'] as const;
export const TICKET_SEVERITIES = ['low', 'normal', 'high', 'critical'] as const;
export const TEMPLATE_KINDS = ['apology', 'explanation', 'acknowledgement', 'closing'] as const;
export const KNOWLEDGE_TOPICS = ['price', 'service', 'competitor', 'process', 'claims', 'other'] as const;
export const COMMITMENT_STATUSES = ['open', 'kept', 'broken', 'renegotiated'] as const;

/** Ticket categories; `all` includes inactive ones (admins). */
export function useTicketCategories(all = false) {
  return useQuery({
    queryKey: ['ticketCategories', all],
    queryFn: async () => {
      const answer = await deskApi.get<TicketCategory[] | Page<TicketCategory>>(
        '/api/ticket-categories',
        all ? { all: true } : undefined,
      );
      return Array.isArray(answer) ? answer : answer.items;
    },
    staleTime: 60_000,
  });
}

export function categoryLabel(category: TicketCategory | undefined, language: string): string {
  if (!category) return '—';
  return language === 'en' && category.nameEn ? category.nameEn : category.name;
}

/** Minutes → "2 h 30 min" in the user's language. */
export function splitMinutes(minutes: number): { hours: number; minutes: number } {
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 };
}
