import { Type } from 'typebox';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { CHANNELS } from '../customers/tables.ts';
import { FollowUpInlineBody } from '../followups/schema.ts';

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Channel = (typeof CHANNELS)[number];
export type Direction = (typeof DIRECTIONS)[number];

export const ChannelSchema = Type.Union(CHANNELS.map((c) => Type.Literal(c)));
export const DirectionSchema = Type.Union(DIRECTIONS.map((d) => Type.Literal(d)));

export const InteractionSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    contactId: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    userId: Type.String(),
    userName: Type.String(),
    departmentId: Nullable(Type.String()),
    departmentName: Nullable(Type.String()),
    channel: ChannelSchema,
    direction: DirectionSchema,
    summary: Type.String(),
    outcome: Nullable(Type.String()),
    nextStep: Nullable(Type.String()),
    occurredAt: DateTime,
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Interaction' },
);

export const InteractionCreateBody = Type.Object(
  {
    channel: ChannelSchema,
    direction: DirectionSchema,
    contactId: Type.Optional(Nullable(Uuid)),
    summary: Text(4000, 1),
    outcome: Type.Optional(Nullable(Text(1000))),
    nextStep: Type.Optional(Nullable(Text(1000))),
    occurredAt: Type.Optional(DateTime),
    departmentId: Type.Optional(Nullable(Uuid)),
    followUp: Type.Optional(FollowUpInlineBody),
  },
  { additionalProperties: false },
);

export const InteractionPatchBody = Type.Object(
  {
    channel: Type.Optional(ChannelSchema),
    direction: Type.Optional(DirectionSchema),
    contactId: Type.Optional(Nullable(Uuid)),
    summary: Type.Optional(Text(4000, 1)),
    outcome: Type.Optional(Nullable(Text(1000))),
    nextStep: Type.Optional(Nullable(Text(1000))),
    occurredAt: Type.Optional(DateTime),
    departmentId: Type.Optional(Nullable(Uuid)),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const CustomerInteractionQuery = Type.Object({
  channel: Type.Optional(ChannelSchema),
  direction: Type.Optional(DirectionSchema),
  contactId: Type.Optional(Uuid),
  userId: Type.Optional(Uuid),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  ...PageQuery,
});

export const ActivityQuery = Type.Object({
  userId: Type.Optional(Uuid),
  teamId: Type.Optional(Uuid),
  customerId: Type.Optional(Uuid),
  channel: Type.Optional(ChannelSchema),
  direction: Type.Optional(DirectionSchema),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  ...PageQuery,
});
