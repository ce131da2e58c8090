import { Type } from 'typebox';
import { DateTime, Nullable, Text, Version } from '../../server/schemas.ts';
import { VALUE_CLASSES } from '../customers/tables.ts';
import { SLA_EVENT_KINDS, SLA_TARGETS, TICKET_SEVERITIES, TICKET_TYPES } from '../tickets/tables.ts';
import { SLA_STATES } from './state.ts';

const literals = <T extends readonly string[]>(values: T) => Type.Union(values.map((v) => Type.Literal(v)));

export const TicketTypeSchema = literals(TICKET_TYPES);
export const SeveritySchema = literals(TICKET_SEVERITIES);
export const ValueClassSchema = literals(VALUE_CLASSES);

export const SlaPolicySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    ticketType: Nullable(TicketTypeSchema),
    severity: Nullable(SeveritySchema),
    valueClass: Nullable(ValueClassSchema),
    firstResponseMinutes: Type.Integer(),
    resolutionMinutes: Type.Integer(),
    warningFraction: Type.Number(),
    sortOrder: Type.Integer(),
    active: Type.Boolean(),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'SlaPolicy' },
);

const MAX_MINUTES = 525_600; // a year

const policyFields = {
  name: Text(100, 1),
  ticketType: Type.Optional(Nullable(TicketTypeSchema)),
  severity: Type.Optional(Nullable(SeveritySchema)),
  valueClass: Type.Optional(Nullable(ValueClassSchema)),
  firstResponseMinutes: Type.Integer({ minimum: 1, maximum: MAX_MINUTES }),
  resolutionMinutes: Type.Integer({ minimum: 1, maximum: MAX_MINUTES }),
  warningFraction: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  sortOrder: Type.Optional(Type.Integer({ minimum: -100000, maximum: 100000 })),
  active: Type.Optional(Type.Boolean()),
};

export const SlaPolicyCreateBody = Type.Object(policyFields, { additionalProperties: false });

export const SlaPolicyPatchBody = Type.Object(
  {
    name: Type.Optional(policyFields.name),
    ticketType: policyFields.ticketType,
    severity: policyFields.severity,
    valueClass: policyFields.valueClass,
    firstResponseMinutes: Type.Optional(policyFields.firstResponseMinutes),
    resolutionMinutes: Type.Optional(policyFields.resolutionMinutes),
    warningFraction: policyFields.warningFraction,
    sortOrder: policyFields.sortOrder,
    active: policyFields.active,
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

const WorkingPeriodSchema = Type.Object(
  { start: Type.String({ maxLength: 5 }), end: Type.String({ maxLength: 5 }) },
  { additionalProperties: false },
);
const Periods = Type.Array(WorkingPeriodSchema, { maxItems: 10 });
const DateText = Type.String({ maxLength: 10 });

/** The business calendar (see domain/sla.ts); semantic problems answer 422 with field errors. */
export const BusinessCalendarSchema = Type.Object(
  {
    timeZone: Type.String({ maxLength: 64 }),
    weeklyHours: Type.Object(
      {
        mon: Type.Optional(Periods),
        tue: Type.Optional(Periods),
        wed: Type.Optional(Periods),
        thu: Type.Optional(Periods),
        fri: Type.Optional(Periods),
        sat: Type.Optional(Periods),
        sun: Type.Optional(Periods),
      },
      { additionalProperties: false },
    ),
    holidays: Type.Optional(
      Type.Array(
        Type.Object(
          {
            from: DateText,
            to: Type.Optional(DateText),
            name: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 500 },
      ),
    ),
    makeUpWorkdays: Type.Optional(
      Type.Array(
        Type.Object(
          {
            date: DateText,
            name: Type.Optional(Type.String({ maxLength: 100 })),
            hours: Type.Optional(Periods),
          },
          { additionalProperties: false },
        ),
        { maxItems: 200 },
      ),
    ),
  },
  { $id: 'BusinessCalendar', additionalProperties: false },
);

const settingFields = {
  'tickets.autoEscalateOnBreach': Type.Boolean(),
  'tickets.autoEscalateAfterReopens': Type.Integer({ minimum: 0, maximum: 100 }),
  'tickets.reopenWindowDays': Type.Integer({ minimum: 0, maximum: 3650 }),
  'tickets.repeatWindowDays': Type.Integer({ minimum: 0, maximum: 3650 }),
  'tickets.followUpAfterDays': Type.Integer({ minimum: 0, maximum: 365 }),
  'tickets.secondVisitAfterDays': Type.Integer({ minimum: 0, maximum: 3650 }),
  'commitments.approvalThreshold': Type.Number({ minimum: 0, maximum: 1e12 }),
};

export const DeskSettingsSchema = Type.Object(settingFields, { $id: 'DeskSettings' });

export const DeskSettingsBody = Type.Object(
  Object.fromEntries(Object.entries(settingFields).map(([key, schema]) => [key, Type.Optional(schema)])) as {
    [K in keyof typeof settingFields]: ReturnType<typeof Type.Optional<(typeof settingFields)[K]>>;
  },
  { additionalProperties: false },
);

const SlaTargetViewSchema = Type.Object({
  targetMinutes: Nullable(Type.Integer()),
  dueAt: Nullable(DateTime),
  warnAt: Nullable(DateTime),
  elapsedMinutes: Nullable(Type.Number()),
  remainingMinutes: Nullable(Type.Number()),
  state: literals(SLA_STATES),
  metAt: Nullable(DateTime),
  breachedAt: Nullable(DateTime),
});

export const TicketSlaSchema = Type.Object(
  {
    ticketId: Type.String(),
    policyId: Nullable(Type.String()),
    policyName: Nullable(Type.String()),
    timeZone: Type.String(),
    firstResponse: SlaTargetViewSchema,
    resolution: SlaTargetViewSchema,
    paused: Type.Boolean(),
    pauses: Type.Array(
      Type.Object({ startedAt: DateTime, endedAt: Nullable(DateTime), reason: Nullable(Type.String()) }),
    ),
    events: Type.Array(
      Type.Object({
        target: literals(SLA_TARGETS),
        kind: literals(SLA_EVENT_KINDS),
        dueAt: DateTime,
        at: DateTime,
      }),
    ),
  },
  { $id: 'TicketSla' },
);
