// Loading, error, empty and "load more" around a paged list's items.
import type { ComponentChildren } from 'preact';

import type { PagedState } from '../hooks/usePaged';
import { useI18n } from '../i18n';
import { EmptyState, ErrorState, Loading } from './states';

export function PagedList<T>(props: {
  state: PagedState<T>;
  reload(): void;
  more(): void;
  empty: string;
  // Whether to say "You have reached the end" after the last page (lists that page).
  showEnd?: boolean;
  children: (items: T[]) => ComponentChildren;
}) {
  const { t } = useI18n();
  const s = props.state;
  if (s.phase === 'loading') return <Loading />;
  if (s.phase === 'error') return <ErrorState error={s.error} onRetry={props.reload} />;
  if (s.items.length === 0) return <EmptyState>{props.empty}</EmptyState>;
  return (
    <>
      {props.children(s.items)}
      {typeof s.more === 'object' && <ErrorState error={s.more.error} onRetry={props.more} />}
      {s.next ? (
        <button type="button" class="button load-more" onClick={props.more} disabled={s.more === 'loading'}>
          {s.more === 'loading' ? t('home.loadingMore') : t('home.loadMore')}
        </button>
      ) : (
        props.showEnd !== false && <p class="end">{t('home.end')}</p>
      )}
    </>
  );
}
