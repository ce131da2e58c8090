import { type SQL, and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import { isStaff } from '../../domain/access.ts';
import {
  DCSA_OUT,
  type Dcsa22Event,
  type DcsaFilters,
  LIST_FILTERS,
  type ShipmentRefs,
  VALUE_FILTERS,
  matchesFilters,
  normRef,
  toDcsa22,
} from '../../domain/feeds/dcsa-out.ts';
import { dcsaSecretBytes } from '../../domain/feeds/signature.ts';
import type { AppContext } from '../../server/context.ts';
import { Problem, badRequest, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { isUuid } from '../../server/schemas.ts';
import { registerCustomerOwnedTable } from '../customers/merge.ts';
import { shipments } from '../shipments/tables.ts';
import { trackingEvents } from '../tracking/tables.ts';
import { dcsaEventSubscriptions } from './tables.ts';

// A merged file's systems keep their subscriptions (they now see the merged file's events).
registerCustomerOwnedTable(
  'dcsaEventSubscriptions',
  dcsaEventSubscriptions,
  dcsaEventSubscriptions.customerId,
);

/** The API-Version we answer with (DCSA T&T 2.2.0). */
export const DCSA_API_VERSION = '2.2.0';

export const DCSA_EVENT_TYPES = ['SHIPMENT', 'TRANSPORT', 'EQUIPMENT'] as const;
export const CODE_LISTS: Record<(typeof LIST_FILTERS)[number], readonly string[]> = {
  eventType: DCSA_EVENT_TYPES,
  shipmentEventTypeCode: [
    'RECE',
    'DRFT',
    'PENA',
    'PENU',
    'REJE',
    'APPR',
    'ISSU',
    'SURR',
    'SUBM',
    'VOID',
    'CONF',
    'REQS',
    'CMPL',
    'HOLD',
    'RELS',
  ],
  transportEventTypeCode: ['ARRI', 'DEPA'],
  equipmentEventTypeCode: [
    'LOAD',
    'DISC',
    'GTIN',
    'GTOT',
    'STUF',
    'STRP',
    'PICK',
    'DROP',
    'INSP',
    'RSEA',
    'RMVD',
  ],
  documentTypeCode: ['CBR', 'BKG', 'SHI', 'SRM', 'TRD', 'ARN', 'VGM', 'CAS', 'CUS', 'DGD', 'OOG'],
};

export const CREATED_OPERATORS = ['eq', 'gte', 'gt', 'lte', 'lt'] as const;
type CreatedOperator = (typeof CREATED_OPERATORS)[number];

/** GET /v2/events query as received (lists comma-separated, as DCSA sends them). */
export type EventsQuery = Partial<Record<(typeof LIST_FILTERS)[number], string>> &
  Partial<Record<(typeof VALUE_FILTERS)[number], string>> & {
    eventCreatedDateTime?: string;
    'eventCreatedDateTime:eq'?: string;
    'eventCreatedDateTime:gte'?: string;
    'eventCreatedDateTime:gt'?: string;
    'eventCreatedDateTime:lte'?: string;
    'eventCreatedDateTime:lt'?: string;
    customerId?: string;
    limit?: number;
    cursor?: string;
  };

/** What a page cursor carries: the filters, where the page starts and its size. */
interface CursorState {
  f: DcsaFilters;
  c: Partial<Record<CreatedOperator, string>>;
  cust: string | null;
  a: number;
  l: number;
}

export interface EventsPage {
  events: Dcsa22Event[];
  /** Cursors of this page, the next (null at the end) and the first page. */
  current: string;
  next: string | null;
  first: string;
}

export type Subscription = typeof dcsaEventSubscriptions.$inferSelect;

/** A subscription as DCSA shows it: filters flat beside callbackUrl; never the secret. */
export type SubscriptionView = DcsaFilters & {
  subscriptionID: string;
  callbackUrl: string;
  customerId: string;
};

export type SubscriptionInput = DcsaFilters & {
  callbackUrl: string;
  secret?: string;
  customerId?: string;
  subscriptionID?: string;
};

const encodeState = (s: CursorState) => Buffer.from(JSON.stringify(s)).toString('base64url');

function decodeState(cursor: string): CursorState {
  try {
    const s = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
    if (
      s &&
      typeof s === 'object' &&
      typeof s.f === 'object' &&
      s.f !== null &&
      typeof s.c === 'object' &&
      s.c !== null &&
      Number.isSafeInteger(s.a) &&
      s.a >= 0 &&
      Number.isInteger(s.l) &&
      s.l >= 1 &&
      s.l <= 1000 &&
      (s.cust === null || (typeof s.cust === 'string' && isUuid(s.cust)))
    ) {
      // Re-validate what the cursor carries as if it were a fresh query.
      const f = checkFilters(s.f as Record<string, unknown>, 'cursor');
      const c = checkCreated(s.c as Record<string, unknown>, 'cursor');
      return { f, c, cust: s.cust, a: s.a, l: s.l };
    }
  } catch (error) {
    if (error instanceof Problem) throw error;
  }
  throw badRequest('The cursor is not valid; start again from the first page.', [
    { field: 'cursor', message: 'invalid cursor' },
  ]);
}

/** Filters from a query or a subscription body: lists checked against the DCSA code lists. */
function checkFilters(input: Record<string, unknown>, fieldPrefix = ''): DcsaFilters {
  const out: DcsaFilters = {};
  const problems: { field: string; message: string }[] = [];
  for (const name of LIST_FILTERS) {
    const raw = input[name];
    if (raw === undefined || raw === null || raw === '') continue;
    const values = (Array.isArray(raw) ? raw : String(raw).split(','))
      .map((v) => String(v).trim().toUpperCase())
      .filter((v) => v !== '');
    const bad = values.filter((v) => !CODE_LISTS[name].includes(v));
    if (bad.length > 0) {
      problems.push({
        field: fieldPrefix || name,
        message: `unknown ${name} ${bad.join(', ')}; expected one or more of ${CODE_LISTS[name].join(', ')}`,
      });
    } else if (values.length > 0) {
      out[name] = [...new Set(values)];
    }
  }
  for (const name of VALUE_FILTERS) {
    const raw = input[name];
    if (raw === undefined || raw === null || raw === '') continue;
    if (typeof raw !== 'string') {
      problems.push({ field: fieldPrefix || name, message: 'must be a string' });
      continue;
    }
    out[name] = name === 'UNLocationCode' ? raw.trim().toUpperCase() : raw.trim();
  }
  if (problems.length > 0) throw validationFailed(problems);
  return out;
}

function checkCreated(
  input: Record<string, unknown>,
  fieldPrefix = '',
): Partial<Record<CreatedOperator, string>> {
  const out: Partial<Record<CreatedOperator, string>> = {};
  for (const op of CREATED_OPERATORS) {
    const raw = input[op];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw)) || !/^\d{4}-\d{2}-\d{2}/.test(raw)) {
      throw validationFailed([
        {
          field: fieldPrefix || `eventCreatedDateTime:${op}`,
          message: 'must be an ISO 8601 date-time, e.g. 2021-04-01T14:12:56+01:00',
        },
      ]);
    }
    out[op] = new Date(raw).toISOString();
  }
  return out;
}

// SQL for the DCSA type, code and document type of a stored event: the adapter's sourceCode for
// events from a DCSA feed, else the reverse table of dcsa-out.ts (constants only, no input).
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const byCode = (pick: (d: NonNullable<(typeof DCSA_OUT)[keyof typeof DCSA_OUT]>) => string | undefined) =>
  sql.raw(
    `CASE "tracking_events"."event_code" ${Object.entries(DCSA_OUT)
      .filter(([, d]) => d && pick(d))
      .map(([code, d]) => `WHEN ${quote(code)} THEN ${quote(pick(d!)!)}`)
      .join(' ')} END`,
  );
const FROM_DCSA_TE = sql.raw(`"tracking_events"."source_code" ~ '^(TRANSPORT|EQUIPMENT):[A-Z]{4}$'`);
const FROM_DCSA_SH = sql.raw(`"tracking_events"."source_code" ~ '^SHIPMENT:([A-Z]{3}|-):[A-Z]{4}$'`);
const SOURCE_CODE = sql.raw(`"tracking_events"."source_code"`);
const TYPE_SQL = sql`(CASE WHEN ${FROM_DCSA_TE} THEN split_part(${SOURCE_CODE}, ':', 1) WHEN ${FROM_DCSA_SH} THEN 'SHIPMENT' ELSE ${byCode((d) => d.eventType)} END)`;
const CODE_SQL = sql`(CASE WHEN ${FROM_DCSA_TE} THEN split_part(${SOURCE_CODE}, ':', 2) WHEN ${FROM_DCSA_SH} THEN split_part(${SOURCE_CODE}, ':', 3) ELSE ${byCode((d) => d.code)} END)`;
const DOC_SQL = sql`(CASE WHEN ${FROM_DCSA_SH} AND split_part(${SOURCE_CODE}, ':', 2) <> '-' THEN split_part(${SOURCE_CODE}, ':', 2) WHEN ${FROM_DCSA_SH} THEN coalesce(${trackingEvents.details} ->> 'documentTypeCode', 'TRD') ELSE ${byCode((d) => d.documentTypeCode)} END)`;

const normSql = (column: SQL | AnyPgColumn) => sql`upper(regexp_replace(${column}, '\\s', '', 'g'))`;

/** Host names and literal addresses of this or a private network. */
export function isInternalHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.internal')
  )
    return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  if (host.includes(':')) {
    if (host === '::' || host === '::1') return true;
    if (host.startsWith('::ffff:')) return true;
    return /^(fc|fd|fe8|fe9|fea|feb)/.test(host);
  }
  return false;
}

/** Liaison as a DCSA Track & Trace 2.2 provider: GET /v2/events and /v2/event-subscriptions. */
export class DcsaService {
  constructor(private readonly ctx: AppContext) {}

  // -------------------------------------------------------------------------------------------
  // Events

  /**
   * One page of events visible to the actor, oldest change first (tracking_events.seq), with the
   * DCSA 2.2 filters. Portal users see their company's shipments; staff see all, or one customer.
   */
  async listEvents(actor: Actor, query: EventsQuery): Promise<EventsPage> {
    let state: CursorState;
    if (query.cursor) {
      state = decodeState(query.cursor);
    } else {
      const created: Record<string, unknown> = {};
      if (query.eventCreatedDateTime !== undefined) created.eq = query.eventCreatedDateTime;
      for (const op of CREATED_OPERATORS) {
        const v = query[`eventCreatedDateTime:${op}` as const];
        if (v !== undefined) created[op] = v;
      }
      state = {
        f: checkFilters(query as Record<string, unknown>),
        c: checkCreated(created),
        cust: query.customerId ?? null,
        a: 0,
        l: query.limit ?? 100,
      };
    }
    const scope = await this.customerScope(actor, state.cust);
    const te = trackingEvents;
    const conditions: SQL[] = [
      eq(te.retracted, false),
      sql`${TYPE_SQL} IS NOT NULL`,
      sql`NOT (${TYPE_SQL} = 'SHIPMENT' AND ${te.classifier} <> 'ACT')`,
      gt(te.seq, state.a),
    ];
    if (scope) conditions.push(eq(te.customerId, scope));
    const f = state.f;
    if (f.eventType) conditions.push(inArray(TYPE_SQL, f.eventType));
    const typed = (list: string[] | undefined, type: string, expr: SQL) => {
      if (list) conditions.push(sql`${TYPE_SQL} = ${type}`, inArray(expr, list));
    };
    typed(f.shipmentEventTypeCode, 'SHIPMENT', CODE_SQL);
    typed(f.transportEventTypeCode, 'TRANSPORT', CODE_SQL);
    typed(f.equipmentEventTypeCode, 'EQUIPMENT', CODE_SQL);
    typed(f.documentTypeCode, 'SHIPMENT', DOC_SQL);
    if (f.carrierBookingReference)
      conditions.push(sql`${normSql(shipments.bookingRef)} = ${normRef(f.carrierBookingReference)}`);
    if (f.transportDocumentReference) {
      const v = normRef(f.transportDocumentReference);
      conditions.push(
        sql`(${normSql(shipments.houseBl)} = ${v} OR ${normSql(shipments.masterBl)} = ${v} OR ${normSql(shipments.awb)} = ${v})`,
      );
    }
    if (f.equipmentReference) {
      const v = normRef(f.equipmentReference);
      conditions.push(
        sql`(${v} = ANY(${shipments.containers}) OR ${te.details} ->> 'equipmentReference' = ${v})`,
      );
    }
    if (f.UNLocationCode) conditions.push(eq(te.location, f.UNLocationCode));
    if (f.transportCallID) conditions.push(sql`${te.details} ->> 'transportCallID' = ${f.transportCallID}`);
    if (f.vesselIMONumber) conditions.push(sql`${te.details} ->> 'vesselIMONumber' = ${f.vesselIMONumber}`);
    if (f.exportVoyageNumber) conditions.push(sql`${te.details} ->> 'voyage' = ${f.exportVoyageNumber}`);
    if (f.carrierServiceCode)
      conditions.push(sql`${te.details} ->> 'carrierServiceCode' = ${f.carrierServiceCode}`);
    const ops: Record<CreatedOperator, string> = { eq: '=', gte: '>=', gt: '>', lte: '<=', lt: '<' };
    for (const op of CREATED_OPERATORS) {
      const v = state.c[op];
      if (v) conditions.push(sql`${te.updatedAt} ${sql.raw(ops[op])} ${new Date(v)}`);
    }

    const rows = await this.ctx.db
      .select({ event: te, shipment: shipments })
      .from(te)
      .innerJoin(shipments, eq(shipments.id, te.shipmentId))
      .where(and(...conditions))
      .orderBy(asc(te.seq))
      .limit(state.l + 1);
    const more = rows.length > state.l;
    const page = more ? rows.slice(0, state.l) : rows;
    const events = page
      .map((r) => toDcsa22(r.event, r.shipment as ShipmentRefs))
      .filter((e): e is Dcsa22Event => e !== null);
    return {
      events,
      current: encodeState(state),
      next: more ? encodeState({ ...state, a: page[page.length - 1]!.event.seq }) : null,
      first: encodeState({ ...state, a: 0 }),
    };
  }

  /** The one customer the actor's view is limited to, or null for all (staff without customerId). */
  private async customerScope(actor: Actor, customerId: string | null): Promise<string | null> {
    if (actor.role === 'portal') {
      if (!actor.customerId) throw forbidden('This portal account belongs to no company.');
      if (customerId && customerId !== actor.customerId) throw notFound('Customer');
      return actor.customerId;
    }
    if (!isStaff(actor)) throw forbidden();
    if (customerId) {
      await this.ctx.services.customers.requireReadable(actor, customerId);
      return customerId;
    }
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // Subscriptions

  /** Portal users manage their company's subscriptions; admins any customer's. */
  private manageScope(actor: Actor): string | null {
    if (actor.role === 'portal') {
      if (!actor.customerId) throw forbidden('This portal account belongs to no company.');
      return actor.customerId;
    }
    if (actor.role === 'admin') return null;
    throw forbidden('Event subscriptions are managed by the customer (portal users) or administrators.');
  }

  private async requireSubscription(
    actor: Actor,
    id: string,
    db: DbOrTx = this.ctx.db,
  ): Promise<Subscription> {
    const scope = this.manageScope(actor);
    if (!isUuid(id)) throw notFound('Subscription');
    const [row] = await db.select().from(dcsaEventSubscriptions).where(eq(dcsaEventSubscriptions.id, id));
    if (!row || (scope && row.customerId !== scope)) throw notFound('Subscription');
    return row;
  }

  static view(row: Subscription): SubscriptionView {
    return {
      subscriptionID: row.id,
      callbackUrl: row.callbackUrl,
      ...(row.filters as DcsaFilters),
      customerId: row.customerId,
    };
  }

  async listSubscriptions(
    actor: Actor,
    query: { limit?: number; cursor?: string; customerId?: string },
  ): Promise<{ items: SubscriptionView[]; next: string | null }> {
    const scope = this.manageScope(actor);
    const limit = query.limit ?? 100;
    const conditions: SQL[] = [];
    if (scope) conditions.push(eq(dcsaEventSubscriptions.customerId, scope));
    else if (query.customerId) conditions.push(eq(dcsaEventSubscriptions.customerId, query.customerId));
    if (query.cursor) {
      if (!isUuid(query.cursor))
        throw badRequest('The cursor is not valid; start again from the first page.', [
          { field: 'cursor', message: 'invalid cursor' },
        ]);
      conditions.push(gt(dcsaEventSubscriptions.id, query.cursor));
    }
    const rows = await this.ctx.db
      .select()
      .from(dcsaEventSubscriptions)
      .where(and(...conditions))
      .orderBy(asc(dcsaEventSubscriptions.id))
      .limit(limit + 1);
    const more = rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(DcsaService.view);
    return { items, next: more ? items[items.length - 1]!.subscriptionID : null };
  }

  async getSubscription(actor: Actor, id: string): Promise<SubscriptionView> {
    return DcsaService.view(await this.requireSubscription(actor, id));
  }

  /**
   * An absolute http(s) URL. Portal users (customers' systems) may not aim callbacks at this
   * network — loopback, private, link-local or unique-local addresses, localhost, *.local,
   * *.internal — so a subscription cannot make the server POST to internal services; admins may.
   */
  private checkCallbackUrl(actor: Actor, url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw validationFailed([{ field: 'callbackUrl', message: 'must be an absolute http(s) URL' }]);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw validationFailed([{ field: 'callbackUrl', message: 'must be an absolute http(s) URL' }]);
    if (actor.role !== 'admin' && isInternalHost(parsed.hostname))
      throw validationFailed([
        { field: 'callbackUrl', message: 'must be a public address (not loopback, private or local)' },
      ]);
    return parsed.toString();
  }

  private checkSecret(secret: string): string {
    const bytes = dcsaSecretBytes(secret);
    if (!bytes || bytes.length < 32 || bytes.length > 64) {
      throw validationFailed([
        {
          field: 'secret',
          message: 'must be base64 of 32 to 64 bytes (the key of the Notification-Signature HMAC)',
        },
      ]);
    }
    return bytes.toString('base64');
  }

  private filtersOf(input: SubscriptionInput): DcsaFilters {
    const { callbackUrl: _u, secret: _s, customerId: _c, subscriptionID: _i, ...filters } = input;
    return checkFilters(filters as Record<string, unknown>);
  }

  async createSubscription(actor: Actor, input: SubscriptionInput): Promise<SubscriptionView> {
    const scope = this.manageScope(actor);
    let customerId: string;
    if (scope) {
      if (input.customerId && input.customerId !== scope) throw notFound('Customer');
      customerId = scope;
    } else {
      if (!input.customerId)
        throw validationFailed([
          { field: 'customerId', message: 'required: the customer whose shipments the subscription follows' },
        ]);
      customerId = (await this.ctx.services.customers.requireReadable(actor, input.customerId)).id;
    }
    const callbackUrl = this.checkCallbackUrl(actor, input.callbackUrl);
    if (input.secret === undefined) throw validationFailed([{ field: 'secret', message: 'required' }]);
    const secret = this.checkSecret(input.secret);
    const filters = this.filtersOf(input);
    const now = this.ctx.now();
    const row: Subscription = {
      id: uuidv7(),
      customerId,
      createdById: actor.id,
      callbackUrl,
      secret,
      filters: filters as Record<string, unknown>,
      createdAt: now,
      updatedAt: now,
    };
    await this.ctx.db.transaction(async (tx) => {
      await tx.insert(dcsaEventSubscriptions).values(row);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'dcsa_subscription.created',
        entityType: 'dcsa_subscription',
        entityId: row.id,
        customerId,
        after: { callbackUrl, filters },
      });
    });
    return DcsaService.view(row);
  }

  /** PUT: callbackUrl and filters replace the stored ones; the secret changes only through /secret. */
  async updateSubscription(actor: Actor, id: string, input: SubscriptionInput): Promise<SubscriptionView> {
    if (input.subscriptionID !== undefined && input.subscriptionID !== id)
      throw validationFailed([{ field: 'subscriptionID', message: 'must be the subscription of the path' }]);
    if (input.secret !== undefined)
      throw validationFailed([
        {
          field: 'secret',
          message: 'change the secret with PUT /v2/event-subscriptions/{subscriptionID}/secret',
        },
      ]);
    const callbackUrl = this.checkCallbackUrl(actor, input.callbackUrl);
    const filters = this.filtersOf(input);
    return this.ctx.db.transaction(async (tx) => {
      const before = await this.requireSubscription(actor, id, tx);
      if (input.customerId !== undefined && input.customerId !== before.customerId)
        throw validationFailed([{ field: 'customerId', message: 'a subscription stays with its customer' }]);
      const [row] = await tx
        .update(dcsaEventSubscriptions)
        .set({ callbackUrl, filters: filters as Record<string, unknown>, updatedAt: this.ctx.now() })
        .where(eq(dcsaEventSubscriptions.id, id))
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'dcsa_subscription.updated',
        entityType: 'dcsa_subscription',
        entityId: id,
        customerId: before.customerId,
        before: { callbackUrl: before.callbackUrl, filters: before.filters },
        after: { callbackUrl, filters },
      });
      return DcsaService.view(row!);
    });
  }

  async updateSecret(actor: Actor, id: string, secret: string): Promise<void> {
    const value = this.checkSecret(secret);
    await this.ctx.db.transaction(async (tx) => {
      const before = await this.requireSubscription(actor, id, tx);
      await tx
        .update(dcsaEventSubscriptions)
        .set({ secret: value, updatedAt: this.ctx.now() })
        .where(eq(dcsaEventSubscriptions.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'dcsa_subscription.secret_changed',
        entityType: 'dcsa_subscription',
        entityId: id,
        customerId: before.customerId,
      });
    });
  }

  async deleteSubscription(actor: Actor, id: string): Promise<void> {
    await this.ctx.db.transaction(async (tx) => {
      const before = await this.requireSubscription(actor, id, tx);
      await tx.delete(dcsaEventSubscriptions).where(eq(dcsaEventSubscriptions.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'dcsa_subscription.deleted',
        entityType: 'dcsa_subscription',
        entityId: id,
        customerId: before.customerId,
        before: { callbackUrl: before.callbackUrl, filters: before.filters },
      });
    });
  }

  /** The signing secret of a subscription (base64, as DCSA sends it), for the outbound dispatcher; null when deleted. */
  async signingSecret(subscriptionId: string, db: DbOrTx = this.ctx.db): Promise<string | null> {
    if (!isUuid(subscriptionId)) return null;
    const [row] = await db
      .select({ secret: dcsaEventSubscriptions.secret })
      .from(dcsaEventSubscriptions)
      .where(eq(dcsaEventSubscriptions.id, subscriptionId));
    return row?.secret ?? null;
  }

  /**
   * Queues callbacks to every subscription whose filters match these stored events (called inside
   * the ingestion transaction after events were accepted or replaced). One callback per
   * subscription and event version: `[dcsaEvent]`, signed by the outbound dispatcher.
   */
  async publish(tx: DbOrTx, eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    // Most installations have few subscriptions: skip the event reads when there are none.
    const any = await tx.select({ id: dcsaEventSubscriptions.id }).from(dcsaEventSubscriptions).limit(1);
    if (any.length === 0) return;
    const ids = [...new Set(eventIds)].filter(isUuid);
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const rows = await tx
        .select({ event: trackingEvents, shipment: shipments })
        .from(trackingEvents)
        .innerJoin(shipments, eq(shipments.id, trackingEvents.shipmentId))
        .where(and(inArray(trackingEvents.id, chunk), eq(trackingEvents.retracted, false)))
        .orderBy(asc(trackingEvents.seq));
      if (rows.length === 0) continue;
      const customerIds = [...new Set(rows.map((r) => r.event.customerId))];
      const subs = await tx
        .select()
        .from(dcsaEventSubscriptions)
        .where(inArray(dcsaEventSubscriptions.customerId, customerIds))
        .orderBy(asc(dcsaEventSubscriptions.id));
      if (subs.length === 0) continue;
      for (const { event, shipment } of rows) {
        const dcsa = toDcsa22(event, shipment as ShipmentRefs);
        if (!dcsa) continue;
        for (const sub of subs) {
          if (sub.customerId !== event.customerId) continue;
          if (!matchesFilters(sub.filters as DcsaFilters, dcsa, shipment as ShipmentRefs)) continue;
          await this.ctx.services.outbound.enqueueCallback(tx, {
            channel: 'dcsa_callback',
            customerId: event.customerId,
            endpointId: sub.id,
            url: sub.callbackUrl,
            topic: 'dcsa.event',
            payload: [dcsa],
            refType: 'tracking_event',
            refId: event.id,
            dedupeKey: `dcsa:${sub.id}:${event.id}:${event.sourceUpdatedAt.getTime()}:${event.seq}`,
          });
        }
      }
    }
  }

  get context(): AppContext {
    return this.ctx;
  }
}
