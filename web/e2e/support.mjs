// Shared by the browser tests: starting `guildhall serve` instances, Chromium, axe-core.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const webDir = resolve(import.meta.dirname, '..');
export const binary = process.env.GUILDHALL_TEST_BINARY ?? resolve(webDir, '../build/server/guildhall');
export const output = process.env.GUILDHALL_TEST_E2E_OUTPUT ?? resolve(webDir, '../build/web-e2e');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

// axe-core, evaluated through the DevTools protocol (not a script tag, which the page's CSP refuses).
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// No WCAG 2.1 A/AA violation that axe can find (contrast, labels, landmarks, names, lang, ...).
export async function expectAccessible(page, what) {
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

// The environment of a server under test: nothing of the developer's own GUILDHALL_* settings.
function cleanEnv(extra) {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GUILDHALL_'))),
    ...extra,
  };
}

// Starts `guildhall serve` on an ephemeral port; resolves with {origin, dataDir, env, stop()}.
export function startServer(options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'guildhall-e2e-'));
  const env = cleanEnv({
    GUILDHALL_DATA_DIR: join(dataDir, 'data'),
    GUILDHALL_LISTEN: options.listen ?? '127.0.0.1:0',
    GUILDHALL_DOMAIN: options.domain ?? 'guild.test',
    GUILDHALL_HTTP_THREADS: '2',
    GUILDHALL_WEB_ROOT: join(webDir, 'dist'),
    ...(options.env ?? {}),
  });
  const server = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const started = new Promise((resolvePromise, reject) => {
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
  return started.then((origin) => ({
    origin,
    dataDir,
    env,
    log: () => log,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.removeAllListeners('exit');
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  }));
}

// Runs `guildhall admin ...` against a started server's configuration.
export function admin(server, args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, ['admin', ...args], { env: server.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`admin ${args.join(' ')}: ${code}\n${out}`))));
  });
}

export async function launchBrowser() {
  mkdirSync(output, { recursive: true });
  return chromium.launch({
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
}

// A new browser context and page that collects page errors and console errors.
export async function openPage(browser, options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Failed requests (a 404 the app handles) are logged by Chromium itself.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(`console: ${m.text()}`);
  });
  return { context, page, problems };
}

export async function noHorizontalScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export const shot = (page, name) => page.screenshot({ path: join(output, `${name}.png`), fullPage: true });

// A real RGB PNG of width x height (a gradient), for uploads.
export function pngFile(width, height) {
  const crcTable = [...Array(256)].map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (kind, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(kind, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows.set([(x * 255) / width, 128, 255 - (x * 255) / width], y * (1 + width * 3) + 1 + x * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
