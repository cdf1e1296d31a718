// Settings: display name (PATCH /api/v1/accounts/update_credentials) and the UI language.
import { useState } from 'preact/hooks';

import { AvatarUpload } from '../components/AvatarUpload';
import { LanguageSelect } from '../components/LanguageSelect';
import { Page } from '../components/page';
import { useErrorMessage, FormError } from '../components/states';
import { useI18n } from '../i18n';
import { useApp, useSession } from '../session';

export function Settings() {
  const { t } = useI18n();
  const { api, updateAccount } = useApp();
  const session = useSession();
  const errorMessage = useErrorMessage();
  const [displayName, setDisplayName] = useState(session?.account.display_name ?? '');
  // The bio as written (source.note), not the HTML shown to others.
  const [bio, setBio] = useState(session?.account.source?.note ?? '');
  const [phase, setPhase] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<{ message: string; detail: string | null } | null>(null);

  const save = async (e: Event) => {
    e.preventDefault();
    setPhase('saving');
    setError(null);
    try {
      updateAccount(await api.mastodon.updateCredentials({ display_name: displayName.trim(), note: bio }));
      setPhase('saved');
    } catch (err) {
      setError(errorMessage(err));
      setPhase('idle');
    }
  };

  return (
    <Page title={t('settings.title')}>
      <form class="card form" onSubmit={save} aria-labelledby="settings-profile">
        <h2 id="settings-profile">{t('settings.profile')}</h2>
        <div class="field">
          <label for="display-name">{t('settings.displayName')}</label>
          <input
            id="display-name"
            name="display_name"
            maxLength={30}
            autoComplete="nickname"
            value={displayName}
            aria-describedby="display-name-help"
            onInput={(e) => {
              setDisplayName(e.currentTarget.value);
              setPhase('idle');
            }}
          />
          <p class="help" id="display-name-help">
            {t('settings.displayNameHelp')}
          </p>
        </div>
        <div class="field">
          <label for="bio">{t('settings.bio')}</label>
          <textarea
            id="bio"
            name="note"
            rows={4}
            maxLength={2000}
            value={bio}
            aria-describedby="bio-help"
            onInput={(e) => {
              setBio(e.currentTarget.value);
              setPhase('idle');
            }}
          />
          <p class="help" id="bio-help">
            {t('settings.bioHelp')}
          </p>
        </div>
        <FormError error={error} />
        <div class="actions">
          <button type="submit" class="button button-primary" disabled={phase === 'saving'}>
            {phase === 'saving' ? t('settings.saving') : t('settings.save')}
          </button>
          <span role="status">{phase === 'saved' ? t('settings.saved') : ''}</span>
        </div>
        <p class="help">{t('settings.more')}</p>
      </form>
      <AvatarUpload />
      <section class="card form" aria-labelledby="settings-language">
        <h2 id="settings-language">{t('settings.language')}</h2>
        <div class="field">
          <label for="language">{t('settings.languageLabel')}</label>
          <LanguageSelect id="language" />
          <p class="help">{t('settings.languageHelp')}</p>
        </div>
      </section>
    </Page>
  );
}
