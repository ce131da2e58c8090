import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import type { AppContext } from '../../server/context.ts';
import { forbidden } from '../../server/problems.ts';
import type { SettingKey } from '../settings/service.ts';

/** The admin-tunable settings of satisfaction measurement (`/api/satisfaction/settings`). */
export const SATISFACTION_SETTING_KEYS = [
  'satisfaction.minAnswers',
  'satisfaction.alertBelowIndex',
  'satisfaction.alertItemScoreAtMost',
  'satisfaction.alertIndexDrop',
  'surveys.publicRateLimitPerMinute',
] as const satisfies readonly SettingKey[];

export interface SatisfactionSettings {
  'satisfaction.minAnswers': number;
  'satisfaction.alertBelowIndex': number;
  'satisfaction.alertItemScoreAtMost': number;
  'satisfaction.alertIndexDrop': number;
  'surveys.publicRateLimitPerMinute': number;
}

export async function getSatisfactionSettings(ctx: AppContext, actor: Actor | null, db: DbOrTx = ctx.db) {
  if (actor && !isStaff(actor)) throw forbidden('Settings are for staff.');
  return (await ctx.services.settings.getMany(SATISFACTION_SETTING_KEYS, db)) as SatisfactionSettings;
}

/** Stores the given settings (the body schema bounds each one), audited. */
export async function putSatisfactionSettings(
  ctx: AppContext,
  actor: Actor,
  changes: Partial<SatisfactionSettings>,
): Promise<SatisfactionSettings> {
  if (actor.role !== 'admin') throw forbidden('Only administrators change settings.');
  return ctx.db.transaction(async (tx) => {
    const before = await getSatisfactionSettings(ctx, actor, tx);
    for (const key of SATISFACTION_SETTING_KEYS) {
      const value = changes[key];
      if (value === undefined) continue;
      await ctx.services.settings.set(key, value, tx);
    }
    const after = await getSatisfactionSettings(ctx, actor, tx);
    await ctx.services.audit.record(tx, actor, {
      action: 'update',
      entityType: 'setting',
      entityId: 'satisfaction',
      before,
      after,
    });
    return after;
  });
}
