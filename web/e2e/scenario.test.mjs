// The scenario against real servers: two `guildhall serve` instances on loopback (A hosts
// the community, B is another company's instance), each person signed in through the web app's
// own sign-in page (the session cookie), every step done through the UI as a person would.
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { admin, expectAccessible, launchBrowser, openPage, pngFile, shot, startServer } from './support.mjs';

// A free loopback port: instances that federate need their address (= domain) before starting.
function freePort() {
  return new Promise((resolvePromise, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolvePromise(port));
    });
  });
}

async function instance() {
  const host = `127.0.0.1:${await freePort()}`;
  return startServer({
    listen: host,
    domain: host,
    env: { GUILDHALL_FEDERATION_ALLOW_HTTP: 'true', GUILDHALL_FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' },
  });
}

// Waits for `check` to pass, reloading the page between tries: what arrives by federation arrives
// in its own time. Bounded; fails with the last error.
async function eventually(page, check, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await page.reload();
    }
  }
}

const password = 'correct horse battery staple';
let a;
let b;
let browser;

before(async () => {
  [a, b] = await Promise.all([instance(), instance()]);
  await admin(a, ['user', 'create', 'alice', '--password', password]);
  await admin(b, ['user', 'create', 'bob', '--password', password]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});

async function signIn(server, username, locale = 'en-US') {
  const session = await openPage(browser, { locale });
  const { page } = session;
  await page.goto(`${server.origin}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  // The session is an HttpOnly, SameSite=Lax cookie: nothing the page's script can read.
  const cookies = await session.context.cookies();
  const cookie = cookies.find((c) => c.name === 'guildhall_session');
  assert.ok(cookie, 'session cookie set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(await page.evaluate(() => document.cookie.includes('guildhall_session')), false);
  return session;
}

describe('the issue scenario on two real instances', () => {
  let alice;
  let bob;
  const acct = () => `rust_guild@${new URL(a.origin).host}`;

  it('alice signs in on A and creates a community with rules and a welcome message', async () => {
    alice = await signIn(a, 'alice');
    const { page } = alice;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' }).click();
    await page.getByRole('link', { name: 'Create a community' }).click();
    await page.getByLabel('Name (for addresses)').fill('rust_guild');
    await page.getByLabel('Title').fill('Rust Guild');
    await page.getByLabel('Description').fill('Rust at **work**: embedded, services, tooling.');
    await page.getByLabel('Rules').fill('Be kind\nNo customer data in posts');
    await page.getByLabel('Welcome message').fill('Welcome, Rustacean! Read the pinned intro first.');
    await page.getByLabel('Approval', { exact: true }).check();
    await page.getByRole('button', { name: 'Create community' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rust Guild' }).waitFor();
    const rules = page.getByRole('list', { name: 'Rules' });
    assert.deepEqual(await rules.getByRole('listitem').allTextContents(), ['Be kind', 'No customer data in posts']);
    assert.ok(await page.getByText('Welcome, Rustacean!').isVisible(), 'the owner sees the welcome text');
    await shot(page, 'scenario-community');
    await expectAccessible(page, 'community (real server)');
    // Insights before anyone else joins: one member, from this instance.
    await page.getByRole('main').getByRole('link', { name: 'Manage' }).click();
    await page.getByRole('link', { name: 'Insights' }).click();
    const members = page.locator('.tile', { hasText: 'Members' }).locator('dd');
    await members.waitFor();
    assert.equal(await members.textContent(), '1');
    assert.equal(await page.getByRole('table', { name: 'Members by instance' }).getByRole('row').count(), 2);
    // An icon for the community, uploaded in the settings tab (previewed first).
    await page.getByRole('navigation', { name: 'Manager tools' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Choose a new icon').setInputFiles({ name: 'rust.png', mimeType: 'image/png', buffer: pngFile(120, 80) });
    await page.getByRole('img', { name: 'Preview of the chosen image' }).waitFor();
    await page.getByRole('button', { name: 'Upload icon' }).click();
    await page.getByText('Icon updated.').waitFor();
    await page.getByRole('img', { name: "The community's current icon" }).waitFor();
    await shot(page, 'scenario-manage-settings');
    await expectAccessible(page, 'manager settings with the icon (real server)');
    await page.getByRole('link', { name: 'Back to Rust Guild' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rust Guild' }).waitFor();
    assert.match(await page.locator('.community-header img.community-icon').getAttribute('src'), /\/media\//);
  });

  it('alice posts a titled question, comments, reacts', async () => {
    const { page } = alice;
    await page.getByRole('link', { name: 'New thread' }).click();
    await page.getByLabel('Title').fill('How do we cache Conan packages?');
    await page.getByLabel('Text').fill('We build every package **twice**. Ideas?');
    await page.getByLabel('This is a question').check();
    await page.getByRole('button', { name: 'Post thread' }).click();
    await page.getByRole('heading', { level: 1, name: 'How do we cache Conan packages?' }).waitFor();
    assert.equal(await page.locator('.thread strong').textContent(), 'twice');

    await page.getByLabel('Your comment').fill('Starting with a shared remote on the build cluster.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { level: 2, name: '1 comment' }).waitFor();
    await page.getByText('Starting with a shared remote on the build cluster.').waitFor();

    const bar = page.getByRole('group', { name: 'Reactions to How do we cache Conan packages?' });
    await bar.getByRole('button', { name: /^Like/ }).click();
    await bar.getByRole('button', { name: /^Liked/ }).waitFor();
    await bar.getByRole('button', { name: 'Add reaction' }).click();
    await bar.getByRole('button', { name: 'React with 🎉' }).click();
    await bar.getByRole('button', { name: '🎉: 1 reaction' }).waitFor();
    await page.reload();
    await bar.getByRole('button', { name: /^Liked/ }).waitFor();
    assert.equal(await bar.getByRole('button', { name: '🎉: 1 reaction' }).getAttribute('aria-pressed'), 'true');
    await shot(page, 'scenario-thread');
    await expectAccessible(page, 'thread (real server)');
  });

  it('alice switches the UI to German', async () => {
    const { page } = alice;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Language of the app').selectOption('de');
    await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    // Kept with the account: a reload (and any other browser) comes back in German.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Startseite' }).click();
    await page.getByRole('heading', { level: 1, name: 'Startseite' }).waitFor();
    await page.getByText('How do we cache Conan packages?').waitFor();
    await shot(page, 'scenario-home-de');
  });

  it('bob on B joins the remote community by name@host and is pending until alice approves', async () => {
    bob = await signIn(b, 'bob');
    const { page } = bob;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Communities' }).click();
    await page.getByLabel('Community name or name@host').fill(acct());
    await page.getByRole('button', { name: 'Find and join' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rust Guild' }).waitFor();
    await page.getByText(/Waiting for|waiting for a manager/).waitFor();
    // B shows the icon A's Group carries (A's own file).
    assert.ok((await page.locator('.community-header img.community-icon').getAttribute('src')).startsWith(`${a.origin}/media/`));
    await shot(page, 'scenario-remote-pending');

    const admin = alice.page;
    await admin.goto(`${a.origin}/communities/rust_guild/manage/requests`);
    await admin.getByRole('heading', { level: 1, name: 'Rust Guild verwalten' }).waitFor();
    await eventually(admin, () => admin.getByRole('button', { name: /^Bob annehmen$|^bob annehmen$/i }).waitFor({ timeout: 2000 }));
    await shot(admin, 'scenario-join-request-de');
    await admin.getByRole('button', { name: /annehmen/ }).click();
    await admin.getByText('Keine offenen Beitrittsanfragen.').waitFor();

    await eventually(page, () => page.getByRole('button', { name: 'Leave Rust Guild' }).waitFor({ timeout: 2000 }));

    // B turned A's Accept into a notification for bob, linking the community.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Notifications/ }).click();
    await page.getByText('Your request to join Rust Guild was approved').waitFor();
    await page.getByRole('link', { name: 'Go to Rust Guild' }).waitFor();
    await shot(page, 'scenario-join-approved-b');
    await page.getByRole('link', { name: 'Go to Rust Guild' }).click();
    await page.getByRole('heading', { level: 1, name: 'Rust Guild' }).waitFor();
  });

  it('bob posts into the remote community and the post shows on both instances', async () => {
    const { page } = bob;
    await page.getByRole('link', { name: 'New thread' }).click();
    await page.getByLabel('Title').fill('Hello from Company B');
    await page.getByLabel('Text').fill('Our platform team builds with **Bazel**.');
    await page.getByRole('button', { name: 'Post thread' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hello from Company B' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await page.getByRole('link', { name: 'Hello from Company B' }).waitFor();
    await shot(page, 'scenario-home-b');

    const admin = alice.page;
    await admin.goto(`${a.origin}/communities/rust_guild`);
    await eventually(admin, () => admin.getByRole('link', { name: 'Hello from Company B' }).waitFor({ timeout: 2000 }));
    await shot(admin, 'scenario-community-a-de');
  });

  it('bob sees the reply of alice arrive live, without reloading (streaming)', async () => {
    const { page } = bob;
    const unread = () =>
      page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Notifications/ }).evaluate(
        (a) => Number(a.querySelector('.badge [aria-hidden]')?.textContent ?? 0),
      );
    const before = await unread();
    const admin = alice.page;
    await admin.getByRole('link', { name: 'Hello from Company B' }).click();
    await admin.getByLabel('Ihr Kommentar').fill('Welcome, Bob! How do you cache Bazel outputs?');
    await admin.getByRole('button', { name: 'Senden' }).click();
    await admin.getByRole('heading', { level: 2, name: '1 Kommentar' }).waitFor();
    // No reload on B: the stream brings the notification to the open page.
    await page.waitForFunction(
      (n) => Number(document.querySelector('nav .badge [aria-hidden]')?.textContent ?? 0) > n,
      before,
      { timeout: 45_000 },
    );
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Notifications/ }).click();
    await page.getByText('Alice replied to you').or(page.getByText('alice replied to you')).first().waitFor();
    await shot(page, 'scenario-notifications-b');
    await expectAccessible(page, 'notifications (real server)');
  });

  it('the manager sees the insights update (two members, one of them from B)', async () => {
    const admin = alice.page;
    await admin.goto(`${a.origin}/communities/rust_guild/manage/insights`);
    const tile = admin.locator('.tile', { hasText: 'Mitglieder' }).locator('dd');
    await tile.waitFor();
    assert.equal(await tile.textContent(), '2');
    const byInstance = admin.getByRole('table', { name: 'Mitglieder nach Instanz' });
    await byInstance.getByText(new URL(b.origin).host).waitFor();
    assert.equal(await byInstance.getByRole('row').count(), 3);
    await shot(admin, 'scenario-insights-de');
    await expectAccessible(admin, 'insights (real server, de)');
  });
  it('bob answers the question on B, alice accepts the answer on A, and both instances highlight it', async () => {
    const { page } = bob;
    const question = 'How do we cache Conan packages?';
    await page.goto(`${b.origin}/communities/${acct()}`);
    // The question came to B by the backfill after bob's join was accepted.
    await eventually(page, () => page.getByRole('link', { name: question }).waitFor({ timeout: 2000 }));
    await page.getByRole('link', { name: question }).click();
    await page.getByRole('heading', { level: 1, name: question }).waitFor();
    await page.getByLabel('Your comment').fill('A shared Artifactory remote per team, keyed by profile.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText('A shared Artifactory remote per team, keyed by profile.').waitFor();

    const admin = alice.page;
    await admin.goto(`${a.origin}/communities/rust_guild`);
    await admin.getByRole('link', { name: question }).click();
    await admin.getByRole('heading', { level: 1, name: question }).waitFor();
    const answer = admin.getByRole('article', { name: /^Kommentar von bob/i });
    await eventually(admin, () => answer.waitFor({ timeout: 2000 }));
    await answer.getByRole('button', { name: 'Als Antwort akzeptieren' }).click();
    const accepted = admin.getByRole('article', { name: /^Kommentar von bob.* – Akzeptierte Antwort$/i });
    await accepted.waitFor();
    assert.match(await accepted.getAttribute('class'), /\baccepted\b/);
    assert.equal(await answer.getByRole('button', { name: 'Als Antwort akzeptieren' }).count(), 0);
    await shot(admin, 'scenario-accepted-a-de');

    // The acceptance federates: B shows the same comment as the accepted answer.
    const acceptedOnB = page.getByRole('article', { name: /^Comment by bob.* – Accepted answer$/i });
    await eventually(page, () => acceptedOnB.waitFor({ timeout: 2000 }));
    assert.ok(await acceptedOnB.getByText('A shared Artifactory remote per team, keyed by profile.').isVisible());
    await shot(page, 'scenario-accepted-b');
    await expectAccessible(page, 'accepted answer (real server)');
  });

  it('alice starts a poll and an event on A; bob votes and answers on B; A counts both', async () => {
    const admin = alice.page;
    const composer = async (title, text) => {
      await admin.goto(`${a.origin}/communities/rust_guild`);
      await admin.getByRole('link', { name: 'Neuer Thread' }).click();
      await admin.getByLabel('Titel').fill(title);
      await admin.getByLabel('Text', { exact: true }).fill(text);
    };
    await composer('Team lunch on Friday?', 'Where do we go?');
    await admin.getByLabel('Umfrage', { exact: true }).check();
    await admin.getByLabel('Antwort 1', { exact: true }).fill('Pizza');
    await admin.getByLabel('Antwort 2', { exact: true }).fill('Salat');
    await admin.getByRole('button', { name: 'Thread veröffentlichen' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Team lunch on Friday?' }).waitFor();
    await admin.getByLabel('Pizza').check();
    await admin.getByRole('button', { name: 'Abstimmen' }).click();
    const results = admin.getByRole('list', { name: 'Ergebnis' });
    await results.waitFor();
    await admin.getByText('1 Person hat abgestimmt').waitFor();
    const pollUrl = admin.url();

    await composer('Rust meetup', 'Talks, pretzels and a demo of the build cache.');
    await admin.getByLabel('Veranstaltung', { exact: true }).check();
    await admin.getByLabel('Beginn').fill('2099-03-05T18:00');
    await admin.getByLabel('Ort', { exact: true }).fill('Main hall');
    await admin.getByRole('button', { name: 'Thread veröffentlichen' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Rust meetup' }).waitFor();
    const answers = admin.getByRole('group', { name: 'Kommen Sie?' });
    await answers.getByRole('button', { name: 'Ich komme', exact: true }).click();
    await admin.getByText('1 Zusage · 0 vielleicht · 0 Absagen').waitFor();
    assert.equal(await answers.getByRole('button', { name: 'Ich komme', exact: true }).getAttribute('aria-pressed'), 'true');
    await shot(admin, 'scenario-event-a-de');
    const eventUrl = admin.url();

    const { page } = bob;
    await page.goto(`${b.origin}/communities/${acct()}`);
    await eventually(page, () => page.getByRole('link', { name: 'Team lunch on Friday?' }).waitFor({ timeout: 2000 }));
    await page.getByRole('link', { name: 'Team lunch on Friday?' }).click();
    await page.getByLabel('Salat').check();
    await page.getByRole('button', { name: 'Vote' }).click();
    await page.getByRole('list', { name: 'Results' }).waitFor();
    await shot(page, 'scenario-poll-b');
    await expectAccessible(page, 'poll results (real server)');

    await page.goto(`${b.origin}/communities/${acct()}`);
    await eventually(page, () => page.getByRole('link', { name: 'Rust meetup' }).waitFor({ timeout: 2000 }));
    await page.getByRole('link', { name: 'Rust meetup' }).click();
    await page.getByText('Main hall').waitFor();
    await page.getByRole('group', { name: 'Will you come?' }).getByRole('button', { name: 'Maybe' }).click();
    await page.getByRole('group', { name: 'Will you come?' }).getByRole('button', { name: 'Maybe', pressed: true }).waitFor();
    await expectAccessible(page, 'event (real server)');

    // The host counted bob's vote and answer.
    await admin.goto(pollUrl);
    await eventually(admin, () => admin.getByText('2 Personen haben abgestimmt').waitFor({ timeout: 2000 }));
    await shot(admin, 'scenario-poll-a-de');
    await admin.goto(eventUrl);
    await eventually(admin, () => admin.getByText('1 Zusage · 1 vielleicht · 0 Absagen').waitFor({ timeout: 2000 }));
  });
});
