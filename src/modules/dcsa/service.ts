import type { DbOrTx } from '../../db/index.ts';
import type { AppContext } from '../../server/context.ts';

/** Liaison as a DCSA Track & Trace 2.2 provider: GET /v2/events and /v2/event-subscriptions. */
export class DcsaService {
  constructor(private readonly ctx: AppContext) {}

  /** The signing secret of a subscription, for the outbound dispatcher (null when deleted). */
  async signingSecret(_subscriptionId: string, _db?: DbOrTx): Promise<string | null> {
    throw new Error('not implemented yet');
  }

  /**
   * Queues callbacks to every subscription whose filters match these stored events (called inside
   * the ingestion transaction after events were accepted or replaced).
   */
  async publish(_tx: DbOrTx, _eventIds: readonly string[]): Promise<void> {
    throw new Error('not implemented yet');
  }

  get context(): AppContext {
    return this.ctx;
  }
}
