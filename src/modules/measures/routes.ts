import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { errorResponses, exposeSchemas, shared } from '../../server/schemas.ts';
import { MeasureRowSchema, MeasuresQuery, MeasuresSchema } from './schema.ts';

/** Service-desk measures (KPI inputs) for supervisors (their team), managers and admins. */
export function measureRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [MeasureRowSchema]);
    app.get(
      '/api/service-desk/measures',
      {
        schema: {
          tags: ['measures'],
          summary:
            'First-response and resolution times, first-contact resolution, SLA attainment, reopen, escalation ' +
            'and promise-kept rates per period, department, category or customer, with a total row',
          querystring: MeasuresQuery,
          response: { 200: MeasuresSchema, ...errorResponses },
        },
      },
      async (request) => ctx.services.measures.measures(actorOf(request), request.query),
    );
  });
}
