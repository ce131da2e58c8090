import type { AppContext } from '../../server/context.ts';

export class InteractionsService {
  constructor(readonly ctx: AppContext) {}
}
