import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { idempotencyKeys } from '../modules/idempotency/tables.ts';
import type { AppContext } from './context.ts';
import { Problem, badRequest, conflict } from './problems.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { actorId: string; key: string } | null;
  }
}

const RETRYABLE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * `Idempotency-Key` on a write: the first response is stored and a retry with the same key and the
 * same request gets that response again instead of doing the work twice. Keys are per caller.
 */
export function installIdempotency(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('idempotency', null);
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || !RETRYABLE.has(request.method) || !request.actor) return;
    if (key.length < 1 || key.length > 200) throw badRequest('Idempotency-Key must be 1 to 200 characters.');
    const path = request.url;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const actorId = request.actor.id;
    const inserted = await ctx.db
      .insert(idempotencyKeys)
      .values({ actorId, key, method: request.method, path, requestHash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length) {
      request.idempotency = { actorId, key };
      return;
    }
    const [stored] = await ctx.db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.actorId, actorId), eq(idempotencyKeys.key, key)));
    if (!stored) return;
    if (stored.requestHash !== requestHash) {
      throw new Problem(
        422,
        'Idempotency Key Reused',
        'This Idempotency-Key was used for a different request.',
      );
    }
    if (stored.status === null)
      throw conflict('A request with this Idempotency-Key is still being processed.');
    reply.header('idempotent-replayed', 'true');
    reply.status(stored.status);
    if (stored.status >= 400) reply.type('application/problem+json');
    return reply.send(stored.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const marker = request.idempotency;
    if (!marker) return payload;
    request.idempotency = null;
    const where = and(eq(idempotencyKeys.actorId, marker.actorId), eq(idempotencyKeys.key, marker.key));
    if (reply.statusCode >= 500) {
      // A failure on our side may be retried for real.
      await ctx.db.delete(idempotencyKeys).where(where);
      return payload;
    }
    let body: unknown = null;
    if (typeof payload === 'string' && payload.length) {
      try {
        body = JSON.parse(payload);
      } catch {
        body = payload;
      }
    }
    await ctx.db.update(idempotencyKeys).set({ status: reply.statusCode, body }).where(where);
    return payload;
  });
}

export async function purgeIdempotencyKeys(ctx: AppContext): Promise<void> {
  await ctx.db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(ctx.now().getTime() - IDEMPOTENCY_TTL_MS)));
}
