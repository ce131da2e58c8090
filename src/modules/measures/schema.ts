import { Type } from 'typebox';
import { Nullable, Uuid } from '../../server/schemas.ts';
import { SERVICE_MODES } from '../customers/tables.ts';
import { TICKET_TYPES } from '../tickets/tables.ts';
import { EXCEPTION_CAUSES, SHIPMENT_MEASURE_GROUPS } from './shipments.ts';

export const MEASURE_GROUPS = ['period', 'department', 'category', 'customer'] as const;
export const MEASURE_PERIODS = ['day', 'week', 'month'] as const;

const Bound = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$',
  description:
    'a date-time, or a day YYYY-MM-DD in the display time zone (from: its start; to: its end, inclusive)',
});

export const MeasuresQuery = Type.Object({
  from: Type.Optional(Bound),
  to: Type.Optional(Bound),
  groupBy: Type.Optional(
    Type.Union(
      MEASURE_GROUPS.map((g) => Type.Literal(g)),
      { default: 'period' },
    ),
  ),
  period: Type.Optional(
    Type.Union(
      MEASURE_PERIODS.map((p) => Type.Literal(p)),
      { default: 'week' },
    ),
  ),
  type: Type.Optional(Type.Union(TICKET_TYPES.map((t) => Type.Literal(t)))),
  departmentId: Type.Optional(Uuid),
  categoryId: Type.Optional(Uuid),
  customerId: Type.Optional(Uuid),
});

const Rate = Nullable(Type.Number({ description: 'share 0–1, null when nothing to count' }));
const Minutes = Nullable(Type.Number({ description: 'wall-clock minutes' }));

export const MeasureRowSchema = Type.Object(
  {
    key: Nullable(
      Type.String({ description: 'period start (YYYY-MM-DD, display zone) or the group’s id; null: none' }),
    ),
    label: Nullable(Type.String()),
    tickets: Type.Integer({ description: 'tickets received in the range' }),
    firstResponded: Type.Integer(),
    firstResponseAvgMinutes: Minutes,
    firstResponseMedianMinutes: Minutes,
    resolved: Type.Integer(),
    resolutionAvgMinutes: Minutes,
    resolutionMedianMinutes: Minutes,
    firstContactResolved: Type.Integer(),
    firstContactDecided: Type.Integer({ description: 'closed tickets with the first-contact flag recorded' }),
    firstContactResolutionRate: Rate,
    slaTickets: Type.Integer({ description: 'tickets with an SLA target that is decided (met or missed)' }),
    slaMet: Type.Integer(),
    slaAttainment: Rate,
    firstResponseSlaTickets: Type.Integer(),
    firstResponseSlaMet: Type.Integer(),
    firstResponseSlaAttainment: Rate,
    resolutionSlaTickets: Type.Integer(),
    resolutionSlaMet: Type.Integer(),
    resolutionSlaAttainment: Rate,
    reopened: Type.Integer(),
    reopenRate: Rate,
    escalated: Type.Integer(),
    escalationRate: Rate,
    commitmentsKept: Type.Integer({ description: 'promises due in the range and kept' }),
    commitmentsBroken: Type.Integer(),
    promiseKeptRate: Rate,
  },
  { $id: 'MeasureRow' },
);

export const MeasuresSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  groupBy: Type.Union(MEASURE_GROUPS.map((g) => Type.Literal(g))),
  period: Nullable(Type.Union(MEASURE_PERIODS.map((p) => Type.Literal(p)))),
  timeZone: Type.String(),
  rows: Type.Array(Type.Ref('MeasureRow')),
  total: Type.Ref('MeasureRow'),
});

export const ShipmentMeasuresQuery = Type.Object({
  from: Type.Optional(Bound),
  to: Type.Optional(Bound),
  groupBy: Type.Optional(
    Type.Union(
      SHIPMENT_MEASURE_GROUPS.map((g) => Type.Literal(g)),
      { default: 'period' },
    ),
  ),
  period: Type.Optional(
    Type.Union(
      MEASURE_PERIODS.map((p) => Type.Literal(p)),
      { default: 'week' },
    ),
  ),
  mode: Type.Optional(Type.Union(SERVICE_MODES.map((m) => Type.Literal(m)))),
  departmentId: Type.Optional(Uuid),
  customerId: Type.Optional(Uuid),
});

const Count = (description?: string) => Type.Integer(description ? { description } : {});

export const ShipmentMeasureRowSchema = Type.Object(
  {
    key: Nullable(
      Type.String({
        description:
          'period start (YYYY-MM-DD, display zone), department or customer id, mode, or lane (ORIGIN-DEST)',
      }),
    ),
    label: Nullable(Type.String()),
    shipments: Count('shipments promised in the range (not cancelled)'),
    deliveryDecided: Count('delivered, or undelivered past the promise'),
    onTime: Count('delivered no later than promised'),
    onTimeRate: Rate,
    late: Count('delivered late, or undelivered past the promise'),
    averageDelayMinutes: Minutes,
    exceptionShipments: Count('shipments with at least one exception'),
    exceptionRate: Rate,
    exceptionsByCause: Type.Object(
      Object.fromEntries(EXCEPTION_CAUSES.map((c) => [c, Type.Integer()])) as Record<
        (typeof EXCEPTION_CAUSES)[number],
        ReturnType<typeof Type.Integer>
      >,
      { description: 'shipments with at least one exception of each kind' },
    ),
    podRecorded: Count('shipments with a POD recorded after delivery'),
    podTurnaroundAvgMinutes: Minutes,
    podTurnaroundMedianMinutes: Minutes,
  },
  { $id: 'ShipmentMeasureRow' },
);

export const ShipmentMeasuresSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  groupBy: Type.Union(SHIPMENT_MEASURE_GROUPS.map((g) => Type.Literal(g))),
  period: Nullable(Type.Union(MEASURE_PERIODS.map((p) => Type.Literal(p)))),
  timeZone: Type.String(),
  rows: Type.Array(Type.Ref('ShipmentMeasureRow')),
  total: Nullable(Type.Ref('ShipmentMeasureRow')),
});
