import type { AppContext } from '../../server/context.ts';

/** Silent dissatisfaction: alerts on the owner's list from low answers and index drops. */
export class SatisfactionAlertsService {
  constructor(protected readonly ctx: AppContext) {}
}
