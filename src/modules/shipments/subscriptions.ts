import { and, desc, eq, isNull } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Actor } from '../../domain/access.ts';
import type { AppContext } from '../../server/context.ts';
import { forbidden, notFound } from '../../server/problems.ts';
import { isUuid } from '../../server/schemas.ts';
import type { ShipmentSubscriptionInput } from './schema.ts';
import { shipmentSubscriptions, shipments } from './tables.ts';

export interface SubscriptionView {
  id: string;
  shipmentId: string | null;
  shipmentNumber: string | null;
  channels: string[];
  topics: string[];
  createdAt: Date;
}

/**
 * Portal users' subscriptions to shipment notices, for one shipment or (shipmentId null) all of
 * their company's. One subscription per user and shipment: subscribing again changes it.
 */
export class ShipmentSubscriptionsService {
  constructor(private readonly ctx: AppContext) {}

  private portalCustomer(actor: Actor): string {
    if (actor.role !== 'portal' || !actor.customerId)
      throw forbidden('Shipment subscriptions are for customer portal users.');
    return actor.customerId;
  }

  private select() {
    return this.ctx.db
      .select({
        id: shipmentSubscriptions.id,
        shipmentId: shipmentSubscriptions.shipmentId,
        shipmentNumber: shipments.number,
        channels: shipmentSubscriptions.channels,
        topics: shipmentSubscriptions.topics,
        createdAt: shipmentSubscriptions.createdAt,
      })
      .from(shipmentSubscriptions)
      .leftJoin(shipments, eq(shipments.id, shipmentSubscriptions.shipmentId));
  }

  async list(actor: Actor): Promise<{ items: SubscriptionView[]; nextCursor: null }> {
    this.portalCustomer(actor);
    const items = await this.select()
      .where(eq(shipmentSubscriptions.userId, actor.id))
      .orderBy(desc(shipmentSubscriptions.createdAt), desc(shipmentSubscriptions.id))
      .limit(1000);
    return { items, nextCursor: null };
  }

  /** Creates the subscription, or changes the user's existing one for the same shipment (or all). */
  async subscribe(
    actor: Actor,
    input: ShipmentSubscriptionInput,
  ): Promise<{ created: boolean; subscription: SubscriptionView }> {
    const customerId = this.portalCustomer(actor);
    if (input.shipmentId) await this.ctx.services.shipments.requireReadable(actor, input.shipmentId);
    const channels = [...new Set(input.channels)];
    const topics = [...new Set(input.topics)];
    const sameTarget = and(
      eq(shipmentSubscriptions.userId, actor.id),
      input.shipmentId
        ? eq(shipmentSubscriptions.shipmentId, input.shipmentId)
        : isNull(shipmentSubscriptions.shipmentId),
    );
    const result = await this.ctx.db.transaction(async (tx) => {
      const [existing] = await tx.select().from(shipmentSubscriptions).where(sameTarget).for('update');
      if (existing) {
        const [row] = await tx
          .update(shipmentSubscriptions)
          .set({ channels, topics, customerId })
          .where(eq(shipmentSubscriptions.id, existing.id))
          .returning();
        await this.ctx.services.audit.record(tx, actor, {
          action: 'update',
          entityType: 'shipment_subscription',
          entityId: row.id,
          customerId,
          before: existing,
          after: row,
        });
        return { created: false, id: row.id };
      }
      const id = uuidv7();
      const [row] = await tx
        .insert(shipmentSubscriptions)
        .values({
          id,
          userId: actor.id,
          customerId,
          shipmentId: input.shipmentId,
          channels,
          topics,
          createdAt: this.ctx.now(),
        })
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'shipment_subscription',
        entityId: id,
        customerId,
        after: row,
      });
      return { created: true, id };
    });
    const [subscription] = await this.select().where(eq(shipmentSubscriptions.id, result.id));
    return { created: result.created, subscription };
  }

  async unsubscribe(actor: Actor, id: string): Promise<void> {
    const customerId = this.portalCustomer(actor);
    if (!isUuid(id)) throw notFound('Subscription');
    await this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .delete(shipmentSubscriptions)
        .where(and(eq(shipmentSubscriptions.id, id), eq(shipmentSubscriptions.userId, actor.id)))
        .returning();
      if (!row) throw notFound('Subscription');
      await this.ctx.services.audit.record(tx, actor, {
        action: 'delete',
        entityType: 'shipment_subscription',
        entityId: id,
        customerId,
        before: row,
      });
    });
  }
}
