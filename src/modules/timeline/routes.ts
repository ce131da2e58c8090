import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { inArray } from 'drizzle-orm';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, PageQuery, errorResponses, pageOf } from '../../server/schemas.ts';
import { TimelineEntrySchema } from '../customers/schema.ts';
import { users } from '../users/tables.ts';
import { portalTimelineKinds } from './service.ts';

/** The customer timeline (客户时间线): everything that happened to one customer, newest first. */
export function timelineRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(TimelineEntrySchema);
    app.get(
      '/api/customers/:id/timeline',
      {
        schema: {
          tags: ['customers'],
          summary: "A customer's timeline across departments and record types, newest first",
          description:
            'Every module adds its records (customer changes, contacts, interactions, follow-ups, and later tickets, shipments, surveys). `kind` filters one kind, e.g. interaction.logged or customer.transferred.',
          params: IdParams,
          querystring: Type.Object(
            { kind: Type.Optional(Type.String({ maxLength: 60 })), ...PageQuery },
            { additionalProperties: false },
          ),
          response: { 200: pageOf(Type.Ref('TimelineEntry')), ...errorResponses },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        await ctx.services.customers.requireReadable(actor, request.params.id);
        const page = await ctx.services.timeline.list(request.params.id, {
          ...request.query,
          onlyKinds: actor.role === 'portal' ? portalTimelineKinds() : undefined,
        });
        const actorIds = [...new Set(page.items.map((e) => e.actorId).filter((id): id is string => !!id))];
        const names = new Map<string, string>();
        if (actorIds.length) {
          const rows = await ctx.db
            .select({ id: users.id, name: users.name })
            .from(users)
            .where(inArray(users.id, actorIds));
          for (const row of rows) names.set(row.id, row.name);
        }
        return {
          items: page.items.map((e) => ({
            ...e,
            actorName: e.actorId ? (names.get(e.actorId) ?? null) : null,
          })),
          nextCursor: page.nextCursor,
        };
      },
    );
  };
}
