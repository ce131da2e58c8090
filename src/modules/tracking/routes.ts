import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import {
  IngestBody,
  IngestResultSchema,
  ManualEventBody,
  RejectQuery,
  ShipmentEventsSchema,
  TrackingEventSchema,
  TrackingRejectSchema,
} from './schema.ts';

/** Batches of up to 10 000 events (about 1 KB each in JSON, raw payload included). */
export const INGEST_BODY_LIMIT = 32 * 1024 * 1024;

/** Tracking: event ingestion (internal format and standard feeds), shipment milestones, feeds we consume. */
export function trackingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [IngestResultSchema, TrackingEventSchema, ShipmentEventsSchema, TrackingRejectSchema]);
    const service = ctx.services.tracking;
    const IngestResultRef = Type.Ref('TrackingIngestResult');

    app.post(
      '/api/tracking-events',
      {
        bodyLimit: INGEST_BODY_LIMIT,
        schema: {
          tags: ['tracking'],
          summary:
            'Ingest a batch of tracking events (1–10 000) in the internal format; idempotent (resends are duplicates; ' +
            'Idempotency-Key replays the first answer). One result per event; a bad event never blocks the others.',
          body: IngestBody,
          response: { 200: IngestResultRef, ...errorResponses },
        },
      },
      async (request) => service.ingest(actorOf(request), request.body.events, { via: 'api' }),
    );

    app.get(
      '/api/shipments/:id/events',
      {
        schema: {
          tags: ['tracking'],
          summary:
            'Derived status, milestone timeline (planned / estimated / actual) and stored events of a shipment',
          params: IdParams,
          response: { 200: Type.Ref('ShipmentEvents'), ...errorResponses },
        },
      },
      async (request) => service.shipmentEvents(actorOf(request), request.params.id),
    );

    app.get(
      '/api/portal/shipments/:id/events',
      {
        schema: {
          tags: ['portal'],
          summary:
            'Status and milestone timeline of one of my company’s shipments (no raw payloads, no retracted events)',
          params: IdParams,
          response: { 200: Type.Ref('ShipmentEvents'), ...errorResponses },
        },
      },
      async (request) => service.shipmentEvents(actorOf(request), request.params.id, true),
    );

    app.post(
      '/api/shipments/:id/events',
      {
        schema: {
          tags: ['tracking'],
          summary:
            "Enter a milestone by hand (operations of the shipment's department, supervisors, admins); the derived status follows",
          params: IdParams,
          body: ManualEventBody,
          response: { 201: Type.Ref('TrackingEvent'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const event = await service.addManualEvent(actorOf(request), request.params.id, request.body);
        reply.status(201);
        return event;
      },
    );

    app.get(
      '/api/tracking-rejects',
      {
        schema: {
          tags: ['tracking'],
          summary:
            'Tracking events that could not be placed (invalid, unknown shipment), newest first (admins)',
          querystring: RejectQuery,
          response: { 200: pageOf(Type.Ref('TrackingReject')), ...errorResponses },
        },
      },
      async (request) => service.listRejects(actorOf(request), request.query),
    );
  });
}
