// Every community setting, for creating a community and for editing one: title, description,
// rules, welcome message, visibility, join and posting policy, languages. The icon and banner are
// uploads of their own (ImageUpload on the settings tab).
import { useState } from 'preact/hooks';

import type { Community, CommunitySettings, CommunityVisibility, JoinPolicy, PostingPolicy } from '../../api';
import { useLanguageNames } from '../../components/community';
import { MarkdownField } from '../../components/Markdown';
import { FormError, SaveActions, useSaving } from '../../components/states';
import { useI18n, type MessageKey } from '../../i18n';
import { commonLanguages } from '../Composer';

export interface CommunityFormValues extends CommunitySettings {
  handle: string;
}

export function CommunityForm(props: {
  initial?: Community;
  submitLabel: string;
  onSubmit(values: CommunityFormValues): Promise<void>;
}) {
  const { t } = useI18n();
  const names = useLanguageNames();
  const c = props.initial;
  const [v, setV] = useState<CommunityFormValues>({
    handle: c?.handle ?? '',
    title: c?.title ?? '',
    description: c?.description ?? '',
    rules: c?.rules ?? [],
    welcome: c?.welcome ?? '',
    visibility: c?.visibility ?? 'public',
    join_policy: c?.join_policy ?? 'open',
    posting_policy: c?.posting_policy ?? 'members',
    languages: c?.languages ?? [],
  });
  const [rulesText, setRulesText] = useState((c?.rules ?? []).join('\n'));
  const saving = useSaving();
  const set = <K extends keyof CommunityFormValues>(key: K, value: CommunityFormValues[K]) => {
    setV((old) => ({ ...old, [key]: value }));
    saving.edited();
  };
  const languageChoices = [...new Set([...commonLanguages, ...v.languages])];
  const languageNames = names(languageChoices);

  const submit = (e: Event) => {
    e.preventDefault();
    if ((!c && !/^[a-z0-9_]{1,64}$/.test(v.handle)) || !v.title.trim()) return saving.refuse(t('communityForm.missing'));
    const rules = rulesText
      .split('\n')
      .map((r) => r.trim())
      .filter(Boolean);
    saving.run(() => props.onSubmit({ ...v, title: v.title.trim(), rules }));
  };

  const choice = <T extends string>(id: string, key: 'visibility' | 'join_policy' | 'posting_policy', options: T[]) => (
    <fieldset class="field choices">
      <legend>{t(`communityForm.${key}` as MessageKey)}</legend>
      {options.map((o) => (
        <div class="field-check" key={o}>
          <input
            type="radio"
            id={`${id}-${o}`}
            name={id}
            value={o}
            checked={v[key] === o}
            onChange={() => set(key, o as never)}
            aria-describedby={`${id}-${o}-help`}
          />
          <label for={`${id}-${o}`}>{t(`communityForm.${key}.${o}` as MessageKey)}</label>
          <p class="help" id={`${id}-${o}-help`}>
            {t(`communityForm.${key}.${o}.help` as MessageKey)}
          </p>
        </div>
      ))}
    </fieldset>
  );

  return (
    <form class="card form" onSubmit={submit} noValidate>
      {!c && (
        <div class="field">
          <label for="community-handle">{t('communityForm.handle')}</label>
          <input
            id="community-handle"
            value={v.handle}
            required
            pattern="[a-z0-9_]{1,64}"
            autoComplete="off"
            aria-describedby="community-handle-help"
            onInput={(e) => set('handle', e.currentTarget.value.toLowerCase())}
          />
          <p class="help" id="community-handle-help">
            {t('communityForm.handleHelp')}
          </p>
        </div>
      )}
      <div class="field">
        <label for="community-title">{t('communityForm.title')}</label>
        <input id="community-title" value={v.title} required maxLength={100} onInput={(e) => set('title', e.currentTarget.value)} />
      </div>
      <MarkdownField id="community-description" label={t('communityForm.description')} value={v.description} onInput={(x) => set('description', x)} />
      <div class="field">
        <label for="community-rules">{t('communityForm.rules')}</label>
        <textarea
          id="community-rules"
          rows={4}
          value={rulesText}
          aria-describedby="community-rules-help"
          onInput={(e) => {
            setRulesText(e.currentTarget.value);
            saving.edited();
          }}
        />
        <p class="help" id="community-rules-help">
          {t('communityForm.rulesHelp')}
        </p>
      </div>
      <MarkdownField
        id="community-welcome"
        label={t('communityForm.welcome')}
        help={t('communityForm.welcomeHelp')}
        value={v.welcome}
        onInput={(x) => set('welcome', x)}
        rows={3}
      />
      {choice<CommunityVisibility>('visibility', 'visibility', ['public', 'private', 'local_only'])}
      {choice<JoinPolicy>('join-policy', 'join_policy', ['open', 'approval'])}
      {choice<PostingPolicy>('posting-policy', 'posting_policy', ['members', 'moderators'])}
      <fieldset class="field choices">
        <legend>{t('communityForm.languages')}</legend>
        <p class="help">{t('communityForm.languagesHelp')}</p>
        <div class="language-grid">
          {languageChoices.map((code, i) => (
            <div class="field-check" key={code}>
              <input
                type="checkbox"
                id={`language-${code}`}
                checked={v.languages.includes(code)}
                onChange={(e) =>
                  set(
                    'languages',
                    e.currentTarget.checked ? [...v.languages, code] : v.languages.filter((l) => l !== code),
                  )
                }
              />
              <label for={`language-${code}`}>{languageNames[i]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <FormError error={saving.error} />
      <SaveActions phase={saving.phase} submit={props.submitLabel} />
    </form>
  );
}
