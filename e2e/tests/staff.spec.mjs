// The staff's other tools: inviting many apprentices from a CSV file with a progress bar and a
// per-row report; the CFA's formations and access codes; and what a party sees when someone
// else saved the dossier first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from '@playwright/test';
import { DEMO_PASSWORD, checkA11y, login, logout, openDossierFromDashboard, openTab, unique, test } from '../support/app.mjs';
import { mailCount, mailTo, newMailTo } from '../support/mail.mjs';

test('a formation manager invites several apprentices from a CSV file and reads each row’s fate', async ({ page }) => {
  const first = unique('hugo');
  const second = unique('ines');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'csv-')), 'promotion.csv');
  fs.writeFileSync(file, [
    'courriel;prénom;nom;code d\'accès',
    `${first};Hugo;Petit;F724`,
    `${second};Inès;Garcia;F724-2`,
    'pas-une-adresse;Zoé;Blanc;F724',
  ].join('\n'));

  await login(page, 'formation@demo.opuntia.test', DEMO_PASSWORD);
  await page.getByTestId('bulk-file').setInputFiles(file);
  // Nothing leaves before the preview is confirmed.
  await expect(page.getByTestId('bulk-preview')).toContainText('3 lignes à inviter');
  await expect(page.getByTestId('bulk-preview-row')).toHaveCount(3);
  await expect(page.getByTestId('bulk-progress')).toHaveCount(0);
  await page.getByTestId('bulk-confirm').click();
  await expect(page.getByTestId('bulk-progress')).toHaveAttribute('value', '3');
  await expect(page.getByTestId('bulk-summary')).toContainText('2 invitations envoyées, 0 déjà invité(e), 1 erreur');
  const rows = page.getByTestId('bulk-row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('invitation envoyée');
  await expect(rows.nth(1)).toContainText('invitation envoyée');
  await expect(rows.nth(2)).toContainText('erreur');
  await checkA11y(page, 'compte rendu de l’import');
  await mailTo(first, 'Bienvenue sur Opuntia');
  await mailTo(second, 'Bienvenue sur Opuntia');

  // The new dossiers are in the list, drafts to complete.
  await page.getByTestId('filter-words').fill(first);
  await expect(page.getByTestId('dossier-row')).toHaveCount(1);
  await expect(page.getByTestId('dossier-row')).toHaveAttribute('data-status', 'draft');
});

test('the CFA creates a formation with its access code, then closes the code', async ({ page }) => {
  const title = `Licence professionnelle ${Date.now()}`;
  const code = `F${600 + Math.floor(Math.random() * 399)}`;
  await login(page, 'cfa@demo.opuntia.test', DEMO_PASSWORD);
  await page.goto('/formations');
  await expect(page.getByTestId('formations')).toBeVisible();
  await checkA11y(page, 'formations');
  await page.getByTestId('formation-title').fill(title);
  await page.getByTestId('formation-school').fill('IUT de démonstration');
  await page.getByTestId('formation-diploma').fill('25031001');
  await page.getByTestId('formation-rncp').fill('RNCP30100');
  await page.getByTestId('formation-start').fill('2026-09-07');
  await page.getByTestId('formation-end').fill('2027-08-31');
  await page.getByTestId('formation-hours').fill('600');
  await page.getByTestId('formation-code').fill(code);
  await page.getByTestId('formation-create').click();
  const card = page.getByTestId('formation').filter({ hasText: title });
  await expect(card).toBeVisible();
  const variant = card.getByTestId(`variant-${code}`);
  await expect(variant).toContainText('ouvert');
  await variant.getByRole('button', { name: 'Fermer' }).click();
  await expect(variant).toContainText('fermé');

  // A closed code no longer opens the formation to newcomers.
  await page.getByTestId('logout').click();
  await page.getByTestId('register-code').fill(code);
  await expect(page.getByTestId('access-code-result')).not.toContainText(title);
  await expect(page.getByTestId('access-code-result')).not.toContainText('Vérification');
});

test('a party whose save comes second is told what the other changed, and keeps their other edits', async ({ browser }) => {
  const apprentice = await (await browser.newContext()).newPage();
  const cfa = await (await browser.newContext()).newPage();
  await login(apprentice, 'alternant@demo.opuntia.test', DEMO_PASSWORD);
  await openTab(apprentice, 'alternant');
  await login(cfa, 'cfa@demo.opuntia.test', DEMO_PASSWORD);
  await cfa.goto(new URL(apprentice.url()).pathname);
  await openTab(cfa, 'alternant');

  await cfa.getByTestId('apprenti.communeNaissance').fill('Aix-en-Provence');
  await cfa.getByTestId('save').click();
  await expect(cfa.getByTestId('notice-success')).toBeVisible();

  await apprentice.getByTestId('apprenti.communeNaissance').fill('Toulon');
  await apprentice.getByTestId('apprenti.nomUsage').fill('Durand');
  await apprentice.getByTestId('save').click();
  const notice = apprentice.getByTestId('notice-error');
  await expect(notice).toContainText('Quelqu\'un d\'autre a modifié le dossier');
  await expect(notice).toContainText('Commune de naissance');
  await expect(apprentice.getByTestId('apprenti.communeNaissance')).toHaveValue('Aix-en-Provence');
  await expect(apprentice.getByTestId('apprenti.nomUsage')).toHaveValue('Durand');
  await apprentice.getByTestId('save').click();
  await expect(apprentice.getByTestId('notice-success')).toBeVisible();
});

test('the CFA creates a responsable, who is invited by e-mail, sent a link to choose a password and put in charge of a formation', async ({ page }) => {
  const email = unique('responsable');
  await login(page, 'cfa@demo.opuntia.test', DEMO_PASSWORD);
  await page.goto('/comptes');
  await expect(page.getByTestId('users')).toBeVisible();
  await checkA11y(page, 'comptes');
  await page.getByTestId('user-first-name').fill('Claire');
  await page.getByTestId('user-last-name').fill('Fabre');
  await page.getByTestId('user-email').fill(email);
  await page.getByTestId('user-role').selectOption('formation');
  await page.getByTestId('user-create').click();
  await expect(page.getByTestId('notice-success')).toContainText(email);
  // Accounts are searched and paged: the new one is found by its address.
  await page.getByTestId('user-search').fill(email);
  await expect(page.getByTestId('users-page-of')).toContainText('1 compte — page 1 sur 1');
  await expect(page.getByTestId('users')).toContainText(email);
  await mailTo(email, 'Bienvenue sur Opuntia');
  // Someone who lost that mail is sent a link to choose a password from their row.
  const row = page.getByTestId('user-row').filter({ hasText: email });
  await expect(row).toContainText('Pas encore choisi');
  await row.getByTestId('user-send-link').click();
  await expect(page.getByTestId('notice-success').filter({ hasText: 'Un lien pour choisir un mot de passe' })).toContainText(email);
  await mailTo(email, 'choisissez votre mot de passe');

  await page.goto('/formations');
  await page.getByTestId('formation-search').fill('Master');
  await expect(page.getByTestId('formation')).toHaveCount(1);
  const card = page.getByTestId('formation').filter({ hasText: 'Master Management des organisations' });
  await card.getByText('Réglages, responsables, annexes et variantes').click();
  await card.getByLabel(new RegExp(email.replace('.', '\\.'))).check();
  await card.getByLabel('Courriel').last().fill('scolarite@institut.demo.opuntia.test');
  await card.getByTestId('formation-mission').selectOption('optional');
  await card.getByRole('button', { name: 'Enregistrer réglages, responsables et contacts' }).click();
  await expect(page.getByTestId('notice-success').first()).toContainText('responsables et contacts enregistrés');
  await expect(card).toContainText('Claire Fabre');
  await expect(card).toContainText('mission facultative');
  // The place of training its new dossiers start with, checked as a dossier checks it.
  await card.getByTestId('formation-site').selectOption('autre');
  await card.getByLabel('Dénomination du lieu de formation principal').fill('Faculté des sciences');
  await card.getByLabel('N° UAI du lieu de formation').fill('0131842A');
  await card.getByLabel('N° SIRET du lieu de formation').fill('130 015 332 00013');
  await card.getByLabel('Voie', { exact: true }).fill('Avenue Escadrille Normandie-Niemen');
  await card.getByLabel('Code postal', { exact: true }).fill('13013');
  await card.getByLabel('Commune', { exact: true }).fill('Marseille');
  await card.getByRole('button', { name: 'Enregistrer réglages, responsables et contacts' }).click();
  await expect(card.getByTestId('notice-error')).toContainText('N° UAI du lieu de formation');
  await card.getByLabel('N° UAI du lieu de formation').fill('0131842G');
  await card.getByRole('button', { name: 'Enregistrer réglages, responsables et contacts' }).click();
  await expect(page.getByTestId('notice-success').first()).toContainText('responsables et contacts enregistrés');
  await page.reload();
  await page.getByTestId('formation-search').fill('Master');
  await card.getByText('Réglages, responsables, annexes et variantes').click();
  await expect(card.getByTestId('formation-site')).toHaveValue('autre');
  await expect(card.getByLabel('N° UAI du lieu de formation')).toHaveValue('0131842G');
  await checkA11y(page, 'formations, lieu de formation');
  await card.getByTestId('formation-site').selectOption('');
  // Back to the demo's rule, for the journeys that follow.
  await card.getByTestId('formation-mission').selectOption('required');
  await card.getByRole('button', { name: 'Enregistrer réglages, responsables et contacts' }).click();
  await expect(card).toContainText('mission obligatoire');
});

test('the dossier folds down to a phone screen without sideways scrolling', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
  const page = await context.newPage();
  await login(page, 'alternant@demo.opuntia.test', DEMO_PASSWORD);
  await expect(page.getByTestId('dossier')).toBeVisible();
  for (const tab of ['base', 'alternant', 'contrat', 'suivi']) {
    await openTab(page, tab);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `onglet ${tab}`).toBeLessThanOrEqual(0);
  }
  await checkA11y(page, 'dossier sur téléphone');
  await logout(page);
  await login(page, 'formation@demo.opuntia.test', DEMO_PASSWORD);
  await expect(page.getByTestId('dossier-list')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'tableau de bord').toBeLessThanOrEqual(0);
});

test('a save refused because the session token expired meanwhile is sent again with a renewed one', async ({ page }) => {
  await login(page, 'alternant@demo.opuntia.test', DEMO_PASSWORD);
  await openTab(page, 'alternant');
  // The server would answer so after the access token's quarter of an hour (a laptop asleep).
  let refused = 0;
  await page.route('**/api/v1/dossiers/*', async (route) => {
    if (route.request().method() === 'PATCH' && refused === 0) {
      refused += 1;
      await route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'urn:opuntia:problem:unauthenticated', title: 'Authentification requise', status: 401, code: 'unauthenticated' }),
      });
    } else {
      await route.continue();
    }
  });
  await page.getByTestId('apprenti.communeNaissance').fill('Arles');
  await page.getByTestId('save').click();
  await expect(page.getByTestId('notice-success')).toContainText('enregistrées');
  expect(refused).toBe(1);
  await page.reload();
  await openTab(page, 'alternant');
  await expect(page.getByTestId('apprenti.communeNaissance')).toHaveValue('Arles');
});

test('dependent fields change their label and help, and appear or disappear, as the rules say', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, 'alternant@demo.opuntia.test', DEMO_PASSWORD);
  await openTab(page, 'alternant');

  // A.7: « Nom exact du dernier diplôme suivi » follows « Dernière classe / année suivie ».
  const title = page.locator('[data-field="apprenti.intituleDiplomePrepare"]');
  await page.getByTestId('apprenti.derniereClasse').selectOption('01');
  await expect(title.locator('label')).toContainText('Nom exact du diplôme ou titre obtenu');
  await expect(title).toContainText('Vous avez obtenu ce diplôme');
  await page.getByTestId('apprenti.derniereClasse').selectOption('11');
  await expect(title.locator('label')).toContainText('Nom exact du diplôme ou titre en préparation');
  await expect(title).toContainText('Vous poursuivez un cycle');

  // A minor on the signature date: the legal representative's block appears, green.
  const representative = page.locator('[data-field="apprenti.responsableLegal.nom"]');
  await expect(representative).toHaveCount(0);
  await page.getByTestId('apprenti.dateNaissance').fill('2010-05-04');
  await expect(page.locator('[data-field="apprenti.apprentiMineurNonEmancipe"]')).toBeVisible();
  await page.getByTestId('apprenti.apprentiMineurNonEmancipe').selectOption('true');
  await expect(representative).toHaveAttribute('data-green', 'true');
  await page.getByTestId('apprenti.dateNaissance').fill('2004-05-04');
  await expect(representative).toHaveCount(0);
  await context.close();
});

test('the dossier tabs are reached with the keyboard', async ({ page }) => {
  await login(page, 'alternant@demo.opuntia.test', DEMO_PASSWORD);
  await page.getByTestId('tab-base').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-alternant')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('tab-alternant')).toBeFocused();
  await expect(page.getByTestId('panel-alternant')).toBeVisible();
  await page.keyboard.press('End');
  await expect(page.getByTestId('tab-vie')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-base')).toBeFocused();
  await expect(page.getByTestId('panel-base')).toBeVisible();
});

test('the API documentation works under its security policy', async ({ page }) => {
  await page.goto('/api/docs/');
  await expect(page.getByRole('heading', { name: /Opuntia/ })).toBeVisible();
  await expect(page.getByText('/api/v1/dossiers/{id}').first()).toBeVisible();
});

// B.3: an apprentice who lost the invitation, or was invited at a wrong address, asks the person
// who invited them; that person sends it again, or corrects the address, from the dossier.
test('a formation manager renews an invitation and corrects its address from the dossier', async ({ page }) => {
  const wrong = unique('nathan.faute');
  const right = unique('nathan');
  await login(page, 'formation@demo.opuntia.test', DEMO_PASSWORD);
  await page.getByTestId('invite-first-name').fill('Nathan');
  await page.getByTestId('invite-last-name').fill('Mercier');
  await page.getByTestId('invite-email').fill(wrong);
  await page.getByTestId('invite-code').selectOption('F724');
  await page.getByTestId('invite-submit').click();
  await expect(page.getByTestId('notice-success')).toContainText(wrong);
  await mailTo(wrong, 'Bienvenue sur Opuntia');

  // The dossier is a draft until the apprentice signs in: the invitation shows at its top.
  await openDossierFromDashboard(page, 'Mercier');
  const card = page.getByTestId('invitation');
  await expect(card.getByTestId('invitation-state')).toContainText(`Envoyée à ${wrong}`);
  await expect(card.getByTestId('invitation-state')).toContainText('Pas encore de connexion');
  await checkA11y(page, 'dossier avec invitation');

  const before = mailCount(wrong, 'Bienvenue sur Opuntia');
  await card.getByTestId('invitation-renew').click();
  await expect(card.getByTestId('notice-success')).toContainText(wrong);
  await newMailTo(wrong, 'Bienvenue sur Opuntia', before);

  await card.getByTestId('invitation-edit').click();
  await expect(card.locator('#invitation-email')).toHaveValue(wrong);
  await card.locator('#invitation-email').fill(right);
  await card.getByTestId('invitation-correct').click();
  await expect(card.getByTestId('notice-success')).toContainText(right);
  await expect(card.getByTestId('invitation-state')).toContainText(`Envoyée à ${right}`);
  await mailTo(right, 'Bienvenue sur Opuntia');
});
