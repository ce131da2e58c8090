import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useDepartmentName } from '../selects';
import { type Category, desk, itemsOf, type Page, type Ticket } from './deskApi';

/** Active ticket categories (延误, 破损 …), cached. */
export function useCategories() {
  return useQuery({
    queryKey: ['desk', 'categories'],
    queryFn: () => desk.get<Page<Category> | Category[]>('/api/ticket-categories'),
    select: (data) => itemsOf(data).filter((c) => c.active !== false),
    staleTime: 5 * 60_000,
  });
}

export function useCategoryName(): (category: Category | undefined) => string {
  const { i18n } = useTranslation();
  return (category) =>
    !category ? '—' : i18n.language === 'en' && category.nameEn ? category.nameEn : category.name;
}

export function useTicket(id: string | undefined) {
  return useQuery({
    queryKey: ['desk', 'ticket', id],
    enabled: !!id,
    queryFn: () => desk.get<Ticket>(`/api/tickets/${id}`),
  });
}

/** One part of a ticket (messages, sla, work-orders …), refreshed with the ticket. */
export function useTicketPart<T>(id: string | undefined, part: string, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['desk', 'ticket', id, part],
    enabled: !!id && options.enabled !== false,
    queryFn: () => desk.get<T>(`/api/tickets/${id}/${part}`),
  });
}

/** Refreshes everything shown about one ticket (and the lists it appears in). */
export function useRefreshTicket(id: string | undefined) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['desk', 'ticket', id] }),
      queryClient.invalidateQueries({ queryKey: ['desk', 'tickets'] }),
      queryClient.invalidateQueries({ queryKey: ['desk', 'workOrders'] }),
    ]);
}

/** A category's name in the user's language by id (the server's categoryName is the Chinese one). */
export function useCategoryLabel(): (id: string | null | undefined, fallback?: string | null) => string {
  const categories = useCategories();
  const name = useCategoryName();
  return (id, fallback) => {
    const category = categories.data?.find((c) => c.id === id);
    return category ? name(category) : (fallback ?? '—');
  };
}

/** A department's name in the user's language by id (the server's departmentName is the Chinese one). */
export function useDepartmentLabel(): (id: string | null | undefined, fallback?: string | null) => string {
  const name = useDepartmentName();
  return (id, fallback) => {
    const label = id ? name(id) : '—';
    return label === '—' ? (fallback ?? '—') : label;
  };
}
