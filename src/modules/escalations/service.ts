import type { AppContext } from '../../server/context.ts';

export class EscalationsService {
  constructor(readonly ctx: AppContext) {}
}
