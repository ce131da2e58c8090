import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import { forbidden } from '../../server/problems.ts';
import type { AppContext } from '../../server/context.ts';
import { DateTime, IdParams, Nullable, Text, errorResponses } from '../../server/schemas.ts';
import { SESSION_COOKIE, SESSION_IDLE_MS } from './service.ts';

const TokenSchema = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: DateTime,
  expiresAt: Nullable(DateTime),
  lastUsedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
});

export function authRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/auth/login',
      {
        config: {
          public: true,
          rateLimit: { max: Number(process.env.LOGIN_RATE_LIMIT ?? 20), timeWindow: '1 minute' },
        },
        schema: {
          tags: ['auth'],
          summary: 'Log in with e-mail and password; sets the session cookie',
          body: Type.Object(
            {
              email: Type.String({ minLength: 3, maxLength: 254 }),
              password: Type.String({ minLength: 1, maxLength: 200 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ user: Type.Ref('User'), csrfToken: Type.String(), expiresAt: DateTime }),
            ...errorResponses,
            423: Type.Ref('Problem'),
            429: Type.Ref('Problem'),
          },
        },
      },
      async (request, reply) => {
        const result = await ctx.services.auth.login(request.body.email, request.body.password, {
          ip: request.ip,
          userAgent: request.headers['user-agent'],
        });
        reply.setCookie(SESSION_COOKIE, result.sessionToken, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.config.secureCookies,
          maxAge: SESSION_IDLE_MS / 1000,
        });
        return { user: result.user, csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() };
      },
    );

    app.post(
      '/api/auth/logout',
      {
        config: { public: true },
        schema: { tags: ['auth'], summary: 'End the session', response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        // Logging out is a state change too: a live session must send its CSRF token.
        if (request.csrfRejected) throw forbidden('Missing or wrong x-csrf-token header.');
        const cookie = request.cookies[SESSION_COOKIE];
        if (cookie) await ctx.services.auth.logout(cookie);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        reply.status(204);
        return null;
      },
    );

    app.get(
      '/api/auth/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'The logged-in user; also returns the CSRF token of a cookie session',
          response: {
            200: Type.Object({ user: Type.Ref('User'), csrfToken: Nullable(Type.String()) }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const user = await ctx.services.users.get(actor, actor.id);
        // The auth hook already read the session; no second lookup.
        return { user, csrfToken: request.sessionCsrfToken };
      },
    );

    app.get(
      '/api/auth/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'API tokens (own; all for admins)',
          response: { 200: Type.Array(TokenSchema), ...errorResponses },
        },
      },
      async (request) => ctx.services.auth.listTokens(actorOf(request)),
    );

    app.post(
      '/api/auth/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create a bearer API token; the token is shown only in this answer',
          body: Type.Object(
            {
              name: Text(100, 1),
              expiresAt: Type.Optional(Nullable(DateTime)),
              userId: Type.Optional(Type.String({ format: 'uuid' })),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Intersect([TokenSchema, Type.Object({ token: Type.String() })]),
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return ctx.services.auth.createToken(actorOf(request), request.body);
      },
    );

    app.delete(
      '/api/auth/tokens/:id',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke an API token',
          params: IdParams,
          response: { 200: TokenSchema, ...errorResponses },
        },
      },
      async (request) => ctx.services.auth.revokeToken(actorOf(request), request.params.id),
    );
  };
}
