import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

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

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface TicketCategory {
  id: string;
  code: string;
  name: string;
  nameEn: string | null;
  sortOrder: number;
  active: boolean;
  version: number;
}

export interface SlaPolicy {
  id: string;
  name: string;
  ticketType: string | null;
  severity: string | null;
  valueClass: string | null;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  warningFraction: number;
  sortOrder: number;
  active: boolean;
  version: number;
}

export interface WorkingPeriod {
  start: string;
  end: string;
}
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export interface BusinessCalendar {
  timeZone: string;
  weeklyHours: Partial<Record<Weekday, WorkingPeriod[]>>;
  holidays?: { from: string; to?: string; name?: string }[];
  makeUpWorkdays?: { date: string; name?: string; hours?: WorkingPeriod[] }[];
}

export interface DeskSettings {
  reopenWindowDays: number;
  autoEscalateAfterReopens: number;
  autoEscalateOnBreach: boolean;
  repeatWindowDays: number;
  followUpAfterDays: number;
  secondVisitAfterDays: number;
  approvalThreshold: number;
}

export interface ResponseTemplate {
  id: string;
  categoryId: string | null;
  kind: string;
  title: string;
  body: string;
  locale?: string;
  active: boolean;
  usageCount: number;
  version: number;
}

export interface KnowledgeArticle {
  id: string;
  topic: string;
  question: string;
  answer: string;
  tags: string[];
  categoryId: string | null;
  active: boolean;
  usageCount: number;
  version: number;
  updatedAt?: string;
}

export interface Commitment {
  id: string;
  customerId: string;
  customerName: string;
  contactId: string | null;
  contactName: string | null;
  ticketId: string | null;
  ticketNumber: string | null;
  promise: string;
  madeById: string;
  madeByName: string;
  dueAt: string;
  amount: number | null;
  bottomLine: string | null;
  approvalStatus: 'not_needed' | 'pending' | 'approved' | 'rejected';
  approvedBy: string | null;
  approvedByName: string | null;
  approvedAt: string | null;
  approvalNote: string | null;
  status: 'open' | 'kept' | 'broken' | 'renegotiated';
  outcomeNote: string | null;
  resolvedAt: string | null;
  replacedById: string | null;
  replacesId: string | null;
  overdue: boolean;
  version: number;
  createdAt: string;
}

export interface ReviewGroup {
  customerId: string;
  customerName: string;
  valueClass: string | null;
  ownerId: string | null;
  ownerName: string | null;
  nextDueAt: string;
  commitments: Commitment[];
  recentInteractions: {
    id: string;
    channel: string;
    direction: string;
    summary: string;
    occurredAt: string;
    userName: string | null;
  }[];
  recentTickets: {
    id: string;
    number: string;
    type: string;
    status: string;
    subject: string;
    createdAt: string;
  }[];
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
