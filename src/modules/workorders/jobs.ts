import type { AppContext } from '../../server/context.ts';

export const WORK_ORDERS_OVERDUE_JOB = 'workorders.flag-overdue';

/**
 * Every five minutes: pending or accepted work orders past their due time are flagged to the
 * department head and the ticket owner, once (overdue_notified_at and the notices' source keys).
 */
export function registerWorkOrderJobs(ctx: AppContext): void {
  ctx.queue.register(
    WORK_ORDERS_OVERDUE_JOB,
    async () => {
      await ctx.services.workOrders.flagOverdue();
    },
    '*/5 * * * *',
  );
}
