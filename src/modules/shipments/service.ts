import type { DbOrTx } from '../../db/index.ts';
import type { Actor } from '../../domain/access.ts';
import type { ShipmentStatus as DerivedStatus } from '../../domain/milestones.ts';
import type { AppContext } from '../../server/context.ts';
import type { shipments } from './tables.ts';

export type Shipment = typeof shipments.$inferSelect;

/** Shipments (SPEC §6): the order/consignment record, its references, documents, POD and subscriptions. */
export class ShipmentsService {
  constructor(private readonly ctx: AppContext) {}

  /** The shipment if the actor may read it; 404 otherwise (portal users: only their company's). */
  async requireReadable(_actor: Actor, _shipmentId: string, _db?: DbOrTx): Promise<Shipment> {
    throw new Error('not implemented yet');
  }

  /**
   * Shipments a feed reference points at (our number, B/L, booking, AWB, container, order, customer
   * reference), normalised as stored in shipment_references; the best match first (see the rule in
   * the implementation).
   */
  async resolveReference(_reference: string, _db?: DbOrTx): Promise<string[]> {
    throw new Error('not implemented yet');
  }

  /**
   * Writes the derived state (status, estimates, actual times, last event time) that the tracking
   * service computed with currentStatus(); adds timeline entries for milestones that matter
   * (departed, arrived, delivered).
   */
  async applyStatus(
    _tx: DbOrTx,
    _shipmentId: string,
    _status: DerivedStatus,
    _lastEventAt: Date | null,
  ): Promise<void> {
    throw new Error('not implemented yet');
  }

  /** Keeps shipments.open_exceptions in step (called by the exceptions service). */
  async setOpenExceptions(_tx: DbOrTx, _shipmentId: string, _count: number): Promise<void> {
    throw new Error('not implemented yet');
  }

  get context(): AppContext {
    return this.ctx;
  }
}
