import { type SQL, and, desc, eq, gte, lt, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import type { AppContext } from '../../server/context.ts';
import { decodeCursor, toPage } from '../../server/pagination.ts';
import { badRequest, forbidden } from '../../server/problems.ts';
import { auditLog } from './tables.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  customerId?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  customerId?: string;
  actorId?: string;
  action?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** Drop fields that must never be copied into the audit trail. */
function scrub(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value ?? null;
  const { passwordHash: _p, searchVector: _s, searchPhones: _sp, ...rest } = value as Record<string, unknown>;
  return rest;
}

export class AuditService {
  constructor(private readonly ctx: AppContext) {}

  /** Record a change in the same transaction as the change itself. */
  async record(tx: DbOrTx, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await this.recordMany(tx, actor, [entry]);
  }

  /** Many entries in one statement (generators that create thousands of records at once). */
  async recordMany(tx: DbOrTx, actor: Actor | null, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.insert(auditLog).values(
      entries.map((entry) => ({
        actorId: actor && actor.via !== 'system' ? actor.id : null,
        actorName: actor?.name ?? 'system',
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        customerId: entry.customerId ?? null,
        before: scrub(entry.before) as object | null,
        after: scrub(entry.after) as object | null,
      })),
    );
  }

  async list(actor: Actor, filter: AuditFilter) {
    if (actor.role !== 'admin') throw forbidden('Only administrators read the audit log.');
    const conditions: SQL[] = [];
    if (filter.entityType) conditions.push(eq(auditLog.entityType, filter.entityType));
    if (filter.entityId) conditions.push(eq(auditLog.entityId, filter.entityId));
    if (filter.customerId) conditions.push(eq(auditLog.customerId, filter.customerId));
    if (filter.actorId) conditions.push(eq(auditLog.actorId, filter.actorId));
    if (filter.action) conditions.push(eq(auditLog.action, filter.action));
    if (filter.from) conditions.push(gte(auditLog.at, new Date(filter.from)));
    if (filter.to) conditions.push(lte(auditLog.at, new Date(filter.to)));
    const cursor = decodeCursor(filter.cursor, 2);
    if (cursor) {
      const [at, id] = cursor as [string, number];
      const atDate = new Date(at);
      if (Number.isNaN(atDate.getTime()) || !Number.isSafeInteger(id))
        throw badRequest('The cursor is not valid.');
      conditions.push(or(lt(auditLog.at, atDate), and(eq(auditLog.at, atDate), lt(auditLog.id, id)))!);
    }
    const rows = await this.ctx.db
      .select()
      .from(auditLog)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(filter.limit + 1);
    return toPage(rows, filter.limit, (r) => [r.at.toISOString(), r.id]);
  }
}
