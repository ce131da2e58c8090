import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { SESSION_COOKIE } from '../auth/service.ts';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { Problem, forbidden, notFound, unauthorized } from '../../server/problems.ts';
import { errorResponses, exposeSchemas, shared } from '../../server/schemas.ts';
import {
  DcsaEventSchema,
  DcsaEventsQuery,
  DcsaSecretBody,
  DcsaSubscriptionCreateBody,
  DcsaSubscriptionSchema,
  DcsaSubscriptionUpdateBody,
  DcsaSubscriptionsQuery,
  SubscriptionParams,
} from './schema.ts';
import { DCSA_API_VERSION } from './service.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sameToken = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/** The absolute URL of a page of this endpoint: DCSA paging headers are links. */
function pageLink(request: FastifyRequest, path: string, cursor: string): string {
  return `${request.protocol}://${request.host}${path}?cursor=${encodeURIComponent(cursor)}`;
}

/** DCSA: an API-Version request header, when sent, must name our major version. */
function checkApiVersion(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('API-Version', DCSA_API_VERSION);
  const asked = request.headers['api-version'];
  if (typeof asked === 'string' && asked.trim() !== '' && asked.trim().split('.')[0] !== '2') {
    throw new Problem(400, 'Bad Request', `This is DCSA T&T ${DCSA_API_VERSION}; API-Version must be 2.`);
  }
}

const tags = ['dcsa'];

/**
 * DCSA Track & Trace 2.2 provider endpoints (outside /api): portal users see their company's
 * shipments, staff all of them. Spec: https://app.swaggerhub.com/apis-docs/dcsaorg/DCSA_TNT/2.2.0.
 */
export function dcsaRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (root) => {
    exposeSchemas(root, [DcsaEventSchema, DcsaSubscriptionSchema]);
    const service = ctx.services.dcsa;

    await root.register(async (scope) => {
      const app = scope.withTypeProvider<TypeBoxTypeProvider>();
      // The server's auth hook covers /api/ only: resolve the actor here the same way (bearer token
      // or session cookie with CSRF on unsafe methods). Every /v2 route needs one.
      app.addHook('preValidation', async (request, reply) => {
        reply.header('API-Version', DCSA_API_VERSION);
        if (request.actor) return;
        const authorization = request.headers.authorization;
        if (authorization?.startsWith('Bearer ')) {
          request.actor = (await ctx.services.auth.fromBearer(authorization.slice(7).trim())) ?? null;
          if (!request.actor) throw unauthorized('The API token is invalid, expired or revoked.');
          return;
        }
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) {
          const session = await ctx.services.auth.fromSession(cookie);
          if (session) {
            if (!SAFE_METHODS.has(request.method)) {
              const sent = request.headers['x-csrf-token'];
              if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken))
                throw forbidden('Missing or wrong x-csrf-token header.');
            }
            request.actor = session.actor;
            request.sessionCsrfToken = session.csrfToken;
          }
        }
        if (!request.actor) throw unauthorized();
      });

      app.get(
        '/v2/events',
        {
          schema: {
            tags,
            summary:
              'DCSA T&T 2.2 events of our shipments (portal users: their company’s), oldest change first. ' +
              'Filters as in the spec (lists comma-separated, OR); paging by cursor with Current-Page, ' +
              'Next-Page and First-Page links; API-Version header.',
            querystring: DcsaEventsQuery,
            response: { 200: Type.Array(Type.Ref('DcsaEvent')), ...errorResponses },
          },
        },
        async (request, reply) => {
          checkApiVersion(request, reply);
          const page = await service.listEvents(actorOf(request), request.query);
          reply.header('Current-Page', pageLink(request, '/v2/events', page.current));
          if (page.next) reply.header('Next-Page', pageLink(request, '/v2/events', page.next));
          if (page.current !== page.first)
            reply.header('First-Page', pageLink(request, '/v2/events', page.first));
          return page.events;
        },
      );

      app.get(
        '/v2/event-subscriptions',
        {
          schema: {
            tags,
            summary: 'Event subscriptions (portal users: their company’s; admins: all or one customer’s)',
            querystring: DcsaSubscriptionsQuery,
            response: { 200: Type.Array(Type.Ref('DcsaSubscription')), ...errorResponses },
          },
        },
        async (request, reply) => {
          checkApiVersion(request, reply);
          const page = await service.listSubscriptions(actorOf(request), request.query);
          const { cursor: _c, ...rest } = request.query;
          const qs = (cursor?: string) =>
            new URLSearchParams(
              Object.entries({ ...rest, ...(cursor ? { cursor } : {}) }).map(([k, v]) => [k, String(v)]),
            ).toString();
          const link = (cursor?: string) =>
            `${request.protocol}://${request.host}/v2/event-subscriptions${qs(cursor) ? `?${qs(cursor)}` : ''}`;
          reply.header('Current-Page', link(request.query.cursor));
          if (page.next) reply.header('Next-Page', link(page.next));
          if (request.query.cursor) reply.header('First-Page', link());
          return page.items;
        },
      );

      app.post(
        '/v2/event-subscriptions',
        {
          schema: {
            tags,
            summary:
              'Subscribe a callbackUrl to events (filters AND, lists OR); callbacks carry ' +
              'Notification-Signature: sha256=<hex HMAC-SHA256 of the body> keyed by the base64 secret',
            body: DcsaSubscriptionCreateBody,
            response: { 201: Type.Ref('DcsaSubscription'), ...errorResponses },
          },
        },
        async (request, reply) => {
          checkApiVersion(request, reply);
          const created = await service.createSubscription(actorOf(request), request.body);
          reply.status(201);
          return created;
        },
      );

      app.get(
        '/v2/event-subscriptions/:subscriptionID',
        {
          schema: {
            tags,
            summary: 'One event subscription (never its secret)',
            params: SubscriptionParams,
            response: { 200: Type.Ref('DcsaSubscription'), ...errorResponses },
          },
        },
        async (request, reply) => {
          checkApiVersion(request, reply);
          return service.getSubscription(actorOf(request), request.params.subscriptionID);
        },
      );

      app.put(
        '/v2/event-subscriptions/:subscriptionID',
        {
          schema: {
            tags,
            summary:
              'Replace callbackUrl and filters of a subscription (the secret changes only through /secret)',
            params: SubscriptionParams,
            body: DcsaSubscriptionUpdateBody,
            response: { 200: Type.Ref('DcsaSubscription'), ...errorResponses },
          },
        },
        async (request, reply) => {
          checkApiVersion(request, reply);
          return service.updateSubscription(actorOf(request), request.params.subscriptionID, request.body);
        },
      );

      app.put(
        '/v2/event-subscriptions/:subscriptionID/secret',
        {
          schema: {
            tags,
            summary: 'Change the shared secret of a subscription',
            params: SubscriptionParams,
            body: DcsaSecretBody,
            response: { 204: Type.Null(), ...errorResponses },
          },
        },
        async (request, reply) => {
          checkApiVersion(request, reply);
          await service.updateSecret(actorOf(request), request.params.subscriptionID, request.body.secret);
          reply.status(204);
        },
      );

      // Unknown /v2 paths are a problem 404, not the web app's index page.
      app.all('/v2/*', { schema: { hide: true } }, async () => {
        throw notFound('DCSA endpoint');
      });

      app.delete(
        '/v2/event-subscriptions/:subscriptionID',
        {
          schema: {
            tags,
            summary: 'Stop a subscription',
            params: SubscriptionParams,
            response: { 204: Type.Null(), ...errorResponses },
          },
        },
        async (request, reply) => {
          checkApiVersion(request, reply);
          await service.deleteSubscription(actorOf(request), request.params.subscriptionID);
          reply.status(204);
        },
      );
    });
  });
}
