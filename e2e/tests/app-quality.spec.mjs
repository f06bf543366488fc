// The app as its users see it (issue 19): errors that read as errors, edits never dropped by a
// link, filters that show what they filter, a reset link never claimed sent to nobody.
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
});

test('« Recevoir un lien » without an address asks for it instead of claiming a mail was sent', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('forgot-toggle').click();
  await page.getByTestId('forgot-submit').click();
  await expect(page.getByTestId('notice-error')).toContainText('Saisissez le courriel');
  await expect(page.getByTestId('notice-success')).toHaveCount(0);
});

