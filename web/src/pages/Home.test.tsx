import { cleanup, fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { thread } from '../test-fixtures';
import { jsonResponse, renderWith, routeFetch } from '../test-support';
import { Home } from './Home';

afterEach(cleanup);

const now = new Date('2026-03-01T12:00:00Z');
const remote = { id: 'c2', handle: 'rust', acct: 'rust@b.example', title: 'Rust Guild', icon: null, local: false };

describe('Home', () => {
  it('shows the latest threads of my communities with unread markers, and loads the next page', async () => {
    const fetch = routeFetch({
      '/api/guildhall/v1/home?sort=new&limit=20': () =>
        jsonResponse(
          [
            thread('5', 'Conan cache', { read: { unread: true, new_comments: 3 }, comment_count: 3 }),
            thread('4', 'Async traits?', { community: remote, question: true, accepted_answer_id: '9' }),
          ],
          200,
          { Link: '<http://guild.test/api/guildhall/v1/home?sort=new&max_id=4>; rel="next"' },
        ),
      '/api/guildhall/v1/home?sort=new&max_id=4': () => jsonResponse([thread('2', 'Older thread')]),
    });
    renderWith(<Home now={now} />, { fetch });

    expect(screen.getByRole('status').textContent).toContain('Loading');
    const first = await screen.findByRole('article', { name: 'Conan cache' });
    expect(within(first).getByText('3 new comments')).toBeTruthy();
    expect(within(first).getByRole('link', { name: 'Platform engineering' }).getAttribute('href')).toBe('/communities/platform');
    expect(within(first).getByRole('link', { name: 'Conan cache' }).getAttribute('href')).toBe('/threads/5');
    const second = screen.getByRole('article', { name: 'Async traits?' });
    expect(within(second).getByRole('link', { name: 'Rust Guild' }).getAttribute('href')).toBe('/communities/rust@b.example');
    expect(within(second).getByText('Answered')).toBeTruthy();
    expect(within(second).queryByText(/new comment|Unread/)).toBeNull();
    expect(screen.getAllByText(/1 hour ago/).length).toBe(2);

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Older thread')).toBeTruthy();
    expect(screen.getAllByRole('article').length).toBe(3);
    expect(screen.getByText('You have reached the end.')).toBeTruthy();
  });

  it('sorts by active and top and narrows to unread threads', async () => {
    const asked: string[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/home': (url) => {
        asked.push(url);
        return jsonResponse([thread('1', `Answer for ${new URL(url, 'http://x').search}`)]);
      },
    });
    renderWith(<Home now={now} />, { fetch });
    await screen.findByText('Answer for ?sort=new&limit=20');
    fireEvent.click(screen.getByRole('button', { name: 'Active' }));
    await screen.findByText('Answer for ?sort=active&limit=20');
    expect(screen.getByRole('button', { name: 'Active' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Top' }));
    await screen.findByText('Answer for ?sort=top&limit=20');
    fireEvent.click(screen.getByLabelText('Unread only'));
    await screen.findByText('Answer for ?sort=top&unread=true&limit=20');
    expect(asked.length).toBe(4);
  });

  it('shows an empty state', async () => {
    const fetch = routeFetch({ '/api/guildhall/v1/home': () => jsonResponse([]) });
    renderWith(<Home now={now} />, { fetch });
    expect(await screen.findByText(/Nothing here yet/)).toBeTruthy();
  });

  it('shows the error in the user’s language and retries', async () => {
    let calls = 0;
    const fetch = routeFetch({
      '/api/guildhall/v1/home': () =>
        ++calls === 1 ? new Response('', { status: 503 }) : jsonResponse([thread('1', 'Back again')]),
    });
    renderWith(<Home now={now} />, { fetch, locale: 'de' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Auf dem Server ist ein Fehler aufgetreten');
    fireEvent.click(screen.getByRole('button', { name: 'Erneut versuchen' }));
    expect(await screen.findByText('Back again')).toBeTruthy();
    expect(screen.getByText(/vor 1 Stunde/)).toBeTruthy();
    expect(calls).toBe(2);
  });

  it('refreshes when the person comes back to the tab', async () => {
    let calls = 0;
    const fetch = routeFetch({
      '/api/guildhall/v1/home': () => jsonResponse([thread('1', `Version ${++calls}`)]),
    });
    renderWith(<Home now={now} />, { fetch });
    await screen.findByText('Version 1');
    const later = Date.now() + 60_000;
    const spy = (await import('vitest')).vi.spyOn(Date, 'now').mockReturnValue(later);
    window.dispatchEvent(new Event('focus'));
    expect(await screen.findByText('Version 2')).toBeTruthy();
    spy.mockRestore();
  });
});
