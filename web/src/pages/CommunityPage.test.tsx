import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { community, person, thread } from '../test-fixtures';
import { jsonResponse, renderWith, routeFetch } from '../test-support';
import { CommunityPage } from './CommunityPage';

afterEach(cleanup);

const now = new Date('2026-03-01T12:00:00Z');
const managers = [
  { role: 'owner' as const, person: person('olivia') },
  { role: 'moderator' as const, person: person('max', { acct: 'max@b.example', local: false, host: 'b.example' }) },
];

function api(c = community({ managers }), extra: Record<string, (url: string, init?: RequestInit) => Response> = {}) {
  const asked: string[] = [];
  const fetch = routeFetch({
    '/api/guildhall/v1/communities/resolve': () => jsonResponse({ ...c, managers: undefined }),
    '/api/guildhall/v1/communities/c1/threads': (url) => {
      asked.push(url);
      const sort = new URL(url, 'http://x').searchParams.get('sort');
      return jsonResponse([
        thread('t1', 'Read this first', { pinned: true }),
        thread('t2', `Latest by ${sort}`, { question: true, comment_count: 2, reactions: { likes: 5, dislikes: 1, score: 4, emoji: [], my_vote: null } }),
      ]);
    },
    '/api/guildhall/v1/communities/c1': () => jsonResponse(c),
    ...extra,
  });
  return { fetch, asked };
}

describe('CommunityPage', () => {
  it('shows about, rules, managers, members, and the threads with pinned first, sorted', async () => {
    const { fetch, asked } = api();
    renderWith(<CommunityPage acct="platform" now={now} />, { fetch });
    expect(await screen.findByRole('heading', { level: 1, name: 'Platform engineering' })).toBeTruthy();
    expect(screen.getByText('!platform')).toBeTruthy();
    const about = screen.getByRole('complementary', { name: 'About this community' });
    expect(within(about).getByText('CI')).toBeTruthy();
    const rules = within(about).getByRole('list', { name: 'Rules' });
    expect(within(rules).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Be kind', 'No secrets in logs']);
    expect(within(about).getByText(/Olivia/).textContent).toContain('Owner');
    expect(within(about).getByText(/Max/).textContent).toContain('Moderator');
    expect(within(about).getByText('@max@b.example')).toBeTruthy();
    expect(screen.getAllByText('42 members').length).toBeGreaterThan(0);
    expect(screen.getByText('English, German')).toBeTruthy();
    // Not a member: no welcome, no composer, no manager tools.
    expect(screen.queryByRole('heading', { name: 'Welcome' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'New thread' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Manage' })).toBeNull();

    const list = await screen.findByRole('list', { name: 'Threads' });
    const rows = within(list).getAllByRole('article');
    expect(rows[0].textContent).toContain('Pinned');
    expect(rows[1].textContent).toContain('Latest by new');
    expect(within(rows[1]).getByText('Question')).toBeTruthy();
    expect(within(rows[1]).getByText('Score 4')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Top' }));
    expect(await screen.findByText('Latest by top')).toBeTruthy();
    expect(asked).toEqual([
      '/api/guildhall/v1/communities/c1/threads?sort=new&limit=20',
      '/api/guildhall/v1/communities/c1/threads?sort=top&limit=20',
    ]);
  });

  it('joins an open community and shows the welcome message, the composer link, then leaves', async () => {
    const member = { membership: 'member' as const, role: 'member' as const, can_post: true, can_manage: false, ban: null };
    const { fetch } = api(community({ managers }), {
      '/api/guildhall/v1/communities/c1/join': () =>
        jsonResponse({ membership: 'member', welcome_html: '<p>Welcome aboard!</p>', community: community({ managers, member_count: 43, me: member }) }),
      '/api/guildhall/v1/communities/c1/leave': () => jsonResponse(community({ managers })),
    });
    renderWith(<CommunityPage acct="platform" now={now} />, { fetch });
    fireEvent.click(await screen.findByRole('button', { name: 'Join Platform engineering' }));
    const welcome = await screen.findByRole('region', { name: 'Welcome' });
    expect(welcome.textContent).toContain('Welcome aboard!');
    expect(screen.getByRole('link', { name: 'New thread' }).getAttribute('href')).toBe('/communities/platform/new');
    expect(screen.getAllByText('43 members').length).toBeGreaterThan(0);
    fireEvent.click(screen.getByRole('button', { name: 'Leave Platform engineering' }));
    expect(await screen.findByRole('button', { name: 'Join Platform engineering' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'New thread' })).toBeNull();
  });

  it('requests to join a community that needs approval and says it is waiting', async () => {
    const c = community({ managers, join_policy: 'approval' });
    const { fetch } = api(c, {
      '/api/guildhall/v1/communities/c1/join': () =>
        jsonResponse({ membership: 'pending', welcome_html: '', community: { ...c, me: { ...c.me!, membership: 'pending' } } }),
    });
    renderWith(<CommunityPage acct="platform" now={now} />, { fetch, locale: 'de' });
    fireEvent.click(await screen.findByRole('button', { name: 'Beitritt zu Platform engineering anfragen' }));
    expect((await screen.findByText(/wartet auf die Freigabe/)).getAttribute('role')).toBe('status');
    expect(screen.getByText('Anfrage gesendet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Beitrittsanfrage für Platform engineering zurückziehen' })).toBeTruthy();
  });

  it('links managers to their tools and shows a removed thread to them', async () => {
    const c = community({ managers, me: { membership: 'member', role: 'owner', can_post: true, can_manage: true, ban: null } });
    const { fetch } = api(c);
    renderWith(<CommunityPage acct="platform" now={now} />, { fetch });
    expect((await screen.findByRole('link', { name: 'Manage' })).getAttribute('href')).toBe('/communities/platform/manage');
    expect(screen.getByText('You own this community')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Welcome' }).textContent).toContain('Read the pinned intro first.');
  });

  it('shows not found for an unknown community', async () => {
    const fetch = routeFetch({});
    renderWith(<CommunityPage acct="nope@b.example" now={now} />, { fetch });
    expect((await screen.findByRole('alert')).textContent).toContain('This could not be found.');
    await waitFor(() => expect(document.title).toContain('Community'));
  });
});
