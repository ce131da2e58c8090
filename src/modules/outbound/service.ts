import { performance } from 'node:perf_hooks';
import { type SQL, and, asc, desc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { DbOrTx } from '../../db/index.ts';
import { type Actor, isStaff } from '../../domain/access.ts';
import {
  type ContactChannel,
  MAX_ATTEMPTS,
  chooseContactChannel,
  dcsaKeyBytes,
  dingTalkPayload,
  dingTalkSignedUrl,
  maskRecipient,
  nextAttemptAt,
  optOutScopeFor,
  robotAnswerError,
  robotMessageOf,
  shortResponse,
  signBody,
  suppressionReason,
  topicMatches,
  weComPayload,
} from '../../domain/outbound.ts';
import type { AppContext } from '../../server/context.ts';
import { afterTimeCursor, decodeTimeCursor, toPage } from '../../server/pagination.ts';
import { conflict, forbidden, notFound, validationFailed } from '../../server/problems.ts';
import { isUuid } from '../../server/schemas.ts';
import { staleVersion } from '../../server/versioning.ts';
import { registerCustomerOwnedTable } from '../customers/merge.ts';
import { contacts, customers } from '../customers/tables.ts';
import { users } from '../users/tables.ts';
import { sendMail } from './mailer.ts';
import {
  type EndpointKind,
  type MessageStatus,
  type OutboundChannel,
  contactOptOuts,
  notificationEndpoints,
  outboundAttempts,
  outboundMessages,
} from './tables.ts';

// A merged file keeps its message history and its robots and webhooks.
registerCustomerOwnedTable('outboundMessages', outboundMessages, outboundMessages.customerId);
registerCustomerOwnedTable('notificationEndpoints', notificationEndpoints, notificationEndpoints.customerId);

export interface ContactNotice {
  customerId: string;
  /** The contact to tell; defaults to the customer's primary contact. */
  contactId?: string | null;
  /** e.g. shipment.exception, shipment.delivered. */
  topic: string;
  subject: string;
  /** Plain text, in the contact's language (zh-CN unless known otherwise). */
  body: string;
  refType?: string;
  refId?: string;
  /** Once-only key: the same key never sends twice. */
  dedupeKey: string;
  /** Email only, never a group robot: for personal content such as a survey's one-time link. */
  emailOnly?: boolean;
}

/** An email to a user (staff or portal) at their login address. */
export interface UserNotice {
  userId: string;
  topic: string;
  subject: string;
  body: string;
  refType?: string;
  refId?: string;
  dedupeKey: string;
}

export interface SignedCallback {
  channel: 'webhook' | 'dcsa_callback';
  customerId?: string | null;
  /** notification_endpoints.id or dcsa_event_subscriptions.id. */
  endpointId: string;
  url: string;
  topic: string;
  payload: unknown;
  refType?: string;
  refId?: string;
  dedupeKey: string;
}

export type OutboundMessage = typeof outboundMessages.$inferSelect;
export type OutboundAttempt = typeof outboundAttempts.$inferSelect;
export type NotificationEndpoint = typeof notificationEndpoints.$inferSelect;

export interface EndpointView extends Omit<NotificationEndpoint, 'secret'> {
  /** Write-only: '********' when one is set, never the secret itself. */
  secret: string | null;
  secretSet: boolean;
}

export interface EndpointInput {
  kind: EndpointKind;
  name: string;
  url: string;
  secret?: string | null;
  topics: string[];
  customerId?: string | null;
  active?: boolean;
}

export interface MessageFilter {
  customerId?: string;
  contactId?: string;
  status?: MessageStatus;
  channel?: OutboundChannel;
  refType?: string;
  refId?: string;
  limit: number;
  cursor?: string;
}

/** How long a claimed message is hidden from other workers while it is being delivered. */
const CLAIM_LEASE_MS = 5 * 60_000;
/** Every HTTP delivery gives up after this long. */
const HTTP_TIMEOUT_MS = 10_000;
const MASK = '********';

export const DELIVER_JOB = 'outbound.deliver';
export const SWEEP_JOB = 'outbound.sweep';

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  response: string | null;
  error: string | null;
  /** No point retrying (a permanent refusal, a deleted endpoint). */
  permanent?: boolean;
}

/** The notification layer: email (SMTP), signed webhooks, WeCom / DingTalk robots; opt-outs, caps, attempts. */
export class OutboundService {
  /** Every HTTP delivery gives up after this long (tests shorten it). */
  httpTimeoutMs = HTTP_TIMEOUT_MS;

  constructor(private readonly ctx: AppContext) {}

  // -------------------------------------------------------------------------------------------
  // Enqueueing (called inside other modules' transactions)
  // -------------------------------------------------------------------------------------------

  /**
   * Queues a notice to a customer's contact in their preferred channel, respecting opt-outs and the
   * daily cap (a stopped notice is recorded as suppressed). Returns the message id, or null when a
   * message with this dedupeKey already exists. Delivery happens after commit through the job queue
   * (or `deliverDue()` where no queue runs).
   */
  async notifyContact(tx: DbOrTx, notice: ContactNotice): Promise<string | null> {
    const now = this.ctx.now();
    const contact = await this.contactFor(tx, notice.customerId, notice.contactId);
    const id = uuidv7();
    const base = {
      id,
      topic: notice.topic,
      customerId: notice.customerId,
      contactId: contact?.id ?? null,
      subject: notice.subject,
      body: notice.body,
      refType: notice.refType ?? null,
      refId: notice.refId ?? null,
      dedupeKey: notice.dedupeKey,
      createdAt: now,
    };
    if (!contact) {
      return this.insertMessage(tx, {
        ...base,
        channel: 'email',
        recipient: '',
        status: 'suppressed',
        suppressedReason: 'no_contact',
      });
    }
    const robots = notice.emailOnly
      ? { wecom: null, dingtalk: null }
      : await this.robotsOf(tx, notice.customerId, notice.topic);
    const scopes = (
      await tx
        .select({ scope: contactOptOuts.scope })
        .from(contactOptOuts)
        .where(eq(contactOptOuts.contactId, contact.id))
    ).map((r) => r.scope);
    let choice = chooseContactChannel(contact.preferredChannel, {
      wecom: robots.wecom !== null,
      dingtalk: robots.dingtalk !== null,
    });
    // A contact who opted out of their preferred robot channel may still be reached by email.
    if (choice.channel !== 'email' && optOutScopeFor(scopes, choice.channel, notice.topic)) {
      choice = { channel: 'email', fallbackReason: `opted out of ${choice.channel}` };
    }
    const channel: ContactChannel = choice.channel;
    const robot = channel === 'wecom' ? robots.wecom : channel === 'dingtalk' ? robots.dingtalk : null;
    const recipient = channel === 'email' ? (contact.email?.trim() ?? '') : (robot?.url ?? '');
    // The cap counts committed and own-transaction messages: two notices to one contact in
    // concurrent transactions may both pass (no lock here — callers hold shipment locks in their own
    // order, and a contact lock on top could deadlock an ingestion batch).
    const dailyCap = Number(await this.ctx.services.settings.get('notifications.contactDailyCap', tx));
    const [{ count }] = await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(outboundMessages)
      .where(
        and(
          eq(outboundMessages.contactId, contact.id),
          inArray(outboundMessages.status, ['queued', 'retrying', 'sent']),
          gte(outboundMessages.createdAt, new Date(now.getTime() - 24 * 3600_000)),
        ),
      );
    const reason = suppressionReason({
      contactExists: true,
      archived: contact.archivedAt !== null,
      doNotContact: contact.doNotContact,
      optOutScope: optOutScopeFor(scopes, channel, notice.topic),
      hasAddress: recipient !== '',
      recentCount: count,
      dailyCap: Number.isFinite(dailyCap) ? dailyCap : 0,
    });
    const robotPayload =
      channel === 'wecom'
        ? weComPayload({ title: notice.subject, text: notice.body })
        : channel === 'dingtalk'
          ? dingTalkPayload({ title: notice.subject, text: notice.body })
          : null;
    const payload =
      robotPayload ??
      (choice.fallbackReason
        ? { fallback: { from: contact.preferredChannel, reason: choice.fallbackReason } }
        : null);
    return this.insertMessage(tx, {
      ...base,
      channel,
      endpointId: robot?.id ?? null,
      recipient,
      payload,
      status: reason ? 'suppressed' : 'queued',
      suppressedReason: reason,
      nextAttemptAt: reason ? null : now,
    });
  }

  /** Queues an email to a user's login address (portal subscribers, staff). Null on a repeated dedupeKey. */
  async notifyUser(tx: DbOrTx, notice: UserNotice): Promise<string | null> {
    const now = this.ctx.now();
    const [user] = await tx
      .select({ email: users.email, active: users.active, customerId: users.customerId })
      .from(users)
      .where(eq(users.id, notice.userId));
    const reason = !user ? 'no_user' : !user.active ? 'user_inactive' : null;
    return this.insertMessage(tx, {
      id: uuidv7(),
      channel: 'email',
      topic: notice.topic,
      customerId: user?.customerId ?? null,
      recipient: user?.email ?? '',
      subject: notice.subject,
      body: notice.body,
      payload: { userId: notice.userId },
      refType: notice.refType ?? null,
      refId: notice.refId ?? null,
      dedupeKey: notice.dedupeKey,
      status: reason ? 'suppressed' : 'queued',
      suppressedReason: reason,
      nextAttemptAt: reason ? null : now,
      createdAt: now,
    });
  }

  /**
   * Queues the same event to every active endpoint subscribed to the topic: the customer's own and
   * the customer-less (our own operations) ones. Each endpoint gets its own message, deduplicated by
   * `dedupeKey:endpointId`. A payload with string `title` and `text` reads well in the robots.
   */
  async notifyEndpoints(
    tx: DbOrTx,
    customerId: string,
    topic: string,
    payload: unknown,
    dedupeKey: string,
  ): Promise<void> {
    const endpoints = await tx
      .select()
      .from(notificationEndpoints)
      .where(
        and(
          eq(notificationEndpoints.active, true),
          or(eq(notificationEndpoints.customerId, customerId), isNull(notificationEndpoints.customerId)),
        ),
      )
      .orderBy(asc(notificationEndpoints.id));
    // A robot that already carries the contact's notice of the same event (notifyContact with this
    // dedupeKey chose the customer's WeCom/DingTalk group) is not told a second time.
    const robotIds = endpoints.filter((e) => e.kind !== 'webhook').map((e) => e.id);
    const told =
      robotIds.length === 0
        ? new Set<string>()
        : new Set(
            (
              await tx
                .select({ endpointId: outboundMessages.endpointId })
                .from(outboundMessages)
                .where(
                  and(
                    eq(outboundMessages.dedupeKey, dedupeKey),
                    inArray(outboundMessages.endpointId, robotIds),
                    inArray(outboundMessages.status, ['queued', 'retrying', 'sent']),
                  ),
                )
            ).map((r) => r.endpointId),
          );
    for (const endpoint of endpoints) {
      if (!topicMatches(endpoint.topics, topic)) continue;
      if (told.has(endpoint.id)) continue;
      await this.enqueueForEndpoint(tx, endpoint, customerId, topic, payload, `${dedupeKey}:${endpoint.id}`);
    }
  }

  /** Queues one signed JSON POST (webhook or DCSA callback), retried with backoff. */
  async enqueueCallback(tx: DbOrTx, callback: SignedCallback): Promise<string | null> {
    const now = this.ctx.now();
    return this.insertMessage(tx, {
      id: uuidv7(),
      channel: callback.channel,
      topic: callback.topic,
      customerId: callback.customerId ?? null,
      endpointId: callback.endpointId,
      recipient: callback.url,
      // The exact bytes that are signed and sent.
      body: JSON.stringify(callback.payload ?? null),
      payload: callback.payload as object,
      refType: callback.refType ?? null,
      refId: callback.refId ?? null,
      dedupeKey: callback.dedupeKey,
      status: 'queued',
      nextAttemptAt: now,
      createdAt: now,
    });
  }

  private async enqueueForEndpoint(
    db: DbOrTx,
    endpoint: NotificationEndpoint,
    customerId: string | null,
    topic: string,
    payload: unknown,
    dedupeKey: string | null,
  ): Promise<string | null> {
    const now = this.ctx.now();
    const id = uuidv7();
    let body: string;
    let stored: unknown;
    if (endpoint.kind === 'webhook') {
      const envelope = { id, topic, createdAt: now.toISOString(), customerId, data: payload ?? null };
      body = JSON.stringify(envelope);
      stored = envelope;
    } else {
      const message = robotMessageOf(topic, payload);
      stored = endpoint.kind === 'wecom' ? weComPayload(message) : dingTalkPayload(message);
      body = message.text;
    }
    return this.insertMessage(db, {
      id,
      channel: endpoint.kind,
      topic,
      customerId,
      endpointId: endpoint.id,
      recipient: endpoint.url,
      subject: endpoint.kind === 'webhook' ? null : robotMessageOf(topic, payload).title,
      body,
      payload: stored as object,
      dedupeKey,
      status: 'queued',
      nextAttemptAt: now,
      createdAt: now,
    });
  }

  /** Inserts a message (null when the dedupe key exists) and, with a running queue, asks for delivery. */
  private async insertMessage(
    db: DbOrTx,
    values: typeof outboundMessages.$inferInsert,
  ): Promise<string | null> {
    const [row] = await db
      .insert(outboundMessages)
      .values(values)
      .onConflictDoNothing({ target: outboundMessages.dedupeKey })
      .returning({ id: outboundMessages.id, status: outboundMessages.status });
    if (!row) return null;
    if (row.status === 'queued') this.kick(row.id);
    return row.id;
  }

  /**
   * Asks the running queue to deliver soon. Not awaited: inside the caller's transaction the send
   * must not wait (PGlite has one connection); the job runs after commit, and a job that finds the
   * row not yet visible does nothing — the minute sweeper picks it up. Without a running queue
   * nothing happens here: the sweeper or an explicit `deliverDue()` delivers.
   */
  private kick(messageId: string): void {
    if (!this.ctx.queue.running) return;
    const startAfter = new Date(Date.now() + 1000);
    this.ctx.queue
      .send(DELIVER_JOB, { messageId }, { startAfter })
      .catch((error) => this.ctx.log.warn({ err: error, messageId }, 'could not queue delivery'));
  }

  private async contactFor(db: DbOrTx, customerId: string, contactId: string | null | undefined) {
    const condition = contactId
      ? and(eq(contacts.id, contactId), eq(contacts.customerId, customerId))
      : and(eq(contacts.customerId, customerId), eq(contacts.isPrimary, true), isNull(contacts.archivedAt));
    const [contact] = await db.select().from(contacts).where(condition).limit(1);
    if (contact || contactId) return contact ?? null;
    // No primary contact: the oldest active one.
    const [first] = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.customerId, customerId), isNull(contacts.archivedAt)))
      .orderBy(asc(contacts.createdAt), asc(contacts.id))
      .limit(1);
    return first ?? null;
  }

  /** The customer's active WeCom and DingTalk robots (one subscribed to the topic preferred). */
  private async robotsOf(db: DbOrTx, customerId: string, topic: string) {
    const rows = await db
      .select()
      .from(notificationEndpoints)
      .where(
        and(
          eq(notificationEndpoints.customerId, customerId),
          eq(notificationEndpoints.active, true),
          inArray(notificationEndpoints.kind, ['wecom', 'dingtalk']),
        ),
      )
      .orderBy(asc(notificationEndpoints.createdAt), asc(notificationEndpoints.id));
    const pick = (kind: EndpointKind) =>
      rows.find((r) => r.kind === kind && topicMatches(r.topics, topic)) ??
      rows.find((r) => r.kind === kind) ??
      null;
    return { wecom: pick('wecom'), dingtalk: pick('dingtalk') };
  }

  // -------------------------------------------------------------------------------------------
  // Delivery
  // -------------------------------------------------------------------------------------------

  /**
   * Delivers every due message (queued, or retrying whose time has come), claiming each with
   * FOR UPDATE SKIP LOCKED and a lease so parallel workers never send one twice. Returns how many
   * were attempted. The minute sweeper calls it; so can tests and the CLI.
   */
  async deliverDue(limit = 100): Promise<number> {
    let total = 0;
    // One message claimed at a time: a claim's lease (5 min) must outlive the work it covers. A
    // batch claimed at once is worked through one by one — 50 receivers that each take the 10 s
    // timeout (or an SMTP server its 40 s) outlast the lease, and the next minute's sweep would
    // claim and send the rest of the batch a second time.
    while (total < limit) {
      const [id] = await this.claim(undefined, 1);
      if (!id) break;
      await this.deliverClaimed(id);
      total++;
    }
    return total;
  }

  /** Delivers one message if it is due and nobody else holds it (the per-message job). */
  async deliverMessage(messageId: string): Promise<boolean> {
    if (!isUuid(messageId)) return false;
    const [id] = await this.claim(messageId, 1);
    if (!id) return false;
    await this.deliverClaimed(id);
    return true;
  }

  private async claim(messageId: string | undefined, limit: number): Promise<string[]> {
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const conditions: SQL[] = [
        inArray(outboundMessages.status, ['queued', 'retrying']),
        lte(outboundMessages.nextAttemptAt, now),
      ];
      if (messageId) conditions.push(eq(outboundMessages.id, messageId));
      const rows = await tx
        .select({ id: outboundMessages.id })
        .from(outboundMessages)
        .where(and(...conditions))
        .orderBy(asc(outboundMessages.nextAttemptAt), asc(outboundMessages.id))
        .limit(limit)
        .for('update', { skipLocked: true });
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        await tx
          .update(outboundMessages)
          .set({ nextAttemptAt: new Date(now.getTime() + CLAIM_LEASE_MS) })
          .where(inArray(outboundMessages.id, ids));
      }
      return ids;
    });
  }

  private async deliverClaimed(id: string): Promise<void> {
    const [message] = await this.ctx.db.select().from(outboundMessages).where(eq(outboundMessages.id, id));
    if (!message) return;
    const attempt = message.attempts + 1;
    const startedAt = this.ctx.now();
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await this.send(message);
    } catch (error) {
      outcome = { ok: false, statusCode: null, response: null, error: errorText(error) };
    }
    const durationMs = Math.round(performance.now() - started);
    const finishedAt = this.ctx.now();
    const retryAt = outcome.ok || outcome.permanent ? null : nextAttemptAt(finishedAt, attempt);
    const status: MessageStatus = outcome.ok ? 'sent' : retryAt ? 'retrying' : 'failed';
    await this.ctx.db.transaction(async (tx) => {
      await tx.insert(outboundAttempts).values({
        id: uuidv7(),
        messageId: id,
        attempt,
        at: startedAt,
        ok: outcome.ok,
        statusCode: outcome.statusCode,
        response: outcome.response,
        error: outcome.error,
        durationMs,
      });
      await tx
        .update(outboundMessages)
        .set({
          attempts: attempt,
          status,
          nextAttemptAt: retryAt,
          lastError: outcome.ok ? null : outcome.error,
          sentAt: outcome.ok ? finishedAt : null,
        })
        .where(eq(outboundMessages.id, id));
    });
    if (!outcome.ok) {
      this.ctx.log.warn(
        { messageId: id, channel: message.channel, attempt, status, error: outcome.error },
        'notification delivery failed',
      );
    }
  }

  private async send(message: OutboundMessage): Promise<Outcome> {
    switch (message.channel) {
      case 'email':
        return sendMail(this.ctx.config.smtpUrl, {
          to: message.recipient,
          subject: message.subject ?? '',
          text: message.body,
          messageId: message.id,
        });
      case 'webhook': {
        const endpoint = await this.endpointFor(message);
        if (!endpoint) return gone('the endpoint was deleted or deactivated');
        const timestamp = Math.floor(this.ctx.now().getTime() / 1000);
        const headers: Record<string, string> = {
          'X-Liaison-Timestamp': String(timestamp),
          'X-Liaison-Event': message.topic,
          'X-Liaison-Delivery': message.id,
        };
        if (endpoint.secret) headers['X-Liaison-Signature'] = signBody(endpoint.secret, message.body);
        return postJson(endpoint.url, message.body, headers, this.httpTimeoutMs);
      }
      case 'dcsa_callback': {
        if (!message.endpointId) return gone('no subscription');
        const secret = await this.ctx.services.dcsa.signingSecret(message.endpointId);
        if (!secret) return gone('the subscription was deleted');
        return postJson(
          message.recipient,
          message.body,
          {
            'Notification-Signature': signBody(dcsaKeyBytes(secret), message.body),
            'API-Version': '2.2.0',
          },
          this.httpTimeoutMs,
        );
      }
      case 'wecom': {
        const endpoint = await this.endpointFor(message);
        if (!endpoint) return gone('the robot was deleted or deactivated');
        return robotAnswer(
          await postJson(endpoint.url, JSON.stringify(message.payload), {}, this.httpTimeoutMs),
        );
      }
      case 'dingtalk': {
        const endpoint = await this.endpointFor(message);
        if (!endpoint) return gone('the robot was deleted or deactivated');
        const url = dingTalkSignedUrl(endpoint.url, endpoint.secret, this.ctx.now().getTime());
        return robotAnswer(await postJson(url, JSON.stringify(message.payload), {}, this.httpTimeoutMs));
      }
      default:
        return gone(`unknown channel ${String(message.channel)}`);
    }
  }

  private async endpointFor(message: OutboundMessage): Promise<NotificationEndpoint | null> {
    if (!message.endpointId) return null;
    const [endpoint] = await this.ctx.db
      .select()
      .from(notificationEndpoints)
      .where(eq(notificationEndpoints.id, message.endpointId));
    return endpoint?.active ? endpoint : null;
  }

  // -------------------------------------------------------------------------------------------
  // Endpoints (admins)
  // -------------------------------------------------------------------------------------------

  private requireAdmin(actor: Actor): void {
    if (actor.role !== 'admin') throw forbidden('Only administrators manage notification endpoints.');
  }

  private endpointView(row: NotificationEndpoint): EndpointView {
    const { secret, ...rest } = row;
    return { ...rest, secret: secret ? MASK : null, secretSet: Boolean(secret) };
  }

  async listEndpoints(
    actor: Actor,
    filter: { customerId?: string; kind?: EndpointKind; limit: number; cursor?: string },
  ) {
    this.requireAdmin(actor);
    const conditions: SQL[] = [];
    if (filter.customerId) conditions.push(eq(notificationEndpoints.customerId, filter.customerId));
    if (filter.kind) conditions.push(eq(notificationEndpoints.kind, filter.kind));
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor)
      conditions.push(
        afterTimeCursor(notificationEndpoints.createdAt, notificationEndpoints.id, cursor, 'desc'),
      );
    const rows = await this.ctx.db
      .select()
      .from(notificationEndpoints)
      .where(and(...conditions))
      .orderBy(desc(notificationEndpoints.createdAt), desc(notificationEndpoints.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.createdAt.toISOString(), r.id]);
    return { items: page.items.map((r) => this.endpointView(r)), nextCursor: page.nextCursor };
  }

  async getEndpoint(actor: Actor, id: string): Promise<EndpointView> {
    this.requireAdmin(actor);
    return this.endpointView(await this.endpointRow(id));
  }

  private async endpointRow(id: string, db: DbOrTx = this.ctx.db): Promise<NotificationEndpoint> {
    const [row] = await db.select().from(notificationEndpoints).where(eq(notificationEndpoints.id, id));
    if (!row) throw notFound('Notification endpoint');
    return row;
  }

  private async checkEndpoint(input: EndpointInput): Promise<void> {
    const problems: { field: string; message: string }[] = [];
    let url: URL | null = null;
    try {
      url = new URL(input.url);
    } catch {
      problems.push({ field: 'url', message: 'must be an absolute http(s) URL' });
    }
    if (url && url.protocol !== 'https:' && url.protocol !== 'http:') {
      problems.push({ field: 'url', message: 'must be an absolute http(s) URL' });
    }
    if (!input.name.trim()) problems.push({ field: 'name', message: 'must not be blank' });
    if (input.kind === 'webhook' && !input.secret) {
      problems.push({ field: 'secret', message: 'a webhook needs a signing secret (16 characters or more)' });
    }
    if (input.kind === 'wecom' && input.secret) {
      problems.push({ field: 'secret', message: 'WeCom robots have no secret; the key is in the URL' });
    }
    if (input.topics.length === 0) problems.push({ field: 'topics', message: 'name at least one topic' });
    if (input.customerId) {
      const [customer] = await this.ctx.db
        .select({ id: customers.id })
        .from(customers)
        .where(eq(customers.id, input.customerId));
      if (!customer) problems.push({ field: 'customerId', message: 'no such customer' });
    }
    if (problems.length) throw validationFailed(problems);
  }

  async createEndpoint(actor: Actor, input: EndpointInput): Promise<EndpointView> {
    this.requireAdmin(actor);
    const values = { ...input, name: input.name.trim(), topics: [...new Set(input.topics)] };
    await this.checkEndpoint(values);
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(notificationEndpoints)
        .values({
          id: uuidv7(),
          kind: values.kind,
          name: values.name,
          url: values.url,
          secret: values.secret ?? null,
          topics: values.topics,
          customerId: values.customerId ?? null,
          active: values.active ?? true,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const view = this.endpointView(row);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'create',
        entityType: 'notification_endpoint',
        entityId: row.id,
        customerId: row.customerId,
        after: view,
      });
      return view;
    });
  }

  async updateEndpoint(
    actor: Actor,
    id: string,
    changes: Partial<EndpointInput>,
    version: number,
  ): Promise<EndpointView> {
    this.requireAdmin(actor);
    const before = await this.endpointRow(id);
    const merged: EndpointInput = {
      kind: changes.kind ?? before.kind,
      name: (changes.name ?? before.name).trim(),
      url: changes.url ?? before.url,
      // Omitted: keep the old secret; null: remove it.
      secret: changes.secret !== undefined ? changes.secret : before.secret,
      topics: changes.topics ? [...new Set(changes.topics)] : before.topics,
      customerId: changes.customerId !== undefined ? changes.customerId : before.customerId,
      active: changes.active ?? before.active,
    };
    await this.checkEndpoint(merged);
    return this.ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(notificationEndpoints)
        .set({
          ...merged,
          secret: merged.secret ?? null,
          customerId: merged.customerId ?? null,
          version: sql`${notificationEndpoints.version} + 1`,
          updatedAt: this.ctx.now(),
        })
        .where(and(eq(notificationEndpoints.id, id), eq(notificationEndpoints.version, version)))
        .returning();
      if (!row) {
        const current = await this.endpointRow(id, tx);
        throw staleVersion(this.endpointView(current));
      }
      const view = this.endpointView(row);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'notification_endpoint',
        entityId: id,
        customerId: row.customerId,
        before: this.endpointView(before),
        after: view,
      });
      return view;
    });
  }

  async deleteEndpoint(actor: Actor, id: string, version?: number): Promise<void> {
    this.requireAdmin(actor);
    const before = await this.endpointRow(id);
    if (version !== undefined && version !== before.version) throw staleVersion(this.endpointView(before));
    await this.ctx.db.transaction(async (tx) => {
      await tx.delete(notificationEndpoints).where(eq(notificationEndpoints.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'delete',
        entityType: 'notification_endpoint',
        entityId: id,
        customerId: before.customerId,
        before: this.endpointView(before),
      });
    });
  }

  /** Sends a test message to the endpoint now and answers with the message and its attempt. */
  async testEndpoint(actor: Actor, id: string) {
    this.requireAdmin(actor);
    const endpoint = await this.endpointRow(id);
    if (!endpoint.active) throw conflict('The endpoint is inactive; activate it before testing.');
    const now = this.ctx.now();
    const payload = {
      title: 'Liaison test message / 测试消息',
      text: `This is a test from Liaison (${now.toISOString()}). 这是一条来自 Liaison 的测试消息。`,
    };
    const messageId = await this.enqueueForEndpoint(
      this.ctx.db,
      endpoint,
      endpoint.customerId,
      'test',
      payload,
      null,
    );
    await this.deliverMessage(messageId!);
    return this.messageDetail(messageId!);
  }

  // -------------------------------------------------------------------------------------------
  // The message log (staff)
  // -------------------------------------------------------------------------------------------

  private requireStaff(actor: Actor): void {
    if (!isStaff(actor)) throw forbidden('The notification log is internal.');
  }

  async listMessages(actor: Actor, filter: MessageFilter) {
    this.requireStaff(actor);
    const conditions: SQL[] = [];
    if (filter.customerId) conditions.push(eq(outboundMessages.customerId, filter.customerId));
    if (filter.contactId) conditions.push(eq(outboundMessages.contactId, filter.contactId));
    if (filter.status) conditions.push(eq(outboundMessages.status, filter.status));
    if (filter.channel) conditions.push(eq(outboundMessages.channel, filter.channel));
    if (filter.refType) conditions.push(eq(outboundMessages.refType, filter.refType));
    if (filter.refId) conditions.push(eq(outboundMessages.refId, filter.refId));
    const cursor = decodeTimeCursor(filter.cursor);
    if (cursor)
      conditions.push(afterTimeCursor(outboundMessages.createdAt, outboundMessages.id, cursor, 'desc'));
    const rows = await this.ctx.db
      .select()
      .from(outboundMessages)
      .where(and(...conditions))
      .orderBy(desc(outboundMessages.createdAt), desc(outboundMessages.id))
      .limit(filter.limit + 1);
    const page = toPage(rows, filter.limit, (r) => [r.createdAt.toISOString(), r.id]);
    return { ...page, items: page.items.map((m) => this.messageView(actor, m)) };
  }

  async getMessage(actor: Actor, id: string) {
    this.requireStaff(actor);
    return this.messageView(actor, await this.messageDetail(id));
  }

  /**
   * A message as the actor may see it: robot and webhook URLs carry their credentials (WeCom
   * `key`, DingTalk `access_token`), which only administrators — who manage the endpoints — see.
   */
  private messageView<M extends { recipient: string }>(actor: Actor, message: M): M {
    return actor.role === 'admin' ? message : { ...message, recipient: maskRecipient(message.recipient) };
  }

  /** A message with its attempts, oldest first. */
  async messageDetail(id: string, db: DbOrTx = this.ctx.db) {
    const [message] = await db.select().from(outboundMessages).where(eq(outboundMessages.id, id));
    if (!message) throw notFound('Message');
    const attempts = await db
      .select()
      .from(outboundAttempts)
      .where(eq(outboundAttempts.messageId, id))
      .orderBy(asc(outboundAttempts.attempt), asc(outboundAttempts.at));
    return { ...message, attempts };
  }

  /**
   * Tries a failed (or waiting) message again now: one more attempt, numbered after the earlier
   * ones; a failed message that fails again stays failed. Supervisors, managers, operations and
   * admins; suppressed and sent messages are final.
   */
  async retry(actor: Actor, id: string) {
    this.requireStaff(actor);
    if (actor.role === 'agent') throw forbidden('Supervisors, operations and admins retry notifications.');
    const message = await this.messageDetail(id);
    if (message.status === 'sent') throw conflict('This message was delivered already.');
    if (message.status === 'suppressed') {
      throw conflict(`This message was stopped (${message.suppressedReason}); it is not sent again.`);
    }
    await this.ctx.db.transaction(async (tx) => {
      await tx
        .update(outboundMessages)
        .set({
          status: 'retrying',
          nextAttemptAt: this.ctx.now(),
        })
        .where(eq(outboundMessages.id, id));
      await this.ctx.services.audit.record(tx, actor, {
        action: 'retry',
        entityType: 'outbound_message',
        entityId: id,
        customerId: message.customerId,
      });
    });
    await this.deliverMessage(id);
    return this.messageView(actor, await this.messageDetail(id));
  }

  // -------------------------------------------------------------------------------------------
  // Contacts' preferences
  // -------------------------------------------------------------------------------------------

  private async contactOf(actor: Actor, contactId: string, edit: boolean) {
    this.requireStaff(actor);
    if (!isUuid(contactId)) throw notFound('Contact');
    const [contact] = await this.ctx.db.select().from(contacts).where(eq(contacts.id, contactId));
    if (!contact) throw notFound('Contact');
    const customerService = this.ctx.services.customers;
    if (edit) await customerService.requireEditable(actor, contact.customerId);
    else await customerService.requireReadable(actor, contact.customerId);
    return contact;
  }

  async preferences(actor: Actor, contactId: string) {
    const contact = await this.contactOf(actor, contactId, false);
    return this.preferencesOf(contact);
  }

  private async preferencesOf(contact: typeof contacts.$inferSelect, db: DbOrTx = this.ctx.db) {
    const rows = await db
      .select({ scope: contactOptOuts.scope })
      .from(contactOptOuts)
      .where(eq(contactOptOuts.contactId, contact.id))
      .orderBy(asc(contactOptOuts.scope));
    return {
      contactId: contact.id,
      optOuts: rows.map((r) => r.scope),
      doNotContact: contact.doNotContact,
      preferredChannel: contact.preferredChannel,
    };
  }

  async setPreferences(actor: Actor, contactId: string, optOuts: string[]) {
    const contact = await this.contactOf(actor, contactId, true);
    const scopes = [...new Set(optOuts.map((s) => s.trim()))].filter(Boolean).sort();
    return this.ctx.db.transaction(async (tx) => {
      const before = await this.preferencesOf(contact, tx);
      await tx.delete(contactOptOuts).where(eq(contactOptOuts.contactId, contact.id));
      if (scopes.length > 0) {
        const at = this.ctx.now();
        await tx.insert(contactOptOuts).values(scopes.map((scope) => ({ contactId: contact.id, scope, at })));
      }
      const after = await this.preferencesOf(contact, tx);
      await this.ctx.services.audit.record(tx, actor, {
        action: 'update',
        entityType: 'contact_notification_preferences',
        entityId: contact.id,
        customerId: contact.customerId,
        before,
        after,
      });
      return after;
    });
  }

  get context(): AppContext {
    return this.ctx;
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const causeText = cause instanceof Error ? `: ${cause.message}` : '';
    return shortResponse(`${error.name === 'Error' ? '' : `${error.name}: `}${error.message}${causeText}`);
  }
  return shortResponse(String(error));
}

function gone(error: string): Outcome {
  return { ok: false, statusCode: null, response: null, error, permanent: true };
}

/** One JSON POST with a 10 s timeout; 2xx is success. */
async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Liaison-Notifier/1',
        ...headers,
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const text = shortResponse(await response.text().catch(() => ''));
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      statusCode: response.status,
      response: text,
      error: ok ? null : `HTTP ${response.status}`,
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      ok: false,
      statusCode: null,
      response: null,
      error: timedOut ? `no answer within ${timeoutMs / 1000} s` : errorText(error),
    };
  }
}

/** WeCom / DingTalk: 200 with errcode 0 is success; anything else is an error to retry. */
function robotAnswer(outcome: Outcome): Outcome {
  if (!outcome.ok) return outcome;
  const error = robotAnswerError(outcome.response ?? '');
  return error ? { ...outcome, ok: false, error } : outcome;
}

export { MAX_ATTEMPTS };
