/**
 * Pure validation of the shipment identifiers that standards define: ISO 6346 container numbers
 * (check digit), IATA air waybill numbers (mod-7 check digit) and UN/LOCODE location codes (format
 * only). No I/O; the shipment service and the feed adapters call these and turn a failed result
 * into a clear 422 message.
 *
 * Bill of lading numbers (house and master B/L) have NO standard format: every carrier and
 * forwarder numbers them its own way (SCAC prefix or not, letters, digits, any length). There is
 * deliberately no validator for them here — never reject a B/L number on format (issue 4).
 */

export type IdentifierResult =
  | { ok: true; normalized: string }
  | {
      ok: false;
      reason: 'format' | 'check_digit';
      /** Plain-English explanation that can be shown to the user as is. */
      message: string;
      /** For `check_digit`: the check digit the body requires. */
      expected?: number;
      /** For `check_digit`: the check digit that was given. */
      actual?: number;
    };

/** Upper-cases and drops the separators people type or print between the parts (spaces, hyphens, dots, slashes). */
function compact(input: string): string {
  return input.replace(/[\s\-./]/g, '').toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// ISO 6346 container numbers

/** Equipment category identifiers: U freight container, J detachable freight container equipment, Z trailer or chassis. */
export const ISO6346_CATEGORIES = ['U', 'J', 'Z'] as const;

/**
 * ISO 6346 letter values: A=10 and counting up, skipping the multiples of 11 (11, 22, 33), so
 * A=10, B=12 … K=21, L=23 … U=32, V=34 … Z=38.
 */
export function iso6346LetterValue(letter: string): number {
  const code = letter.charCodeAt(0) - 65;
  if (letter.length !== 1 || code < 0 || code > 25) throw new RangeError(`not a letter A-Z: ${letter}`);
  let value = 10;
  for (let i = 0; i < code; i++) {
    value++;
    if (value % 11 === 0) value++;
  }
  return value;
}

const BODY_RE = /^[A-Z]{3}[UJZ]\d{6}$/;

/**
 * The check digit of a 10-character body (owner code, category, serial): each character's value
 * times 2^position, summed, mod 11, then mod 10.
 *
 * Known weakness of the standard: a remainder of 10 is written as check digit 0, so a body whose
 * remainder is 10 and one whose remainder is 0 share check digit 0, and a single-character error
 * that moves the remainder between 0 and 10 goes undetected. ISO 6346 recommends owners not to
 * issue serial numbers whose remainder is 10, but such numbers exist and are valid. Also, letters
 * whose values are congruent mod 11 (A/K/U, B/L/V, C/M/W, …) are interchangeable for the check.
 */
export function iso6346CheckDigit(body: string): number {
  const b = compact(body);
  if (!BODY_RE.test(b)) throw new RangeError(`not an ISO 6346 body (3 letters, U/J/Z, 6 digits): ${body}`);
  return iso6346Remainder(b) % 10;
}

/** The sum mod 11 before the final mod 10 (0…10); exposed so tests can single out the remainder-10 case. */
export function iso6346Remainder(body: string): number {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const ch = body[i]!;
    const value = i < 4 ? iso6346LetterValue(ch) : ch.charCodeAt(0) - 48;
    sum += value * 2 ** i;
  }
  return sum % 11;
}

/**
 * Validates an ISO 6346 container number such as `CSQU3054383`, `csqu 305438-3` or `MSKU 907032 3`.
 * `normalized` is the 11-character upper-case form without separators.
 */
export function validateContainerNumber(input: string): IdentifierResult {
  const s = compact(input ?? '');
  if (!/^[A-Z]{4}\d{7}$/.test(s)) {
    return {
      ok: false,
      reason: 'format',
      message:
        'A container number is 4 letters (3-letter owner code and category U, J or Z) followed by 6 serial digits and 1 check digit, e.g. CSQU3054383',
    };
  }
  if (!(ISO6346_CATEGORIES as readonly string[]).includes(s[3]!)) {
    return {
      ok: false,
      reason: 'format',
      message: `The 4th letter of a container number is the equipment category U, J or Z, not ${s[3]}`,
    };
  }
  const expected = iso6346CheckDigit(s.slice(0, 10));
  const actual = Number(s[10]);
  if (expected !== actual) {
    return {
      ok: false,
      reason: 'check_digit',
      message: `Check digit of container number ${s.slice(0, 10)} must be ${expected}, not ${actual}`,
      expected,
      actual,
    };
  }
  return { ok: true, normalized: s };
}

// ---------------------------------------------------------------------------------------------
// IATA air waybill numbers

/** The check digit of a 7-digit AWB serial: the serial mod 7 (so always 0–6). */
export function awbCheckDigit(serial7: string): number {
  if (!/^\d{7}$/.test(serial7)) throw new RangeError(`not a 7-digit AWB serial: ${serial7}`);
  return Number(serial7) % 7;
}

/**
 * Validates an IATA air waybill number: 3-digit airline prefix and 8-digit serial whose last digit
 * is the first seven digits mod 7. Accepts `157-12345675`, `15712345675`, `157 1234 5675`.
 * `normalized` is the display form `157-12345675`.
 *
 * The airline prefix is not covered by the check digit and is not checked against IATA's prefix
 * list (that list changes; a shipment service may warn on an unknown prefix). Mod 7 also misses a
 * serial digit changed by ±7 (0↔7, 1↔8, 2↔9).
 */
export function validateAwbNumber(input: string): IdentifierResult {
  const s = compact(input ?? '');
  if (!/^\d{11}$/.test(s)) {
    return {
      ok: false,
      reason: 'format',
      message:
        'An air waybill number is a 3-digit airline prefix and an 8-digit serial (11 digits), e.g. 157-12345675',
    };
  }
  const expected = awbCheckDigit(s.slice(3, 10));
  const actual = Number(s[10]);
  if (expected !== actual) {
    return {
      ok: false,
      reason: 'check_digit',
      message: `Check digit of air waybill ${s.slice(0, 3)}-${s.slice(3, 10)} must be ${expected} (serial mod 7), not ${actual}`,
      expected,
      actual,
    };
  }
  return { ok: true, normalized: `${s.slice(0, 3)}-${s.slice(3)}` };
}

// ---------------------------------------------------------------------------------------------
// UN/LOCODE

/**
 * Validates the FORMAT of a UN/LOCODE: 2-letter ISO 3166-1 country code and a 3-character location
 * code of letters and digits 2–9 (digits 0 and 1 are not used, to avoid confusion with O and I),
 * e.g. `CNSHA`, `NL RTM`. Whether the code is in the UN/LOCODE list (or the country exists) is
 * not checked. `normalized` is the 5-character upper-case form without the space.
 */
export function validateUnLocode(input: string): IdentifierResult {
  const s = (input ?? '').trim().toUpperCase();
  const m = /^([A-Z]{2}) ?([A-Z2-9]{3})$/.exec(s);
  if (!m) {
    return {
      ok: false,
      reason: 'format',
      message:
        'A UN/LOCODE is a 2-letter country code and a 3-character location code (letters, digits 2-9), e.g. CNSHA',
    };
  }
  return { ok: true, normalized: `${m[1]}${m[2]}` };
}

/** True when `input` is a UN/LOCODE already in normalized 5-character form. */
export function isUnLocode(input: string): boolean {
  return /^[A-Z]{2}[A-Z2-9]{3}$/.test(input);
}
