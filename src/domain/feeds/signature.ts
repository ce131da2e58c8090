import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `Notification-Signature: sha256=<hex>` — the HMAC-SHA256 of the exact request body, as DCSA T&T
 * 2.2 callbacks carry it (EVENT_DOMAIN 1.0.4 `notificationSignature`,
 * https://github.com/dcsaorg/DCSA-OpenAPI/blob/master/tnt/v2/TNT_v2.2.0.yaml). DCSA subscription
 * secrets are base64 and the key is their decoded bytes (as in DCSA's reference implementation);
 * a plain shared secret is used as its UTF-8 bytes.
 */

/** `sha256=<hex HMAC-SHA256 of body>`; a string secret is used as its UTF-8 bytes. */
export function signBody(body: string | Uint8Array, secret: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]+$/;

/** The key bytes of a DCSA base64 secret, or null when the text is not base64 (or base64url). */
export function dcsaSecretBytes(secret: string): Buffer | null {
  const s = secret.trim();
  if (s === '') return null;
  if (BASE64_RE.test(s)) return Buffer.from(s, 'base64');
  if (BASE64URL_RE.test(s)) return Buffer.from(s, 'base64url');
  return null;
}

const HEADER_RE = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Whether `header` (`sha256=<hex>`) is the HMAC-SHA256 of the raw body with the secret, compared in
 * constant time. A string secret is tried as a DCSA base64 secret (its decoded bytes) and as plain
 * text (its UTF-8 bytes); bytes are used as they are. Header case and surrounding spaces are ignored.
 */
export function verifyNotificationSignature(
  rawBody: Buffer | string,
  header: string | string[] | null | undefined,
  secret: string | Uint8Array | null | undefined,
): boolean {
  if (secret === null || secret === undefined || secret.length === 0) return false;
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return false;
  const m = HEADER_RE.exec(value.trim());
  if (!m) return false;
  const sent = Buffer.from(m[1]!.toLowerCase(), 'hex');
  const keys: Uint8Array[] = [];
  if (typeof secret === 'string') {
    const decoded = dcsaSecretBytes(secret);
    if (decoded && decoded.length > 0) keys.push(decoded);
    keys.push(Buffer.from(secret, 'utf8'));
  } else {
    keys.push(secret);
  }
  let ok = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(rawBody).digest();
    // Every key is checked (no early exit) so timing does not tell which form matched.
    if (timingSafeEqual(expected, sent)) ok = true;
  }
  return ok;
}
