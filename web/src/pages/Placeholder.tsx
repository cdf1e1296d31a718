// Pages whose APIs are still being written: an honest "not yet available" instead of fake data.
import { useLocation } from 'preact-iso';

import { Page } from '../components/page';
import { useI18n, type MessageKey } from '../i18n';

function NotYetPage(props: { title: string }) {
  const { t } = useI18n();
  return (
    <Page title={props.title}>
      <div class="card state state-not-yet">
        <h2>{t('state.notYetTitle')}</h2>
        <p>{t('state.notYetBody', { page: props.title })}</p>
      </div>
    </Page>
  );
}

export function NotYetAvailable(props: { title: MessageKey }) {
  const { t } = useI18n();
  return <NotYetPage title={t(props.title)} />;
}

// "/@alice" and "/@eng@company-b.example": where the server sends browsers asking for an actor.
export function Profile(props: { handle: string }) {
  const { t } = useI18n();
  return <NotYetPage title={t('profile.title', { handle: `@${props.handle}` })} />;
}

export function NotFound() {
  const { t } = useI18n();
  const { path } = useLocation();
  if (path.startsWith('/@') && path.length > 2)
    return <Profile handle={decodeURIComponent(path.slice(2))} />;
  return (
    <Page title={t('notFound.title')}>
      <div class="card state">
        <p>{t('notFound.body')}</p>
        <p>
          <a href="/">{t('notFound.home')}</a>
        </p>
      </div>
    </Page>
  );
}
