// Settings: changing the password (POST /api/guildhall/v1/account/password). The server checks the
// current password and signs every other browser and app out; this session stays.
import { useRef, useState } from 'preact/hooks';

import { FormActions, FormError, useSaving } from '../../components/states';
import { useI18n } from '../../i18n';
import { useApp } from '../../session';

export function PasswordForm() {
  const { t, tn } = useI18n();
  const { api } = useApp();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [signedOut, setSignedOut] = useState(0);
  const saving = useSaving();
  const status = useRef<HTMLParagraphElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!current || !next) return saving.refuse(t('password.missing'));
    if (next.length < 8) return saving.refuse(t('password.tooShort'));
    if (next !== repeat) return saving.refuse(t('password.mismatch'));
    const changed = await saving.run(async () => setSignedOut((await api.community.changePassword(current, next)).revoked_sessions));
    if (!changed) return;
    setCurrent('');
    setNext('');
    setRepeat('');
    status.current?.focus();
  };
  const field = (id: string, label: string, value: string, set: (v: string) => void, autoComplete: string, help?: string) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="password"
        value={value}
        autoComplete={autoComplete}
        maxLength={1024}
        aria-describedby={help ? `${id}-help` : undefined}
        onInput={(e) => {
          set(e.currentTarget.value);
          saving.edited();
        }}
      />
      {help && (
        <p class="help" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="settings-password">
      <h2 id="settings-password">{t('password.title')}</h2>
      {field('current-password', t('password.current'), current, setCurrent, 'current-password')}
      {field('new-password', t('password.new'), next, setNext, 'new-password', t('password.newHelp'))}
      {field('repeat-password', t('password.repeat'), repeat, setRepeat, 'new-password')}
      <FormError error={saving.error} />
      <FormActions submit={t('password.submit')} busy={saving.phase === 'saving'} busyLabel={t('settings.saving')} />
      <p role="status" tabIndex={-1} ref={status} class={saving.phase === 'saved' ? 'form-notice' : 'visually-hidden'}>
        {saving.phase === 'saved' ? `${t('password.changed')} ${tn('password.signedOut', signedOut)}` : ''}
      </p>
    </form>
  );
}
