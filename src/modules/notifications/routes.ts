import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import {
  DateTime,
  Nullable,
  PageQuery,
  Uuid,
  errorResponses,
  exposeSchemas,
  pageOf,
  shared,
} from '../../server/schemas.ts';

export const NotificationSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ description: 'e.g. ticket.sla_warning, work_order.overdue, commitment.overdue' }),
    title: Type.String(),
    body: Nullable(Type.String()),
    link: Nullable(Type.String({ description: 'web path to open' })),
    refType: Nullable(Type.String()),
    refId: Nullable(Type.String()),
    readAt: Nullable(DateTime),
    createdAt: DateTime,
  },
  { $id: 'Notification' },
);

/** The caller's in-app notices. Every user (portal users too) sees only their own. */
export function notificationRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [NotificationSchema]);
    const service = ctx.services.notifications;

    app.get(
      '/api/notifications',
      {
        schema: {
          tags: ['notifications'],
          summary: 'My notices, newest first',
          querystring: Type.Object(
            { unread: Type.Optional(Type.Boolean()), ...PageQuery },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Intersect([
              pageOf(Type.Ref('Notification')),
              Type.Object({ unreadCount: Type.Integer() }),
            ]),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const page = await service.list(actor, request.query);
        return { ...page, unreadCount: await service.unreadCount(actor) };
      },
    );

    app.post(
      '/api/notifications/read',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark notices read: the listed ids, or all of mine when ids is omitted',
          body: Type.Object(
            { ids: Type.Optional(Type.Array(Uuid, { maxItems: 500 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ marked: Type.Integer() }), ...errorResponses },
        },
      },
      async (request) => ({ marked: await service.markRead(actorOf(request), request.body.ids) }),
    );
  });
}
