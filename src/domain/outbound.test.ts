import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyNotificationSignature } from './feeds/signature.ts';
import {
  MAX_ATTEMPTS,
  RETRY_DELAYS_MINUTES,
  chooseContactChannel,
  dcsaKeyBytes,
  dingTalkPayload,
  dingTalkSign,
  dingTalkSignedUrl,
  nextAttemptAt,
  optOutScopeFor,
  robotAnswerError,
  robotMessageOf,
  signBody,
  suppressionReason,
  topicMatches,
  truncateUtf8,
  weComPayload,
} from './outbound.ts';

describe('signatures', () => {
  it('signs the exact body as sha256=<hex HMAC-SHA256>', () => {
    const body = '{"a":1,"b":"货物"}';
    const expected = createHmac('sha256', 'topsecret').update(body).digest('hex');
    expect(signBody('topsecret', body)).toBe(`sha256=${expected}`);
    // One changed byte, another signature.
    expect(signBody('topsecret', `${body} `)).not.toBe(`sha256=${expected}`);
  });

  it('uses the decoded bytes of a base64 DCSA secret as the key', () => {
    const keyBytes = Buffer.from('0123456789abcdef0123456789abcdef');
    const secret = keyBytes.toString('base64');
    expect(dcsaKeyBytes(secret).equals(keyBytes)).toBe(true);
    const body = '[{"eventID":"x"}]';
    // A secret that is not base64 is used as its text.
    expect(dcsaKeyBytes('not base64!').equals(Buffer.from('not base64!'))).toBe(true);
    expect(verifyNotificationSignature(body, signBody(dcsaKeyBytes(secret), body), secret)).toBe(true);
    expect(signBody(dcsaKeyBytes(secret), body)).toBe(
      `sha256=${createHmac('sha256', keyBytes).update(body).digest('hex')}`,
    );
  });

  it('computes DingTalk 加签 as urlencoded base64 HMAC-SHA256(secret, timestamp\\nsecret)', () => {
    const secret = 'SECabc123';
    const ts = 1_700_000_000_000;
    const raw = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    expect(dingTalkSign(secret, ts)).toBe(encodeURIComponent(raw));
    expect(decodeURIComponent(dingTalkSign(secret, ts))).toBe(raw);
    const url = dingTalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=T', secret, ts);
    expect(url).toBe(
      `https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=${ts}&sign=${encodeURIComponent(raw)}`,
    );
    // Without a secret (keyword security) the URL is left alone.
    expect(dingTalkSignedUrl('https://x/robot?access_token=T', null, ts)).toBe(
      'https://x/robot?access_token=T',
    );
  });
});

describe('robot payloads', () => {
  it('builds WeCom markdown within 4096 bytes', () => {
    const payload = weComPayload({ title: '延误', text: '柜'.repeat(3000) });
    expect(payload.msgtype).toBe('markdown');
    expect(payload.markdown.content.startsWith('### 延误\n')).toBe(true);
    expect(Buffer.byteLength(payload.markdown.content)).toBeLessThanOrEqual(4096);
  });

  it('builds DingTalk markdown with title and text', () => {
    const payload = dingTalkPayload({ title: 'Delay', text: 'ETA moved' });
    expect(payload).toEqual({
      msgtype: 'markdown',
      markdown: { title: 'Delay', text: '### Delay\n\nETA moved' },
    });
  });

  it('reads errcode from robot answers', () => {
    expect(robotAnswerError('{"errcode":0,"errmsg":"ok"}')).toBeNull();
    expect(robotAnswerError('{"errcode":310000,"errmsg":"sign not match"}')).toBe(
      'errcode 310000: sign not match',
    );
    expect(robotAnswerError('<html>')).toBe('answer is not JSON');
  });

  it('renders a machine payload for robots', () => {
    expect(robotMessageOf('t', { title: 'T', text: 'body' })).toEqual({ title: 'T', text: 'body' });
    expect(robotMessageOf('shipment.exception', { number: 'LS1', kind: 'delay' }).text).toBe(
      '- **number**: LS1\n- **kind**: delay',
    );
  });

  it('truncates UTF-8 without splitting characters', () => {
    const cut = truncateUtf8('货'.repeat(10), 10);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(10);
    expect(cut.endsWith('…')).toBe(true);
    expect(truncateUtf8('abc', 10)).toBe('abc');
  });
});

describe('retries', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('backs off 1, 5, 30, 120, 360 minutes, then gives up after attempt 6', () => {
    expect(MAX_ATTEMPTS).toBe(6);
    RETRY_DELAYS_MINUTES.forEach((minutes, i) => {
      // random 0.5 → no jitter
      expect(nextAttemptAt(now, i + 1, 0.5)?.getTime()).toBe(now.getTime() + minutes * 60_000);
    });
    expect(nextAttemptAt(now, 6, 0.5)).toBeNull();
  });

  it('jitters within ±20 %', () => {
    expect(nextAttemptAt(now, 1, 0)?.getTime()).toBe(now.getTime() + 48_000);
    expect(nextAttemptAt(now, 1, 1)?.getTime()).toBe(now.getTime() + 72_000);
  });
});

describe('channel choice, opt-outs and caps', () => {
  const none = { wecom: false, dingtalk: false };
  const both = { wecom: true, dingtalk: true };
  it('follows the preferred channel with an email fallback', () => {
    expect(chooseContactChannel('email', both)).toEqual({ channel: 'email', fallbackReason: null });
    expect(chooseContactChannel('wechat', both)).toEqual({ channel: 'wecom', fallbackReason: null });
    expect(chooseContactChannel('wechat', none).channel).toBe('email');
    expect(chooseContactChannel('wechat', none).fallbackReason).toMatch(/WeCom/);
    expect(chooseContactChannel('dingtalk', both).channel).toBe('dingtalk');
    expect(chooseContactChannel('dingtalk', none).channel).toBe('email');
    expect(chooseContactChannel('sms', both)).toEqual({ channel: 'email', fallbackReason: 'no SMS gateway' });
    expect(chooseContactChannel('phone', both).fallbackReason).toBe('no SMS gateway');
    expect(chooseContactChannel(null, both)).toEqual({ channel: 'email', fallbackReason: null });
  });

  it('matches opt-out scopes: all, channel, topic, topic family', () => {
    expect(optOutScopeFor(['all'], 'email', 'shipment.exception')).toBe('all');
    expect(optOutScopeFor(['email'], 'email', 'x')).toBe('email');
    expect(optOutScopeFor(['email'], 'wecom', 'x')).toBeNull();
    expect(optOutScopeFor(['wechat'], 'wecom', 'x')).toBe('wechat');
    expect(optOutScopeFor(['shipment.milestone'], 'email', 'shipment.milestone')).toBe('shipment.milestone');
    expect(optOutScopeFor(['shipment.milestone'], 'email', 'shipment.exception')).toBeNull();
    expect(optOutScopeFor(['shipment.*'], 'email', 'shipment.exception')).toBe('shipment.*');
    expect(optOutScopeFor(['shipment.*'], 'email', 'ticket.reply')).toBeNull();
  });

  it('matches endpoint topics', () => {
    expect(topicMatches(['*'], 'a.b')).toBe(true);
    expect(topicMatches(['shipment.*'], 'shipment.delivered')).toBe(true);
    expect(topicMatches(['shipment.exception'], 'shipment.delivered')).toBe(false);
  });

  it('decides suppression in order, the cap last', () => {
    const ok = {
      contactExists: true,
      archived: false,
      doNotContact: false,
      optOutScope: null,
      hasAddress: true,
      recentCount: 0,
      dailyCap: 5,
    };
    expect(suppressionReason(ok)).toBeNull();
    expect(suppressionReason({ ...ok, contactExists: false })).toBe('no_contact');
    expect(suppressionReason({ ...ok, doNotContact: true, optOutScope: 'all' })).toBe('do_not_contact');
    expect(suppressionReason({ ...ok, optOutScope: 'email' })).toBe('opt_out:email');
    expect(suppressionReason({ ...ok, hasAddress: false })).toBe('no_address');
    expect(suppressionReason({ ...ok, recentCount: 4 })).toBeNull();
    expect(suppressionReason({ ...ok, recentCount: 5 })).toBe('frequency_cap');
    expect(suppressionReason({ ...ok, recentCount: 50, dailyCap: 0 })).toBeNull();
  });
});
