// Loading, error and empty states, the same on every page.
import { ApiError } from '../api';
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
