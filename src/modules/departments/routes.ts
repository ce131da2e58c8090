import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { DateTime, IdParams, Nullable, Text, Uuid, errorResponses } from '../../server/schemas.ts';

const DepartmentSchema = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    nameEn: Nullable(Type.String()),
    parentId: Nullable(Type.String()),
    headUserId: Nullable(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Department' },
);

const Code = Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' });

export function departmentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addSchema(DepartmentSchema);
    app.get(
      '/api/departments',
      {
        schema: {
          tags: ['departments'],
          summary: 'All departments (a tree through parentId)',
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Department')) }), ...errorResponses },
        },
      },
      async (request) => ({ items: await ctx.services.departments.list(actorOf(request)) }),
    );
    app.post(
      '/api/departments',
      {
        schema: {
          tags: ['departments'],
          summary: 'Create a department (admin)',
          body: Type.Object(
            {
              code: Code,
              name: Text(100, 1),
              nameEn: Type.Optional(Nullable(Text(100))),
              parentId: Type.Optional(Nullable(Uuid)),
              headUserId: Type.Optional(Nullable(Uuid)),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('Department'), ...errorResponses },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return ctx.services.departments.create(actorOf(request), request.body);
      },
    );
    app.get(
      '/api/departments/:id',
      {
        schema: {
          tags: ['departments'],
          summary: 'One department',
          params: IdParams,
          response: { 200: Type.Ref('Department'), ...errorResponses },
        },
      },
      async (request) => ctx.services.departments.get(actorOf(request), request.params.id),
    );
    app.patch(
      '/api/departments/:id',
      {
        schema: {
          tags: ['departments'],
          summary: 'Change a department: name, parent, head (admin)',
          params: IdParams,
          body: Type.Object(
            {
              name: Type.Optional(Text(100, 1)),
              nameEn: Type.Optional(Nullable(Text(100))),
              parentId: Type.Optional(Nullable(Uuid)),
              headUserId: Type.Optional(Nullable(Uuid)),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Ref('Department'), ...errorResponses },
        },
      },
      async (request) => ctx.services.departments.update(actorOf(request), request.params.id, request.body),
    );
  };
}
