import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, shared } from '../../server/schemas.ts';
import { EscalationCreateBody, EscalationSchema, EscalationTargetsSchema } from './schema.ts';

/** 三换 escalation of a ticket: the ladder, the next targets and a new step. Staff only. */
export function escalationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [EscalationSchema, EscalationTargetsSchema]);
    const service = ctx.services.escalations;

    app.get(
      '/api/tickets/:id/escalations',
      {
        schema: {
          tags: ['escalations'],
          summary:
            'The ticket’s escalation ladder: every 换人/换地/换时 step with who, when, why and the level',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Escalation')) }), ...errorResponses },
        },
      },
      async (request) => ({ items: await service.list(actorOf(request), request.params.id) }),
    );

    app.post(
      '/api/tickets/:id/escalations',
      {
        schema: {
          tags: ['escalations'],
          summary:
            'Escalate (owner, team supervisor, manager, admin). person 换人: to toUserId (a more senior person) ' +
            'or the next head up the ladder; place 换地: place, attendees, scheduledAt; time 换时: scheduledAt ' +
            'in the future with a more senior toUserId, booked on their task list',
          params: IdParams,
          body: EscalationCreateBody,
          response: { 201: Type.Ref('Escalation'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.escalateByActor(actorOf(request), request.params.id, request.body);
        reply.status(201);
        return row;
      },
    );

    app.get(
      '/api/tickets/:id/escalation-targets',
      {
        schema: {
          tags: ['escalations'],
          summary:
            'Who 换人/换时 can go to: the heads up the ladder (next first), then supervisors and managers above',
          params: IdParams,
          response: { 200: Type.Ref('EscalationTargets'), ...errorResponses },
        },
      },
      async (request) => service.targets(actorOf(request), request.params.id),
    );
  });
}
