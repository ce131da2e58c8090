import type { AppContext } from '../../server/context.ts';

/** Tracking events: idempotent batch ingestion from every feed, feeds we poll, status derivation. */
export class TrackingService {
  constructor(private readonly ctx: AppContext) {}

  get context(): AppContext {
    return this.ctx;
  }
}
