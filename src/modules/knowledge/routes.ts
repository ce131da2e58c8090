import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import {
  ArticleCreateBody,
  ArticlePatchBody,
  ArticleQuery,
  KnowledgeArticleSchema,
  PlaceholderList,
  RenderBody,
  RenderResult,
  ResponseTemplateSchema,
  SuggestionsSchema,
  TemplateCreateBody,
  TemplatePatchBody,
  TemplateQuery,
  UseBody,
  UseResult,
} from './schema.ts';

const TemplateRef = Type.Ref('ResponseTemplate');
const ArticleRef = Type.Ref('KnowledgeArticle');

/**
 * Standard wording (规范用语) and standard answers (标准答案库). Staff read and use them; admins
 * write templates, admins and managers write articles; portal users get 403.
 */
export function knowledgeRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [ResponseTemplateSchema, KnowledgeArticleSchema]);
    const service = ctx.services.knowledge;

    app.get(
      '/api/response-templates',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Response templates (staff), by category, kind and active',
          querystring: TemplateQuery,
          response: { 200: pageOf(TemplateRef), ...errorResponses },
        },
      },
      async (request) => service.listTemplates(actorOf(request), request.query),
    );

    app.get(
      '/api/response-templates/placeholders',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'The placeholders a template body may use, with an example value each',
          response: { 200: PlaceholderList, ...errorResponses },
        },
      },
      async (request) => service.placeholders(actorOf(request)),
    );

    app.get(
      '/api/response-templates/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'One response template',
          params: IdParams,
          response: { 200: TemplateRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.getTemplate(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/response-templates',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Add a response template (admin); unknown {{placeholders}} are refused (422)',
          body: TemplateCreateBody,
          response: { 201: TemplateRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.createTemplate(actorOf(request), request.body);
        reply.status(201);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.patch(
      '/api/response-templates/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Change a response template (admin; needs its version)',
          params: IdParams,
          body: TemplatePatchBody,
          response: { 200: TemplateRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...changes } = request.body;
        const row = await service.updateTemplate(
          actorOf(request),
          request.params.id,
          changes,
          expectedVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.delete(
      '/api/response-templates/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary:
            'Delete a response template (admin; If-Match optional). Deactivate it to keep its history.',
          params: IdParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.removeTemplate(actorOf(request), request.params.id, optionalVersion(request));
        reply.status(204);
      },
    );

    app.post(
      '/api/response-templates/:id/render',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Fill a template from a ticket (staff who may read the ticket); counts the use',
          params: IdParams,
          body: RenderBody,
          response: { 200: RenderResult, ...errorResponses },
        },
      },
      async (request) => service.render(actorOf(request), request.params.id, request.body.ticketId),
    );

    app.get(
      '/api/knowledge-articles',
      {
        schema: {
          tags: ['knowledge'],
          summary:
            'Standard answers (staff). With q: Chinese word search, best match first (question words weigh more)',
          querystring: ArticleQuery,
          response: { 200: pageOf(ArticleRef), ...errorResponses },
        },
      },
      async (request) => service.listArticles(actorOf(request), request.query),
    );

    app.get(
      '/api/knowledge-articles/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'One standard answer',
          params: IdParams,
          response: { 200: ArticleRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.getArticle(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/knowledge-articles',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Add a standard answer (admin, manager)',
          body: ArticleCreateBody,
          response: { 201: ArticleRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.createArticle(actorOf(request), request.body);
        reply.status(201);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.patch(
      '/api/knowledge-articles/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Change a standard answer (admin, manager; needs its version)',
          params: IdParams,
          body: ArticlePatchBody,
          response: { 200: ArticleRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...changes } = request.body;
        const row = await service.updateArticle(
          actorOf(request),
          request.params.id,
          changes,
          expectedVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.delete(
      '/api/knowledge-articles/:id',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Delete a standard answer (admin, manager; If-Match optional)',
          params: IdParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.removeArticle(actorOf(request), request.params.id, optionalVersion(request));
        reply.status(204);
      },
    );

    app.post(
      '/api/knowledge-articles/:id/use',
      {
        schema: {
          tags: ['knowledge'],
          summary: 'Count a use of a standard answer (optionally on a ticket)',
          params: IdParams,
          body: UseBody,
          response: { 200: UseResult, ...errorResponses },
        },
      },
      async (request) => service.useArticle(actorOf(request), request.params.id, request.body.ticketId),
    );

    app.get(
      '/api/tickets/:id/suggestions',
      {
        schema: {
          tags: ['knowledge'],
          summary:
            'Standard answers matching the ticket’s text (top 5) and the templates of its category, then generic ones',
          params: IdParams,
          response: { 200: SuggestionsSchema, ...errorResponses },
        },
      },
      async (request) => service.suggestions(actorOf(request), request.params.id),
    );
  });
}
