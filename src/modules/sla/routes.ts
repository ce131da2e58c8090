import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import {
  BusinessCalendarSchema,
  DeskSettingsBody,
  DeskSettingsSchema,
  SlaPolicyCreateBody,
  SlaPolicyPatchBody,
  SlaPolicySchema,
  TicketSlaSchema,
} from './schema.ts';

const PolicyRef = Type.Ref('SlaPolicy');
const CalendarRef = Type.Ref('BusinessCalendar');
const SettingsRef = Type.Ref('DeskSettings');

/**
 * SLA policies, the business calendar and the service-desk settings (staff read, admins write, each
 * change audited), and a ticket's SLA clocks.
 */
export function slaRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [SlaPolicySchema, BusinessCalendarSchema, DeskSettingsSchema, TicketSlaSchema]);
    const service = ctx.services.sla;

    app.get(
      '/api/sla-policies',
      {
        schema: {
          tags: ['sla'],
          summary: 'SLA policies (staff), in matching order: the most specific active one applies',
          response: { 200: Type.Object({ items: Type.Array(PolicyRef) }), ...errorResponses },
        },
      },
      async (request) => ({ items: await service.listPolicies(actorOf(request)) }),
    );

    app.post(
      '/api/sla-policies',
      {
        schema: {
          tags: ['sla'],
          summary:
            'Add an SLA policy (admin). Null type/severity/valueClass match any; minutes are business minutes',
          body: SlaPolicyCreateBody,
          response: { 201: PolicyRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.createPolicy(actorOf(request), request.body);
        reply.status(201);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.get(
      '/api/sla-policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'One SLA policy (staff)',
          params: IdParams,
          response: { 200: PolicyRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.getPolicy(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.patch(
      '/api/sla-policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary:
            'Change an SLA policy (admin; If-Match or version). Tickets keep the targets they started with',
          params: IdParams,
          body: SlaPolicyPatchBody,
          response: { 200: PolicyRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...changes } = request.body;
        const row = await service.updatePolicy(
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
      '/api/sla-policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Delete an SLA policy (admin; If-Match optional). Tickets keep their targets',
          params: IdParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.deletePolicy(actorOf(request), request.params.id, optionalVersion(request));
        reply.status(204);
      },
    );

    app.get(
      '/api/sla-calendar',
      {
        schema: {
          tags: ['sla'],
          summary: 'The business calendar SLA minutes count on (staff)',
          response: { 200: CalendarRef, ...errorResponses },
        },
      },
      async (request) => service.getCalendar(actorOf(request)),
    );

    app.put(
      '/api/sla-calendar',
      {
        schema: {
          tags: ['sla'],
          summary:
            'Replace the business calendar (admin): time zone, weekly hours, holidays, 调休 make-up days. ' +
            'Running tickets get the new deadlines at their next change',
          body: BusinessCalendarSchema,
          response: { 200: CalendarRef, ...errorResponses },
        },
      },
      async (request) => service.putCalendar(actorOf(request), request.body),
    );

    app.get(
      '/api/service-desk/settings',
      {
        schema: {
          tags: ['sla'],
          summary: 'Service-desk settings (staff): auto-escalation, reopen and repeat windows, follow-ups',
          response: { 200: SettingsRef, ...errorResponses },
        },
      },
      async (request) => service.getDeskSettings(actorOf(request)),
    );

    app.put(
      '/api/service-desk/settings',
      {
        schema: {
          tags: ['sla'],
          summary: 'Change service-desk settings (admin); only the given keys change',
          body: DeskSettingsBody,
          response: { 200: SettingsRef, ...errorResponses },
        },
      },
      async (request) => service.putDeskSettings(actorOf(request), request.body),
    );

    app.get(
      '/api/tickets/:id/sla',
      {
        schema: {
          tags: ['sla'],
          summary:
            'A ticket’s SLA: first-response and resolution targets with due and warning instants, ' +
            'working minutes elapsed and left, pauses and the warning/breach events',
          params: IdParams,
          response: { 200: Type.Ref('TicketSla'), ...errorResponses },
        },
      },
      async (request) => service.ticketSla(actorOf(request), request.params.id),
    );
  });
}
