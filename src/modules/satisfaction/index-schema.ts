import { type TSchema, Type } from 'typebox';
import { PERIODS } from '../../domain/satisfaction/index.ts';
import { DateTime, Nullable, PageQuery, Uuid, pageOf } from '../../server/schemas.ts';
import { GROUP_BYS } from './index-service.ts';
import { ALERT_KINDS, ALERT_STATUSES } from './tables.ts';

const Score = Nullable(Type.Number());

/** A node of the rolled-up tree; children recursive (by reference). */
export const IndexNodeSchema = Type.Object(
  {
    key: Type.String(),
    nameZh: Type.String(),
    nameEn: Type.String(),
    level: Type.Integer(),
    value: Score,
    ciLow: Score,
    ciHigh: Score,
    answers: Type.Integer(),
    responses: Type.Integer(),
    insufficient: Type.Boolean(),
    children: Type.Optional(Type.Array(Type.Ref('SatisfactionIndexNode'))),
  },
  { $id: 'SatisfactionIndexNode' },
);
const NodeRef = Type.Ref('SatisfactionIndexNode');

const filterFields = {
  modelId: Uuid,
  versionId: Type.Optional(Uuid),
  from: Type.Optional(
    Type.String({ maxLength: 40, description: 'Date or date-time; default a year before to' }),
  ),
  to: Type.Optional(
    Type.String({ maxLength: 40, description: 'Date or date-time (exclusive); default now' }),
  ),
  customerId: Type.Optional(Uuid),
  valueClass: Type.Optional(Type.String({ maxLength: 20 })),
  departmentId: Type.Optional(Uuid),
  mode: Type.Optional(Type.String({ maxLength: 40 })),
  lane: Type.Optional(Type.String({ maxLength: 200 })),
};
const PeriodSchema = Type.Union(PERIODS.map((p) => Type.Literal(p)));

export const IndexQuerySchema = Type.Object(
  {
    ...filterFields,
    groupBy: Type.Optional(Type.Union(GROUP_BYS.map((g) => Type.Literal(g)))),
    period: Type.Optional(PeriodSchema),
  },
  { additionalProperties: false },
);

export const TrendQuerySchema = Type.Object(
  { ...filterFields, period: Type.Optional(PeriodSchema) },
  { additionalProperties: false },
);

export const IpaQuerySchema = Type.Object(
  {
    ...filterFields,
    importance: Type.Optional(Type.Union([Type.Literal('derived'), Type.Literal('stated')])),
  },
  { additionalProperties: false },
);

export const SatisfactionIndexSchema = Type.Object(
  {
    modelId: Uuid,
    versionId: Uuid,
    minAnswers: Type.Integer(),
    from: DateTime,
    to: DateTime,
    overall: Nullable(NodeRef),
    groups: Type.Array(
      Type.Object({
        key: Nullable(Type.String()),
        label: Type.String(),
        responses: Type.Integer(),
        overall: Nullable(NodeRef),
        dimensions: Type.Array(NodeRef),
      }),
    ),
  },
  { $id: 'SatisfactionIndex' },
);

export const TrendPointSchema = Type.Object(
  {
    period: Type.String(),
    label: Type.String(),
    start: DateTime,
    end: DateTime,
    value: Score,
    ciLow: Score,
    ciHigh: Score,
    responses: Type.Integer(),
    insufficient: Type.Boolean(),
    dimensions: Type.Record(Type.String(), Score),
  },
  { $id: 'SatisfactionTrendPoint' },
);

export const SatisfactionTrendSchema = Type.Object(
  { points: Type.Array(Type.Ref('SatisfactionTrendPoint')) },
  { $id: 'SatisfactionTrend' },
);

export const IpaSchema = Type.Object(
  {
    importanceCut: Type.Number(),
    performanceCut: Type.Number(),
    elements: Type.Array(
      Type.Object({
        itemKey: Type.String(),
        nameZh: Type.String(),
        nameEn: Type.String(),
        serviceElement: Nullable(Type.String()),
        importance: Type.Number(),
        importanceSd: Score,
        performance: Type.Number(),
        performanceSd: Score,
        ideal: Score,
        gap: Score,
        answers: Type.Integer(),
        quadrant: Type.Union(
          ['concentrate_here', 'keep_up', 'low_priority', 'possible_overkill'].map((q) => Type.Literal(q)),
        ),
      }),
    ),
  },
  { $id: 'SatisfactionIpa' },
);

export const CustomerSatisfactionSchema = Type.Object(
  {
    current: Score,
    previous: Score,
    responses: Type.Integer(),
    lastAnsweredAt: Nullable(DateTime),
    trend: Type.Array(Type.Ref('SatisfactionTrendPoint')),
  },
  { $id: 'CustomerSatisfaction' },
);

export const AlertSchema = Type.Object(
  {
    id: Uuid,
    customerId: Uuid,
    customerName: Type.String(),
    kind: Type.Union(ALERT_KINDS.map((k) => Type.Literal(k))),
    status: Type.Union(ALERT_STATUSES.map((s) => Type.Literal(s))),
    responseId: Nullable(Uuid),
    currentIndex: Score,
    previousIndex: Score,
    lowItems: Type.Array(Type.Object({ itemKey: Type.String(), score: Type.Number() })),
    ownerId: Nullable(Uuid),
    ownerName: Nullable(Type.String()),
    followUpId: Nullable(Uuid),
    correctiveActionId: Nullable(Uuid),
    note: Nullable(Type.String()),
    createdAt: DateTime,
    closedAt: Nullable(DateTime),
  },
  { $id: 'SatisfactionAlert' },
);

export const AlertListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(ALERT_STATUSES.map((s) => Type.Literal(s)))),
    customerId: Type.Optional(Uuid),
    ownerId: Type.Optional(Uuid),
    kind: Type.Optional(Type.Union(ALERT_KINDS.map((k) => Type.Literal(k)))),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const AlertPageSchema = pageOf(Type.Ref('SatisfactionAlert'));

export const AlertNoteBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export const AlertCloseBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

const settingFields = {
  'satisfaction.minAnswers': Type.Integer({ minimum: 1, maximum: 1000 }),
  'satisfaction.alertBelowIndex': Type.Number({ minimum: 0, maximum: 100 }),
  'satisfaction.alertItemScoreAtMost': Type.Integer({ minimum: 0, maximum: 5 }),
  'satisfaction.alertIndexDrop': Type.Number({ minimum: 0, maximum: 100 }),
  'surveys.publicRateLimitPerMinute': Type.Integer({ minimum: 1, maximum: 10_000 }),
} satisfies Record<string, TSchema>;

export const SatisfactionSettingsSchema = Type.Object(settingFields, { $id: 'SatisfactionSettings' });
export const SatisfactionSettingsBody = Type.Object(
  Object.fromEntries(Object.entries(settingFields).map(([k, s]) => [k, Type.Optional(s)])) as {
    [K in keyof typeof settingFields]: ReturnType<typeof Type.Optional<(typeof settingFields)[K]>>;
  },
  { additionalProperties: false, minProperties: 1 },
);
