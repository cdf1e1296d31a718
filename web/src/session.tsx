// The API client and the signed-in session, shared by every page.
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';

import { createApi, type Api, type CredentialAccount, type WebSession } from './api';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signedOut'; error?: unknown }
  | { status: 'signedIn'; session: WebSession };

export interface AppContextValue {
  api: Api;
  state: SessionState;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  updateAccount(account: CredentialAccount): void;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider(props: {
  children: ComponentChildren;
  api?: Api;
  // Tests start from a known state instead of asking the server.
  initialState?: SessionState;
}) {
  const [state, setState] = useState<SessionState>(props.initialState ?? { status: 'loading' });
  const api = useMemo(
    () => props.api ?? createApi({ onUnauthorized: () => setState({ status: 'signedOut' }) }),
    [props.api],
  );

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
      signIn: async (username, password) => accept(await api.session.signIn(username, password)),
      signOut: async () => {
        try {
          await api.session.signOut();
        } finally {
          accept(null);
        }
      },
      updateAccount: (account) =>
        setState((s) =>
          s.status === 'signedIn' ? { status: 'signedIn', session: { ...s.session, account } } : s,
        ),
    }),
    [api, state, accept],
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
