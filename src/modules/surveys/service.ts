import type { AppContext } from '../../server/context.ts';

/** Surveys from a model version: sending, token links, answers, reminders, response rate. */
export class SurveysService {
  constructor(protected readonly ctx: AppContext) {}
}
