// The i18n context: the current UI language, t() for messages, and Intl-based formatting.
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';

import {
  defaultLocale,
  localeDefinition,
  locales,
  negotiateLocale,
  translate,
  translatePlural,
  type MessageKey,
  type Vars,
} from './catalog';

export { locales, negotiateLocale, type MessageKey } from './catalog';

// The user's explicit choice. It is a display preference, not a credential, so it may live in
// localStorage; it moves to the account once the server stores UI preferences.
const storageKey = 'guildhall.locale';

export interface I18n {
  locale: string;
  // The explicit choice, or null when following the browser.
  chosen: string | null;
  browserLocale: string;
  setLocale(code: string | null): void;
  t(key: MessageKey, vars?: Vars): string;
  tn(key: string, count: number, vars?: Vars): string;
  formatNumber(value: number, options?: Intl.NumberFormatOptions): string;
  formatDate(value: Date | string, options?: Intl.DateTimeFormatOptions): string;
  formatRelative(value: Date | string, now?: Date): string;
}

export function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function readChoice(): string | null {
  try {
    const stored = localStorage.getItem(storageKey);
    return stored && locales.some((l) => l.code === stored) ? stored : null;
  } catch {
    return null;
  }
}

function writeChoice(code: string | null) {
  try {
    if (code) localStorage.setItem(storageKey, code);
    else localStorage.removeItem(storageKey);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

export function makeI18n(
  locale: string,
  chosen: string | null = null,
  browserLocale: string = locale,
  setLocale: (code: string | null) => void = () => {},
): I18n {
  const toDate = (v: Date | string) => (typeof v === 'string' ? new Date(v) : v);
  return {
    locale,
    chosen,
    browserLocale,
    setLocale,
    t: (key, vars) => translate(locale, key, vars),
    tn: (key, count, vars) => translatePlural(locale, key, count, vars),
    formatNumber: (value, options) => new Intl.NumberFormat(locale, options).format(value),
    formatDate: (value, options = { dateStyle: 'medium', timeStyle: 'short' }) =>
      new Intl.DateTimeFormat(locale, options).format(toDate(value)),
    formatRelative: (value, now = new Date()) => {
      const seconds = Math.round((toDate(value).getTime() - now.getTime()) / 1000);
      const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
      for (const [unit, size] of units) {
        if (Math.abs(seconds) >= size || unit === 'second')
          return format.format(Math.trunc(seconds / size), unit);
      }
      return format.format(0, 'second');
    },
  };
}

const I18nContext = createContext<I18n>(makeI18n(defaultLocale));

export function I18nProvider(props: { children: ComponentChildren; initialLocale?: string }) {
  const browserLocale = useMemo(() => negotiateLocale(browserLanguages()), []);
  const [chosen, setChosen] = useState<string | null>(() => props.initialLocale ?? readChoice());
  const locale = localeDefinition(chosen ?? browserLocale).code;
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo(
    () =>
      makeI18n(locale, chosen, browserLocale, (code) => {
        writeChoice(code);
        setChosen(code);
      }),
    [locale, chosen, browserLocale],
  );
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
