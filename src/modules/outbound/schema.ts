import { Type } from 'typebox';
import { OPT_OUT_SCOPE_PATTERN } from '../../domain/outbound.ts';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { ENDPOINT_KINDS, MESSAGE_STATUSES, OUTBOUND_CHANNELS } from './tables.ts';

export const EndpointKindSchema = Type.Union(ENDPOINT_KINDS.map((k) => Type.Literal(k)));
export const OutboundChannelSchema = Type.Union(OUTBOUND_CHANNELS.map((c) => Type.Literal(c)));
export const MessageStatusSchema = Type.Union(MESSAGE_STATUSES.map((s) => Type.Literal(s)));

/** Topics: 'shipment.exception', a family 'shipment.*', or '*' for everything. */
const Topic = Type.String({
  pattern: '^(\\*|[a-z][a-z0-9_]*(\\.([a-z0-9_]+|\\*))*)$',
  maxLength: 64,
  description: "A topic (shipment.exception), a family (shipment.*) or '*'",
});
const Topics = Type.Array(Topic, { minItems: 1, maxItems: 50 });
const EndpointUrl = Type.String({ minLength: 8, maxLength: 2000, pattern: '^https?://' });
const Secret = Type.String({ minLength: 16, maxLength: 500, description: 'Write-only signing secret' });

export const NotificationEndpointSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Nullable(Type.String()),
    kind: EndpointKindSchema,
    name: Type.String(),
    url: Type.String(),
    secret: Nullable(Type.String({ description: "'********' when a secret is set; never the secret" })),
    secretSet: Type.Boolean(),
    topics: Type.Array(Type.String()),
    active: Type.Boolean(),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'NotificationEndpoint' },
);

export const EndpointCreateBody = Type.Object(
  {
    kind: EndpointKindSchema,
    name: Text(200, 1),
    url: EndpointUrl,
    secret: Type.Optional(Nullable(Secret)),
    topics: Topics,
    customerId: Type.Optional(Nullable(Uuid)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EndpointPatchBody = Type.Object(
  {
    name: Type.Optional(Text(200, 1)),
    url: Type.Optional(EndpointUrl),
    secret: Type.Optional(Nullable(Secret)),
    topics: Type.Optional(Topics),
    customerId: Type.Optional(Nullable(Uuid)),
    active: Type.Optional(Type.Boolean()),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const EndpointQuery = Type.Object({
  customerId: Type.Optional(Uuid),
  kind: Type.Optional(EndpointKindSchema),
  ...PageQuery,
});

export const OutboundAttemptSchema = Type.Object(
  {
    id: Type.String(),
    messageId: Type.String(),
    attempt: Type.Integer(),
    at: DateTime,
    ok: Type.Boolean(),
    statusCode: Nullable(Type.Integer({ description: 'HTTP status or SMTP reply code' })),
    response: Nullable(Type.String()),
    error: Nullable(Type.String()),
    durationMs: Nullable(Type.Integer()),
  },
  { $id: 'OutboundAttempt' },
);

const messageFields = {
  id: Type.String(),
  channel: OutboundChannelSchema,
  topic: Type.String(),
  customerId: Nullable(Type.String()),
  contactId: Nullable(Type.String()),
  endpointId: Nullable(Type.String()),
  recipient: Type.String({ description: 'Email address or URL' }),
  subject: Nullable(Type.String()),
  body: Type.String(),
  payload: Type.Unknown({ description: 'Machine payload, or the email fallback reason' }),
  refType: Nullable(Type.String()),
  refId: Nullable(Type.String()),
  dedupeKey: Nullable(Type.String()),
  status: MessageStatusSchema,
  suppressedReason: Nullable(
    Type.String({
      description:
        'do_not_contact, contact_archived, no_contact, no_address, frequency_cap, opt_out:<scope> …',
    }),
  ),
  attempts: Type.Integer({ description: 'Attempts made so far' }),
  nextAttemptAt: Nullable(DateTime),
  lastError: Nullable(Type.String()),
  createdAt: DateTime,
  sentAt: Nullable(DateTime),
};

export const OutboundMessageSchema = Type.Object(messageFields, { $id: 'OutboundMessage' });

export const OutboundMessageDetailSchema = Type.Object(
  { ...messageFields, attempts: Type.Array(Type.Ref('OutboundAttempt')) },
  { $id: 'OutboundMessageDetail' },
);

export const MessageQuery = Type.Object({
  customerId: Type.Optional(Uuid),
  contactId: Type.Optional(Uuid),
  status: Type.Optional(MessageStatusSchema),
  channel: Type.Optional(OutboundChannelSchema),
  refType: Type.Optional(Text(60)),
  refId: Type.Optional(Text(100)),
  ...PageQuery,
});

export const OptOutScope = Type.String({
  pattern: OPT_OUT_SCOPE_PATTERN,
  maxLength: 64,
  description:
    "'all', a channel (email, wechat, wecom, dingtalk, sms), a topic or a topic family (shipment.*)",
});

export const NotificationPreferencesSchema = Type.Object(
  {
    contactId: Type.String(),
    optOuts: Type.Array(Type.String()),
    doNotContact: Type.Boolean({ description: 'Read-only here; set on the contact' }),
    preferredChannel: Nullable(Type.String()),
  },
  { $id: 'NotificationPreferences' },
);

export const NotificationPreferencesBody = Type.Object(
  { optOuts: Type.Array(OptOutScope, { maxItems: 50 }) },
  { additionalProperties: false },
);

export const ContactIdParams = Type.Object({ contactId: Uuid });
