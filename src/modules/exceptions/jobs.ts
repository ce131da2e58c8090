import type { AppContext } from '../../server/context.ts';

export const EXCEPTIONS_SWEEP_JOB = 'exceptions.sweep';

/**
 * Every 15 minutes: the time-based exception rules (silence, promise passed) for shipments under way.
 * Idempotent: an exception is raised once however often the sweep runs.
 */
export function registerExceptionJobs(ctx: AppContext): void {
  ctx.queue.register(
    EXCEPTIONS_SWEEP_JOB,
    async () => {
      await ctx.services.exceptions.sweep();
    },
    '*/15 * * * *',
  );
}
