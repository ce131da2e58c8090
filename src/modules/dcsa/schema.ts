import { Type } from 'typebox';
import { Uuid } from '../../server/schemas.ts';
import { CODE_LISTS } from './service.ts';

/**
 * DCSA T&T 2.2 shapes (https://app.swaggerhub.com/apis-docs/dcsaorg/DCSA_TNT/2.2.0): the
 * GET /v2/events query and the event-subscription bodies, strict like every body of the API.
 */

const codeList = (name: keyof typeof CODE_LISTS) =>
  Type.String({
    maxLength: 200,
    description: `Comma-separated, OR between values: ${CODE_LISTS[name].join(', ')}.`,
  });

const ref = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description });
const createdAt = (op: string) =>
  Type.Optional(
    Type.String({ maxLength: 40, description: `Events created ${op} this ISO 8601 date-time (with zone).` }),
  );

export const DcsaEventsQuery = Type.Object(
  {
    eventType: Type.Optional(codeList('eventType')),
    shipmentEventTypeCode: Type.Optional(codeList('shipmentEventTypeCode')),
    transportEventTypeCode: Type.Optional(codeList('transportEventTypeCode')),
    equipmentEventTypeCode: Type.Optional(codeList('equipmentEventTypeCode')),
    documentTypeCode: Type.Optional(codeList('documentTypeCode')),
    carrierBookingReference: Type.Optional(ref(35, 'Events of the shipment with this booking.')),
    transportDocumentReference: Type.Optional(
      ref(35, 'Events of the shipment with this transport document (house or master B/L, AWB).'),
    ),
    equipmentReference: Type.Optional(ref(15, 'Events of the shipment carried in this container.')),
    UNLocationCode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}[A-Za-z2-9]{3}$' })),
    transportCallID: Type.Optional(ref(100, 'Transport call id as published.')),
    vesselIMONumber: Type.Optional(ref(7, 'Vessel IMO number.')),
    exportVoyageNumber: Type.Optional(ref(50, 'Export voyage number.')),
    carrierServiceCode: Type.Optional(ref(5, 'Carrier service code.')),
    eventCreatedDateTime: createdAt('exactly at'),
    'eventCreatedDateTime:eq': createdAt('exactly at'),
    'eventCreatedDateTime:gte': createdAt('at or after'),
    'eventCreatedDateTime:gt': createdAt('after'),
    'eventCreatedDateTime:lte': createdAt('at or before'),
    'eventCreatedDateTime:lt': createdAt('before'),
    customerId: Type.Optional(Type.Unsafe<string>({ ...Uuid, description: 'Staff: one customer’s events.' })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'Page size (default 100).' }),
    ),
    cursor: Type.Optional(
      Type.String({
        maxLength: 4000,
        description: 'From the Next-Page / First-Page link; carries the filters.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A DCSA 2.2 event (SHIPMENT, TRANSPORT or EQUIPMENT) as published; see src/domain/feeds/dcsa-out.ts. */
export const DcsaEventSchema = Type.Object(
  {
    eventID: Type.String(),
    eventType: Type.Union([Type.Literal('SHIPMENT'), Type.Literal('TRANSPORT'), Type.Literal('EQUIPMENT')]),
    eventCreatedDateTime: Type.String(),
    eventClassifierCode: Type.Union([Type.Literal('PLN'), Type.Literal('EST'), Type.Literal('ACT')]),
    eventDateTime: Type.String(),
    shipmentEventTypeCode: Type.Optional(Type.String()),
    documentTypeCode: Type.Optional(Type.String()),
    documentID: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    transportEventTypeCode: Type.Optional(Type.String()),
    delayReasonCode: Type.Optional(Type.String()),
    changeRemark: Type.Optional(Type.String()),
    equipmentEventTypeCode: Type.Optional(Type.String()),
    equipmentReference: Type.Optional(Type.String()),
    ISOEquipmentCode: Type.Optional(Type.String()),
    emptyIndicatorCode: Type.Optional(Type.String()),
    eventLocation: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    transportCall: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    seals: Type.Optional(Type.Array(Type.Unknown())),
    documentReferences: Type.Optional(
      Type.Array(
        Type.Object({ documentReferenceType: Type.String(), documentReferenceValue: Type.String() }),
      ),
    ),
    references: Type.Optional(
      Type.Array(Type.Object({ referenceType: Type.String(), referenceValue: Type.String() })),
    ),
  },
  { $id: 'DcsaEvent' },
);

const listField = (name: keyof typeof CODE_LISTS) =>
  Type.Optional(
    Type.Array(Type.Union(CODE_LISTS[name].map((c) => Type.Literal(c))), {
      maxItems: 20,
      description: `OR between values: ${CODE_LISTS[name].join(', ')}.`,
    }),
  );

const subscriptionFields = {
  callbackUrl: Type.String({
    minLength: 1,
    maxLength: 1000,
    description: 'Where matching events are POSTed.',
  }),
  eventType: listField('eventType'),
  shipmentEventTypeCode: listField('shipmentEventTypeCode'),
  transportEventTypeCode: listField('transportEventTypeCode'),
  equipmentEventTypeCode: listField('equipmentEventTypeCode'),
  documentTypeCode: listField('documentTypeCode'),
  carrierBookingReference: Type.Optional(ref(35, 'Only events of the shipment with this booking.')),
  transportDocumentReference: Type.Optional(
    ref(35, 'Only events of the shipment with this transport document.'),
  ),
  equipmentReference: Type.Optional(ref(15, 'Only events of the shipment carried in this container.')),
  UNLocationCode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}[A-Za-z2-9]{3}$' })),
  transportCallID: Type.Optional(ref(100, 'Transport call id.')),
  vesselIMONumber: Type.Optional(ref(7, 'Vessel IMO number.')),
  exportVoyageNumber: Type.Optional(ref(50, 'Export voyage number.')),
  carrierServiceCode: Type.Optional(ref(5, 'Carrier service code.')),
  customerId: Type.Optional(
    Type.Unsafe<string>({
      ...Uuid,
      description:
        'Liaison extension: the customer whose shipments are followed (admins; portal users: their own).',
    }),
  ),
};

export const DcsaSubscriptionCreateBody = Type.Object(
  {
    ...subscriptionFields,
    secret: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Base64 of 32–64 bytes: the HMAC-SHA256 key of Notification-Signature. Never returned.',
    }),
  },
  { additionalProperties: false },
);

export const DcsaSubscriptionUpdateBody = Type.Object(
  { ...subscriptionFields, subscriptionID: Type.Optional(Type.Unsafe<string>({ ...Uuid })) },
  { additionalProperties: false },
);

export const DcsaSecretBody = Type.Object(
  { secret: DcsaSubscriptionCreateBody.properties.secret },
  { additionalProperties: false },
);

export const DcsaSubscriptionSchema = Type.Object(
  {
    subscriptionID: Uuid,
    ...subscriptionFields,
    customerId: Uuid,
  },
  { $id: 'DcsaSubscription' },
);

export const SubscriptionParams = Type.Object({ subscriptionID: Type.String({ maxLength: 100 }) });

export const DcsaSubscriptionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
    customerId: Type.Optional(
      Type.Unsafe<string>({ ...Uuid, description: 'Admins: one customer’s subscriptions.' }),
    ),
  },
  { additionalProperties: false },
);
