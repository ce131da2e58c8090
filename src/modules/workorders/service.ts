import type { AppContext } from '../../server/context.ts';

export class WorkOrdersService {
  constructor(readonly ctx: AppContext) {}
}
