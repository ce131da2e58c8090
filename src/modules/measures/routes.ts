import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { errorResponses, exposeSchemas, shared } from '../../server/schemas.ts';
import {
  MeasureRowSchema,
  MeasuresQuery,
  MeasuresSchema,
  ShipmentMeasureRowSchema,
  ShipmentMeasuresQuery,
  ShipmentMeasuresSchema,
} from './schema.ts';

/** Service-desk measures (KPI inputs) for supervisors (their team), managers and admins. */
export function measureRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [MeasureRowSchema, ShipmentMeasureRowSchema]);
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

    app.get(
      '/api/shipment-measures',
      {
        schema: {
          tags: ['measures'],
          summary:
            'On-time delivery rate against the promise, average delay, exception rate by cause and POD turnaround ' +
            'per period, department, mode, lane or customer, with a total row',
          querystring: ShipmentMeasuresQuery,
          response: { 200: ShipmentMeasuresSchema, ...errorResponses },
        },
      },
      async (request) => ctx.services.measures.shipmentMeasures(actorOf(request), request.query),
    );
  });
}
