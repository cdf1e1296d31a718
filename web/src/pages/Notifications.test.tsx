import { cleanup, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createLive, type SocketFactory } from '../live';
import { jsonResponse, renderWith, routeFetch, session } from '../test-support';
import { isNewer, Notifications } from './Notifications';

afterEach(cleanup);

const now = new Date('2026-03-01T12:00:00Z');
const bob = { ...session.account, id: '2', username: 'bob', acct: 'bob@b.example', display_name: 'Bob' };
const note = (id: string, type: string, extra = {}) => ({
  id,
  type,
  created_at: '2026-03-01T11:00:00.000Z',
  account: bob,
  status: null,
  ...extra,
});
const status = { id: 's1', content: '<p>Use a <strong>shared</strong> remote.</p>' };
// Guildhall's own types, which a stream gets only when it names them.
const ownTypes = '&types[]=guildhall.join_approved&types[]=guildhall.join_rejected&types[]=guildhall.moderator_added&types[]=guildhall.banned&types[]=guildhall.report';
const guild = { ...bob, id: '9', username: 'rust_guild', acct: 'rust_guild@a.example', display_name: 'Rust Guild', group: true };
const report = { id: '77', action_taken: false, comment: 'spam', created_at: '2026-03-01T11:00:00.000Z', status_ids: ['s1'], target_account: bob, community: guild };

// A WebSocket stand-in the test drives.
class FakeSocket {
  static last: FakeSocket;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  close() {}
}

describe('Notifications', () => {
  it('lists notifications, marks those newer than the marker as new, and moves the marker', async () => {
    const saved: unknown[] = [];
    const fetch = routeFetch({
      '/api/v1/notifications': () =>
        jsonResponse([note('30', 'mention', { status }), note('20', 'favourite', { status }), note('10', 'follow')]),
      '/api/v1/markers': (url, init) => {
        if (init?.method === 'POST') {
          saved.push(JSON.parse(String(init.body)));
          return jsonResponse({});
        }
        expect(url).toBe('/api/v1/markers?timeline%5B%5D=notifications');
        return jsonResponse({ notifications: { last_read_id: '20', version: 1, updated_at: now.toISOString() } });
      },
    });
    renderWith(<Notifications now={now} />, { fetch });
    const list = await screen.findByRole('list', { name: 'Notifications' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => i.querySelector('.notification-text')?.textContent)).toEqual([
      'Bob replied to you',
      'Bob liked your post',
      'Bob followed you',
    ]);
    expect(within(items[0]).getByText('New')).toBeTruthy();
    expect(within(items[1]).queryByText('New')).toBeNull();
    expect(within(items[0]).getByRole('link', { name: 'Use a shared remote.' }).getAttribute('href')).toBe('/posts/s1');
    // Which notifications arrive is chosen in the settings.
    expect(screen.getByRole('link', { name: 'Choose which notifications you receive' }).getAttribute('href')).toBe('/settings');
    await waitFor(() => expect(saved).toEqual([{ notifications: { last_read_id: '30' } }]));
  });

  it('shows new notifications as they stream in', async () => {
    let calls = 0;
    const fetch = routeFetch({
      '/api/v1/notifications': () =>
        jsonResponse(++calls === 1 ? [note('10', 'follow')] : [note('11', 'favourite', { status }), note('10', 'follow')]),
      '/api/v1/markers': () => jsonResponse({}),
    });
    const live = createLive(((url: string) => new FakeSocket(url)) as unknown as SocketFactory, 'http://guild.test');
    expect(FakeSocket.last.url).toBe(`ws://guild.test/api/v1/streaming?stream=user${ownTypes}`);
    FakeSocket.last.onopen!();
    expect(live.mode).toBe('streaming');
    renderWith(<Notifications now={now} />, { fetch, live, locale: 'de' });
    await screen.findByText('Bob folgt Ihnen jetzt');
    FakeSocket.last.onmessage!({ data: JSON.stringify({ event: 'notification', payload: JSON.stringify(note('11', 'favourite')) }) });
    expect(await screen.findByText('Bob gefällt Ihr Beitrag')).toBeTruthy();
    live.close();
  });

  it('asks for Guildhall’s own types and links join decisions and reports to where they are handled', async () => {
    const asked: string[] = [];
    const fetch = routeFetch({
      '/api/v1/notifications': (url) => {
        asked.push(url);
        return jsonResponse([
          note('40', 'guildhall.join_approved', { account: guild }),
          note('39', 'guildhall.join_rejected', { account: guild }),
          note('38', 'guildhall.report', { report }),
          note('37', 'admin.report', { report }),
        ]);
      },
      '/api/v1/markers': () => jsonResponse({}),
    });
    renderWith(<Notifications now={now} />, { fetch });
    const list = await screen.findByRole('list', { name: 'Notifications' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => i.querySelector('.notification-text')?.textContent)).toEqual([
      'Your request to join Rust Guild was approved',
      'Your request to join Rust Guild was declined',
      'Bob reported a post in Rust Guild',
      'Bob filed a report',
    ]);
    const href = (i: number) => within(items[i]).getByRole('link').getAttribute('href');
    expect(within(items[0]).getByRole('link', { name: 'Go to Rust Guild' }).getAttribute('href')).toBe(
      '/communities/rust_guild%40a.example',
    );
    expect(href(2)).toBe('/communities/rust_guild%40a.example/manage/reports');
    expect(href(3)).toBe('/admin/reports');
    const query = new URL(asked[0], 'http://x').searchParams.getAll('types[]');
    expect(query).toContain('guildhall.join_approved');
    expect(query).toContain('guildhall.report');
    expect(query).toContain('mention');
  });

  it('says it in German, formally', async () => {
    const fetch = routeFetch({
      '/api/v1/notifications': () => jsonResponse([note('40', 'guildhall.join_approved', { account: guild })]),
      '/api/v1/markers': () => jsonResponse({}),
    });
    renderWith(<Notifications now={now} />, { fetch, locale: 'de' });
    expect(await screen.findByText('Ihre Beitrittsanfrage für Rust Guild wurde angenommen')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Zu Rust Guild' })).toBeTruthy();
  });

  it('compares snowflake ids of any length', () => {
    expect(isNewer('100', '99')).toBe(true);
    expect(isNewer('99', '100')).toBe(false);
    expect(isNewer('7391022347255809', '7391022347255808')).toBe(true);
    expect(isNewer('5', null)).toBe(true);
  });
});

describe('live updates', () => {
  it('falls back to refresh-on-focus when the stream never opens, and stops retrying', () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const live = createLive(((url: string) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    }) as unknown as SocketFactory, 'https://guild.test');
    expect(sockets[0].url).toBe(`wss://guild.test/api/v1/streaming?stream=user${ownTypes}`);
    const modes: string[] = [];
    live.onModeChange((m) => modes.push(m));
    sockets[0].onclose!();
    vi.runOnlyPendingTimers();
    sockets[1].onclose!();
    vi.runOnlyPendingTimers();
    sockets[2].onclose!();
    vi.runOnlyPendingTimers();
    expect(sockets.length).toBe(3);
    expect(live.mode).toBe('focus');
    expect(modes).toEqual(['focus']);
    live.close();
    vi.useRealTimers();
  });
});
