import { type Static, Type } from 'typebox';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { SERVICE_MODES } from '../customers/tables.ts';
import { DOCUMENT_KINDS } from './tables.ts';

export const ModeSchema = Type.Union(SERVICE_MODES.map((m) => Type.Literal(m)));
export const SHIPMENT_SORTS = ['newest', 'exceptions', 'promised'] as const;
export type ShipmentSort = (typeof SHIPMENT_SORTS)[number];

export const SUBSCRIPTION_CHANNELS = ['email', 'inapp'] as const;
export const SUBSCRIPTION_TOPICS = ['milestones', 'exceptions', 'delivery'] as const;

/** A shipment as the API shows it (portal users get it without consigneePhone). */
export const ShipmentSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    ownerName: Nullable(Type.String()),
    contactId: Nullable(Type.String()),
    departmentId: Type.String(),
    departmentName: Nullable(Type.String()),
    mode: ModeSchema,
    orderNo: Nullable(Type.String()),
    houseBl: Nullable(Type.String()),
    masterBl: Nullable(Type.String()),
    bookingRef: Nullable(Type.String()),
    awb: Nullable(Type.String()),
    containers: Type.Array(Type.String()),
    customerReference: Nullable(Type.String()),
    origin: Nullable(Type.String()),
    destination: Nullable(Type.String()),
    lane: Nullable(Type.String({ description: 'origin-destination, e.g. CNSHA-DEHAM' })),
    destinationPostcode: Nullable(Type.String()),
    consigneeName: Nullable(Type.String()),
    consigneePhone: Type.Optional(Nullable(Type.String({ description: 'Staff only.' }))),
    pieces: Nullable(Type.Integer()),
    weightKg: Nullable(Type.Number()),
    volumeM3: Nullable(Type.Number()),
    cargoDescription: Nullable(Type.String()),
    specialHandling: Type.Array(Type.String()),
    promisedAt: Nullable(DateTime),
    status: Type.String({ description: 'created, cancelled, or the latest actual milestone lower-cased' }),
    statusAt: Nullable(DateTime),
    statusLocation: Nullable(Type.String()),
    estimatedDeliveryAt: Nullable(DateTime),
    estimatedArrivalAt: Nullable(DateTime),
    actualArrivalAt: Nullable(DateTime),
    deliveredAt: Nullable(DateTime),
    lastEventAt: Nullable(DateTime),
    openExceptions: Type.Integer(),
    podSigner: Nullable(Type.String()),
    podSignedAt: Nullable(DateTime),
    podDocumentId: Nullable(Type.String()),
    podRecordedAt: Nullable(DateTime),
    podRecordedById: Nullable(Type.String()),
    cancelledAt: Nullable(DateTime),
    createdById: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Shipment' },
);

const Reference = (max = 60) => Nullable(Text(max));
const Fields = {
  contactId: Type.Optional(Nullable(Uuid)),
  departmentId: Uuid,
  mode: ModeSchema,
  orderNo: Type.Optional(Reference()),
  houseBl: Type.Optional(Reference()),
  masterBl: Type.Optional(Reference()),
  bookingRef: Type.Optional(Reference()),
  awb: Type.Optional(Reference(20)),
  containers: Type.Optional(Type.Array(Text(20, 1), { maxItems: 200 })),
  customerReference: Type.Optional(Reference(100)),
  origin: Type.Optional(Nullable(Text(20))),
  destination: Type.Optional(Nullable(Text(20))),
  destinationPostcode: Type.Optional(Nullable(Text(20))),
  consigneeName: Type.Optional(Nullable(Text(200))),
  consigneePhone: Type.Optional(Nullable(Text(40))),
  pieces: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10_000_000 }))),
  weightKg: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 99_999_999_999 }))),
  volumeM3: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 99_999_999_999 }))),
  cargoDescription: Type.Optional(Nullable(Text(2000))),
  specialHandling: Type.Optional(Type.Array(Text(40, 1), { maxItems: 30 })),
  promisedAt: Type.Optional(Nullable(DateTime)),
};

export const ShipmentCreateBody = Type.Object(
  { customerId: Uuid, ...Fields },
  { additionalProperties: false },
);
export type ShipmentCreate = Static<typeof ShipmentCreateBody>;

export const ShipmentPatchBody = Type.Object(
  {
    ...Fields,
    departmentId: Type.Optional(Uuid),
    mode: Type.Optional(ModeSchema),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);
export type ShipmentPatch = Omit<Static<typeof ShipmentPatchBody>, 'version'>;

export const ShipmentCancelBody = Type.Object(
  { reason: Text(1000, 1), version: Type.Optional(Version) },
  { additionalProperties: false },
);

const ListFilters = {
  q: Type.Optional(Text(100)),
  customerId: Type.Optional(Uuid),
  mode: Type.Optional(ModeSchema),
  status: Type.Optional(Text(40)),
  exceptions: Type.Optional(Type.Boolean({ description: 'true: only shipments with open exceptions' })),
  sort: Type.Optional(Type.Union(SHIPMENT_SORTS.map((s) => Type.Literal(s)))),
  ...PageQuery,
};
export const ShipmentListQuery = Type.Object({ ...ListFilters, departmentId: Type.Optional(Uuid) });
export const PortalShipmentListQuery = Type.Object(ListFilters);
export type ShipmentListFilter = Static<typeof ShipmentListQuery>;

export const ShipmentDocumentSchema = Type.Object(
  {
    id: Type.String(),
    shipmentId: Type.String(),
    kind: Type.String(),
    fileName: Type.String(),
    contentType: Type.String(),
    sizeBytes: Type.Integer(),
    sha256: Type.String(),
    portalVisible: Type.Boolean(),
    uploadedById: Nullable(Type.String()),
    uploadedByName: Nullable(Type.String()),
    uploadedAt: DateTime,
  },
  { $id: 'ShipmentDocument' },
);

export const DocumentKindSchema = Type.Union(DOCUMENT_KINDS.map((k) => Type.Literal(k)));

export const DocumentParams = Type.Object({ id: Uuid, documentId: Uuid });

export const ShipmentSubscriptionSchema = Type.Object(
  {
    id: Type.String(),
    shipmentId: Nullable(Type.String()),
    shipmentNumber: Nullable(Type.String()),
    channels: Type.Array(Type.String()),
    topics: Type.Array(Type.String()),
    createdAt: DateTime,
  },
  { $id: 'ShipmentSubscription' },
);

export const ShipmentSubscriptionBody = Type.Object(
  {
    shipmentId: Nullable(Uuid),
    channels: Type.Array(Type.Union(SUBSCRIPTION_CHANNELS.map((c) => Type.Literal(c))), {
      minItems: 1,
      maxItems: 2,
    }),
    topics: Type.Array(Type.Union(SUBSCRIPTION_TOPICS.map((t) => Type.Literal(t))), {
      minItems: 1,
      maxItems: 3,
    }),
  },
  { additionalProperties: false },
);
export type ShipmentSubscriptionInput = Static<typeof ShipmentSubscriptionBody>;
