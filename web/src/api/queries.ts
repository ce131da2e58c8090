import { useQuery } from '@tanstack/react-query';
import { api, type Schemas, unwrap } from './client';

export type User = Schemas['User'];
export type Department = Schemas['Department'];

/** Every colleague (staff see staff; admins also portal accounts), cached for names and pickers. */
export function useUsers() {
  return useQuery({
    queryKey: ['users', 'all'],
    queryFn: async () => (await unwrap(api.GET('/api/users'))).items,
    staleTime: 60_000,
  });
}

export function useUserNames(): Map<string, User> {
  const { data } = useUsers();
  return new Map((data ?? []).map((user) => [user.id, user]));
}

export function useDepartments() {
  return useQuery({
    queryKey: ['departments'],
    queryFn: async () => (await unwrap(api.GET('/api/departments'))).items,
    staleTime: 5 * 60_000,
  });
}

export interface DepartmentNode extends Department {
  children?: DepartmentNode[];
}

/** parentId links → a tree, roots first, children sorted by code. */
export function departmentTree(departments: Department[]): DepartmentNode[] {
  const nodes = new Map<string, DepartmentNode>(departments.map((d) => [d.id, { ...d }]));
  const roots: DepartmentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (!parent) roots.push(node);
    else if (parent.children) parent.children.push(node);
    else parent.children = [node];
  }
  const sort = (list: DepartmentNode[]) => {
    list.sort((a, b) => a.code.localeCompare(b.code));
    for (const node of list) if (node.children) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** A department and every department below it (a supervisor's team). */
export function subtreeIds(departments: Department[], rootId: string | null | undefined): string[] {
  if (!rootId) return [];
  const out = [rootId];
  for (let i = 0; i < out.length; i++) {
    for (const d of departments) if (d.parentId === out[i] && !out.includes(d.id)) out.push(d.id);
  }
  return out;
}
