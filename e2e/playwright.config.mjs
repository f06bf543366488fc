// Browser journeys against the real `opuntia` binary, one per worker on a free port with a
// fresh SQLite database and a real SMTP sink (aiosmtpd; support/server.mjs), in Debian's
// Chromium. `cargo xtask test` builds the app and the server, installs what is missing, then
// runs `npx playwright test` here.
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '..');

export default defineConfig({
  testDir: './tests',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  // Two workers, each with its own server (support/server.mjs): 4 min 32 s → 4 min 00 s on two
  // cores (BENCHMARKS.md « The loop »). A spec file's journeys run in order in one worker.
  workers: Number(process.env.OPUNTIA_E2E_WORKERS ?? 2),
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.OPUNTIA_E2E_RESULTS ?? path.join(root, 'target', 'e2e-results'),
  use: {
    locale: 'fr-FR',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
