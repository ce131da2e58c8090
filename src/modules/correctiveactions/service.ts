import type { AppContext } from '../../server/context.ts';

/** 整改措施: corrective actions opened from low scores or repeated complaints, and their verification. */
export class CorrectiveActionsService {
  constructor(protected readonly ctx: AppContext) {}
}
