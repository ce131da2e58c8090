import type { AppContext } from '../../server/context.ts';

export class TicketsService {
  constructor(readonly ctx: AppContext) {}
}
