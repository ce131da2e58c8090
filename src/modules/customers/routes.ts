import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PassThrough } from 'node:stream';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, Uuid, errorResponses, pageOf } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import { EXPORT_CONTENT_TYPES, exportDisposition, writeCustomerExport } from './export.ts';
import {
  ContactCreateBody,
  ContactSchema,
  ContactUpdateBody,
  CustomerCreateBody,
  CustomerExportQuery,
  CustomerListItemSchema,
  CustomerListQuery,
  CustomerSchema,
  CustomerSettingsBody,
  CustomerSettingsSchema,
  CustomerUpdateBody,
  DuplicateCandidateSchema,
  DuplicatesQuery,
  MergeBody,
  MergeResultSchema,
  OwnershipTransferSchema,
  ReviewQueueQuery,
  TransferBody,
  VersionBody,
} from './schema.ts';

const ContactParams = Type.Object({ id: Uuid, contactId: Uuid });

/** Action endpoints (archive, verify…) accept a request without a body as an empty one. */
async function emptyBodyAllowed(request: { body: unknown }) {
  if (request.body === undefined || request.body === null) request.body = {};
}
const tags = ['customers'];

export function customerRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const service = ctx.services.customers;
  return async (app) => {
    for (const schema of [
      CustomerSchema,
      CustomerListItemSchema,
      ContactSchema,
      DuplicateCandidateSchema,
      OwnershipTransferSchema,
      MergeResultSchema,
      CustomerSettingsSchema,
    ]) {
      app.addSchema(schema);
    }

    app.get(
      '/api/customers',
      {
        schema: {
          tags,
          summary: 'List and search customer files (newest first, keyset-paged)',
          description:
            '`q` segments Chinese words (物流 finds 上海远洋物流有限公司) and also matches tax-id fragments, phone fragments (≥ 4 digits) and slightly misspelt names. Portal users see only their own customer.',
          querystring: CustomerListQuery,
          response: { 200: pageOf(Type.Ref('CustomerListItem')), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );

    app.post(
      '/api/customers',
      {
        schema: {
          tags,
          summary: 'Open a customer file',
          description:
            'Answers 409 "Possible Duplicate" with `candidates` when the tax id, a nearly identical name or the phone matches an existing file, unless `confirmDuplicate: true` (or `?confirm=true`) is sent. Agents always own what they create; supervisors and admins may choose the owner.',
          querystring: Type.Object(
            { confirm: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
          body: CustomerCreateBody,
          response: { 201: Type.Ref('Customer'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = {
          ...request.body,
          confirmDuplicate: request.body.confirmDuplicate || request.query.confirm,
        };
        const customer = await service.create(actorOf(request), body);
        setEtag(reply, customer.version);
        reply.status(201);
        return customer;
      },
    );

    app.get(
      '/api/customers/duplicates',
      {
        schema: {
          tags,
          summary: 'Possible duplicates of a name, tax id or phone (live warning on the create form)',
          querystring: DuplicatesQuery,
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('DuplicateCandidate')) }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({ items: await service.findDuplicates(actorOf(request), request.query) }),
    );

    app.get(
      '/api/customers/review-queue',
      {
        schema: {
          tags,
          summary: 'Files not verified for N days (setting customers.reviewAfterDays), most overdue first',
          querystring: ReviewQueueQuery,
          response: {
            200: Type.Object({
              items: Type.Array(Type.Ref('CustomerListItem')),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
              reviewAfterDays: Type.Integer(),
            }),
            ...errorResponses,
          },
        },
      },
      async (request) => service.reviewQueue(actorOf(request), request.query),
    );

    const binary = Type.String({ format: 'binary' });
    app.get(
      '/api/customers/export',
      {
        schema: {
          tags,
          summary: 'Download the customer list as CSV or Excel, with the same filters as the list',
          description:
            'Staff only. Every file of the filtered list (not one page), in the columns `liaison import customers` reads; cells that start with = + - @ are prefixed with an apostrophe so spreadsheets show them as text. CSV is UTF-8 with a BOM. Each export is written to the audit log (action `export`) before it starts, because it takes personal data out of the system.',
          querystring: CustomerExportQuery,
          produces: Object.values(EXPORT_CONTENT_TYPES),
          response: {
            200: {
              description: 'The file, as an attachment named customers-YYYYMMDD.csv or .xlsx',
              content: {
                'text/csv': { schema: binary },
                [EXPORT_CONTENT_TYPES.xlsx]: { schema: binary },
              },
            },
            ...errorResponses,
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const { format, headers, ...filters } = request.query;
        // Counting also refuses non-staff, before anything is sent.
        const rows = await service.countForExport(actor, filters);
        await ctx.services.audit.record(ctx.db, actor, {
          action: 'export',
          entityType: 'customer',
          entityId: '*',
          after: { format, filters, rows },
        });
        const out = new PassThrough();
        writeCustomerExport(ctx.db, service.listForExport(actor, filters), { format, headers, out }).catch(
          (error: Error) => {
            // The status line is gone; cutting the stream short tells the client the file is incomplete.
            if (!out.destroyed) request.log.error({ err: error }, 'customer export failed');
            out.destroy(error);
          },
        );
        reply
          .header('content-type', EXPORT_CONTENT_TYPES[format])
          .header('content-disposition', exportDisposition(format, ctx.now(), headers))
          .header('cache-control', 'no-store');
        return reply.send(out);
      },
    );

    app.get(
      '/api/customers/:id',
      {
        schema: {
          tags,
          summary: 'One customer file',
          params: IdParams,
          response: { 200: Type.Ref('Customer'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const customer = await service.get(actorOf(request), request.params.id);
        setEtag(reply, customer.version);
        return customer;
      },
    );

    app.patch(
      '/api/customers/:id',
      {
        schema: {
          tags,
          summary: 'Change a customer file (send the version: If-Match or `version`)',
          description: 'The owner changes only through POST /api/customers/{id}/transfer.',
          params: IdParams,
          body: CustomerUpdateBody,
          response: { 200: Type.Ref('Customer'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const customer = await service.update(
          actorOf(request),
          request.params.id,
          request.body,
          expectedVersion(request, request.body.version),
        );
        setEtag(reply, customer.version);
        return customer;
      },
    );

    for (const [action, archived] of [
      ['archive', true],
      ['restore', false],
    ] as const) {
      app.post(
        `/api/customers/:id/${action}`,
        {
          preValidation: emptyBodyAllowed,
          schema: {
            tags,
            summary: archived
              ? 'Archive a customer file (hidden from lists, nothing deleted)'
              : 'Restore an archived customer file',
            params: IdParams,
            body: VersionBody,
            response: { 200: Type.Ref('Customer'), ...errorResponses },
          },
        },
        async (request, reply) => {
          const customer = await service.setArchived(
            actorOf(request),
            request.params.id,
            archived,
            optionalVersion(request, request.body?.version),
          );
          setEtag(reply, customer.version);
          return customer;
        },
      );
    }

    app.post(
      '/api/customers/:id/verify',
      {
        preValidation: emptyBodyAllowed,
        schema: {
          tags,
          summary: 'Mark the file as verified today (leaves the review queue)',
          params: IdParams,
          body: Type.Object({}, { additionalProperties: false }),
          response: { 200: Type.Ref('Customer'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const customer = await service.verify(actorOf(request), request.params.id);
        setEtag(reply, customer.version);
        return customer;
      },
    );

    app.post(
      '/api/customers/:id/transfer',
      {
        schema: {
          tags,
          summary: 'Transfer ownership to another agent (supervisor of the team, admin)',
          params: IdParams,
          body: TransferBody,
          response: { 200: Type.Ref('Customer'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const customer = await service.transfer(actorOf(request), request.params.id, request.body);
        setEtag(reply, customer.version);
        return customer;
      },
    );

    app.get(
      '/api/customers/:id/transfers',
      {
        schema: {
          tags,
          summary: 'Ownership history, newest first',
          params: IdParams,
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('OwnershipTransfer')) }),
            ...errorResponses,
          },
        },
      },
      async (request) => ({ items: await service.transfers(actorOf(request), request.params.id) }),
    );

    app.post(
      '/api/customers/:id/merge',
      {
        schema: {
          tags,
          summary: 'Fold another customer file (sourceId) into this one',
          description:
            'Contacts, interactions, follow-ups, timeline, ownership history, portal users and every later customer-owned record move here; lists are united and empty fields filled; the source is archived with mergedIntoId. Admin, or a supervisor whose team owns both.',
          params: IdParams,
          body: MergeBody,
          response: { 200: Type.Ref('CustomerMergeResult'), ...errorResponses },
        },
      },
      async (request) => service.merge(actorOf(request), request.params.id, request.body.sourceId),
    );

    // ------------------------------------------------------------ contacts

    app.get(
      '/api/customers/:id/contacts',
      {
        schema: {
          tags,
          summary: "A customer's contacts (primary first)",
          params: IdParams,
          querystring: Type.Object(
            { archived: Type.Optional(Type.Boolean({ description: 'true lists removed contacts' })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Contact')) }), ...errorResponses },
        },
      },
      async (request) => ({
        items: await service.contacts.list(actorOf(request), request.params.id, request.query),
      }),
    );

    app.post(
      '/api/customers/:id/contacts',
      {
        schema: {
          tags,
          summary: 'Add a contact (the first one becomes primary)',
          params: IdParams,
          body: ContactCreateBody,
          response: { 201: Type.Ref('Contact'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const contact = await service.contacts.create(actorOf(request), request.params.id, request.body);
        setEtag(reply, contact.version);
        reply.status(201);
        return contact;
      },
    );

    app.get(
      '/api/customers/:id/contacts/:contactId',
      {
        schema: {
          tags,
          summary: 'One contact',
          params: ContactParams,
          response: { 200: Type.Ref('Contact'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const contact = await service.contacts.get(
          actorOf(request),
          request.params.id,
          request.params.contactId,
        );
        setEtag(reply, contact.version);
        return contact;
      },
    );

    app.patch(
      '/api/customers/:id/contacts/:contactId',
      {
        schema: {
          tags,
          summary: 'Change a contact (send the version)',
          params: ContactParams,
          body: ContactUpdateBody,
          response: { 200: Type.Ref('Contact'), ...errorResponses },
        },
      },
      async (request, reply) => {
        const contact = await service.contacts.update(
          actorOf(request),
          request.params.id,
          request.params.contactId,
          request.body,
          expectedVersion(request, request.body.version),
        );
        setEtag(reply, contact.version);
        return contact;
      },
    );

    app.delete(
      '/api/customers/:id/contacts/:contactId',
      {
        schema: {
          tags,
          summary: 'Remove a contact (archived; history keeps naming it). If-Match is checked when sent.',
          params: ContactParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.contacts.archive(
          actorOf(request),
          request.params.id,
          request.params.contactId,
          optionalVersion(request),
        );
        reply.status(204);
      },
    );

    // ------------------------------------------------------------ settings

    app.get(
      '/api/settings/customers',
      {
        schema: {
          tags: ['settings'],
          summary: 'Customer-file settings',
          response: { 200: Type.Ref('CustomerSettings'), ...errorResponses },
        },
      },
      async (request) => service.getSettings(actorOf(request)),
    );

    app.put(
      '/api/settings/customers',
      {
        schema: {
          tags: ['settings'],
          summary: 'Change customer-file settings (admin)',
          body: CustomerSettingsBody,
          response: { 200: Type.Ref('CustomerSettings'), ...errorResponses },
        },
      },
      async (request) => service.updateSettings(actorOf(request), request.body),
    );
  };
}
