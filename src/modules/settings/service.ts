import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/index.ts';
import { isValidTimeZone } from '../../domain/followups.ts';
import type { BusinessCalendar } from '../../domain/sla.ts';
import type { AppContext } from '../../server/context.ts';
import { settings } from './tables.ts';

/** Defaults of every configurable setting; stored values override them. */
export const SETTING_DEFAULTS = {
  /** Files not verified for this many days appear in the review queue. */
  'customers.reviewAfterDays': 180,
  /** Days before a contact's important date that the greeting task is due. */
  'followups.greetingLeadDays': 3,
  'display.timeZone': 'Asia/Shanghai',
  /** The business calendar SLA minutes are counted on (see domain/sla.ts BusinessCalendar). */
  'sla.calendar': {
    timeZone: 'Asia/Shanghai',
    weeklyHours: {
      mon: [{ start: '09:00', end: '18:00' }],
      tue: [{ start: '09:00', end: '18:00' }],
      wed: [{ start: '09:00', end: '18:00' }],
      thu: [{ start: '09:00', end: '18:00' }],
      fri: [{ start: '09:00', end: '18:00' }],
    },
    holidays: [],
    makeUpWorkdays: [],
  } as BusinessCalendar,
  /** Escalate (换人) automatically when a ticket breaches its resolution target. */
  'tickets.autoEscalateOnBreach': true,
  /** Escalate (换人) automatically when a ticket has been reopened this many times. */
  'tickets.autoEscalateAfterReopens': 2,
  /** A closed ticket may be reopened for this many days. */
  'tickets.reopenWindowDays': 14,
  /** The same category again for the same customer or lane within this many days is a repeat. */
  'tickets.repeatWindowDays': 30,
  /** Days after closing that the post-complaint follow-up visit (回访) is due, and the second visit (二次回访). */
  'tickets.followUpAfterDays': 3,
  'tickets.secondVisitAfterDays': 30,
  /** Promises of more money than this (CNY) exceed the bottom line and need a supervisor's approval. */
  'commitments.approvalThreshold': 5000,
  /**
   * Shipments: hours without any event after which a shipment under way is "silent" (an exception),
   * per service mode.
   */
  'shipments.silenceHours': {
    air: 12,
    sea: 72,
    road: 8,
    rail: 48,
    warehouse: 24,
    distribution: 6,
    customs: 48,
  } as Record<string, number>,
  /** A delay exception is raised when the expected or actual delivery is later than the promise by more than this. */
  'shipments.delayToleranceMinutes': 60,
  /** Proactive customer notices per contact per rolling 24 hours (exceptions count; more are suppressed and recorded). */
  'notifications.contactDailyCap': 5,
  /** Public tracking lookups per client IP per minute. */
  'tracking.publicRateLimitPerMinute': 30,
  /** A model node with fewer answers than this is shown as "too few answers", not as a number. */
  'satisfaction.minAnswers': 5,
  /** A completed response whose own index is below this raises a silent-dissatisfaction alert. */
  'satisfaction.alertBelowIndex': 60,
  /** …as does any item answered at or below this score (2 = 较不满意). */
  'satisfaction.alertItemScoreAtMost': 1,
  /** …or a customer's index dropping by more than this many points against their previous response. */
  'satisfaction.alertIndexDrop': 15,
  /** Public survey answers (token page) per client IP per minute. */
  'surveys.publicRateLimitPerMinute': 60,
} as const;
export type SettingKey = keyof typeof SETTING_DEFAULTS;

export class SettingsService {
  constructor(private readonly ctx: AppContext) {}

  /**
   * One setting. Inside a transaction pass `db = tx`: on PGlite a read through `ctx.db` while a
   * transaction is open waits for it forever.
   */
  async get<K extends SettingKey>(key: K, db: DbOrTx = this.ctx.db): Promise<(typeof SETTING_DEFAULTS)[K]> {
    const [row] = await db.select().from(settings).where(eq(settings.key, key));
    return (row?.value as (typeof SETTING_DEFAULTS)[K]) ?? SETTING_DEFAULTS[key];
  }

  /** Several settings in one query. */
  async getMany<K extends SettingKey>(
    keys: readonly K[],
    db: DbOrTx = this.ctx.db,
  ): Promise<{ [P in K]: (typeof SETTING_DEFAULTS)[P] }> {
    const rows = await db
      .select()
      .from(settings)
      .where(inArray(settings.key, [...keys]));
    const result = {} as { [P in K]: (typeof SETTING_DEFAULTS)[P] };
    for (const key of keys) {
      const row = rows.find((r) => r.key === key);
      result[key] = (row?.value as (typeof SETTING_DEFAULTS)[K]) ?? SETTING_DEFAULTS[key];
    }
    return result;
  }

  /** The IANA zone dates are shown and bucketed in; the configured default when the setting is unusable. */
  async displayTimeZone(db: DbOrTx = this.ctx.db): Promise<string> {
    const zone = await this.get('display.timeZone', db);
    return typeof zone === 'string' && isValidTimeZone(zone) ? zone : this.ctx.config.displayTimeZone;
  }

  async all(): Promise<Record<string, unknown>> {
    const rows = await this.ctx.db.select().from(settings);
    const result: Record<string, unknown> = { ...SETTING_DEFAULTS };
    for (const row of rows) result[row.key] = row.value;
    return result;
  }

  async set(key: SettingKey, value: unknown, db: DbOrTx = this.ctx.db): Promise<void> {
    const updatedAt = this.ctx.now();
    await db
      .insert(settings)
      .values({ key, value: value as object, updatedAt })
      .onConflictDoUpdate({ target: settings.key, set: { value: value as object, updatedAt } });
  }
}
