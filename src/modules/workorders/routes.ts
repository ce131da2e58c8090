import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { optionalVersion, setEtag } from '../../server/versioning.ts';
import {
  AcceptBody,
  CancelBody,
  CompleteBody,
  DispatchBody,
  NoteBody,
  WorkOrderNoteSchema,
  WorkOrderQuery,
  WorkOrderSchema,
} from './schema.ts';

const WorkOrderRef = Type.Ref('WorkOrder');

/** Accept takes no fields but the optional version: a POST without a body is fine. */
async function emptyBodyAllowed(request: { body: unknown }) {
  if (request.body === undefined || request.body === null) request.body = {};
}

/**
 * Work orders (派单). The ticket side dispatches and cancels; the department's members accept, add
 * notes and complete. Operations users see only their department's (404 for others'). Audit on every write.
 */
export function workOrderRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [WorkOrderSchema, WorkOrderNoteSchema]);
    const service = ctx.services.workOrders;

    app.post(
      '/api/tickets/:id/work-orders',
      {
        schema: {
          tags: ['work-orders'],
          summary:
            'Dispatch a work order to a department (ticket owner, supervisor of their team, manager, admin); ' +
            'the department head and its operations members are told',
          params: IdParams,
          body: DispatchBody,
          response: { 201: WorkOrderRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.dispatch(actorOf(request), request.params.id, request.body);
        reply.status(201);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.get(
      '/api/tickets/:id/work-orders',
      {
        schema: {
          tags: ['work-orders'],
          summary: 'The work orders of a ticket, oldest first (operations users: their department’s)',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(WorkOrderRef) }), ...errorResponses },
        },
      },
      async (request) => ({ items: await service.listForTicket(actorOf(request), request.params.id) }),
    );

    app.get(
      '/api/work-orders',
      {
        schema: {
          tags: ['work-orders'],
          summary:
            'Department work-order queue, nearest due first (operations users: always their own department)',
          querystring: WorkOrderQuery,
          response: { 200: pageOf(WorkOrderRef), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );

    app.get(
      '/api/work-orders/:id',
      {
        schema: {
          tags: ['work-orders'],
          summary: 'One work order',
          params: IdParams,
          response: { 200: WorkOrderRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.get(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/work-orders/:id/accept',
      {
        preValidation: emptyBodyAllowed,
        schema: {
          tags: ['work-orders'],
          summary: 'Accept a pending work order (a member of its department; version optional; 409 if taken)',
          params: IdParams,
          body: AcceptBody,
          response: { 200: WorkOrderRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.accept(
          actorOf(request),
          request.params.id,
          optionalVersion(request, request.body.version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.get(
      '/api/work-orders/:id/notes',
      {
        schema: {
          tags: ['work-orders'],
          summary: 'Notes on a work order, oldest first',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('WorkOrderNote')) }), ...errorResponses },
        },
      },
      async (request) => ({ items: await service.notes(actorOf(request), request.params.id) }),
    );

    app.post(
      '/api/work-orders/:id/notes',
      {
        schema: {
          tags: ['work-orders'],
          summary: 'Add a note (the department’s members and the ticket’s owner side)',
          params: IdParams,
          body: NoteBody,
          response: { 201: Type.Ref('WorkOrderNote'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const note = await service.addNote(actorOf(request), request.params.id, request.body.body);
        reply.status(201);
        return note;
      },
    );

    app.post(
      '/api/work-orders/:id/complete',
      {
        schema: {
          tags: ['work-orders'],
          summary:
            'Return the result (a member of its department): done, written on the ticket, the owner is told',
          params: IdParams,
          body: CompleteBody,
          response: { 200: WorkOrderRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, result } = request.body;
        const row = await service.complete(
          actorOf(request),
          request.params.id,
          result,
          optionalVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/work-orders/:id/cancel',
      {
        schema: {
          tags: ['work-orders'],
          summary: 'Withdraw a work order with a reason (the ticket’s owner side)',
          params: IdParams,
          body: CancelBody,
          response: { 200: WorkOrderRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, reason } = request.body;
        const row = await service.cancel(
          actorOf(request),
          request.params.id,
          reason,
          optionalVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );
  });
}
