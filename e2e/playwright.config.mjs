// Browser journeys against the real `opuntia` binary on a free port, with a fresh SQLite
// database and a real SMTP sink (aiosmtpd), in Debian's Chromium. `cargo xtask test` builds
// the app and the server, installs what is missing, then runs `npx playwright test` here.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Chosen once by the main process; the workers inherit them through the environment.
process.env.OPUNTIA_E2E_PORT ??= String(await freePort());
process.env.OPUNTIA_E2E_SMTP_PORT ??= String(await freePort());
process.env.OPUNTIA_E2E_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'opuntia-e2e-'));
const port = process.env.OPUNTIA_E2E_PORT;
const smtpPort = process.env.OPUNTIA_E2E_SMTP_PORT;
const dir = process.env.OPUNTIA_E2E_DIR;
process.env.OPUNTIA_E2E_MAILDIR = path.join(dir, 'Maildir');
const root = path.resolve(import.meta.dirname, '..');
const binary = process.env.OPUNTIA_BIN ?? path.join(root, 'target', 'debug', 'opuntia');

export default defineConfig({
  testDir: './tests',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  // One server, two cores: journeys run one after the other.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.OPUNTIA_E2E_RESULTS ?? path.join(root, 'target', 'e2e-results'),
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'fr-FR',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: [
    {
      command: `python3 -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${path.join(dir, 'Maildir')}`,
      port: Number(smtpPort),
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: binary,
      url: `http://127.0.0.1:${port}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        OPUNTIA__SERVER__PORT: port,
        OPUNTIA__DATA_DIR: path.join(dir, 'data'),
        OPUNTIA__SERVER__FRONTEND_DIR: path.join(root, 'frontend', 'dist'),
        OPUNTIA__MAIL__SMTP__HOST: '127.0.0.1',
        OPUNTIA__MAIL__SMTP__PORT: smtpPort,
        OPUNTIA__MAIL__POLL_INTERVAL_MS: '200',
        RUST_LOG: 'warn',
      },
    },
  ],
});
