import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ResponseOf, unwrap } from '../../../api/client';
import type { Role, User } from '../../../lib/auth';

export type Customer = ResponseOf<'/api/customers/{id}', 'get'>;

export function useCustomer(id: string) {
  return useQuery({
    queryKey: ['customer', id],
    queryFn: () => unwrap(api.GET('/api/customers/{id}', { params: { path: { id } } })),
  });
}

/** After any change to a file: its record, its lists and the timeline are refetched. */
export function useRefreshCustomer(id: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['customer', id] }),
      queryClient.invalidateQueries({ queryKey: ['customers'] }),
      queryClient.invalidateQueries({ queryKey: ['timeline', id] }),
    ]);
}

/** Mirrors the server's rule so the page offers only what will be allowed (the server still decides). */
export function canEdit(
  me: User,
  customer: Pick<Customer, 'ownerId' | 'teamId'>,
  teamIds: string[],
): boolean {
  switch (me.role as Role) {
    case 'admin':
      return true;
    case 'supervisor':
      return customer.ownerId === me.id || (!!customer.teamId && teamIds.includes(customer.teamId));
    case 'agent':
      return customer.ownerId === me.id;
    default:
      return false;
  }
}
