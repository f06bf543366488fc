// What every journey does: sign in, fill a tab from the domain's complete dossier, save,
// check a page with axe-core.
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect } from '@playwright/test';
import { startServer } from './server.mjs';

/** Playwright's `test`, with one server per worker (`server.mjs`) as its base URL, whose
 *  pages fail the test if the browser reports a violation of the server's
 *  Content-Security-Policy (an inline script, an eval, a resource from elsewhere). */
export const test = base.extend({
  opuntia: [async ({}, use, workerInfo) => {
    const server = await startServer(workerInfo.workerIndex);
    // Read by the mail helpers, in this worker's process only.
    process.env.OPUNTIA_E2E_MAILDIR = server.maildir;
    await use(server);
    await server.stop();
  }, { scope: 'worker', auto: true, timeout: 120_000 }],
  baseURL: async ({ opuntia }, use) => use(opuntia.url),
  page: async ({ page }, use) => {
    const violations = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await use(page);
    expect(violations, 'Content-Security-Policy violations').toEqual([]);
  },
});

export const DEMO_PASSWORD = 'opuntia-demo';

/** An address no other run or test uses. */
export function unique(name) {
  return `${name}.${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}@exemple.fr`;
}

/** The domain's complete dossier (the fixture of crates/domain), one year later, flattened to
 *  `[key, value]` pairs: its dates then fall within the demo formations'. */
export function completeFields() {
  const file = path.resolve(import.meta.dirname, '..', '..', 'crates', 'domain', 'tests', 'fixtures', 'complete_dossier.json');
  const content = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out = [];
  const walk = (prefix, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else {
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
        value = `${Number(value.slice(0, 4)) + 1}${value.slice(4)}`;
      }
      out.push([prefix, value]);
    }
  };
  walk('', content);
  return out;
}

export async function login(page, email, password) {
  await page.goto('/');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
}

export async function logout(page) {
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-email')).toBeVisible();
}

/** No serious or critical accessibility violation on the page as it is now. */
export async function checkA11y(page, where) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), where).toEqual([]);
}

export async function openTab(page, key) {
  await page.getByTestId(`tab-${key}`).click();
  await expect(page.getByTestId(`panel-${key}`)).toBeVisible();
}

/** Types `value` in the field `key` of the open tab, as a user would. */
export async function setField(page, key, value) {
  const field = page.getByTestId(key);
  const tag = await field.evaluate((el) => `${el.tagName}:${el.getAttribute('type') ?? ''}`);
  if (tag.startsWith('SELECT')) {
    await field.selectOption(String(value));
  } else if (tag === 'INPUT:checkbox') {
    if (value) await field.check(); else await field.uncheck();
  } else {
    await field.fill(String(value));
  }
}

/** Fills every field of the open tab that `fields` has a value for (twice: some fields only
 *  appear once another is set). Skips what is not shown, not writable, or overridden. */
export async function fillTab(page, tab, fields, overrides = {}) {
  const panel = page.getByTestId(`panel-${tab}`);
  for (let pass = 0; pass < 2; pass += 1) {
    for (const [key, fixture] of fields) {
      const value = key in overrides ? overrides[key] : fixture;
      if (value === '' || value === null || Array.isArray(value)) continue;
      const holder = panel.locator(`[data-field="${key}"]`);
      if ((await holder.count()) === 0) continue;
      const input = page.getByTestId(key);
      if (await input.isDisabled()) continue;
      await setField(page, key, value);
    }
  }
}

export async function save(page) {
  await page.getByTestId('save').click();
  await expect(page.getByTestId('notice-success')).toContainText('enregistrées');
}

/** Waits until the tab shows its check mark. */
export async function expectComplete(page, tab) {
  await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute('data-complete', 'true');
}

/** Opens the one dossier of the staff dashboard whose search finds `words`. */
export async function openDossierFromDashboard(page, words) {
  await page.goto('/tableau-de-bord');
  await page.getByTestId('filter-words').fill(words);
  await expect(page.getByTestId('dossier-row')).toHaveCount(1);
  await page.getByTestId('dossier-row').getByRole('link').click();
  await expect(page.getByTestId('dossier')).toBeVisible();
}
