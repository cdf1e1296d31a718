import { useState } from 'preact/hooks';

import { ApiError } from '../api';
import { LanguageSelect } from '../components/LanguageSelect';
import { Page } from '../components/page';
import { useErrorMessage } from '../components/states';
import { useI18n } from '../i18n';
import { useApp, useInstanceName } from '../session';

// Only same-origin app paths: "?next=//evil.example" must not become an open redirect.
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}

// startError: asking for the session at start failed (server unreachable, 5xx).
export function SignIn(props: { expired?: boolean; startError?: unknown }) {
  const { t } = useI18n();
  const { signIn } = useApp();
  const instance = useInstanceName();
  const errorMessage = useErrorMessage();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError(t('signIn.missing'));
      return;
    }
    setPending(true);
    setError(null);
    try {
      // Once signed in, the app routes on to ?next= (app.tsx).
      await signIn(username.trim(), password);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? t('signIn.failed')
          : errorMessage(err).message,
      );
    } finally {
      setPending(false);
    }
  };

  return (
    <Page title={t('signIn.title')} intro={t('signIn.intro', { instance })}>
      <form class="card form sign-in" onSubmit={submit} noValidate>
        {props.startError !== undefined && !error && (
          <p class="form-error" role="alert">
            {errorMessage(props.startError).message}
          </p>
        )}
        {props.expired && !error && (
          <p class="form-notice" role="status">
            {t('errors.unauthorized')}
          </p>
        )}
        {error && (
          <p class="form-error" role="alert" id="sign-in-error">
            {error}
          </p>
        )}
        <div class="field">
          <label for="username">{t('signIn.username')}</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            required
            value={username}
            aria-describedby={error ? 'sign-in-error' : undefined}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="password">{t('signIn.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="button button-primary" disabled={pending}>
          {pending ? t('signIn.submitting') : t('signIn.submit')}
        </button>
        <div class="field">
          <label for="sign-in-language">{t('settings.language')}</label>
          <LanguageSelect id="sign-in-language" />
        </div>
      </form>
    </Page>
  );
}
