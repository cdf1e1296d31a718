// The settings' profile picture: the current avatar and an upload (PATCH update_credentials with
// `avatar`; the server crops it square). Its own form, so it never sends the profile's fields.
import { useState } from 'preact/hooks';

import { FormError, useErrorMessage } from './states';
import { useI18n } from '../i18n';
import { useApp, useSession } from '../session';

export function AvatarUpload() {
  const { t } = useI18n();
  const { api, updateAccount } = useApp();
  const session = useSession();
  const errorMessage = useErrorMessage();
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<{ message: string; detail: string | null } | null>(null);

  const upload = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setPhase('saving');
    setError(null);
    try {
      updateAccount(await api.mastodon.updateAvatar(file));
      setFile(null);
      setPhase('saved');
    } catch (err) {
      setError(errorMessage(err));
      setPhase('idle');
    }
  };

  return (
    <form class="card form" onSubmit={upload} aria-labelledby="settings-avatar">
      <h2 id="settings-avatar">{t('settings.avatar')}</h2>
      {session && <img class="avatar-large" src={session.account.avatar} alt={t('settings.avatarCurrent')} width={96} height={96} />}
      <div class="field">
        <label for="avatar-file">{t('settings.avatarChoose')}</label>
        <input
          id="avatar-file"
          type="file"
          accept="image/jpeg,image/png,image/gif,image/webp"
          aria-describedby="avatar-help"
          onChange={(e) => {
            setFile(e.currentTarget.files?.[0] ?? null);
            setPhase('idle');
          }}
        />
        <p class="help" id="avatar-help">
          {t('settings.avatarHelp')}
        </p>
      </div>
      <FormError error={error} />
      <div class="actions">
        <button type="submit" class="button button-primary" disabled={!file || phase === 'saving'}>
          {phase === 'saving' ? t('settings.avatarUploading') : t('settings.avatarUpload')}
        </button>
        <span role="status">{phase === 'saved' ? t('settings.avatarSaved') : ''}</span>
      </div>
    </form>
  );
}
