import type { AppContext } from '../../server/context.ts';
import { DELIVER_JOB, SWEEP_JOB } from './service.ts';

/**
 * Delivery of queued notifications: `outbound.deliver` {messageId} is sent (after commit) for each
 * new message; the minute sweeper delivers everything due — retries whose time has come, and
 * messages whose job ran before their transaction committed.
 */
export function registerOutboundJobs(ctx: AppContext): void {
  ctx.queue.register(DELIVER_JOB, async (data: { messageId?: string }) => {
    if (typeof data?.messageId === 'string') await ctx.services.outbound.deliverMessage(data.messageId);
  });
  ctx.queue.register(
    SWEEP_JOB,
    async () => {
      await ctx.services.outbound.deliverDue(500);
    },
    '* * * * *',
    { policy: 'short' },
  );
}
