/// <reference types="vitest/config" />
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// `npm run dev` serves the app with hot reload and forwards the server's paths to a Guildhall on
// :8080 (scripts/run), so the session cookie stays same-origin.
const guildhall = process.env.GUILDHALL_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [preact()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    // Everything is bundled: no CDN, no external fonts.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/oauth', '/web/session', '/.well-known', '/nodeinfo', '/health'].map((p) => [
        p,
        { target: guildhall, changeOrigin: false },
      ]),
    ),
  },
  test: {
    environment: 'happy-dom',
    environmentOptions: { happyDOM: { url: 'http://guild.test/' } },
    // styles.test.ts reads the stylesheet (?raw) to check its colour contrast.
    css: { include: [/styles\.css/] },
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
  },
});
