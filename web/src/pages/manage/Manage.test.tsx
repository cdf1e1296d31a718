import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { community, insights, person } from '../../test-fixtures';
import { jsonResponse, renderWith, routeFetch, session } from '../../test-support';
import { ManageCommunity } from './ManageCommunity';
import { CreateCommunity, ManageHome } from './ManageHome';

afterEach(cleanup);

// Row buttons are disabled while another row action runs: click once they are enabled again.
async function click(name: string, within_: HTMLElement = document.body) {
  const button = (await within(within_).findByRole('button', { name })) as HTMLButtonElement;
  await waitFor(() => expect(button.disabled).toBe(false));
  fireEvent.click(button);
}

const owner = { membership: 'member' as const, role: 'owner' as const, can_post: true, can_manage: true, ban: null };
const managed = community({ me: owner, managers: [{ role: 'owner', person: person('alice') }] });

type Handler = (url: string, init?: RequestInit) => Response;
// A JSON body as its value; an upload as its fields' file names.
const bodyOf = (body: RequestInit['body']) =>
  body instanceof FormData
    ? Object.fromEntries([...body.entries()].map(([k, v]) => [k, (v as File).name]))
    : body
      ? JSON.parse(String(body))
      : undefined;
function server(routes: Record<string, Handler>) {
  const writes: [string, string, unknown][] = [];
  const wrapped = Object.fromEntries(
    Object.entries(routes).map(([k, h]) => [
      k,
      ((url, init) => {
        if (init?.method && init.method !== 'GET') writes.push([init.method, url, bodyOf(init.body)]);
        return h(url, init);
      }) as Handler,
    ]),
  );
  const fetch = routeFetch({
    '/api/guildhall/v1/communities/resolve': () => jsonResponse(managed),
    '/api/guildhall/v1/communities/c1': () => jsonResponse(managed),
    ...wrapped,
  });
  return { fetch, writes };
}

const membership = (handle: string, role: 'owner' | 'moderator' | 'member', extra = {}) => ({
  person: person(handle),
  role,
  state: 'accepted',
  since: '2026-02-28T10:00:00.000Z',
  ban: null,
  ...extra,
});

describe('Manager tools', () => {
  it('creates a community with rules, a welcome message, policies and languages', async () => {
    let sessionAsked = 0;
    const { fetch, writes } = server({
      '/api/guildhall/v1/communities': () => jsonResponse(community({ acct: 'rust_guild', handle: 'rust_guild' })),
      '/web/session': () => {
        sessionAsked++;
        return jsonResponse({ ...session, roles: { admin: false, manager: true } });
      },
    });
    renderWith(<CreateCommunity />, { fetch });
    fireEvent.input(screen.getByLabelText('Name (for addresses)'), { target: { value: 'Rust_Guild' } });
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Rust Guild' } });
    fireEvent.input(screen.getByLabelText('Description'), { target: { value: 'Rust at **work**' } });
    fireEvent.input(screen.getByLabelText('Rules'), { target: { value: 'Be kind\n\n  No secrets  \n' } });
    fireEvent.input(screen.getByLabelText('Welcome message'), { target: { value: 'Hello, Rustacean!' } });
    fireEvent.click(screen.getByLabelText('Approval'));
    fireEvent.click(screen.getByLabelText('Managers only'));
    fireEvent.click(screen.getByLabelText('English'));
    fireEvent.click(screen.getByLabelText('German'));
    fireEvent.click(screen.getByRole('button', { name: 'Create community' }));
    await waitFor(() => expect(location.pathname).toBe('/communities/rust_guild'));
    await waitFor(() => expect(sessionAsked).toBe(1));
    expect(writes).toEqual([
      [
        'POST',
        '/api/guildhall/v1/communities',
        {
          handle: 'rust_guild',
          title: 'Rust Guild',
          description: 'Rust at **work**',
          rules: ['Be kind', 'No secrets'],
          welcome: 'Hello, Rustacean!',
          visibility: 'public',
          join_policy: 'approval',
          posting_policy: 'moderators',
          languages: ['en', 'de'],
        },
      ],
    ]);
  });

  it('refuses a handle that is taken, with the server’s words', async () => {
    const { fetch } = server({
      '/api/guildhall/v1/communities': () => jsonResponse({ error: 'handle: already taken' }, 409),
    });
    renderWith(<CreateCommunity />, { fetch, locale: 'de' });
    fireEvent.click(screen.getByRole('button', { name: 'Community gründen' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Bitte geben Sie einen Namen');
    fireEvent.input(screen.getByLabelText('Name (für Adressen)'), { target: { value: 'platform' } });
    fireEvent.input(screen.getByLabelText('Titel'), { target: { value: 'Platform' } });
    fireEvent.click(screen.getByRole('button', { name: 'Community gründen' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('handle: already taken'));
  });

  it('edits every setting of a community', async () => {
    const { fetch, writes } = server({
      '/api/guildhall/v1/communities/c1': (_u, init) =>
        jsonResponse(init?.method === 'PATCH' ? { ...managed, title: 'Platform Eng', visibility: 'private' } : managed),
    });
    renderWith(<ManageCommunity acct="platform" tab="settings" />, { fetch });
    const title = (await screen.findByLabelText('Title')) as HTMLInputElement;
    expect(title.value).toBe('Platform engineering');
    expect((screen.getByLabelText('Rules') as HTMLTextAreaElement).value).toBe('Be kind\nNo secrets in logs');
    expect(screen.queryByLabelText('Name (for addresses)')).toBeNull();
    fireEvent.input(title, { target: { value: 'Platform Eng' } });
    fireEvent.click(screen.getByLabelText('Private'));
    fireEvent.click(screen.getByLabelText('German'));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(writes).toEqual([
      [
        'PATCH',
        '/api/guildhall/v1/communities/c1',
        {
          title: 'Platform Eng',
          description: 'All things **CI**.',
          rules: ['Be kind', 'No secrets in logs'],
          welcome: 'Welcome! Read the pinned intro first.',
          visibility: 'private',
          join_policy: 'open',
          posting_policy: 'members',
          languages: ['en'],
        },
      ],
    ]);
    expect(screen.getByRole('heading', { level: 1, name: 'Manage Platform Eng' })).toBeTruthy();
  });

  it('uploads the icon and removes the banner, each on its own', async () => {
    let current: typeof managed = { ...managed, header: '/media/banner.png' };
    const { fetch, writes } = server({
      '/api/guildhall/v1/communities/c1/icon': () => {
        current = { ...current, icon: '/media/icon.png' };
        return jsonResponse(current);
      },
      '/api/guildhall/v1/communities/c1': (_u, init) => {
        if (init?.method === 'PATCH') current = { ...current, header: null };
        return jsonResponse(current);
      },
    });
    renderWith(<ManageCommunity acct="platform" tab="settings" />, { fetch });
    const icon = await screen.findByRole('form', { name: 'Icon' });
    expect(within(icon).queryByRole('img')).toBeNull();
    expect(within(icon).queryByRole('button', { name: 'Remove icon' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Choose a new icon'), {
      target: { files: [new File([new Uint8Array([0x89, 0x50])], 'logo.png', { type: 'image/png' })] },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Upload icon' }));
    await within(icon).findByText('Icon updated.');
    expect(within(icon).getByRole('img', { name: "The community's current icon" }).getAttribute('src')).toBe('/media/icon.png');
    const banner = screen.getByRole('form', { name: 'Banner' });
    expect(within(banner).getByRole('img', { name: "The community's current banner" }).getAttribute('src')).toBe('/media/banner.png');
    fireEvent.click(screen.getByRole('button', { name: 'Remove banner' }));
    await within(banner).findByText('Banner removed.');
    expect(within(banner).queryByRole('img')).toBeNull();
    expect(writes).toEqual([
      ['POST', '/api/guildhall/v1/communities/c1/icon', { file: 'logo.png' }],
      ['PATCH', '/api/guildhall/v1/communities/c1', { header: null }],
    ]);
  });

  it('approves and rejects join requests', async () => {
    let pending = [membership('erin', 'member', { state: 'pending' }), membership('frank', 'member', { state: 'pending' })];
    const { fetch, writes } = server({
      '/api/guildhall/v1/communities/c1/requests/p-erin/approve': () => {
        pending = pending.filter((m) => m.person.handle !== 'erin');
        return jsonResponse(membership('erin', 'member'));
      },
      '/api/guildhall/v1/communities/c1/requests/p-frank/reject': () => {
        pending = pending.filter((m) => m.person.handle !== 'frank');
        return jsonResponse({});
      },
      '/api/guildhall/v1/communities/c1/requests': () => jsonResponse(pending),
    });
    renderWith(<ManageCommunity acct="platform" tab="requests" />, { fetch });
    fireEvent.click(await screen.findByRole('button', { name: 'Approve Erin' }));
    await waitFor(() => expect(screen.queryByText('Erin')).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Reject Frank' }));
    expect(await screen.findByText('No open join requests.')).toBeTruthy();
    expect(writes.map(([m, u]) => `${m} ${u}`)).toEqual([
      'POST /api/guildhall/v1/communities/c1/requests/p-erin/approve',
      'POST /api/guildhall/v1/communities/c1/requests/p-frank/reject',
    ]);
    expect(screen.getByRole('link', { name: 'Join requests' }).getAttribute('aria-current')).toBe('page');
  });

  it('appoints moderators, also from another instance, removes them and bans members', async () => {
    const { fetch, writes } = server({
      '/api/guildhall/v1/communities/c1/moderators': () => jsonResponse(membership('gina', 'moderator')),
      '/api/guildhall/v1/communities/c1/bans': () => jsonResponse(membership('hank', 'member', { state: 'banned' })),
      '/api/guildhall/v1/communities/c1/members': () =>
        jsonResponse([membership('alice', 'owner'), membership('gina', 'moderator'), membership('hank', 'member')]),
    });
    renderWith(<ManageCommunity acct="platform" tab="members" />, { fetch });
    expect(await screen.findByRole('button', { name: 'Remove as moderator: Gina' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Ban Alice' })).toBeNull();
    fireEvent.input(screen.getByLabelText('Appoint a moderator'), { target: { value: 'ivan@b.example' } });
    fireEvent.click(screen.getByRole('button', { name: 'Appoint' }));
    await waitFor(() => expect(writes.length).toBe(1));
    await click('Make moderator: Hank');
    await waitFor(() => expect(writes.length).toBe(2));
    await click('Remove as moderator: Gina');
    await waitFor(() => expect(writes.length).toBe(3));
    await click('Ban Hank');
    await waitFor(() => expect(writes.length).toBe(4));
    expect(writes).toEqual([
      ['POST', '/api/guildhall/v1/communities/c1/moderators', { person: 'ivan@b.example' }],
      ['POST', '/api/guildhall/v1/communities/c1/moderators', { person: 'p-hank' }],
      ['DELETE', '/api/guildhall/v1/communities/c1/moderators/p-gina', undefined],
      ['POST', '/api/guildhall/v1/communities/c1/bans', { person: 'p-hank' }],
    ]);
  });

  it('pages through long ban lists from the bans endpoint', async () => {
    const { fetch } = server({
      '/api/guildhall/v1/communities/c1/bans': (url) =>
        url.includes('max_id=')
          ? jsonResponse([membership('ivan', 'member', { state: 'banned' })])
          : jsonResponse([membership('hank', 'member', { state: 'banned' })], 200, {
              Link: '<https://guild.test/api/guildhall/v1/communities/c1/bans?max_id=9>; rel="next"',
            }),
    });
    renderWith(<ManageCommunity acct="platform" tab="bans" />, { fetch });
    expect(await screen.findByText('Hank')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Ivan')).toBeTruthy();
  });

  it('bans with a reason and duration, and unbans', async () => {
    let bans = [membership('hank', 'member', { state: 'banned', ban: { reason: 'spam', expires_at: '2026-04-01T00:00:00.000Z' } })];
    const { fetch, writes } = server({
      '/api/guildhall/v1/communities/c1/bans/p-hank': () => {
        bans = [];
        return jsonResponse({});
      },
      '/api/guildhall/v1/communities/c1/bans': () => jsonResponse(bans),
    });
    renderWith(<ManageCommunity acct="platform" tab="bans" />, { fetch });
    const row = (await screen.findByText('Hank')).closest('li')!;
    expect(row.textContent).toContain('Reason: spam');
    expect(row.textContent).toContain('until');
    fireEvent.input(screen.getByLabelText('Person to ban'), { target: { value: 'troll@c.example' } });
    fireEvent.input(screen.getByLabelText('Reason'), { target: { value: 'harassment' } });
    fireEvent.change(screen.getByLabelText('Duration'), { target: { value: '7' } });
    fireEvent.click(screen.getByRole('button', { name: 'Ban' }));
    await waitFor(() => expect(writes.length).toBe(1));
    const body = writes[0][2] as { person: string; reason: string; expires_at: string };
    expect(body.person).toBe('troll@c.example');
    expect(body.reason).toBe('harassment');
    const days = (Date.parse(body.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    await click('Unban Hank');
    expect(await screen.findByText('Nobody is banned.')).toBeTruthy();
  });

  it('works through the reports queue', async () => {
    const report = {
      id: 'r1',
      community_id: 'c1',
      reporter: person('jo'),
      post: { id: 'k1', thread_id: 't1', title: null, excerpt: 'Buy cheap watches', author: person('spammer') },
      person: person('spammer'),
      reason: 'spam',
      created_at: '2026-03-01T11:00:00.000Z',
      resolved_at: null,
      resolved_by: null,
    };
    let open = [report];
    const asked: string[] = [];
    const { fetch, writes } = server({
      '/api/guildhall/v1/posts/k1/remove': () => jsonResponse({}),
      '/api/guildhall/v1/reports/r1/resolve': () => {
        open = [];
        return jsonResponse({ ...report, resolved_at: '2026-03-01T12:00:00.000Z' });
      },
      '/api/guildhall/v1/communities/c1/reports': (url) => {
        asked.push(url);
        return jsonResponse(url.includes('state=all') ? [{ ...report, resolved_at: 'x', resolved_by: person('alice') }] : open);
      },
    });
    renderWith(<ManageCommunity acct="platform" tab="reports" />, { fetch });
    expect(await screen.findByText('Reported for: spam')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Buy cheap watches' }).getAttribute('href')).toBe('/threads/t1');
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(writes.length).toBe(1));
    await click('Mark resolved');
    expect(await screen.findByText('No reports. All quiet.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    expect(await screen.findByText(/resolved by Alice/)).toBeTruthy();
    expect(writes).toEqual([
      ['POST', '/api/guildhall/v1/posts/k1/remove', { reason: 'spam' }],
      ['POST', '/api/guildhall/v1/reports/r1/resolve', {}],
    ]);
  });

  it('shows the moderation log in the reader’s language', async () => {
    const { fetch } = server({
      '/api/guildhall/v1/communities/c1/modlog': () =>
        jsonResponse([
          { id: 'm2', action: 'ban', moderator: person('alice'), person: person('hank'), post_id: null, reason: 'spam', expires_at: null, created_at: '2026-03-01T11:00:00.000Z' },
          { id: 'm1', action: 'pin', moderator: person('alice'), person: null, post_id: 't1', reason: null, expires_at: null, created_at: '2026-03-01T10:00:00.000Z' },
        ]),
    });
    renderWith(<ManageCommunity acct="platform" tab="modlog" />, { fetch, locale: 'de' });
    expect(await screen.findByText(/Alice hat Hank gesperrt/)).toBeTruthy();
    expect(screen.getByText(/Grund: spam/)).toBeTruthy();
    expect(screen.getByText(/Alice hat einen Thread angeheftet/)).toBeTruthy();
    expect(screen.getByRole('link', { name: '(der Beitrag)' }).getAttribute('href')).toBe('/threads/t1');
  });

  it('shows insights as charts with tables, and changes the period', async () => {
    const asked: string[] = [];
    const { fetch } = server({
      '/api/guildhall/v1/communities/c1/insights': (url) => {
        asked.push(url);
        return jsonResponse(insights());
      },
    });
    renderWith(<ManageCommunity acct="platform" tab="insights" />, { fetch });
    expect(await screen.findByText('Median time to first answer', { selector: 'dt' })).toBeTruthy();
    expect(screen.getByText('1 hr 30 min', { selector: 'dd' })).toBeTruthy();
    expect(screen.getByText('Active this week', { selector: 'dt' }).nextElementSibling?.textContent).toBe('11');
    expect(screen.getByRole('img', { name: /Members over time\. From 30 members on .* to 42 on/ })).toBeTruthy();
    const members = screen.getByRole('table', { name: 'Members over time' });
    expect(within(members).getAllByRole('row').length).toBe(4);
    expect(within(members).getAllByRole('row')[2].textContent).toContain('40');
    const activity = screen.getByRole('table', { name: 'Threads, comments and reactions per day' });
    expect(within(activity).getAllByRole('row')[1].textContent).toMatch(/2.*7.*12/);
    const byInstance = screen.getByRole('table', { name: 'Members by instance' });
    expect(within(byInstance).getByText('guild.test (this instance)')).toBeTruthy();
    expect(within(byInstance).getByText('b.example').closest('tr')!.textContent).toContain('12');
    expect(screen.getByRole('link', { name: 'Who owns the VPN?' }).getAttribute('href')).toBe('/threads/t9');
    expect(screen.getByRole('table', { name: '310 reactions in total' }).textContent).toContain('🎉');
    fireEvent.change(screen.getByLabelText('Period'), { target: { value: '90' } });
    await waitFor(() => expect(asked).toEqual(['/api/guildhall/v1/communities/c1/insights?days=30', '/api/guildhall/v1/communities/c1/insights?days=90']));
  });

  it('lists the communities I manage', async () => {
    const fetch = routeFetch({
      '/api/guildhall/v1/communities?membership=managed': () => jsonResponse([managed]),
    });
    renderWith(<ManageHome />, { fetch });
    const list = await screen.findByRole('list', { name: 'Your communities' });
    expect(within(list).getByRole('link', { name: 'Platform engineering' }).getAttribute('href')).toBe('/communities/platform/manage');
    expect(within(list).getByRole('link', { name: 'Join requests' }).getAttribute('href')).toBe('/communities/platform/manage/requests');
  });
});
