// The API client and the signed-in session, shared by every page.
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';

import { createApi, type Api, type CredentialAccount, type InstanceV2, type WebSession } from './api';
import { useI18n } from './i18n';
import { createBrowserLive, focusOnlyLive, type Live } from './live';

export type SessionState =
  | { status: 'loading' }
  // expired: the server ended a session this page had (a 401), not a first visit.
  | { status: 'signedOut'; error?: unknown; expired?: boolean }
  | { status: 'signedIn'; session: WebSession };

export interface AppContextValue {
  api: Api;
  state: SessionState;
  // GET /api/v2/instance, for the instance's name; null until loaded or when it fails.
  instance: InstanceV2 | null;
  // Live updates (streaming) while signed in; focus refresh where the server has none.
  live: Live;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  updateAccount(account: CredentialAccount): void;
  // Asks the server again (the roles change when someone creates a community).
  refreshSession(): void;
  // Keeps the UI language with the account when signed in (a server without it: this device only).
  saveLocale(code: string | null): void;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider(props: {
  children: ComponentChildren;
  api?: Api;
  // Tests start from a known state instead of asking the server.
  initialState?: SessionState;
  live?: Live;
}) {
  const [state, setState] = useState<SessionState>(props.initialState ?? { status: 'loading' });
  const api = useMemo(() => props.api ?? createApi(), [props.api]);
  const [instance, setInstance] = useState<InstanceV2 | null>(null);
  const signedIn = state.status === 'signedIn';
  const [live, setLive] = useState<Live>(() => props.live ?? focusOnlyLive());
  useEffect(() => {
    if (props.live || !signedIn) return;
    const created = createBrowserLive(() => api.client.ok('/api/v1/streaming/health'));
    setLive(created);
    return () => created.close();
  }, [signedIn, props.live, api]);
  useEffect(() => {
    api.mastodon.instance().then(setInstance, () => setInstance(null));
  }, [api]);
  useEffect(() => {
    api.client.setUnauthorizedHandler(() =>
      setState((s) => (s.status === 'signedIn' ? { status: 'signedOut', expired: true } : s)),
    );
    return () => api.client.setUnauthorizedHandler(undefined);
  }, [api]);

  const accept = useCallback(
    (session: WebSession | null) => {
      api.client.setCsrfToken(session?.csrf_token ?? null);
      setState(session ? { status: 'signedIn', session } : { status: 'signedOut' });
    },
    [api],
  );

  useEffect(() => {
    if (props.initialState) {
      if (props.initialState.status === 'signedIn')
        api.client.setCsrfToken(props.initialState.session.csrf_token);
      return;
    }
    api.session.current().then(accept, (error) => setState({ status: 'signedOut', error }));
  }, [api]);

  const value = useMemo<AppContextValue>(
    () => ({
      api,
      state,
      instance,
      live,
      signIn: async (username, password) => accept(await api.session.signIn(username, password)),
      signOut: async () => {
        try {
          await api.session.signOut();
        } finally {
          accept(null);
        }
      },
      refreshSession: () => {
        api.session.current().then(
          (session) => session && setState({ status: 'signedIn', session }),
          () => {},
        );
      },
      updateAccount: (account) =>
        setState((s) =>
          s.status === 'signedIn' ? { status: 'signedIn', session: { ...s.session, account } } : s,
        ),
      saveLocale: (code) => {
        if (state.status !== 'signedIn') return;
        api.session.update({ locale: code }).then(
          (session) =>
            setState((s) =>
              s.status === 'signedIn'
                ? { status: 'signedIn', session: { ...s.session, locale: session.locale ?? null } }
                : s,
            ),
          () => {
            // Not stored with the account (no such endpoint yet, or offline): this device keeps it.
          },
        );
      },
    }),
    [api, state, instance, live, accept],
  );
  return <AppContext.Provider value={value}>{props.children}</AppContext.Provider>;
}

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside AppProvider');
  return value;
}

export function useSession(): WebSession | null {
  const { state } = useApp();
  return state.status === 'signedIn' ? state.session : null;
}

// Applies the UI language stored with the account once the session is known.
export function useAccountLocale(apply: (code: string) => void, current: string | null) {
  const session = useSession();
  const stored = session?.locale;
  useEffect(() => {
    if (stored && stored !== current) apply(stored);
  }, [stored]);
}

// The instance's name ("Example Corp Guilds"), or the product's while it is unknown.
export function useInstanceName(): string {
  const context = useContext(AppContext);
  const { t } = useI18n();
  return context?.instance?.title || t('app.name');
}
