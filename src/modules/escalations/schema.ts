import { Type } from 'typebox';
import { DateTime, Nullable, Text, Uuid } from '../../server/schemas.ts';
import { ESCALATION_KINDS, ESCALATION_TRIGGERS } from '../tickets/tables.ts';

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const EscalationSchema = Type.Object(
  {
    id: Type.String(),
    ticketId: Type.String(),
    kind: literals(ESCALATION_KINDS),
    trigger: literals(ESCALATION_TRIGGERS),
    level: Type.Integer(),
    reason: Type.String(),
    fromUserId: Nullable(Type.String()),
    fromUserName: Nullable(Type.String()),
    toUserId: Nullable(Type.String()),
    toUserName: Nullable(Type.String()),
    departmentId: Nullable(Type.String()),
    departmentName: Nullable(Type.String()),
    place: Nullable(Type.String()),
    attendees: Type.Array(Type.String()),
    scheduledAt: Nullable(DateTime),
    byUserId: Nullable(Type.String()),
    byUserName: Nullable(Type.String()),
    createdAt: DateTime,
  },
  { $id: 'Escalation' },
);

export const EscalationCreateBody = Type.Object(
  {
    kind: literals(ESCALATION_KINDS),
    reason: Text(2000, 1),
    toUserId: Type.Optional(Nullable(Uuid)),
    place: Type.Optional(Nullable(Text(200))),
    attendees: Type.Optional(Type.Array(Text(100), { maxItems: 30 })),
    scheduledAt: Type.Optional(Nullable(DateTime)),
  },
  { additionalProperties: false },
);

const TargetSchema = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  role: Type.String(),
  departmentId: Nullable(Type.String()),
  departmentName: Nullable(Type.String()),
  level: Type.Integer(),
  head: Type.Boolean(),
});

export const EscalationTargetsSchema = Type.Object(
  {
    ticketId: Type.String(),
    currentLevel: Type.Integer(),
    ownerId: Nullable(Type.String()),
    next: Nullable(TargetSchema),
    items: Type.Array(TargetSchema),
  },
  { $id: 'EscalationTargets' },
);
