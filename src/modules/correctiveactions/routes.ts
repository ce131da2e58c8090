import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../server/context.ts';
import { shared } from '../../server/schemas.ts';

/** 整改措施 (corrective actions). */
export function correctiveActionRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (_app) => {
    void ctx;
  });
}
