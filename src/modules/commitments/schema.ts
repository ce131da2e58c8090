import { Type } from 'typebox';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { APPROVAL_STATUSES, COMMITMENT_STATUSES } from './tables.ts';

export const CommitmentStatusSchema = Type.Union(COMMITMENT_STATUSES.map((s) => Type.Literal(s)));
export const ApprovalStatusSchema = Type.Union(APPROVAL_STATUSES.map((s) => Type.Literal(s)));

const Amount = Type.Number({ minimum: 0, maximum: 999_999_999_999.99 });

export const CommitmentSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    contactId: Nullable(Type.String()),
    contactName: Nullable(Type.String()),
    ticketId: Nullable(Type.String()),
    ticketNumber: Nullable(Type.String()),
    promise: Type.String(),
    madeById: Type.String(),
    madeByName: Type.String(),
    /** The maker's department: supervisors of it (and above) approve. */
    makerDepartmentId: Nullable(Type.String()),
    dueAt: DateTime,
    amount: Nullable(Type.Number()),
    bottomLine: Nullable(Type.String()),
    exceedsBottomLine: Type.Boolean({ description: 'the maker said it goes beyond the bottom line' }),
    approvalStatus: ApprovalStatusSchema,
    approvedBy: Nullable(Type.String()),
    approvedByName: Nullable(Type.String()),
    approvedAt: Nullable(DateTime),
    approvalNote: Nullable(Type.String()),
    status: CommitmentStatusSchema,
    outcomeNote: Nullable(Type.String()),
    resolvedAt: Nullable(DateTime),
    resolvedBy: Nullable(Type.String()),
    replacedById: Nullable(Type.String()),
    replacesId: Nullable(Type.String()),
    overdue: Type.Boolean(),
    overdueNotifiedAt: Nullable(DateTime),
    createdBy: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Commitment' },
);

export const CommitmentCreateBody = Type.Object(
  {
    customerId: Uuid,
    contactId: Type.Optional(Nullable(Uuid)),
    ticketId: Type.Optional(Nullable(Uuid)),
    promise: Text(2000, 1),
    madeById: Type.Optional(Uuid),
    dueAt: DateTime,
    amount: Type.Optional(Nullable(Amount)),
    bottomLine: Type.Optional(Nullable(Text(500))),
    exceedsBottomLine: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const CommitmentPatchBody = Type.Object(
  {
    contactId: Type.Optional(Nullable(Uuid)),
    ticketId: Type.Optional(Nullable(Uuid)),
    promise: Type.Optional(Text(2000, 1)),
    dueAt: Type.Optional(DateTime),
    amount: Type.Optional(Nullable(Amount)),
    bottomLine: Type.Optional(Nullable(Text(500))),
    exceedsBottomLine: Type.Optional(Type.Boolean()),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const CommitmentApproveBody = Type.Object(
  {
    approved: Type.Boolean(),
    note: Type.Optional(Nullable(Text(1000))),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const CommitmentOutcomeBody = Type.Object(
  {
    status: Type.Union([Type.Literal('kept'), Type.Literal('broken')]),
    note: Type.Optional(Nullable(Text(1000))),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const CommitmentRenegotiateBody = Type.Object(
  {
    promise: Type.Optional(Text(2000, 1)),
    dueAt: DateTime,
    note: Text(1000, 1),
    amount: Type.Optional(Nullable(Amount)),
    bottomLine: Type.Optional(Nullable(Text(500))),
    exceedsBottomLine: Type.Optional(Type.Boolean()),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const CommitmentRenegotiation = Type.Object({
  previous: Type.Ref('Commitment'),
  commitment: Type.Ref('Commitment'),
});

export const CommitmentListQuery = Type.Object({
  customerId: Type.Optional(Uuid),
  ticketId: Type.Optional(Uuid),
  status: Type.Optional(CommitmentStatusSchema),
  madeById: Type.Optional(Uuid),
  approval: Type.Optional(ApprovalStatusSchema),
  overdue: Type.Optional(Type.Boolean()),
  ...PageQuery,
});

export const CommitmentReviewQuery = Type.Object({ ...PageQuery });

export const CommitmentReviewItem = Type.Object(
  {
    customerId: Type.String(),
    customerName: Type.String(),
    valueClass: Nullable(Type.String()),
    ownerId: Type.String(),
    ownerName: Nullable(Type.String()),
    nextDueAt: DateTime,
    commitments: Type.Array(Type.Ref('Commitment')),
    recentInteractions: Type.Array(
      Type.Object({
        id: Type.String(),
        channel: Type.String(),
        direction: Type.String(),
        summary: Type.String(),
        occurredAt: DateTime,
        userName: Nullable(Type.String()),
      }),
    ),
    recentTickets: Type.Array(
      Type.Object({
        id: Type.String(),
        number: Type.String(),
        type: Type.String(),
        status: Type.String(),
        subject: Type.String(),
        createdAt: DateTime,
      }),
    ),
  },
  { $id: 'CommitmentReviewItem' },
);
