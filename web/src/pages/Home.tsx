// Home: the latest threads of every community I joined, local and remote (GET /home), sorted by
// new, active or top, with unread markers; "unread only" narrows it down.
import { useEffect, useState } from 'preact/hooks';

import type { ThreadSort } from '../api';
import { Page } from '../components/page';
import { PagedList } from '../components/PagedList';
import { SortSwitch, ThreadList } from '../components/ThreadList';
import { useFocusRefresh } from '../hooks/useFocusRefresh';
import { usePaged } from '../hooks/usePaged';
import { useI18n } from '../i18n';
import type { Live } from '../live';
import { useApp } from '../session';

export function Home(props: { now?: Date }) {
  const { t } = useI18n();
  const { api, live } = useApp();
  const [sort, setSort] = useState<ThreadSort>('new');
  const [unread, setUnread] = useState(false);
  const threads = usePaged(
    () => api.community.home({ sort, unread: unread || undefined, limit: 20 }),
    (next) => api.community.home(next),
    [api, sort, unread],
  );
  useFocusRefresh(() => threads.reload(true));
  const [fresh, setFresh] = useState(0);
  // With streaming, new posts announce themselves; the list reloads when the person asks.
  useStreamedPosts(live, () => setFresh((n) => n + 1));

  return (
    <Page title={t('home.title')} intro={t('home.intro')}>
      <div class="toolbar spread">
        <SortSwitch value={sort} onChange={setSort} />
        <div class="field field-check compact">
          <input id="home-unread" type="checkbox" checked={unread} onChange={(e) => setUnread(e.currentTarget.checked)} />
          <label for="home-unread">{t('home.unreadOnly')}</label>
        </div>
        <button
          type="button"
          class="button"
          onClick={() => {
            setFresh(0);
            threads.reload();
          }}
          disabled={threads.state.phase === 'loading'}
        >
          {fresh > 0 ? t('home.refreshNew') : t('home.refresh')}
        </button>
      </div>
      <PagedList state={threads.state} reload={threads.reload} more={threads.more} empty={t('home.empty')}>
        {(items) => <ThreadList threads={items} label={t('home.title')} showCommunity now={props.now} />}
      </PagedList>
    </Page>
  );
}

function useStreamedPosts(live: Live, onPost: () => void) {
  useEffect(() => live.onUpdate(onPost), [live]);
}
