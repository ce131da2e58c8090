import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { DateTime, Nullable, PageQuery, Text, Uuid, errorResponses, pageOf } from '../../server/schemas.ts';

const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  actorId: Nullable(Type.String()),
  actorName: Nullable(Type.String()),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  customerId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
});

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/audit',
      {
        schema: {
          tags: ['audit'],
          summary: 'The audit log, newest first (admin)',
          querystring: Type.Object({
            entityType: Type.Optional(Text(50)),
            entityId: Type.Optional(Text(100)),
            customerId: Type.Optional(Uuid),
            actorId: Type.Optional(Uuid),
            action: Type.Optional(Text(50)),
            from: Type.Optional(DateTime),
            to: Type.Optional(DateTime),
            ...PageQuery,
          }),
          response: { 200: pageOf(AuditEntrySchema), ...errorResponses },
        },
      },
      async (request) => ctx.services.audit.list(actorOf(request), request.query),
    );
  };
}
