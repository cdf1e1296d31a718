// /posts/{id}: any post (a thread or a comment, e.g. from a notification) opens its thread; the
// thread is the first ancestor in the Mastodon context (GET /api/v1/statuses/{id}/context).
import { useLocation, useRoute } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';

import { threadPath } from '../components/community';
import { Page } from '../components/page';
import { ErrorState, Loading } from '../components/states';
import { useI18n } from '../i18n';
import { useApp } from '../session';

export function PostRedirect(props: { id?: string }) {
  const { params } = useRoute();
  const id = props.id ?? params?.id ?? '';
  const { t } = useI18n();
  const { api } = useApp();
  const { route } = useLocation();
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.mastodon.statusContext(id).then(
      (context) => {
        const root = context.ancestors[0]?.id ?? id;
        route(threadPath({ id: root }) + (root === id ? '' : `#comment-${encodeURIComponent(id)}`), true);
      },
      setError,
    );
  }, [api, id]);
  return <Page title={t('thread.title')}>{error ? <ErrorState error={error} /> : <Loading />}</Page>;
}
