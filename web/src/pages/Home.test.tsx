import { cleanup, fireEvent, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { jsonResponse, renderWith, routeFetch, session } from '../test-support';
import { Home } from './Home';

afterEach(cleanup);

const now = new Date('2026-03-01T12:00:00Z');

function status(id: string, text: string, extra: object = {}) {
  return {
    id,
    uri: `http://guild.test/users/alice/statuses/${id}`,
    url: null,
    created_at: '2026-03-01T11:00:00.000Z',
    edited_at: null,
    account: { ...session.account, id: '2', username: 'bob', acct: 'bob@other.example', display_name: 'Bob' },
    content: `<p>${text}</p>`,
    visibility: 'public',
    sensitive: false,
    spoiler_text: '',
    media_attachments: [],
    mentions: [],
    tags: [],
    emojis: [],
    reblogs_count: 0,
    favourites_count: 3,
    replies_count: 1,
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    reblog: null,
    language: 'en',
    ...extra,
  };
}

describe('Home', () => {
  it('shows loading, then the home timeline, and loads the next page from the Link header', async () => {
    const group = { ...session.account, id: '9', username: 'rust', acct: 'rust', display_name: 'Rust Guild', group: true };
    const fetch = routeFetch({
      '/api/v1/timelines/home?limit=20': () =>
        jsonResponse(
          [status('5', 'Hello <strong>guild</strong>'), { ...status('4', ''), account: group, reblog: status('3', 'Announced') }],
          200,
          { Link: '<http://guild.test/api/v1/timelines/home?max_id=3>; rel="next"' },
        ),
      '/api/v1/timelines/home?max_id=3': () => jsonResponse([status('2', 'Older post')]),
    });
    renderWith(<Home now={now} />, { fetch });

    expect(screen.getByRole('status').textContent).toContain('Loading');
    expect(await screen.findByText('guild')).toBeTruthy();
    expect(screen.getByText('Announced')).toBeTruthy();
    expect(screen.getByText(/in Rust Guild/)).toBeTruthy();
    expect(screen.getAllByText('1 hour ago').length).toBe(2);
    expect(screen.getAllByText('3 likes').length).toBe(2);
    expect(document.querySelector('time')?.getAttribute('datetime')).toBe('2026-03-01T11:00:00.000Z');

    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Older post')).toBeTruthy();
    expect(screen.getAllByRole('article').length).toBe(3);
    expect(screen.getByText('You have reached the end.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('shows an empty state', async () => {
    const fetch = routeFetch({ '/api/v1/timelines/home': () => jsonResponse([]) });
    renderWith(<Home now={now} />, { fetch });
    expect(await screen.findByText(/Nothing here yet/)).toBeTruthy();
  });

  it('shows the error in the user’s language and retries', async () => {
    let calls = 0;
    const fetch = routeFetch({
      '/api/v1/timelines/home': () =>
        ++calls === 1 ? new Response('', { status: 503 }) : jsonResponse([status('1', 'Back again')]),
    });
    renderWith(<Home now={now} />, { fetch, locale: 'de' });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Auf dem Server ist ein Fehler aufgetreten');
    fireEvent.click(screen.getByRole('button', { name: 'Erneut versuchen' }));
    expect(await screen.findByText('Back again')).toBeTruthy();
    expect(screen.getByText('vor 1 Stunde')).toBeTruthy();
    expect(calls).toBe(2);
  });
});
