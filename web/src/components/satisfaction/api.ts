import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client';
import { dayjs, DISPLAY_ZONE } from '../../lib/time';

/**
 * Satisfaction index, IPA and alert calls (issue 5). Called through a loosely typed view of the
 * generated client (same session, CSRF and error handling) with the shapes of the API
 * contract, like the shipment pages, so these pages do not depend on when each backend lands.
 */
type Init = { params?: { query?: Record<string, unknown> }; body?: unknown };
type Call = (path: string, init?: Init) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
const raw = api as unknown as { GET: Call; POST: Call; PUT: Call };

async function run<T>(call: ReturnType<Call>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const body = error && typeof error === 'object' ? (error as Record<string, unknown>) : null;
    throw new ApiError(response.status, body);
  }
  return data as T;
}

/** Drops empty filters so the query string carries only what was chosen. */
export function cleanQuery(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
}

export const satApi = {
  get: <T>(path: string, q?: Record<string, unknown>) =>
    run<T>(raw.GET(path, { params: { query: q ? cleanQuery(q) : undefined } })),
  post: <T>(path: string, body: unknown = {}) => run<T>(raw.POST(path, { body })),
};

export const DIMENSION_KEYS = ['expectation', 'quality', 'value', 'complaints', 'loyalty'] as const;
export const GROUP_BYS = ['none', 'customer', 'valueClass', 'department', 'mode', 'lane', 'period'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const PERIODS = ['month', 'quarter', 'half', 'year'] as const;
export type Period = (typeof PERIODS)[number];
export const ALERT_KINDS = ['low_answer', 'index_drop'] as const;
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export const QUADRANTS = ['concentrate_here', 'keep_up', 'low_priority', 'possible_overkill'] as const;
export type Quadrant = (typeof QUADRANTS)[number];

export interface IndexNode {
  key: string;
  nameZh: string;
  nameEn: string;
  level: number;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  answers: number;
  responses: number;
  insufficient: boolean;
  children?: IndexNode[];
}

export interface IndexGroup {
  key: string;
  label: string;
  responses: number;
  overall: IndexNode;
  dimensions: IndexNode[];
}

export interface IndexResult {
  modelId: string;
  versionId: string;
  minAnswers: number;
  from: string;
  to: string;
  overall: IndexNode;
  groups: IndexGroup[];
}

export interface TrendPoint {
  period: string;
  label: string;
  start: string;
  end: string;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  responses: number;
  insufficient: boolean;
  dimensions: Record<string, number | null>;
}

export interface IpaElement {
  itemKey: string;
  nameZh: string;
  nameEn: string;
  serviceElement: string | null;
  importance: number | null;
  importanceSd: number | null;
  performance: number | null;
  performanceSd: number | null;
  ideal: number | null;
  gap: number | null;
  answers: number;
  quadrant: Quadrant | null;
}

export interface IpaResult {
  importanceCut: number | null;
  performanceCut: number | null;
  elements: IpaElement[];
}

export interface SatisfactionAlert {
  id: string;
  customerId: string;
  customerName: string | null;
  kind: (typeof ALERT_KINDS)[number];
  status: (typeof ALERT_STATUSES)[number];
  responseId: string | null;
  currentIndex: number | null;
  previousIndex: number | null;
  lowItems: { itemKey: string; score: number }[];
  ownerId: string | null;
  ownerName: string | null;
  followUpId: string | null;
  correctiveActionId: string | null;
  note: string | null;
  createdAt: string;
  closedAt: string | null;
}

export interface CustomerSatisfaction {
  current: number | null;
  previous: number | null;
  responses: number;
  lastAnsweredAt: string | null;
  trend: TrendPoint[];
}

export interface ModelNodeLite {
  key: string;
  parentKey: string | null;
  level: number;
  nameZh: string;
  nameEn: string;
  dimension?: string;
  questionZh?: string;
  questionEn?: string;
}

export interface SatisfactionModelLite {
  id: string;
  name: string;
  status: string;
  isDefault: boolean | number;
  currentVersion: { id: string; version: number; nodes: ModelNodeLite[] } | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The dashboard's filters, as sent to the index, trend and IPA endpoints. */
export interface IndexFilters {
  modelId?: string;
  from: string;
  to: string;
  customerId?: string;
  valueClass?: string;
  departmentId?: string;
  mode?: string;
  lane?: string;
}

export function useModels() {
  return useQuery({
    queryKey: ['satisfaction', 'models'],
    queryFn: async () =>
      (await satApi.get<{ items: SatisfactionModelLite[] }>('/api/satisfaction/models')).items,
    staleTime: 60_000,
  });
}

/** Item and node names by key over every model's current tree (keys are stable across versions). */
export function useNodeNames(): Map<string, ModelNodeLite> {
  const models = useModels();
  const names = new Map<string, ModelNodeLite>();
  for (const model of models.data ?? []) {
    for (const node of model.currentVersion?.nodes ?? []) if (!names.has(node.key)) names.set(node.key, node);
  }
  return names;
}

export const nodeName = (node: { nameZh: string; nameEn: string } | undefined, language: string) =>
  node ? (language === 'en' && node.nameEn ? node.nameEn : node.nameZh) : '';

/** An index value with one decimal, the way every page shows it. */
export const formatIndex = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(1);

/** The default period: the last twelve months, this one included, in the display zone. */
export function defaultRange(): [string, string] {
  const now = dayjs().tz(DISPLAY_ZONE);
  return [now.subtract(11, 'month').startOf('month').format('YYYY-MM'), now.format('YYYY-MM')];
}

/** Month range (YYYY-MM, inclusive) → ISO instants from the first month's start to the last one's end. */
export function monthRange(fromMonth: string, toMonth: string): { from: string; to: string } {
  return {
    from: dayjs.tz(`${fromMonth}-01`, DISPLAY_ZONE).startOf('month').toISOString(),
    to: dayjs.tz(`${toMonth}-01`, DISPLAY_ZONE).endOf('month').toISOString(),
  };
}
