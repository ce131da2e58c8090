import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

/**
 * Calls of the satisfaction-model API (issue 5 contract, "Models" and "PLS"). The paths are
 * called through a loosely typed view of the generated client (same session, CSRF and error
 * handling) because the server routes were written at the same time; the shapes follow the contract.
 */
type Call = Promise<{ data?: unknown; error?: unknown; response: Response }>;
type Loose = {
  GET(path: string, init?: unknown): Call;
  POST(path: string, init?: unknown): Call;
  PUT(path: string, init?: unknown): Call;
  DELETE(path: string, init?: unknown): Call;
};
const loose = api as unknown as Loose;

export type Dimension = 'expectation' | 'quality' | 'value' | 'complaints' | 'loyalty';
export type WeightMethod = 'direct' | 'ahp' | 'pls';

/** One node of the indicator tree, as in src/domain/satisfaction/model.ts. */
export interface ModelNode {
  key: string;
  parentKey: string | null;
  level: 1 | 2 | 3 | 4;
  nameZh: string;
  nameEn: string;
  dimension?: Dimension;
  weight: number;
  childWeightMethod?: WeightMethod;
  questionZh?: string;
  questionEn?: string;
  reverse?: boolean;
  serviceElement?: string | null;
  statedImportance?: number | null;
}

export interface ModelVersion {
  id: string;
  version: number;
  nodes: ModelNode[];
  changeNote: string | null;
  createdAt: string;
  answerCount: number;
}

export interface SatisfactionModel {
  id: string;
  name: string;
  description: string | null;
  status: 'active' | 'archived';
  isDefault: boolean;
  currentVersion: ModelVersion | null;
  versions: Omit<ModelVersion, 'nodes'>[];
  createdAt: string;
  updatedAt: string;
}

export interface AhpResult {
  weights: number[];
  lambdaMax: number;
  ci: number;
  ri: number;
  cr: number;
  consistent: boolean;
}

export interface AhpJudgement {
  id: string;
  expertName: string;
  childKeys: string[];
  /** Compares other children than the node has now; left out of the combination. */
  stale?: boolean;
  /** Reordered to the view's childKeys. */
  matrix: number[][];
  cr: number | null;
  createdAt: string;
}

export interface AhpState {
  parentKey: string;
  childKeys: string[];
  judgements: AhpJudgement[];
  combined: AhpResult | null;
  warning?: string | null;
}

export interface PlsResult {
  respondents: number;
  items: number;
  converged: boolean;
  iterations: number;
  outerWeights: {
    lv: string;
    itemKey: string;
    weight: number;
    loading: number;
    ciLow: number;
    ciHigh: number;
  }[];
  paths: { from: string; to: string; coefficient: number; ciLow: number; ciHigh: number; se: number }[];
  rSquared: { lv: string; value: number }[];
  dimensionWeights: Record<string, number>;
  applied: boolean;
  modelVersion?: number;
}

const base = '/api/satisfaction/models';

export const modelsApi = {
  list: () => unwrap(loose.GET(base)) as Promise<{ items: SatisfactionModel[] }>,
  get: (id: string) =>
    unwrap(loose.GET(`${base}/{id}`, { params: { path: { id } } })) as Promise<SatisfactionModel>,
  version: (id: string, versionId: string) =>
    unwrap(
      loose.GET(`${base}/{id}/versions/{versionId}`, { params: { path: { id, versionId } } }),
    ) as Promise<ModelVersion>,
  create: (body: { name: string; description?: string; copyFromModelId?: string }) =>
    unwrap(loose.POST(base, { body })) as Promise<SatisfactionModel>,
  update: (
    id: string,
    body: {
      name?: string;
      description?: string | null;
      status?: 'active' | 'archived';
      nodes?: ModelNode[];
      changeNote?: string;
    },
  ) => unwrap(loose.PUT(`${base}/{id}`, { params: { path: { id } }, body })) as Promise<SatisfactionModel>,
  saveWeights: (id: string, body: { parentKey: string; weights: Record<string, number>; note?: string }) =>
    unwrap(
      loose.PUT(`${base}/{id}/weights`, { params: { path: { id } }, body }),
    ) as Promise<SatisfactionModel>,
  evaluateAhp: (matrix: number[][]) =>
    unwrap(loose.POST('/api/satisfaction/ahp/evaluate', { body: { matrix } })) as Promise<AhpResult>,
  ahp: (id: string, parentKey: string) =>
    unwrap(
      loose.GET(`${base}/{id}/ahp`, { params: { path: { id }, query: { parentKey } } }),
    ) as Promise<AhpState>,
  saveJudgement: (
    id: string,
    body: {
      parentKey: string;
      expertName: string;
      childKeys: string[];
      matrix: number[][];
      acceptInconsistent?: boolean;
    },
  ) => unwrap(loose.PUT(`${base}/{id}/ahp`, { params: { path: { id } }, body })) as Promise<AhpState>,
  deleteJudgement: (id: string, judgementId: string) =>
    unwrap(loose.DELETE(`${base}/{id}/ahp/{judgementId}`, { params: { path: { id, judgementId } } })),
  applyAhp: (id: string, parentKey: string, acceptInconsistent?: boolean) =>
    unwrap(
      loose.POST(`${base}/{id}/ahp/apply`, {
        params: { path: { id } },
        body: acceptInconsistent ? { parentKey, acceptInconsistent } : { parentKey },
      }),
    ) as Promise<SatisfactionModel>,
  pls: (id: string, body: { from?: string; to?: string; bootstrap?: number; apply?: boolean }) =>
    unwrap(loose.POST(`${base}/{id}/pls`, { params: { path: { id } }, body })) as Promise<PlsResult>,
};

/** Managers and admins change models and weights; everyone else on the staff reads them. */
export const canEditModels = (role: string) => role === 'manager' || role === 'admin';

export const modelKeys = {
  all: ['satisfactionModels'] as const,
  one: (id: string) => ['satisfactionModels', id] as const,
  version: (id: string, versionId: string) => ['satisfactionModels', id, 'version', versionId] as const,
  ahp: (id: string, parentKey: string) => ['satisfactionModels', id, 'ahp', parentKey] as const,
};

export function useModels() {
  return useQuery({ queryKey: modelKeys.all, queryFn: modelsApi.list });
}

export function useModel(id: string) {
  return useQuery({ queryKey: modelKeys.one(id), queryFn: () => modelsApi.get(id) });
}
