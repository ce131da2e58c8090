import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { DateTime, IdParams, Nullable, Text, Uuid, Version, errorResponses } from '../../server/schemas.ts';
import { expectedVersion, setEtag } from '../../server/versioning.ts';
import { ROLES } from './tables.ts';

export const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    departmentId: Nullable(Type.String()),
    customerId: Nullable(Type.String()),
    locale: Type.String(),
    active: Type.Boolean(),
    lastLoginAt: Nullable(DateTime),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'User' },
);

const Password = Type.String({ minLength: 8, maxLength: 200, description: 'At least 8 characters' });

export function userRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/users',
      {
        schema: {
          tags: ['users'],
          summary: 'List users (staff see colleagues; admins also portal users)',
          querystring: Type.Object({
            q: Type.Optional(Text(100)),
            role: Type.Optional(RoleSchema),
            departmentId: Type.Optional(Uuid),
            active: Type.Optional(Type.Boolean()),
          }),
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('User')) }), ...errorResponses },
        },
      },
      async (request) => ({ items: await ctx.services.users.list(actorOf(request), request.query) }),
    );

    app.post(
      '/api/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create a user (admin)',
          body: Type.Object(
            {
              email: Type.String({ format: 'email', maxLength: 254 }),
              name: Text(100, 1),
              password: Password,
              role: RoleSchema,
              departmentId: Type.Optional(Nullable(Uuid)),
              customerId: Type.Optional(Nullable(Uuid)),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('User'), ...errorResponses },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return ctx.services.users.create(actorOf(request), request.body);
      },
    );

    app.get(
      '/api/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'One user',
          params: IdParams,
          response: { 200: Type.Ref('User'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const user = await ctx.services.users.get(actorOf(request), request.params.id);
        setEtag(reply, user.version);
        return user;
      },
    );

    app.patch(
      '/api/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'Change a user (admin; users may change their own name, password and language)',
          params: IdParams,
          body: Type.Object(
            {
              name: Type.Optional(Text(100, 1)),
              role: Type.Optional(RoleSchema),
              departmentId: Type.Optional(Nullable(Uuid)),
              customerId: Type.Optional(Nullable(Uuid)),
              active: Type.Optional(Type.Boolean()),
              password: Type.Optional(Password),
              locale: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')])),
              version: Type.Optional(Version),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Ref('User'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...changes } = request.body;
        const user = await ctx.services.users.update(
          actorOf(request),
          request.params.id,
          changes,
          expectedVersion(request, version),
        );
        setEtag(reply, user.version);
        return user;
      },
    );
  };
}
