import { useQuery } from '@tanstack/react-query';
import { api, type BodyOf, type ResponseOf, type Schemas, unwrap } from '../../api/client';

/** The satisfaction-model API (issue 5 contract, "Models" and "PLS") through the typed client. */

export type Dimension = 'expectation' | 'quality' | 'value' | 'complaints' | 'loyalty';
export type WeightMethod = 'direct' | 'ahp' | 'pls';

export type SatisfactionModel = Schemas['SatisfactionModel'];
export type ModelVersion = ResponseOf<'/api/satisfaction/models/{id}/versions/{versionId}', 'get'>;
/** One node of the indicator tree, as in src/domain/satisfaction/model.ts. */
export type ModelNode = SatisfactionModel['currentVersion']['nodes'][number];
export type AhpState = ResponseOf<'/api/satisfaction/models/{id}/ahp', 'get'>;
export type AhpJudgement = AhpState['judgements'][number];
export type AhpResult = NonNullable<AhpState['combined']>;
export type PlsResult = Schemas['PlsEstimate'];

type ModelUpdate = BodyOf<'/api/satisfaction/models/{id}', 'put'>;
type JudgementBody = BodyOf<'/api/satisfaction/models/{id}/ahp', 'put'>;
type PlsBody = BodyOf<'/api/satisfaction/models/{id}/pls', 'post'>;

const path = (id: string) => ({ params: { path: { id } } });

export const modelsApi = {
  list: () => unwrap(api.GET('/api/satisfaction/models')),
  get: (id: string) => unwrap(api.GET('/api/satisfaction/models/{id}', path(id))),
  version: (id: string, versionId: string) =>
    unwrap(
      api.GET('/api/satisfaction/models/{id}/versions/{versionId}', { params: { path: { id, versionId } } }),
    ),
  create: (body: BodyOf<'/api/satisfaction/models', 'post'>) =>
    unwrap(api.POST('/api/satisfaction/models', { body })),
  update: (id: string, body: ModelUpdate) =>
    unwrap(api.PUT('/api/satisfaction/models/{id}', { ...path(id), body })),
  saveWeights: (id: string, body: BodyOf<'/api/satisfaction/models/{id}/weights', 'put'>) =>
    unwrap(api.PUT('/api/satisfaction/models/{id}/weights', { ...path(id), body })),
  evaluateAhp: (matrix: number[][]) =>
    unwrap(api.POST('/api/satisfaction/ahp/evaluate', { body: { matrix } })),
  ahp: (id: string, parentKey: string) =>
    unwrap(api.GET('/api/satisfaction/models/{id}/ahp', { params: { path: { id }, query: { parentKey } } })),
  saveJudgement: (id: string, body: JudgementBody) =>
    unwrap(api.PUT('/api/satisfaction/models/{id}/ahp', { ...path(id), body })),
  deleteJudgement: (id: string, judgementId: string) =>
    unwrap(
      api.DELETE('/api/satisfaction/models/{id}/ahp/{judgementId}', {
        params: { path: { id, judgementId } },
      }),
    ),
  applyAhp: (id: string, parentKey: string, acceptInconsistent?: boolean) =>
    unwrap(
      api.POST('/api/satisfaction/models/{id}/ahp/apply', {
        ...path(id),
        body: acceptInconsistent ? { parentKey, acceptInconsistent } : { parentKey },
      }),
    ),
  pls: (id: string, body: PlsBody) =>
    unwrap(api.POST('/api/satisfaction/models/{id}/pls', { ...path(id), body })),
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
