import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../server/context.ts';
import { shared } from '../../server/schemas.ts';

/** PLS path-model estimation of a model's weights from its answers. */
export function satisfactionPlsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (_app) => {
    void ctx;
  });
}
