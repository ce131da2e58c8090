import type { AppContext } from '../../server/context.ts';

export class FollowUpsService {
  constructor(readonly ctx: AppContext) {}
}
