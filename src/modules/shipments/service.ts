import {
  type SQL,
  and,
  arrayOverlaps,
  asc,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNull,
  or,
  sql,
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import { validateAwbNumber, validateContainerNumber, validateUnLocode } from '../../domain/identifiers.ts';
import {
  type ShipmentStatus as DerivedStatus,
  EXCEPTION_CODES,
  type EventCode,
  INFORMATIONAL_CODES,
} from '../../domain/milestones.ts';
import type { AppContext } from '../../server/context.ts';
import { decodeCursor, decodeTimeCursor, afterTimeCursor, toPage } from '../../server/pagination.ts';
import {
  type FieldProblem,
  badRequest,
  conflict,
  forbidden,
  notFound,
  validationFailed,
} from '../../server/problems.ts';
import { isUuid } from '../../server/schemas.ts';
import { staleVersion } from '../../server/versioning.ts';
import type { Customer } from '../customers/service.ts';
import { registerCustomerOwnedTable } from '../customers/merge.ts';
import { WRITE_DENIED, canWrite } from './access.ts';
import { ShipmentDocuments } from './documents.ts';
import { ShipmentSubscriptionsService } from './subscriptions.ts';
import { customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { timelineEntries } from '../timeline/tables.ts';
import { trackingEvents } from '../tracking/tables.ts';
import { users } from '../users/tables.ts';
import type { ShipmentCreate, ShipmentListFilter, ShipmentPatch, ShipmentSort } from './schema.ts';
import { type ReferenceKind, shipmentReferences, shipmentSubscriptions, shipments } from './tables.ts';
import {
  MILESTONE_TIMELINE_KINDS,
  SHIPMENT_CANCELLED,
  SHIPMENT_CREATED,
  SHIPMENT_DELIVERED,
  milestoneLabel,
  shipmentTimelineTitle,
} from './timeline.ts';

export type Shipment = typeof shipments.$inferSelect;

/** A shipment as the API shows it. */
export interface ShipmentView extends Omit<Shipment, 'weightKg' | 'volumeM3' | 'consigneePhone'> {
  consigneePhone?: string | null;
  weightKg: number | null;
  volumeM3: number | null;
  customerName: string;
  ownerName: string | null;
  departmentName: string | null;
  lane: string | null;
}

// Merging two customer files moves their shipments and the portal users' subscriptions with them.
registerCustomerOwnedTable('shipments', shipments, shipments.customerId);
registerCustomerOwnedTable('shipmentSubscriptions', shipmentSubscriptions, shipmentSubscriptions.customerId);
// A shipment's events carry its customer id (the DCSA provider pages by it): they move with it.
registerCustomerOwnedTable('trackingEvents', trackingEvents, trackingEvents.customerId);

type Values = Omit<typeof shipments.$inferInsert, 'id' | 'number' | 'customerId'>;

const owner = alias(users, 'shipment_owner');

function trimOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** A reference as stored in shipment_references: upper-case, no white space. */
export function normalizeReference(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** The forms a typed reference may be stored under: as typed, and without separators (containers, AWB). */
function referenceVariants(value: string): string[] {
  const plain = normalizeReference(value);
  const compact = plain.replace(/[-./]/g, '');
  return [...new Set([plain, compact])].filter((v) => v !== '');
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const numberOrNull = (value: string | null) => (value === null ? null : Number(value));

/** LS + yyMM (display time zone) + the sequence, at least 6 digits: LS2611000123. */
export function formatShipmentNumber(at: Date, sequence: number | bigint, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: '2-digit',
    month: '2-digit',
  }).formatToParts(at);
  const yy = parts.find((p) => p.type === 'year')?.value ?? '00';
  const mm = parts.find((p) => p.type === 'month')?.value ?? '00';
  return `LS${yy}${mm}${String(sequence).padStart(6, '0')}`;
}

/** Shipments (SPEC §6): the order/consignment record, its references, documents, POD and subscriptions. */
export class ShipmentsService {
  readonly documents: ShipmentDocuments;
  readonly subscriptions: ShipmentSubscriptionsService;

  constructor(private readonly ctx: AppContext) {
    this.documents = new ShipmentDocuments(ctx);
    this.subscriptions = new ShipmentSubscriptionsService(ctx);
  }

  // ------------------------------------------------------------------ reading

  private selectViews(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        ...getTableColumns(shipments),
        customerName: customers.name,
        ownerName: owner.name,
        departmentName: departments.name,
      })
      .from(shipments)
      .innerJoin(customers, eq(customers.id, shipments.customerId))
      .leftJoin(owner, eq(owner.id, customers.ownerId))
      .leftJoin(departments, eq(departments.id, shipments.departmentId));
  }

  /** The API shape for this actor: numbers as numbers, the lane, no consignee phone for portal users. */
  present(
    actor: Actor,
    row: Shipment & { customerName: string; ownerName: string | null; departmentName: string | null },
  ): ShipmentView {
    const { consigneePhone, weightKg, volumeM3, ...rest } = row;
    const view: ShipmentView = {
      ...rest,
      weightKg: numberOrNull(weightKg),
      volumeM3: numberOrNull(volumeM3),
      lane: row.origin && row.destination ? `${row.origin}-${row.destination}` : null,
    };
    if (isStaff(actor)) view.consigneePhone = consigneePhone;
    return view;
  }

  async view(actor: Actor, id: string, db: DbOrTx = this.ctx.db): Promise<ShipmentView> {
    const [row] = await this.selectViews(db).where(eq(shipments.id, id));
    if (!row) throw notFound('Shipment');
    return this.present(actor, row);
  }

  /** The shipment if the actor may read it; 404 otherwise (portal users: only their company's). */
  async requireReadable(actor: Actor, shipmentId: string, db: DbOrTx = this.ctx.db): Promise<Shipment> {
    if (!isUuid(shipmentId)) throw notFound('Shipment');
    const [row] = await db.select().from(shipments).where(eq(shipments.id, shipmentId));
    if (!row) throw notFound('Shipment');
    if (actor.role === 'portal') {
      if (!actor.customerId || actor.customerId !== row.customerId) throw notFound('Shipment');
      return row;
    }
    // One file per customer shared by every department: all staff read every shipment.
    if (!isStaff(actor)) throw notFound('Shipment');
    return row;
  }

  /** The shipment if the actor may change it (403 when readable but not theirs to change). */
  async requireWritable(actor: Actor, shipmentId: string, db: DbOrTx = this.ctx.db): Promise<Shipment> {
    const row = await this.requireReadable(actor, shipmentId, db);
    if (!canWrite(actor, row.departmentId)) throw forbidden(WRITE_DENIED);
    return row;
  }

  async get(actor: Actor, id: string): Promise<ShipmentView> {
    await this.requireReadable(actor, id);
    return this.view(actor, id);
  }

  /** Portal routes answer only portal users: anyone else gets 404, as for another company's shipment. */
  portalCustomerOf(actor: Actor): string {
    if (actor.role !== 'portal' || !actor.customerId) throw notFound('Shipment');
    return actor.customerId;
  }

  async portalGet(actor: Actor, id: string): Promise<ShipmentView> {
    this.portalCustomerOf(actor);
    return this.get(actor, id);
  }

  async portalList(actor: Actor, filter: Omit<ShipmentListFilter, 'departmentId'>) {
    // A bad cursor is a bad request whoever sends it (checked before the portal-only 404).
    listCursor(filter.sort ?? 'newest', filter.cursor);
    this.portalCustomerOf(actor);
    return this.list(actor, filter);
  }

  /**
   * Shipments a feed reference points at (our number, B/L, booking, AWB, container, order, customer
   * reference), normalised as stored in shipment_references. Several matches: shipments still under
   * way (not delivered or cancelled) first, then the most recent.
   */
  async resolveReference(reference: string, db: DbOrTx = this.ctx.db): Promise<string[]> {
    const variants = referenceVariants(reference ?? '');
    if (variants.length === 0) return [];
    const rows = await db
      .selectDistinct({
        id: shipments.id,
        done: sql<boolean>`(${shipments.deliveredAt} is not null or ${shipments.cancelledAt} is not null)`,
        createdAt: shipments.createdAt,
      })
      .from(shipmentReferences)
      .innerJoin(shipments, eq(shipments.id, shipmentReferences.shipmentId))
      .where(inArray(shipmentReferences.value, variants))
      .orderBy(
        asc(sql`(${shipments.deliveredAt} is not null or ${shipments.cancelledAt} is not null)`),
        desc(shipments.createdAt),
        desc(shipments.id),
      );
    return rows.map((r) => r.id);
  }

  async list(actor: Actor, filter: ShipmentListFilter) {
    const conditions: SQL[] = [];
    const sort = (filter.sort ?? (actor.role === 'operations' ? 'exceptions' : 'newest')) as ShipmentSort;
    if (actor.role === 'portal') {
      if (!actor.customerId) return { items: [], nextCursor: null };
      conditions.push(eq(shipments.customerId, actor.customerId));
    } else if (!isStaff(actor)) {
      throw forbidden();
    } else if (actor.role === 'operations') {
      // Operations users work their own department's shipments, exceptions first, unless they ask otherwise.
      if (filter.departmentId === undefined && !filter.customerId && !filter.q && actor.departmentId)
        conditions.push(eq(shipments.departmentId, actor.departmentId));
    }
    if (filter.customerId) conditions.push(eq(shipments.customerId, filter.customerId));
    if (filter.departmentId && actor.role !== 'portal')
      conditions.push(eq(shipments.departmentId, filter.departmentId));
    if (filter.mode) conditions.push(eq(shipments.mode, filter.mode));
    if (filter.status) conditions.push(eq(shipments.status, filter.status.trim().toLowerCase()));
    if (filter.exceptions === true) conditions.push(gt(shipments.openExceptions, 0));
    if (filter.exceptions === false) conditions.push(eq(shipments.openExceptions, 0));
    const q = filter.q?.trim();
    if (q) {
      const variants = referenceVariants(q);
      const matching = this.ctx.db
        .select({ id: shipmentReferences.shipmentId })
        .from(shipmentReferences)
        .where(or(...variants.map((v) => sql`${shipmentReferences.value} like ${`${escapeLike(v)}%`}`)));
      conditions.push(inArray(shipments.id, matching));
    }
    const promised = sql`coalesce(${shipments.promisedAt}, 'infinity'::timestamptz)`;
    const limit = filter.limit;
    const query = this.selectViews();
    let rows: Awaited<ReturnType<typeof query.where>>;
    if (sort === 'newest') {
      const cursor = listCursor(sort, filter.cursor);
      if (cursor) {
        const [at, id] = cursor as [string, string];
        conditions.push(afterTimeCursor(shipments.createdAt, shipments.id, { at: new Date(at), id }, 'desc'));
      }
      rows = await query
        .where(and(...conditions))
        .orderBy(desc(shipments.createdAt), desc(shipments.id))
        .limit(limit + 1);
      return this.page(actor, rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
    }
    const promisedKey = (r: Shipment) => (r.promisedAt ? r.promisedAt.toISOString() : 'infinity');
    if (sort === 'promised') {
      const cursor = listCursor(sort, filter.cursor);
      if (cursor) {
        const [at, id] = cursor;
        conditions.push(sql`(${promised}, ${shipments.id}) > (${at}::timestamptz, ${id}::uuid)`);
      }
      rows = await query
        .where(and(...conditions))
        .orderBy(asc(promised), asc(shipments.id))
        .limit(limit + 1);
      return this.page(actor, rows, limit, (r) => [promisedKey(r), r.id]);
    }
    const cursor = listCursor(sort, filter.cursor);
    if (cursor) {
      const [open, at, id] = cursor;
      conditions.push(
        or(
          sql`${shipments.openExceptions} < ${open}`,
          and(
            sql`${shipments.openExceptions} = ${open}`,
            sql`(${promised}, ${shipments.id}) > (${at}::timestamptz, ${id}::uuid)`,
          ),
        )!,
      );
    }
    rows = await query
      .where(and(...conditions))
      .orderBy(desc(shipments.openExceptions), asc(promised), asc(shipments.id))
      .limit(limit + 1);
    return this.page(actor, rows, limit, (r) => [r.openExceptions, promisedKey(r), r.id]);
  }

  private page<
    R extends Shipment & { customerName: string; ownerName: string | null; departmentName: string | null },
  >(actor: Actor, rows: R[], limit: number, key: (row: R) => unknown[]) {
    const page = toPage(rows, limit, key);
    return { items: page.items.map((r) => this.present(actor, r)), nextCursor: page.nextCursor };
  }

  // ------------------------------------------------------------------ writing

  async create(actor: Actor, input: ShipmentCreate): Promise<ShipmentView> {
    if (!isStaff(actor)) throw forbidden('Portal users do not create shipments.');
    const customer = await this.ctx.services.customers.requireReadable(actor, input.customerId);
    if (!canWrite(actor, input.departmentId)) throw forbidden(WRITE_DENIED);
    this.ctx.services.customers.assertOpenFile(customer);
    const values = await this.validate(customer, input);
    const timeZone = await this.ctx.services.settings.displayTimeZone();
    const now = this.ctx.now();
    const id = uuidv7();
    await this.ctx.db.transaction(async (tx) => {
      const result = await tx.execute(sql`select nextval('shipment_number_seq')::bigint as seq`);
      const seq = String((result as unknown as { rows: { seq: string | number }[] }).rows[0].seq);
      const number = formatShipmentNumber(now, BigInt(seq), timeZone);
      const [row] = await tx
        .insert(shipments)
        .values({
          ...values,
          id,
          number,
          customerId: customer.id,
          createdById: actor.via === 'system' ? null : actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await this.writeReferences(tx, row);
      await this.ctx.services.timeline.add(tx, {
        customerId: row.customerId,
        at: now,
        kind: SHIPMENT_CREATED,
        refType: 'shipment',
        refId: row.id,
        title: shipmentTimelineTitle(SHIPMENT_CREATED, row),
        detail: { number: row.number, mode: row.mode, origin: row.origin, destination: row.destination },
        departmentId: row.departmentId,
        actorId: actor.via === 'system' ? null : actor.id,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'shipment',
        entityId: row.id,
        customerId: row.customerId,
        after: row,
      });
    });
    return this.view(actor, id);
  }

  async update(actor: Actor, id: string, changes: ShipmentPatch, version: number): Promise<ShipmentView> {
    const before = await this.requireWritable(actor, id);
    if (before.cancelledAt) throw conflict('This shipment is cancelled; it can no longer be changed.');
    const departmentId = changes.departmentId ?? before.departmentId;
    if (!canWrite(actor, departmentId)) throw forbidden(WRITE_DENIED);
    const customer = await this.ctx.services.customers.requireReadable(actor, before.customerId);
    const pick = <K extends keyof ShipmentPatch>(key: K, current: unknown) =>
      (changes[key] !== undefined ? changes[key] : current) as never;
    const merged: ShipmentCreate = {
      customerId: before.customerId,
      contactId: pick('contactId', before.contactId),
      departmentId,
      mode: pick('mode', before.mode),
      orderNo: pick('orderNo', before.orderNo),
      houseBl: pick('houseBl', before.houseBl),
      masterBl: pick('masterBl', before.masterBl),
      bookingRef: pick('bookingRef', before.bookingRef),
      awb: pick('awb', before.awb),
      containers: pick('containers', before.containers),
      customerReference: pick('customerReference', before.customerReference),
      origin: pick('origin', before.origin),
      destination: pick('destination', before.destination),
      destinationPostcode: pick('destinationPostcode', before.destinationPostcode),
      consigneeName: pick('consigneeName', before.consigneeName),
      consigneePhone: pick('consigneePhone', before.consigneePhone),
      pieces: pick('pieces', before.pieces),
      weightKg: pick('weightKg', numberOrNull(before.weightKg)),
      volumeM3: pick('volumeM3', numberOrNull(before.volumeM3)),
      cargoDescription: pick('cargoDescription', before.cargoDescription),
      specialHandling: pick('specialHandling', before.specialHandling),
      promisedAt: pick('promisedAt', before.promisedAt?.toISOString() ?? null),
    };
    const values = await this.validate(customer, merged);
    await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(shipments)
        .set({ ...values, version: before.version + 1, updatedAt: this.ctx.now() })
        .where(and(eq(shipments.id, id), eq(shipments.version, version)))
        .returning();
      if (!row) throw staleVersion(await this.view(actor, id, tx));
      await this.writeReferences(tx, row);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'shipment',
        entityId: id,
        customerId: row.customerId,
        before,
        after: row,
      });
      // A promise moved before the current estimate is a delay now, not at the next event.
      await this.ctx.services.exceptions.evaluate(tx, id);
    });
    return this.view(actor, id);
  }

  async cancel(actor: Actor, id: string, reason: string, version?: number): Promise<ShipmentView> {
    const before = await this.requireWritable(actor, id);
    if (before.cancelledAt) throw conflict('This shipment is already cancelled.');
    if (before.deliveredAt) throw conflict('This shipment was delivered; it cannot be cancelled.');
    const text = reason.trim();
    if (!text) throw validationFailed([{ field: 'reason', message: 'must not be blank' }]);
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const conditions = [eq(shipments.id, id), isNull(shipments.cancelledAt)];
      if (version !== undefined) conditions.push(eq(shipments.version, version));
      const [row] = await tx
        .update(shipments)
        .set({ status: 'cancelled', cancelledAt: now, version: before.version + 1, updatedAt: now })
        .where(and(...conditions))
        .returning();
      if (!row) throw staleVersion(await this.view(actor, id, tx));
      await this.ctx.services.timeline.add(tx, {
        customerId: row.customerId,
        at: now,
        kind: SHIPMENT_CANCELLED,
        refType: 'shipment',
        refId: row.id,
        title: shipmentTimelineTitle(SHIPMENT_CANCELLED, row),
        detail: { number: row.number, reason: text },
        departmentId: row.departmentId,
        actorId: actor.id,
      });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'cancel',
        entityType: 'shipment',
        entityId: id,
        customerId: row.customerId,
        before,
        after: { ...row, cancelReason: text },
      });
      // Silence, hold and failed delivery end with the shipment; nothing new is raised for it.
      await this.ctx.services.exceptions.evaluate(tx, id);
    });
    return this.view(actor, id);
  }

  /** Checks and normalises the fields; every problem at once as a 422 naming each field. */
  private async validate(customer: Customer, input: ShipmentCreate): Promise<Values> {
    const problems: FieldProblem[] = [];
    const containers: string[] = [];
    (input.containers ?? []).forEach((raw, i) => {
      const result = validateContainerNumber(raw);
      if (result.ok) {
        if (!containers.includes(result.normalized)) containers.push(result.normalized);
      } else problems.push({ field: `containers[${i}]`, message: result.message, code: result.reason });
    });
    let awb: string | null = null;
    const awbText = trimOrNull(input.awb);
    if (awbText) {
      const result = validateAwbNumber(awbText);
      if (result.ok) awb = result.normalized;
      else problems.push({ field: 'awb', message: result.message, code: result.reason });
    }
    const locode = (field: 'origin' | 'destination') => {
      const text = trimOrNull(input[field]);
      if (!text) return null;
      const result = validateUnLocode(text);
      if (result.ok) return result.normalized;
      problems.push({ field, message: result.message, code: result.reason });
      return null;
    };
    const origin = locode('origin');
    const destination = locode('destination');
    let promisedAt: Date | null = null;
    if (input.promisedAt) {
      promisedAt = new Date(input.promisedAt);
      if (Number.isNaN(promisedAt.getTime()))
        problems.push({ field: 'promisedAt', message: 'must be a date-time' });
    }
    await this.ctx.services.customers.checkContactOf(customer.id, input.contactId, problems);
    const [department] = await this.ctx.db
      .select({ id: departments.id })
      .from(departments)
      .where(eq(departments.id, input.departmentId));
    if (!department) problems.push({ field: 'departmentId', message: 'no such department' });
    const specialHandling = [...new Set((input.specialHandling ?? []).map((s) => s.trim()).filter(Boolean))];
    if (problems.length) throw validationFailed(problems);
    const decimal = (n: number | null | undefined) => (n === undefined || n === null ? null : String(n));
    return {
      contactId: input.contactId ?? null,
      departmentId: input.departmentId,
      mode: input.mode,
      orderNo: trimOrNull(input.orderNo),
      houseBl: trimOrNull(input.houseBl),
      masterBl: trimOrNull(input.masterBl),
      bookingRef: trimOrNull(input.bookingRef),
      awb,
      containers,
      customerReference: trimOrNull(input.customerReference),
      origin,
      destination,
      destinationPostcode: trimOrNull(input.destinationPostcode),
      consigneeName: trimOrNull(input.consigneeName),
      consigneePhone: trimOrNull(input.consigneePhone),
      pieces: input.pieces ?? null,
      weightKg: decimal(input.weightKg),
      volumeM3: decimal(input.volumeM3),
      cargoDescription: trimOrNull(input.cargoDescription),
      specialHandling,
      promisedAt,
    };
  }

  /** Rewrites the shipment's rows in shipment_references from its current fields. */
  private async writeReferences(tx: DbOrTx, row: Shipment): Promise<void> {
    const refs: { kind: ReferenceKind; value: string }[] = [];
    const add = (kind: ReferenceKind, value: string | null) => {
      if (!value) return;
      const normalized = normalizeReference(value);
      if (normalized && !refs.some((r) => r.kind === kind && r.value === normalized))
        refs.push({ kind, value: normalized });
    };
    add('number', row.number);
    add('order', row.orderNo);
    add('house_bl', row.houseBl);
    add('master_bl', row.masterBl);
    add('booking', row.bookingRef);
    // AWB and containers without separators: 157-12345675 is stored as 15712345675.
    add('awb', row.awb?.replace(/[-./]/g, '') ?? null);
    for (const container of row.containers) add('container', container);
    add('customer_ref', row.customerReference);
    await tx.delete(shipmentReferences).where(eq(shipmentReferences.shipmentId, row.id));
    await tx
      .insert(shipmentReferences)
      .values(refs.map((r) => ({ shipmentId: row.id, ...r })))
      .onConflictDoNothing();
  }

  // ------------------------------------------------------------------ derived state (tracking, exceptions)

  /**
   * Writes the derived state (status, estimates, actual times, last event time) that the tracking
   * service computed with currentStatus(); adds timeline entries for milestones that matter
   * (departed, arrived, delivered) and tells portal subscribers. The row version does not change:
   * derived state is not an edit, and a user's edit in progress must not conflict with a feed.
   */
  async applyStatus(
    tx: DbOrTx,
    shipmentId: string,
    status: DerivedStatus,
    lastEventAt: Date | null,
  ): Promise<void> {
    await this.applyStatuses(tx, [{ shipmentId, status, lastEventAt }]);
  }

  /**
   * applyStatus for many shipments at once (an ingestion batch touches thousands): one locking
   * read and one update for all of them; the per-shipment work (timeline, subscribers) only for
   * those whose milestone changed.
   */
  async applyStatuses(
    tx: DbOrTx,
    items: readonly { shipmentId: string; status: DerivedStatus; lastEventAt: Date | null }[],
  ): Promise<void> {
    if (items.length === 0) return;
    const ids = [...new Set(items.map((i) => i.shipmentId))].sort();
    // NO KEY UPDATE: inserting events and exceptions takes KEY SHARE locks on these rows, which
    // FOR UPDATE would conflict with (concurrent batches for one shipment deadlocked). Locked in id
    // order, like every batch, so two batches cannot wait for each other.
    const rows = await tx
      .select()
      .from(shipments)
      .where(inArray(shipments.id, ids))
      .orderBy(asc(shipments.id))
      .for('no key update');
    const byId = new Map(rows.map((r) => [r.id, r]));
    const now = this.ctx.now();
    const time = (iso: string | null | undefined) => (iso ? new Date(iso) : null);
    const planned = items.flatMap(({ shipmentId, status, lastEventAt }) => {
      const before = byId.get(shipmentId);
      if (!before) return [];
      const latest = status.latestActual;
      const next = {
        status: before.cancelledAt ? 'cancelled' : latest ? latest.eventCode.toLowerCase() : 'created',
        statusAt: time(latest?.eventTime),
        statusLocation: latest?.location ?? null,
        estimatedArrivalAt: time(status.expectedArrival?.eventTime),
        estimatedDeliveryAt: time(status.expectedDelivery?.eventTime),
        actualArrivalAt: time(status.actualArrival),
        deliveredAt: time(status.actualDelivery),
        lastEventAt,
        updatedAt: now,
      };
      return [{ before, next, latest }];
    });
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    await tx.execute(sql`
      update shipments s set status = x.status, status_at = x.status_at, status_location = x.status_location,
        estimated_arrival_at = x.estimated_arrival_at, estimated_delivery_at = x.estimated_delivery_at,
        actual_arrival_at = x.actual_arrival_at, delivered_at = x.delivered_at,
        last_event_at = x.last_event_at, updated_at = x.updated_at
      from jsonb_to_recordset(${JSON.stringify(
        planned.map(({ before, next }) => ({
          id: before.id,
          status: next.status,
          status_at: iso(next.statusAt),
          status_location: next.statusLocation,
          estimated_arrival_at: iso(next.estimatedArrivalAt),
          estimated_delivery_at: iso(next.estimatedDeliveryAt),
          actual_arrival_at: iso(next.actualArrivalAt),
          delivered_at: iso(next.deliveredAt),
          last_event_at: iso(next.lastEventAt),
          updated_at: iso(next.updatedAt),
        })),
      )}::jsonb) as x(id uuid, status text, status_at timestamptz, status_location text,
        estimated_arrival_at timestamptz, estimated_delivery_at timestamptz, actual_arrival_at timestamptz,
        delivered_at timestamptz, last_event_at timestamptz, updated_at timestamptz)
      where s.id = x.id`);
    for (const { before, next, latest } of planned) await this.afterStatusChange(tx, before, next, latest);
  }

  /** The per-shipment consequences of a new derived state: timeline entries and subscriber notices. */
  private async afterStatusChange(
    tx: DbOrTx,
    before: Shipment,
    next: Partial<Shipment> & { status: string; statusAt: Date | null },
    latest: DerivedStatus['latestActual'],
  ): Promise<void> {
    const shipmentId = before.id;
    // A withdrawn delivery (the feed retracted it) leaves no "delivered" on the customer's timeline.
    if (before.deliveredAt && !next.deliveredAt)
      await this.ctx.services.timeline.removeRef(tx, 'shipment', shipmentId, SHIPMENT_DELIVERED);
    // Delivered now: an active after-delivery survey invites the customer (issue 5).
    if (!before.deliveredAt && next.deliveredAt && !before.cancelledAt)
      await this.ctx.services.surveys.onShipmentDelivered(tx, shipmentId);
    if (!latest || before.cancelledAt) return;
    const changed =
      before.status !== next.status ||
      (before.statusAt?.getTime() ?? null) !== (next.statusAt?.getTime() ?? null);
    if (!changed) return;
    const code = latest.eventCode;
    const after = { ...before, ...next };
    const kind = MILESTONE_TIMELINE_KINDS[code];
    if (kind) {
      const location = latest.location ?? null;
      const entry = {
        at: next.statusAt ?? this.ctx.now(),
        title: shipmentTimelineTitle(kind, after),
        detail: { number: before.number, eventCode: code, eventTime: latest.eventTime, location },
      };
      // One entry per milestone and place: a corrected time updates it instead of adding another
      // (a transshipment's second departure, from another port, gets its own).
      const [existing] = await tx
        .select({ id: timelineEntries.id })
        .from(timelineEntries)
        .where(
          and(
            eq(timelineEntries.refType, 'shipment'),
            eq(timelineEntries.refId, shipmentId),
            eq(timelineEntries.kind, kind),
            sql`${timelineEntries.detail}->>'location' is not distinct from ${location}`,
          ),
        )
        .limit(1);
      if (existing) await tx.update(timelineEntries).set(entry).where(eq(timelineEntries.id, existing.id));
      else
        await this.ctx.services.timeline.add(tx, {
          customerId: before.customerId,
          kind,
          refType: 'shipment',
          refId: shipmentId,
          ...entry,
          departmentId: before.departmentId,
          actorId: null,
        });
    }
    // Exceptions are told by the exceptions service; paperwork and checks are not movements.
    if (!EXCEPTION_CODES.includes(code) && !INFORMATIONAL_CODES.includes(code))
      await this.tellSubscribers(tx, after, code, latest.eventTime, latest.location ?? null);
  }

  /** Portal subscribers of the shipment (or of all their company's) hear of an actual milestone once. */
  private async tellSubscribers(
    tx: DbOrTx,
    shipment: Shipment,
    code: EventCode,
    eventTime: string,
    location: string | null,
  ): Promise<void> {
    const topics = code === 'DELIVERED' ? ['milestones', 'delivery'] : ['milestones'];
    const subscriptions = await tx
      .select({ userId: shipmentSubscriptions.userId, channels: shipmentSubscriptions.channels })
      .from(shipmentSubscriptions)
      .innerJoin(users, eq(users.id, shipmentSubscriptions.userId))
      .where(
        and(
          eq(shipmentSubscriptions.customerId, shipment.customerId),
          or(eq(shipmentSubscriptions.shipmentId, shipment.id), isNull(shipmentSubscriptions.shipmentId)),
          arrayOverlaps(shipmentSubscriptions.topics, topics),
          eq(users.customerId, shipment.customerId),
          eq(users.active, true),
        ),
      );
    if (subscriptions.length === 0) return;
    const channelsByUser = new Map<string, Set<string>>();
    for (const s of subscriptions) {
      const set = channelsByUser.get(s.userId) ?? new Set<string>();
      for (const c of s.channels) set.add(c);
      channelsByUser.set(s.userId, set);
    }
    const label = milestoneLabel(code);
    const place = location ?? '';
    const subject = `货物动态 Shipment update：${shipment.number} ${label.zh}`;
    const body = [
      `您的货物 ${shipment.number} ${label.zh}${place ? `（${place}）` : ''}，时间 ${eventTime}。`,
      `Your shipment ${shipment.number}: ${label.en}${place ? ` at ${place}` : ''}, ${eventTime}.`,
    ].join('\n');
    const topic = code === 'DELIVERED' ? 'shipment.delivered' : 'shipment.milestone';
    for (const [userId, channels] of channelsByUser) {
      const dedupeKey = `shipment:${shipment.id}:${code}:${new Date(eventTime).toISOString()}:${userId}`;
      if (channels.has('email')) {
        await this.ctx.services.outbound.notifyUser(tx, {
          userId,
          topic,
          subject,
          body,
          refType: 'shipment',
          refId: shipment.id,
          dedupeKey,
        });
      }
      if (channels.has('inapp')) {
        await this.ctx.services.notifications.notify(tx, {
          userId,
          kind: topic,
          title: subject,
          body,
          link: `/portal/shipments/${shipment.id}`,
          refType: 'shipment',
          refId: shipment.id,
          sourceKey: dedupeKey,
        });
      }
    }
  }

  /** Keeps shipments.open_exceptions in step (called by the exceptions service). */
  async setOpenExceptions(tx: DbOrTx, shipmentId: string, count: number): Promise<void> {
    await tx
      .update(shipments)
      .set({ openExceptions: Math.max(0, Math.trunc(count)) })
      .where(eq(shipments.id, shipmentId));
  }

  get context(): AppContext {
    return this.ctx;
  }
}

/** The checked cursor of a list page in the given sort. */
function listCursor(sort: ShipmentSort, cursor: string | undefined): (string | number)[] | undefined {
  if (sort === 'newest') {
    const decoded = decodeTimeCursor(cursor);
    return decoded && [decoded.at.toISOString(), decoded.id];
  }
  const values = decodeCursor(cursor, sort === 'promised' ? 2 : 3);
  if (!values) return undefined;
  return checkCursor(values, sort === 'promised' ? ['time', 'uuid'] : ['int', 'time', 'uuid']);
}

/** Checks the values of a decoded cursor; a forged one is 400 and never reaches SQL. */
function checkCursor(values: unknown[], kinds: ('int' | 'time' | 'uuid')[]): (string | number)[] {
  const bad = () =>
    badRequest('The cursor is not valid; start again from the first page.', [
      { field: 'cursor', message: 'invalid cursor' },
    ]);
  return kinds.map((kind, i) => {
    const value = values[i];
    if (kind === 'int') {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad();
      return value;
    }
    if (typeof value !== 'string') throw bad();
    if (kind === 'uuid' && !isUuid(value)) throw bad();
    if (
      kind === 'time' &&
      value !== 'infinity' &&
      (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value) || Number.isNaN(new Date(value).getTime()))
    )
      throw bad();
    return value;
  });
}
