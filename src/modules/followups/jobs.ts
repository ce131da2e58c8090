import type { AppContext } from '../../server/context.ts';

/** Registers the follow-up generators with the job queue. */
export function registerFollowUpJobs(_ctx: AppContext): void {}
