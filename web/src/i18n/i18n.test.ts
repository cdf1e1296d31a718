import { describe, expect, it } from 'vitest';

import { locales, negotiateLocale, translate, translatePlural } from './catalog';
import { makeI18n } from './index';
import en from './locales/en';

const pluralSuffix = /\.(zero|one|two|few|many|other)$/;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('locale files', () => {
  it('include English and German', () => {
    expect(locales.map((l) => l.code)).toEqual(expect.arrayContaining(['en', 'de']));
  });

  const enKeys = Object.keys(en.messages);
  const enMessages = en.messages as Record<string, string>;

  for (const locale of locales.filter((l) => l.code !== 'en')) {
    describe(locale.code, () => {
      const rules = new Intl.PluralRules(locale.code);
      const categories = rules.resolvedOptions().pluralCategories;
      const keys = Object.keys(locale.messages);
      const base = (k: string) => k.replace(pluralSuffix, '');
      const pluralBases = new Set(enKeys.filter((k) => pluralSuffix.test(k)).map(base));

      it('has every key of en (plural keys: every category of its language)', () => {
        const missing = enKeys.filter((k) => !pluralSuffix.test(k) && !(k in locale.messages));
        for (const b of pluralBases)
          for (const c of categories) if (!(`${b}.${c}` in locale.messages)) missing.push(`${b}.${c}`);
        expect(missing).toEqual([]);
      });

      it('has no key that en lacks', () => {
        const extra = keys.filter((k) =>
          pluralSuffix.test(k) ? !pluralBases.has(base(k)) : !(k in enMessages),
        );
        expect(extra).toEqual([]);
      });

      it('uses the same placeholders as en and has no empty message', () => {
        for (const key of keys) {
          expect(locale.messages[key].trim(), key).not.toBe('');
          const reference = enMessages[key] ?? enMessages[`${base(key)}.other`];
          expect(placeholders(locale.messages[key]), key).toEqual(placeholders(reference));
        }
      });
    });
  }
});

describe('German', () => {
  it('addresses people formally ("Sie") everywhere', () => {
    const de = locales.find((l) => l.code === 'de')!;
    const informal = /\b(du|dich|dir|dein\w*|gib|schreib|tritt)\b/i;
    expect(Object.entries(de.messages).filter(([, text]) => informal.test(text))).toEqual([]);
  });
});

describe('negotiateLocale', () => {
  it('takes the first preferred language that exists, by exact tag or language', () => {
    expect(negotiateLocale(['de-DE', 'en-US'], ['en', 'de'])).toBe('de');
    expect(negotiateLocale(['fr-FR', 'de-AT', 'en'], ['en', 'de'])).toBe('de');
    expect(negotiateLocale(['pt'], ['en', 'pt-BR'])).toBe('pt-BR');
    expect(negotiateLocale(['EN-gb'], ['en', 'de'])).toBe('en');
  });
  it('falls back to English', () => {
    expect(negotiateLocale(['ja', 'ko'], ['en', 'de'])).toBe('en');
    expect(negotiateLocale([], ['en', 'de'])).toBe('en');
  });
});

describe('translate', () => {
  it('fills placeholders and formats numbers for the locale', () => {
    expect(translate('de', 'nav.signedInAs', { name: 'Alice' })).toBe('Angemeldet als Alice');
    expect(translatePlural('de', 'status.replies', 1234)).toBe('1.234 Antworten');
    expect(translatePlural('en', 'status.replies', 1)).toBe('1 reply');
    expect(translatePlural('en', 'status.replies', 1234)).toBe('1,234 replies');
  });
  it('falls back to English for an unknown locale, and to the key for an unknown key', () => {
    expect(translate('xx', 'nav.home')).toBe('Home');
    expect(translate('de', 'no.such.key')).toBe('no.such.key');
  });
});

describe('formatting through Intl', () => {
  const when = new Date('2026-03-01T14:05:00Z');
  it('formats dates and numbers per locale', () => {
    const de = makeI18n('de');
    const enI18n = makeI18n('en');
    expect(de.formatNumber(1234567.5)).toBe('1.234.567,5');
    expect(enI18n.formatNumber(1234567.5)).toBe('1,234,567.5');
    expect(de.formatDate(when, { dateStyle: 'long', timeZone: 'UTC' })).toBe('1. März 2026');
    expect(enI18n.formatDate(when, { dateStyle: 'long', timeZone: 'UTC' })).toBe('March 1, 2026');
  });
  it('formats relative times', () => {
    const now = new Date('2026-03-01T15:05:00Z');
    expect(makeI18n('de').formatRelative(when, now)).toBe('vor 1 Stunde');
    expect(makeI18n('en').formatRelative(when, now)).toBe('1 hour ago');
    expect(makeI18n('en').formatRelative(new Date('2026-02-28T14:05:00Z'), now)).toBe('yesterday');
  });
});
