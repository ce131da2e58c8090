import type { AppContext } from '../../server/context.ts';

export class KnowledgeService {
  constructor(readonly ctx: AppContext) {}
}
