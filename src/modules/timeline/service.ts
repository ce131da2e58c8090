import { and, desc, eq, inArray, lt, or } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import type { AppContext } from '../../server/context.ts';
import { decodeCursor, toPage } from '../../server/pagination.ts';
import { badRequest } from '../../server/problems.ts';
import { timelineEntries } from './tables.ts';

export interface TimelineEvent {
  customerId: string;
  at: Date;
  kind: string;
  refType: string;
  refId: string;
  title: string;
  detail?: Record<string, unknown>;
  departmentId?: string | null;
  actorId?: string | null;
}

/**
 * Timeline kinds a customer's own portal users may see. Interactions, follow-ups and file changes are
 * internal; later modules register what is meant for the customer (ticket replies, shipment milestones).
 */
const portalVisibleKinds = new Set<string>();
export function registerPortalTimelineKind(kind: string): void {
  portalVisibleKinds.add(kind);
}
export function portalTimelineKinds(): string[] {
  return [...portalVisibleKinds];
}

/**
 * The customer timeline. Modules add an entry in the transaction that creates their record, so the
 * timeline never shows something that was rolled back and never misses something that was kept.
 */
export class TimelineService {
  constructor(private readonly ctx: AppContext) {}

  async add(tx: DbOrTx, event: TimelineEvent): Promise<void> {
    await this.addMany(tx, [event]);
  }

  /** Many entries in one statement (generators that create thousands of records at once). */
  async addMany(tx: DbOrTx, events: TimelineEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.insert(timelineEntries).values(
      events.map((event) => ({
        id: uuidv7(),
        customerId: event.customerId,
        at: event.at,
        kind: event.kind,
        refType: event.refType,
        refId: event.refId,
        title: event.title,
        detail: event.detail ?? {},
        departmentId: event.departmentId ?? null,
        actorId: event.actorId ?? null,
      })),
    );
  }

  /** Corrects the entry of a record that was edited (its time, title or detail changed). */
  async updateRef(
    tx: DbOrTx,
    refType: string,
    refId: string,
    kind: string,
    changes: Partial<Pick<TimelineEvent, 'at' | 'title' | 'detail' | 'departmentId'>>,
  ): Promise<void> {
    await tx
      .update(timelineEntries)
      .set(changes)
      .where(
        and(
          eq(timelineEntries.refType, refType),
          eq(timelineEntries.refId, refId),
          eq(timelineEntries.kind, kind),
        ),
      );
  }

  /** Removes the entries of a deleted record (the audit log keeps what it was). */
  async removeRef(tx: DbOrTx, refType: string, refId: string, kind?: string): Promise<void> {
    const conditions = [eq(timelineEntries.refType, refType), eq(timelineEntries.refId, refId)];
    if (kind) conditions.push(eq(timelineEntries.kind, kind));
    await tx.delete(timelineEntries).where(and(...conditions));
  }

  /** Newest first, keyset-paged. Access is checked by the caller (the customers service). */
  async list(
    customerId: string,
    options: { limit: number; cursor?: string; kind?: string; onlyKinds?: string[] },
  ) {
    const cursor = decodeCursor(options.cursor, 2);
    if (options.onlyKinds && options.onlyKinds.length === 0) return { items: [], nextCursor: null };
    const conditions = [eq(timelineEntries.customerId, customerId)];
    if (options.onlyKinds) conditions.push(inArray(timelineEntries.kind, options.onlyKinds));
    if (options.kind) conditions.push(eq(timelineEntries.kind, options.kind));
    if (cursor) {
      const at = new Date(cursor[0] as string);
      const id = cursor[1];
      if (Number.isNaN(at.getTime()) || typeof id !== 'string') throw badRequest('The cursor is not valid.');
      conditions.push(
        or(lt(timelineEntries.at, at), and(eq(timelineEntries.at, at), lt(timelineEntries.id, id)))!,
      );
    }
    const rows = await this.ctx.db
      .select()
      .from(timelineEntries)
      .where(and(...conditions))
      .orderBy(desc(timelineEntries.at), desc(timelineEntries.id))
      .limit(options.limit + 1);
    return toPage(rows, options.limit, (r) => [r.at.toISOString(), r.id]);
  }

  /** Used by merge: every entry of the folded file moves to the surviving one. */
  async moveCustomer(tx: DbOrTx, fromCustomerId: string, toCustomerId: string): Promise<number> {
    const moved = await tx
      .update(timelineEntries)
      .set({ customerId: toCustomerId })
      .where(eq(timelineEntries.customerId, fromCustomerId))
      .returning({ id: timelineEntries.id });
    return moved.length;
  }
}
