import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import type { AppContext } from '../../server/context.ts';
import { forbidden } from '../../server/problems.ts';
import type { SettingKey } from '../settings/service.ts';

/** The admin-tunable settings of shipments, notifications and public tracking (`/api/tracking-settings`). */
export const TRACKING_SETTING_KEYS = [
  'shipments.silenceHours',
  'shipments.delayToleranceMinutes',
  'notifications.contactDailyCap',
  'tracking.publicRateLimitPerMinute',
] as const satisfies readonly SettingKey[];

export interface TrackingSettings {
  'shipments.silenceHours': Record<string, number>;
  'shipments.delayToleranceMinutes': number;
  'notifications.contactDailyCap': number;
  'tracking.publicRateLimitPerMinute': number;
}

export async function getTrackingSettings(ctx: AppContext, actor: Actor, db: DbOrTx = ctx.db) {
  if (!isStaff(actor)) throw forbidden('Settings are for staff.');
  return (await ctx.services.settings.getMany(TRACKING_SETTING_KEYS, db)) as TrackingSettings;
}

/**
 * Stores the given settings (the body schema bounds each one). Silence hours merge per mode, so an
 * admin can change one mode without restating the others.
 */
export async function putTrackingSettings(
  ctx: AppContext,
  actor: Actor,
  changes: Partial<Omit<TrackingSettings, 'shipments.silenceHours'>> & {
    'shipments.silenceHours'?: Record<string, number | undefined>;
  },
): Promise<TrackingSettings> {
  if (actor.role !== 'admin') throw forbidden('Only administrators change settings.');
  return ctx.db.transaction(async (tx) => {
    const before = await getTrackingSettings(ctx, actor, tx);
    for (const key of TRACKING_SETTING_KEYS) {
      const value = changes[key];
      if (value === undefined) continue;
      const next =
        key === 'shipments.silenceHours' ? { ...before[key], ...(value as Record<string, number>) } : value;
      await ctx.services.settings.set(key, next as never, tx);
    }
    const after = await getTrackingSettings(ctx, actor, tx);
    await ctx.services.audit.record(tx, actor, {
      action: 'update',
      entityType: 'setting',
      entityId: 'tracking',
      before,
      after,
    });
    return after;
  });
}
