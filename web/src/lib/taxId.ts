import type { TFunction } from 'i18next';
// The server's own rules (GB 32100-2015), so the form and the API agree on what is valid.
import { normalizeTaxId, usccCheckCharacter } from '../../../src/domain/customers.ts';

const ALPHABET = /^[0-9ABCDEFGHJKLMNPQRTUWXY]*$/;

/** Why a unified social credit code is not valid, in the user's language; null when it is. */
export function taxIdMessage(t: TFunction, raw: string): string | null {
  const code = normalizeTaxId(raw);
  if (!code) return null;
  if (code.length !== 18) return t('customer.taxIdLength', { count: code.length });
  if (!ALPHABET.test(code)) return t('customer.taxIdAlphabet');
  if (!/^\d{6}$/.test(code.slice(2, 8))) return t('customer.taxIdDivision');
  if (usccCheckCharacter(code.slice(0, 17)) !== code[17]) return t('customer.taxIdCheck');
  return null;
}
