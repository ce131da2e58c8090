import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from '../../api/client';

export type CorrectiveAction = Schemas['CorrectiveAction'];
export type ActionSuggestions = Schemas['CorrectiveActionSuggestions'];
export type ElementSuggestion = ActionSuggestions['elements'][number];
export type ComplaintCluster = ActionSuggestions['complaintClusters'][number];

export const ACTION_STATUSES = [
  'open',
  'in_progress',
  'verifying',
  'effective',
  'not_effective',
  'cancelled',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const STATUS_COLORS: Record<ActionStatus, string> = {
  open: 'default',
  in_progress: 'processing',
  verifying: 'purple',
  effective: 'success',
  not_effective: 'error',
  cancelled: 'default',
};

/** A leaf of the indicator tree, as the create form offers it. */
export interface ModelItem {
  key: string;
  nameZh: string;
  nameEn: string;
}

/**
 * The satisfaction models API belongs to the models area; the board needs only the current model's
 * items, so it reads them through a loosely typed view of the same client (session, CSRF, errors).
 */
type Loose = {
  GET(path: string, init?: unknown): Promise<{ data?: unknown; error?: unknown; response: Response }>;
};
const loose = api as unknown as Loose;

interface ModelNodeLite {
  key: string;
  parentKey: string | null;
  nameZh: string;
  nameEn: string;
}

export function useModelItems(modelId: string | null | undefined) {
  return useQuery({
    queryKey: ['correctiveActions', 'modelItems', modelId],
    enabled: !!modelId,
    queryFn: async (): Promise<ModelItem[]> => {
      const model = (await unwrap(
        loose.GET('/api/satisfaction/models/{id}', { params: { path: { id: modelId } } }),
      )) as { currentVersion?: { nodes?: ModelNodeLite[] } };
      const nodes = model.currentVersion?.nodes ?? [];
      const parents = new Set(nodes.map((n) => n.parentKey).filter(Boolean));
      return nodes
        .filter((n) => n.parentKey !== null && !parents.has(n.key))
        .map((n) => ({ key: n.key, nameZh: n.nameZh, nameEn: n.nameEn }));
    },
  });
}

export function useSuggestions() {
  return useQuery({
    queryKey: ['correctiveActions', 'suggestions'],
    queryFn: () => unwrap(api.GET('/api/corrective-actions/suggestions', { params: { query: {} } })),
  });
}

/** A score to one decimal; complaints per 90 days as they are. */
export function formatFigure(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toFixed(1);
}
