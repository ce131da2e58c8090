import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import i18n, { hasStoredLanguage, type Language, rememberLanguage, storedLanguage } from '../i18n';
import { useAuth } from './auth';
import { setDayjsLanguage } from './time';

interface LanguageState {
  language: Language;
  setLanguage(language: Language): void;
}

const LanguageContext = createContext<LanguageState | null>(null);

setDayjsLanguage(storedLanguage());

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setState] = useState<Language>(storedLanguage());
  const { user, refresh } = useAuth();

  const setLanguage = useCallback(
    (next: Language) => {
      rememberLanguage(next);
      setDayjsLanguage(next);
      void i18n.changeLanguage(next);
      document.documentElement.lang = next;
      setState(next);
      // Kept on the account too, so e-mails and exports can use it; the browser choice wins here.
      if (user && user.locale !== next) {
        void api
          .PATCH('/api/users/{id}', {
            params: { path: { id: user.id } },
            body: { locale: next, version: user.version },
          })
          .then(() => refresh());
      }
    },
    [user, refresh],
  );

  // A new browser follows the language saved on the account.
  useEffect(() => {
    const preferred = user?.locale === 'en' ? 'en' : user?.locale === 'zh-CN' ? 'zh-CN' : null;
    if (preferred && !hasStoredLanguage() && preferred !== language) {
      rememberLanguage(preferred);
      setDayjsLanguage(preferred);
      void i18n.changeLanguage(preferred);
      document.documentElement.lang = preferred;
      setState(preferred);
    }
  }, [user?.locale, language]);

  const value = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageState {
  const state = useContext(LanguageContext);
  if (!state) throw new Error('useLanguage outside LanguageProvider');
  return state;
}
