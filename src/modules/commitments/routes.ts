import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import {
  CommitmentApproveBody,
  CommitmentCreateBody,
  CommitmentListQuery,
  CommitmentOutcomeBody,
  CommitmentPatchBody,
  CommitmentRenegotiateBody,
  CommitmentRenegotiation,
  CommitmentReviewItem,
  CommitmentReviewQuery,
  CommitmentSchema,
} from './schema.ts';

const CommitmentRef = Type.Ref('Commitment');

/** Commitments (承诺管理, SPEC §5). Internal: staff only. Audit on every write, timeline on made/kept/broken/renegotiated. */
export function commitmentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [CommitmentSchema, CommitmentReviewItem]);
    const service = ctx.services.commitments;

    app.get(
      '/api/commitments',
      {
        schema: {
          tags: ['commitments'],
          summary:
            'Promises to customers, nearest due first (filters: customer, ticket, status, maker, approval, overdue)',
          querystring: CommitmentListQuery,
          response: { 200: pageOf(CommitmentRef), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );

    app.get(
      '/api/commitments/review',
      {
        schema: {
          tags: ['commitments'],
          summary:
            'Review of key (A-class) customers: their open promises and recent communications, nearest due first ' +
            '(supervisors, managers, admins)',
          querystring: CommitmentReviewQuery,
          response: { 200: pageOf(Type.Ref('CommitmentReviewItem')), ...errorResponses },
        },
      },
      async (request) => service.review(actorOf(request), request.query),
    );

    app.post(
      '/api/commitments',
      {
        schema: {
          tags: ['commitments'],
          summary:
            'Record a promise. Beyond the bottom line (amount over the approval threshold, or exceedsBottomLine) ' +
            'it waits for a supervisor’s approval',
          body: CommitmentCreateBody,
          response: { 201: CommitmentRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.create(actorOf(request), request.body);
        reply.status(201);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.get(
      '/api/commitments/:id',
      {
        schema: {
          tags: ['commitments'],
          summary: 'One promise',
          params: IdParams,
          response: { 200: CommitmentRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.get(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.patch(
      '/api/commitments/:id',
      {
        schema: {
          tags: ['commitments'],
          summary: 'Correct an open promise (needs its version: If-Match or version)',
          params: IdParams,
          body: CommitmentPatchBody,
          response: { 200: CommitmentRef, ...errorResponses },
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
      '/api/commitments/:id/approve',
      {
        schema: {
          tags: ['commitments'],
          summary:
            'Approve or reject a promise beyond the bottom line (supervisor of the maker’s team, manager, admin; ' +
            'never the maker; version optional)',
          params: IdParams,
          body: CommitmentApproveBody,
          response: { 200: CommitmentRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...decision } = request.body;
        const row = await service.approve(
          actorOf(request),
          request.params.id,
          decision,
          optionalVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/commitments/:id/outcome',
      {
        schema: {
          tags: ['commitments'],
          summary: 'Record that an open, approved (or not needing approval) promise was kept or broken',
          params: IdParams,
          body: CommitmentOutcomeBody,
          response: { 200: CommitmentRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...input } = request.body;
        const row = await service.outcome(
          actorOf(request),
          request.params.id,
          input,
          optionalVersion(request, version),
        );
        setEtag(reply, row.version);
        return row;
      },
    );

    app.post(
      '/api/commitments/:id/renegotiate',
      {
        schema: {
          tags: ['commitments'],
          summary:
            'Renegotiate an open promise: it becomes renegotiated and points to a new open promise with the new ' +
            'due date (and wording)',
          params: IdParams,
          body: CommitmentRenegotiateBody,
          response: { 201: CommitmentRenegotiation, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...input } = request.body;
        const result = await service.renegotiate(
          actorOf(request),
          request.params.id,
          input,
          optionalVersion(request, version),
        );
        reply.status(201);
        return result;
      },
    );
  });
}
