// Loading, error and empty states, the same on every page.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

import { ApiError } from '../api';
import type { LoadState } from '../hooks/useLoad';
import { useI18n } from '../i18n';

export function Loading(props: { label?: string }) {
  const { t } = useI18n();
  return (
    <p class="state state-loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {props.label ?? t('state.loading')}
    </p>
  );
}

// The user-facing message for any error: ApiError maps to a message by its kind; the server's
// own words follow as detail where they say more than the status does.
export function useErrorMessage() {
  const { t } = useI18n();
  return (error: unknown): { message: string; detail: string | null } => {
    if (error instanceof ApiError) {
      const showDetail = error.kind === 'validation' || error.kind === 'forbidden';
      return {
        message: t(error.messageKey),
        detail: showDetail && error.detail ? t('errors.detail', { detail: error.detail }) : null,
      };
    }
    return { message: t('errors.unknown'), detail: null };
  };
}

export function ErrorState(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const { message, detail } = useErrorMessage()(props.error);
  return (
    <div class="state state-error" role="alert">
      <p>{message}</p>
      {detail && <p class="detail">{detail}</p>}
      {props.onRetry && (
        <button type="button" class="button" onClick={props.onRetry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}

export function EmptyState(props: { children: preact.ComponentChildren }) {
  return <p class="state state-empty">{props.children}</p>;
}

// The message and the server's detail in one line, for inline errors beside a control.
export function useErrorText() {
  const errorMessage = useErrorMessage();
  return (error: unknown) => {
    const m = errorMessage(error);
    return m.detail ? `${m.message} ${m.detail}` : m.message;
  };
}

export type FormErrorValue = { message: string; detail: string | null };

// A form that saves in place: idle, saving, saved (until the next edit), and the error of the last
// try. `run` resolves to whether the action succeeded.
export function useSaving() {
  const errorMessage = useErrorMessage();
  const [phase, setPhase] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<FormErrorValue | null>(null);
  // A check of the form itself failed: its message, nothing sent.
  const refuse = (message: string) => {
    setError({ message, detail: null });
    setPhase('idle');
  };
  const run = async (action: () => Promise<unknown>) => {
    setPhase('saving');
    setError(null);
    try {
      await action();
      setPhase('saved');
      return true;
    } catch (err) {
      setError(errorMessage(err));
      setPhase('idle');
      return false;
    }
  };
  return { phase, error, run, edited: () => setPhase('idle'), refuse };
}

// The submit button of a form that saves in place, and its "Saved." status.
export function SaveActions(props: { phase: 'idle' | 'saving' | 'saved'; submit: string }) {
  const { t } = useI18n();
  return (
    <div class="actions">
      <button type="submit" class="button button-primary" disabled={props.phase === 'saving'}>
        {props.phase === 'saving' ? t('settings.saving') : props.submit}
      </button>
      <span role="status">{props.phase === 'saved' ? t('settings.saved') : ''}</span>
    </div>
  );
}

// A form's error: the message, and the server's detail below it.
export function FormError(props: { error: FormErrorValue | null }) {
  if (!props.error) return null;
  return (
    <div class="form-error" role="alert">
      <p>{props.error.message}</p>
      {props.error.detail && <p class="detail">{props.error.detail}</p>}
    </div>
  );
}

// An inline error line (role="alert").
export function InlineError(props: { text: string | null }) {
  if (!props.text) return null;
  return (
    <p class="form-error" role="alert">
      {props.text}
    </p>
  );
}

// Loading, or the error with a retry, or the loaded data rendered by `children`.
export function Loaded<T>(props: { state: LoadState<T>; reload(): void; children: (data: T) => ComponentChildren }) {
  if (props.state.phase === 'loading') return <Loading />;
  if (props.state.phase === 'error') return <ErrorState error={props.state.error} onRetry={props.reload} />;
  return <>{props.children(props.state.data)}</>;
}

// A form's submit button and, where it can be abandoned, Cancel.
export function FormActions(props: { submit: string; busy?: boolean; busyLabel?: string; onCancel?(): void; cancel?: string }) {
  return (
    <div class="actions">
      <button type="submit" class="button button-primary" disabled={props.busy}>
        {props.busy && props.busyLabel ? props.busyLabel : props.submit}
      </button>
      {props.onCancel && (
        <button type="button" class="button button-quiet" onClick={props.onCancel}>
          {props.cancel}
        </button>
      )}
    </div>
  );
}
