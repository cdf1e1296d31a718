// Settings: display name and bio (PATCH /api/v1/accounts/update_credentials), the profile picture
// and header image, the UI language, notification preferences and the password (settings/).
import { useState } from 'preact/hooks';

import { ImageUpload } from '../components/ImageUpload';
import { LanguageSelect } from '../components/LanguageSelect';
import { Page } from '../components/page';
import { FormError, SaveActions, useSaving } from '../components/states';
import { useI18n } from '../i18n';
import { useApp, useSession } from '../session';
import { NotificationSettings } from './settings/NotificationSettings';
import { PasswordForm } from './settings/PasswordForm';

// The account's image, unless it is the server's stand-in for none (Mastodon's missing.png).
function chosenImage(url: string | undefined) {
  return url && !url.endsWith('/missing.png') ? url : null;
}

export function Settings() {
  const { t } = useI18n();
  const { api, updateAccount } = useApp();
  const session = useSession();
  const [displayName, setDisplayName] = useState(session?.account.display_name ?? '');
  // The bio as written (source.note), not the HTML shown to others.
  const [bio, setBio] = useState(session?.account.source?.note ?? '');
  const saving = useSaving();

  const save = (e: Event) => {
    e.preventDefault();
    saving.run(async () => updateAccount(await api.mastodon.updateCredentials({ display_name: displayName.trim(), note: bio })));
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
              saving.edited();
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
              saving.edited();
            }}
          />
          <p class="help" id="bio-help">
            {t('settings.bioHelp')}
          </p>
        </div>
        <FormError error={saving.error} />
        <SaveActions phase={saving.phase} submit={t('settings.save')} />
      </form>
      {(['avatar', 'header'] as const).map((image) => (
        <ImageUpload
          key={image}
          id={`settings-${image}`}
          messages={`settings.${image}`}
          shape={image === 'avatar' ? 'square' : 'banner'}
          current={chosenImage(session?.account[image])}
          upload={async (file) => updateAccount(await api.mastodon.updateProfileImage(image, file))}
          remove={async () => updateAccount(await api.mastodon.removeProfileImage(image))}
        />
      ))}
      <section class="card form" aria-labelledby="settings-language">
        <h2 id="settings-language">{t('settings.language')}</h2>
        <div class="field">
          <label for="language">{t('settings.languageLabel')}</label>
          <LanguageSelect id="language" />
          <p class="help">{t('settings.languageHelp')}</p>
        </div>
      </section>
      <NotificationSettings />
      <PasswordForm />
    </Page>
  );
}
