// The staff's other tools: inviting many apprentices from a CSV file with a progress bar and a
// per-row report; the CFA's formations and access codes; and what a party sees when someone
// else saved the dossier first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DEMO_PASSWORD, checkA11y, login, openTab, unique } from '../support/app.mjs';
import { mailTo } from '../support/mail.mjs';

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
  await expect(page.getByTestId('bulk-progress')).toHaveAttribute('value', '3');
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
