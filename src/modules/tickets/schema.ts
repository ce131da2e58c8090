import { Type } from 'typebox';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import {
  CUSTOMER_REACTIONS,
  OWNERSHIP_CHANGE_KINDS,
  ROOT_CAUSES,
  TICKET_CHANNELS,
  TICKET_MESSAGE_KINDS,
  TICKET_SEVERITIES,
  TICKET_STATUSES,
  TICKET_TYPES,
} from './tables.ts';

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const TicketTypeSchema = literals(TICKET_TYPES);
export const TicketChannelSchema = literals(TICKET_CHANNELS);
export const TicketSeveritySchema = literals(TICKET_SEVERITIES);
export const TicketStatusSchema = literals(TICKET_STATUSES);
export const RootCauseSchema = literals(ROOT_CAUSES);
export const CustomerReactionSchema = literals(CUSTOMER_REACTIONS);
export const SlaStateSchema = literals(['none', 'running', 'warning', 'breached', 'paused', 'met'] as const);

export const TicketCategorySchema = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    nameEn: Nullable(Type.String()),
    sortOrder: Type.Integer(),
    active: Type.Boolean(),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'TicketCategory' },
);

export const CategoryCode = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' });

export const TicketCategoryCreateBody = Type.Object(
  {
    code: CategoryCode,
    name: Text(100, 1),
    nameEn: Type.Optional(Nullable(Text(100))),
    sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const TicketCategoryPatchBody = Type.Object(
  {
    code: Type.Optional(CategoryCode),
    name: Type.Optional(Text(100, 1)),
    nameEn: Type.Optional(Nullable(Text(100))),
    sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
    active: Type.Optional(Type.Boolean()),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const CategoryListQuery = Type.Object({
  all: Type.Optional(Type.Boolean({ description: 'Admins: include inactive categories.' })),
});

export const TicketSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String({ description: 'T + yymm + 6 digits, e.g. T2611-000123' }),
    type: TicketTypeSchema,
    channel: Type.String(),
    status: TicketStatusSchema,
    source: Type.String({ description: 'staff | portal' }),
    customerId: Type.String(),
    customerName: Type.String(),
    contactId: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    shipmentRef: Nullable(Type.String()),
    shipmentId: Nullable(Type.String({ description: 'The shipment the ticket is about' })),
    lane: Nullable(Type.String()),
    categoryId: Type.String(),
    categoryCode: Type.String(),
    categoryName: Type.String(),
    severity: TicketSeveritySchema,
    subject: Type.String(),
    customerWords: Type.String(),
    customerRequest: Nullable(Type.String()),
    receivedAt: DateTime,
    ownerId: Nullable(Type.String()),
    ownerName: Nullable(Type.String()),
    departmentId: Nullable(Type.String()),
    departmentName: Nullable(Type.String()),
    rootCause: Nullable(RootCauseSchema),
    responsibleDepartmentId: Nullable(Type.String()),
    responsibleUserId: Nullable(Type.String()),
    responsiblePerson: Nullable(Type.String()),
    measures: Nullable(Type.String()),
    result: Nullable(Type.String()),
    customerReaction: Nullable(CustomerReactionSchema),
    verification: Nullable(Type.String()),
    verifiedAt: Nullable(DateTime),
    verifiedBy: Nullable(Type.String()),
    slaPolicyId: Nullable(Type.String()),
    firstResponseTargetMinutes: Nullable(Type.Integer()),
    resolutionTargetMinutes: Nullable(Type.Integer()),
    firstResponseDueAt: Nullable(DateTime),
    firstResponseWarnAt: Nullable(DateTime),
    firstRespondedAt: Nullable(DateTime),
    resolutionDueAt: Nullable(DateTime),
    resolutionWarnAt: Nullable(DateTime),
    slaPausedAt: Nullable(DateTime),
    firstResponseBreachedAt: Nullable(DateTime),
    resolutionBreachedAt: Nullable(DateTime),
    slaState: SlaStateSchema,
    escalationLevel: Type.Integer(),
    reopenCount: Type.Integer(),
    repeatOfTicketId: Nullable(Type.String()),
    repeatOfNumber: Nullable(Type.String()),
    resolvedAt: Nullable(DateTime),
    resolution: Nullable(Type.String()),
    customerConfirmed: Nullable(Type.Boolean()),
    customerConfirmedAt: Nullable(DateTime),
    closedAt: Nullable(DateTime),
    closedBy: Nullable(Type.String()),
    closeReason: Nullable(Type.String()),
    resolvedAtFirstContact: Nullable(Type.Boolean()),
    createdBy: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Ticket' },
);

const Lane = Type.String({
  maxLength: 40,
  pattern: '^[A-Za-z0-9]{2,10}\\s*[-–>]\\s*[A-Za-z0-9]{2,10}$',
  description: 'Origin–destination, e.g. CNSHA-DEHAM',
});

export const TicketCreateBody = Type.Object(
  {
    type: TicketTypeSchema,
    channel: TicketChannelSchema,
    customerId: Uuid,
    contactId: Type.Optional(Nullable(Uuid)),
    shipmentRef: Type.Optional(Nullable(Text(100))),
    shipmentId: Type.Optional(
      Nullable(Type.String({ format: 'uuid', description: 'One of the same customer’s shipments' })),
    ),
    lane: Type.Optional(Nullable(Lane)),
    categoryId: Uuid,
    severity: Type.Optional(TicketSeveritySchema),
    subject: Text(200, 1),
    customerWords: Text(8000, 1),
    customerRequest: Type.Optional(Nullable(Text(4000))),
    receivedAt: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);

export const TicketPatchBody = Type.Object(
  {
    type: Type.Optional(TicketTypeSchema),
    channel: Type.Optional(TicketChannelSchema),
    contactId: Type.Optional(Nullable(Uuid)),
    shipmentRef: Type.Optional(Nullable(Text(100))),
    lane: Type.Optional(Nullable(Lane)),
    categoryId: Type.Optional(Uuid),
    severity: Type.Optional(TicketSeveritySchema),
    subject: Type.Optional(Text(200, 1)),
    customerWords: Type.Optional(Text(8000, 1)),
    customerRequest: Type.Optional(Nullable(Text(4000))),
    rootCause: Type.Optional(Nullable(RootCauseSchema)),
    responsibleDepartmentId: Type.Optional(Nullable(Uuid)),
    responsibleUserId: Type.Optional(Nullable(Uuid)),
    responsiblePerson: Type.Optional(Nullable(Text(200))),
    measures: Type.Optional(Nullable(Text(4000))),
    result: Type.Optional(Nullable(Text(4000))),
    customerReaction: Type.Optional(Nullable(CustomerReactionSchema)),
    verification: Type.Optional(Nullable(Text(4000))),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const TicketListQuery = Type.Object({
  view: Type.Optional(literals(['mine', 'team', 'all'] as const)),
  status: Type.Optional(
    Type.String({
      pattern: `^(${TICKET_STATUSES.join('|')})(,(${TICKET_STATUSES.join('|')}))*$`,
      description: 'One status or several separated by commas, e.g. new,open,waiting_customer',
    }),
  ),
  type: Type.Optional(TicketTypeSchema),
  categoryId: Type.Optional(Uuid),
  ownerId: Type.Optional(Uuid),
  departmentId: Type.Optional(Uuid),
  customerId: Type.Optional(Uuid),
  shipmentId: Type.Optional(Uuid),
  sla: Type.Optional(literals(['breaching_soon', 'breached'] as const)),
  repeat: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  ...PageQuery,
});

export const RepeatListQuery = Type.Object({
  customerId: Type.Optional(Uuid),
  categoryId: Type.Optional(Uuid),
  ...PageQuery,
});

export const VersionBody = Type.Object({ version: Type.Optional(Version) }, { additionalProperties: false });

export const TransferBody = Type.Object(
  { toUserId: Uuid, reason: Text(1000, 1), version: Type.Optional(Version) },
  { additionalProperties: false },
);

export const ReasonBody = Type.Object(
  { reason: Text(1000, 1), version: Type.Optional(Version) },
  { additionalProperties: false },
);

export const ResolveBody = Type.Object(
  { resolution: Text(4000, 1), version: Type.Optional(Version) },
  { additionalProperties: false },
);

export const CloseBody = Type.Object(
  {
    customerConfirmed: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Text(1000)),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const OwnershipChangeSchema = Type.Object(
  {
    id: Type.String(),
    kind: literals(OWNERSHIP_CHANGE_KINDS),
    fromUserId: Nullable(Type.String()),
    fromUserName: Nullable(Type.String()),
    toUserId: Type.String(),
    toUserName: Type.String(),
    reason: Nullable(Type.String()),
    byUserId: Nullable(Type.String()),
    byUserName: Nullable(Type.String()),
    at: DateTime,
  },
  { $id: 'TicketOwnershipChange' },
);

export const TicketMessageSchema = Type.Object(
  {
    id: Type.String(),
    ticketId: Type.String(),
    kind: literals(TICKET_MESSAGE_KINDS),
    body: Type.String(),
    authorId: Nullable(Type.String()),
    authorName: Nullable(Type.String()),
    templateId: Nullable(Type.String()),
    createdAt: DateTime,
  },
  { $id: 'TicketMessage' },
);

export const MessageCreateBody = Type.Object(
  {
    kind: literals(['reply', 'note'] as const),
    body: Text(8000, 1),
    templateId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);

// Portal (the customer's own view).

export const PortalTicketSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    type: TicketTypeSchema,
    status: TicketStatusSchema,
    categoryId: Type.String(),
    categoryName: Type.String(),
    subject: Type.String(),
    customerWords: Type.String(),
    customerRequest: Nullable(Type.String()),
    shipmentRef: Nullable(Type.String()),
    shipmentId: Nullable(Type.String()),
    ownerName: Nullable(Type.String()),
    receivedAt: DateTime,
    resolvedAt: Nullable(DateTime),
    resolution: Nullable(Type.String()),
    result: Nullable(Type.String()),
    customerReaction: Nullable(CustomerReactionSchema),
    customerConfirmed: Nullable(Type.Boolean()),
    closedAt: Nullable(DateTime),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'PortalTicket' },
);

export const PortalMessageSchema = Type.Object(
  {
    id: Type.String(),
    kind: literals(['reply', 'customer'] as const),
    body: Type.String(),
    authorName: Nullable(Type.String()),
    createdAt: DateTime,
  },
  { $id: 'PortalTicketMessage' },
);

export const PortalTicketCreateBody = Type.Object(
  {
    type: literals(['inquiry', 'complaint'] as const),
    categoryId: Uuid,
    subject: Text(200, 1),
    customerWords: Text(8000, 1),
    customerRequest: Type.Optional(Nullable(Text(4000))),
    shipmentRef: Type.Optional(Nullable(Text(100))),
    shipmentId: Type.Optional(
      Nullable(Type.String({ format: 'uuid', description: 'One of the company’s shipments' })),
    ),
  },
  { additionalProperties: false },
);

export const PortalListQuery = Type.Object({
  status: Type.Optional(TicketStatusSchema),
  ...PageQuery,
});

export const PortalMessageBody = Type.Object({ body: Text(8000, 1) }, { additionalProperties: false });

export const PortalConfirmBody = Type.Object(
  { accepted: Type.Boolean(), comment: Type.Optional(Text(4000)) },
  { additionalProperties: false },
);
