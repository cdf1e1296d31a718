// Home: the home timeline (GET /api/v1/timelines/home), newest first, "load more" by Link header.
import { useCallback, useEffect, useState } from 'preact/hooks';

import type { Status } from '../api';
import { Page } from '../components/page';
import { StatusCard } from '../components/StatusCard';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useI18n } from '../i18n';
import { useApp } from '../session';

type FeedState =
  | { phase: 'loading' }
  | { phase: 'error'; error: unknown }
  | { phase: 'ready'; items: Status[]; next: string | null; more: 'idle' | 'loading' | unknown };

export function Home(props: { now?: Date }) {
  const { t } = useI18n();
  const { api } = useApp();
  const [feed, setFeed] = useState<FeedState>({ phase: 'loading' });

  const load = useCallback(() => {
    setFeed({ phase: 'loading' });
    api.mastodon.homeTimeline({ limit: 20 }).then(
      (page) => setFeed({ phase: 'ready', items: page.items, next: page.next, more: 'idle' }),
      (error) => setFeed({ phase: 'error', error }),
    );
  }, [api]);

  useEffect(load, [load]);

  const loadMore = () => {
    if (feed.phase !== 'ready' || !feed.next) return;
    const { items, next } = feed;
    setFeed({ ...feed, more: 'loading' });
    api.mastodon.homeTimeline(next).then(
      (page) => {
        // A post may arrive twice when new ones shift the window: keep the first copy.
        const seen = new Set(items.map((s) => s.id));
        const fresh = page.items.filter((s) => !seen.has(s.id));
        setFeed({ phase: 'ready', items: [...items, ...fresh], next: page.next, more: 'idle' });
      },
      (error) => setFeed({ phase: 'ready', items, next, more: error }),
    );
  };

  return (
    <Page title={t('home.title')} intro={t('home.intro')}>
      <div class="toolbar">
        <button type="button" class="button" onClick={load} disabled={feed.phase === 'loading'}>
          {t('home.refresh')}
        </button>
      </div>
      {feed.phase === 'loading' && <Loading />}
      {feed.phase === 'error' && <ErrorState error={feed.error} onRetry={load} />}
      {feed.phase === 'ready' && feed.items.length === 0 && <EmptyState>{t('home.empty')}</EmptyState>}
      {feed.phase === 'ready' && feed.items.length > 0 && (
        <>
          <ol class="feed" aria-label={t('home.title')}>
            {feed.items.map((s) => (
              <li key={s.id}>
                <StatusCard status={s} now={props.now} />
              </li>
            ))}
          </ol>
          {feed.more !== 'idle' && feed.more !== 'loading' && (
            <ErrorState error={feed.more} onRetry={loadMore} />
          )}
          {feed.next ? (
            <button
              type="button"
              class="button load-more"
              onClick={loadMore}
              disabled={feed.more === 'loading'}
            >
              {feed.more === 'loading' ? t('home.loadingMore') : t('home.loadMore')}
            </button>
          ) : (
            <p class="end">{t('home.end')}</p>
          )}
        </>
      )}
    </Page>
  );
}
