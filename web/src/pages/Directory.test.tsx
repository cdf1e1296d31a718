import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { community } from '../test-fixtures';
import { jsonResponse, renderWith, routeFetch } from '../test-support';
import { Directory } from './Directory';

afterEach(cleanup);

const remote = community({
  id: 'c2',
  handle: 'rust',
  acct: 'rust@b.example',
  local: false,
  host: 'b.example',
  title: 'Rust Guild',
  description: 'Systems programming',
  languages: [],
  member_count: 1,
  join_policy: 'approval',
});

describe('Directory', () => {
  it('lists local and remote communities with member counts and languages, and searches', async () => {
    const asked: string[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/communities': (url) => {
        asked.push(url);
        return jsonResponse(url.includes('q=rust') ? [remote] : [community(), remote]);
      },
    });
    renderWith(<Directory />, { fetch });
    const list = await screen.findByRole('list', { name: 'Communities' });
    const cards = within(list).getAllByRole('listitem');
    expect(cards.length).toBe(2);
    expect(within(cards[0]).getByRole('link', { name: 'Platform engineering' }).getAttribute('href')).toBe('/communities/platform');
    expect(within(cards[0]).getByText('42 members')).toBeTruthy();
    expect(within(cards[0]).getByText('English, German')).toBeTruthy();
    expect(within(cards[0]).getByText('All things CI.')).toBeTruthy();
    expect(within(cards[1]).getByText('1 member')).toBeTruthy();
    expect(within(cards[1]).getByText('Any language')).toBeTruthy();
    expect(within(cards[1]).getByText('on b.example')).toBeTruthy();
    expect(within(cards[1]).getByRole('button', { name: 'Request to join Rust Guild' })).toBeTruthy();

    fireEvent.input(screen.getByLabelText('Search communities'), { target: { value: 'rust' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await waitFor(() => expect(screen.queryByText('Platform engineering')).toBeNull());
    expect(asked.at(-1)).toBe('/api/guildhall/v1/communities?q=rust&scope=all&limit=20');
    fireEvent.click(screen.getByRole('button', { name: 'Joined' }));
    await waitFor(() => expect(asked.at(-1)).toBe('/api/guildhall/v1/communities?q=rust&membership=joined&limit=20'));
  });

  it('joins from the list and shows the new state', async () => {
    const fetch = routeFetch({
      '/api/guildhall/v1/communities/c1/join': (_url, init) => {
        expect(init?.method).toBe('POST');
        expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-test');
        return jsonResponse({
          membership: 'member',
          welcome_html: '<p>Hi</p>',
          community: community({ member_count: 43, me: { membership: 'member', role: 'member', can_post: true, can_manage: false, ban: null } }),
        });
      },
      '/api/guildhall/v1/communities': () => jsonResponse([community()]),
    });
    renderWith(<Directory />, { fetch });
    fireEvent.click(await screen.findByRole('button', { name: 'Join Platform engineering' }));
    expect(await screen.findByRole('button', { name: 'Leave Platform engineering' })).toBeTruthy();
    expect(screen.getByText('43 members')).toBeTruthy();
  });

  it('joins a community by name@host that this instance has never seen, then opens it', async () => {
    const calls: string[] = [];
    const fetch = routeFetch({
      '/api/guildhall/v1/communities/resolve': (url) => {
        calls.push(url);
        return jsonResponse(remote);
      },
      '/api/guildhall/v1/communities/c2/join': (url) => {
        calls.push(url);
        return jsonResponse({ membership: 'pending', welcome_html: '', community: { ...remote, me: { ...remote.me!, membership: 'pending' } } });
      },
      '/api/guildhall/v1/communities': () => jsonResponse([]),
    });
    renderWith(<Directory />, { fetch });
    fireEvent.input(await screen.findByLabelText('Community name or name@host'), { target: { value: '!rust@b.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Find and join' }));
    await waitFor(() => expect(location.pathname).toBe('/communities/rust@b.example'));
    expect(location.search).toBe('?joined=pending');
    expect(calls).toEqual(['/api/guildhall/v1/communities/resolve?q=rust%40b.example', '/api/guildhall/v1/communities/c2/join']);
  });

  it('says why a name cannot be found', async () => {
    const fetch = routeFetch({
      '/api/guildhall/v1/communities/resolve': () => jsonResponse({ error: 'Record not found' }, 404),
      '/api/guildhall/v1/communities': () => jsonResponse([]),
    });
    renderWith(<Directory />, { fetch, locale: 'de' });
    fireEvent.input(await screen.findByLabelText('Community-Name oder name@host'), { target: { value: 'nope@nowhere.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Finden und beitreten' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Das wurde nicht gefunden.');
    expect(screen.getByText('Keine passenden Communitys.')).toBeTruthy();
  });
});
