import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { DateTime, IdParams, Nullable, errorResponses, exposeSchemas, shared } from '../../server/schemas.ts';
import { estimateModelPls } from './pls-service.ts';

const NullableNumber = Nullable(Type.Number());

export const PlsBody = Type.Object(
  {
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    bootstrap: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1000,
        default: 200,
        description: 'bootstrap resamples for the intervals',
      }),
    ),
    apply: Type.Optional(
      Type.Boolean({ description: 'store the estimate as the model’s weights (manager, admin)' }),
    ),
  },
  { additionalProperties: false },
);

export const PlsEstimateSchema = Type.Object(
  {
    respondents: Type.Integer({ description: 'complete responses used' }),
    dropped: Type.Integer({ description: 'complete responses left out for an unanswered item' }),
    needed: Type.Integer({
      description: 'respondents the estimate needs: 10 × the largest block, at least 30',
    }),
    items: Type.Integer(),
    converged: Type.Boolean(),
    iterations: Type.Integer(),
    bootstrapSamples: Type.Integer(),
    outerWeights: Type.Array(
      Type.Object({
        lv: Type.String(),
        itemKey: Type.String(),
        weight: Type.Number({ description: 'normalised within the block (sums to 1)' }),
        rawWeight: Type.Number(),
        loading: Type.Number(),
        ciLow: NullableNumber,
        ciHigh: NullableNumber,
      }),
    ),
    paths: Type.Array(
      Type.Object({
        from: Type.String(),
        to: Type.String(),
        coefficient: Type.Number(),
        ciLow: NullableNumber,
        ciHigh: NullableNumber,
        se: NullableNumber,
      }),
    ),
    totalEffects: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), value: Type.Number() })),
    rSquared: Type.Array(Type.Object({ lv: Type.String(), value: Type.Number() })),
    dimensionWeights: Type.Record(Type.String(), Type.Number()),
    notes: Type.Array(Type.String()),
    applied: Type.Boolean(),
    modelVersion: Type.Optional(Type.Integer()),
  },
  { $id: 'PlsEstimate' },
);

/** PLS path-model estimation of a model's weights from its answers. */
export function satisfactionPlsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [PlsEstimateSchema]);
    app.post(
      '/api/satisfaction/models/:id/pls',
      {
        schema: {
          tags: ['satisfaction'],
          summary:
            'Estimate the ACSI path model (expectation → quality → value → satisfaction → complaints, loyalty) ' +
            'from the model’s complete answers in [from, to): outer weights, paths, R² with bootstrap intervals, ' +
            'dimension weights from total effects. Staff estimate; with apply, managers and admins store the weights ' +
            '(a new model version when the current one has answers). 422 when there are too few answers',
          params: IdParams,
          body: PlsBody,
          response: { 200: Type.Ref('PlsEstimate'), ...errorResponses },
        },
      },
      async (request) => estimateModelPls(ctx, actorOf(request), request.params.id, request.body ?? {}),
    );
  });
}
