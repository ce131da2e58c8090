import type { AppContext } from '../../server/context.ts';

export class CommitmentsService {
  constructor(readonly ctx: AppContext) {}
}
