import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import type { AppContext } from '../../server/context.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { notFound } from '../../server/problems.ts';
import { notifications } from './tables.ts';

export type Notification = typeof notifications.$inferSelect;

export interface NewNotification {
  userId: string;
  /** Dotted kind, e.g. `ticket.sla_warning`, `work_order.overdue`, `commitment.overdue`. */
  kind: string;
  title: string;
  body?: string | null;
  link?: string | null;
  refType?: string | null;
  refId?: string | null;
  /** Same key, one notice: jobs that fire twice (retry, sweeper) tell a person once. */
  sourceKey?: string | null;
}

export interface NotificationFilter {
  unread?: boolean;
  limit: number;
  cursor?: string;
}

/** In-app notices (站内提醒) on each user's bell. Written by other modules inside their transaction. */
export class NotificationsService {
  constructor(private readonly ctx: AppContext) {}

  /** Adds notices; those whose sourceKey exists already are skipped. Returns how many were added. */
  async notify(tx: DbOrTx, notices: NewNotification | NewNotification[]): Promise<number> {
    const list = (Array.isArray(notices) ? notices : [notices]).filter((notice) => notice.userId);
    if (list.length === 0) return 0;
    const inserted = await tx
      .insert(notifications)
      .values(
        list.map((notice) => ({
          id: uuidv7(),
          userId: notice.userId,
          kind: notice.kind,
          title: notice.title,
          body: notice.body ?? null,
          link: notice.link ?? null,
          refType: notice.refType ?? null,
          refId: notice.refId ?? null,
          sourceKey: notice.sourceKey ?? null,
          createdAt: this.ctx.now(),
        })),
      )
      .onConflictDoNothing({ target: notifications.sourceKey })
      .returning({ id: notifications.id });
    return inserted.length;
  }

  /** The caller's own notices, newest first. */
  async list(actor: Actor, filter: NotificationFilter) {
    const conditions = [eq(notifications.userId, actor.id)];
    if (filter.unread) conditions.push(isNull(notifications.readAt));
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor) conditions.push(afterTimeCursor(notifications.createdAt, notifications.id, cursor, 'desc'));
    const rows = await this.ctx.db
      .select()
      .from(notifications)
      .where(and(...conditions))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(filter.limit + 1);
    return toPage(rows, filter.limit, (row) => [row.createdAt.toISOString(), row.id]);
  }

  async unreadCount(actor: Actor): Promise<number> {
    const [row] = await this.ctx.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt)));
    return Number(row?.n ?? 0);
  }

  /** Marks the caller's notices read: the given ones, or all when `ids` is omitted. */
  async markRead(actor: Actor, ids?: string[]): Promise<number> {
    const conditions = [eq(notifications.userId, actor.id), isNull(notifications.readAt)];
    if (ids) {
      if (ids.length === 0) return 0;
      conditions.push(inArray(notifications.id, ids));
    }
    const updated = await this.ctx.db
      .update(notifications)
      .set({ readAt: this.ctx.now() })
      .where(and(...conditions))
      .returning({ id: notifications.id });
    return updated.length;
  }

  async get(actor: Actor, id: string): Promise<Notification> {
    const [row] = await this.ctx.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, id), eq(notifications.userId, actor.id)));
    if (!row) throw notFound('Notification');
    return row;
  }
}
