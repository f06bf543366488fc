// The app as its users see it (issue 19): errors that read as errors, with a summary that links
// to them and valid edits saved beside them; edits never dropped by a link; filters that show
// what they filter; a reset link never claimed sent to nobody; each role on its tab; a question
// before freezing; an expired session renewed, or ended on the sign-in page.
import { expect } from '@playwright/test';
import { DEMO_PASSWORD, login, openTab, setField, test } from '../support/app.mjs';

const DEMO_DOSSIER = '/dossiers/00000000-0000-4000-8000-00000000d001';

async function openDemoDossier(page, who) {
  await login(page, `${who}@demo.opuntia.test`, DEMO_PASSWORD);
  await page.goto(DEMO_DOSSIER);
  await expect(page.getByTestId('dossier')).toBeVisible();
}

test('an invalid value is an error in red with its reason, apart from the green of fields to fill', async ({ page }) => {
  await openDemoDossier(page, 'alternant');
  await openTab(page, 'alternant');
  const ine = page.locator('[data-field="apprenti.ine"]');
  const birth = page.locator('[data-field="apprenti.dateNaissance"]');
  await setField(page, 'apprenti.ine', '123');
  await expect(ine).toHaveAttribute('data-error', 'true');
  await expect(ine).toHaveAttribute('data-green', 'false');
  await expect(page.getByTestId('apprenti.ine')).toHaveAttribute('aria-invalid', 'true');
  const message = page.getByTestId('etat-apprenti.ine');
  await expect(message).toContainText('Erreur');
  await expect(message).toHaveCSS('color', 'rgb(179, 38, 30)');
  // A required field left empty stays green, « À compléter », and is not an error.
  await expect(birth).toHaveAttribute('data-green', 'true');
  await expect(birth).toHaveAttribute('data-error', 'false');
  await expect(page.getByTestId('etat-apprenti.dateNaissance')).toHaveText('À compléter');
  await expect(page.getByTestId('apprenti.dateNaissance')).toHaveAttribute('aria-invalid', 'false');
});

test('a link of the app asks before dropping unsaved edits', async ({ page }) => {
  await openDemoDossier(page, 'cfa');
  await openTab(page, 'alternant');
  await setField(page, 'apprenti.communeNaissance', 'Saint-Malo');
  let asked = 0;
  page.on('dialog', (dialog) => {
    asked += 1;
    if (asked === 1) dialog.dismiss(); else dialog.accept();
  });
  const dashboard = page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Tableau de bord' });
  await dashboard.click();
  await expect(page).toHaveURL(new RegExp(`${DEMO_DOSSIER}$`));
  await expect(page.getByTestId('apprenti.communeNaissance')).toHaveValue('Saint-Malo');
  await dashboard.click();
  await expect(page).toHaveURL(/\/tableau-de-bord$/);
  expect(asked).toBe(2);
});

test('the dashboard filters show what they filter, and counts read as French', async ({ page }) => {
  await login(page, 'cfa@demo.opuntia.test', DEMO_PASSWORD);
  await page.goto('/tableau-de-bord');
  await expect(page.getByTestId('dossier-row').first()).toBeVisible();
  for (const filter of ['filter-formation', 'filter-status', 'filter-complete']) {
    await expect(page.getByTestId(filter)).toHaveValue('');
  }
  await expect(page.getByTestId('filter-sort')).toHaveValue('-updated_at');
  await expect(page.getByTestId('count-complete')).not.toContainText(/^1 complets/);
  await expect(page.getByTestId('page-of')).toContainText(/page 1 sur \d+/);
  await page.getByTestId('filter-status').selectOption('in_progress');
  await expect(page.getByTestId('filter-status')).toHaveValue('in_progress');
  await expect(page.getByTestId('dossier-row').first()).toHaveAttribute('data-status', 'in_progress');
  // A status counter is a queue: a click lists its dossiers, a second shows them all again.
  await page.getByTestId('filter-status').selectOption('');
  const queue = page.getByTestId('count-in_progress').getByRole('button');
  await queue.click();
  await expect(queue).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('filter-status')).toHaveValue('in_progress');
  await queue.click();
  await expect(page.getByTestId('filter-status')).toHaveValue('');
});

test('« Recevoir un lien » without an address asks for it instead of claiming a mail was sent', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('forgot-toggle').click();
  await page.getByTestId('forgot-submit').click();
  await expect(page.getByTestId('notice-error')).toContainText('Saisissez le courriel');
  await expect(page.getByTestId('notice-success')).toHaveCount(0);
});


test('a refused value is held on screen with a summary that takes the focus, while the other edits are saved', async ({ page }) => {
  await openDemoDossier(page, 'alternant');
  await openTab(page, 'alternant');
  const town = `Saint-Malo ${Date.now() % 1000}`;
  await setField(page, 'apprenti.communeNaissance', town);
  await setField(page, 'apprenti.ine', '123');
  await expect(page.getByTestId('marker-alternant')).toContainText('✖ 1');
  await page.getByTestId('save').click();
  const summary = page.getByTestId('notice-error');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Il y a un problème');
  await expect(summary).toContainText('vos autres modifications sont enregistrées');
  await expect(summary).not.toContainText('apprenti.ine');
  const line = page.getByTestId('summary-apprenti.ine');
  await expect(line).toContainText('N° INE');
  await line.getByRole('link').click();
  await expect(page.getByTestId('apprenti.ine')).toBeFocused();
  await expect(page.getByTestId('apprenti.ine')).toHaveValue('123');
  await expect(page.getByTestId('unsaved')).toBeVisible();
  // Corrected, its line and the summary go.
  await setField(page, 'apprenti.ine', '');
  await expect(page.getByTestId('notice-error')).toHaveCount(0);
  // The valid edit was saved: it is there after a reload, and the history names it in words.
  await page.reload();
  await openTab(page, 'alternant');
  await expect(page.getByTestId('apprenti.communeNaissance')).toHaveValue(town);
  await openTab(page, 'suivi');
  const history = page.getByTestId('history');
  await expect(history).toContainText('Commune de naissance');
  await expect(history).not.toContainText('apprenti.');
  await expect(history).toContainText(/\d{2}\/\d{2}\/\d{4}/);
});

test('each role opens the dossier on the tab it has to work on', async ({ page }) => {
  await openDemoDossier(page, 'formation');
  await expect(page.getByTestId('panel-suivi')).toBeVisible();
  await page.getByTestId('logout').click();
  await openDemoDossier(page, 'employeur');
  await expect(page.getByTestId('tab-employeur')).toHaveAttribute('aria-selected', 'true');
});

test('a first visit asks nothing of a session it does not have: no refused request in the console', async ({ page }) => {
  const errors = [];
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto('/');
  await expect(page.getByTestId('login-email')).toBeVisible();
  expect(errors.filter((text) => text.includes('401'))).toEqual([]);
});

test('an expired token is renewed once by itself; a session over leads to the sign-in page saying so', async ({ page, context }) => {
  await openDemoDossier(page, 'cfa');
  // The next dossier read is refused as if the token had expired: the app renews it and reads again.
  let refused = 0;
  await page.route('**/api/v1/dossiers?**', async (route) => {
    if (refused === 0) {
      refused += 1;
      await route.fulfill({ status: 401, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Non authentifié', status: 401, code: 'unauthenticated' }) });
    } else {
      await route.continue();
    }
  });
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Tableau de bord' }).click();
  await expect(page.getByTestId('dossier-row').first()).toBeVisible();
  expect(refused).toBe(1);
  // Now the session is over (its cookie gone) and every read refused: the sign-in page says so.
  await context.clearCookies();
  await page.unroute('**/api/v1/dossiers?**');
  await page.route('**/api/v1/formations**', (route) => route.fulfill({ status: 401, contentType: 'application/problem+json', body: JSON.stringify({ type: 'about:blank', title: 'Non authentifié', status: 401, code: 'unauthenticated' }) }));
  await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Formations' }).click();
  await expect(page.getByTestId('session-expired')).toBeVisible();
  await expect(page.getByTestId('login-email')).toBeVisible();
});

test('the contract tab takes the formation dates in one click, and La mission says whether it is needed', async ({ page }) => {
  await openDemoDossier(page, 'cfa');
  await openTab(page, 'contrat');
  const shortcut = page.getByTestId('formation-dates');
  const [, start, end] = (await shortcut.textContent()).match(/du (\d{2}\/\d{2}\/\d{4}) au (\d{2}\/\d{2}\/\d{4})/);
  const iso = (french) => french.split('/').reverse().join('-');
  await shortcut.click();
  await expect(page.getByTestId('formation.dateDebutFormation')).toHaveValue(iso(start));
  await expect(page.getByTestId('formation.dateFinFormation')).toHaveValue(iso(end));
  await expect(page.getByTestId('unsaved')).toBeVisible();
  if (await page.getByTestId('tab-mission').count()) {
    await page.getByTestId('tab-mission').click();
    await expect(page.getByTestId('mission-mode')).toContainText(/Onglet (obligatoire|facultatif) pour cette formation/);
  }
});

test('every page names the CFA and leads to its legal notice and accessibility statement', async ({ page }) => {
  await page.goto('/');
  const footer = page.getByTestId('footer');
  await expect(footer).toContainText('CFA Epure Méditerranée');
  await expect(footer.getByRole('link', { name: 'contact@demo.opuntia.test' })).toHaveAttribute('href', 'mailto:contact@demo.opuntia.test');
  await footer.getByRole('link', { name: 'Mentions légales' }).click();
  await expect(page.getByTestId('publisher')).toContainText('3 place Victor Hugo, 13003 Marseille');
  await page.getByTestId('footer').getByRole('link', { name: /Accessibilité/ }).click();
  await expect(page.getByTestId('conformity')).toContainText('Non conforme');
  await login(page, 'cfa@demo.opuntia.test', DEMO_PASSWORD);
  await expect(page.getByTestId('cfa-name')).toHaveText('CFA Epure Méditerranée');
  // Its logo, from the settings, drawn (an image that failed to load has no natural width).
  const logo = page.getByTestId('cfa-logo');
  await expect(logo).toBeVisible();
  await expect.poll(() => logo.evaluate((img) => img.naturalWidth)).toBeGreaterThan(0);
});
