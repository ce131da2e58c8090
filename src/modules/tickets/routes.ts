import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import {
  CategoryListQuery,
  CloseBody,
  MessageCreateBody,
  OwnershipChangeSchema,
  PortalConfirmBody,
  PortalListQuery,
  PortalMessageBody,
  PortalMessageSchema,
  PortalTicketCreateBody,
  PortalTicketSchema,
  ReasonBody,
  RepeatListQuery,
  ResolveBody,
  TicketCategoryCreateBody,
  TicketCategoryPatchBody,
  TicketCategorySchema,
  TicketCreateBody,
  TicketListQuery,
  TicketMessageSchema,
  TicketPatchBody,
  TicketSchema,
  TransferBody,
  VersionBody,
} from './schema.ts';

const TicketRef = Type.Ref('Ticket');
const CategoryRef = Type.Ref('TicketCategory');
const PortalTicketDetail = Type.Intersect([
  Type.Ref('PortalTicket'),
  Type.Object({ messages: Type.Array(Type.Ref('PortalTicketMessage')) }),
]);
const tags = ['tickets'];

/**
 * Tickets (咨询/投诉/索赔/退货/建议) with 首问负责制, the conversation and closure; the portal's own view
 * under /api/portal/tickets. Staff read every ticket; the owner, their team's supervisors, managers
 * and admins work it.
 */
export function ticketRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [
      TicketSchema,
      TicketCategorySchema,
      TicketMessageSchema,
      OwnershipChangeSchema,
      PortalTicketSchema,
      PortalMessageSchema,
    ]);
    const service = ctx.services.tickets;

    // ------------------------------------------------------------ categories
    app.get(
      '/api/ticket-categories',
      {
        schema: {
          tags,
          summary: 'Ticket categories (active ones; admins with all=true also the inactive)',
          querystring: CategoryListQuery,
          response: { 200: Type.Array(CategoryRef), ...errorResponses },
        },
      },
      async (request) => service.listCategories(actorOf(request), request.query.all === true),
    );
    app.post(
      '/api/ticket-categories',
      {
        schema: {
          tags,
          summary: 'Add a ticket category (admin)',
          body: TicketCategoryCreateBody,
          response: { 201: CategoryRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.createCategory(actorOf(request), request.body);
        reply.status(201);
        setEtag(reply, row.version);
        return row;
      },
    );
    app.patch(
      '/api/ticket-categories/:id',
      {
        schema: {
          tags,
          summary: 'Change a ticket category (admin; If-Match optional)',
          params: IdParams,
          body: TicketCategoryPatchBody,
          response: { 200: CategoryRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...changes } = request.body;
        const row = await service.updateCategory(
          actorOf(request),
          request.params.id,
          changes,
          optionalVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    // ------------------------------------------------------------ tickets
    app.get(
      '/api/tickets',
      {
        schema: {
          tags,
          summary:
            'The desk queue: view mine (agents’ default) | team (supervisors’ default) | all, with filters, search and keyset paging',
          querystring: TicketListQuery,
          response: { 200: pageOf(TicketRef), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );
    app.get(
      '/api/tickets/repeats',
      {
        schema: {
          tags,
          summary: 'Tickets flagged as repeats (supervisors: their team; managers and admins: all)',
          querystring: RepeatListQuery,
          response: { 200: pageOf(TicketRef), ...errorResponses },
        },
      },
      async (request) => service.listRepeats(actorOf(request), request.query),
    );
    app.post(
      '/api/tickets',
      {
        schema: {
          tags,
          summary: 'Open a ticket; the creator owns it (首问负责制)',
          body: TicketCreateBody,
          response: { 201: TicketRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.create(actorOf(request), request.body);
        reply.status(201);
        setEtag(reply, row.version);
        return row;
      },
    );
    app.get(
      '/api/tickets/:id',
      {
        schema: {
          tags,
          summary: 'One ticket',
          params: IdParams,
          response: { 200: TicketRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.get(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );
    app.patch(
      '/api/tickets/:id',
      {
        schema: {
          tags,
          summary:
            'Change the ticket and its complaint card (owner, their supervisors, managers, admins; needs If-Match or version)',
          params: IdParams,
          body: TicketPatchBody,
          response: { 200: TicketRef, ...errorResponses },
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

    const action = <B extends object>(
      path: string,
      summary: string,
      body: B,
      run: (request: any) => Promise<unknown>,
    ) =>
      app.post(
        path,
        {
          schema: {
            tags,
            summary,
            params: IdParams,
            body: body as any,
            response: { 200: TicketRef, ...errorResponses },
          },
        },
        async (request, reply) => {
          const row = (await run(request)) as { version: number };
          setEtag(reply, row.version);
          return row;
        },
      );

    action(
      '/api/tickets/:id/take',
      'Take the ticket: a new one by anyone at the desk; an owned one only by a supervisor of its team, a manager or an admin',
      VersionBody,
      (request) =>
        service.take(actorOf(request), request.params.id, optionalVersion(request, request.body.version)),
    );
    action(
      '/api/tickets/:id/transfer',
      'Hand the ticket to someone else with a reason (owner, their supervisors, managers, admins)',
      TransferBody,
      (request) =>
        service.transfer(
          actorOf(request),
          request.params.id,
          { toUserId: request.body.toUserId, reason: request.body.reason },
          optionalVersion(request, request.body.version),
        ),
    );
    action('/api/tickets/:id/wait', 'Wait on the customer (SLA clock paused)', ReasonBody, (request) =>
      service.wait(
        actorOf(request),
        request.params.id,
        request.body.reason,
        optionalVersion(request, request.body.version),
      ),
    );
    action('/api/tickets/:id/resume', 'Back to work (SLA clock runs again)', VersionBody, (request) =>
      service.resume(actorOf(request), request.params.id, optionalVersion(request, request.body.version)),
    );
    action(
      '/api/tickets/:id/resolve',
      'Propose a resolution (a public reply); awaits the customer’s confirmation',
      ResolveBody,
      (request) =>
        service.resolve(
          actorOf(request),
          request.params.id,
          request.body.resolution,
          optionalVersion(request, request.body.version),
        ),
    );
    action(
      '/api/tickets/:id/close',
      'Close: needs customerConfirmed true or a reason; schedules 回访 (and 二次回访 for complaints)',
      CloseBody,
      (request) =>
        service.close(
          actorOf(request),
          request.params.id,
          { customerConfirmed: request.body.customerConfirmed, reason: request.body.reason },
          optionalVersion(request, request.body.version),
        ),
    );
    action(
      '/api/tickets/:id/reopen',
      'Reopen a resolved ticket, or a closed one within tickets.reopenWindowDays; counts reopenings',
      ReasonBody,
      (request) =>
        service.reopen(
          actorOf(request),
          request.params.id,
          request.body.reason,
          optionalVersion(request, request.body.version),
        ),
    );

    app.get(
      '/api/tickets/:id/ownership',
      {
        schema: {
          tags,
          summary: 'Ownership history: takes, transfers, escalations',
          params: IdParams,
          response: { 200: Type.Array(Type.Ref('TicketOwnershipChange')), ...errorResponses },
        },
      },
      async (request) => service.ownership(actorOf(request), request.params.id) as any,
    );
    app.get(
      '/api/tickets/:id/messages',
      {
        schema: {
          tags,
          summary: 'The conversation: public replies, customer messages, internal notes and system lines',
          params: IdParams,
          response: { 200: Type.Array(Type.Ref('TicketMessage')), ...errorResponses },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        if (actor.role === 'portal') await service.get(actor, request.params.id);
        return service.messages(actor, request.params.id) as any;
      },
    );
    app.post(
      '/api/tickets/:id/messages',
      {
        schema: {
          tags,
          summary:
            'Reply to the customer (owner, their supervisors, managers, admins; the first reply is the first response) or add an internal note (any staff)',
          params: IdParams,
          body: MessageCreateBody,
          response: { 201: Type.Ref('TicketMessage'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.postMessage(actorOf(request), request.params.id, request.body);
        reply.status(201);
        return row as any;
      },
    );

    // ------------------------------------------------------------ portal
    app.get(
      '/api/portal/tickets',
      {
        schema: {
          tags: ['portal'],
          summary: 'My company’s requests (portal users)',
          querystring: PortalListQuery,
          response: { 200: pageOf(Type.Ref('PortalTicket')), ...errorResponses },
        },
      },
      async (request) => service.portalList(actorOf(request), request.query) as any,
    );
    app.post(
      '/api/portal/tickets',
      {
        schema: {
          tags: ['portal'],
          summary: 'File an inquiry or complaint for my company',
          body: PortalTicketCreateBody,
          response: { 201: PortalTicketDetail, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.portalCreate(actorOf(request), request.body);
        reply.status(201);
        return row as any;
      },
    );
    app.get(
      '/api/portal/tickets/:id',
      {
        schema: {
          tags: ['portal'],
          summary: 'One of my company’s requests with the public replies',
          params: IdParams,
          response: { 200: PortalTicketDetail, ...errorResponses },
        },
      },
      async (request) => service.portalGet(actorOf(request), request.params.id) as any,
    );
    app.post(
      '/api/portal/tickets/:id/messages',
      {
        schema: {
          tags: ['portal'],
          summary: 'Write on my request (a request waiting on me goes back to work)',
          params: IdParams,
          body: PortalMessageBody,
          response: { 200: PortalTicketDetail, ...errorResponses },
        },
      },
      async (request) => service.portalMessage(actorOf(request), request.params.id, request.body.body) as any,
    );
    app.post(
      '/api/portal/tickets/:id/confirm',
      {
        schema: {
          tags: ['portal'],
          summary: 'Accept (closes) or reject (back to work, with a comment) the proposed resolution',
          params: IdParams,
          body: PortalConfirmBody,
          response: { 200: PortalTicketDetail, ...errorResponses },
        },
      },
      async (request) => service.portalConfirm(actorOf(request), request.params.id, request.body) as any,
    );
  });
}
