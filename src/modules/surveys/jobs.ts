import type { AppContext } from '../../server/context.ts';

export const SURVEY_WAVES_JOB = 'surveys.waves';
export const SURVEY_REMINDERS_JOB = 'surveys.reminders';

/**
 * Hourly: wave surveys whose next wave is due send it; unanswered invitations get their due
 * reminders and past-expiry ones become expired. Both idempotent (the survey row is locked and its
 * next date moved in the same transaction; each reminder has its own dedupe key), so a retry or a
 * second instance sends nothing twice.
 */
export function registerSurveyJobs(ctx: AppContext): void {
  ctx.queue.register(
    SURVEY_WAVES_JOB,
    async () => {
      await ctx.services.surveys.sendDueWaves();
    },
    '7 * * * *',
  );
  ctx.queue.register(
    SURVEY_REMINDERS_JOB,
    async () => {
      await ctx.services.surveys.sendDueReminders();
    },
    '37 * * * *',
  );
}
