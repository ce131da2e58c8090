import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../server/context.ts';
import { shared } from '../../server/schemas.ts';

/** The index, trend, IPA, alerts and satisfaction settings. */
export function satisfactionIndexRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (_app) => {
    void ctx;
  });
}
