import type { AppContext } from '../../server/context.ts';
import { SLA_CHECK_JOB, SLA_RECOMPUTE_JOB, SLA_SWEEP_JOB } from './service.ts';

/**
 * SLA timers: `sla.check` runs at a ticket's warning or due instant (a delayed job sent when the
 * deadlines change; the handler re-reads the ticket), and `sla.sweep` every minute catches anything
 * the timers missed, `sla.recompute` moves running deadlines after a calendar change. All are idempotent: events are unique per ticket, target and kind.
 */
export function registerSlaJobs(ctx: AppContext): void {
  // `short`: one queued timer per ticket, target, kind and instant, however often a ticket is saved.
  ctx.queue.register(
    SLA_CHECK_JOB,
    async (data: { ticketId?: string }) => {
      if (typeof data?.ticketId === 'string') await ctx.services.sla.check(data.ticketId);
    },
    undefined,
    { policy: 'short' },
  );
  ctx.queue.register(SLA_RECOMPUTE_JOB, async () => {
    await ctx.services.sla.recomputeOpen();
  });
  ctx.queue.register(
    SLA_SWEEP_JOB,
    async () => {
      await ctx.services.sla.sweep();
    },
    '* * * * *',
  );
}
