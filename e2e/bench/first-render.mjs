// The browser bundle's size and its first render, for BENCHMARKS.md (targets: under 400 KB
// gzipped in all, first render under 500 ms). Starts the real server on a free port with a
// fresh database, then opens the home page in a fresh Chromium context (empty cache) N times
// and times, from navigation start, the moment the login form is on screen.
//
// Run after `cargo xtask run` or `cargo xtask test` built the app and the server:
//   OPUNTIA_BIN=<target>/debug/opuntia node bench/first-render.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from '@playwright/test';
import { startServer } from '../support/server.mjs';

const RUNS = Number(process.env.RUNS ?? 20);
const root = path.resolve(import.meta.dirname, '..', '..');
const dist = path.join(root, 'frontend', 'dist');

// The journeys' server (support/server.mjs): a free port, a fresh database, the built app.
const server = await startServer('bench');
const base = server.url;

let raw = 0;
let gzipped = 0;
console.log('| file | raw | gzip -9 |\n|---|---|---|');
// The .gz copies are what the server sends instead of a file, not more of the bundle.
for (const name of fs.readdirSync(dist).filter((n) => !n.endsWith('.gz')).sort()) {
  const bytes = fs.readFileSync(path.join(dist, name));
  const packed = zlib.gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzipped += packed;
  console.log(`| ${name.replace(/-[0-9a-f]{16}/, '-<hash>')} | ${(bytes.length / 1024).toFixed(1)} KB | ${(packed / 1024).toFixed(1)} KB |`);
}
console.log(`| total | ${(raw / 1024).toFixed(1)} KB | ${(gzipped / 1024).toFixed(1)} KB |\n`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const times = [];
for (let i = 0; i < RUNS; i += 1) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base, { waitUntil: 'commit' });
  await page.getByTestId('login-email').waitFor();
  times.push(await page.evaluate(() => performance.now()));
  await context.close();
}
await browser.close();
await server.stop();
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(times.length * q))];
console.log(`first render (login form on screen, from navigation start, ${RUNS} fresh contexts): median ${at(0.5).toFixed(0)} ms, p90 ${at(0.9).toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms`);
