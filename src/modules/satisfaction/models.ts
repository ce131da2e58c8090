import type { AppContext } from '../../server/context.ts';

/** Satisfaction indicator trees, their versions and weights (direct, AHP, PLS). */
export class SatisfactionModelsService {
  constructor(protected readonly ctx: AppContext) {}
}
