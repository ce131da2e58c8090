import type { DbOrTx } from '../../db/index.ts';
import type { AppContext } from '../../server/context.ts';

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

/** The notification layer: email (SMTP), signed webhooks, WeCom / DingTalk robots; opt-outs, caps, attempts. */
export class OutboundService {
  constructor(private readonly ctx: AppContext) {}

  /**
   * Queues a notice to a customer's contact in their preferred channel, respecting opt-outs and the
   * daily cap (a stopped notice is recorded as suppressed). Returns the message id, or null when a
   * message with this dedupeKey already exists. Delivery happens after commit through the job queue.
   */
  async notifyContact(_tx: DbOrTx, _notice: ContactNotice): Promise<string | null> {
    throw new Error('not implemented yet');
  }

  /** Queues the same event to every active endpoint of the customer subscribed to the topic. */
  async notifyEndpoints(
    _tx: DbOrTx,
    _customerId: string,
    _topic: string,
    _payload: unknown,
    _dedupeKey: string,
  ): Promise<void> {
    throw new Error('not implemented yet');
  }

  /** Queues one signed JSON POST (webhook or DCSA callback), retried with backoff. */
  async enqueueCallback(_tx: DbOrTx, _callback: SignedCallback): Promise<string | null> {
    throw new Error('not implemented yet');
  }

  get context(): AppContext {
    return this.ctx;
  }
}
