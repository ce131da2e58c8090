import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { TicketSchema } from '../tickets/schema.ts';
import {
  ExceptionListQuery,
  ExceptionTicketBody,
  ResolveExceptionBody,
  ShipmentExceptionSchema,
} from './schema.ts';

const ExceptionRef = Type.Ref('ShipmentException');
const EmptyBody = Type.Object({}, { additionalProperties: false });

/**
 * Shipment exceptions (staff): the list operations work from, acknowledge, resolve, and the
 * one-click ticket. Raising and clearing is the rule engine's (ingestion and the 15-minute sweep).
 */
export function exceptionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [ShipmentExceptionSchema, TicketSchema]);
    const service = ctx.services.exceptions;
    const tags = ['shipment-exceptions'];

    app.get(
      '/api/shipment-exceptions',
      {
        schema: {
          tags,
          summary:
            'Shipment exceptions, newest first (staff; operations users see their department’s shipments’)',
          querystring: ExceptionListQuery,
          response: { 200: pageOf(ExceptionRef), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );

    app.get(
      '/api/shipment-exceptions/:id',
      {
        schema: {
          tags,
          summary: 'One shipment exception',
          params: IdParams,
          response: { 200: ExceptionRef, ...errorResponses },
        },
      },
      async (request) => service.get(actorOf(request), request.params.id),
    );

    app.post(
      '/api/shipment-exceptions/:id/acknowledge',
      {
        schema: {
          tags,
          summary:
            'Acknowledge: someone is on it (the customer’s owner, operations of the shipment’s department, supervisors, admins)',
          params: IdParams,
          body: Type.Optional(EmptyBody),
          response: { 200: ExceptionRef, ...errorResponses },
        },
      },
      async (request) => service.acknowledge(actorOf(request), request.params.id),
    );

    app.post(
      '/api/shipment-exceptions/:id/resolve',
      {
        schema: {
          tags,
          summary:
            'Resolve with what was done (the customer’s owner, operations of the shipment’s department, supervisors, admins)',
          params: IdParams,
          body: ResolveExceptionBody,
          response: { 200: ExceptionRef, ...errorResponses },
        },
      },
      async (request) => service.resolve(actorOf(request), request.params.id, request.body.resolution),
    );

    app.post(
      '/api/shipment-exceptions/:id/ticket',
      {
        schema: {
          tags,
          summary:
            'One-click ticket: a complaint (default) or inquiry about the shipment, category by kind, words ' +
            'prefilled; 201 when opened, 200 with the same ticket on a second click',
          params: IdParams,
          body: Type.Optional(ExceptionTicketBody),
          response: { 200: Type.Ref('Ticket'), 201: Type.Ref('Ticket'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { ticket, created } = await service.openTicket(
          actorOf(request),
          request.params.id,
          request.body ?? {},
        );
        reply.status(created ? 201 : 200);
        return ticket as any;
      },
    );
  });
}
