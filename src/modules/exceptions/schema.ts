import { Type } from 'typebox';
import { EXCEPTION_SEVERITIES } from '../../domain/exceptions.ts';
import { DateTime, Nullable, PageQuery, Text, Uuid } from '../../server/schemas.ts';
import { EXCEPTION_KINDS, EXCEPTION_STATUSES } from './tables.ts';

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const ExceptionKindSchema = literals(EXCEPTION_KINDS);
export const ExceptionStatusSchema = literals(EXCEPTION_STATUSES);

export const ShipmentExceptionSchema = Type.Object(
  {
    id: Type.String(),
    shipmentId: Type.String(),
    shipmentNumber: Type.String(),
    shipmentMode: Type.String(),
    departmentId: Type.String({ description: 'The shipment’s department' }),
    departmentName: Nullable(Type.String()),
    customerId: Type.String(),
    customerName: Type.String(),
    ownerId: Type.String({ description: 'The customer’s owner, who got the task' }),
    ownerName: Nullable(Type.String()),
    kind: ExceptionKindSchema,
    status: ExceptionStatusSchema,
    severity: literals(EXCEPTION_SEVERITIES),
    detail: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'What the rule saw: delay {basis: estimate|actual|overdue, promisedAt, expectedAt, actualAt, delayMinutes, ' +
        'toleranceMinutes}; silence {lastEventAt, since, silenceHours, silentHours}; event kinds {eventCode, ' +
        'eventTime, location, source}',
    }),
    summary: Type.String({ description: 'The detail in words (zh-CN)' }),
    eventId: Nullable(Type.String()),
    raisedAt: DateTime,
    acknowledgedAt: Nullable(DateTime),
    acknowledgedById: Nullable(Type.String()),
    resolvedAt: Nullable(DateTime),
    resolvedById: Nullable(Type.String({ description: 'Null when it cleared by itself' })),
    resolution: Nullable(Type.String()),
    followUpId: Nullable(Type.String()),
    ticketId: Nullable(Type.String()),
    customerNotifiedAt: Nullable(DateTime),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'ShipmentException' },
);

export const ExceptionListQuery = Type.Object({
  status: Type.Optional(
    Type.String({
      pattern: `^(${EXCEPTION_STATUSES.join('|')})(,(${EXCEPTION_STATUSES.join('|')}))*$`,
      description: 'One status or several separated by commas, e.g. open,acknowledged',
    }),
  ),
  kind: Type.Optional(ExceptionKindSchema),
  customerId: Type.Optional(Uuid),
  departmentId: Type.Optional(Uuid),
  shipmentId: Type.Optional(Uuid),
  ...PageQuery,
});

export const ResolveExceptionBody = Type.Object(
  { resolution: Text(4000, 1) },
  { additionalProperties: false },
);

export const ExceptionTicketBody = Type.Object(
  { type: Type.Optional(literals(['complaint', 'inquiry'] as const)) },
  { additionalProperties: false },
);
