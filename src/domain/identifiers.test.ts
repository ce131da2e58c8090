import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  awbCheckDigit,
  iso6346CheckDigit,
  iso6346LetterValue,
  iso6346Remainder,
  validateAwbNumber,
  validateContainerNumber,
  validateUnLocode,
} from './identifiers.ts';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const letter = fc.constantFrom(...LETTERS.split(''));
const digit = fc.constantFrom(...'0123456789'.split(''));
const containerBody = fc
  .tuple(
    fc.array(letter, { minLength: 3, maxLength: 3 }),
    fc.constantFrom('U', 'J', 'Z'),
    fc.array(digit, { minLength: 6, maxLength: 6 }),
  )
  .map(([owner, cat, serial]) => `${owner.join('')}${cat}${serial.join('')}`);

describe('ISO 6346 container numbers', () => {
  it('letter values skip the multiples of 11', () => {
    // Table in ISO 6346 §A; reproduced e.g. at https://prefixlist.com/?p=1055
    const table: Record<string, number> = { A: 10, B: 12, K: 21, L: 23, U: 32, V: 34, Z: 38 };
    for (const [l, v] of Object.entries(table)) expect(iso6346LetterValue(l)).toBe(v);
    const all = LETTERS.split('').map(iso6346LetterValue);
    expect(all.filter((v) => v % 11 === 0)).toEqual([]);
  });

  it('accepts published examples', () => {
    // CSQU3054383: the worked example of the ISO 6346 article on Wikipedia, also used by
    // https://www.lobster-world.com/online/_data/docs/46/en/BasicISO6346CreateCheckDigit.html
    expect(validateContainerNumber('CSQU3054383')).toEqual({ ok: true, normalized: 'CSQU3054383' });
    // Same page: lower case and spaces are accepted ("Csq u3054383").
    expect(validateContainerNumber('Csq u3054383')).toEqual({ ok: true, normalized: 'CSQU3054383' });
    // MSKU 907032-3: Maersk-style marking (check digit printed apart); no published source at
    // hand, verified by hand instead:
    // 24+60+84+256+144+0+448+0+768+1024 = 2808, 2808 mod 11 = 3.
    expect(validateContainerNumber('MSKU 907032-3')).toEqual({ ok: true, normalized: 'MSKU9070323' });
    // MWCU 605978 → sum 7858, remainder 4: worked example at https://prefixlist.com/?p=1055
    expect(iso6346CheckDigit('MWCU605978')).toBe(4);
    // ABCU123456 → check digit 0: example in the "ISO 6346 check digit" app description,
    // https://play.google.com/store/apps/details?id=it.deepabyss.cntr_check_digit
    expect(iso6346CheckDigit('ABCU123456')).toBe(0);
  });

  it('says which check digit was expected', () => {
    expect(validateContainerNumber('CSQU3054384')).toMatchObject({
      ok: false,
      reason: 'check_digit',
      expected: 3,
      actual: 4,
      message: 'Check digit of container number CSQU305438 must be 3, not 4',
    });
  });

  it('rejects malformed numbers as format errors', () => {
    // "7SQU305438" and "7777777" are the error examples of the Lobster page above.
    for (const bad of [
      '7SQU3054383',
      '7777777',
      'CSQU305438',
      'CSQU30543833',
      'CSQX3054383',
      'CSQ3054383',
      '',
      'CSQU305438A',
    ]) {
      expect(validateContainerNumber(bad)).toMatchObject({ ok: false, reason: 'format' });
    }
    expect(validateContainerNumber('CSQX3054383')).toMatchObject({
      message: expect.stringContaining('U, J or Z'),
    });
  });

  it('property: a random body with its computed check digit always validates', () => {
    fc.assert(
      fc.property(containerBody, (body) => {
        const r = validateContainerNumber(`${body}${iso6346CheckDigit(body)}`);
        expect(r).toEqual({ ok: true, normalized: `${body}${iso6346CheckDigit(body)}` });
      }),
      { numRuns: 2000 },
    );
  });

  // Changing one character of a valid number is NOT always caught by ISO 6346, for two reasons
  // built into the standard: (1) remainder 10 is written as 0, so moving the remainder between 0
  // and 10 keeps check digit 0; (2) letter values congruent mod 11 (A=10/K=21/U=32, B/L/V, …)
  // weigh the same. The property below states exactly that: every other single change is rejected.
  it('property: any single-character change is rejected, except the two blind spots of the standard', () => {
    const alphabet = `${LETTERS}0123456789`.split('');
    fc.assert(
      fc.property(
        containerBody,
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom(...alphabet),
        (body, pos, ch) => {
          const valid = `${body}${iso6346CheckDigit(body)}`;
          fc.pre(valid[pos] !== ch);
          const changed = `${valid.slice(0, pos)}${ch}${valid.slice(pos + 1)}`;
          const r = validateContainerNumber(changed);
          if (!r.ok) return;
          // Accepted: must be one of the blind spots.
          expect(pos).toBeLessThan(10);
          const before = iso6346Remainder(body);
          const after = iso6346Remainder(changed.slice(0, 10));
          const sameLetterWeight =
            pos < 4 &&
            /[A-Z]/.test(ch) &&
            (iso6346LetterValue(ch) - iso6346LetterValue(valid[pos]!)) % 11 === 0;
          const zeroTenCollapse = before !== after && before % 10 === after % 10;
          expect(sameLetterWeight || zeroTenCollapse).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('changing the check digit itself is always rejected', () => {
    fc.assert(
      fc.property(containerBody, digit, (body, d) => {
        const check = iso6346CheckDigit(body);
        fc.pre(Number(d) !== check);
        expect(validateContainerNumber(`${body}${d}`)).toMatchObject({
          ok: false,
          reason: 'check_digit',
          expected: check,
        });
      }),
    );
  });

  it('known weakness: remainder 10 gives check digit 0, and a single change can then go undetected', () => {
    // Find a body with remainder 10, then a one-digit change of it with remainder 0: both carry check digit 0.
    let found: { ten: string; zero: string } | undefined;
    for (let n = 0; n < 1_000_000 && !found; n++) {
      const body = `CSQU${String(n).padStart(6, '0')}`;
      if (iso6346Remainder(body) !== 10) continue;
      for (let pos = 4; pos < 10 && !found; pos++) {
        for (let d = 0; d <= 9; d++) {
          const other = `${body.slice(0, pos)}${d}${body.slice(pos + 1)}`;
          if (other !== body && iso6346Remainder(other) === 0) {
            found = { ten: body, zero: other };
            break;
          }
        }
      }
    }
    expect(found).toBeDefined();
    const { ten, zero } = found!;
    expect(iso6346CheckDigit(ten)).toBe(0);
    expect(iso6346CheckDigit(zero)).toBe(0);
    expect(validateContainerNumber(`${ten}0`).ok).toBe(true);
    expect(validateContainerNumber(`${zero}0`).ok).toBe(true); // one digit away, still accepted
  });

  it('known weakness: letters congruent mod 11 are interchangeable (A/K/U)', () => {
    // ASQU… and KSQU… and USQU… share a check digit: 10, 21 and 32 are all ≡ 10 (mod 11).
    const a = iso6346CheckDigit('ASQU305438');
    expect(iso6346CheckDigit('KSQU305438')).toBe(a);
    expect(iso6346CheckDigit('USQU305438')).toBe(a);
  });
});

describe('IATA air waybill numbers', () => {
  it('accepts published examples in every common form', () => {
    // 1234567 mod 7 = 5: the worked example of the Australian Border Force ICS reference,
    // https://www.abf.gov.au/help-and-support/ics/integrated-cargo-system-(ics)/software-developers/reference-materials/check-digital-algorithms/airway-bill-check-digit-formula
    expect(validateAwbNumber('157-12345675')).toEqual({ ok: true, normalized: '157-12345675' });
    expect(validateAwbNumber('15712345675')).toEqual({ ok: true, normalized: '157-12345675' });
    expect(validateAwbNumber('157 1234567 5')).toEqual({ ok: true, normalized: '157-12345675' });
    // 020-81140743 (Lufthansa Cargo): https://jetcurrent.com/glossary/check-digit
    expect(validateAwbNumber('020-81140743')).toEqual({ ok: true, normalized: '020-81140743' });
    // 589 8114074 3: https://www.freight.domains/air-way-bill-check-digit-calculator/
    expect(validateAwbNumber('589 8114074 3').ok).toBe(true);
    expect(awbCheckDigit('1234567')).toBe(5);
  });

  it('rejects a wrong check digit with the expected one, and check digits 7–9 outright', () => {
    expect(validateAwbNumber('157-12345674')).toMatchObject({
      ok: false,
      reason: 'check_digit',
      expected: 5,
      actual: 4,
    });
    expect(validateAwbNumber('157-12345678')).toMatchObject({
      ok: false,
      reason: 'check_digit',
      expected: 5,
    });
  });

  it('rejects malformed numbers as format errors', () => {
    for (const bad of ['157-1234567', '157-123456755', 'ABC-12345675', '', '157_12345675', '1571234567X']) {
      expect(validateAwbNumber(bad)).toMatchObject({ ok: false, reason: 'format' });
    }
  });

  const prefix = fc.array(digit, { minLength: 3, maxLength: 3 }).map((a) => a.join(''));
  const serial = fc.array(digit, { minLength: 7, maxLength: 7 }).map((a) => a.join(''));

  it('property: a random serial with its computed check digit always validates, with or without hyphen', () => {
    fc.assert(
      fc.property(prefix, serial, (p, s) => {
        const awb = `${p}${s}${awbCheckDigit(s)}`;
        expect(validateAwbNumber(awb)).toEqual({ ok: true, normalized: `${p}-${s}${awbCheckDigit(s)}` });
        expect(validateAwbNumber(`${p}-${s}${awbCheckDigit(s)}`).ok).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  // Mod 7 does not protect the airline prefix at all, and misses a serial digit changed by 7
  // (0↔7, 1↔8, 2↔9). Every other single-digit change is rejected.
  it('property: any single-digit change of serial or check digit is rejected unless it is ±7 in the serial', () => {
    fc.assert(
      fc.property(prefix, serial, fc.integer({ min: 3, max: 10 }), digit, (p, s, pos, d) => {
        const valid = `${p}${s}${awbCheckDigit(s)}`;
        fc.pre(valid[pos] !== d);
        const changed = `${valid.slice(0, pos)}${d}${valid.slice(pos + 1)}`;
        const accepted = validateAwbNumber(changed).ok;
        const plusMinusSeven = pos < 10 && Math.abs(Number(d) - Number(valid[pos])) === 7;
        expect(accepted).toBe(plusMinusSeven);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('UN/LOCODE (format only)', () => {
  it('accepts well-formed codes and normalizes them', () => {
    // CNSHA Shanghai, NLRTM Rotterdam, DEHAM Hamburg, USNYC New York: UNECE UN/LOCODE code list.
    expect(validateUnLocode('CNSHA')).toEqual({ ok: true, normalized: 'CNSHA' });
    expect(validateUnLocode('nl rtm')).toEqual({ ok: true, normalized: 'NLRTM' });
    expect(validateUnLocode(' DEHAM ')).toEqual({ ok: true, normalized: 'DEHAM' });
    // Digits 2–9 are allowed in the location part (synthetic code, format check only).
    expect(validateUnLocode('US2NY').ok).toBe(true);
  });

  it('rejects codes outside the format', () => {
    for (const bad of ['CNSH', 'CNSHAA', 'C1SHA', 'CNSH0', 'CNSH1', 'CN-SHA', '', '12345']) {
      expect(validateUnLocode(bad)).toMatchObject({ ok: false, reason: 'format' });
    }
  });

  it('property: every string of 2 letters and 3 of [A-Z2-9] is accepted', () => {
    const loc = fc.constantFrom(...`${LETTERS}23456789`.split(''));
    fc.assert(
      fc.property(
        fc.array(letter, { minLength: 2, maxLength: 2 }),
        fc.array(loc, { minLength: 3, maxLength: 3 }),
        (c, l) => {
          const code = `${c.join('')}${l.join('')}`;
          expect(validateUnLocode(code)).toEqual({ ok: true, normalized: code });
        },
      ),
    );
  });
});
