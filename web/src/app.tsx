// The app: providers, the shell and the routes. Signed-out visitors see the sign-in page.
import { LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect } from 'preact/hooks';

import type { Api } from './api';
import { Shell } from './components/Shell';
import { Loading } from './components/states';
import { I18nProvider, locales, useI18n } from './i18n';
import { CommunityPage } from './pages/CommunityPage';
import { Composer } from './pages/Composer';
import { Directory } from './pages/Directory';
import { Home } from './pages/Home';
import { ManageCommunity, ModLogPage } from './pages/manage/ManageCommunity';
import { CreateCommunity, ManageHome } from './pages/manage/ManageHome';
import { Notifications } from './pages/Notifications';
import { PostRedirect } from './pages/PostRedirect';
import { Admin } from './pages/Admin';
import { NotFound } from './pages/Placeholder';
import { Settings } from './pages/Settings';
import { safeNext, SignIn } from './pages/SignIn';
import { ThreadPage } from './pages/ThreadPage';
import { AppProvider, useAccountLocale, useApp, type SessionState } from './session';


// The UI language stored with the account wins over this device's choice.
function AccountLocale() {
  const { setLocale, chosen } = useI18n();
  useAccountLocale((code) => {
    if (locales.some((l) => l.code === code)) setLocale(code);
  }, chosen);
  return null;
}

function Routes() {
  const { state } = useApp();
  const { path, url, query, route } = useLocation();
  const onSignIn = path === '/sign-in';

  useEffect(() => {
    if (state.status === 'signedOut' && !onSignIn)
      route(`/sign-in?next=${encodeURIComponent(url)}`, true);
    // Signed in (just now, or already when opening /sign-in): on to the page asked for.
    if (state.status === 'signedIn' && onSignIn) {
      const next = safeNext(query.next);
      // The server's own pages (the OAuth consent of a Mastodon app) load in full.
      if (next.startsWith('/oauth/')) window.location.assign(next);
      else route(next, true);
    }
  }, [state.status, onSignIn, url]);

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'signedOut') return onSignIn ? <SignIn expired={state.expired} startError={state.error} /> : <Loading />;
  return (
    <Router>
      <Route path="/" component={Home} />
      <Route path="/communities" component={Directory} />
      <Route path="/communities/new" component={CreateCommunity} />
      <Route path="/communities/:acct" component={CommunityPage} />
      <Route path="/communities/:acct/new" component={Composer} />
      <Route path="/communities/:acct/modlog" component={ModLogPage} />
      <Route path="/communities/:acct/manage/:tab?" component={ManageCommunity} />
      <Route path="/threads/:id" component={ThreadPage} />
      <Route path="/posts/:id" component={PostRedirect} />
      <Route path="/notifications" component={Notifications} />
      <Route path="/settings/:rest*" component={Settings} />
      <Route path="/manage" component={ManageHome} />
      <Route path="/admin/:tab?" component={Admin} />
      <Route path="/sign-in" component={Loading} />
      <Route default component={NotFound} />
    </Router>
  );
}

export function App(props: { api?: Api; initialState?: SessionState; locale?: string }) {
  return (
    <I18nProvider initialLocale={props.locale}>
      <LocationProvider>
        <AppProvider api={props.api} initialState={props.initialState}>
          <AccountLocale />
          <Shell>
            <Routes />
          </Shell>
        </AppProvider>
      </LocationProvider>
    </I18nProvider>
  );
}
