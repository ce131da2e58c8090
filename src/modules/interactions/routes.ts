import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import { FollowUpSchema } from '../followups/schema.ts';
import {
  ActivityQuery,
  CustomerInteractionQuery,
  InteractionCreateBody,
  InteractionPatchBody,
  InteractionSchema,
} from './schema.ts';

const InteractionRef = Type.Ref('Interaction');

/** Interactions (接触记录). Internal: staff only; portal users get 403/404. Audit + timeline on every write. */
export function interactionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [InteractionSchema, FollowUpSchema]);
    const service = ctx.services.interactions;

    app.get(
      '/api/customers/:id/interactions',
      {
        schema: {
          tags: ['interactions'],
          summary: 'Interactions with a customer, newest first',
          params: IdParams,
          querystring: CustomerInteractionQuery,
          response: { 200: pageOf(InteractionRef), ...errorResponses },
        },
      },
      async (request) => service.listForCustomer(actorOf(request), request.params.id, request.query),
    );

    app.post(
      '/api/customers/:id/interactions',
      {
        schema: {
          tags: ['interactions'],
          summary:
            'Log an interaction (owner, supervisor, admin; operations users for their own department). ' +
            'With followUp, the next-step task is created in the same transaction.',
          params: IdParams,
          body: InteractionCreateBody,
          response: {
            201: Type.Intersect([
              InteractionRef,
              Type.Object({ followUp: Type.Optional(Type.Ref('FollowUp')) }),
            ]),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const created = await service.create(actorOf(request), request.params.id, request.body);
        reply.status(201);
        setEtag(reply, created.version);
        return created;
      },
    );

    app.get(
      '/api/interactions',
      {
        schema: {
          tags: ['interactions'],
          summary:
            'Activity across customers: mine by default, or a colleague’s (userId) or a team’s (teamId)',
          querystring: ActivityQuery,
          response: { 200: pageOf(InteractionRef), ...errorResponses },
        },
      },
      async (request) => service.listActivity(actorOf(request), request.query),
    );

    app.get(
      '/api/interactions/:id',
      {
        schema: {
          tags: ['interactions'],
          summary: 'One interaction',
          params: IdParams,
          response: { 200: InteractionRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.get(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.patch(
      '/api/interactions/:id',
      {
        schema: {
          tags: ['interactions'],
          summary: 'Correct an interaction (needs its version: If-Match or version)',
          params: IdParams,
          body: InteractionPatchBody,
          response: { 200: InteractionRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...changes } = request.body;
        const row = await service.update(
          actorOf(request),
          request.params.id,
          changes,
          expectedVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.delete(
      '/api/interactions/:id',
      {
        schema: {
          tags: ['interactions'],
          summary: 'Delete a wrongly logged interaction (If-Match optional); the audit log keeps it',
          params: IdParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.remove(actorOf(request), request.params.id, optionalVersion(request));
        reply.status(204);
      },
    );
  });
}
