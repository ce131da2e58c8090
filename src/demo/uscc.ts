import { usccCheckCharacter } from '../domain/customers.ts';

/**
 * Generates unified social credit codes (统一社会信用代码, GB 32100-2015): registration
 * authority, entity category, 6-digit administrative division, 9-character organisation code
 * (GB 11714, with its own check character) and the final check character. Validation is in
 * src/domain/customers.ts (taxIdProblem).
 */
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The 9th character of an organisation code (GB 11714) for its first 8. */
export function orgCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(first8[i], 36) * ORG_WEIGHTS[i];
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * A valid code. `authority` 9 = market regulator (工商), `category` 1 = enterprise,
 * 2 = individual business (个体工商户); `orgBody` is the 8-digit body of the organisation code.
 */
export function makeUscc(authority: string, category: string, division: string, orgBody: string): string {
  const first17 = authority + category + division + orgBody + orgCodeCheckChar(orgBody);
  return first17 + usccCheckCharacter(first17);
}
