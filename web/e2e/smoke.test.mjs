// End-to-end smoke test: the real `guildhall serve` serving web/dist, driven by Debian's Chromium
// through playwright-core. Run by CTest (web_e2e_tests) with GUILDHALL_TEST_BINARY and
// GUILDHALL_TEST_E2E_OUTPUT (screenshots for review) set; `node --test e2e/` runs it by hand.
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { admin, expectAccessible, launchBrowser, openPage as open, output, startServer } from './support.mjs';

let server;
let origin;
let browser;
const openPage = (options) => open(browser, options);

before(async () => {
  server = await startServer();
  origin = server.origin;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the web app served by guildhall', () => {
  it('shows the sign-in page in German for Accept-Language: de', async () => {
    const { context, page, problems } = await openPage({ locale: 'de-DE' });
    const response = await page.goto(`${origin}/`);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['cache-control'], 'no-cache');
    await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    assert.equal(await page.getAttribute('html', 'lang'), 'de');
    assert.ok(await page.getByLabel('Benutzername').isVisible());
    assert.ok(await page.getByLabel('Passwort').isVisible());
    // The title is set after rendering (an effect): wait for it rather than read it at once.
    await page.waitForFunction(() => document.title === 'Anmelden – Guildhall');
    await page.screenshot({ path: join(output, 'sign-in-de.png'), fullPage: true });
    await expectAccessible(page, 'sign-in (de)');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('shows it in English, keeps the page asked for, and starts with the skip link', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    await page.goto(`${origin}/settings`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('next'), '/settings');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.screenshot({ path: join(output, 'sign-in-en.png'), fullPage: true });
    // A wrong password: the server's 401 in the person's words.
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByRole('alert').textContent(), 'The username or password is wrong.');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('fits a phone screen', async () => {
    const { context, page } = await openPage({
      locale: 'en-US',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    assert.equal(overflow, 0, 'no horizontal scrolling');
    await page.screenshot({ path: join(output, 'sign-in-phone.png'), fullPage: true });
    await expectAccessible(page, 'sign-in on a phone');
    await context.close();
  });

  it('signs in with the session cookie, keeps the language with the account, and signs out', async () => {
    await admin(server, ['user', 'create', 'alice', '--password', 'correct horse battery staple']);
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    await page.goto(`${origin}/settings`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back to the page asked for.
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'guildhall_session');
    assert.ok(cookie, 'the session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie the page can read');
    assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k !== 'guildhall.locale').length), 0);

    await page.getByLabel('Language of the app').selectOption('de');
    await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    // Stored with the account: another browser (a new context, no local storage) comes up in German.
    const other = await openPage({ locale: 'en-US' });
    await other.page.goto(`${origin}/settings`);
    await other.page.getByLabel('Username').fill('alice');
    await other.page.getByLabel('Password').fill('correct horse battery staple');
    await other.page.getByRole('button', { name: 'Sign in' }).click();
    await other.page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    await other.context.close();

    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
    assert.equal((await context.cookies()).find((c) => c.name === 'guildhall_session'), undefined);
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('changes the password in settings, which signs the other browser out, and keeps notification choices', async () => {
    await admin(server, ['user', 'create', 'dora', '--password', 'correct horse battery staple']);
    const signIn = async (password) => {
      const session = await openPage({ locale: 'en-US' });
      await session.page.goto(`${origin}/settings`);
      await session.page.getByLabel('Username').fill('dora');
      await session.page.getByLabel('Password').fill(password);
      await session.page.getByRole('button', { name: 'Sign in' }).click();
      await session.page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      return session;
    };
    const { context, page, problems } = await signIn('correct horse battery staple');
    const other = await signIn('correct horse battery staple');

    await page.getByLabel('Current password', { exact: true }).fill('not my password');
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('Repeat the new password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').getByText('The current password is wrong').waitFor();
    await page.getByLabel('Current password', { exact: true }).fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. 1 other session was signed out.').waitFor();
    await page.screenshot({ path: join(output, 'settings-password-changed.png'), fullPage: true });
    await expectAccessible(page, 'settings after a password change');

    // The other browser's session ended; the new password signs in.
    await other.page.reload();
    await other.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await other.context.close();
    const again = await signIn('a brand new passphrase');
    await again.context.close();

    // Notification choices are kept with the account.
    await page.getByLabel('Likes').uncheck();
    await page.getByRole('button', { name: 'Save notification settings' }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    await page.getByLabel('Replies').waitFor();
    assert.equal(await page.getByLabel('Likes').isChecked(), false);
    assert.equal(await page.getByLabel('Replies').isChecked(), true);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('serves hashed assets as immutable and unknown API paths as JSON', async () => {
    const html = await (await fetch(`${origin}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const asset = await fetch(`${origin}${script}`);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const api = await fetch(`${origin}/api/v1/nothing`, { headers: { Accept: 'text/html' } });
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type'), /^application\/json/);
  });
});
