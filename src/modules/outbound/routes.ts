import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../server/auth.ts';
import type { AppContext } from '../../server/context.ts';
import { IdParams, errorResponses, exposeSchemas, pageOf, shared } from '../../server/schemas.ts';
import { expectedVersion, optionalVersion, setEtag } from '../../server/versioning.ts';
import {
  ContactIdParams,
  EndpointCreateBody,
  EndpointPatchBody,
  EndpointQuery,
  MessageQuery,
  NotificationEndpointSchema,
  NotificationPreferencesBody,
  NotificationPreferencesSchema,
  OutboundAttemptSchema,
  OutboundMessageDetailSchema,
  OutboundMessageSchema,
} from './schema.ts';

const EndpointRef = Type.Ref('NotificationEndpoint');
const MessageRef = Type.Ref('OutboundMessage');
const MessageDetailRef = Type.Ref('OutboundMessageDetail');
const PreferencesRef = Type.Ref('NotificationPreferences');

/**
 * The notification layer's API: machine endpoints (admins), the message log with attempts (staff),
 * and contacts' notification preferences (staff who may edit the customer).
 */
export function outboundRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return shared(async (app) => {
    exposeSchemas(app, [
      NotificationEndpointSchema,
      OutboundAttemptSchema,
      OutboundMessageSchema,
      OutboundMessageDetailSchema,
      NotificationPreferencesSchema,
    ]);
    const service = ctx.services.outbound;

    app.get(
      '/api/notification-endpoints',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Webhook, WeCom and DingTalk endpoints (admins); secrets are never shown',
          querystring: EndpointQuery,
          response: { 200: pageOf(EndpointRef), ...errorResponses },
        },
      },
      async (request) => service.listEndpoints(actorOf(request), request.query),
    );

    app.post(
      '/api/notification-endpoints',
      {
        schema: {
          tags: ['notifications'],
          summary:
            'Add an endpoint (admins). webhook: signed with X-Liaison-Signature: sha256=<HMAC-SHA256 of the body> ' +
            'using secret (required); wecom: the robot URL with its key; dingtalk: the robot URL, secret = 加签 secret (optional)',
          body: EndpointCreateBody,
          response: { 201: EndpointRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.createEndpoint(actorOf(request), request.body);
        reply.status(201);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.get(
      '/api/notification-endpoints/:id',
      {
        schema: {
          tags: ['notifications'],
          summary: 'One endpoint (admins)',
          params: IdParams,
          response: { 200: EndpointRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const row = await service.getEndpoint(actorOf(request), request.params.id);
        setEtag(reply, row.version);
        return row;
      },
    );

    app.patch(
      '/api/notification-endpoints/:id',
      {
        schema: {
          tags: ['notifications'],
          summary:
            'Change an endpoint (admins; If-Match or version). Omit secret to keep it, null to remove it',
          params: IdParams,
          body: EndpointPatchBody,
          response: { 200: EndpointRef, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { version, ...changes } = request.body;
        const row = await service.updateEndpoint(
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
      '/api/notification-endpoints/:id',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Remove an endpoint (admins; If-Match optional); its queued messages fail',
          params: IdParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await service.deleteEndpoint(actorOf(request), request.params.id, optionalVersion(request));
        reply.status(204);
      },
    );

    app.post(
      '/api/notification-endpoints/:id/test',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Send a test message now (admins); answers the message with its attempt',
          params: IdParams,
          response: { 200: MessageDetailRef, ...errorResponses },
        },
      },
      async (request) => service.testEndpoint(actorOf(request), request.params.id),
    );

    app.get(
      '/api/outbound-messages',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Notifications sent, waiting, failed or suppressed, newest first (staff)',
          querystring: MessageQuery,
          response: { 200: pageOf(MessageRef), ...errorResponses },
        },
      },
      async (request) => service.listMessages(actorOf(request), request.query),
    );

    app.get(
      '/api/outbound-messages/:id',
      {
        schema: {
          tags: ['notifications'],
          summary: 'One notification with every delivery attempt (staff)',
          params: IdParams,
          response: { 200: MessageDetailRef, ...errorResponses },
        },
      },
      async (request) => service.getMessage(actorOf(request), request.params.id),
    );

    app.post(
      '/api/outbound-messages/:id/retry',
      {
        schema: {
          tags: ['notifications'],
          summary:
            'Try a failed or waiting notification again now (supervisors, operations, managers, admins); ' +
            'sent and suppressed ones are final (409)',
          params: IdParams,
          response: { 200: MessageDetailRef, ...errorResponses },
        },
      },
      async (request) => service.retry(actorOf(request), request.params.id),
    );

    app.get(
      '/api/contacts/:contactId/notification-preferences',
      {
        schema: {
          tags: ['notifications'],
          summary: "A contact's notification opt-outs (staff)",
          params: ContactIdParams,
          response: { 200: PreferencesRef, ...errorResponses },
        },
      },
      async (request) => service.preferences(actorOf(request), request.params.contactId),
    );

    app.put(
      '/api/contacts/:contactId/notification-preferences',
      {
        schema: {
          tags: ['notifications'],
          summary:
            "Replace a contact's opt-outs (staff who may edit the customer): 'all', a channel, a topic or a topic family",
          params: ContactIdParams,
          body: NotificationPreferencesBody,
          response: { 200: PreferencesRef, ...errorResponses },
        },
      },
      async (request) =>
        service.setPreferences(actorOf(request), request.params.contactId, request.body.optOuts),
    );
  });
}
