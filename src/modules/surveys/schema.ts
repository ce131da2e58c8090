import { Type } from 'typebox';
import { SERVICE_MODES, VALUE_CLASSES } from '../customers/tables.ts';
import { DateTime, Nullable, PageQuery, Text, Uuid } from '../../server/schemas.ts';
import {
  INVITATION_STATUSES,
  RESPONSE_CHANNELS,
  RESPONSE_STATUSES,
  SURVEY_STATUSES,
  SURVEY_TRIGGERS,
} from './tables.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const SurveyTriggerSchema = literals(SURVEY_TRIGGERS);
export const SurveyStatusSchema = literals(SURVEY_STATUSES);
export const InvitationStatusSchema = literals(INVITATION_STATUSES);

export const SegmentSchema = Type.Object(
  {
    valueClasses: Type.Optional(Type.Array(literals(VALUE_CLASSES), { maxItems: 3 })),
    departmentIds: Type.Optional(Type.Array(Uuid, { maxItems: 200 })),
    customerIds: Type.Optional(Type.Array(Uuid, { maxItems: 5000 })),
    modes: Type.Optional(Type.Array(literals(SERVICE_MODES), { maxItems: 7 })),
  },
  {
    additionalProperties: false,
    description:
      'Who a sending reaches; empty lists mean any. departmentIds: the customer’s team or departments; ' +
      'modes: customers with a shipment in that mode in the last 12 months.',
  },
);

const ReminderDays = Type.Array(Type.Integer({ minimum: 1, maximum: 365 }), {
  maxItems: 5,
  description: 'Days after sending when reminders go out (each with a new link), e.g. [3, 7]',
});

const surveyFields = {
  name: Text(200, 1),
  modelId: Uuid,
  versionId: Type.Optional(Nullable(Uuid)),
  trigger: SurveyTriggerSchema,
  segment: Type.Optional(SegmentSchema),
  recurrenceMonths: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 60 }))),
  nextWaveAt: Type.Optional(Nullable(DateTime)),
  askIdeal: Type.Optional(Type.Boolean()),
  askImportance: Type.Optional(Type.Boolean()),
  introZh: Type.Optional(Nullable(Text(2000))),
  introEn: Type.Optional(Nullable(Text(2000))),
  tokenTtlDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  reminderDays: Type.Optional(ReminderDays),
  minDaysBetween: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
};

export const SurveyCreateBody = Type.Object(surveyFields, { additionalProperties: false });
export const SurveyPatchBody = Type.Partial(Type.Object(surveyFields), { additionalProperties: false });

export const SurveySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    modelId: Type.String(),
    modelName: Nullable(Type.String()),
    versionId: Type.String(),
    versionNumber: Nullable(Type.Integer()),
    trigger: SurveyTriggerSchema,
    status: SurveyStatusSchema,
    segment: SegmentSchema,
    recurrenceMonths: Nullable(Type.Integer()),
    nextWaveAt: Nullable(DateTime),
    askIdeal: Type.Boolean(),
    askImportance: Type.Boolean(),
    introZh: Nullable(Type.String()),
    introEn: Nullable(Type.String()),
    tokenTtlDays: Type.Integer(),
    reminderDays: Type.Array(Type.Integer()),
    minDaysBetween: Type.Integer(),
    createdById: Nullable(Type.String()),
    createdAt: DateTime,
    updatedAt: DateTime,
    closedAt: Nullable(DateTime),
    stats: Type.Object({
      invited: Type.Integer(),
      sent: Type.Integer(),
      opened: Type.Integer(),
      partial: Type.Integer(),
      completed: Type.Integer(),
      expired: Type.Integer(),
      responseRate: Type.Number({ description: 'completed / sent, 0–1' }),
    }),
    waves: Type.Array(
      Type.Object({
        id: Type.String(),
        number: Type.Integer(),
        startedAt: DateTime,
        invited: Type.Integer(),
        completed: Type.Integer(),
      }),
    ),
  },
  { $id: 'Survey' },
);

export const SurveyListQuery = Type.Object(
  {
    status: Type.Optional(SurveyStatusSchema),
    trigger: Type.Optional(SurveyTriggerSchema),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const SendBody = Type.Object(
  {
    segment: Type.Optional(SegmentSchema),
    customerIds: Type.Optional(Type.Array(Uuid, { maxItems: 5000 })),
    contactIds: Type.Optional(Type.Array(Uuid, { maxItems: 5000 })),
  },
  { additionalProperties: false },
);

export const SendResult = Type.Object({
  waveId: Type.String(),
  number: Type.Integer(),
  invited: Type.Integer(),
  skipped: Type.Array(
    Type.Object({
      customerId: Type.String(),
      customerName: Type.String(),
      reason: Type.String({
        description: 'no_contact, no_email, do_not_contact, contact_archived or already_invited',
      }),
    }),
  ),
});

export const InvitationSchema = Type.Object(
  {
    id: Type.String(),
    waveId: Nullable(Type.String()),
    customerId: Type.String(),
    customerName: Type.String(),
    contactId: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    status: InvitationStatusSchema,
    sentAt: Nullable(DateTime),
    openedAt: Nullable(DateTime),
    completedAt: Nullable(DateTime),
    reminderCount: Type.Integer(),
    lastReminderAt: Nullable(DateTime),
    expiresAt: DateTime,
    refType: Nullable(Type.String()),
    refId: Nullable(Type.String()),
    createdAt: DateTime,
  },
  { $id: 'SurveyInvitation' },
);

export const InvitationListQuery = Type.Object(
  { status: Type.Optional(InvitationStatusSchema), ...PageQuery },
  { additionalProperties: false },
);

const StoredAnswer = Type.Object({
  itemKey: Type.String(),
  score: Nullable(Type.Integer()),
  idealScore: Nullable(Type.Integer()),
  importance: Nullable(Type.Integer()),
});

export const SurveyResponseSchema = Type.Object(
  {
    id: Type.String(),
    invitationId: Type.String(),
    surveyId: Type.String(),
    surveyName: Type.String(),
    modelId: Type.String(),
    versionId: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    contactId: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    departmentId: Nullable(Type.String()),
    mode: Nullable(Type.String()),
    lane: Nullable(Type.String()),
    valueClass: Nullable(Type.String()),
    status: literals(RESPONSE_STATUSES),
    responseIndex: Nullable(
      Type.Integer({ description: 'the response’s own index 0–100, set on completion' }),
    ),
    channel: literals(RESPONSE_CHANNELS),
    startedAt: DateTime,
    submittedAt: Nullable(DateTime),
    updatedAt: DateTime,
    comment: Nullable(Type.String()),
    answers: Type.Array(StoredAnswer),
  },
  { $id: 'SurveyResponse' },
);

export const ResponseListQuery = Type.Object(
  {
    status: Type.Optional(literals(RESPONSE_STATUSES)),
    customerId: Type.Optional(Uuid),
    minIndex: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    maxIndex: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

// Scores are checked by the service (not the schema) so a wrong one answers 422 naming its item.
const AnswerInput = Type.Object(
  {
    itemKey: Type.String({ minLength: 1, maxLength: 200 }),
    score: Type.Optional(Nullable(Type.Number())),
    idealScore: Type.Optional(Nullable(Type.Number())),
    importance: Type.Optional(Nullable(Type.Number())),
  },
  { additionalProperties: false },
);

export const AnswersBody = Type.Object(
  {
    answers: Type.Array(AnswerInput, { maxItems: 500 }),
    comment: Type.Optional(Nullable(Text(4000))),
  },
  { additionalProperties: false },
);

export const SaveResult = Type.Object({ saved: Type.Integer(), status: Type.Literal('partial') });
export const SubmitResult = Type.Object({
  status: Type.Literal('complete'),
  responseId: Type.String(),
  responseIndex: Nullable(Type.Number()),
});

export const QuestionnaireSchema = Type.Object(
  {
    invitationId: Type.Optional(Type.String()),
    surveyName: Type.String(),
    intro: Nullable(Type.String()),
    introZh: Nullable(Type.String()),
    introEn: Nullable(Type.String()),
    languages: Type.Array(Type.String()),
    customerName: Type.String({ description: 'the customer’s short name only' }),
    askIdeal: Type.Boolean(),
    askImportance: Type.Boolean(),
    items: Type.Array(
      Type.Object({
        key: Type.String(),
        dimension: Nullable(Type.String()),
        questionZh: Type.String(),
        questionEn: Type.String(),
        nameZh: Type.String(),
        nameEn: Type.String(),
        askIdeal: Type.Boolean(),
        askImportance: Type.Boolean(),
        scaleLabelsZh: Nullable(Type.Array(Type.String(), { description: 'words for the scores 5 … 1' })),
        scaleLabelsEn: Nullable(Type.Array(Type.String())),
      }),
    ),
    answers: Type.Array(StoredAnswer),
    comment: Nullable(Type.String()),
    status: InvitationStatusSchema,
    responseIndex: Nullable(Type.Number()),
    expiresAt: DateTime,
  },
  { $id: 'SurveyQuestionnaire' },
);

export const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
export const InvitationParams = Type.Object({ invitationId: Type.String({ maxLength: 100 }) });

export const PortalSurveyList = Type.Object({
  items: Type.Array(
    Type.Object({
      invitationId: Type.String(),
      surveyName: Type.String(),
      status: InvitationStatusSchema,
      expiresAt: DateTime,
      sentAt: Nullable(DateTime),
      completedAt: Nullable(DateTime),
    }),
  ),
});
