import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../server/context.ts';
import { exposeSchemas, shared } from '../../server/schemas.ts';
import { LOCKOUT_FAILURES } from './service.ts';
import { PublicExceptionSchema, PublicMilestoneSchema, PublicTrackSchema, TrackBody } from './schema.ts';

/** The public tracking page's API: no login, rate-limited per client IP, nothing personal. */
export function publicTrackRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [PublicMilestoneSchema, PublicExceptionSchema, PublicTrackSchema]);
    const service = ctx.services.publicTrack;

    app.post(
      '/api/track',
      {
        config: {
          public: true,
          // Per client IP (request.ip; set TRUST_PROXY=1 behind a reverse proxy), limit from the
          // `tracking.publicRateLimitPerMinute` setting; 429 with Retry-After beyond it.
          rateLimit: {
            max: () => service.rateLimitPerMinute(),
            timeWindow: '1 minute',
            keyGenerator: (request) => request.ip,
          },
        },
        schema: {
          tags: ['tracking'],
          summary: 'Public shipment tracking: tracking number plus a second factor',
          description:
            "The second factor is the destination postcode (case and spaces ignored) or the last four digits of the consignee's phone. " +
            'The answer has milestones, promised and estimated delivery and open exceptions — no customer, names, phones or prices. ' +
            'An unknown number and a wrong second factor get the same 404 answer. ' +
            `After ${LOCKOUT_FAILURES} wrong attempts on one number within an hour that number answers 404 for the rest of the hour. ` +
            'Requests are limited per client IP per minute (setting tracking.publicRateLimitPerMinute): 429 with Retry-After.',
          security: [],
          body: TrackBody,
          response: {
            200: Type.Ref('PublicTrack'),
            400: Type.Ref('Problem'),
            404: Type.Ref('Problem'),
            429: Type.Ref('Problem'),
          },
        },
      },
      async (request) => service.lookup(request.body.number, request.body.secondFactor),
    );
  });
}
