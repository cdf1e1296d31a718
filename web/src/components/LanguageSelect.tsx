// The UI language switcher: "browser default" or one of the locale files.
import { localeDefinition } from '../i18n/catalog';
import { locales, useI18n } from '../i18n';
import { useApp } from '../session';

export function LanguageSelect(props: { id: string }) {
  const { t, chosen, browserLocale, setLocale } = useI18n();
  const { saveLocale } = useApp();
  return (
    <select
      id={props.id}
      value={chosen ?? ''}
      onChange={(e) => {
        const code = (e.currentTarget as HTMLSelectElement).value || null;
        setLocale(code);
        saveLocale(code);
      }}
    >
      <option value="">
        {t('settings.languageAuto', { language: localeDefinition(browserLocale).name })}
      </option>
      {locales.map((l) => (
        <option key={l.code} value={l.code} lang={l.code}>
          {l.name}
        </option>
      ))}
    </select>
  );
}
