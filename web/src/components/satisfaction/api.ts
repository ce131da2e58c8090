import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';
import { DISPLAY_ZONE, dayjs } from '../../lib/time';

/** Satisfaction index, IPA and alert types and calls (issue 5), from the generated API types. */

/** Drops empty filters so the query string carries only what was chosen. */
export function cleanQuery<T extends Record<string, unknown>>(values: T): T {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as T;
}

export const DIMENSION_KEYS = ['expectation', 'quality', 'value', 'complaints', 'loyalty'] as const;
export const GROUP_BYS = ['none', 'customer', 'valueClass', 'department', 'mode', 'lane', 'period'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];
export const PERIODS = ['month', 'quarter', 'half', 'year'] as const;
export type Period = (typeof PERIODS)[number];
export const ALERT_KINDS = ['low_answer', 'index_drop'] as const;
export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export const QUADRANTS = ['concentrate_here', 'keep_up', 'low_priority', 'possible_overkill'] as const;
export type Quadrant = (typeof QUADRANTS)[number];

export type IndexNode = Schemas['SatisfactionIndexNode'];
export type IndexResult = Schemas['SatisfactionIndex'];
export type IndexGroup = IndexResult['groups'][number];
export type TrendPoint = Schemas['SatisfactionTrendPoint'];
export type IpaResult = Schemas['SatisfactionIpa'];
export type IpaElement = IpaResult['elements'][number];
export type SatisfactionAlert = Schemas['SatisfactionAlert'];
export type CustomerSatisfaction = Schemas['CustomerSatisfaction'];
export type SatisfactionModel = Schemas['SatisfactionModel'];
export type ModelNodeLite = SatisfactionModel['currentVersion']['nodes'][number];

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
    queryFn: async () => (await unwrap(api.GET('/api/satisfaction/models'))).items,
    staleTime: 60_000,
  });
}

/** The index over the tree for the filters, optionally per group (the dashboard's gauge, bars, breakdown and items). */
export const fetchIndex = (filters: IndexFilters & { groupBy?: GroupBy; period?: Period }) =>
  unwrap(
    api.GET('/api/satisfaction/index', {
      params: { query: cleanQuery({ ...filters, modelId: filters.modelId ?? '' }) },
    }),
  );

export const fetchTrend = (filters: IndexFilters & { period: Period }) =>
  unwrap(
    api.GET('/api/satisfaction/index/trend', {
      params: { query: cleanQuery({ ...filters, modelId: filters.modelId ?? '' }) },
    }),
  );

export const fetchIpa = (filters: IndexFilters & { importance: 'derived' | 'stated' }) =>
  unwrap(
    api.GET('/api/satisfaction/ipa', {
      params: { query: cleanQuery({ ...filters, modelId: filters.modelId ?? '' }) },
    }),
  );

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

/** How a list of names is joined in running text. */
export const listSeparator = (language: string) => (language === 'en' ? ', ' : '、');

/** An index value with one decimal, the way every page shows it. */
export const formatIndex = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(1);

/** The default period: the last twelve months, this one included, in the display zone. */
export function defaultRange(): [string, string] {
  const now = dayjs().tz(DISPLAY_ZONE);
  return [now.subtract(11, 'month').startOf('month').format('YYYY-MM'), now.format('YYYY-MM')];
}

/** Month range (YYYY-MM, both included) → ISO instants: the first month's start, the next month's start after the last (`to` is exclusive). */
export function monthRange(fromMonth: string, toMonth: string): { from: string; to: string } {
  return {
    from: dayjs.tz(`${fromMonth}-01`, DISPLAY_ZONE).toISOString(),
    to: dayjs.tz(`${toMonth}-01`, DISPLAY_ZONE).add(1, 'month').toISOString(),
  };
}
