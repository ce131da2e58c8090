import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ModelNode } from '../../domain/satisfaction/model.ts';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, shared } from '../../server/schemas.ts';
import {
  AhpApplyBody,
  AhpPutBody,
  AhpQuery,
  AhpViewSchema,
  EvaluateBody,
  EvaluateResult,
  JudgementParams,
  ModelCreateBody,
  ModelUpdateBody,
  ModelVersionSchema,
  SatisfactionModelSchema,
  VersionParams,
  WeightsBody,
} from './models-schema.ts';

const ModelRef = Type.Ref('SatisfactionModel');
const tags = ['satisfaction'];

/**
 * Satisfaction models: the indicator tree (测评指标体系), its versions, direct and AHP weights.
 * All staff read; managers and admins edit; portal users get 403 (checked in the service).
 */
export function satisfactionModelRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [SatisfactionModelSchema]);
    const service = ctx.services.satisfaction;

    app.get(
      '/api/satisfaction/models',
      {
        schema: {
          tags,
          summary: 'Satisfaction models (staff), the default first; not paged',
          response: { 200: Type.Object({ items: Type.Array(ModelRef) }), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request)),
    );

    app.post(
      '/api/satisfaction/models',
      {
        schema: {
          tags,
          summary:
            'Add a model (manager, admin): from the nodes sent, a copy of another model, or the default logistics tree',
          body: ModelCreateBody,
          response: { 201: ModelRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const model = await service.create(actorOf(request), {
          ...body,
          nodes: body.nodes as ModelNode[] | undefined,
        });
        reply.status(201);
        return model;
      },
    );

    app.get(
      '/api/satisfaction/models/:id',
      {
        schema: {
          tags,
          summary: 'One model: its current version with the tree, and every version with its answer count',
          params: IdParams,
          response: { 200: ModelRef, ...errorResponses },
        },
      },
      async (request) => service.get(actorOf(request), request.params.id),
    );

    app.put(
      '/api/satisfaction/models/:id',
      {
        schema: {
          tags,
          summary:
            'Change a model (manager, admin). A tree change on a version that has answers creates the next version; answers keep theirs',
          params: IdParams,
          body: ModelUpdateBody,
          response: { 200: ModelRef, ...errorResponses },
        },
      },
      async (request) =>
        service.update(actorOf(request), request.params.id, {
          ...request.body,
          nodes: request.body.nodes as ModelNode[] | undefined,
        }),
    );

    app.get(
      '/api/satisfaction/models/:id/versions/:versionId',
      {
        schema: {
          tags,
          summary: 'One version of a model, with its tree',
          params: VersionParams,
          response: { 200: ModelVersionSchema, ...errorResponses },
        },
      },
      async (request) => service.versionView(actorOf(request), request.params.id, request.params.versionId),
    );

    app.put(
      '/api/satisfaction/models/:id/weights',
      {
        schema: {
          tags,
          summary: "Enter one node's children's weights directly (manager, admin); normalised to sum to 1",
          params: IdParams,
          body: WeightsBody,
          response: { 200: ModelRef, ...errorResponses },
        },
      },
      async (request) =>
        service.saveWeights(actorOf(request), request.params.id, { ...request.body, method: 'direct' }),
    );

    app.post(
      '/api/satisfaction/ahp/evaluate',
      {
        schema: {
          tags,
          summary:
            'AHP of a pairwise matrix, or the geometric mean of several experts’ matrices: priorities, λmax, CI, RI, CR (staff; nothing stored)',
          body: EvaluateBody,
          response: { 200: EvaluateResult, ...errorResponses },
        },
      },
      async (request) => service.evaluate(actorOf(request), request.body),
    );

    app.get(
      '/api/satisfaction/models/:id/ahp',
      {
        schema: {
          tags,
          summary: "The experts' pairwise judgements of one node's children and their combination",
          params: IdParams,
          querystring: AhpQuery,
          response: { 200: AhpViewSchema, ...errorResponses },
        },
      },
      async (request) => service.getAhp(actorOf(request), request.params.id, request.query.parentKey),
    );

    app.put(
      '/api/satisfaction/models/:id/ahp',
      {
        schema: {
          tags,
          summary:
            "Store one expert's pairwise judgement (manager, admin). CR ≥ 0.1 is refused (422) unless acceptInconsistent, then kept with a warning",
          params: IdParams,
          body: AhpPutBody,
          response: { 200: AhpViewSchema, ...errorResponses },
        },
      },
      async (request) => service.putAhp(actorOf(request), request.params.id, request.body),
    );

    app.delete(
      '/api/satisfaction/models/:id/ahp/:judgementId',
      {
        schema: {
          tags,
          summary: "Remove one expert's judgement (manager, admin)",
          params: JudgementParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.deleteAhp(actorOf(request), request.params.id, request.params.judgementId);
        reply.status(204);
      },
    );

    app.post(
      '/api/satisfaction/models/:id/ahp/apply',
      {
        schema: {
          tags,
          summary:
            "Use the experts' combined AHP priorities as the node's children's weights (manager, admin)",
          params: IdParams,
          body: AhpApplyBody,
          response: { 200: ModelRef, ...errorResponses },
        },
      },
      async (request) => service.applyAhp(actorOf(request), request.params.id, request.body),
    );
  });
}
