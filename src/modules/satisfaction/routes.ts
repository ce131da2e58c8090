import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../server/context.ts';
import { shared } from '../../server/schemas.ts';

/** Satisfaction models: trees, versions, direct and AHP weights. */
export function satisfactionModelRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (_app) => {
    void ctx;
  });
}
