import { Type } from 'typebox';
import { EVENT_CLASSIFIERS, EVENT_CODES } from '../../domain/milestones.ts';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { SERVICE_MODES } from '../customers/tables.ts';
import { FEED_KINDS } from './tables.ts';
import { MAX_BATCH } from './service.ts';

export const OUTCOMES = ['accepted', 'duplicate', 'replaced', 'retracted', 'superseded', 'rejected'] as const;

export const EventCodeSchema = Type.Union(EVENT_CODES.map((c) => Type.Literal(c)));
export const ClassifierSchema = Type.Union(EVENT_CLASSIFIERS.map((c) => Type.Literal(c)));

/**
 * The batch: each event is checked on its own by the service (field-precise reasons per event), so
 * the schema only bounds the batch — one malformed event must not refuse the whole request.
 */
export const IngestBody = Type.Object(
  {
    events: Type.Array(Type.Unknown(), {
      minItems: 1,
      maxItems: MAX_BATCH,
      description:
        'IncomingEvent objects: {shipmentId | shipmentRef, eventCode, classifier PLN|EST|ACT, eventTime (ISO 8601 with zone), ' +
        'location (UN/LOCODE)?, locationName?, source, sourceEventId, updatedAt?, retracted?, sourceCode?, details?}',
    }),
  },
  { additionalProperties: false },
);

export const IngestResultSchema = Type.Object(
  {
    results: Type.Array(
      Type.Object({
        index: Type.Integer(),
        outcome: Type.Union(OUTCOMES.map((o) => Type.Literal(o))),
        eventId: Type.Optional(Type.String()),
        shipmentId: Type.Optional(Type.String()),
        reason: Type.Optional(Type.String()),
      }),
    ),
    counts: Type.Object(Object.fromEntries(OUTCOMES.map((o) => [o, Type.Integer()]))),
  },
  { $id: 'TrackingIngestResult' },
);

export const TrackingEventSchema = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    shipmentId: Type.String(),
    eventCode: Type.String(),
    classifier: Type.String(),
    eventTime: DateTime,
    eventTimeText: Type.String({
      description: 'The event time as the source wrote it, with its zone offset',
    }),
    location: Nullable(Type.String()),
    locationName: Nullable(Type.String()),
    source: Type.String(),
    sourceEventId: Type.String(),
    sourceUpdatedAt: DateTime,
    retracted: Type.Boolean(),
    sourceCode: Nullable(Type.String()),
    details: Type.Object({}, { additionalProperties: true }),
    raw: Type.Optional(Type.Unknown({ description: 'The event as received (staff only)' })),
    recordedById: Nullable(Type.String()),
    recordedByName: Nullable(Type.String()),
    receivedAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'TrackingEvent' },
);

const TrackingEventRef = Type.Ref('TrackingEvent');

const Expectation = Nullable(
  Type.Object({
    eventTime: Type.String(),
    classifier: Type.String(),
    location: Nullable(Type.String()),
    source: Type.String(),
    updatedAt: Type.String(),
  }),
);

export const ShipmentEventsSchema = Type.Object(
  {
    status: Nullable(
      Type.String({ description: 'Event code of the latest actual milestone; null before any' }),
    ),
    derived: Type.Object({
      latestActual: Nullable(TrackingEventRef),
      exceptions: Type.Array(TrackingEventRef),
      expectedArrival: Expectation,
      expectedDelivery: Expectation,
      actualArrival: Nullable(Type.String()),
      actualDelivery: Nullable(Type.String()),
    }),
    timeline: Type.Array(
      Type.Object({
        eventCode: Type.String(),
        location: Nullable(Type.String()),
        locationName: Nullable(Type.String()),
        planned: Nullable(TrackingEventRef),
        estimated: Nullable(TrackingEventRef),
        actual: Type.Array(TrackingEventRef),
        sortTime: Type.String(),
      }),
    ),
    events: Type.Array(TrackingEventRef),
  },
  { $id: 'ShipmentEvents' },
);

export const ManualEventBody = Type.Object(
  {
    eventCode: EventCodeSchema,
    classifier: ClassifierSchema,
    eventTime: Type.String({
      maxLength: 40,
      description: 'ISO 8601 with a zone offset, e.g. 2026-03-14T09:30:00+08:00',
    }),
    location: Type.Optional(Nullable(Text(10))),
    locationName: Type.Optional(Nullable(Text(200))),
    remark: Type.Optional(Nullable(Text(1000))),
  },
  { additionalProperties: false },
);

export const TrackingRejectSchema = Type.Object(
  {
    id: Type.String(),
    source: Type.String(),
    reason: Type.String(),
    raw: Type.Unknown(),
    receivedAt: DateTime,
  },
  { $id: 'TrackingReject' },
);

export const RejectQuery = Type.Object({ source: Type.Optional(Text(100)), ...PageQuery });

export const SourceQuery = Type.Object({
  source: Type.Optional(
    Type.String({ minLength: 1, maxLength: 100, description: 'Source label, e.g. dcsa:MAEU' }),
  ),
});

// ---- Feeds we consume

export const FeedKindSchema = Type.Union(FEED_KINDS.map((k) => Type.Literal(k)));

export const TrackingFeedSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    source: Type.String(),
    baseUrl: Nullable(Type.String()),
    hasApiKey: Type.Boolean(),
    hasCallbackSecret: Type.Boolean(),
    pollIntervalMinutes: Type.Integer(),
    pollCursor: Nullable(Type.String()),
    lastPolledAt: Nullable(DateTime),
    lastError: Nullable(Type.String()),
    lastResult: Nullable(Type.Object({}, { additionalProperties: true })),
    active: Type.Boolean(),
    callbackPath: Type.String({ description: 'Where the carrier pushes events (signed callbacks)' }),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'TrackingFeed' },
);

const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 });

export const FeedCreateBody = Type.Object(
  {
    name: Text(200, 1),
    kind: FeedKindSchema,
    source: Type.String({ minLength: 1, maxLength: 100, pattern: '^\\S+$' }),
    baseUrl: Type.Optional(Nullable(HttpUrl)),
    apiKey: Type.Optional(Nullable(Text(500))),
    callbackSecret: Type.Optional(Nullable(Text(500, 8))),
    pollIntervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const FeedPatchBody = Type.Object(
  {
    name: Type.Optional(Text(200, 1)),
    kind: Type.Optional(FeedKindSchema),
    baseUrl: Type.Optional(Nullable(HttpUrl)),
    apiKey: Type.Optional(Nullable(Text(500))),
    callbackSecret: Type.Optional(Nullable(Text(500, 8))),
    pollIntervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })),
    pollCursor: Type.Optional(Nullable(Text(2000))),
    active: Type.Optional(Type.Boolean()),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);

export const FeedQuery = Type.Object({ ...PageQuery });

export const FeedIdParams = Type.Object({ id: Uuid });

const SilenceHours = Type.Object(
  Object.fromEntries(
    SERVICE_MODES.map((mode) => [mode, Type.Optional(Type.Integer({ minimum: 1, maximum: 2160 }))]),
  ),
  {
    additionalProperties: false,
    description: 'hours without any event after which a shipment is silent, per mode',
  },
);
const trackingSettingFields = {
  'shipments.silenceHours': SilenceHours,
  'shipments.delayToleranceMinutes': Type.Integer({
    minimum: 0,
    maximum: 10_080,
    description: 'a delay exception needs the expected delivery later than the promise by more than this',
  }),
  'notifications.contactDailyCap': Type.Integer({
    minimum: 0,
    maximum: 100,
    description: 'proactive notices per contact per rolling 24 hours (more are suppressed and recorded)',
  }),
  'tracking.publicRateLimitPerMinute': Type.Integer({
    minimum: 1,
    maximum: 100_000,
    description: 'public tracking lookups per client IP per minute',
  }),
};
export const TrackingSettingsSchema = Type.Object(trackingSettingFields, { $id: 'TrackingSettings' });
export const TrackingSettingsBody = Type.Object(
  Object.fromEntries(
    Object.entries(trackingSettingFields).map(([key, schema]) => [key, Type.Optional(schema)]),
  ) as {
    [K in keyof typeof trackingSettingFields]: ReturnType<
      typeof Type.Optional<(typeof trackingSettingFields)[K]>
    >;
  },
  { additionalProperties: false, minProperties: 1 },
);
