import type { AppContext } from '../../server/context.ts';

export class SlaService {
  constructor(readonly ctx: AppContext) {}
}
