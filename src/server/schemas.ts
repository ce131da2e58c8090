import { type TSchema, Type } from 'typebox';
import type { FastifyInstance } from 'fastify';

/** Shared TypeBox schemas: they validate input, shape output and feed the OpenAPI document. */
export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** Free text with a length limit, trimmed by the service where it matters. */
export const Text = (maxLength = 200, minLength = 0) => Type.String({ maxLength, minLength });
export const Version = Type.Integer({
  minimum: 1,
  description: 'Row version you edited (or send If-Match).',
});

export const IdParams = Type.Object({ id: Uuid });

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
};

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({ field: Type.String(), message: Type.String(), code: Type.Optional(Type.String()) }),
      ),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

export const pageOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

/** Standard error responses documented on every route. */
export const errorResponses = {
  400: Type.Ref('Problem'),
  401: Type.Ref('Problem'),
  403: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
  409: Type.Ref('Problem'),
  412: Type.Ref('Problem'),
  422: Type.Ref('Problem'),
  428: Type.Ref('Problem'),
};

/** Adds named schemas once, so several route plugins may share them. */
export function exposeSchemas(app: FastifyInstance, schemas: (TSchema & { $id?: string })[]): void {
  for (const schema of schemas) {
    if (schema.$id && !app.getSchema(schema.$id)) app.addSchema(schema);
  }
}

/** Marks a plugin as not encapsulated (what fastify-plugin does) so its schemas reach the root. */
export function shared<T extends object>(plugin: T): T {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** For ids that arrive outside a validated schema (cursors, path ids checked before a lookup). */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
