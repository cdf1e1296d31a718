import { cleanup, fireEvent, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { focusOnlyLive } from '../live';
import { jsonResponse, renderWith, routeFetch, session } from '../test-support';
import { Shell } from './Shell';

afterEach(cleanup);

describe('Shell', () => {
  const fetch = routeFetch({});

  it('has a skip link, landmarks and the navigation for an employee', () => {
    renderWith(<Shell><p>content</p></Shell>, { fetch });
    const skip = screen.getByRole('link', { name: 'Skip to content' });
    expect(skip.getAttribute('href')).toBe('#main');
    expect(screen.getByRole('main').id).toBe('main');
    expect(screen.getByRole('banner')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const links = [...nav.querySelectorAll('a')].map((a) => a.textContent);
    expect(links).toEqual(['Home', 'Communities', 'Notifications', 'Settings']);
    expect(nav.querySelector('a[aria-current="page"]')?.textContent).toBe('Home');
    expect(screen.getByText('Signed in as Alice')).toBeTruthy();
  });

  it('shows Manage to managers and Admin to admins, in German', () => {
    renderWith(<Shell><p>Inhalt</p></Shell>, {
      fetch,
      locale: 'de',
      signedIn: { ...session, roles: { admin: true, manager: true } },
    });
    const nav = screen.getByRole('navigation', { name: 'Hauptnavigation' });
    expect([...nav.querySelectorAll('a')].map((a) => a.textContent)).toEqual([
      'Startseite',
      'Communitys',
      'Benachrichtigungen',
      'Einstellungen',
      'Verwalten',
      'Administration',
    ]);
    expect(document.documentElement.lang).toBe('de');
  });

  it('opens and closes the menu button on small screens', () => {
    renderWith(<Shell><p>content</p></Shell>, { fetch });
    const button = screen.getByRole('button', { name: 'Menu' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(button.getAttribute('aria-controls')).toBe('main-nav');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(document.getElementById('main-nav')?.className).toContain('open');
    const link = screen.getByRole('link', { name: 'Settings' });
    link.focus();
    fireEvent.keyDown(link, { key: 'Escape' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(button);
  });

  it('names the instance from /api/v2/instance once it answers', async () => {
    const named = routeFetch({
      '/api/v2/instance': () => jsonResponse({ domain: 'guild.test', title: 'Example Corp Guilds' }),
    });
    renderWith(<Shell><p>content</p></Shell>, { fetch: named });
    expect(await screen.findByText('Example Corp Guilds')).toBeTruthy();
  });

  it('shows the unread notifications on the navigation and clears them once read', async () => {
    const live = focusOnlyLive();
    const counting = routeFetch({ '/api/v1/notifications/unread_count': () => jsonResponse({ count: 3 }) });
    renderWith(<Shell><p>content</p></Shell>, { fetch: counting, live });
    const link = screen.getByRole('link', { name: /Notifications/ });
    await waitFor(() => expect(link.textContent).toBe('Notifications33 unread notifications'));
    live.notificationsRead();
    await waitFor(() => expect(link.textContent).toBe('Notifications'));
  });

  it('shows no navigation to signed-out visitors', () => {
    renderWith(<Shell><p>sign in</p></Shell>, { fetch, signedIn: null });
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.getByRole('main')).toBeTruthy();
  });
});
