import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import {
  CorrectiveActionCancelBody,
  CorrectiveActionCreateBody,
  CorrectiveActionListQuery,
  CorrectiveActionPatchBody,
  CorrectiveActionSchema,
  CorrectiveActionSuggestions,
  CorrectiveActionVerifyBody,
  SuggestionsQuery,
} from './schema.ts';

const ActionRef = Type.Ref('CorrectiveAction');

/**
 * 整改措施 (corrective actions). Internal: all staff read; supervisors, managers and admins open;
 * the owner, supervisors, managers and admins change and verify. Audit on every write; customer
 * timeline when the action is about one customer.
 */
export function correctiveActionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [CorrectiveActionSchema, CorrectiveActionSuggestions]);
    const service = ctx.services.correctiveActions;

    app.get(
      '/api/corrective-actions',
      {
        schema: {
          tags: ['corrective-actions'],
          summary:
            'Corrective actions, nearest due first (filters: status, owner, department, customer, item, overdue)',
          querystring: CorrectiveActionListQuery,
          response: { 200: pageOf(ActionRef), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );

    app.get(
      '/api/corrective-actions/suggestions',
      {
        schema: {
          tags: ['corrective-actions'],
          summary:
            'What deserves an action and has none open: low-scoring elements (below 70, or IPA concentrate-here) ' +
            'and clusters of ≥ 3 complaints of one category within 90 days',
          querystring: SuggestionsQuery,
          response: { 200: Type.Ref('CorrectiveActionSuggestions'), ...errorResponses },
        },
      },
      async (request) => service.suggestions(actorOf(request), request.query),
    );

    app.post(
      '/api/corrective-actions',
      {
        schema: {
          tags: ['corrective-actions'],
          summary:
            'Open a corrective action from a low-scoring element, a dissatisfied answer, an alert or repeated ' +
            'complaints; the before score is fixed now; the owner gets a task and a notice',
          body: CorrectiveActionCreateBody,
          response: { 201: ActionRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.create(actorOf(request), request.body);
        reply.status(201);
        return row;
      },
    );

    app.get(
      '/api/corrective-actions/:id',
      {
        schema: {
          tags: ['corrective-actions'],
          summary: 'One corrective action',
          params: IdParams,
          response: { 200: ActionRef, ...errorResponses },
        },
      },
      async (request) => service.get(actorOf(request), request.params.id),
    );

    app.patch(
      '/api/corrective-actions/:id',
      {
        schema: {
          tags: ['corrective-actions'],
          summary:
            'Change title, measures, problem, owner, department, due date, or move open ↔ in progress ↔ verifying',
          params: IdParams,
          body: CorrectiveActionPatchBody,
          response: { 200: ActionRef, ...errorResponses },
        },
      },
      async (request) => service.update(actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/api/corrective-actions/:id/verify',
      {
        schema: {
          tags: ['corrective-actions'],
          summary:
            'Verify: by survey (the item’s score from answers after the action opened) or by a done follow-up ' +
            '(its recorded score or outcome); effective when after beats before',
          params: IdParams,
          body: CorrectiveActionVerifyBody,
          response: { 200: ActionRef, ...errorResponses },
        },
      },
      async (request) => service.verify(actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/api/corrective-actions/:id/cancel',
      {
        schema: {
          tags: ['corrective-actions'],
          summary: 'Cancel an action that is not verified as effective, with the reason',
          params: IdParams,
          body: CorrectiveActionCancelBody,
          response: { 200: ActionRef, ...errorResponses },
        },
      },
      async (request) => service.cancel(actorOf(request), request.params.id, request.body.reason),
    );
  });
}
