import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  index,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { type SERVICE_MODES, contacts, customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { users } from '../users/tables.ts';

/** Service modes of SPEC §6 (the customer file's SERVICE_MODES). */
export type ServiceMode = (typeof SERVICE_MODES)[number];

/**
 * Derived shipment status: `created` before any actual milestone, then the latest actual milestone
 * code (lower-cased EventCode of src/domain/milestones.ts, e.g. `departed`, `delivered`), or
 * `cancelled` when staff cancel the shipment.
 */
export type ShipmentStatus = string;

/** Kinds of searchable reference; every reference is also stored normalised in shipment_references. */
export const REFERENCE_KINDS = [
  'number',
  'order',
  'house_bl',
  'master_bl',
  'booking',
  'awb',
  'container',
  'customer_ref',
] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const shipments = pgTable(
  'shipments',
  {
    id: uuid('id').primaryKey(),
    /** Our tracking number, e.g. LS2611000123 (shipment_number_seq); what /track asks for. */
    number: text('number').notNull().unique(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    /** The consignee-side contact told about this shipment (else the customer's primary contact). */
    contactId: uuid('contact_id').references(() => contacts.id),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id),
    mode: text('mode').$type<ServiceMode>().notNull(),
    orderNo: text('order_no'),
    houseBl: text('house_bl'),
    masterBl: text('master_bl'),
    bookingRef: text('booking_ref'),
    awb: text('awb'),
    containers: text('containers').array().notNull().default(sql`'{}'::text[]`),
    customerReference: text('customer_reference'),
    /** UN/LOCODE, 5 characters, no space. */
    origin: text('origin'),
    destination: text('destination'),
    /** Second factors of the public tracking page; never shown there. */
    destinationPostcode: text('destination_postcode'),
    consigneeName: text('consignee_name'),
    consigneePhone: text('consignee_phone'),
    pieces: integer('pieces'),
    weightKg: numeric('weight_kg', { precision: 14, scale: 3 }),
    volumeM3: numeric('volume_m3', { precision: 14, scale: 3 }),
    cargoDescription: text('cargo_description'),
    specialHandling: text('special_handling').array().notNull().default(sql`'{}'::text[]`),
    /** 承诺时限: when we promised delivery. */
    promisedAt: timestamp('promised_at', { withTimezone: true }),
    // Derived from tracking_events by the tracking service after every change (currentStatus()).
    status: text('status').$type<ShipmentStatus>().notNull().default('created'),
    statusAt: timestamp('status_at', { withTimezone: true }),
    statusLocation: text('status_location'),
    /** Latest estimate (EST, else PLN) of delivery; null once delivered. */
    estimatedDeliveryAt: timestamp('estimated_delivery_at', { withTimezone: true }),
    estimatedArrivalAt: timestamp('estimated_arrival_at', { withTimezone: true }),
    actualArrivalAt: timestamp('actual_arrival_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** When the latest (non-retracted) event of any kind was received; the silence rule reads it. */
    lastEventAt: timestamp('last_event_at', { withTimezone: true }),
    /** Open exceptions, kept by the exceptions service; operations lists sort by it. */
    openExceptions: integer('open_exceptions').notNull().default(0),
    // POD (送货回复): who signed, when, and the uploaded proof.
    podSigner: text('pod_signer'),
    podSignedAt: timestamp('pod_signed_at', { withTimezone: true }),
    podDocumentId: uuid('pod_document_id'),
    podRecordedAt: timestamp('pod_recorded_at', { withTimezone: true }),
    podRecordedById: uuid('pod_recorded_by_id').references(() => users.id),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdById: uuid('created_by_id').references(() => users.id),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('shipments_customer_idx').on(t.customerId, t.createdAt, t.id),
    index('shipments_department_idx').on(t.departmentId, t.openExceptions, t.createdAt, t.id),
    index('shipments_created_idx').on(t.createdAt, t.id),
    // The silence and promise rules scan shipments still under way.
    index('shipments_active_idx')
      .on(t.lastEventAt)
      .where(sql`${t.deliveredAt} is null and ${t.cancelledAt} is null`),
    // The exception sweep's "promise passed without delivery" scan.
    index('shipments_active_promise_idx')
      .on(t.promisedAt)
      .where(sql`${t.deliveredAt} is null and ${t.cancelledAt} is null`),
  ],
);

/** Every reference of a shipment, upper-cased without spaces, so one index finds any of them. */
export const shipmentReferences = pgTable(
  'shipment_references',
  {
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<ReferenceKind>().notNull(),
    value: text('value').notNull(),
  },
  (t) => [
    uniqueIndex('shipment_references_pk').on(t.shipmentId, t.kind, t.value),
    index('shipment_references_value_idx').on(t.value, t.kind),
    // Prefix search (value LIKE 'X%') under any database collation.
    index('shipment_references_prefix_idx').on(t.value.op('text_pattern_ops')),
  ],
);

export const DOCUMENT_KINDS = [
  'pod',
  'bill_of_lading',
  'invoice',
  'packing_list',
  'customs',
  'photo',
  'other',
] as const;

/** Uploaded files of a shipment (POD scans, B/L copies, photos); content in the database. */
export const shipmentDocuments = pgTable(
  'shipment_documents',
  {
    id: uuid('id').primaryKey(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    fileName: text('file_name').notNull(),
    /** Detected from the content (magic bytes), not taken from the client. */
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    /** Shown to the customer in the portal. */
    portalVisible: boolean('portal_visible').notNull().default(true),
    uploadedById: uuid('uploaded_by_id').references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('shipment_documents_shipment_idx').on(t.shipmentId, t.uploadedAt)],
);

/**
 * Portal users' subscriptions to shipment notices: one shipment, or all of their company's
 * shipments when shipment_id is null.
 */
export const shipmentSubscriptions = pgTable(
  'shipment_subscriptions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    shipmentId: uuid('shipment_id').references(() => shipments.id, { onDelete: 'cascade' }),
    /** Channels: email, inapp. */
    channels: text('channels').array().notNull().default(sql`'{email}'::text[]`),
    /** What to hear about: milestones (every actual milestone), exceptions, delivery. */
    topics: text('topics').array().notNull().default(sql`'{exceptions,delivery}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('shipment_subscriptions_one_idx').on(
      t.userId,
      sql`coalesce(${t.shipmentId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
    ),
    index('shipment_subscriptions_customer_idx').on(t.customerId),
  ],
);
