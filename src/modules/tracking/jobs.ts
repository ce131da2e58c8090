import type { AppContext } from '../../server/context.ts';

export const POLL_FEEDS_JOB = 'tracking.poll-feeds';

/**
 * Every five minutes: polls the feeds whose interval has elapsed (each feed keeps its own
 * pollIntervalMinutes and cursor, so a missed or doubled run only delays or repeats a poll, and
 * repeated events are duplicates).
 */
export function registerTrackingJobs(ctx: AppContext): void {
  ctx.queue.register(
    POLL_FEEDS_JOB,
    async () => {
      await ctx.services.tracking.feeds.pollDue();
    },
    '*/5 * * * *',
  );
}
