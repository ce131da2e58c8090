import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import { InteractionSchema } from '../interactions/schema.ts';
import {
  CalendarQuery,
  CalendarSchema,
  CancelBody,
  CompleteBody,
  CustomerFollowUpQuery,
  FollowUpCreateBody,
  FollowUpListQuery,
  FollowUpPatchBody,
  FollowUpSchema,
  GenerateSchema,
  GreetingSettingsBody,
  PlanBody,
  PlanSchema,
  PlansSchema,
  ReopenBody,
  StatsQuery,
  StatsSchema,
  TodayQuery,
  TodaySchema,
  ValueClassSchema,
} from './schema.ts';

const FollowUpRef = Type.Ref('FollowUp');

/** Follow-up tasks (回访/跟进任务) and plans. Internal: staff only; portal users get 403/404. */
export function followUpRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [InteractionSchema, FollowUpSchema]);
    const service = ctx.services.followUps;

    app.get(
      '/api/customers/:id/follow-ups',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Follow-up tasks of a customer (latest due first unless order=asc)',
          params: IdParams,
          querystring: CustomerFollowUpQuery,
          response: { 200: pageOf(FollowUpRef), ...errorResponses },
        },
      },
      async (request) => service.listForCustomer(actorOf(request), request.params.id, request.query),
    );

    app.post(
      '/api/customers/:id/follow-ups',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Plan a follow-up task (assignee defaults to the customer’s owner)',
          params: IdParams,
          body: FollowUpCreateBody,
          response: { 201: FollowUpRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const created = await service.create(actorOf(request), request.params.id, request.body);
        reply.status(201);
        setEtag(reply, created.version);
        return created;
      },
    );

    app.get(
      '/api/follow-ups',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Task list (agents: their own unless assigneeId/teamId/customerId); soonest due first',
          querystring: FollowUpListQuery,
          response: { 200: pageOf(FollowUpRef), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );

    app.get(
      '/api/follow-ups/today',
      {
        schema: {
          tags: ['follow-ups'],
          summary:
            'My day: overdue tasks, tasks due today, done today (supervisors: ?assigneeId= of their team)',
          querystring: TodayQuery,
          response: { 200: TodaySchema, ...errorResponses },
        },
      },
      async (request) => service.today(actorOf(request), request.query.assigneeId),
    );

    app.get(
      '/api/follow-ups/calendar',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Tasks due between two dates (at most 62 days) for a person or a team',
          querystring: CalendarQuery,
          response: { 200: CalendarSchema, ...errorResponses },
        },
      },
      async (request) => service.calendar(actorOf(request), request.query),
    );

    app.get(
      '/api/follow-ups/stats',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Open, overdue and done tasks per assignee (supervisors, managers, admins)',
          querystring: StatsQuery,
          response: { 200: StatsSchema, ...errorResponses },
        },
      },
      async (request) => service.stats(actorOf(request), request.query),
    );

    app.post(
      '/api/follow-ups/generate',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Run the periodic and greeting generators now (admin, supervisor); idempotent',
          response: { 200: GenerateSchema, ...errorResponses },
        },
      },
      async (request) => service.generateNow(actorOf(request)),
    );

    app.get(
      '/api/follow-ups/:id',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'One follow-up task',
          params: IdParams,
          response: { 200: FollowUpRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.get(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.patch(
      '/api/follow-ups/:id',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Change an open task: title, due time, notes, contact; reassign (editors, supervisors)',
          params: IdParams,
          body: FollowUpPatchBody,
          response: { 200: FollowUpRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...changes } = request.body;
        const row = await service.update(
          actorOf(request),
          request.params.id,
          changes,
          expectedVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/follow-ups/:id/complete',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Complete a task with its result; optionally log the interaction at once (needs version)',
          params: IdParams,
          body: CompleteBody,
          response: { 200: FollowUpRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...input } = request.body;
        const row = await service.complete(
          actorOf(request),
          request.params.id,
          input,
          expectedVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/follow-ups/:id/cancel',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Cancel an open task with a reason (version optional)',
          params: IdParams,
          body: CancelBody,
          response: { 200: FollowUpRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.cancel(
          actorOf(request),
          request.params.id,
          request.body.reason,
          optionalVersion(request, request.body.version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/follow-ups/:id/reopen',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Reopen a done or cancelled task, optionally with a new due time (version optional)',
          params: IdParams,
          body: ReopenBody,
          response: { 200: FollowUpRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...input } = request.body;
        const row = await service.reopen(
          actorOf(request),
          request.params.id,
          input,
          optionalVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.get(
      '/api/follow-up-plans',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Periodic follow-up plans per value class and the greeting lead time',
          response: { 200: PlansSchema, ...errorResponses },
        },
      },
      async (request) => service.listPlans(actorOf(request)),
    );

    app.put(
      '/api/follow-up-plans/greetings',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Set how many days before an important date the greeting task is due (admin)',
          body: GreetingSettingsBody,
          response: { 200: Type.Object({ greetingLeadDays: Type.Integer() }), ...errorResponses },
        },
      },
      async (request) => service.setGreetingLeadDays(actorOf(request), request.body.leadDays),
    );

    app.put(
      '/api/follow-up-plans/:valueClass',
      {
        schema: {
          tags: ['follow-ups'],
          summary: 'Set the interval of a value class’s plan (admin; needs version)',
          params: Type.Object({ valueClass: ValueClassSchema }),
          body: PlanBody,
          response: { 200: PlanSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...input } = request.body;
        const row = await service.updatePlan(
          actorOf(request),
          request.params.valueClass,
          input,
          expectedVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );
  });
}
