import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';

import { comment, community, person, reactions, thread } from '../test-fixtures';
import { jsonResponse, renderWith, routeFetch, session } from '../test-support';
import { ThreadPage } from './ThreadPage';

afterEach(cleanup);

const now = new Date('2026-03-01T12:00:00Z');
const alice = person('alice', { id: session.account.id, display_name: 'Alice' });
const member = community({ me: { membership: 'member', role: 'member', can_post: true, can_manage: false, ban: null } });

function question(extra = {}) {
  return {
    ...thread('t1', 'How do we cache Conan?', {
      author: alice,
      question: true,
      accepted_answer_id: 'k2',
      comment_count: 3,
      read: { unread: true, new_comments: 3 },
      attachments: [
        { id: 'm1', url: 'http://guild.test/media/graph.png', preview_url: 'http://guild.test/media/graph-small.png', media_type: 'image/png', description: 'build graph', width: 800, height: 600, blurhash: null },
        { id: null, url: 'http://guild.test/media/log.txt', preview_url: null, media_type: 'text/plain', description: null, width: null, height: null, blurhash: null },
      ],
      reactions: reactions({ likes: 2, score: 2, emoji: [{ emoji: '🎉', count: 1, me: false }] }),
    }),
    comments: [
      comment('k1', 'Try a shared remote.', {
        replies: [comment('k3', 'Which one?', { parent_id: 'k1', author: alice })],
      }),
      comment('k2', 'Use Artifactory.', { accepted: true, author: person('dave'), edited_at: '2026-03-01T11:40:00.000Z' }),
    ],
    ...extra,
  };
}

function server(extra: Record<string, (url: string, init?: RequestInit) => Response> = {}) {
  const calls: { method: string; url: string; body: unknown }[] = [];
  const record = (answer: (url: string, init?: RequestInit) => Response) => (url: string, init?: RequestInit) => {
    calls.push({ method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    return answer(url, init);
  };
  const fetch = routeFetch({
    '/api/guildhall/v1/threads/t1/read': record(() => jsonResponse({ read_at: now.toISOString() })),
    '/api/guildhall/v1/threads/t1': () => jsonResponse(question()),
    '/api/guildhall/v1/communities/c1': () => jsonResponse(member),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, record(v)])),
  });
  return { fetch, calls };
}

describe('ThreadPage', () => {
  it('shows the thread, the comment tree and the accepted answer, and marks it read', async () => {
    const { fetch, calls } = server();
    renderWith(<ThreadPage id="t1" now={now} />, { fetch });
    expect(await screen.findByRole('heading', { level: 1, name: 'How do we cache Conan?' })).toBeTruthy();
    expect(screen.getByText('Body of How do we cache Conan?')).toBeTruthy();
    expect(screen.getByText('Answered')).toBeTruthy();
    const attachments = screen.getByRole('list', { name: 'Attachments' });
    // The preview is shown, linking to the full image.
    const image = within(attachments).getByRole('img', { name: 'build graph' });
    expect(image.getAttribute('src')).toBe('http://guild.test/media/graph-small.png');
    expect(image.closest('a')?.getAttribute('href')).toBe('http://guild.test/media/graph.png');
    expect(within(attachments).getByRole('link', { name: 'log.txt' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: '3 comments' })).toBeTruthy();
    const accepted = screen.getByRole('article', { name: 'Comment by Dave – Accepted answer' });
    expect(accepted.className).toContain('accepted');
    expect(within(accepted).getByText('Use Artifactory.')).toBeTruthy();
    // The reply sits inside the comment it answers.
    const first = screen.getByRole('article', { name: 'Comment by Carol' });
    expect(within(first).getByText('Which one?')).toBeTruthy();
    await waitFor(() => expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['POST /api/guildhall/v1/threads/t1/read']));
  });

  it('likes and reacts with an emoji', async () => {
    const { fetch, calls } = server({
      '/api/guildhall/v1/posts/t1/reactions': (_url, init) =>
        init?.method === 'POST'
          ? jsonResponse(
              JSON.parse(String(init.body)).kind === 'like'
                ? reactions({ likes: 3, score: 3, my_vote: 'like', emoji: [{ emoji: '🎉', count: 1, me: false }] })
                : reactions({ likes: 3, score: 3, my_vote: 'like', emoji: [{ emoji: '🎉', count: 1, me: false }, { emoji: '🚀', count: 1, me: true }] }),
            )
          : jsonResponse(reactions({ likes: 2, score: 2, emoji: [{ emoji: '🎉', count: 1, me: false }, { emoji: '🚀', count: 1, me: true }] })),
    });
    renderWith(<ThreadPage id="t1" now={now} />, { fetch });
    const bar = await screen.findByRole('group', { name: 'Reactions to How do we cache Conan?' });
    const like = within(bar).getByRole('button', { name: /Like/ });
    expect(like.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(like);
    await waitFor(() => expect(within(bar).getByRole('button', { name: /Liked/ }).getAttribute('aria-pressed')).toBe('true'));
    expect(within(bar).getByText('(3)')).toBeTruthy();
    fireEvent.click(within(bar).getByRole('button', { name: 'Add reaction' }));
    fireEvent.click(within(bar).getByRole('button', { name: 'React with 🚀' }));
    const rocket = await within(bar).findByRole('button', { name: '🚀: 1 reaction' });
    expect(rocket.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(rocket);
    await waitFor(() => expect(within(bar).getByRole('button', { name: /Like/ }).getAttribute('aria-pressed')).toBe('false'));
    expect(calls.filter((c) => c.url.includes('reactions')).map((c) => `${c.method} ${c.url} ${JSON.stringify(c.body ?? null)}`)).toEqual([
      'POST /api/guildhall/v1/posts/t1/reactions {"kind":"like"}',
      'POST /api/guildhall/v1/posts/t1/reactions {"kind":"emoji","emoji":"🚀"}',
      'DELETE /api/guildhall/v1/posts/t1/reactions?kind=emoji&emoji=%F0%9F%9A%80 null',
    ]);
  });

  it('comments, replies to a comment, and reloads the tree', async () => {
    let version = 0;
    const { fetch, calls } = server({
      '/api/guildhall/v1/posts/t1/comments': () => jsonResponse(comment('k9', 'Thanks!')),
      '/api/guildhall/v1/posts/k1/comments': () => jsonResponse(comment('k8', 'JFrog')),
      '/api/guildhall/v1/threads/t1': () => jsonResponse(question(++version > 1 ? { comment_count: 3 + version - 1 } : {})),
    });
    renderWith(<ThreadPage id="t1" now={now} />, { fetch });
    fireEvent.input(await screen.findByLabelText('Your comment'), { target: { value: 'Thanks!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('heading', { level: 2, name: '4 comments' })).toBeTruthy();
    const first = screen.getByRole('article', { name: 'Comment by Carol' });
    fireEvent.click(within(first).getAllByRole('button', { name: 'Reply' })[0]);
    fireEvent.input(within(first).getByLabelText('Reply to Carol'), { target: { value: 'JFrog' } });
    fireEvent.click(within(first).getByRole('button', { name: 'Send' }));
    expect(await screen.findByRole('heading', { level: 2, name: '5 comments' })).toBeTruthy();
    expect(calls.filter((c) => c.url.endsWith('/comments')).map((c) => [c.url, c.body])).toEqual([
      ['/api/guildhall/v1/posts/t1/comments', { body: 'Thanks!' }],
      ['/api/guildhall/v1/posts/k1/comments', { body: 'JFrog' }],
    ]);
  });

  it('edits my own post, shows the edit history, deletes, and reports someone else’s', async () => {
    const { fetch, calls } = server({
      '/api/guildhall/v1/posts/k3/history': () => jsonResponse([]),
      '/api/guildhall/v1/posts/k2/history': () =>
        jsonResponse([
          { body: 'Use Nexus.', body_html: '<p>Use Nexus.</p>', edited_at: '2026-03-01T11:30:00.000Z', current: false },
          { body: 'Use Artifactory.', body_html: '<p>Use Artifactory.</p>', edited_at: '2026-03-01T11:40:00.000Z', current: true },
        ]),
      '/api/guildhall/v1/posts/k3': (_u, init) => jsonResponse(init?.method === 'DELETE' ? {} : comment('k3', 'Which remote?')),
      '/api/guildhall/v1/posts/k2/report': () => jsonResponse({}),
    });
    renderWith(<ThreadPage id="t1" now={now} />, { fetch });
    const mine = await screen.findByRole('group', { name: 'Actions for Comment by Alice' });
    expect(within(mine).queryByRole('button', { name: 'Report' })).toBeNull();
    fireEvent.click(within(mine).getByRole('button', { name: 'Edit' }));
    const text = screen.getByLabelText('Text') as HTMLTextAreaElement;
    expect(text.value).toBe('Which one?');
    fireEvent.input(text, { target: { value: 'Which remote?' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));

    const theirs = screen.getByRole('group', { name: 'Actions for Comment by Dave' });
    expect(within(theirs).queryByRole('button', { name: 'Edit' })).toBeNull();
    fireEvent.click(within(theirs).getByRole('button', { name: 'Edit history' }));
    const history = await screen.findByRole('region', { name: 'Edit history' });
    expect(within(history).getByText('Use Nexus.')).toBeTruthy();
    expect(within(history).getByText(/current version/)).toBeTruthy();

    fireEvent.click(within(theirs).getByRole('button', { name: 'Report' }));
    fireEvent.click(screen.getByRole('button', { name: 'Send report' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Please give a reason.');
    fireEvent.input(screen.getByLabelText('Why are you reporting this?'), { target: { value: 'off topic' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send report' }));
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/report'))).toBe(true));

    fireEvent.click(within(screen.getByRole('group', { name: 'Actions for Comment by Alice' })).getByRole('button', { name: 'Delete' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/guildhall/v1/posts/k3')).toBe(true));
    expect(calls.filter((c) => c.method !== 'GET' && !c.url.endsWith('/read')).map((c) => [c.method, c.url, c.body])).toEqual([
      ['PATCH', '/api/guildhall/v1/posts/k3', { body: 'Which remote?' }],
      ['POST', '/api/guildhall/v1/posts/k2/report', { reason: 'off topic' }],
      ['DELETE', '/api/guildhall/v1/posts/k3', undefined],
    ]);
  });

  it('lets managers pin, lock and remove, and tells non-members how to comment', async () => {
    const manager = community({ me: { membership: 'member', role: 'moderator', can_post: true, can_manage: true, ban: null } });
    const { fetch, calls } = server({
      '/api/guildhall/v1/communities/c1': () => jsonResponse(manager),
      '/api/guildhall/v1/posts/t1/pin': () => jsonResponse(thread('t1', 'x', { pinned: true })),
      '/api/guildhall/v1/posts/t1/lock': () => jsonResponse(thread('t1', 'x', { locked: true })),
    });
    renderWith(<ThreadPage id="t1" now={now} />, { fetch });
    const tools = await screen.findByRole('group', { name: 'Actions for How do we cache Conan?' });
    fireEvent.click(within(tools).getByRole('button', { name: 'Pin' }));
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/pin'))).toBe(true));
    fireEvent.click(within(tools).getByRole('button', { name: 'Lock' }));
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/lock'))).toBe(true));
    cleanup();

    const outsider = community();
    const second = server({ '/api/guildhall/v1/communities/c1': () => jsonResponse(outsider) });
    renderWith(<ThreadPage id="t1" now={now} />, { fetch: second.fetch, locale: 'de' });
    expect(await screen.findByText('Treten Sie der Community bei, um zu kommentieren.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Anheften' })).toBeNull();
  });
  it('votes in a poll, then shows the results with my choice, in German numbers', async () => {
    const poll = { options: [{ name: 'Pizza', votes: 3 }, { name: 'Salat', votes: 1 }], multiple: false, ends_at: '2026-03-02T12:00:00.000Z', expired: false, voters_count: 4, my_choices: [] };
    const voted = { ...poll, options: [{ name: 'Pizza', votes: 3 }, { name: 'Salat', votes: 2 }], voters_count: 5, my_choices: ['Salat'] };
    const lunch = { ...thread('t1', 'Lunch?', { poll }), comments: [] };
    const { fetch, calls } = server({
      '/api/guildhall/v1/threads/t1': () => jsonResponse(lunch),
      '/api/guildhall/v1/posts/t1/votes': () => jsonResponse(thread('t1', 'Lunch?', { poll: voted })),
    });
    renderWith(<ThreadPage id="t1" now={now} />, { fetch, locale: 'de' });
    expect(await screen.findByRole('heading', { level: 2, name: 'Umfrage' })).toBeTruthy();
    expect(screen.getByText(/Eine Antwort · Endet/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Abstimmen' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Bitte wählen Sie zuerst eine Antwort.');
    fireEvent.click(screen.getByLabelText('Salat'));
    fireEvent.click(screen.getByRole('button', { name: 'Abstimmen' }));
    const results = await screen.findByRole('list', { name: 'Ergebnis' });
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ choices: ['Salat'] }]);
    const items = within(results).getAllByRole('listitem').map((li) => li.textContent?.replace(/\s+/g, ' '));
    expect(items).toEqual(['Pizza3 Stimmen · 60 %', 'Salat✓ Ihre Stimme2 Stimmen · 40 %']);
    expect(screen.getByText('5 Personen haben abgestimmt')).toBeTruthy();
    // The keyboard continues from the poll's heading, not from a button that is gone.
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Umfrage' }));
    expect(screen.queryByRole('button', { name: 'Abstimmen' })).toBeNull();
  });

  it('answers an event and withdraws the answer', async () => {
    const event = { starts_at: '2026-03-05T17:00:00.000Z', ends_at: null, location_name: 'Main hall', location_address: 'Hafenstraße 1, Hamburg', rsvps: { going: 2, maybe: 0, not_going: 1 }, my_rsvp: null };
    const meetup = { ...thread('t1', 'Rust meetup', { event }), comments: [] };
    const { fetch, calls } = server({
      '/api/guildhall/v1/threads/t1': () => jsonResponse(meetup),
      '/api/guildhall/v1/posts/t1/rsvp': (_url, init) =>
        jsonResponse(
          thread('t1', 'Rust meetup', {
            event: init?.method === 'POST' ? { ...event, rsvps: { going: 3, maybe: 0, not_going: 1 }, my_rsvp: 'going' } : event,
          }),
        ),
    });
    renderWith(<ThreadPage id="t1" now={now} />, { fetch });
    expect(await screen.findByRole('heading', { level: 2, name: 'Event' })).toBeTruthy();
    expect(screen.getByText('Main hall')).toBeTruthy();
    expect(screen.getByText('2 going · 0 maybe · 1 not going')).toBeTruthy();
    const answers = screen.getByRole('group', { name: 'Will you come?' });
    fireEvent.click(within(answers).getByRole('button', { name: 'Going' }));
    await screen.findByText('3 going · 0 maybe · 1 not going');
    expect(within(answers).getByRole('button', { name: 'Going' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(within(answers).getByRole('button', { name: 'Going' }));
    await screen.findByText('2 going · 0 maybe · 1 not going');
    expect(calls.filter((c) => c.url.endsWith('/rsvp')).map((c) => `${c.method} ${JSON.stringify(c.body ?? null)}`)).toEqual([
      'POST {"status":"going"}',
      'DELETE null',
    ]);
  });
});
