/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters — registration
 * authority, entity category, 6-digit administrative division, 9-character organisation code
 * (GB 11714, with its own check character) and a final check character.
 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The 18th character for the first 17. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_CHARSET.indexOf(first17[i]);
    if (value < 0) throw new Error(`invalid character ${first17[i]} in unified social credit code`);
    sum += value * USCC_WEIGHTS[i];
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** The 9th character of an organisation code (GB 11714) for its first 8. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(first8[i], 36) * ORG_WEIGHTS[i];
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return usccCheckChar(code.slice(0, 17)) === code[17];
}

/**
 * Builds a valid code. `authority` 9 = market regulator (工商), `category` 1 = enterprise,
 * 2 = individual business (个体工商户); `orgBody` is the 8-digit body of the organisation code.
 */
export function makeUscc(authority: string, category: string, division: string, orgBody: string): string {
  const org = orgBody + orgCodeCheckChar(orgBody);
  const first17 = authority + category + division + org;
  return first17 + usccCheckChar(first17);
}
