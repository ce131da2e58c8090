import type { FastifyInstance } from 'fastify';

/**
 * The OpenAPI document as clients should read it. Fastify lists a query parameter that has a
 * default (e.g. `limit`) as required; to a client it is optional.
 */
export function publishedOpenApi(app: FastifyInstance): Record<string, unknown> {
  const copy = structuredClone(app.swagger()) as { paths?: Record<string, Record<string, any>> };
  for (const item of Object.values(copy.paths ?? {})) {
    for (const operation of Object.values(item)) {
      for (const parameter of operation?.parameters ?? []) {
        if (parameter.in === 'query' && parameter.schema?.default !== undefined) parameter.required = false;
      }
    }
  }
  return copy as Record<string, unknown>;
}
