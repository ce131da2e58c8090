import { Type } from 'typebox';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { VALUE_CLASSES } from '../customers/tables.ts';
import { FOLLOW_UP_KINDS, FOLLOW_UP_STATUSES } from './tables.ts';

export const FollowUpKindSchema = Type.Union(FOLLOW_UP_KINDS.map((k) => Type.Literal(k)));
export const FollowUpStatusSchema = Type.Union(FOLLOW_UP_STATUSES.map((s) => Type.Literal(s)));
export const ValueClassSchema = Type.Union(VALUE_CLASSES.map((v) => Type.Literal(v)));
/** A calendar day in the display time zone. */
export const DateOnly = Type.String({ format: 'date', description: 'YYYY-MM-DD in the display time zone' });

export const FollowUpSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    contactId: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    assigneeId: Type.String(),
    assigneeName: Type.String(),
    kind: FollowUpKindSchema,
    title: Type.String(),
    notes: Nullable(Type.String()),
    dueAt: DateTime,
    status: FollowUpStatusSchema,
    overdue: Type.Boolean({ description: 'open and due before now' }),
    result: Nullable(Type.String()),
    completedAt: Nullable(DateTime),
    completedBy: Nullable(Type.String()),
    interactionId: Nullable(Type.String({ description: 'interaction logged on completion' })),
    sourceInteractionId: Nullable(Type.String({ description: 'interaction whose next step created it' })),
    cancelledAt: Nullable(DateTime),
    cancelledBy: Nullable(Type.String()),
    cancelReason: Nullable(Type.String()),
    sourceKey: Nullable(Type.String({ description: 'set on tasks made by the generators' })),
    createdBy: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'FollowUp' },
);

/** The next-step task that may be created together with an interaction. */
export const FollowUpInlineBody = Type.Object(
  {
    title: Text(200, 1),
    dueAt: DateTime,
    assigneeId: Type.Optional(Uuid),
    notes: Type.Optional(Nullable(Text(4000))),
  },
  { additionalProperties: false },
);

export const FollowUpCreateBody = Type.Object(
  {
    title: Text(200, 1),
    dueAt: DateTime,
    assigneeId: Type.Optional(Uuid),
    contactId: Type.Optional(Nullable(Uuid)),
    kind: Type.Optional(FollowUpKindSchema),
    notes: Type.Optional(Nullable(Text(4000))),
  },
  { additionalProperties: false },
);

export const FollowUpPatchBody = Type.Object(
  {
    title: Type.Optional(Text(200, 1)),
    dueAt: Type.Optional(DateTime),
    assigneeId: Type.Optional(Uuid),
    contactId: Type.Optional(Nullable(Uuid)),
    kind: Type.Optional(FollowUpKindSchema),
    notes: Type.Optional(Nullable(Text(4000))),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const FollowUpListQuery = Type.Object({
  assigneeId: Type.Optional(Uuid),
  teamId: Type.Optional(Uuid),
  customerId: Type.Optional(Uuid),
  contactId: Type.Optional(Uuid),
  status: Type.Optional(FollowUpStatusSchema),
  kind: Type.Optional(FollowUpKindSchema),
  overdue: Type.Optional(Type.Boolean()),
  dueFrom: Type.Optional(DateTime),
  dueTo: Type.Optional(DateTime),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' })),
  ...PageQuery,
});

export const CustomerFollowUpQuery = Type.Object({
  status: Type.Optional(FollowUpStatusSchema),
  kind: Type.Optional(FollowUpKindSchema),
  overdue: Type.Optional(Type.Boolean()),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' })),
  ...PageQuery,
});

export const InteractionOnCompletionBody = Type.Object(
  {
    channel: Type.Union(
      ['phone', 'visit', 'email', 'wechat', 'portal', 'meeting', 'sms'].map((c) => Type.Literal(c)),
    ),
    direction: Type.Optional(Type.Union([Type.Literal('inbound'), Type.Literal('outbound')])),
    summary: Type.Optional(Text(4000)),
    outcome: Type.Optional(Nullable(Text(1000))),
    nextStep: Type.Optional(Nullable(Text(1000))),
    contactId: Type.Optional(Nullable(Uuid)),
    occurredAt: Type.Optional(DateTime),
  },
  { additionalProperties: false },
);

export const CompleteBody = Type.Object(
  {
    result: Text(4000, 1),
    interaction: Type.Optional(InteractionOnCompletionBody),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Object(
  { reason: Text(1000, 1), version: Type.Optional(Version) },
  { additionalProperties: false },
);

export const ReopenBody = Type.Object(
  { dueAt: Type.Optional(DateTime), version: Type.Optional(Version) },
  { additionalProperties: false },
);

export const TodayQuery = Type.Object({ assigneeId: Type.Optional(Uuid) });

export const TodaySchema = Type.Object({
  date: Type.String({ description: 'today in the display time zone' }),
  timeZone: Type.String(),
  assigneeId: Type.String(),
  overdue: Type.Array(Type.Ref('FollowUp'), { description: 'open, due before now (oldest first)' }),
  dueToday: Type.Array(Type.Ref('FollowUp'), { description: 'open, due from now to the end of today' }),
  doneToday: Type.Array(Type.Ref('FollowUp'), { description: 'completed today' }),
  counts: Type.Object({ overdue: Type.Integer(), dueToday: Type.Integer(), doneToday: Type.Integer() }),
});

export const CalendarQuery = Type.Object({
  from: DateOnly,
  to: DateOnly,
  assigneeId: Type.Optional(Uuid),
  teamId: Type.Optional(Uuid),
  status: Type.Optional(FollowUpStatusSchema),
});

export const CalendarSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  items: Type.Array(Type.Ref('FollowUp')),
  truncated: Type.Boolean({ description: 'more tasks than one response carries (2000)' }),
});

export const StatsQuery = Type.Object({
  teamId: Type.Optional(Uuid),
  from: Type.Optional(DateOnly),
  to: Type.Optional(DateOnly),
});

const StatsCounts = {
  open: Type.Integer(),
  overdue: Type.Integer(),
  dueToday: Type.Integer(),
  done: Type.Integer({ description: 'completed within [from, to]' }),
  doneOnTime: Type.Integer({ description: 'completed within the period, on or before the due time' }),
};

export const StatsSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  items: Type.Array(
    Type.Object({
      assigneeId: Type.String(),
      assigneeName: Type.String(),
      departmentId: Nullable(Type.String()),
      ...StatsCounts,
    }),
  ),
  totals: Type.Object(StatsCounts),
});

export const PlanSchema = Type.Object({
  valueClass: ValueClassSchema,
  intervalMonths: Type.Integer(),
  enabled: Type.Boolean(),
  version: Type.Integer(),
  updatedAt: DateTime,
});

export const PlansSchema = Type.Object({
  items: Type.Array(PlanSchema),
  greetingLeadDays: Type.Integer({ description: 'days before an important date the greeting is due' }),
});

export const PlanBody = Type.Object(
  {
    intervalMonths: Type.Integer({ minimum: 1, maximum: 24 }),
    enabled: Type.Boolean(),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const GreetingSettingsBody = Type.Object(
  { leadDays: Type.Integer({ minimum: 0, maximum: 60 }) },
  { additionalProperties: false },
);

export const GenerateSchema = Type.Object({
  periodic: Type.Integer({ description: 'periodic follow-ups created' }),
  greetings: Type.Integer({ description: 'greeting tasks created' }),
});

/**
 * Adds shared response schemas at the root so every route plugin can `Type.Ref` them, whichever
 * plugin registers first. The calling plugin must be non-encapsulated (see `shared`).
 */
