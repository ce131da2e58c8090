/**
 * The escalation ladder of 三换 (换人): who is the next, more senior person a ticket goes to. Pure
 * data in, plain data out — the escalations service loads the department tree and the owner.
 *
 * The ladder starts at the current owner's department and walks up the tree: the head of the
 * owner's department when the owner is not that head, otherwise the head of the parent, and so on
 * to the top. Vacant heads are skipped; a person heading several departments on the way appears
 * once, at the highest of them; departments at or below one the owner heads are skipped (the owner
 * already outranks their heads). Nothing above the top: "nowhere higher".
 */

export interface LadderDepartment {
  id: string;
  parentId: string | null;
  headUserId: string | null;
}

export interface LadderRung {
  /** The more senior person. */
  userId: string;
  /** The department they head. */
  departmentId: string;
  /** The ticket's escalation level once it reaches this person. */
  level: number;
}

export interface LadderInput {
  departments: readonly LadderDepartment[];
  /** The current owner; null for an unowned ticket. */
  ownerId: string | null;
  /** The current owner's department; null when they have none. */
  ownerDepartmentId: string | null;
  /** The ticket's escalation level now (0 at the first owner). */
  currentLevel: number;
}

/** The department chain from `departmentId` up to the root, cycle-safe. */
export function departmentChain(departments: readonly LadderDepartment[], departmentId: string): string[] {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const chain: string[] = [];
  let current: string | null = departmentId;
  while (current && byId.has(current) && !chain.includes(current)) {
    chain.push(current);
    current = byId.get(current)!.parentId;
  }
  return chain;
}

/**
 * Every more senior person above the owner, nearest first; rung i reaches level currentLevel + i + 1.
 * Empty when there is nobody higher (or the owner has no department).
 */
export function escalationLadder(input: LadderInput): LadderRung[] {
  if (!input.ownerDepartmentId) return [];
  const byId = new Map(input.departments.map((d) => [d.id, d]));
  const chain = departmentChain(input.departments, input.ownerDepartmentId);
  // Start above the highest department on the chain the owner heads.
  let start = 0;
  chain.forEach((id, index) => {
    if (input.ownerId !== null && byId.get(id)!.headUserId === input.ownerId) start = index + 1;
  });
  // Each person once, at the highest department they head on the way up.
  const heads: { userId: string; departmentId: string }[] = [];
  for (const id of chain.slice(start)) {
    const head = byId.get(id)!.headUserId;
    if (!head || head === input.ownerId) continue;
    const seen = heads.findIndex((rung) => rung.userId === head);
    if (seen >= 0) heads.splice(seen, 1);
    heads.push({ userId: head, departmentId: id });
  }
  return heads.map((rung, index) => ({ ...rung, level: input.currentLevel + index + 1 }));
}

export type NextEscalation =
  | { found: true; rung: LadderRung }
  | { found: false; reason: 'no_department' | 'nowhere_higher' };

/** The next person up the ladder, or why there is none. */
export function nextEscalation(input: LadderInput): NextEscalation {
  if (!input.ownerDepartmentId) return { found: false, reason: 'no_department' };
  const [rung] = escalationLadder(input);
  return rung ? { found: true, rung } : { found: false, reason: 'nowhere_higher' };
}

/** Staff ranks for "more senior": agents and operations < supervisors < managers < admins. */
const RANK: Record<string, number> = { agent: 0, operations: 0, supervisor: 1, manager: 2, admin: 3 };

export interface LadderPerson {
  id: string;
  role: string;
  departmentId: string | null;
  active: boolean;
}

/**
 * Whether `candidate` is more senior than the owner for a manual 换人 or 换时: a head on the ladder,
 * or an active supervisor or manager in a department above the owner's (or in the owner's own
 * department when they outrank the owner's role).
 */
export function isMoreSenior(
  input: LadderInput & { owner: LadderPerson | null },
  candidate: LadderPerson,
): boolean {
  if (!candidate.active || candidate.id === input.ownerId) return false;
  if (escalationLadder(input).some((rung) => rung.userId === candidate.id)) return true;
  if (candidate.role !== 'supervisor' && candidate.role !== 'manager') return false;
  if (!input.ownerDepartmentId || !candidate.departmentId) return false;
  const chain = departmentChain(input.departments, input.ownerDepartmentId);
  const position = chain.indexOf(candidate.departmentId);
  if (position < 0) return false;
  // Not at or below a department the owner heads: the owner outranks people there.
  const byId = new Map(input.departments.map((d) => [d.id, d]));
  let headed = -1;
  chain.forEach((id, index) => {
    if (input.ownerId !== null && byId.get(id)?.headUserId === input.ownerId) headed = index;
  });
  if (position <= headed) return false;
  if (position > 0) return true;
  const ownerRank = input.owner ? (RANK[input.owner.role] ?? 0) : -1;
  return (RANK[candidate.role] ?? 0) > ownerRank;
}
