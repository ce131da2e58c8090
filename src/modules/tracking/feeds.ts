import { and, asc, eq, gt, isNotNull, or } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Actor } from '../../domain/access.ts';
import { DcsaPayloadError, fromDcsa } from '../../domain/feeds/dcsa.ts';
import { fromEpcis } from '../../domain/feeds/epcis.ts';
import { fromIata } from '../../domain/feeds/iata.ts';
import { verifyNotificationSignature } from '../../domain/feeds/signature.ts';
import type { AdapterResult } from '../../domain/feeds/types.ts';
import type { AppContext } from '../../server/context.ts';
import { decodeCursor, toPage } from '../../server/pagination.ts';
import { Problem, badRequest, conflict, forbidden, notFound } from '../../server/problems.ts';
import { staleVersion } from '../../server/versioning.ts';
import { type FEED_KINDS, trackingFeeds } from './tables.ts';

export type TrackingFeed = typeof trackingFeeds.$inferSelect;
export type FeedKind = (typeof FEED_KINDS)[number];

export interface FeedInput {
  name: string;
  kind: FeedKind;
  source: string;
  baseUrl?: string | null;
  apiKey?: string | null;
  callbackSecret?: string | null;
  pollIntervalMinutes?: number;
  active?: boolean;
}

export interface FeedView {
  id: string;
  name: string;
  kind: string;
  source: string;
  baseUrl: string | null;
  hasApiKey: boolean;
  hasCallbackSecret: boolean;
  pollIntervalMinutes: number;
  pollCursor: string | null;
  lastPolledAt: string | null;
  lastError: string | null;
  lastResult: Record<string, number> | null;
  active: boolean;
  callbackPath: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Events per page asked of a carrier, and pages per poll run (the rest waits for the next run). */
export const POLL_PAGE_SIZE = 500;
export const POLL_MAX_PAGES = 50;
const POLL_TIMEOUT_MS = 30_000;

/** Secrets are never echoed: the view says only whether one is set. */
export function feedView(feed: TrackingFeed): FeedView {
  return {
    id: feed.id,
    name: feed.name,
    kind: feed.kind,
    source: feed.source,
    baseUrl: feed.baseUrl,
    hasApiKey: !!feed.apiKey,
    hasCallbackSecret: !!feed.callbackSecret,
    pollIntervalMinutes: feed.pollIntervalMinutes,
    pollCursor: feed.pollCursor,
    lastPolledAt: feed.lastPolledAt?.toISOString() ?? null,
    lastError: feed.lastError,
    lastResult: feed.lastResult ?? null,
    active: feed.active,
    callbackPath: `/api/tracking-feeds/${feed.id}/callback`,
    version: feed.version,
    createdAt: feed.createdAt.toISOString(),
    updatedAt: feed.updatedAt.toISOString(),
  };
}

/**
 * Maps a feed payload with the adapter of its standard; an unusable envelope is a 400. `now` places
 * IATA FSU dates, which carry no year (the app's clock, so tests with an injected clock agree).
 */
export function adapt(kind: FeedKind | 'dcsa', payload: unknown, source: string, now: Date): AdapterResult[] {
  try {
    switch (kind) {
      case 'dcsa':
      case 'dcsa-2.2':
      case 'dcsa-3.0':
        return fromDcsa(payload, { source });
      case 'iata':
        return fromIata(typeof payload === 'string' ? payload : '', { source, now });
      case 'epcis':
        return fromEpcis(payload, { source });
    }
  } catch (error) {
    if (error instanceof DcsaPayloadError)
      throw badRequest(error.message, [{ field: 'body', message: error.message }]);
    if (error instanceof Problem) throw error;
    throw badRequest(`The payload could not be read: ${(error as Error).message}`, [
      { field: 'body', message: (error as Error).message },
    ]);
  }
  throw badRequest(`Unknown feed kind ${kind}.`);
}

function ensureAdmin(actor: Actor): void {
  if (actor.role !== 'admin' && actor.via !== 'system') throw forbidden('Only admins manage tracking feeds.');
}

/** Carriers' and partners' feeds we consume: CRUD, polling DCSA `GET /events`, signed push callbacks. */
export class TrackingFeeds {
  constructor(private readonly ctx: AppContext) {}

  private async load(id: string): Promise<TrackingFeed> {
    const [feed] = await this.ctx.db.select().from(trackingFeeds).where(eq(trackingFeeds.id, id));
    if (!feed) throw notFound('Tracking feed');
    return feed;
  }

  async list(actor: Actor, filter: { limit: number; cursor?: string }) {
    ensureAdmin(actor);
    const cursor = decodeCursor(filter.cursor, 2) as [string, string] | undefined;
    const rows = await this.ctx.db
      .select()
      .from(trackingFeeds)
      .where(
        cursor
          ? or(
              gt(trackingFeeds.name, String(cursor[0])),
              and(eq(trackingFeeds.name, String(cursor[0])), gt(trackingFeeds.id, String(cursor[1]))),
            )
          : undefined,
      )
      .orderBy(asc(trackingFeeds.name), asc(trackingFeeds.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.name, r.id]);
    return { items: page.items.map(feedView), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<FeedView> {
    ensureAdmin(actor);
    return feedView(await this.load(id));
  }

  async create(actor: Actor, input: FeedInput): Promise<FeedView> {
    ensureAdmin(actor);
    const id = uuidv7();
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [taken] = await tx
        .select({ id: trackingFeeds.id })
        .from(trackingFeeds)
        .where(eq(trackingFeeds.source, input.source));
      if (taken) throw conflict(`A feed with source ${input.source} exists already.`, { field: 'source' });
      const [row] = await tx
        .insert(trackingFeeds)
        .values({
          id,
          name: input.name.trim(),
          kind: input.kind,
          source: input.source,
          baseUrl: input.baseUrl ?? null,
          apiKey: input.apiKey ?? null,
          callbackSecret: input.callbackSecret ?? null,
          pollIntervalMinutes: input.pollIntervalMinutes ?? 15,
          active: input.active ?? true,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) throw conflict(`A feed with source ${input.source} exists already.`, { field: 'source' });
      await this.ctx.services.audit.record(tx, actor, {
        action: 'tracking_feed.create',
        entityType: 'tracking_feed',
        entityId: id,
        after: feedView(row),
      });
      return feedView(row);
    });
  }

  async update(
    actor: Actor,
    id: string,
    changes: Partial<Omit<FeedInput, 'source'>> & { pollCursor?: string | null },
    expected: number,
  ): Promise<FeedView> {
    ensureAdmin(actor);
    return this.ctx.db.transaction(async (tx) => {
      const [before] = await tx.select().from(trackingFeeds).where(eq(trackingFeeds.id, id)).for('update');
      if (!before) throw notFound('Tracking feed');
      if (before.version !== expected) throw staleVersion(feedView(before));
      const set: Partial<typeof trackingFeeds.$inferInsert> = {};
      if (changes.name !== undefined) set.name = changes.name.trim();
      if (changes.kind !== undefined) set.kind = changes.kind;
      if (changes.baseUrl !== undefined) set.baseUrl = changes.baseUrl;
      if (changes.apiKey !== undefined) set.apiKey = changes.apiKey;
      if (changes.callbackSecret !== undefined) set.callbackSecret = changes.callbackSecret;
      if (changes.pollIntervalMinutes !== undefined) set.pollIntervalMinutes = changes.pollIntervalMinutes;
      if (changes.pollCursor !== undefined) set.pollCursor = changes.pollCursor;
      if (changes.active !== undefined) set.active = changes.active;
      const [row] = await tx
        .update(trackingFeeds)
        .set({ ...set, version: before.version + 1, updatedAt: this.ctx.now() })
        .where(eq(trackingFeeds.id, id))
        .returning();
      await this.ctx.services.audit.record(tx, actor, {
        action: 'tracking_feed.update',
        entityType: 'tracking_feed',
        entityId: id,
        before: feedView(before),
        after: feedView(row),
      });
      return feedView(row);
    });
  }

  async remove(actor: Actor, id: string, expected?: number): Promise<void> {
    ensureAdmin(actor);
    await this.ctx.db.transaction(async (tx) => {
      const [before] = await tx.select().from(trackingFeeds).where(eq(trackingFeeds.id, id)).for('update');
      if (!before) throw notFound('Tracking feed');
      if (expected !== undefined && before.version !== expected) throw staleVersion(feedView(before));
      await tx.delete(trackingFeeds).where(eq(trackingFeeds.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'tracking_feed.delete',
        entityType: 'tracking_feed',
        entityId: id,
        before: feedView(before),
      });
    });
  }

  /**
   * A carrier pushed events (DCSA subscription callback, or the 3.0 push form): the
   * Notification-Signature must be the HMAC-SHA256 of the exact bytes received with the feed's
   * secret, else 401 and nothing is read. Unknown and inactive feeds look the same (404).
   */
  async receive(
    feedId: string,
    rawBody: Buffer,
    signature: string | string[] | undefined,
    payload: () => unknown,
  ) {
    const [feed] = await this.ctx.db.select().from(trackingFeeds).where(eq(trackingFeeds.id, feedId));
    if (!feed?.active) throw notFound('Tracking feed');
    if (!feed.callbackSecret || !verifyNotificationSignature(rawBody, signature, feed.callbackSecret)) {
      throw new Problem(
        401,
        'Unauthorized',
        'The Notification-Signature header must be sha256=<hex HMAC-SHA256 of the body> with the feed’s secret.',
      );
    }
    const kind = feed.kind as FeedKind;
    const body = kind === 'iata' ? rawBody.toString('utf8') : payload();
    const results = adapt(kind, body, feed.source, this.ctx.now());
    return this.ctx.services.tracking.ingestAdapted(
      this.ctx.services.auth.systemActor(),
      results,
      `feed:${feed.id}`,
    );
  }

  /** Feeds due for a poll (active, with a base URL, interval elapsed), polled one after another. */
  async pollDue(): Promise<number> {
    const now = this.ctx.now();
    const feeds = await this.ctx.db
      .select()
      .from(trackingFeeds)
      .where(and(eq(trackingFeeds.active, true), isNotNull(trackingFeeds.baseUrl)));
    let polled = 0;
    for (const feed of feeds) {
      const due =
        !feed.lastPolledAt ||
        feed.lastPolledAt.getTime() + feed.pollIntervalMinutes * 60_000 <= now.getTime();
      if (!due) continue;
      await this.poll(feed.id).catch((error) =>
        this.ctx.log.error({ err: error, feedId: feed.id }, 'feed poll failed'),
      );
      polled++;
    }
    return polled;
  }

  /** Poll now (admins). */
  async pollNow(actor: Actor, id: string): Promise<FeedView> {
    ensureAdmin(actor);
    const feed = await this.load(id);
    if (!feed.baseUrl)
      throw badRequest('This feed has no base URL to poll.', [{ field: 'baseUrl', message: 'required' }]);
    return feedView(await this.poll(id));
  }

  /**
   * Pulls `GET {baseUrl}/events` (DCSA T&T) page by page: the first run from the start, later runs
   * from the stored cursor — the carrier's next-page link, or, once the last page was read, the
   * latest `eventCreatedDateTime` seen (asked again with `eventCreatedDateTime:gte`, re-sent events
   * are duplicates). Each page is ingested (and committed) before the cursor moves past it, so a
   * crash re-reads at most one page. The run's counts and error are kept on the feed.
   */
  async poll(id: string): Promise<TrackingFeed> {
    const feed = await this.load(id);
    const actor = this.ctx.services.auth.systemActor();
    const totals: Record<string, number> = {
      pages: 0,
      accepted: 0,
      duplicate: 0,
      replaced: 0,
      retracted: 0,
      superseded: 0,
      rejected: 0,
    };
    let cursor = feed.pollCursor;
    let error: string | null = null;
    let latestSeen: string | null = feed.pollCursor && !isUrl(feed.pollCursor) ? feed.pollCursor : null;
    try {
      for (let page = 0; page < POLL_MAX_PAGES; page++) {
        const url = this.pageUrl(feed, cursor);
        const response = await fetch(url, {
          headers: this.pollHeaders(feed),
          signal: AbortSignal.timeout(POLL_TIMEOUT_MS),
        });
        if (!response.ok) {
          const text = (await response.text().catch(() => '')).slice(0, 300);
          throw new Error(`GET ${url} answered ${response.status}${text ? `: ${text}` : ''}`);
        }
        const text = await response.text();
        let payload: unknown;
        try {
          payload = text.trim() === '' ? [] : JSON.parse(text);
        } catch {
          throw new Error(`GET ${url} did not answer JSON`);
        }
        const results = adapt(feed.kind as FeedKind, payload, feed.source, this.ctx.now());
        const answer = await this.ctx.services.tracking.ingestAdapted(actor, results, `feed:${feed.id}`);
        totals.pages!++;
        for (const [k, v] of Object.entries(answer.counts)) totals[k] = (totals[k] ?? 0) + v;
        const created = latestCreated(results);
        if (created && (!latestSeen || Date.parse(created) > Date.parse(latestSeen))) latestSeen = created;
        const next = response.headers.get('next-page');
        if (!next || results.length === 0) {
          // Read to the end: the next run asks for what was created since the latest event seen.
          cursor = latestSeen ?? (cursor && !isUrl(cursor) ? cursor : null);
          break;
        }
        cursor = new URL(next, url).toString();
        await this.saveProgress(feed.id, cursor, null, totals);
      }
    } catch (e) {
      error = e instanceof Problem ? `${e.title}: ${e.detail}` : (e as Error).message;
    }
    return this.saveProgress(feed.id, cursor, error, totals);
  }

  private async saveProgress(
    id: string,
    cursor: string | null,
    error: string | null,
    totals: Record<string, number>,
  ): Promise<TrackingFeed> {
    const [row] = await this.ctx.db
      .update(trackingFeeds)
      .set({ pollCursor: cursor, lastPolledAt: this.ctx.now(), lastError: error, lastResult: totals })
      .where(eq(trackingFeeds.id, id))
      .returning();
    if (!row) throw notFound('Tracking feed');
    return row;
  }

  private pageUrl(feed: TrackingFeed, cursor: string | null): string {
    if (cursor && isUrl(cursor)) return cursor;
    const base = feed.baseUrl!.replace(/\/+$/, '');
    const url = new URL(`${base}/events`);
    url.searchParams.set('limit', String(POLL_PAGE_SIZE));
    if (cursor) url.searchParams.set('eventCreatedDateTime:gte', cursor);
    return url.toString();
  }

  private pollHeaders(feed: TrackingFeed): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'API-Version': feed.kind === 'dcsa-3.0' ? '3.0.0' : '2.2.0',
    };
    if (feed.apiKey) {
      headers.authorization = /^(Bearer|Basic) /i.test(feed.apiKey) ? feed.apiKey : `Bearer ${feed.apiKey}`;
    }
    return headers;
  }
}

const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** The latest DCSA eventCreatedDateTime of a page, as the carrier wrote it (for the next `:gte`). */
function latestCreated(results: AdapterResult[]): string | null {
  let best: { ms: number; text: string } | null = null;
  for (const r of results) {
    const raw = r.raw as { eventCreatedDateTime?: unknown } | null;
    const text = raw && typeof raw === 'object' ? raw.eventCreatedDateTime : undefined;
    if (typeof text !== 'string') continue;
    const ms = Date.parse(text);
    if (!Number.isNaN(ms) && (!best || ms > best.ms)) best = { ms, text };
  }
  return best?.text ?? null;
}
