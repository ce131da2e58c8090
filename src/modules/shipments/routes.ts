import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import { type DocumentRow, MAX_DOCUMENT_BYTES, readMultipartForm } from './documents.ts';
import {
  DocumentParams,
  PortalShipmentListQuery,
  ShipmentCancelBody,
  ShipmentCreateBody,
  ShipmentListQuery,
  ShipmentPatchBody,
  ShipmentDocumentSchema,
  ShipmentSchema,
  ShipmentSubscriptionBody,
  ShipmentSubscriptionSchema,
} from './schema.ts';

const ShipmentRef = Type.Ref('Shipment');
const DocumentRef = Type.Ref('ShipmentDocument');
const SubscriptionRef = Type.Ref('ShipmentSubscription');
const binary = Type.String({ format: 'binary' });
const documentDownload = {
  200: {
    description: 'The file as an attachment, with the content type detected at upload',
    content: Object.fromEntries(
      [
        'application/pdf',
        'image/png',
        'image/jpeg',
        'image/webp',
        'image/tiff',
        'image/heic',
        'image/heif',
      ].map((type) => [type, { schema: binary }]),
    ),
  },
  ...errorResponses,
};
const uploadErrors = { ...errorResponses, 413: Type.Ref('Problem'), 415: Type.Ref('Problem') };

/** Sends a stored document as a download (never rendered inline: the browser must not sniff it). */
function sendDocument(reply: FastifyReply, row: DocumentRow) {
  reply
    .header('content-type', row.contentType)
    .header('content-length', String(row.sizeBytes))
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.fileName)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store');
  return reply.send(row.content);
}

/**
 * Shipments (SPEC §6). Staff read every shipment; agents, supervisors and admins write, operations
 * users their department's; managers read only. Portal users see their company's under /api/portal.
 */
export function shipmentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [ShipmentSchema, ShipmentDocumentSchema, ShipmentSubscriptionSchema]);
    const service = ctx.services.shipments;

    app.get(
      '/api/shipments',
      {
        schema: {
          tags: ['shipments'],
          summary:
            'Shipments: search any reference (q, prefix), filter, sort newest | exceptions | promised. ' +
            'Operations users default to their department, exceptions first.',
          querystring: ShipmentListQuery,
          response: { 200: pageOf(ShipmentRef), ...errorResponses },
        },
      },
      async (request) => service.list(actorOf(request), request.query),
    );

    app.post(
      '/api/shipments',
      {
        schema: {
          tags: ['shipments'],
          summary:
            'Create a shipment; containers (ISO 6346), AWB (mod 7) and UN/LOCODEs are checked, B/L never',
          body: ShipmentCreateBody,
          response: { 201: ShipmentRef, ...errorResponses },
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
      '/api/shipments/:id',
      {
        schema: {
          tags: ['shipments'],
          summary: 'One shipment',
          params: IdParams,
          response: { 200: ShipmentRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.get(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.patch(
      '/api/shipments/:id',
      {
        schema: {
          tags: ['shipments'],
          summary: 'Change a shipment (needs its version: If-Match or version)',
          params: IdParams,
          body: ShipmentPatchBody,
          response: { 200: ShipmentRef, ...errorResponses },
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
      '/api/shipments/:id/cancel',
      {
        schema: {
          tags: ['shipments'],
          summary: 'Cancel a shipment with a reason (If-Match or version optional)',
          params: IdParams,
          body: ShipmentCancelBody,
          response: { 200: ShipmentRef, ...errorResponses },
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

    // ------------------------------------------------------------ portal (the customer's own view)

    app.get(
      '/api/portal/shipments',
      {
        schema: {
          tags: ['portal'],
          summary: 'My company’s shipments (portal users): same search, filters and sorts',
          querystring: PortalShipmentListQuery,
          response: { 200: pageOf(ShipmentRef), ...errorResponses },
        },
      },
      async (request) => service.portalList(actorOf(request), request.query),
    );

    app.get(
      '/api/portal/shipments/:id',
      {
        schema: {
          tags: ['portal'],
          summary: 'One of my company’s shipments (no consignee phone)',
          params: IdParams,
          response: { 200: ShipmentRef, ...errorResponses },
        },
      },
      async (request) => service.portalGet(actorOf(request), request.params.id),
    );
    app.get(
      '/api/portal/shipments/:id/documents',
      {
        schema: {
          tags: ['portal'],
          summary: 'Documents of one of my company’s shipments (those shared with the customer)',
          params: IdParams,
          response: { 200: pageOf(DocumentRef), ...errorResponses },
        },
      },
      async (request) => {
        service.portalCustomerOf(actorOf(request));
        return service.documents.list(actorOf(request), request.params.id);
      },
    );

    app.get(
      '/api/portal/shipments/:id/documents/:documentId/content',
      {
        schema: {
          tags: ['portal'],
          summary: 'Download a shared document of one of my company’s shipments',
          params: DocumentParams,
          response: documentDownload,
        },
      },
      async (request, reply) => {
        service.portalCustomerOf(actorOf(request));
        const row = await service.documents.content(
          actorOf(request),
          request.params.id,
          request.params.documentId,
        );
        return sendDocument(reply, row);
      },
    );

    // ------------------------------------------------------------ documents
    app.get(
      '/api/shipments/:id/documents',
      {
        schema: {
          tags: ['shipments'],
          summary: 'Documents of a shipment, newest first (portal users: shared ones only)',
          params: IdParams,
          response: { 200: pageOf(DocumentRef), ...errorResponses },
        },
      },
      async (request) => service.documents.list(actorOf(request), request.params.id),
    );

    app.get(
      '/api/shipments/:id/documents/:documentId/content',
      {
        schema: {
          tags: ['shipments'],
          summary: 'Download a document (its detected content type, as an attachment)',
          params: DocumentParams,
          response: documentDownload,
        },
      },
      async (request, reply) => {
        const row = await service.documents.content(
          actorOf(request),
          request.params.id,
          request.params.documentId,
        );
        return sendDocument(reply, row);
      },
    );

    app.delete(
      '/api/shipments/:id/documents/:documentId',
      {
        schema: {
          tags: ['shipments'],
          summary: 'Delete a document (not the POD proof)',
          params: DocumentParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.documents.remove(actorOf(request), request.params.id, request.params.documentId);
        reply.status(204);
      },
    );

    // Uploads: multipart only in this child scope, with the 10 MB file limit.
    await app.register(async (scope) => {
      const uploads = scope.withTypeProvider<TypeBoxTypeProvider>();
      await uploads.register(fastifyMultipart, {
        limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 20 },
      });

      uploads.post(
        '/api/shipments/:id/documents',
        {
          schema: {
            tags: ['shipments'],
            summary:
              'Upload a document (multipart: file, kind, portalVisible). Type checked by content: ' +
              'PDF, PNG, JPEG, WebP, TIFF, HEIC (else 415); at most 10 MB (else 413).',
            params: IdParams,
            consumes: ['multipart/form-data'],
            response: { 201: DocumentRef, ...uploadErrors },
          },
        },
        async (request, reply) => {
          const form = await readMultipartForm(request);
          const row = await service.documents.upload(actorOf(request), request.params.id, form);
          reply.status(201);
          return row;
        },
      );

      uploads.post(
        '/api/shipments/:id/pod',
        {
          schema: {
            tags: ['shipments'],
            summary:
              'Record the proof of delivery (multipart: file, signer, signedAt): stores the file as a ' +
              'pod document and adds an actual DELIVERED milestone. Operations of the shipment’s ' +
              'department, supervisors, admins.',
            params: IdParams,
            consumes: ['multipart/form-data'],
            response: { 201: ShipmentRef, ...uploadErrors },
          },
        },
        async (request, reply) => {
          const form = await readMultipartForm(request);
          const row = await service.documents.recordPod(actorOf(request), request.params.id, form);
          reply.status(201);
          setEtag(reply, row.version);
          return row;
        },
      );
    });

    // ------------------------------------------------------------ portal subscriptions
    app.get(
      '/api/portal/shipment-subscriptions',
      {
        schema: {
          tags: ['portal'],
          summary: 'My shipment notice subscriptions',
          response: { 200: pageOf(SubscriptionRef), ...errorResponses },
        },
      },
      async (request) => service.subscriptions.list(actorOf(request)),
    );

    app.post(
      '/api/portal/shipment-subscriptions',
      {
        schema: {
          tags: ['portal'],
          summary:
            'Subscribe to notices of one shipment (shipmentId) or all my company’s (null); subscribing ' +
            'again to the same target changes it (200)',
          body: ShipmentSubscriptionBody,
          response: { 200: SubscriptionRef, 201: SubscriptionRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { created, subscription } = await service.subscriptions.subscribe(
          actorOf(request),
          request.body,
        );
        reply.status(created ? 201 : 200);
        return subscription;
      },
    );

    app.delete(
      '/api/portal/shipment-subscriptions/:id',
      {
        schema: {
          tags: ['portal'],
          summary: 'Unsubscribe',
          params: IdParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.subscriptions.unsubscribe(actorOf(request), request.params.id);
        reply.status(204);
      },
    );
  });
}
