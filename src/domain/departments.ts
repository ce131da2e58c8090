export interface DepartmentNode {
  id: string;
  parentId: string | null;
}

/** The department itself and every department below it. */
export function descendants(nodes: DepartmentNode[], rootId: string): string[] {
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    if (!node.parentId) continue;
    const list = children.get(node.parentId) ?? [];
    list.push(node.id);
    children.set(node.parentId, list);
  }
  const result: string[] = [];
  const stack = [rootId];
  const seen = new Set<string>();
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(id);
    stack.push(...(children.get(id) ?? []));
  }
  return result;
}

/** The chain from a department up to the root: the escalation path. */
export function ancestors(nodes: DepartmentNode[], id: string): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const chain: string[] = [];
  let current = byId.get(id)?.parentId ?? null;
  while (current && !chain.includes(current)) {
    chain.push(current);
    current = byId.get(current)?.parentId ?? null;
  }
  return chain;
}

/** Moving `id` under `newParentId` must not put a department below itself. */
export function wouldCreateCycle(nodes: DepartmentNode[], id: string, newParentId: string): boolean {
  return descendants(nodes, id).includes(newParentId);
}
