import { type SQL, and, asc, desc, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import {
  type ExceptionCondition,
  type ExceptionKind,
  type ExceptionSettings,
  KIND_NAMES_ZH,
  type OpenException,
  type ResolvedException,
  TICKET_CATEGORY_OF_KIND,
  customerNotice,
  describeException,
  exceptionConditions,
  planExceptions,
} from '../../domain/exceptions.ts';
import {
  type EventClassifier,
  type EventCode,
  type MilestoneEvent,
  currentStatus,
} from '../../domain/milestones.ts';
import type { AppContext } from '../../server/context.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { isUuid } from '../../server/schemas.ts';
import { registerCustomerOwnedTable } from '../customers/merge.ts';
import { contacts, customers } from '../customers/tables.ts';
import { departments } from '../departments/tables.ts';
import { shipmentSubscriptions, shipments } from '../shipments/tables.ts';
import { TICKET_CHANNELS, ticketCategories } from '../tickets/tables.ts';
import { outboundMessages } from '../outbound/tables.ts';
import { registerPortalTimelineKind } from '../timeline/service.ts';
import { trackingEvents } from '../tracking/tables.ts';
import { users } from '../users/tables.ts';
import { type ExceptionStatus, shipmentExceptions } from './tables.ts';

registerCustomerOwnedTable('shipmentExceptions', shipmentExceptions, shipmentExceptions.customerId);

/** Customer-timeline kinds; customers see them in the portal too (titles carry nothing internal). */
export const EXCEPTION_RAISED = 'shipment.exception';
export const EXCEPTION_RESOLVED = 'shipment.exception_resolved';
registerPortalTimelineKind(EXCEPTION_RAISED);
registerPortalTimelineKind(EXCEPTION_RESOLVED);

/** Topic of customer notices, webhooks and subscriptions. */
export const EXCEPTION_TOPIC = 'shipment.exception';
/** The follow-up kind of the owner's task. */
export const FOLLOW_UP_KIND = 'shipment_exception';

export type ShipmentException = typeof shipmentExceptions.$inferSelect;

export interface ExceptionView extends ShipmentException {
  shipmentNumber: string;
  shipmentMode: string;
  departmentId: string;
  departmentName: string | null;
  customerName: string;
  ownerId: string;
  ownerName: string | null;
  /** What the rule saw, in words (zh-CN). */
  summary: string;
}

export interface ExceptionFilter {
  status?: string;
  kind?: ExceptionKind;
  customerId?: string;
  departmentId?: string;
  shipmentId?: string;
  limit: number;
  cursor?: string;
}

export interface OpenedTicket {
  ticket: Awaited<ReturnType<AppContext['services']['tickets']['get']>>;
  /** False when the exception had its ticket already (a second click). */
  created: boolean;
}

const owner = alias(users, 'exception_owner');
const SWEEP_BATCH = 200;
/** Shipments evaluated per locking read (bounded IN lists). */
const EVALUATE_CHUNK = 1000;

function severityOfTicket(severity: string): 'low' | 'normal' | 'high' | 'critical' {
  return severity === 'low' || severity === 'high' || severity === 'critical' ? severity : 'normal';
}

/** Shipment exceptions: the rule engine, owner alerts, proactive customer notices, one-click tickets. */
export class ExceptionsService {
  private readonly ticketTurns = new Map<string, Promise<void>>();

  constructor(private readonly ctx: AppContext) {}

  // ------------------------------------------------------------------------------------ engine

  /** Settings read once per transaction (ingestion evaluates many shipments in one). */
  private readonly settingsOfTx = new WeakMap<object, Promise<ExceptionSettings & { timeZone: string }>>();

  private settings(db: DbOrTx): Promise<ExceptionSettings & { timeZone: string }> {
    if (db === this.ctx.db) return this.readSettings(db);
    let cached = this.settingsOfTx.get(db);
    if (!cached) {
      cached = this.readSettings(db);
      this.settingsOfTx.set(db, cached);
    }
    return cached;
  }

  private async readSettings(db: DbOrTx): Promise<ExceptionSettings & { timeZone: string }> {
    const values = await this.ctx.services.settings.getMany(
      ['shipments.silenceHours', 'shipments.delayToleranceMinutes'],
      db,
    );
    return {
      silenceHours: (values['shipments.silenceHours'] ?? {}) as Record<string, number>,
      delayToleranceMinutes: Number(values['shipments.delayToleranceMinutes']) || 0,
      timeZone: await this.ctx.services.settings.displayTimeZone(db),
    };
  }

  /** The events of several shipments in the rules' model, retraction tombstones included. */
  private async eventsOfMany(db: DbOrTx, shipmentIds: string[]): Promise<Map<string, MilestoneEvent[]>> {
    const rows = await db
      .select({
        id: trackingEvents.id,
        shipmentId: trackingEvents.shipmentId,
        eventCode: trackingEvents.eventCode,
        classifier: trackingEvents.classifier,
        eventTimeText: trackingEvents.eventTimeText,
        location: trackingEvents.location,
        source: trackingEvents.source,
        sourceEventId: trackingEvents.sourceEventId,
        sourceUpdatedText: trackingEvents.sourceUpdatedText,
        retracted: trackingEvents.retracted,
      })
      .from(trackingEvents)
      .where(inArray(trackingEvents.shipmentId, shipmentIds));
    const byShipment = new Map<string, MilestoneEvent[]>();
    for (const r of rows) {
      const list = byShipment.get(r.shipmentId) ?? [];
      list.push({
        id: r.id,
        shipmentKey: r.shipmentId,
        eventCode: r.eventCode as EventCode,
        classifier: r.classifier as EventClassifier,
        eventTime: r.eventTimeText,
        location: r.location,
        source: r.source,
        sourceEventId: r.sourceEventId,
        updatedAt: r.sourceUpdatedText,
        ...(r.retracted ? { retracted: true } : {}),
      });
      byShipment.set(r.shipmentId, list);
    }
    return byShipment;
  }

  /**
   * Runs the rules for one shipment after its events changed (called inside the ingestion
   * transaction, and by the sweeper): raises new exceptions once (the one-open-per-kind index
   * arbitrates), resolves those whose condition cleared by itself, refreshes an open delay's
   * detail, and keeps shipments.open_exceptions. Uses only `tx`. Returns the newly raised ones.
   */
  async evaluate(tx: DbOrTx, shipmentId: string): Promise<ShipmentException[]> {
    return this.evaluateMany(tx, [shipmentId]);
  }

  /**
   * evaluate for many shipments at once (an ingestion batch touches thousands): one locking read
   * of the shipments, one of their events and one of their exceptions; writes only for the
   * shipments whose plan changes something. Returns the newly raised exceptions.
   */
  async evaluateMany(
    tx: DbOrTx,
    shipmentIds: readonly string[],
    /** The shipments' events when the caller has just read them (ingestion), to not read them twice. */
    knownEvents?: ReadonlyMap<string, MilestoneEvent[]>,
  ): Promise<ShipmentException[]> {
    const ids = [...new Set(shipmentIds)].sort();
    if (ids.length === 0) return [];
    const raised: ShipmentException[] = [];
    for (let i = 0; i < ids.length; i += EVALUATE_CHUNK) {
      const chunk = ids.slice(i, i + EVALUATE_CHUNK);
      // Serialises evaluations of a shipment (ingestion, sweeper) so the open count stays exact.
      // NO KEY UPDATE, not UPDATE: it does not conflict with the KEY SHARE locks that inserting rows
      // referencing the shipment (events, exceptions) take; id order, so batches cannot deadlock.
      const rows = await tx
        .select()
        .from(shipments)
        .where(inArray(shipments.id, chunk))
        .orderBy(asc(shipments.id))
        .for('no key update');
      if (rows.length === 0) continue;
      const settings = await this.settings(tx);
      const eventsByShipment = knownEvents ?? (await this.eventsOfMany(tx, chunk));
      const exceptionsByShipment = new Map<string, ShipmentException[]>();
      const existingRows = await tx
        .select()
        .from(shipmentExceptions)
        .where(inArray(shipmentExceptions.shipmentId, chunk))
        .orderBy(desc(shipmentExceptions.raisedAt), desc(shipmentExceptions.id));
      for (const row of existingRows) {
        const list = exceptionsByShipment.get(row.shipmentId) ?? [];
        list.push(row);
        exceptionsByShipment.set(row.shipmentId, list);
      }
      const now = this.ctx.now();
      for (const shipment of rows) {
        const events = eventsByShipment.get(shipment.id) ?? [];
        const existing = exceptionsByShipment.get(shipment.id) ?? [];
        raised.push(...(await this.applyRules(tx, shipment, events, existing, settings, now)));
      }
    }
    return raised;
  }

  /** The rules for one locked shipment, with its events and exceptions already read. */
  private async applyRules(
    tx: DbOrTx,
    shipment: typeof shipments.$inferSelect,
    events: MilestoneEvent[],
    existing: ShipmentException[],
    settings: ExceptionSettings & { timeZone: string },
    now: Date,
  ): Promise<ShipmentException[]> {
    const shipmentId = shipment.id;
    const status = currentStatus(events, shipment.destination ? { destination: shipment.destination } : {});
    const conditions = exceptionConditions(shipment, status, events, now, settings);
    const open: OpenException[] = existing
      .filter((e) => e.status !== 'resolved')
      .map((e) => ({ id: e.id, kind: e.kind, detail: e.detail }));
    const resolvedByPeople: ResolvedException[] = [];
    for (const e of existing) {
      if (e.status !== 'resolved' || !e.resolvedById) continue;
      if (resolvedByPeople.some((r) => r.kind === e.kind)) continue;
      resolvedByPeople.push({ kind: e.kind, detail: e.detail, eventId: e.eventId });
    }
    const plan = planExceptions(open, conditions, resolvedByPeople, settings.delayToleranceMinutes);

    const raised: ShipmentException[] = [];
    for (const condition of plan.raise) {
      const row = await this.raise(tx, shipment, condition, now);
      if (row) raised.push(row);
    }
    let cleared: ShipmentException[] = [];
    if (plan.resolve.length > 0) {
      cleared = await tx
        .update(shipmentExceptions)
        .set({
          status: 'resolved',
          resolvedAt: now,
          resolvedById: null,
          resolution: 'cleared: the condition no longer holds',
          updatedAt: now,
        })
        .where(
          and(
            inArray(
              shipmentExceptions.id,
              plan.resolve.map((o) => o.id),
            ),
            ne(shipmentExceptions.status, 'resolved'),
          ),
        )
        .returning();
      for (const row of cleared) await this.recordResolved(tx, null, row, shipment, now);
    }
    for (const { exception, condition } of plan.refresh) {
      await tx
        .update(shipmentExceptions)
        .set({ detail: condition.detail, severity: condition.severity, updatedAt: now })
        .where(eq(shipmentExceptions.id, exception.id));
    }
    // The shipment row is locked and every change of its exceptions takes that lock, so the count
    // follows from what was done; if anything went other than planned, count again.
    if (raised.length === plan.raise.length && cleared.length === plan.resolve.length) {
      const count = open.length + raised.length - cleared.length;
      if (count !== shipment.openExceptions) {
        await this.ctx.services.shipments.setOpenExceptions(tx, shipmentId, count);
      }
    } else {
      await this.syncOpenCount(tx, shipmentId, shipment.openExceptions);
    }
    return raised;
  }

  private async syncOpenCount(tx: DbOrTx, shipmentId: string, known: number): Promise<void> {
    const [{ count }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(shipmentExceptions)
      .where(and(eq(shipmentExceptions.shipmentId, shipmentId), ne(shipmentExceptions.status, 'resolved')));
    if (Number(count) !== known)
      await this.ctx.services.shipments.setOpenExceptions(tx, shipmentId, Number(count));
  }

  /** Inserts one exception (nothing when one of its kind is open already) and tells everyone once. */
  private async raise(
    tx: DbOrTx,
    shipment: typeof shipments.$inferSelect,
    condition: ExceptionCondition,
    now: Date,
  ): Promise<ShipmentException | null> {
    const [row] = await tx
      .insert(shipmentExceptions)
      .values({
        id: uuidv7(),
        shipmentId: shipment.id,
        customerId: shipment.customerId,
        kind: condition.kind,
        status: 'open',
        severity: condition.severity,
        detail: condition.detail,
        eventId: condition.eventId,
        raisedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({
        target: [shipmentExceptions.shipmentId, shipmentExceptions.kind],
        where: sql`status <> 'resolved'`,
      })
      .returning();
    if (!row) return null;
    return this.announce(tx, row, shipment, now);
  }

  /**
   * The alerts of a newly raised exception, all in the caller's transaction and all once-only:
   * the owner's task and in-app notice, the customer timeline, the proactive notice to the
   * shipment's contact, the customer's webhooks and robots, and portal subscribers.
   */
  private async announce(
    tx: DbOrTx,
    row: ShipmentException,
    shipment: typeof shipments.$inferSelect,
    now: Date,
  ): Promise<ShipmentException> {
    const [customer] = await tx
      .select({
        id: customers.id,
        name: customers.name,
        ownerId: customers.ownerId,
        teamId: customers.teamId,
        ownerName: users.name,
      })
      .from(customers)
      .leftJoin(users, eq(users.id, customers.ownerId))
      .where(eq(customers.id, shipment.customerId));
    const { timeZone } = await this.settings(tx);
    const kindName = KIND_NAMES_ZH[row.kind];
    const summary = describeException(row.kind, row.detail, timeZone);
    const key = `exception:${row.id}`;

    // The owner's task, due now: call the customer before they call us.
    let followUpId: string | null = null;
    let contactId = shipment.contactId;
    if (contactId) {
      const [contact] = await tx
        .select({ doNotContact: contacts.doNotContact })
        .from(contacts)
        .where(eq(contacts.id, contactId));
      if (!contact || contact.doNotContact) contactId = null;
    }
    if (customer?.ownerId) {
      const task = await this.ctx.services.followUps.insert(
        tx,
        null,
        { id: customer.id, ownerId: customer.ownerId, teamId: customer.teamId },
        {
          assigneeId: customer.ownerId,
          contactId,
          kind: FOLLOW_UP_KIND,
          title: `运单异常（${kindName}）：${shipment.number} 联系客户`,
          notes: summary,
          dueAt: now,
          status: 'open',
          createdBy: null,
          sourceKey: key,
        },
        timeZone,
      );
      followUpId = task.id;
      await this.ctx.services.notifications.notify(tx, {
        userId: customer.ownerId,
        kind: 'shipment.exception',
        title: `运单 ${shipment.number} ${kindName}：${customer.name}`,
        body: summary,
        link: `/shipments/${shipment.id}`,
        refType: 'shipment_exception',
        refId: row.id,
        sourceKey: `${key}:owner`,
      });
    }

    await this.ctx.services.timeline.add(tx, {
      customerId: shipment.customerId,
      at: now,
      kind: EXCEPTION_RAISED,
      refType: 'shipment',
      refId: shipment.id,
      title: `运单 ${shipment.number} ${kindName}`,
      detail: { number: shipment.number, kind: row.kind, exceptionId: row.id },
      departmentId: shipment.departmentId,
      actorId: null,
    });

    // Proactive notice to the customer in their contact's preferred channel.
    const notice = customerNotice(row.kind, row.detail, {
      number: shipment.number,
      origin: shipment.origin,
      destination: shipment.destination,
      ownerName: customer?.ownerName ?? null,
      timeZone,
    });
    const messageId = await this.ctx.services.outbound.notifyContact(tx, {
      customerId: shipment.customerId,
      contactId: shipment.contactId,
      topic: EXCEPTION_TOPIC,
      subject: notice.subject,
      body: notice.body,
      refType: 'shipment_exception',
      refId: row.id,
      dedupeKey: key,
    });
    let customerNotifiedAt: Date | null = null;
    if (messageId) {
      const [message] = await tx
        .select({ status: outboundMessages.status })
        .from(outboundMessages)
        .where(eq(outboundMessages.id, messageId));
      if (message && message.status !== 'suppressed') customerNotifiedAt = now;
    }

    await this.ctx.services.outbound.notifyEndpoints(
      tx,
      shipment.customerId,
      EXCEPTION_TOPIC,
      {
        event: EXCEPTION_TOPIC,
        exceptionId: row.id,
        shipmentId: shipment.id,
        shipmentNumber: shipment.number,
        kind: row.kind,
        severity: row.severity,
        detail: row.detail,
        raisedAt: row.raisedAt.toISOString(),
        // WeCom / DingTalk robots show these as the message (the customer's notice in plain words).
        title: notice.subject,
        text: notice.body,
      },
      key,
    );

    // Portal users who subscribed to this shipment (or all of their company's) for exceptions.
    const subscribers = await tx
      .select({ userId: shipmentSubscriptions.userId, channels: shipmentSubscriptions.channels })
      .from(shipmentSubscriptions)
      .innerJoin(users, eq(users.id, shipmentSubscriptions.userId))
      .where(
        and(
          eq(shipmentSubscriptions.customerId, shipment.customerId),
          sql`(${shipmentSubscriptions.shipmentId} = ${shipment.id} or ${shipmentSubscriptions.shipmentId} is null)`,
          sql`'exceptions' = any(${shipmentSubscriptions.topics})`,
          eq(users.active, true),
        ),
      )
      .orderBy(asc(shipmentSubscriptions.userId));
    const told = new Set<string>();
    for (const sub of subscribers) {
      if (told.has(sub.userId)) continue;
      told.add(sub.userId);
      const userKey = `${key}:user:${sub.userId}`;
      if (sub.channels.includes('email')) {
        await this.ctx.services.outbound.notifyUser(tx, {
          userId: sub.userId,
          topic: EXCEPTION_TOPIC,
          subject: notice.subject,
          body: notice.body,
          refType: 'shipment_exception',
          refId: row.id,
          dedupeKey: userKey,
        });
      }
      if (sub.channels.includes('inapp')) {
        await this.ctx.services.notifications.notify(tx, {
          userId: sub.userId,
          kind: 'shipment.exception',
          title: notice.subject,
          body: notice.body,
          link: `/portal/shipments/${shipment.id}`,
          refType: 'shipment',
          refId: shipment.id,
          sourceKey: userKey,
        });
      }
    }

    const [updated] = await tx
      .update(shipmentExceptions)
      .set({ followUpId, customerNotifiedAt })
      .where(eq(shipmentExceptions.id, row.id))
      .returning();
    await this.ctx.services.audit.record(tx, null, {
      action: 'create',
      entityType: 'shipment_exception',
      entityId: row.id,
      customerId: shipment.customerId,
      after: updated,
    });
    return updated;
  }

  private async recordResolved(
    tx: DbOrTx,
    actor: Actor | null,
    row: ShipmentException,
    shipment: { id: string; number: string; customerId: string; departmentId: string },
    now: Date,
    before?: ShipmentException,
  ): Promise<void> {
    await this.ctx.services.timeline.add(tx, {
      customerId: shipment.customerId,
      at: now,
      kind: EXCEPTION_RESOLVED,
      refType: 'shipment',
      refId: shipment.id,
      title: `运单 ${shipment.number} ${KIND_NAMES_ZH[row.kind]}已解除`,
      detail: { number: shipment.number, kind: row.kind, exceptionId: row.id },
      departmentId: shipment.departmentId,
      actorId: actor?.id ?? null,
    });
    await this.ctx.services.audit.record(tx, actor, {
      action: 'resolve',
      entityType: 'shipment_exception',
      entityId: row.id,
      customerId: row.customerId,
      before: before ?? null,
      after: row,
    });
  }

  /**
   * The 15-minute sweep for the time-based rules: shipments under way that went silent for longer
   * than their mode allows, or whose promise (plus tolerance) passed undelivered, without an open
   * exception of that kind yet; and finished shipments that still have self-clearing exceptions
   * open. Candidates come from the partial index on active shipments; each is evaluated in its
   * own short transaction. Returns how many exceptions were raised.
   */
  async sweep(now: Date = this.ctx.now()): Promise<number> {
    const settings = await this.settings(this.ctx.db);
    const modes = Object.entries(settings.silenceHours)
      .map(([mode, hours]) => [mode, Number(hours)] as const)
      .filter(([mode, hours]) => /^[a-z_]+$/.test(mode) && Number.isFinite(hours) && hours > 0);
    const at = sql`${now.toISOString()}::timestamptz`;
    // Below this nobody can be silent, whatever the mode: the range bound for the partial index.
    const silentBefore = modes.length
      ? sql`${at} - make_interval(secs => ${Math.min(...modes.map(([, h]) => h)) * 3600})`
      : null;
    const modeSeconds = sql.raw(
      `(case s.mode ${modes.map(([m, h]) => `when '${m}' then ${h * 3600}`).join(' ')} else null end)`,
    );
    const promiseBefore = sql`${at} - make_interval(secs => ${settings.delayToleranceMinutes * 60})`;
    const noOpen = (kind: ExceptionKind) =>
      sql.raw(
        `not exists (select 1 from shipment_exceptions e where e.shipment_id = s.id and e.kind = '${kind}' and e.status <> 'resolved')`,
      );
    // A time-based exception a person resolved is not raised again for the same situation
    // (repeatsResolved): without new events only time passes, which cannot change that, so such
    // shipments are left out until something arrives — else every overdue shipment whose delivery
    // is never reported would be evaluated again every 15 minutes, forever.
    const silenceResolved = sql.raw(
      `not exists (select 1 from shipment_exceptions r where r.shipment_id = s.id and r.kind = 'silence' and r.status = 'resolved' and r.resolved_by_id is not null and (r.detail->>'since')::timestamptz = date_trunc('milliseconds', coalesce(s.last_event_at, s.created_at)))`,
    );
    const delayResolved = sql.raw(
      `not exists (select 1 from shipment_exceptions r where r.shipment_id = s.id and r.kind = 'delay' and r.status = 'resolved' and r.resolved_by_id is not null and r.resolved_at >= coalesce(s.last_event_at, s.created_at) and (r.detail->>'promisedAt')::timestamptz = date_trunc('milliseconds', s.promised_at))`,
    );
    const active = sql`s.delivered_at is null and s.cancelled_at is null`;
    let raised = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const branches: SQL[] = [];
      if (silentBefore) {
        branches.push(sql`select s.id from shipments s
          where ${active} and s.last_event_at < ${silentBefore} and s.id > ${after}::uuid
            and s.last_event_at < ${at} - make_interval(secs => ${modeSeconds}) and ${noOpen('silence')}
            and ${silenceResolved}`);
        branches.push(sql`select s.id from shipments s
          where ${active} and s.last_event_at is null and s.created_at < ${silentBefore} and s.id > ${after}::uuid
            and s.created_at < ${at} - make_interval(secs => ${modeSeconds}) and ${noOpen('silence')}
            and ${silenceResolved}`);
      }
      branches.push(sql`select s.id from shipments s
        where ${active} and s.promised_at < ${promiseBefore} and s.id > ${after}::uuid and ${noOpen('delay')}
          and ${delayResolved}`);
      // Finished shipments whose self-clearing exceptions are still open (cancelled, delivered by hand).
      branches.push(sql`select e.shipment_id from shipment_exceptions e join shipments s on s.id = e.shipment_id
        where e.status <> 'resolved' and e.kind in ('silence', 'hold', 'delivery_failed')
          and (s.delivered_at is not null or s.cancelled_at is not null) and e.shipment_id > ${after}::uuid`);
      const result = await this.ctx.db.execute(
        sql`${sql.join(branches, sql` union `)} order by 1 limit ${SWEEP_BATCH}`,
      );
      const ids = (result as unknown as { rows: Record<string, unknown>[] }).rows.map((r) =>
        String(Object.values(r)[0]),
      );
      for (const id of ids) {
        const created = await this.ctx.db.transaction((tx) => this.evaluate(tx, id));
        raised += created.length;
      }
      if (ids.length < SWEEP_BATCH) break;
      after = ids[ids.length - 1];
    }
    return raised;
  }

  // ------------------------------------------------------------------------------------ reading

  private selectViews(db: DbOrTx = this.ctx.db) {
    return db
      .select({
        row: shipmentExceptions,
        shipmentNumber: shipments.number,
        shipmentMode: shipments.mode,
        departmentId: shipments.departmentId,
        departmentName: departments.name,
        customerName: customers.name,
        ownerId: customers.ownerId,
        ownerName: owner.name,
      })
      .from(shipmentExceptions)
      .innerJoin(shipments, eq(shipments.id, shipmentExceptions.shipmentId))
      .innerJoin(customers, eq(customers.id, shipmentExceptions.customerId))
      .leftJoin(departments, eq(departments.id, shipments.departmentId))
      .leftJoin(owner, eq(owner.id, customers.ownerId));
  }

  private async toViews(
    rows: Awaited<ReturnType<ReturnType<ExceptionsService['selectViews']>['where']>>,
    db: DbOrTx = this.ctx.db,
  ): Promise<ExceptionView[]> {
    if (rows.length === 0) return [];
    const timeZone = await this.ctx.services.settings.displayTimeZone(db);
    return rows.map(({ row, ...rest }) => ({
      ...row,
      ...rest,
      summary: describeException(row.kind, row.detail, timeZone),
    }));
  }

  private async view(id: string, db: DbOrTx = this.ctx.db): Promise<ExceptionView | undefined> {
    const rows = await this.selectViews(db).where(eq(shipmentExceptions.id, id));
    return (await this.toViews(rows, db))[0];
  }

  /** Staff read every exception (like every shipment); portal users none (they see shipments). */
  private async requireReadable(actor: Actor, id: string, db: DbOrTx = this.ctx.db): Promise<ExceptionView> {
    if (!isStaff(actor) || !isUuid(id)) throw notFound('Shipment exception');
    const view = await this.view(id, db);
    if (!view) throw notFound('Shipment exception');
    return view;
  }

  async get(actor: Actor, id: string): Promise<ExceptionView> {
    return this.requireReadable(actor, id);
  }

  async list(actor: Actor, filter: ExceptionFilter) {
    const cursor = decodeTimeCursor(filter.cursor);
    if (!isStaff(actor)) throw forbidden('Shipment exceptions are for staff; customers see their shipments.');
    const conditions: SQL[] = [];
    // Operations users work on their own department's shipments.
    if (actor.role === 'operations') {
      if (!actor.departmentId) return { items: [], nextCursor: null };
      conditions.push(eq(shipments.departmentId, actor.departmentId));
    }
    if (filter.status) {
      const statuses = filter.status.split(',') as ExceptionStatus[];
      conditions.push(inArray(shipmentExceptions.status, statuses));
    }
    if (filter.kind) conditions.push(eq(shipmentExceptions.kind, filter.kind));
    if (filter.customerId) conditions.push(eq(shipmentExceptions.customerId, filter.customerId));
    if (filter.departmentId) conditions.push(eq(shipments.departmentId, filter.departmentId));
    if (filter.shipmentId) conditions.push(eq(shipmentExceptions.shipmentId, filter.shipmentId));
    if (cursor) {
      conditions.push(afterTimeCursor(shipmentExceptions.raisedAt, shipmentExceptions.id, cursor, 'desc'));
    }
    const rows = await this.selectViews()
      .where(and(...conditions))
      .orderBy(desc(shipmentExceptions.raisedAt), desc(shipmentExceptions.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.row.raisedAt.toISOString(), r.row.id]);
    return { items: await this.toViews(page.items), nextCursor: page.nextCursor };
  }

  // ------------------------------------------------------------------------------------ acting

  /** The customer's owner, operations of the shipment's department, supervisors and admins. */
  private requireHandler(actor: Actor, view: ExceptionView): void {
    const allowed =
      actor.role === 'admin' ||
      actor.role === 'supervisor' ||
      view.ownerId === actor.id ||
      (actor.role === 'operations' &&
        actor.departmentId !== null &&
        actor.departmentId === view.departmentId);
    if (!allowed) {
      throw forbidden(
        'The customer’s owner, operations of the shipment’s department, supervisors and admins handle exceptions.',
      );
    }
  }

  async acknowledge(actor: Actor, id: string): Promise<ExceptionView> {
    const view = await this.requireReadable(actor, id);
    this.requireHandler(actor, view);
    if (view.status === 'resolved') throw conflict('This exception is resolved already.');
    if (view.status === 'acknowledged') return view;
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(shipmentExceptions)
        .set({ status: 'acknowledged', acknowledgedAt: now, acknowledgedById: actor.id, updatedAt: now })
        .where(and(eq(shipmentExceptions.id, id), eq(shipmentExceptions.status, 'open')))
        .returning();
      if (!row) return;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'acknowledge',
        entityType: 'shipment_exception',
        entityId: id,
        customerId: row.customerId,
        before: { status: view.status },
        after: row,
      });
    });
    return (await this.view(id))!;
  }

  async resolve(actor: Actor, id: string, resolution: string): Promise<ExceptionView> {
    const text = resolution.trim();
    if (!text) throw validationFailed([{ field: 'resolution', message: 'must not be blank' }]);
    const view = await this.requireReadable(actor, id);
    this.requireHandler(actor, view);
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const [shipment] = await tx
        .select()
        .from(shipments)
        .where(eq(shipments.id, view.shipmentId))
        .for('no key update');
      const [before] = await tx.select().from(shipmentExceptions).where(eq(shipmentExceptions.id, id));
      if (!before || before.status === 'resolved') throw conflict('This exception is resolved already.');
      const [row] = await tx
        .update(shipmentExceptions)
        .set({
          status: 'resolved',
          resolvedAt: now,
          resolvedById: actor.id,
          resolution: text,
          updatedAt: now,
        })
        .where(eq(shipmentExceptions.id, id))
        .returning();
      await this.recordResolved(tx, actor, row, shipment, now, before);
      await this.syncOpenCount(tx, shipment.id, shipment.openExceptions);
    });
    return (await this.view(id))!;
  }

  /**
   * One click: a complaint (or inquiry) about the shipment, category by kind, subject and words
   * prefilled, linked both ways (tickets.shipment_id, exception.ticket_id). A second click returns
   * the ticket already opened (`created: false`).
   */
  async openTicket(
    actor: Actor,
    id: string,
    input: { type?: 'complaint' | 'inquiry' },
  ): Promise<OpenedTicket> {
    // Clicks on one exception take turns in this process, so a double click opens one ticket. (Two
    // server processes clicking at the same instant could still open two; the exception links the
    // first and both answers name it.)
    const previous = this.ticketTurns.get(id) ?? Promise.resolve();
    const run = previous.then(() => this.openTicketNow(actor, id, input));
    const turn = run.then(
      () => undefined,
      () => undefined,
    );
    this.ticketTurns.set(id, turn);
    try {
      return await run;
    } finally {
      if (this.ticketTurns.get(id) === turn) this.ticketTurns.delete(id);
    }
  }

  private async openTicketNow(
    actor: Actor,
    id: string,
    input: { type?: 'complaint' | 'inquiry' },
  ): Promise<OpenedTicket> {
    const view = await this.requireReadable(actor, id);
    if (view.ticketId) {
      return { ticket: await this.ctx.services.tickets.get(actor, view.ticketId), created: false };
    }
    const [shipment] = await this.ctx.db.select().from(shipments).where(eq(shipments.id, view.shipmentId));
    const code = TICKET_CATEGORY_OF_KIND[view.kind];
    const categories = await this.ctx.db
      .select({ id: ticketCategories.id, code: ticketCategories.code })
      .from(ticketCategories)
      .where(and(inArray(ticketCategories.code, [code, 'other']), eq(ticketCategories.active, true)));
    const category = categories.find((c) => c.code === code) ?? categories.find((c) => c.code === 'other');
    if (!category) throw conflict(`No active ticket category "${code}" or "other" to file this under.`);
    let channel = 'phone';
    if (shipment.contactId) {
      const [contact] = await this.ctx.db
        .select({ preferredChannel: contacts.preferredChannel })
        .from(contacts)
        .where(eq(contacts.id, shipment.contactId));
      const preferred = contact?.preferredChannel ?? '';
      if ((TICKET_CHANNELS as readonly string[]).includes(preferred)) channel = preferred;
    }
    const lane =
      shipment.origin && shipment.destination ? `${shipment.origin}-${shipment.destination}` : null;
    const ticket = await this.ctx.services.tickets.create(actor, {
      type: input.type ?? 'complaint',
      channel,
      customerId: shipment.customerId,
      contactId: shipment.contactId,
      shipmentId: shipment.id,
      shipmentRef: shipment.number,
      lane,
      categoryId: category.id,
      severity: severityOfTicket(view.severity),
      subject: `运单 ${shipment.number} ${KIND_NAMES_ZH[view.kind]}`.slice(0, 200),
      customerWords: `${view.summary}（由运单异常生成，请向客户核实并补充客户原话）`,
    });
    const now = this.ctx.now();
    const linked = await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(shipmentExceptions)
        .set({ ticketId: ticket.id, updatedAt: now })
        .where(and(eq(shipmentExceptions.id, id), sql`${shipmentExceptions.ticketId} is null`))
        .returning();
      if (!row) return false;
      await this.ctx.services.audit.record(tx, actor, {
        action: 'open_ticket',
        entityType: 'shipment_exception',
        entityId: id,
        customerId: row.customerId,
        before: { ticketId: null },
        after: { ticketId: ticket.id },
      });
      return true;
    });
    if (!linked) {
      // Someone else's click won the race: answer with their ticket.
      const [current] = await this.ctx.db
        .select({ ticketId: shipmentExceptions.ticketId })
        .from(shipmentExceptions)
        .where(and(eq(shipmentExceptions.id, id), isNotNull(shipmentExceptions.ticketId)));
      if (current?.ticketId) {
        return { ticket: await this.ctx.services.tickets.get(actor, current.ticketId), created: false };
      }
    }
    return { ticket, created: true };
  }

  get context(): AppContext {
    return this.ctx;
  }
}
