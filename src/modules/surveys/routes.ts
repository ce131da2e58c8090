import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import {
  AnswersBody,
  InvitationListQuery,
  InvitationParams,
  InvitationSchema,
  PortalSurveyList,
  QuestionnaireSchema,
  ResponseListQuery,
  SaveResult,
  SendBody,
  SendResult,
  SubmitResult,
  SurveyCreateBody,
  SurveyListQuery,
  SurveyPatchBody,
  SurveyResponseSchema,
  SurveySchema,
  TokenParams,
} from './schema.ts';

const SurveyRef = Type.Ref('Survey');
const QuestionnaireRef = Type.Ref('SurveyQuestionnaire');

const publicErrors = {
  400: Type.Ref('Problem'),
  404: Type.Ref('Problem'),
  409: Type.Ref('Problem'),
  410: Type.Ref('Problem'),
  422: Type.Ref('Problem'),
  429: Type.Ref('Problem'),
};

/** Surveys (staff), the public token answer page API and the portal's surveys. */
export function surveyRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [SurveySchema, InvitationSchema, SurveyResponseSchema, QuestionnaireSchema]);
    const service = ctx.services.surveys;
    const origin = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

    // ------------------------------------------------------------ staff
    app.get(
      '/api/surveys',
      {
        schema: {
          tags: ['surveys'],
          summary: 'Surveys, newest first, with their stats (all staff)',
          querystring: SurveyListQuery,
          response: { 200: pageOf(SurveyRef), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );

    app.post(
      '/api/surveys',
      {
        schema: {
          tags: ['surveys'],
          summary:
            'Create a survey (draft) from a model version (default: the model’s current one). ' +
            'Supervisors, managers, admins',
          body: SurveyCreateBody,
          response: { 201: SurveyRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const survey = await service.create(actorOf(request), request.body);
        reply.status(201);
        return survey;
      },
    );

    app.get(
      '/api/surveys/:id',
      {
        schema: {
          tags: ['surveys'],
          summary: 'One survey with stats (response rate = completed / sent) and its waves',
          params: IdParams,
          response: { 200: SurveyRef, ...errorResponses },
        },
      },
      async (request) => service.get(actorOf(request), request.params.id),
    );

    app.patch(
      '/api/surveys/:id',
      {
        schema: {
          tags: ['surveys'],
          summary:
            'Change a survey: a draft anything; an active one its name, intro, reminders, segment and recurrence',
          params: IdParams,
          body: SurveyPatchBody,
          response: { 200: SurveyRef, ...errorResponses },
        },
      },
      async (request) => service.update(actorOf(request), request.params.id, request.body),
    );

    app.post(
      '/api/surveys/:id/activate',
      {
        schema: {
          tags: ['surveys'],
          summary: 'Activate a draft (a wave survey’s first wave is then due at once unless dated)',
          params: IdParams,
          response: { 200: SurveyRef, ...errorResponses },
        },
      },
      async (request) => service.activate(actorOf(request), request.params.id),
    );

    app.post(
      '/api/surveys/:id/close',
      {
        schema: {
          tags: ['surveys'],
          summary: 'Close a survey: no more sending; its open links answer 410',
          params: IdParams,
          response: { 200: SurveyRef, ...errorResponses },
        },
      },
      async (request) => service.close(actorOf(request), request.params.id),
    );

    app.post(
      '/api/surveys/:id/send',
      {
        schema: {
          tags: ['surveys'],
          summary:
            'Start a wave: one invitation (email with a one-time link) per matching customer’s first reachable ' +
            'contact, primary first, or to the given contacts; the unreachable are listed in skipped',
          params: IdParams,
          body: SendBody,
          response: { 200: SendResult, ...errorResponses },
        },
      },
      async (request) => service.send(actorOf(request), request.params.id, request.body, origin(request)),
    );

    app.get(
      '/api/surveys/:id/invitations',
      {
        schema: {
          tags: ['surveys'],
          summary: 'A survey’s invitations, newest first',
          params: IdParams,
          querystring: InvitationListQuery,
          response: { 200: pageOf(Type.Ref('SurveyInvitation')), ...errorResponses },
        },
      },
      async (request) => service.invitations(actorOf(request), request.params.id, request.query),
    );

    app.post(
      '/api/surveys/:id/remind',
      {
        schema: {
          tags: ['surveys'],
          summary: 'Send the reminders that are due now (each with a new link; the old one stops working)',
          params: IdParams,
          response: { 200: Type.Object({ reminded: Type.Integer() }), ...errorResponses },
        },
      },
      async (request) => service.remind(actorOf(request), request.params.id),
    );

    app.get(
      '/api/surveys/:id/responses',
      {
        schema: {
          tags: ['surveys'],
          summary: 'A survey’s responses with their answers, newest first',
          params: IdParams,
          querystring: ResponseListQuery,
          response: { 200: pageOf(Type.Ref('SurveyResponse')), ...errorResponses },
        },
      },
      async (request) => service.responses(actorOf(request), request.params.id, request.query),
    );

    app.get(
      '/api/survey-responses/:id',
      {
        schema: {
          tags: ['surveys'],
          summary: 'One response with its answers',
          params: IdParams,
          response: { 200: Type.Ref('SurveyResponse'), ...errorResponses },
        },
      },
      async (request) => service.response(actorOf(request), request.params.id),
    );

    // ------------------------------------------------------------ public token links
    // No login; per client IP (request.ip; TRUST_PROXY=1 behind a proxy) at most
    // `surveys.publicRateLimitPerMinute` requests a minute, then 429 with Retry-After.
    const publicConfig = {
      public: true,
      rateLimit: {
        max: () => service.rateLimitPerMinute(),
        timeWindow: '1 minute',
        keyGenerator: (request: FastifyRequest) => request.ip,
      },
    };

    app.get(
      '/api/public/surveys/:token',
      {
        config: publicConfig,
        schema: {
          tags: ['surveys'],
          summary: 'The questionnaire of a one-time link (marks it opened)',
          description:
            'Unknown link 404, already answered 409, expired or survey closed 410, too many requests 429.',
          security: [],
          params: TokenParams,
          response: { 200: QuestionnaireRef, ...publicErrors },
        },
      },
      async (request) => service.publicGet(request.params.token),
    );

    app.put(
      '/api/public/surveys/:token/answers',
      {
        config: publicConfig,
        schema: {
          tags: ['surveys'],
          summary: 'Save answers so far (gaps allowed); the link stays usable until submitted',
          description: 'A score outside 1–5 or an unknown item: 422 naming the item.',
          security: [],
          params: TokenParams,
          body: AnswersBody,
          response: { 200: SaveResult, ...publicErrors },
        },
      },
      async (request) => service.publicSave(request.params.token, request.body),
    );

    app.post(
      '/api/public/surveys/:token/submit',
      {
        config: publicConfig,
        schema: {
          tags: ['surveys'],
          summary: 'Submit: every item must be scored (now or saved before); the answer is final',
          security: [],
          params: TokenParams,
          body: AnswersBody,
          response: { 200: SubmitResult, ...publicErrors },
        },
      },
      async (request) => service.publicSubmit(request.params.token, request.body),
    );

    // ------------------------------------------------------------ portal
    app.get(
      '/api/portal/surveys',
      {
        schema: {
          tags: ['portal'],
          summary: 'The portal user’s company’s surveys',
          response: { 200: PortalSurveyList, ...errorResponses },
        },
      },
      async (request) => service.portalList(actorOf(request)),
    );

    app.get(
      '/api/portal/surveys/:invitationId',
      {
        schema: {
          tags: ['portal'],
          summary: 'One of the company’s surveys (a completed one shows its answers)',
          params: InvitationParams,
          response: { 200: QuestionnaireRef, ...errorResponses, 410: Type.Ref('Problem') },
        },
      },
      async (request) => service.portalGet(actorOf(request), request.params.invitationId),
    );

    app.put(
      '/api/portal/surveys/:invitationId/answers',
      {
        schema: {
          tags: ['portal'],
          summary: 'Save answers so far',
          params: InvitationParams,
          body: AnswersBody,
          response: { 200: SaveResult, ...errorResponses, 410: Type.Ref('Problem') },
        },
      },
      async (request) => service.portalSave(actorOf(request), request.params.invitationId, request.body),
    );

    app.post(
      '/api/portal/surveys/:invitationId/submit',
      {
        schema: {
          tags: ['portal'],
          summary: 'Submit the answers (final)',
          params: InvitationParams,
          body: AnswersBody,
          response: { 200: SubmitResult, ...errorResponses, 410: Type.Ref('Problem') },
        },
      },
      async (request) => service.portalSubmit(actorOf(request), request.params.invitationId, request.body),
    );
  });
}
