import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../server/context.ts';
import { shared } from '../../server/schemas.ts';

/** Surveys (staff), the public token answer page API and the portal's surveys. */
export function surveyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (_app) => {
    void ctx;
  });
}
