import { Type } from 'typebox';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { WORK_ORDER_STATUSES } from './tables.ts';

export const WorkOrderStatusSchema = Type.Union(WORK_ORDER_STATUSES.map((s) => Type.Literal(s)));

export const WorkOrderSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    ticketId: Type.String(),
    ticketNumber: Type.String(),
    ticketSubject: Type.String(),
    ticketStatus: Type.String(),
    ticketOwnerId: Nullable(Type.String()),
    ticketOwnerName: Nullable(Type.String()),
    customerId: Type.String(),
    customerName: Type.String(),
    departmentId: Type.String(),
    departmentName: Type.String(),
    departmentHeadId: Nullable(Type.String()),
    instructions: Type.String(),
    dueAt: DateTime,
    status: WorkOrderStatusSchema,
    overdue: Type.Boolean(),
    assigneeId: Nullable(Type.String()),
    assigneeName: Nullable(Type.String()),
    acceptedAt: Nullable(DateTime),
    result: Nullable(Type.String()),
    completedAt: Nullable(DateTime),
    completedBy: Nullable(Type.String()),
    cancelledAt: Nullable(DateTime),
    cancelReason: Nullable(Type.String()),
    overdueNotifiedAt: Nullable(DateTime),
    createdBy: Type.String(),
    createdByName: Type.String(),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'WorkOrder' },
);

export const WorkOrderNoteSchema = Type.Object(
  {
    id: Type.String(),
    workOrderId: Type.String(),
    authorId: Type.String(),
    authorName: Type.String(),
    body: Type.String(),
    createdAt: DateTime,
  },
  { $id: 'WorkOrderNote' },
);

export const DispatchBody = Type.Object(
  {
    departmentId: Uuid,
    dueAt: DateTime,
    instructions: Text(4000, 1),
  },
  { additionalProperties: false },
);

export const WorkOrderQuery = Type.Object({
  departmentId: Type.Optional(Uuid),
  status: Type.Optional(WorkOrderStatusSchema),
  overdue: Type.Optional(Type.Boolean()),
  ticketId: Type.Optional(Uuid),
  assigneeId: Type.Optional(Uuid),
  ...PageQuery,
});

export const AcceptBody = Type.Object({ version: Type.Optional(Version) }, { additionalProperties: false });

export const NoteBody = Type.Object({ body: Text(4000, 1) }, { additionalProperties: false });

export const CompleteBody = Type.Object(
  { result: Text(4000, 1), version: Type.Optional(Version) },
  { additionalProperties: false },
);

export const CancelBody = Type.Object(
  { reason: Text(1000, 1), version: Type.Optional(Version) },
  { additionalProperties: false },
);
