import type { DbOrTx } from '../../db/index.ts';
import type { AppContext } from '../../server/context.ts';

/** Shipment exceptions: the rule engine, owner alerts, proactive customer notices, one-click tickets. */
export class ExceptionsService {
  constructor(private readonly ctx: AppContext) {}

  /**
   * Runs the rules for one shipment after its events changed (called inside the ingestion
   * transaction): raises new exceptions once, resolves those whose condition cleared.
   */
  async evaluate(_tx: DbOrTx, _shipmentId: string): Promise<void> {
    throw new Error('not implemented yet');
  }

  get context(): AppContext {
    return this.ctx;
  }
}
