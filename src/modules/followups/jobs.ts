import type { AppContext } from '../../server/context.ts';

export const PERIODIC_JOB = 'followups.generate-periodic';
export const GREETINGS_JOB = 'followups.generate-greetings';

/**
 * Registers the follow-up generators with the job queue: daily, early in the morning (display time
 * zone), so the new tasks are on everyone's "today" list when they start work. Both are idempotent
 * (unique source keys), so a retry or a second instance firing the same schedule creates nothing twice.
 */
export function registerFollowUpJobs(ctx: AppContext): void {
  ctx.queue.register(
    PERIODIC_JOB,
    async () => {
      await ctx.services.followUps.generatePeriodic();
    },
    '10 1 * * *',
  );
  ctx.queue.register(
    GREETINGS_JOB,
    async () => {
      await ctx.services.followUps.generateGreetings();
    },
    '20 1 * * *',
  );
}
