import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import { badRequest } from '../../server/problems.ts';
import { adapt, feedView } from './feeds.ts';
import { getTrackingSettings, putTrackingSettings } from './settings.ts';
import {
  FeedCreateBody,
  FeedIdParams,
  FeedPatchBody,
  FeedQuery,
  IngestBody,
  IngestResultSchema,
  ManualEventBody,
  RejectQuery,
  ShipmentEventsSchema,
  SourceQuery,
  TrackingEventSchema,
  TrackingFeedSchema,
  TrackingRejectSchema,
  TrackingSettingsBody,
  TrackingSettingsSchema,
} from './schema.ts';

/** Batches of up to 10 000 events (about 1 KB each in JSON, raw payload included). */
export const INGEST_BODY_LIMIT = 32 * 1024 * 1024;

/** Tracking: event ingestion (internal format and standard feeds), shipment milestones, feeds we consume. */
export function trackingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [
      IngestResultSchema,
      TrackingEventSchema,
      ShipmentEventsSchema,
      TrackingRejectSchema,
      TrackingFeedSchema,
      TrackingSettingsSchema,
    ]);
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

    // ---- Standard feeds and feeds we consume. Their routes read bodies in their own parsers (raw
    // bytes kept for signatures; XML and FSU text as text), so they live in an encapsulated child.
    await app.register(async (feedsApp) => {
      feedsApp.addContentTypeParser(
        ['application/json', 'application/ld+json'],
        { parseAs: 'buffer', bodyLimit: INGEST_BODY_LIMIT },
        (request, body, done) => {
          const bytes = body as Buffer;
          (request as unknown as { rawBody: Buffer }).rawBody = bytes;
          // A parse error is answered by the route, after a callback's signature was checked.
          try {
            done(null, bytes.length === 0 ? null : JSON.parse(bytes.toString('utf8')));
          } catch (error) {
            (request as unknown as { jsonError: string }).jsonError = (error as Error).message;
            done(null, undefined);
          }
        },
      );
      feedsApp.addContentTypeParser(
        ['application/xml', 'text/xml', 'text/plain'],
        { parseAs: 'buffer', bodyLimit: INGEST_BODY_LIMIT },
        (request, body, done) => {
          (request as unknown as { rawBody: Buffer }).rawBody = body as Buffer;
          done(null, (body as Buffer).toString('utf8'));
        },
      );
      const rawOf = (request: unknown): Buffer =>
        (request as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
      const jsonOf = (request: { body: unknown }): unknown => {
        const error = (request as unknown as { jsonError?: string }).jsonError;
        if (error)
          throw badRequest(`The body is not valid JSON: ${error}`, [{ field: 'body', message: error }]);
        return request.body;
      };
      const feeds = service.feeds;
      const adapterRoute = (
        path: string,
        kind: 'dcsa' | 'iata' | 'epcis',
        summary: string,
        defaultSource: string,
      ) =>
        feedsApp.post(
          path,
          {
            bodyLimit: INGEST_BODY_LIMIT,
            schema: {
              tags: ['tracking'],
              summary,
              querystring: SourceQuery,
              response: { 200: IngestResultRef, ...errorResponses },
            },
          },
          async (request) => {
            const actor = actorOf(request);
            service.assertMayIngest(actor);
            const source = (request.query as { source?: string }).source ?? defaultSource;
            const body = kind === 'iata' ? rawOf(request).toString('utf8') : jsonOf(request);
            const mapped = adapt(kind, body, source, ctx.now());
            if (mapped.length === 0)
              throw badRequest('The payload holds no events.', [{ field: 'body', message: 'no events' }]);
            return service.ingestAdapted(actor, mapped, kind);
          },
        );
      adapterRoute(
        '/api/tracking-events/dcsa',
        'dcsa',
        'Ingest DCSA Track & Trace events: a 2.2 array or the 3.0 {events:[…]} form (?source=dcsa:CARRIER)',
        'dcsa',
      );
      adapterRoute(
        '/api/tracking-events/iata',
        'iata',
        'Ingest IATA air-cargo status: FSU text (Cargo-IMP) or XFSU XML (Cargo-XML StatusMessage)',
        'iata',
      );
      adapterRoute(
        '/api/tracking-events/epcis',
        'epcis',
        'Ingest a GS1 EPCIS 2.0 JSON / JSON-LD document (ObjectEvent, AggregationEvent, TransactionEvent)',
        'epcis',
      );

      feedsApp.get(
        '/api/tracking-feeds',
        {
          schema: {
            tags: ['tracking'],
            summary: 'Carrier and partner feeds we consume (admins)',
            querystring: FeedQuery,
            response: { 200: pageOf(Type.Ref('TrackingFeed')), ...errorResponses },
          },
        },
        async (request) => feeds.list(actorOf(request), request.query as { limit: number; cursor?: string }),
      );
      feedsApp.post(
        '/api/tracking-feeds',
        {
          schema: {
            tags: ['tracking'],
            summary:
              'Add a feed: polled (baseUrl) and/or pushed to us (callbackSecret); secrets are never shown again',
            body: FeedCreateBody,
            response: { 201: Type.Ref('TrackingFeed'), ...errorResponses },
          },
        },
        async (request, reply) => {
          const feed = await feeds.create(actorOf(request), request.body as never);
          reply.status(201);
          setEtag(reply, feed.version);
          return feed;
        },
      );
      feedsApp.get(
        '/api/tracking-feeds/:id',
        {
          schema: {
            tags: ['tracking'],
            summary: 'One feed (admins)',
            params: FeedIdParams,
            response: { 200: Type.Ref('TrackingFeed'), ...errorResponses },
          },
        },
        async (request, reply) => {
          const feed = await feeds.get(actorOf(request), (request.params as { id: string }).id);
          setEtag(reply, feed.version);
          return feed;
        },
      );
      feedsApp.patch(
        '/api/tracking-feeds/:id',
        {
          schema: {
            tags: ['tracking'],
            summary:
              'Change a feed (If-Match or version); pollCursor null restarts polling from the beginning',
            params: FeedIdParams,
            body: FeedPatchBody,
            response: { 200: Type.Ref('TrackingFeed'), ...errorResponses },
          },
        },
        async (request, reply) => {
          const { version, ...changes } = request.body as { version?: number } & Record<string, unknown>;
          const feed = await feeds.update(
            actorOf(request),
            (request.params as { id: string }).id,
            changes,
            expectedVersion(request, version),
          );
          setEtag(reply, feed.version);
          return feed;
        },
      );
      feedsApp.delete(
        '/api/tracking-feeds/:id',
        {
          schema: {
            tags: ['tracking'],
            summary: 'Remove a feed (If-Match optional); its stored events stay',
            params: FeedIdParams,
            response: { 204: Type.Null(), ...errorResponses },
          },
        },
        async (request, reply) => {
          await feeds.remove(
            actorOf(request),
            (request.params as { id: string }).id,
            optionalVersion(request),
          );
          reply.status(204);
        },
      );
      feedsApp.post(
        '/api/tracking-feeds/:id/poll',
        {
          schema: {
            tags: ['tracking'],
            summary:
              'Poll the feed now (DCSA GET {baseUrl}/events from its cursor); answers the feed with the run’s result',
            params: FeedIdParams,
            response: { 200: Type.Ref('TrackingFeed'), ...errorResponses },
          },
        },
        async (request) => feeds.pollNow(actorOf(request), (request.params as { id: string }).id),
      );
      for (const [path, summary] of [
        [
          '/api/tracking-feeds/:id/callback',
          'Carrier push: DCSA subscription callback (2.2 array or 3.0 {events}); Notification-Signature: sha256=<hex HMAC-SHA256 of the raw body>',
        ],
        [
          '/api/tracking-feeds/:id/events',
          'Carrier push in the DCSA T&T 3.0 form (POST /events {events:[…]}), signed like callbacks',
        ],
      ] as const) {
        feedsApp.post(
          path,
          {
            config: { public: true },
            bodyLimit: INGEST_BODY_LIMIT,
            schema: {
              tags: ['tracking'],
              summary,
              security: [],
              params: FeedIdParams,
              response: { 200: IngestResultRef, ...errorResponses },
            },
          },
          async (request) =>
            feeds.receive(
              (request.params as { id: string }).id,
              rawOf(request),
              request.headers['notification-signature'],
              () => jsonOf(request),
            ),
        );
      }
      void feedView;
    });

    app.get(
      '/api/tracking-settings',
      {
        schema: {
          tags: ['tracking'],
          summary: 'Shipment exception, notification and public-tracking settings (staff)',
          response: { 200: Type.Ref('TrackingSettings'), ...errorResponses },
        },
      },
      async (request) => getTrackingSettings(ctx, actorOf(request)),
    );

    app.put(
      '/api/tracking-settings',
      {
        schema: {
          tags: ['tracking'],
          summary: 'Change them (admin); only the given keys change, silence hours per mode',
          body: TrackingSettingsBody,
          response: { 200: Type.Ref('TrackingSettings'), ...errorResponses },
        },
      },
      async (request) => putTrackingSettings(ctx, actorOf(request), request.body),
    );
  });
}
