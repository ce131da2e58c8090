import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../server/context.ts';

export function interactionRoutes(_ctx: AppContext): FastifyPluginAsyncTypebox {
  return async () => {};
}
