import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createApi } from './api';
import { App } from './app';
import { jsonResponse, routeFetch, session } from './test-support';

const allNotifications = { mention: true, reply: true, reaction: true, boost: true, follow: true };

beforeEach(() => {
  history.replaceState(null, '', '/settings');
  localStorage.clear();
});
afterEach(cleanup);

describe('App', () => {
  it('sends a signed-out visitor to sign-in, signs in, and returns to the page asked for', async () => {
    let signedIn = false;
    const fetch = routeFetch({
      '/web/session': (_url, init) => {
        if (init?.method === 'POST') {
          const body = JSON.parse(String(init.body));
          if (body.password !== 'correct horse') return jsonResponse({ error: 'Invalid' }, 401);
          signedIn = true;
          return jsonResponse(session);
        }
        return signedIn ? jsonResponse(session) : jsonResponse({ error: 'Not signed in' }, 401);
      },
    });
    render(<App api={createApi({ fetch })} locale="en" />);

    const username = await screen.findByLabelText('Username');
    expect(location.pathname).toBe('/sign-in');
    expect(new URLSearchParams(location.search).get('next')).toBe('/settings');

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Please enter your username and password.',
    );

    fireEvent.input(username, { target: { value: 'alice' } });
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('The username or password is wrong.'),
    );

    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    expect(location.pathname).toBe('/settings');
    expect(localStorage.getItem('guildhall.locale')).toBeNull();
  });

  it('switches the whole UI to German from the settings page and remembers it', async () => {
    const fetch = routeFetch({ '/web/session': () => jsonResponse(session) });
    render(<App api={createApi({ fetch })} />);
    const select = (await screen.findByLabelText('Language of the app')) as HTMLSelectElement;
    fireEvent.change(select, { target: { value: 'de' } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Einstellungen' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Hauptnavigation' })).toBeTruthy();
    expect(screen.getByLabelText('Anzeigename')).toBeTruthy();
    await waitFor(() => expect(document.documentElement.lang).toBe('de'));
    expect(localStorage.getItem('guildhall.locale')).toBe('de');
  });

  it('shows an honest placeholder for pages whose API does not exist yet', async () => {
    history.replaceState(null, '', '/@bob@b.example');
    const fetch = routeFetch({ '/web/session': () => jsonResponse(session) });
    render(<App api={createApi({ fetch })} locale="en" />);
    expect(await screen.findByText('Not yet available')).toBeTruthy();
    await waitFor(() => expect(document.title).toBe('Profile of @bob@b.example – Guildhall'));
  });

  it('saves the display name and shows server errors', async () => {
    let calls = 0;
    const fetch = routeFetch({
      '/web/session': () => jsonResponse(session),
      '/api/guildhall/v1/account/notification_preferences': () => jsonResponse(allNotifications),
      '/api/v1/accounts/update_credentials': (_url, init) => {
        expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-test');
        if (calls === 1) expect(JSON.parse(String(init?.body))).toEqual({ display_name: 'Alice A.', note: 'Platform team, ask me about CI.' });
        return ++calls === 1
          ? jsonResponse({ error: 'Display name is too long' }, 422)
          : jsonResponse({ ...session.account, display_name: 'Alice A.' });
      },
    });
    render(<App api={createApi({ fetch })} locale="en" />);
    const input = await screen.findByLabelText('Display name');
    fireEvent.input(input, { target: { value: 'Alice A.' } });
    fireEvent.input(screen.getByLabelText('About you'), { target: { value: 'Platform team, ask me about CI.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The server did not accept this.');
    expect(alert.textContent).toContain('Display name is too long');
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(screen.getByText('Signed in as Alice A.')).toBeTruthy();
  });
});

describe('App sessions and preferences', () => {
  it('shows sign-in with a notice when the server ends the session', async () => {
    history.replaceState(null, '', '/');
    const fetch = routeFetch({
      '/web/session': () => jsonResponse(session),
      '/api/guildhall/v1/home': () => jsonResponse({ error: 'The access token was revoked' }, 401),
    });
    render(<App api={createApi({ fetch })} locale="en" />);
    const notice = await screen.findByText('Your session has ended. Please sign in again.');
    expect(notice.getAttribute('role')).toBe('status');
    expect(screen.getByRole('heading', { level: 1, name: 'Sign in' })).toBeTruthy();
    expect(location.pathname).toBe('/sign-in');
    expect(new URLSearchParams(location.search).get('next')).toBe('/');
  });

  it('uses the language stored with the account and stores a new choice there', async () => {
    const patches: unknown[] = [];
    const fetch = routeFetch({
      '/web/session': (_url, init) => {
        if (init?.method === 'PATCH') {
          expect((init.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-test');
          const body = JSON.parse(String(init.body));
          patches.push(body);
          return jsonResponse({ ...session, locale: body.locale });
        }
        return jsonResponse({ ...session, locale: 'de' });
      },
    });
    render(<App api={createApi({ fetch })} locale="en" />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Einstellungen' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Sprache der App'), { target: { value: 'en' } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    await waitFor(() => expect(patches).toEqual([{ locale: 'en' }]));
    fireEvent.change(screen.getByLabelText('Language of the app'), { target: { value: '' } });
    await waitFor(() => expect(patches).toEqual([{ locale: 'en' }, { locale: null }]));
  });

  it('keeps the language on this device when the server cannot store it', async () => {
    const fetch = routeFetch({
      '/web/session': (_url, init) =>
        init?.method === 'PATCH' ? jsonResponse({ error: 'Record not found' }, 404) : jsonResponse(session),
      '/api/guildhall/v1/account/notification_preferences': () => jsonResponse(allNotifications),
    });
    render(<App api={createApi({ fetch })} locale="en" />);
    fireEvent.change(await screen.findByLabelText('Language of the app'), { target: { value: 'de' } });
    expect(await screen.findByRole('heading', { level: 1, name: 'Einstellungen' })).toBeTruthy();
    await waitFor(() =>
      expect(fetch.mock.calls.filter(([, init]) => init?.method === 'PATCH')).toHaveLength(1),
    );
    expect(screen.queryByRole('alert')).toBeNull();
    expect(localStorage.getItem('guildhall.locale')).toBe('de');
  });
});

describe('App when the server is unreachable', () => {
  it('says so on the sign-in page', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    render(<App api={createApi({ fetch })} locale="de" />);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Anmelden' })).toBeTruthy();
  });
});

describe('safeNext', () => {
  it('keeps same-origin paths and refuses everything that could leave the app', async () => {
    const { safeNext } = await import('./pages/SignIn');
    expect(safeNext('/settings?tab=profile')).toBe('/settings?tab=profile');
    expect(safeNext('/oauth/authorize?client_id=1')).toBe('/oauth/authorize?client_id=1');
    for (const evil of ['//evil.example/x', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', undefined])
      expect(safeNext(evil)).toBe('/');
  });
});
