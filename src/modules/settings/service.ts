import { eq } from 'drizzle-orm';
import type { AppContext } from '../../server/context.ts';
import { settings } from './tables.ts';

/** Defaults of every configurable setting; stored values override them. */
export const SETTING_DEFAULTS = {
  /** Files not verified for this many days appear in the review queue. */
  'customers.reviewAfterDays': 180,
  /** Days before a contact's important date that the greeting task is due. */
  'followups.greetingLeadDays': 3,
  'display.timeZone': 'Asia/Shanghai',
} as const;
export type SettingKey = keyof typeof SETTING_DEFAULTS;

export class SettingsService {
  constructor(private readonly ctx: AppContext) {}

  async get<K extends SettingKey>(key: K): Promise<(typeof SETTING_DEFAULTS)[K]> {
    const [row] = await this.ctx.db.select().from(settings).where(eq(settings.key, key));
    return (row?.value as (typeof SETTING_DEFAULTS)[K]) ?? SETTING_DEFAULTS[key];
  }

  async all(): Promise<Record<string, unknown>> {
    const rows = await this.ctx.db.select().from(settings);
    const result: Record<string, unknown> = { ...SETTING_DEFAULTS };
    for (const row of rows) result[row.key] = row.value;
    return result;
  }

  async set(key: SettingKey, value: unknown): Promise<void> {
    await this.ctx.db
      .insert(settings)
      .values({ key, value: value as object })
      .onConflictDoUpdate({ target: settings.key, set: { value: value as object, updatedAt: new Date() } });
  }
}
