// One server per Playwright worker: its own port, data directory (a fresh SQLite database with
// the demo data) and SMTP sink (aiosmtpd, whose Maildir the mail helpers read). Journeys then
// run two at a time without seeing each other's changes — `staff.spec.mjs` changes a
// formation's rule that other journeys read, which one shared server could not allow.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const binary = process.env.OPUNTIA_BIN ?? path.join(root, 'target', 'debug', 'opuntia');

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

/** Waits until `ready()` resolves true, or fails naming `what` after `seconds`. */
async function waitFor(what, child, seconds, ready) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} stopped (exit code ${child.exitCode})`);
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not answer within ${seconds} s`);
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve(true); });
    socket.on('error', () => resolve(false));
  });
}

/** Starts the SMTP sink and the `opuntia` binary; `stop()` ends both and removes the data. */
export async function startServer(workerIndex) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `opuntia-e2e-${workerIndex}-`));
  const maildir = path.join(dir, 'Maildir');
  const [port, smtpPort] = [await freePort(), await freePort()];
  const smtp = spawn('python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${smtpPort}`,
    '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: 'ignore' });
  const server = spawn(binary, [], {
    env: {
      ...process.env,
      OPUNTIA__SERVER__PORT: String(port),
      OPUNTIA__DATA_DIR: path.join(dir, 'data'),
      OPUNTIA__SERVER__FRONTEND_DIR: path.join(root, 'frontend', 'dist'),
      OPUNTIA__MAIL__SMTP__HOST: '127.0.0.1',
      OPUNTIA__MAIL__SMTP__PORT: String(smtpPort),
      OPUNTIA__MAIL__POLL_INTERVAL_MS: '200',
      RUST_LOG: 'warn',
    },
    // Warnings and errors in the run's output, as Playwright's web server showed them.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    for (const child of [server, smtp]) {
      if (child.exitCode === null) {
        const ended = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('aiosmtpd', smtp, 30, () => accepts(smtpPort));
    await waitFor(`opuntia (${binary})`, server, 60, async () => (await fetch(`${url}/health`)).ok);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, maildir, stop };
}
