import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, shared } from '../../server/schemas.ts';
import {
  AlertCloseBody,
  AlertListQuery,
  AlertNoteBody,
  AlertPageSchema,
  AlertSchema,
  CustomerSatisfactionSchema,
  IndexNodeSchema,
  IndexQuerySchema,
  IpaQuerySchema,
  IpaSchema,
  SatisfactionIndexSchema,
  SatisfactionSettingsBody,
  SatisfactionSettingsSchema,
  SatisfactionTrendSchema,
  TrendPointSchema,
  TrendQuerySchema,
} from './index-schema.ts';
import { getSatisfactionSettings, putSatisfactionSettings } from './settings.ts';

/** The index, trend, IPA, alerts and satisfaction settings. */
export function satisfactionIndexRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [
      IndexNodeSchema,
      SatisfactionIndexSchema,
      TrendPointSchema,
      SatisfactionTrendSchema,
      IpaSchema,
      CustomerSatisfactionSchema,
      AlertSchema,
      SatisfactionSettingsSchema,
    ]);
    const index = ctx.services.satisfactionIndex;
    const alerts = ctx.services.satisfactionAlerts;
    const tags = ['satisfaction'];

    app.get(
      '/api/satisfaction/index',
      {
        schema: {
          tags,
          summary:
            'The satisfaction index (0–100) over the tree for a period and filter, optionally per customer, value class, ' +
            'department, mode, lane or period; nodes below the minimum answers are insufficient (staff)',
          querystring: IndexQuerySchema,
          response: { 200: Type.Ref('SatisfactionIndex'), ...errorResponses },
        },
      },
      async (request) => index.index(actorOf(request), request.query),
    );

    app.get(
      '/api/satisfaction/index/trend',
      {
        schema: {
          tags,
          summary: 'The index per month, quarter, half-year or year in the display time zone (staff)',
          querystring: TrendQuerySchema,
          response: { 200: Type.Ref('SatisfactionTrend'), ...errorResponses },
        },
      },
      async (request) => index.trend(actorOf(request), request.query),
    );

    app.get(
      '/api/satisfaction/ipa',
      {
        schema: {
          tags,
          summary:
            'Importance–performance analysis of the items (Martilla & James quadrants), with the ideal gap (staff)',
          querystring: IpaQuerySchema,
          response: { 200: Type.Ref('SatisfactionIpa'), ...errorResponses },
        },
      },
      async (request) => index.ipa(actorOf(request), request.query),
    );

    app.get(
      '/api/customers/:id/satisfaction',
      {
        schema: {
          tags,
          summary:
            "A customer's index over the last twelve months, the twelve before, and its quarterly trend (staff)",
          params: IdParams,
          response: { 200: Type.Ref('CustomerSatisfaction'), ...errorResponses },
        },
      },
      async (request) => index.customerSatisfaction(actorOf(request), request.params.id),
    );

    app.get(
      '/api/satisfaction/alerts',
      {
        schema: {
          tags,
          summary: "Silent-dissatisfaction alerts, newest first (agents: their own customers')",
          querystring: AlertListQuery,
          response: { 200: AlertPageSchema, ...errorResponses },
        },
      },
      async (request) => alerts.list(actorOf(request), request.query),
    );

    app.post(
      '/api/satisfaction/alerts/:id/acknowledge',
      {
        schema: {
          tags,
          summary: 'Acknowledge an open alert',
          params: IdParams,
          body: Type.Optional(AlertNoteBody),
          response: { 200: Type.Ref('SatisfactionAlert'), ...errorResponses },
        },
      },
      async (request) => alerts.acknowledge(actorOf(request), request.params.id, request.body?.note),
    );

    app.post(
      '/api/satisfaction/alerts/:id/close',
      {
        schema: {
          tags,
          summary: 'Close an alert with what was done',
          params: IdParams,
          body: AlertCloseBody,
          response: { 200: Type.Ref('SatisfactionAlert'), ...errorResponses },
        },
      },
      async (request) => alerts.close(actorOf(request), request.params.id, request.body.note),
    );

    app.get(
      '/api/satisfaction/settings',
      {
        schema: {
          tags,
          summary: 'Minimum answers, alert thresholds and the public survey rate limit (staff)',
          response: { 200: Type.Ref('SatisfactionSettings'), ...errorResponses },
        },
      },
      async (request) => getSatisfactionSettings(ctx, actorOf(request)),
    );

    app.put(
      '/api/satisfaction/settings',
      {
        schema: {
          tags,
          summary: 'Change them (admin); only the given keys change',
          body: SatisfactionSettingsBody,
          response: { 200: Type.Ref('SatisfactionSettings'), ...errorResponses },
        },
      },
      async (request) => putSatisfactionSettings(ctx, actorOf(request), request.body),
    );
  });
}
