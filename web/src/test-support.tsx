// Rendering helpers for component tests: the real providers with a fake fetch.
import { render } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import type { ComponentChildren } from 'preact';
import { vi } from 'vitest';

import { createApi, type WebSession } from './api';
import { I18nProvider } from './i18n';
import { focusOnlyLive, type Live } from './live';
import { AppProvider } from './session';

export const session: WebSession = {
  account: {
    id: '1',
    username: 'alice',
    acct: 'alice',
    display_name: 'Alice',
    locked: false,
    bot: false,
    group: false,
    created_at: '2026-01-01T00:00:00.000Z',
    note: '',
    url: 'http://guild.test/@alice',
    avatar: '/avatars/original/missing.png',
    avatar_static: '/avatars/original/missing.png',
    header: '',
    followers_count: 0,
    following_count: 0,
    statuses_count: 0,
    emojis: [],
    fields: [],
  },
  csrf_token: 'csrf-test',
  roles: { admin: false, manager: false },
};

export const jsonResponse = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

// A fetch routing by path prefix; each handler may answer differently per call.
export function routeFetch(routes: Record<string, (url: string, init?: RequestInit) => Response>) {
  return vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const match = Object.keys(routes)
      .sort((a, b) => b.length - a.length)
      .find((p) => url.startsWith(p));
    if (!match) return jsonResponse({ error: 'Record not found' }, 404);
    return routes[match](url, init);
  }) as unknown as typeof fetch & ReturnType<typeof vi.fn>;
}

export function renderWith(
  ui: ComponentChildren,
  options: { fetch: typeof fetch; locale?: string; signedIn?: WebSession | null; live?: Live },
) {
  const api = createApi({ fetch: options.fetch });
  const signedIn = options.signedIn === undefined ? session : options.signedIn;
  return render(
    <I18nProvider initialLocale={options.locale ?? 'en'}>
      <LocationProvider>
        <AppProvider
          api={api}
          live={options.live ?? focusOnlyLive()}
          initialState={signedIn ? { status: 'signedIn', session: signedIn } : { status: 'signedOut' }}
        >
          {ui}
        </AppProvider>
      </LocationProvider>
    </I18nProvider>,
  );
}
