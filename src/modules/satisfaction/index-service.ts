import type { AppContext } from '../../server/context.ts';

/** The satisfaction index, its breakdowns and trend, and importance–performance analysis. */
export class SatisfactionIndexService {
  constructor(protected readonly ctx: AppContext) {}
}
