import { useQueryClient } from '@tanstack/react-query';
import type { ResponseOf } from '../../api/client';

export type FollowUp = ResponseOf<'/api/follow-ups/{id}', 'get'>;

/** Every view a follow-up appears in, refreshed after any change to one. */
export function useInvalidateFollowUps() {
  const queryClient = useQueryClient();
  return (customerId?: string) =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['followUps'] }),
      queryClient.invalidateQueries({ queryKey: ['today'] }),
      queryClient.invalidateQueries({ queryKey: ['calendar'] }),
      customerId
        ? queryClient.invalidateQueries({ queryKey: ['timeline', customerId] })
        : queryClient.invalidateQueries({ queryKey: ['timeline'] }),
      customerId
        ? queryClient.invalidateQueries({ queryKey: ['interactions', customerId] })
        : queryClient.invalidateQueries({ queryKey: ['interactions'] }),
    ]);
}
