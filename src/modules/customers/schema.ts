import { type Static, Type } from 'typebox';
import { CONTACT_CHANNELS, CONTACT_FREQUENCIES, IMPORTANT_DATE_KINDS } from '../../domain/customers.ts';
import { DateTime, Nullable, PageQuery, Text, Uuid, Version } from '../../server/schemas.ts';
import { LIFECYCLE_STAGES, NEED_TYPES, RETENTION_BONDS, SERVICE_MODES, VALUE_CLASSES } from './tables.ts';

/**
 * TypeBox schemas of the customers API: they validate requests (unknown fields are refused),
 * shape responses and name the types in the OpenAPI document ($id).
 */

export const CUSTOMER_KINDS = ['company', 'person'] as const;
export const ADDRESS_KINDS = [
  'registered',
  'office',
  'billing',
  'warehouse',
  'factory',
  'pickup',
  'delivery',
  'other',
] as const;
export const SPECIAL_HANDLING = [
  'hazmat',
  'battery',
  'cold_chain',
  'high_value',
  'oversized',
  'fragile',
  'live_animals',
  'pharma',
] as const;
export const SHIPPING_FREQUENCIES = ['daily', 'several_per_week', 'weekly', 'monthly', 'irregular'] as const;

export const Stage = Type.Enum(LIFECYCLE_STAGES);
export const ValueClass = Type.Enum(VALUE_CLASSES);
export const NeedType = Type.Enum(NEED_TYPES);
export const Bond = Type.Enum(RETENTION_BONDS);
export const ServiceMode = Type.Enum(SERVICE_MODES);

const Phone = Type.String({
  maxLength: 40,
  pattern: '^\\+?[0-9()\\-\\s.]{3,30}(\\s*(转|ext\\.?|x|#)\\s*[0-9]{1,6})?$',
  description: 'Phone number: digits, spaces, dashes, brackets, optional +; an extension may follow (转 801)',
});
const Email = Type.String({ format: 'email', maxLength: 254 });
const UnLocode = Type.String({
  pattern: '^[A-Za-z]{2}[A-Za-z2-9]{3}$',
  description: 'UN/LOCODE, e.g. CNSHA, USLAX',
});
const Quantity = Nullable(Type.Number({ minimum: 0, maximum: 1e12 }));
const list = <T extends Parameters<typeof Type.Array>[0]>(item: T, maxItems: number) =>
  Type.Array(item, { maxItems });

export const AddressSchema = Type.Object(
  {
    kind: Type.Enum(ADDRESS_KINDS),
    text: Text(300, 1),
    postcode: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
  },
  { additionalProperties: false },
);

export const LaneSchema = Type.Object(
  {
    origin: UnLocode,
    destination: UnLocode,
    mode: Type.Optional(Nullable(ServiceMode)),
  },
  { additionalProperties: false },
);

export const RequirementsSchema = Type.Object(
  {
    serviceModes: Type.Optional(list(ServiceMode, SERVICE_MODES.length)),
    lanes: Type.Optional(list(LaneSchema, 50)),
    cargoTypes: Type.Optional(list(Text(60, 1), 30)),
    monthlyShipments: Type.Optional(Quantity),
    monthlyTeu: Type.Optional(Quantity),
    monthlyKg: Type.Optional(Quantity),
    monthlyCbm: Type.Optional(Quantity),
    frequency: Type.Optional(Nullable(Type.Enum(SHIPPING_FREQUENCIES))),
    specialHandling: Type.Optional(list(Type.Enum(SPECIAL_HANDLING), SPECIAL_HANDLING.length)),
    notes: Type.Optional(Nullable(Text(2000))),
  },
  { additionalProperties: false },
);

/** Every editable field of a customer file; create requires `name`, update takes any subset. */
const customerFields = {
  name: Text(200, 1),
  shortName: Nullable(Text(60)),
  kind: Type.Enum(CUSTOMER_KINDS),
  taxId: Nullable(Type.String({ maxLength: 40, description: 'Unified social credit code (18 characters)' })),
  industry: Nullable(Text(100)),
  phone: Nullable(Phone),
  email: Nullable(Email),
  website: Nullable(Text(200)),
  addresses: list(AddressSchema, 20),
  source: Nullable(Text(100)),
  ownerId: Uuid,
  departmentIds: list(Uuid, 50),
  stage: Stage,
  churnReason: Nullable(Text(500)),
  valueClass: Nullable(ValueClass),
  needType: Nullable(NeedType),
  bonds: list(Bond, RETENTION_BONDS.length),
  competitors: list(Text(100, 1), 20),
  tags: list(Text(40, 1), 30),
  requirements: RequirementsSchema,
  notes: Nullable(Text(5000)),
  verifiedAt: Nullable(DateTime),
};

const optional = <T extends Record<string, Parameters<typeof Type.Optional>[0]>>(fields: T) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
  };

const ConfirmDuplicate = Type.Boolean({
  description: 'Create (or save) even though possible duplicates were reported',
});

export const CustomerCreateBody = Type.Object(
  {
    ...optional(customerFields),
    name: customerFields.name,
    confirmDuplicate: Type.Optional(ConfirmDuplicate),
  },
  { additionalProperties: false },
);
export type CustomerCreate = Static<typeof CustomerCreateBody>;

/** The owner changes only through a transfer, so it is not a field of an update. */
const { ownerId: _owner, ...updatableFields } = customerFields;
export const CustomerUpdateBody = Type.Object(
  {
    ...optional(updatableFields),
    confirmDuplicate: Type.Optional(ConfirmDuplicate),
    version: Type.Optional(Version),
  },
  { additionalProperties: false },
);
export type CustomerUpdate = Static<typeof CustomerUpdateBody>;

/** Internal fields (classification, competitors, notes) are left out of what portal users see. */
export const CustomerSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    shortName: Nullable(Type.String()),
    kind: Type.String(),
    taxId: Nullable(Type.String()),
    industry: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    email: Nullable(Type.String()),
    website: Nullable(Type.String()),
    addresses: Type.Array(AddressSchema),
    source: Type.Optional(Nullable(Type.String())),
    ownerId: Type.String(),
    ownerName: Nullable(Type.String()),
    teamId: Nullable(Type.String()),
    departmentIds: Type.Array(Type.String()),
    stage: Type.Optional(Type.String()),
    churnReason: Type.Optional(Nullable(Type.String())),
    valueClass: Type.Optional(Nullable(Type.String())),
    needType: Type.Optional(Nullable(Type.String())),
    bonds: Type.Optional(Type.Array(Type.String())),
    competitors: Type.Optional(Type.Array(Type.String())),
    tags: Type.Optional(Type.Array(Type.String())),
    requirements: RequirementsSchema,
    notes: Type.Optional(Nullable(Type.String())),
    verifiedAt: Nullable(DateTime),
    archivedAt: Nullable(DateTime),
    mergedIntoId: Nullable(Type.String()),
    createdBy: Type.Optional(Nullable(Type.String())),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Customer' },
);

export const CustomerListItemSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    shortName: Nullable(Type.String()),
    kind: Type.String(),
    taxId: Nullable(Type.String()),
    industry: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    ownerId: Type.String(),
    ownerName: Nullable(Type.String()),
    teamId: Nullable(Type.String()),
    departmentIds: Type.Array(Type.String()),
    stage: Type.Optional(Type.String()),
    valueClass: Type.Optional(Nullable(Type.String())),
    needType: Type.Optional(Nullable(Type.String())),
    tags: Type.Optional(Type.Array(Type.String())),
    primaryContactName: Nullable(Type.String()),
    primaryContactPhone: Nullable(Type.String()),
    verifiedAt: Nullable(DateTime),
    archivedAt: Nullable(DateTime),
    mergedIntoId: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'CustomerListItem' },
);

const multi = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Array(item, { maxItems: 10, description: 'Repeat the parameter to match any of several values' });

// The filters of the customer list, shared by the export so a file holds what the list showed.
const listFilters = {
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Name, words, tax-id or phone fragment' })),
  ownerId: Type.Optional(Uuid),
  teamId: Type.Optional(Uuid),
  departmentId: Type.Optional(
    Type.String({ format: 'uuid', description: 'A department that serves the customer' }),
  ),
  stage: Type.Optional(multi(Stage)),
  valueClass: Type.Optional(multi(ValueClass)),
  needType: Type.Optional(multi(NeedType)),
  tag: Type.Optional(Text(40, 1)),
  archived: Type.Optional(
    Type.Boolean({ description: 'true lists only archived (and merged) files; default: active files' }),
  ),
};

export const CustomerListQuery = Type.Object(
  { ...listFilters, ...PageQuery },
  { additionalProperties: false },
);
export type CustomerListFilter = Static<typeof CustomerListQuery>;

export const CustomerExportQuery = Type.Object(
  {
    format: Type.Enum(['csv', 'xlsx'], { default: 'csv', description: 'csv (UTF-8 with BOM) or xlsx' }),
    headers: Type.Enum(['zh', 'en'], {
      default: 'zh',
      description: 'Column headers in Chinese or English (the import reads both)',
    }),
    ...listFilters,
  },
  { additionalProperties: false },
);

export const DuplicateCandidateSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    taxId: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    ownerId: Type.String(),
    ownerName: Nullable(Type.String()),
    archived: Type.Boolean(),
    similarity: Type.Number({ description: 'Name similarity 0..1' }),
    reasons: Type.Array(Type.Enum(['tax_id', 'name', 'phone'])),
  },
  { $id: 'DuplicateCandidate' },
);

export const DuplicatesQuery = Type.Object(
  {
    name: Type.Optional(Text(200)),
    taxId: Type.Optional(Text(40)),
    phone: Type.Optional(Text(40)),
    excludeId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const ImportantDateSchema = Type.Object(
  {
    kind: Type.Enum(IMPORTANT_DATE_KINDS),
    label: Type.Optional(Nullable(Text(60))),
    date: Type.String({ maxLength: 10, description: 'MM-DD, or YYYY-MM-DD when the year matters' }),
  },
  { additionalProperties: false },
);

const contactFields = {
  name: Text(100, 1),
  title: Nullable(Text(100)),
  phones: list(Phone, 10),
  email: Nullable(Email),
  wechat: Nullable(Text(60)),
  preferredChannel: Nullable(Type.Enum(CONTACT_CHANNELS)),
  contactFrequency: Nullable(Type.Enum(CONTACT_FREQUENCIES)),
  doNotContact: Type.Boolean(),
  isPrimary: Type.Boolean(),
  importantDates: list(ImportantDateSchema, 20),
  notes: Nullable(Text(2000)),
};

export const ContactCreateBody = Type.Object(
  { ...optional(contactFields), name: contactFields.name },
  { additionalProperties: false },
);
export type ContactCreate = Static<typeof ContactCreateBody>;

export const ContactUpdateBody = Type.Object(
  { ...optional(contactFields), version: Type.Optional(Version) },
  { additionalProperties: false },
);
export type ContactUpdate = Static<typeof ContactUpdateBody>;

export const ContactSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    name: Type.String(),
    title: Nullable(Type.String()),
    phones: Type.Array(Type.String()),
    email: Nullable(Type.String()),
    wechat: Nullable(Type.String()),
    preferredChannel: Nullable(Type.String()),
    contactFrequency: Nullable(Type.String()),
    doNotContact: Type.Boolean(),
    isPrimary: Type.Boolean(),
    importantDates: Type.Array(ImportantDateSchema),
    notes: Type.Optional(Nullable(Type.String())),
    archivedAt: Nullable(DateTime),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'Contact' },
);

export const TransferBody = Type.Object(
  {
    toUserId: Uuid,
    reason: Text(500, 1),
    moveOpenFollowUps: Type.Optional(
      Type.Boolean({ default: true, description: "Reassign the previous owner's open follow-up tasks too" }),
    ),
  },
  { additionalProperties: false },
);

export const OwnershipTransferSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    fromUserId: Nullable(Type.String()),
    fromUserName: Nullable(Type.String()),
    toUserId: Type.String(),
    toUserName: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    byUserId: Nullable(Type.String()),
    byUserName: Nullable(Type.String()),
    at: DateTime,
  },
  { $id: 'OwnershipTransfer' },
);

export const MergeBody = Type.Object(
  {
    sourceId: Type.String({ format: 'uuid', description: 'The file folded into this one (it is archived)' }),
  },
  { additionalProperties: false },
);

export const MergeResultSchema = Type.Object(
  {
    mergeId: Type.String(),
    customer: Type.Ref('Customer'),
    moved: Type.Record(Type.String(), Type.Integer()),
  },
  { $id: 'CustomerMergeResult' },
);

export const ReviewQueueQuery = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Overrides the setting' })),
    ownerId: Type.Optional(Uuid),
    teamId: Type.Optional(Uuid),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const customerSettingsFields = {
  reviewAfterDays: Type.Integer({
    minimum: 1,
    maximum: 3650,
    description: 'Files not verified for this many days enter the review queue',
  }),
};
export const CustomerSettingsSchema = Type.Object(customerSettingsFields, { $id: 'CustomerSettings' });
export const CustomerSettingsBody = Type.Object(customerSettingsFields, { additionalProperties: false });

export const TimelineEntrySchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    at: DateTime,
    kind: Type.String(),
    refType: Type.String(),
    refId: Type.String(),
    title: Type.String(),
    detail: Type.Record(Type.String(), Type.Unknown()),
    departmentId: Nullable(Type.String()),
    actorId: Nullable(Type.String()),
    actorName: Nullable(Type.String()),
  },
  { $id: 'TimelineEntry' },
);

export const VersionBody = Type.Object({ version: Type.Optional(Version) }, { additionalProperties: false });
