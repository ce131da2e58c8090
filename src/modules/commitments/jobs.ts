import type { AppContext } from '../../server/context.ts';

export const COMMITMENTS_OVERDUE_JOB = 'commitments.flag-overdue';

/**
 * Every five minutes: open promises past their due time tell the maker and their supervisor once.
 * Idempotent (overdue_notified_at and the notices' source keys), so retries and a second instance
 * firing the same schedule tell nobody twice.
 */
export function registerCommitmentJobs(ctx: AppContext): void {
  ctx.queue.register(
    COMMITMENTS_OVERDUE_JOB,
    async () => {
      await ctx.services.commitments.flagOverdue();
    },
    '*/5 * * * *',
  );
}
