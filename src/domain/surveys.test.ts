import { describe, expect, it } from 'vitest';
import type { ModelNode } from './satisfaction/model.ts';
import {
  addMonths,
  dimensionOf,
  dueReminder,
  hashToken,
  looksLikeToken,
  mergeAnswers,
  nextWaveAt,
  surveyItems,
  tokenExpiresAt,
  tokenState,
  validateAnswers,
} from './surveys.ts';

const node = (key: string, parentKey: string | null, weight: number, extra: Partial<ModelNode> = {}) =>
  ({
    key,
    parentKey,
    level: parentKey === null ? 1 : key.split('.').length + 1,
    nameZh: key,
    nameEn: key,
    weight,
    ...extra,
  }) as ModelNode;

// A small tree: satisfaction → quality (0.6: reliability, speed), loyalty (0.4: again, reverse chase).
const tree: ModelNode[] = [
  node('satisfaction', null, 1),
  node('quality', 'satisfaction', 0.6, { dimension: 'quality', level: 2 }),
  node('loyalty', 'satisfaction', 0.4, { dimension: 'loyalty', level: 2 }),
  node('quality.reliability', 'quality', 0.5, { level: 3 }),
  node('quality.speed', 'quality', 0.5, { level: 3 }),
  node('loyalty.again', 'loyalty', 0.75, { level: 3 }),
  node('loyalty.chase', 'loyalty', 0.25, { level: 3, reverse: true }),
];

const day = 86_400_000;
const t0 = new Date('2026-03-31T08:00:00Z');

describe('token links', () => {
  it('store a SHA-256 hex digest, never the token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('are 43 base64url characters (32 bytes)', () => {
    expect(looksLikeToken(Buffer.alloc(32, 7).toString('base64url'))).toBe(true);
    expect(looksLikeToken('short')).toBe(false);
    expect(looksLikeToken(`${'a'.repeat(42)}=`)).toBe(false);
  });
  it('expire ttl days after sending; expired, completed, cancelled and closed are told apart', () => {
    const expiresAt = tokenExpiresAt(t0, 30);
    expect(expiresAt.toISOString()).toBe('2026-04-30T08:00:00.000Z');
    const inv = { status: 'sent', expiresAt };
    expect(tokenState(inv, 'active', new Date(expiresAt.getTime() - 1))).toBe('open');
    expect(tokenState(inv, 'active', expiresAt)).toBe('expired');
    expect(tokenState({ ...inv, status: 'expired' }, 'active', t0)).toBe('expired');
    expect(tokenState({ ...inv, status: 'completed' }, 'closed', expiresAt)).toBe('completed');
    expect(tokenState({ ...inv, status: 'cancelled' }, 'active', t0)).toBe('cancelled');
    expect(tokenState(inv, 'closed', t0)).toBe('closed');
  });
});

describe('reminders', () => {
  const inv = { status: 'sent', sentAt: t0, expiresAt: tokenExpiresAt(t0, 30), reminderCount: 0 };
  it('go out reminderDays after sending, one at a time, in day order', () => {
    expect(dueReminder(inv, [7, 3], new Date(t0.getTime() + 3 * day - 1))).toBeNull();
    expect(dueReminder(inv, [7, 3], new Date(t0.getTime() + 3 * day))).toBe(1);
    expect(dueReminder({ ...inv, reminderCount: 1 }, [3, 7], new Date(t0.getTime() + 5 * day))).toBeNull();
    expect(dueReminder({ ...inv, reminderCount: 1 }, [3, 7], new Date(t0.getTime() + 7 * day))).toBe(2);
    expect(dueReminder({ ...inv, reminderCount: 2 }, [3, 7], new Date(t0.getTime() + 20 * day))).toBeNull();
  });
  it('never after completion, expiry or before sending', () => {
    const late = new Date(t0.getTime() + 10 * day);
    expect(dueReminder({ ...inv, status: 'completed' }, [3], late)).toBeNull();
    expect(dueReminder({ ...inv, expiresAt: late }, [3], late)).toBeNull();
    expect(dueReminder({ ...inv, sentAt: null }, [3], late)).toBeNull();
    expect(dueReminder({ ...inv, status: 'partial' }, [3], late)).toBe(1);
  });
});

describe('waves', () => {
  it('add calendar months, clamping the day to the month', () => {
    expect(addMonths(t0, 1).toISOString()).toBe('2026-04-30T08:00:00.000Z');
    expect(addMonths(t0, 6).toISOString()).toBe('2026-09-30T08:00:00.000Z');
    expect(addMonths(new Date('2026-01-31T00:00:00Z'), 1).toISOString()).toBe('2026-02-28T00:00:00.000Z');
  });
  it('the next wave is recurrence months on, past now (one wave after a long outage)', () => {
    expect(nextWaveAt(t0, 6, t0).toISOString()).toBe('2026-09-30T08:00:00.000Z');
    expect(nextWaveAt(t0, 6, new Date('2027-05-01T00:00:00Z')).toISOString()).toBe(
      '2027-09-30T08:00:00.000Z',
    );
  });
});

describe('questionnaire', () => {
  it('asks the leaves in tree order', () => {
    expect(surveyItems(tree).map((n) => n.key)).toEqual([
      'quality.reliability',
      'quality.speed',
      'loyalty.again',
      'loyalty.chase',
    ]);
    expect(dimensionOf(tree, 'loyalty.chase')).toBe('loyalty');
  });

  const items = surveyItems(tree);
  const opts = { askIdeal: false, askImportance: false, complete: false };
  it('partial saves may leave gaps; each bad answer names its item', () => {
    expect(validateAnswers(items, [{ itemKey: 'quality.speed', score: 4 }], opts)).toEqual([]);
    const problems = validateAnswers(
      items,
      [
        { itemKey: 'quality.speed', score: 6 },
        { itemKey: 'nope', score: 3 },
        { itemKey: 'loyalty.again', score: 2.5 },
        { itemKey: 'quality.reliability', score: 3, idealScore: 5 },
      ],
      opts,
    );
    expect(problems.map((p) => p.message)).toEqual([
      'item "quality.speed": the score must be a whole number from 1 to 5',
      'unknown item "nope"',
      'item "loyalty.again": the score must be a whole number from 1 to 5',
      'item "quality.reliability": this survey does not ask for idealScore',
    ]);
    expect(validateAnswers(items, [{ itemKey: 'quality.speed', score: 0 }], opts)).toHaveLength(1);
    expect(
      validateAnswers(items, [{ itemKey: 'quality.speed', score: 3, idealScore: 5, importance: 0 }], {
        ...opts,
        askIdeal: true,
        askImportance: true,
      }).map((p) => p.field),
    ).toEqual(['answers[0].importance']);
  });
  it('a submit needs every item scored, saved before or given now', () => {
    const saved = [
      { itemKey: 'quality.reliability', score: 4 },
      { itemKey: 'quality.speed', score: 4 },
    ];
    const given = [{ itemKey: 'loyalty.again', score: 5 }];
    expect(validateAnswers(items, given, { ...opts, complete: true, saved }).map((p) => p.message)).toEqual([
      'item "loyalty.chase" is not answered',
    ]);
    expect(
      validateAnswers(items, [...given, { itemKey: 'loyalty.chase', score: 1 }], {
        ...opts,
        complete: true,
        saved,
      }),
    ).toEqual([]);
    expect(
      validateAnswers(items, [{ itemKey: 'quality.speed', score: null }], {
        ...opts,
        complete: true,
        saved,
      }).map((p) => p.field),
    ).toEqual(['answers.quality.speed', 'answers.loyalty.again', 'answers.loyalty.chase']);
  });
  it('merges new answers over saved ones', () => {
    expect(
      mergeAnswers(
        [{ itemKey: 'a', score: 2, idealScore: 4, importance: null }],
        [
          { itemKey: 'a', score: 3 },
          { itemKey: 'b', score: 1 },
        ],
      ),
    ).toEqual([
      { itemKey: 'a', score: 3, idealScore: 4, importance: null },
      { itemKey: 'b', score: 1, idealScore: null, importance: null },
    ]);
  });
});
