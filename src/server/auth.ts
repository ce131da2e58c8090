import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/access.ts';
import { SESSION_COOKIE } from '../modules/auth/service.ts';
import type { AppContext } from './context.ts';
import { forbidden, unauthorized } from './problems.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** A valid session cookie came without the right CSRF token (public routes proceed anonymously). */
    csrfRejected: boolean;
    /** The CSRF token of the request's cookie session, for /api/auth/me. */
    sessionCsrfToken: string | null;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call without logging in. */
    public?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Resolves the actor of every API request (bearer token or session cookie) and enforces CSRF on
 * cookie-authenticated unsafe requests. Routes marked `config: { public: true }` skip the login check.
 */
export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfRejected', false);
  app.decorateRequest('sessionCsrfToken', null);
  // preValidation, not preHandler: who is asking (401/403) is answered before what was sent (400).
  app.addHook('preValidation', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    // Unknown paths get their 404, logged in or not.
    if (!request.routeOptions.url) return;
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
          if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken)) {
            // Public routes (login) work without a session; elsewhere a cookie without CSRF is refused.
            if (request.routeOptions.config.public) {
              request.csrfRejected = true;
              return;
            }
            throw forbidden('Missing or wrong x-csrf-token header.');
          }
        }
        request.actor = session.actor;
        request.sessionCsrfToken = session.csrfToken;
      }
    }
    if (!request.actor && !request.routeOptions.config.public) throw unauthorized();
  });
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorized();
  return request.actor;
}
