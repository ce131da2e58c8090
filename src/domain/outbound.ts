import { createHmac } from 'node:crypto';
import { dcsaSecretBytes } from './feeds/signature.ts';

/**
 * Pure rules of the notification layer (SPEC §6): signatures, robot payloads, the retry schedule and
 * the decisions that stop a notice (opt-outs, do-not-contact, the daily cap). No I/O here.
 */

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

/** `sha256=<hex HMAC-SHA256 of the exact body>` — our webhooks (X-Liaison-Signature) and DCSA callbacks. */
export function signBody(key: string | Uint8Array, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
}

/**
 * DCSA subscription secrets are base64 (the key bytes, 32–64 of them); the callback's
 * Notification-Signature is the HMAC-SHA256 of the body with those bytes — the same reading as the
 * verifier in feeds/signature.ts (base64, base64url, else the text's UTF-8 bytes).
 */
export function dcsaKeyBytes(secret: string): Buffer {
  return dcsaSecretBytes(secret) ?? Buffer.from(secret, 'utf8');
}

/**
 * DingTalk group robot 加签: sign = urlEncode(base64(HmacSHA256(secret, timestamp + "\n" + secret))),
 * timestamp in milliseconds; appended to the webhook URL as `&timestamp=…&sign=…`.
 * (open.dingtalk.com, 自定义机器人安全设置 — 加签.)
 */
export function dingTalkSign(secret: string, timestampMs: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(digest);
}

/** The robot URL with DingTalk's timestamp and sign query parameters added. */
export function dingTalkSignedUrl(
  url: string,
  secret: string | null | undefined,
  timestampMs: number,
): string {
  if (!secret) return url;
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}timestamp=${timestampMs}&sign=${dingTalkSign(secret, timestampMs)}`;
}

// ---------------------------------------------------------------------------------------------
// Robot payloads
// ---------------------------------------------------------------------------------------------

/** WeCom markdown content is limited to 4096 bytes of UTF-8. */
export const WECOM_MARKDOWN_MAX_BYTES = 4096;
/** DingTalk accepts larger messages; we keep them readable on a phone. */
export const DINGTALK_MARKDOWN_MAX_BYTES = 5000;

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes - 3) break;
    bytes += size;
    out += char;
  }
  return `${out}…`;
}

export interface RobotMessage {
  title: string;
  text: string;
}

/**
 * WeCom (企业微信) group robot: POST {msgtype:'markdown', markdown:{content}} to
 * https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…; the answer is {errcode:0, errmsg:'ok'}.
 * (developer.work.weixin.qq.com/document/path/91770.)
 */
export function weComPayload(message: RobotMessage): { msgtype: 'markdown'; markdown: { content: string } } {
  const content = `### ${message.title}\n${message.text}`;
  return { msgtype: 'markdown', markdown: { content: truncateUtf8(content, WECOM_MARKDOWN_MAX_BYTES) } };
}

/**
 * DingTalk (钉钉) group robot: POST {msgtype:'markdown', markdown:{title, text}} to
 * https://oapi.dingtalk.com/robot/send?access_token=…(&timestamp&sign); the answer is {errcode:0}.
 */
export function dingTalkPayload(message: RobotMessage): {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
} {
  return {
    msgtype: 'markdown',
    markdown: {
      title: truncateUtf8(message.title, 200),
      text: truncateUtf8(`### ${message.title}\n\n${message.text}`, DINGTALK_MARKDOWN_MAX_BYTES),
    },
  };
}

/**
 * A robot's answer: HTTP 2xx alone is not success — WeCom and DingTalk answer 200 with a non-zero
 * errcode when they refuse a message (bad key, sign, keyword, rate limit).
 */
export function robotAnswerError(responseText: string): string | null {
  try {
    const parsed = JSON.parse(responseText) as { errcode?: unknown; errmsg?: unknown };
    if (parsed && typeof parsed === 'object' && 'errcode' in parsed) {
      return parsed.errcode === 0
        ? null
        : `errcode ${String(parsed.errcode)}: ${String(parsed.errmsg ?? '')}`;
    }
    return 'answer has no errcode';
  } catch {
    return 'answer is not JSON';
  }
}

/**
 * What a robot shows for a machine payload: its own `title`/`text` when the caller gave them,
 * otherwise the topic and the payload's top-level fields as a list.
 */
export function robotMessageOf(topic: string, payload: unknown): RobotMessage {
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    const record = payload as Record<string, unknown>;
    if (typeof record.title === 'string' && typeof record.text === 'string') {
      return { title: record.title, text: record.text };
    }
    const lines = Object.entries(record)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(
        ([key, value]) =>
          `- **${key}**: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
      );
    return { title: topic, text: lines.join('\n') };
  }
  return { title: topic, text: payload === undefined ? '' : JSON.stringify(payload) };
}

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

/** Delays after failed attempt 1, 2, 3, 4, 5 (minutes): 1 min, 5 min, 30 min, 2 h, 6 h. */
export const RETRY_DELAYS_MINUTES = [1, 5, 30, 120, 360] as const;
/** Attempt 6 is the last: a sixth failure marks the message failed. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MINUTES.length + 1;

/**
 * When to try again after `attempt` (1-based) failed, or null when that was the last attempt.
 * `random` in [0, 1) spreads retries ±20 % so a receiver that comes back is not hit all at once.
 */
export function nextAttemptAt(now: Date, attempt: number, random: number = Math.random()): Date | null {
  if (attempt >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MINUTES[Math.max(0, attempt - 1)] * 60_000;
  const jitter = 0.8 + 0.4 * Math.min(Math.max(random, 0), 1);
  return new Date(now.getTime() + Math.round(base * jitter));
}

// ---------------------------------------------------------------------------------------------
// Channel choice, opt-outs and caps
// ---------------------------------------------------------------------------------------------

export type ContactChannel = 'email' | 'wecom' | 'dingtalk';

export interface ChannelChoice {
  channel: ContactChannel;
  /** Why the contact's preferred channel was not used (null: it was). */
  fallbackReason: string | null;
}

/**
 * The channel for a contact from their preferred channel: email → email; wechat/wecom → the
 * customer's WeCom robot, else email; dingtalk → the DingTalk robot, else email; sms/phone → email
 * (no SMS gateway); anything else (visit, meeting, portal, none) → email.
 */
export function chooseContactChannel(
  preferred: string | null | undefined,
  robots: { wecom: boolean; dingtalk: boolean },
): ChannelChoice {
  switch (preferred) {
    case 'wechat':
    case 'wecom':
      return robots.wecom
        ? { channel: 'wecom', fallbackReason: null }
        : { channel: 'email', fallbackReason: 'no WeCom robot for this customer' };
    case 'dingtalk':
      return robots.dingtalk
        ? { channel: 'dingtalk', fallbackReason: null }
        : { channel: 'email', fallbackReason: 'no DingTalk robot for this customer' };
    case 'sms':
    case 'phone':
      return { channel: 'email', fallbackReason: 'no SMS gateway' };
    case 'email':
    case null:
    case undefined:
      return { channel: 'email', fallbackReason: null };
    default:
      return { channel: 'email', fallbackReason: `${preferred} is not a notification channel` };
  }
}

/** Opt-out scopes that stop a channel: the contact-facing name counts too (wechat for WeCom). */
const CHANNEL_SCOPES: Record<ContactChannel, string[]> = {
  email: ['email'],
  wecom: ['wecom', 'wechat'],
  dingtalk: ['dingtalk'],
};

/**
 * The opt-out scope that stops this notice, or null. Scopes: 'all', a channel ('email', 'wechat',
 * 'wecom', 'dingtalk', 'sms'), a topic ('shipment.exception') or a topic family ('shipment.*').
 */
export function optOutScopeFor(
  scopes: readonly string[],
  channel: ContactChannel,
  topic: string,
): string | null {
  for (const scope of scopes) {
    if (scope === 'all') return scope;
    if (CHANNEL_SCOPES[channel].includes(scope)) return scope;
    if (scope === topic) return scope;
    if (scope.endsWith('.*') && topic.startsWith(scope.slice(0, -1))) return scope;
  }
  return null;
}

/** Does an endpoint subscribed to `topics` receive `topic`? ('*' all, 'shipment.*' a family.) */
export function topicMatches(topics: readonly string[], topic: string): boolean {
  return topics.some(
    (t) => t === '*' || t === topic || (t.endsWith('.*') && topic.startsWith(t.slice(0, -1))),
  );
}

/** Opt-out scope syntax: 'all', a channel, or a dotted topic optionally ending in '.*'. */
export const OPT_OUT_SCOPE_PATTERN = '^(all|[a-z][a-z0-9_]*(\\.([a-z0-9_]+|\\*))*)$';

export type SuppressionReason =
  | 'do_not_contact'
  | 'contact_archived'
  | 'no_contact'
  | 'no_address'
  | 'frequency_cap'
  | `opt_out:${string}`;

export interface SuppressionInput {
  contactExists: boolean;
  archived: boolean;
  doNotContact: boolean;
  optOutScope: string | null;
  hasAddress: boolean;
  /** Messages sent or waiting to this contact in the last 24 h. */
  recentCount: number;
  dailyCap: number;
}

/** Why a notice to a contact must not go out, or null when it may. Checked in this order. */
export function suppressionReason(input: SuppressionInput): SuppressionReason | null {
  if (!input.contactExists) return 'no_contact';
  if (input.archived) return 'contact_archived';
  if (input.doNotContact) return 'do_not_contact';
  if (input.optOutScope) return `opt_out:${input.optOutScope}`;
  if (!input.hasAddress) return 'no_address';
  if (input.dailyCap > 0 && input.recentCount >= input.dailyCap) return 'frequency_cap';
  return null;
}

/**
 * A recipient URL as shown to staff who are not administrators: query values (a WeCom robot's
 * `key`, a DingTalk `access_token`, a webhook's `?token=`) and a password in the URL are credentials
 * — whoever has them can post into the customer's group chat — so they read `********`.
 * Anything that is not an http(s) URL (an email address) is returned as it is.
 */
export function maskRecipient(recipient: string): string {
  if (!/^https?:\/\//i.test(recipient)) return recipient;
  let url: URL;
  try {
    url = new URL(recipient);
  } catch {
    return recipient.replace(/[?#].*$/, '?********');
  }
  const mask = '********';
  if (url.password) url.password = mask;
  if (url.username) url.username = mask;
  if (url.search) {
    const names = [...new Set(url.searchParams.keys())];
    url.search = names.length > 0 ? names.map((n) => `${encodeURIComponent(n)}=${mask}`).join('&') : mask;
  }
  if (url.hash) url.hash = '';
  return url.toString();
}

/** A short, single-line excerpt of a receiver's answer for the attempt log. */
export function shortResponse(text: string, max = 500): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
