// The UI languages: every file in ./locales/ is one language, found at build time. Adding a
// language is adding one file (web/README.md says how).
import en from './locales/en';
import type { LocaleDefinition } from './types';

export type MessageKey = keyof typeof en.messages;
export type Messages = Record<MessageKey, string>;
export type Vars = Record<string, string | number>;

export const defaultLocale = 'en';

const modules = import.meta.glob<{ default: LocaleDefinition }>('./locales/*.ts', { eager: true });

export const locales: readonly LocaleDefinition[] = Object.values(modules)
  .map((m) => m.default)
  .sort((a, b) => a.code.localeCompare(b.code));

const byCode = new Map(locales.map((l) => [l.code.toLowerCase(), l]));

export function localeDefinition(code: string): LocaleDefinition {
  return byCode.get(code.toLowerCase()) ?? (en as LocaleDefinition);
}

// The best available UI language for the browser's preferences (navigator.languages, the same
// order as Accept-Language): an exact tag first, then the same language in any region.
export function negotiateLocale(
  preferred: readonly string[],
  available: readonly string[] = locales.map((l) => l.code),
): string {
  const lowerAvailable = available.map((a) => a.toLowerCase());
  for (const tag of preferred) {
    const wanted = tag.trim().toLowerCase();
    if (!wanted) continue;
    const exact = lowerAvailable.indexOf(wanted);
    if (exact >= 0) return available[exact];
    const base = wanted.split('-')[0];
    const sameLanguage = lowerAvailable.findIndex((a) => a === base || a.split('-')[0] === base);
    if (sameLanguage >= 0) return available[sameLanguage];
  }
  return defaultLocale;
}

function interpolate(template: string, locale: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

// The message for `key` in `locale`, falling back to English, then to the key itself.
export function translate(locale: string, key: MessageKey | string, vars?: Vars): string {
  const messages = localeDefinition(locale).messages;
  const template = messages[key] ?? (en.messages as Record<string, string>)[key] ?? key;
  return interpolate(template, locale, vars);
}

// Plurals: `${key}.${category}` by Intl.PluralRules ("one", "other", ...), `.other` as fallback.
export function translatePlural(locale: string, key: string, count: number, vars?: Vars): string {
  const category = new Intl.PluralRules(locale).select(count);
  const messages = localeDefinition(locale).messages;
  const chosen = `${key}.${category}` in messages ? `${key}.${category}` : `${key}.other`;
  return translate(locale, chosen, { count, ...vars });
}
