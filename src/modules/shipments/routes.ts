import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import {
  PortalShipmentListQuery,
  ShipmentCancelBody,
  ShipmentCreateBody,
  ShipmentListQuery,
  ShipmentPatchBody,
  ShipmentSchema,
} from './schema.ts';

const ShipmentRef = Type.Ref('Shipment');

/**
 * Shipments (SPEC §6). Staff read every shipment; agents, supervisors and admins write, operations
 * users their department's; managers read only. Portal users see their company's under /api/portal.
 */
export function shipmentRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [ShipmentSchema]);
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
  });
}
