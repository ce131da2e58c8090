import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import deskAdminEn from './deskAdmin.en.json';
import deskAdminZhCN from './deskAdmin.zh-CN.json';
import deskEn from './desk.en.json';
import deskZhCN from './desk.zh-CN.json';
import en from './en.json';
import shipmentsEn from './shipments.en.json';
import shipmentsZhCN from './shipments.zh-CN.json';
import trackEn from './track.en.json';
import trackZhCN from './track.zh-CN.json';
import zhCN from './zh-CN.json';
import actionsEn from './actions.en.json';
import actionsZhCN from './actions.zh-CN.json';
import satModelsEn from './satModels.en.json';
import satModelsZhCN from './satModels.zh-CN.json';
import satisfactionEn from './satisfaction.en.json';
import satisfactionZhCN from './satisfaction.zh-CN.json';
import surveysEn from './surveys.en.json';
import surveysZhCN from './surveys.zh-CN.json';

// One file per area with its own top-level keys, so pages of different areas never edit the same file.
const resources = {
  'zh-CN': {
    translation: {
      ...zhCN,
      ...deskZhCN,
      ...deskAdminZhCN,
      ...trackZhCN,
      ...shipmentsZhCN,
      ...satisfactionZhCN,
      ...satModelsZhCN,
      ...surveysZhCN,
      ...actionsZhCN,
    },
  },
  en: {
    translation: {
      ...en,
      ...deskEn,
      ...deskAdminEn,
      ...trackEn,
      ...shipmentsEn,
      ...satisfactionEn,
      ...satModelsEn,
      ...surveysEn,
      ...actionsEn,
    },
  },
};

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'liaison.language';

export function storedLanguage(): Language {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'zh-CN';
}

/** Whether this browser has a language choice of its own (else the account's is used). */
export function hasStoredLanguage(): boolean {
  return typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY) !== null;
}

export function rememberLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
}

void i18n.use(initReactI18next).init({
  resources,
  lng: storedLanguage(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});

if (typeof document !== 'undefined') document.documentElement.lang = storedLanguage();

export default i18n;
