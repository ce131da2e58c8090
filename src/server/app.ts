import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { commitmentRoutes } from '../modules/commitments/routes.ts';
import { escalationRoutes } from '../modules/escalations/routes.ts';
import { knowledgeRoutes } from '../modules/knowledge/routes.ts';
import { measureRoutes } from '../modules/measures/routes.ts';
import { notificationRoutes } from '../modules/notifications/routes.ts';
import { slaRoutes } from '../modules/sla/routes.ts';
import { ticketRoutes } from '../modules/tickets/routes.ts';
import { shipmentRoutes } from '../modules/shipments/routes.ts';
import { trackingRoutes } from '../modules/tracking/routes.ts';
import { exceptionRoutes } from '../modules/exceptions/routes.ts';
import { outboundRoutes } from '../modules/outbound/routes.ts';
import { dcsaRoutes } from '../modules/dcsa/routes.ts';
import { publicTrackRoutes } from '../modules/publictrack/routes.ts';
import { satisfactionModelRoutes } from '../modules/satisfaction/routes.ts';
import { satisfactionPlsRoutes } from '../modules/satisfaction/pls-routes.ts';
import { satisfactionIndexRoutes } from '../modules/satisfaction/index-routes.ts';
import { surveyRoutes } from '../modules/surveys/routes.ts';
import { correctiveActionRoutes } from '../modules/correctiveactions/routes.ts';
import { workOrderRoutes } from '../modules/workorders/routes.ts';
import { auditRoutes } from '../modules/audit/routes.ts';
import { authRoutes } from '../modules/auth/routes.ts';
import { customerRoutes } from '../modules/customers/routes.ts';
import { departmentRoutes } from '../modules/departments/routes.ts';
import { followUpRoutes } from '../modules/followups/routes.ts';
import { interactionRoutes } from '../modules/interactions/routes.ts';
import { timelineRoutes } from '../modules/timeline/routes.ts';
import { UserSchema, userRoutes } from '../modules/users/routes.ts';
import { installAuth } from './auth.ts';
import type { AppContext } from './context.ts';
import { installErrorHandler } from './errors.ts';
import { installIdempotency } from './idempotency.ts';
import { installMetrics } from './metrics.ts';
import { publishedOpenApi } from './openapi.ts';
import { ProblemSchema } from './schemas.ts';
import { installTextGuards, validatorCompiler } from './validation.ts';

const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: process.env.TRUST_PROXY === '1',
    ajv: { customOptions: { removeAdditional: false } },
    // Through the factory, not only setValidatorCompiler: a plugin that calls addSchema rebuilds its
    // compiler from the factory and would otherwise fall back to Fastify's coercing default.
    schemaController: { compilersFactory: { buildValidator: (() => validatorCompiler) as never } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandler(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Liaison API',
        version: '0.1.0',
        description: 'Customer relationship and service platform for logistics companies.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'liaison_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  app.addSchema(ProblemSchema);
  app.addSchema(UserSchema);
  installMetrics(app);
  installAuth(app, ctx);
  installTextGuards(app);
  installIdempotency(app, ctx);

  app.get(
    '/api/health',
    {
      config: { public: true },
      schema: {
        tags: ['operations'],
        summary: 'Liveness and database check',
        response: { 200: Type.Object({ status: Type.String(), db: Type.String() }) },
      },
    },
    async () => {
      await ctx.database.executeSql('select 1', []);
      return { status: 'ok', db: ctx.database.kind };
    },
  );
  let openApiDocument: Record<string, unknown> | undefined;
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => {
    openApiDocument ??= publishedOpenApi(app);
    return openApiDocument;
  });

  for (const routes of [
    authRoutes,
    userRoutes,
    departmentRoutes,
    auditRoutes,
    customerRoutes,
    timelineRoutes,
    interactionRoutes,
    followUpRoutes,
    commitmentRoutes,
    escalationRoutes,
    knowledgeRoutes,
    measureRoutes,
    notificationRoutes,
    slaRoutes,
    ticketRoutes,
    workOrderRoutes,
    shipmentRoutes,
    trackingRoutes,
    exceptionRoutes,
    outboundRoutes,
    dcsaRoutes,
    publicTrackRoutes,
    satisfactionModelRoutes,
    satisfactionPlsRoutes,
    satisfactionIndexRoutes,
    surveyRoutes,
    correctiveActionRoutes,
  ]) {
    await app.register(routes(ctx));
  }

  if (existsSync(webDist)) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false });
    // The SPA owns every other non-API path.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      if (request.url.startsWith('/api/')) {
        reply
          .status(404)
          .type('application/problem+json')
          .send({ type: 'about:blank', title: 'Not Found', status: 404 });
        return;
      }
      return reply.sendFile('index.html');
    });
  }
  return app;
}
