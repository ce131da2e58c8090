import type { AppContext } from '../../server/context.ts';

/** The public tracking page's lookups (/api/track): number + second factor, no enumeration, rate-limited. */
export class PublicTrackService {
  constructor(private readonly ctx: AppContext) {}

  get context(): AppContext {
    return this.ctx;
  }
}
