import type { AppContext } from '../../server/context.ts';

export class MeasuresService {
  constructor(readonly ctx: AppContext) {}
}
