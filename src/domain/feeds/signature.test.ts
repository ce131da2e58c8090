import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dcsaSecretBytes, signBody, verifyNotificationSignature } from './signature.ts';

describe('Notification-Signature', () => {
  const body = '[{"eventID":"84db923d-2a19-4eb0-beb5-446c1ec57d34","eventType":"TRANSPORT"}]';

  it('signs as sha256=<hex HMAC-SHA256 of the body>', () => {
    const expected = createHmac('sha256', 'shh').update(body).digest('hex');
    expect(signBody(body, 'shh')).toBe(`sha256=${expected}`);
    expect(signBody(Buffer.from(body), Buffer.from('shh'))).toBe(`sha256=${expected}`);
  });

  it('verifies a DCSA base64 secret by its decoded bytes and a plain secret by its text', () => {
    const keyBytes = Buffer.from('0123456789abcdef0123456789abcdef');
    const base64 = keyBytes.toString('base64');
    expect(dcsaSecretBytes(base64)).toEqual(keyBytes);
    const dcsaHeader = signBody(body, keyBytes);
    expect(verifyNotificationSignature(body, dcsaHeader, base64)).toBe(true);
    expect(
      verifyNotificationSignature(
        Buffer.from(body),
        dcsaHeader.toUpperCase().replace('SHA256', 'sha256'),
        base64,
      ),
    ).toBe(true);
    expect(verifyNotificationSignature(body, signBody(body, 'plain secret!'), 'plain secret!')).toBe(true);
    expect(verifyNotificationSignature(body, [dcsaHeader], keyBytes)).toBe(true);
  });

  it('refuses a changed body, another secret, a malformed or missing header', () => {
    const header = signBody(body, 'shh');
    expect(verifyNotificationSignature(`${body} `, header, 'shh')).toBe(false);
    expect(verifyNotificationSignature(body, header, 'other')).toBe(false);
    expect(verifyNotificationSignature(body, header.replace('sha256=', 'sha1='), 'shh')).toBe(false);
    expect(verifyNotificationSignature(body, header.slice(0, -2), 'shh')).toBe(false);
    expect(verifyNotificationSignature(body, undefined, 'shh')).toBe(false);
    expect(verifyNotificationSignature(body, header, '')).toBe(false);
    expect(verifyNotificationSignature(body, header, null)).toBe(false);
  });
});
