import { Type } from 'typebox';
import { DateTime, Nullable, PageQuery, Text, Uuid } from '../../server/schemas.ts';
import { ACTION_SOURCES, ACTION_STATUSES, VERIFICATION_METHODS } from './tables.ts';

export const ActionStatusSchema = Type.Union(ACTION_STATUSES.map((s) => Type.Literal(s)));
export const ActionSourceSchema = Type.Union(ACTION_SOURCES.map((s) => Type.Literal(s)));
export const VerificationMethodSchema = Type.Union(VERIFICATION_METHODS.map((s) => Type.Literal(s)));
const ItemKey = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.-]+$' });
const Score = Type.Number({ minimum: 0, maximum: 100 });

export const CorrectiveActionSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String({ description: 'ZG-YYYY-NNNN' }),
    title: Type.String(),
    source: ActionSourceSchema,
    modelId: Nullable(Type.String()),
    itemKey: Nullable(Type.String()),
    itemNameZh: Nullable(Type.String()),
    itemNameEn: Nullable(Type.String()),
    responseId: Nullable(Type.String()),
    alertId: Nullable(Type.String()),
    ticketIds: Type.Array(Type.String()),
    customerId: Nullable(Type.String()),
    customerName: Nullable(Type.String()),
    ownerId: Type.String(),
    ownerName: Nullable(Type.String()),
    departmentId: Nullable(Type.String()),
    departmentName: Nullable(Type.String()),
    dueAt: DateTime,
    problem: Nullable(Type.String()),
    measures: Type.String(),
    status: ActionStatusSchema,
    overdue: Type.Boolean(),
    beforeScore: Nullable(
      Type.Number({ description: '0–100, or complaints in the 90 days before (complaints)' }),
    ),
    beforeCount: Nullable(Type.Integer({ description: 'answers (or complaints) behind the before figure' })),
    beforeUntil: Nullable(DateTime),
    /** 'score' (0–100, higher is better), 'complaints' (per 90 days, lower is better). */
    measure: Type.Union([Type.Literal('score'), Type.Literal('complaints')]),
    verificationMethod: Nullable(VerificationMethodSchema),
    verificationSurveyId: Nullable(Type.String()),
    verificationFollowUpId: Nullable(Type.String()),
    afterScore: Nullable(Type.Number()),
    afterCount: Nullable(Type.Integer()),
    verificationNote: Nullable(Type.String()),
    verifiedAt: Nullable(DateTime),
    verifiedById: Nullable(Type.String()),
    verifiedByName: Nullable(Type.String()),
    followUpId: Nullable(Type.String({ description: 'the owner’s task' })),
    createdById: Nullable(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
    closedAt: Nullable(DateTime),
  },
  { $id: 'CorrectiveAction' },
);

export const CorrectiveActionCreateBody = Type.Object(
  {
    title: Text(200, 1),
    source: ActionSourceSchema,
    modelId: Type.Optional(Nullable(Uuid)),
    itemKey: Type.Optional(Nullable(ItemKey)),
    responseId: Type.Optional(Nullable(Uuid)),
    alertId: Type.Optional(Nullable(Uuid)),
    ticketIds: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
    customerId: Type.Optional(Nullable(Uuid)),
    ownerId: Uuid,
    departmentId: Type.Optional(Nullable(Uuid)),
    dueAt: DateTime,
    problem: Type.Optional(Nullable(Text(4000))),
    measures: Text(4000, 1),
  },
  { additionalProperties: false },
);

export const CorrectiveActionPatchBody = Type.Object(
  {
    title: Type.Optional(Text(200, 1)),
    measures: Type.Optional(Text(4000, 1)),
    problem: Type.Optional(Nullable(Text(4000))),
    ownerId: Type.Optional(Uuid),
    departmentId: Type.Optional(Nullable(Uuid)),
    dueAt: Type.Optional(DateTime),
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('in_progress'), Type.Literal('verifying')]),
    ),
  },
  { additionalProperties: false },
);

export const CorrectiveActionVerifyBody = Type.Object(
  {
    method: VerificationMethodSchema,
    surveyId: Type.Optional(Nullable(Uuid)),
    followUpId: Type.Optional(Nullable(Uuid)),
    afterScore: Type.Optional(Nullable(Score)),
    /** follow_up without a score: the outcome the follow-up recorded. */
    outcome: Type.Optional(Type.Union([Type.Literal('effective'), Type.Literal('not_effective')])),
    note: Text(2000, 1),
  },
  { additionalProperties: false },
);

export const CorrectiveActionCancelBody = Type.Object(
  { reason: Text(1000, 1) },
  { additionalProperties: false },
);

export const CorrectiveActionListQuery = Type.Object({
  status: Type.Optional(ActionStatusSchema),
  ownerId: Type.Optional(Uuid),
  departmentId: Type.Optional(Uuid),
  customerId: Type.Optional(Uuid),
  itemKey: Type.Optional(ItemKey),
  overdue: Type.Optional(Type.Boolean()),
  ...PageQuery,
});

export const SuggestionsQuery = Type.Object({
  modelId: Type.Optional(Uuid),
});

export const CorrectiveActionSuggestions = Type.Object(
  {
    modelId: Nullable(Type.String()),
    minAnswers: Type.Integer(),
    from: DateTime,
    to: DateTime,
    elements: Type.Array(
      Type.Object({
        modelId: Type.String(),
        itemKey: Type.String(),
        nameZh: Type.String(),
        nameEn: Type.String(),
        dimension: Nullable(Type.String()),
        serviceElement: Nullable(Type.String()),
        score: Type.Number(),
        answers: Type.Integer(),
        importance: Type.Number({ description: 'global weight of the item in the current version' }),
        reasons: Type.Array(Type.Union([Type.Literal('low_score'), Type.Literal('concentrate_here')])),
      }),
    ),
    complaintClusters: Type.Array(
      Type.Object({
        customerId: Nullable(Type.String({ description: 'null: across all customers' })),
        customerName: Nullable(Type.String()),
        categoryId: Type.String(),
        categoryName: Type.String(),
        categoryNameEn: Nullable(Type.String()),
        count: Type.Integer(),
        ticketIds: Type.Array(Type.String()),
        firstAt: DateTime,
        lastAt: DateTime,
      }),
    ),
  },
  { $id: 'CorrectiveActionSuggestions' },
);
