// Every page of the app in a real browser with its API answered inside the browser (fixed data in
// the documented shapes, docs/api.md): rendering under the real server's CSP, axe-core WCAG 2.1
// A/AA on each page, English and German, a phone viewport without horizontal scrolling, and
// screenshots for review. The scenario against real servers is in scenario.test.mjs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { expectAccessible, launchBrowser, noHorizontalScroll, openPage, shot, startServer } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const minutesAgo = (m) => new Date(Date.now() - m * 60_000).toISOString();
const person = (handle, extra = {}) => ({
  id: `p-${handle}`, handle, acct: handle, display_name: handle[0].toUpperCase() + handle.slice(1),
  url: `http://guild.test/@${handle}`, avatar: null, local: true, host: 'guild.test', ...extra,
});
const account = {
  id: 'p-alice', username: 'alice', acct: 'alice', display_name: 'Alice Example', locked: false, bot: false,
  group: false, created_at: '2026-01-01T00:00:00.000Z', note: '', url: 'http://guild.test/@alice',
  avatar: '/favicon.svg', avatar_static: '/favicon.svg', header: '', followers_count: 0, following_count: 0,
  statuses_count: 0, emojis: [], fields: [],
};
const reactions = (extra = {}) => ({ likes: 0, dislikes: 0, score: 0, emoji: [], my_vote: null, ...extra });
const community = {
  id: 'c1', handle: 'rust_guild', acct: 'rust_guild', local: true, host: 'guild.test',
  url: 'http://guild.test/c/rust_guild', ap_id: 'http://guild.test/c/rust_guild', title: 'Rust Guild',
  description: 'Rust at **work**: embedded, services, tooling.',
  description_html: '<p>Rust at <strong>work</strong>: embedded, services, tooling.</p>',
  rules: ['Be kind and assume good intent', 'No customer data in posts', 'Mark questions as questions'],
  welcome: 'Welcome, Rustacean!', welcome_html: '<p>Welcome, Rustacean! Read the pinned intro first.</p>',
  visibility: 'public', join_policy: 'approval', posting_policy: 'members', languages: ['en', 'de'], icon: null,
  member_count: 42, created_at: '2026-01-01T00:00:00.000Z',
  me: { membership: 'member', role: 'owner', can_post: true, can_manage: true, ban: null },
  managers: [
    { role: 'owner', person: person('alice', { display_name: 'Alice Example' }) },
    { role: 'moderator', person: person('max', { acct: 'max@b.example', local: false, host: 'b.example' }) },
  ],
};
const remote = {
  ...community, id: 'c2', handle: 'platform', acct: 'platform@b.example', local: false, host: 'b.example',
  title: 'Platform engineering', description: 'CI, builds and the developer platform of Company B.',
  member_count: 118, languages: [], join_policy: 'open', managers: undefined,
  me: { membership: 'none', role: null, can_post: false, can_manage: false, ban: null },
};
const ref = { id: 'c1', handle: 'rust_guild', acct: 'rust_guild', title: 'Rust Guild', icon: null, local: true };
const thread = (id, title, extra = {}) => ({
  id, ap_id: `http://guild.test/post/${id}`, url: `http://guild.test/post/${id}`, community: ref,
  author: person('bob'), title, body: 'x', body_html: '<p>We build every package twice. How do you share a Conan cache between CI runners?</p>',
  language: 'en', summary: null, sensitive: false, attachments: [], question: false, accepted_answer_id: null,
  pinned: false, locked: false, removed: false, deleted: false, published_at: minutesAgo(90), edited_at: null,
  last_activity_at: minutesAgo(10), comment_count: 2, reactions: reactions({ likes: 4, score: 4 }),
  read: { unread: false, new_comments: 0 }, poll: null, event: null, ...extra,
});
const comment = (id, body, extra = {}) => ({
  id, ap_id: `http://guild.test/post/${id}`, thread_id: 't1', parent_id: 't1', author: person('carol'),
  body, body_html: `<p>${body}</p>`, language: 'en', published_at: minutesAgo(30), edited_at: null, deleted: false,
  removed: false, accepted: false, reactions: reactions(), replies: [], ...extra,
});
const days = [...Array(30)].map((_, i) => new Date(Date.now() - (29 - i) * 86_400_000).toISOString().slice(0, 10));
const insights = {
  community_id: 'c1', from: days[0], to: days[29],
  members: { total: 42, series: days.map((date, i) => ({ date, total: 12 + i, joined: i % 3 === 0 ? 2 : 1 })) },
  active_members: { day: 4, week: 11, month: 25 },
  activity: days.map((date, i) => ({ date, threads: i % 4, comments: (i * 7) % 9, reactions: (i * 5) % 11 })),
  reactions: { total: 310, likes: 250, dislikes: 10, emoji: [{ emoji: '🎉', count: 50 }] },
  questions: { total: 12, answered: 9, accepted: 5, unanswered: 3, median_seconds_to_first_answer: 5400,
    unanswered_threads: [{ id: 't9', title: 'Who owns the VPN certificates?', published_at: minutesAgo(3000) }] },
  members_by_instance: [{ host: 'guild.test', local: true, members: 30 }, { host: 'b.example', local: false, members: 12 }],
};

async function stubApi(page) {
  const json = (body, headers = {}) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body), headers });
  await page.route('**/web/session', (r) => r.fulfill(json({ account, csrf_token: 't', roles: { admin: true, manager: true } })));
  // The session above is made up, so the real stream would refuse it: no streaming here
  // (scenario.test.mjs streams for real).
  await page.route('**/api/v1/streaming/health', (r) => r.fulfill({ status: 404, contentType: 'application/json', body: '{"error":"Record not found"}' }));
  await page.route('**/api/v1/notifications/unread_count?**', (r) => r.fulfill(json({ count: 2 })));
  await page.route('**/api/v1/markers**', (r) => r.fulfill(json({})));
  await page.route('**/api/v1/notifications?**', (r) =>
    r.fulfill(json([
      { id: '4', type: 'guildhall.join_approved', created_at: minutesAgo(2), account: { ...account, id: 'c1', username: 'rust_guild', acct: 'rust_guild', display_name: 'Rust Guild', group: true } },
      { id: '3', type: 'mention', created_at: minutesAgo(5), account: { ...account, display_name: 'Carol' }, status: { id: 't1', content: '<p>Try a shared remote.</p>' } },
      { id: '2', type: 'favourite', created_at: minutesAgo(50), account: { ...account, display_name: 'Bob' }, status: { id: 't1', content: '<p>How do we cache Conan?</p>' } },
    ])));
  await page.route(/\/api\/guildhall\/v1\/(home|communities\/c1\/threads)/, (r) =>
    r.fulfill(json([
      thread('t0', 'Read this first: how this guild works', { pinned: true }),
      thread('t1', 'How do we cache Conan packages?', { question: true, read: { unread: true, new_comments: 2 } }),
      thread('t2', 'Async traits in embedded code', { read: { unread: true, new_comments: 0 }, comment_count: 0 }),
    ])));
  await page.route('**/api/guildhall/v1/communities?**', (r) => r.fulfill(json([community, remote])));
  await page.route('**/api/guildhall/v1/communities/resolve?**', (r) => r.fulfill(json(community)));
  // The admin API (docs/api.md, "Admin API").
  const adminAccount = (id, username, extra = {}) => ({
    id, username, domain: null, created_at: '2026-01-01T00:00:00.000Z', email: `${username}@acme.example`,
    role: { name: '' }, disabled: false, silenced: false, suspended: false,
    account: { ...account, id, username, acct: username, display_name: username[0].toUpperCase() + username.slice(1) }, ...extra,
  });
  await page.route('**/api/v2/admin/accounts?**', (r) =>
    r.fulfill(json([adminAccount('p-alice', 'alice', { role: { name: 'Admin' } }), adminAccount('p-carol', 'carol'),
      adminAccount('p-mallory', 'mallory', { suspended: true })])));
  await page.route('**/api/guildhall/v1/admin/instance', (r) =>
    r.fulfill(json({ title: 'Acme Guildhall', description: 'Where the teams of Acme meet.', contact_email: 'it@acme.example',
      registrations: 'closed', federation_mode: 'allowlist', updated_at: minutesAgo(60) })));
  await page.route('**/api/v1/admin/domain_allows?**', (r) =>
    r.fulfill(json([{ id: 'i1', domain: 'partner.example', created_at: minutesAgo(600) }])));
  await page.route('**/api/v1/admin/domain_blocks?**', (r) => r.fulfill(json([])));
  await page.route('**/api/guildhall/v1/admin/instances?**', (r) =>
    r.fulfill(json([
      { id: 'i1', domain: 'partner.example', software: 'guildhall', version: '0.4.0', policy: 'allow', allowed: true, first_seen_at: minutesAgo(900) },
      { id: 'i2', domain: 'b.example', software: 'mastodon', version: '4.3.2', policy: 'none', allowed: false, first_seen_at: minutesAgo(800) },
    ])));
  await page.route('**/api/v1/admin/reports?**', (r) =>
    r.fulfill(json([{
      id: 'r1', action_taken: false, action_taken_at: null, comment: 'Customer data in a screenshot', forwarded: true,
      created_at: minutesAgo(40), account: adminAccount('p-dave', 'dave'), target_account: adminAccount('p-bob', 'bob'),
      assigned_account: null, action_taken_by_account: null, statuses: [], community: person('rust_guild', { display_name: 'Rust Guild' }),
    }])));
  await page.route('**/api/guildhall/v1/communities/c1', (r) => r.fulfill(json(community)));
  await page.route('**/api/guildhall/v1/communities/c1/insights?**', (r) => r.fulfill(json(insights)));
  await page.route('**/api/guildhall/v1/communities/c1/requests?**', (r) =>
    r.fulfill(json([{ person: person('erin', { acct: 'erin@b.example', local: false, host: 'b.example' }), role: 'member', state: 'pending', since: minutesAgo(20), ban: null }])));
  await page.route('**/api/guildhall/v1/communities/c1/members?**', (r) =>
    r.fulfill(json([
      { person: person('alice', { display_name: 'Alice Example' }), role: 'owner', state: 'accepted', since: minutesAgo(9000), ban: null },
      { person: person('max', { acct: 'max@b.example', local: false, host: 'b.example' }), role: 'moderator', state: 'accepted', since: minutesAgo(5000), ban: null },
      { person: person('carol'), role: 'member', state: 'accepted', since: minutesAgo(300), ban: null },
    ])));
  await page.route('**/api/guildhall/v1/communities/c1/bans?**', (r) =>
    r.fulfill(json([{ person: person('mallory'), role: 'member', state: 'banned', since: minutesAgo(600), ban: { reason: 'Spam links', expires_at: null } }])));
  await page.route('**/api/guildhall/v1/communities/c1/reports?**', (r) =>
    r.fulfill(json([{
      id: 'r2', community_id: 'c1', reporter: person('dave'), person: null, reason: 'Customer data in a screenshot',
      post: { id: 't2', thread_id: 't2', title: 'Async traits in embedded code', excerpt: '', author: person('bob') },
      created_at: minutesAgo(40), resolved_at: null, resolved_by: null,
    }])));
  await page.route('**/api/guildhall/v1/communities/c1/modlog?**', (r) =>
    r.fulfill(json([{ id: 'm1', action: 'ban', moderator: person('alice', { display_name: 'Alice Example' }), person: person('mallory'),
      post_id: null, reason: 'Spam links', expires_at: null, created_at: minutesAgo(600) }])));
  await page.route('**/api/guildhall/v1/account/notification_preferences', (r) =>
    r.fulfill(json({ mention: true, reply: true, reaction: false, boost: true, follow: true })));
  await page.route('**/api/guildhall/v1/threads/t5', (r) =>
    r.fulfill(json({
      ...thread('t5', 'Team lunch on Friday?', {
        poll: { options: [{ name: 'Pizza', votes: 7 }, { name: 'Salad bar', votes: 4 }, { name: 'The Thai place around the corner', votes: 1 }],
          multiple: false, ends_at: new Date(Date.now() + 86_400_000).toISOString(), expired: false, voters_count: 12, my_choices: ['Pizza'] },
      }),
      comments: [],
    })));
  await page.route('**/api/guildhall/v1/threads/t6', (r) =>
    r.fulfill(json({
      ...thread('t6', 'Rust meetup in Hamburg', {
        event: { starts_at: new Date(Date.now() + 7 * 86_400_000).toISOString(), ends_at: new Date(Date.now() + 7 * 86_400_000 + 3 * 3_600_000).toISOString(),
          location_name: 'Main hall', location_address: 'Hafenstraße 1, 20359 Hamburg', rsvps: { going: 12, maybe: 3, not_going: 1 }, my_rsvp: 'going' },
      }),
      comments: [],
    })));
  await page.route('**/api/guildhall/v1/threads/t1/read', (r) => r.fulfill(json({ read_at: new Date().toISOString() })));
  await page.route('**/api/guildhall/v1/threads/t1', (r) =>
    r.fulfill(json({
      ...thread('t1', 'How do we cache Conan packages?', {
        author: person('alice', { id: 'p-alice', display_name: 'Alice Example' }), question: true, accepted_answer_id: 'k2',
        // Had the server's sanitizer let an inline handler through, the page's CSP still refuses it.
        body_html: '<p>We build every package twice.</p><img src="x" onerror="window.pwned = 1" alt="">',
        reactions: reactions({ likes: 4, score: 4, my_vote: 'like', emoji: [{ emoji: '🎉', count: 2, me: false }] }),
      }),
      comments: [
        comment('k1', 'Try a shared remote on the build cluster.', { replies: [comment('k3', 'Which one do you use?', { parent_id: 'k1', author: person('alice', { id: 'p-alice', display_name: 'Alice Example' }) })] }),
        comment('k2', 'We use Artifactory with one virtual repo per team.', { accepted: true, author: person('dave', { acct: 'dave@b.example', local: false, host: 'b.example' }), edited_at: minutesAgo(20) }),
      ],
    })));
}

const pages = [
  { path: '/', heading: { en: 'Home', de: 'Startseite' }, name: 'home', ready: 'How do we cache Conan packages?' },
  { path: '/communities', heading: { en: 'Communities', de: 'Communitys' }, name: 'directory', ready: 'Platform engineering' },
  { path: '/communities/rust_guild', heading: { en: 'Rust Guild', de: 'Rust Guild' }, name: 'community', ready: 'Read this first: how this guild works' },
  { path: '/communities/rust_guild/new', heading: { en: 'New thread in Rust Guild', de: 'Neuer Thread in Rust Guild' }, name: 'composer' },
  { path: '/threads/t1', heading: { en: 'How do we cache Conan packages?', de: 'How do we cache Conan packages?' }, name: 'thread', ready: 'We use Artifactory with one virtual repo per team.' },
  { path: '/communities/rust_guild/manage/requests', heading: { en: 'Manage Rust Guild', de: 'Rust Guild verwalten' }, name: 'manage-requests', ready: 'Erin' },
  { path: '/communities/rust_guild/manage/members', heading: { en: 'Manage Rust Guild', de: 'Rust Guild verwalten' }, name: 'manage-members', ready: 'Carol' },
  { path: '/communities/rust_guild/manage/bans', heading: { en: 'Manage Rust Guild', de: 'Rust Guild verwalten' }, name: 'manage-bans', ready: 'Mallory' },
  { path: '/communities/rust_guild/manage/reports', heading: { en: 'Manage Rust Guild', de: 'Rust Guild verwalten' }, name: 'manage-reports', ready: /Customer data in a screenshot/ },
  { path: '/communities/rust_guild/manage/modlog', heading: { en: 'Manage Rust Guild', de: 'Rust Guild verwalten' }, name: 'manage-modlog', ready: /Spam links/ },
  { path: '/communities/rust_guild/manage/insights', heading: { en: 'Manage Rust Guild', de: 'Rust Guild verwalten' }, name: 'insights', ready: /Median/ },
  { path: '/communities/rust_guild/manage/settings', heading: { en: 'Manage Rust Guild', de: 'Rust Guild verwalten' }, name: 'manage-settings' },
  { path: '/communities/new', heading: { en: 'Create a community', de: 'Community gründen' }, name: 'create' },
  { path: '/admin', heading: { en: 'Administration', de: 'Administration' }, name: 'admin-people', ready: 'Mallory' },
  { path: '/admin/communities', heading: { en: 'Administration', de: 'Administration' }, name: 'admin-communities', ready: 'Platform engineering' },
  { path: '/admin/federation', heading: { en: 'Administration', de: 'Administration' }, name: 'admin-federation', ready: 'mastodon 4.3.2' },
  { path: '/admin/reports', heading: { en: 'Administration', de: 'Administration' }, name: 'admin-reports', ready: /Customer data in a screenshot/ },
  { path: '/admin/settings', heading: { en: 'Administration', de: 'Administration' }, name: 'admin-settings' },
  { path: '/threads/t5', heading: { en: 'Team lunch on Friday?', de: 'Team lunch on Friday?' }, name: 'thread-poll', ready: 'The Thai place around the corner' },
  { path: '/threads/t6', heading: { en: 'Rust meetup in Hamburg', de: 'Rust meetup in Hamburg' }, name: 'thread-event', ready: 'Main hall' },
  { path: '/settings', heading: { en: 'Settings', de: 'Einstellungen' }, name: 'settings', ready: /^(Mentions|Erwähnungen)$/ },
  { path: '/notifications', heading: { en: 'Notifications', de: 'Benachrichtigungen' }, name: 'notifications', ready: 'Try a shared remote.' },
];

describe('the pages of the app (API answered in the browser)', () => {
  for (const lang of ['en', 'de']) {
    it(`renders every page accessibly in ${lang === 'en' ? 'English' : 'German'}, on a desktop and a phone`, async () => {
      const { context, page, problems } = await openPage(browser, { locale: lang === 'en' ? 'en-US' : 'de-DE' });
      await stubApi(page);
      for (const p of pages) {
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(`${server.origin}${p.path}`);
        await page.getByRole('heading', { level: 1, name: p.heading[lang], exact: true }).waitFor();
        if (p.ready) await page.getByText(p.ready).first().waitFor();
        await shot(page, `${p.name}-${lang}`);
        await expectAccessible(page, `${p.name} (${lang})`);
        await page.setViewportSize({ width: 390, height: 844 });
        assert.equal(await noHorizontalScroll(page), 0, `${p.name} (${lang}) fits a phone`);
        if (lang === 'en') await shot(page, `${p.name}-phone`);
      }
      assert.equal(await page.evaluate(() => window.pwned), undefined, 'CSP blocks inline handlers');
      const csp = problems.filter((p) => p.includes('Content Security Policy'));
      assert.ok(csp.length >= 1, 'the refused inline handler is reported');
      assert.deepEqual(problems.filter((p) => !csp.includes(p)), []);
      await context.close();
    });
  }

  it('posts a thread with the keyboard alone', async () => {
    const { context, page, problems } = await openPage(browser, { locale: 'en-US' });
    await stubApi(page);
    const posted = [];
    await page.route('**/api/guildhall/v1/communities/c1/threads', (r) => {
      if (r.request().method() !== 'POST') return r.fallback();
      posted.push(r.request().postDataJSON());
      return r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(thread('t1', 'Typed, not clicked')) });
    });
    // Tab (never the mouse) until `target` has the focus.
    const tabTo = async (target, what) => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        if (await target.evaluate((el) => el === document.activeElement)) return;
      }
      assert.fail(`${what} is not reached with Tab`);
    };
    await page.goto(`${server.origin}/communities/rust_guild`);
    await page.getByText('Read this first: how this guild works').waitFor();
    await tabTo(page.getByRole('link', { name: 'New thread' }), 'the New thread link');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'New thread in Rust Guild' }).waitFor();
    await tabTo(page.getByLabel('Title'), 'the title');
    await page.keyboard.type('Typed, not clicked');
    await tabTo(page.getByLabel('Text'), 'the text');
    await page.keyboard.type('Every step **by keyboard**.');
    await tabTo(page.getByRole('button', { name: 'Post thread' }), 'the Post thread button');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/threads/t1');
    assert.equal(posted.length, 1);
    assert.equal(posted[0].title, 'Typed, not clicked');
    assert.equal(posted[0].body, 'Every step **by keyboard**.');
    // The thread page's made-up body trips the CSP on purpose (the test above); nothing else.
    assert.deepEqual(problems.filter((p) => !p.includes('Content Security Policy')), []);
    await context.close();
  });

  it('previews Markdown and opens the emoji picker with the keyboard', async () => {
    const { context, page } = await openPage(browser, { locale: 'en-US' });
    await stubApi(page);
    await page.goto(`${server.origin}/communities/rust_guild/new`);
    await page.getByLabel('Title').fill('Sharing a Conan cache');
    await page.getByLabel('Text').fill('We build **twice**.\n\n[x](javascript:alert(1)) <img src=x onerror=alert(2)>');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview of Text' });
    assert.equal(await preview.locator('strong').textContent(), 'twice');
    assert.equal(await preview.locator('img').count(), 0, 'raw HTML is shown as text');
    assert.equal(await preview.locator('a[href^="javascript"]').count(), 0, 'script links are dropped');
    await shot(page, 'composer-preview');
    await expectAccessible(page, 'composer preview');
    await page.getByRole('button', { name: 'Write' }).click();
    await page.getByLabel('Poll', { exact: true }).check();
    await page.getByRole('button', { name: 'Add an option' }).click();
    // The new option has the focus (once the app has rendered it).
    await page.waitForFunction(() => document.activeElement?.id === 'poll-option-2', null, { timeout: 5000 });
    await shot(page, 'composer-poll');
    await expectAccessible(page, 'composer with a poll');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await noHorizontalScroll(page), 0, 'the poll composer fits a phone');
    await page.getByLabel('Event', { exact: true }).check();
    await shot(page, 'composer-event-phone');
    assert.equal(await noHorizontalScroll(page), 0, 'the event composer fits a phone');
    await expectAccessible(page, 'composer with an event');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.goto(`${server.origin}/threads/t1`);
    const bar = page.getByRole('group', { name: 'Reactions to How do we cache Conan packages?' });
    await bar.getByRole('button', { name: 'Add reaction' }).focus();
    await page.keyboard.press('Enter');
    await bar.getByRole('button', { name: 'React with 🚀' }).waitFor();
    await expectAccessible(page, 'emoji picker');
    await context.close();
  });
});
