// End-to-end smoke test: the real `guildhall serve` serving web/dist, driven by Debian's Chromium
// through playwright-core. Run by CTest (web_e2e_tests) with GUILDHALL_TEST_BINARY and
// GUILDHALL_TEST_E2E_OUTPUT (screenshots for review) set; `node --test e2e/` runs it by hand.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const webDir = resolve(import.meta.dirname, '..');
const binary = process.env.GUILDHALL_TEST_BINARY ?? resolve(webDir, '../build/server/guildhall');
const output = process.env.GUILDHALL_TEST_E2E_OUTPUT ?? resolve(webDir, '../build/web-e2e');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// axe-core, evaluated through the DevTools protocol (not a script tag, which the page's CSP refuses).
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// No WCAG 2.1 A/AA violation that axe can find (contrast, labels, landmarks, names, lang, ...).
async function expectAccessible(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  );
  const violations = result.violations.map(
    (v) => `${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  assert.deepEqual(violations, [], what);
}

let server;
let origin;
let browser;
let dataDir;

// Starts the server on an ephemeral port and resolves with its origin from the startup line.
function startServer() {
  dataDir = mkdtempSync(join(tmpdir(), 'guildhall-e2e-'));
  server = spawn(binary, ['serve'], {
    env: {
      // A developer's own GUILDHALL_* settings must not reach the server under test.
      ...Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('GUILDHALL_')),
      ),
      GUILDHALL_DATA_DIR: join(dataDir, 'data'),
      GUILDHALL_LISTEN: '127.0.0.1:0',
      GUILDHALL_DOMAIN: 'guild.test',
      GUILDHALL_HTTP_THREADS: '2',
      GUILDHALL_WEB_ROOT: join(webDir, 'dist'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 60_000);
    const onData = (chunk) => {
      log += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log}`));
    });
  });
}

async function openPage(options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // The 404 of GET /web/session (no sessions on this server yet) is logged by Chromium itself.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

before(async () => {
  mkdirSync(output, { recursive: true });
  origin = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.removeAllListeners('exit');
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
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
    // The German and English messages on a failed sign-in (the server has no sessions yet: 404).
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(
      await page.getByRole('alert').textContent(),
      'This could not be found.',
    );
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

  // Until the server has /web/session and the home timeline, the browser answers them itself:
  // the shell, the home page and settings as a signed-in person sees them (screenshots).
  it('shows the shell, home and settings to a signed-in person (API stubbed in the browser)', async () => {
    const { context, page, problems } = await openPage({ locale: 'en-US' });
    const account = {
      id: '1', username: 'alice', acct: 'alice', display_name: 'Alice Example', locked: false,
      bot: false, group: false, created_at: '2026-01-01T00:00:00.000Z', note: '',
      url: `${origin}/@alice`, avatar: '/favicon.svg', avatar_static: '/favicon.svg', header: '',
      followers_count: 0, following_count: 0, statuses_count: 0, emojis: [], fields: [],
    };
    const group = { ...account, id: '9', username: 'rust_guild', acct: 'rust_guild@b.example',
                    display_name: 'Rust Guild', group: true };
    const post = (id, minutesAgo, html, extra = {}) => ({
      id, uri: `${origin}/p/${id}`, url: null, edited_at: null, account, content: html,
      created_at: new Date(Date.now() - minutesAgo * 60_000).toISOString(), visibility: 'public',
      sensitive: false, spoiler_text: '', media_attachments: [], mentions: [], tags: [], emojis: [],
      reblogs_count: 0, favourites_count: 2, replies_count: 5, in_reply_to_id: null,
      in_reply_to_account_id: null, reblog: null, language: 'en', ...extra,
    });
    const json = (body) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    await page.route('**/web/session', (r) =>
      r.fulfill(json({ account, csrf_token: 't', roles: { admin: true, manager: true } })));
    await page.route('**/api/v1/timelines/home**', (r) =>
      r.fulfill(json([
        post('3', 12, '<p>Welcome to the <strong>Rust Guild</strong>! Introduce yourself below.</p>'),
        { ...post('2', 90, ''), account: group,
          reblog: post('1', 95, '<p>Does anyone have experience with async traits in embedded code?</p><img src="x" onerror="window.pwned = 1" alt="">') },
      ])));
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByText('Introduce yourself below.').waitFor();
    assert.equal(await page.getByRole('article').count(), 2);
    assert.ok(await page.getByText('in Rust Guild').isVisible());
    // Had the server's sanitizer let an inline handler through, the page's CSP still refuses it.
    assert.equal(await page.evaluate(() => window.pwned), undefined, 'CSP blocks inline handlers');
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(),
      ['Home', 'Communities', 'Notifications', 'Settings', 'Manage', 'Admin']);
    await page.screenshot({ path: join(output, 'home.png'), fullPage: true });
    await expectAccessible(page, 'home');

    await nav.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    // Focus moves to the content after a navigation the person started (an effect: wait for it).
    await page.waitForFunction(() => document.activeElement?.id === 'main');
    await page.getByLabel('Language of the app').selectOption('de');
    await page.getByRole('heading', { level: 1, name: 'Einstellungen' }).waitFor();
    await page.screenshot({ path: join(output, 'settings-de.png'), fullPage: true });
    await expectAccessible(page, 'settings (de)');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Menü' }).click();
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Communitys' }).waitFor();
    await page.screenshot({ path: join(output, 'menu-phone-de.png'), fullPage: true });
    await expectAccessible(page, 'menu on a phone (de)');
    await page.getByRole('link', { name: 'Communitys' }).click();
    await page.getByRole('heading', { level: 2, name: 'Noch nicht verfügbar' }).waitFor();
    const csp = problems.filter((p) => p.includes('Content Security Policy'));
    assert.equal(csp.length, 1, 'the one refused inline handler');
    assert.deepEqual(problems.filter((p) => !csp.includes(p)), []);
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
