import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Schemas, setCsrfToken, setUnauthorizedHandler, unwrap } from '../api/client';

export type User = Schemas['User'];
export type Role = User['role'];

interface AuthState {
  user: User | null;
  loading: boolean;
  login(email: string, password: string): Promise<User>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const queryClient = useQueryClient();

  const refresh = useCallback(async () => {
    try {
      const me = await unwrap(api.GET('/api/auth/me'));
      setCsrfToken(me.csrfToken);
      setUser(me.user);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setCsrfToken(null);
      setUser(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setLoading(false));
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      setUser(null);
      queryClient.clear();
    });
  }, [refresh, queryClient]);

  const login = useCallback(
    async (email: string, password: string) => {
      const answer = await unwrap(api.POST('/api/auth/login', { body: { email, password } }));
      setCsrfToken(answer.csrfToken);
      queryClient.clear();
      setUser(answer.user);
      return answer.user;
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await api.POST('/api/auth/logout');
    } finally {
      setCsrfToken(null);
      setUser(null);
      queryClient.clear();
    }
  }, [queryClient]);

  const value = useMemo(
    () => ({ user, loading, login, logout, refresh }),
    [user, loading, login, logout, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth outside AuthProvider');
  return state;
}

/** The logged-in user; only used below the login gate. */
export function useMe(): User {
  const { user } = useAuth();
  if (!user) throw new Error('not logged in');
  return user;
}

export const isStaff = (role: Role) => role !== 'portal';
export const canCreateCustomer = (role: Role) =>
  role === 'agent' || role === 'supervisor' || role === 'admin';
export const canTransfer = (role: Role) => role === 'supervisor' || role === 'admin';
