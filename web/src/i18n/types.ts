// A UI language: one file in ./locales/ default-exports one of these (see web/README.md).
export interface LocaleDefinition {
  // BCP 47 tag: "en", "de", "pt-BR". It names the file too: locales/<code>.ts.
  code: string;
  // The language's own name ("Deutsch"), shown in the language switcher.
  name: string;
  // Every key of locales/en.ts. "{name}" placeholders are filled in; keys ending in a plural
  // category (".one", ".other", ...) are chosen by Intl.PluralRules.
  messages: Record<string, string>;
}
