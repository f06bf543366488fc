// User guide B: an apprentice holding an access code registers, fills « Données de base »,
// invites the company contact with « Valider », the contact signs in with the password of the
// e-mail; both fill their tabs, green fields turning plain and check marks appearing as they
// go; in a formation with automatic validation the request validates — and freezes — at once.
import { expect } from '@playwright/test';
import { DEMO_PASSWORD, checkA11y, completeFields, expectComplete, fillTab, login, openDossierFromDashboard, openTab, save, unique, test } from '../support/app.mjs';
import { mailTo, passwordIn } from '../support/mail.mjs';

// The master F728 runs from 14 September 2026 to 30 June 2028: the contract follows it.
const F728_DATES = {
  'contrat.dateDebutContrat': '2026-09-14',
  'contrat.dateDebutFormationPratique': '2026-09-14',
  'contrat.dateFinContrat': '2028-06-30',
  'formation.dateDebutFormation': '2026-09-14',
  'formation.dateFinFormation': '2028-06-30',
};

test('an apprentice with an access code and their employer complete a dossier that validates itself', async ({ browser }) => {
  const apprenticeEmail = unique('nina');
  const contactEmail = unique('rh');
  const fields = completeFields();
  const apprentice = await (await browser.newContext()).newPage();

  // B.2–B.4: the code is checked as it is typed and names the formation.
  await apprentice.goto('/');
  await checkA11y(apprentice, 'accueil');
  await apprentice.getByTestId('register-code').fill('f728');
  await expect(apprentice.getByTestId('access-code-result')).toContainText('Master Management des organisations');
  await apprentice.getByTestId('register-first-name').fill('Nina');
  await apprentice.getByTestId('register-last-name').fill('Roussel');
  await apprentice.getByTestId('register-email').fill(apprenticeEmail);
  await apprentice.getByTestId('register-password').fill('mon mot de passe');
  await apprentice.getByTestId('register-submit').click();

  // B.6–B.11: a draft opens on « Données de base » alone, its required fields green.
  await expect(apprentice.getByTestId('dossier')).toHaveAttribute('data-status', 'draft');
  await expect(apprentice.getByTestId('tab-alternant')).toHaveCount(0);
  const start = apprentice.locator('[data-field="contrat.dateDebutContrat"]');
  await expect(start).toHaveAttribute('data-green', 'true');
  await expect(apprentice.getByTestId('etat-contrat.dateDebutContrat')).toHaveText('À compléter');
  await checkA11y(apprentice, 'données de base (brouillon)');
  await fillTab(apprentice, 'base', fields, { ...F728_DATES, 'contactEntreprise.courriel': contactEmail, 'apprenti.courriel': apprenticeEmail });
  await expect(start).toHaveAttribute('data-green', 'false');
  await expectComplete(apprentice, 'base');
  await save(apprentice);
  await apprentice.getByTestId('validate-base').click();
  await expect(apprentice.getByTestId('tab-alternant')).toBeVisible();
  await expect(apprentice.getByTestId('dossier')).toHaveAttribute('data-status', 'in_progress');

  // L'alternant: its check mark appears once every required field is validly filled.
  await openTab(apprentice, 'alternant');
  await expect(apprentice.getByTestId('tab-alternant')).toHaveAttribute('data-complete', 'false');
  await fillTab(apprentice, 'alternant', fields, { 'apprenti.courriel': apprenticeEmail });
  await expectComplete(apprentice, 'alternant');
  await save(apprentice);
  await checkA11y(apprentice, "onglet L'alternant");

  // The company contact signs in with the one-hour password of their e-mail, then chooses one.
  const invitation = await mailTo(contactEmail, 'Bienvenue sur Opuntia');
  const employer = await (await browser.newContext()).newPage();
  await login(employer, contactEmail, passwordIn(invitation.text));
  await expect(employer).toHaveURL(/\/mot-de-passe$/);
  await checkA11y(employer, 'choisir mon mot de passe');
  await employer.getByTestId('current-password').fill(passwordIn(invitation.text));
  await employer.getByTestId('new-password').fill('le mot de passe des RH');
  await employer.getByTestId('change-password-submit').click();
  await expect(employer.getByTestId('my-dossiers')).toBeVisible();
  await checkA11y(employer, 'les dossiers de vos apprentis');
  await employer.getByTestId('my-dossiers').getByRole('link').first().click();
  await openTab(employer, 'employeur');
  await fillTab(employer, 'employeur', fields, { 'contactEntreprise.courriel': contactEmail });
  await expectComplete(employer, 'employeur');
  await save(employer);
  await openTab(employer, 'contrat');
  await fillTab(employer, 'contrat', fields, F728_DATES);
  await expect(employer.getByTestId('remuneration')).toContainText('Ligne');
  await employer.getByTestId('remuneration-minimums').click();
  await save(employer);
  await checkA11y(employer, 'onglet Les données du contrat');
  // The formation's part of Les données du contrat is its responsable's to complete.
  const manager = await (await browser.newContext()).newPage();
  await login(manager, 'formation@demo.opuntia.test', DEMO_PASSWORD);
  await openDossierFromDashboard(manager, apprenticeEmail);
  await openTab(manager, 'contrat');
  await fillTab(manager, 'contrat', fields, F728_DATES);
  await expectComplete(manager, 'contrat');
  await save(manager);
  await employer.reload();
  await openTab(employer, 'contrat');
  await expectComplete(employer, 'contrat');
  await openTab(employer, 'mission');
  await fillTab(employer, 'mission', fields);
  await expectComplete(employer, 'mission');
  await save(employer);
  await checkA11y(employer, 'onglet La mission');
  await openTab(employer, 'resume');
  await expect(employer.getByTestId('panel-resume')).toContainText('Exemple Entreprise SAS');
  await checkA11y(employer, 'Résumé');
  await openTab(employer, 'vie');
  await checkA11y(employer, "Vie de l'étudiant");

  // B.14–B.16: « Demande de validation » validates at once here; the data are frozen and the
  // CERFA can be downloaded, the convention waits for the CFA.
  await apprentice.reload();
  await openTab(apprentice, 'suivi');
  await expect(apprentice.getByTestId('incomplete-tabs')).toHaveCount(0);
  // B.14: freezing asks first, says so, and can be called off.
  await apprentice.getByTestId('action-request_validation').click();
  await expect(apprentice.getByTestId('confirmation-request_validation')).toContainText('figées');
  await apprentice.getByTestId('cancel-request_validation').click();
  await expect(apprentice.getByTestId('confirmation-request_validation')).toHaveCount(0);
  await expect(apprentice.getByTestId('dossier')).toHaveAttribute('data-status', 'in_progress');
  await apprentice.getByTestId('action-request_validation').click();
  await apprentice.getByTestId('confirm-request_validation').click();
  await expect(apprentice.getByTestId('dossier')).toHaveAttribute('data-status', 'validated');
  await expect(apprentice.getByTestId('timeline')).toContainText('Validation demandée par');
  await expect(apprentice.getByTestId('document-cerfa')).toHaveAttribute('data-available', 'true');
  await expect(apprentice.getByTestId('document-convention')).toHaveAttribute('data-available', 'false');
  await checkA11y(apprentice, 'Suivi – Info');
  await openTab(apprentice, 'alternant');
  await expect(apprentice.getByTestId('apprenti.nomUsage')).toBeDisabled();
  await expect(apprentice.getByTestId('save')).toHaveCount(0);
  await mailTo(apprenticeEmail, 'est validé');
  await mailTo(contactEmail, 'est validé');
});

test('the demo accounts of every role can sign in', async ({ page }) => {
  for (const [who, landing] of [['alternant', /\/dossiers\//], ['employeur', /\/mes-dossiers$/], ['formation', /\/tableau-de-bord$/], ['cfa', /\/tableau-de-bord$/]]) {
    await login(page, `${who}@demo.opuntia.test`, DEMO_PASSWORD);
    await expect(page).toHaveURL(landing);
    await expect(page.getByTestId('signed-in-as')).toBeVisible();
    await page.getByTestId('logout').click();
    await expect(page.getByTestId('login-email')).toBeVisible();
  }
});

/** Presses Tab until the element with test id `testid` has the focus, as a keyboard user
 *  would reach it; fails when it is not in the tab order. */
async function tabTo(page, testid, presses = 80) {
  for (let i = 0; i < presses; i += 1) {
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    if (focused === testid) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${testid} is not reached with the Tab key`);
}

// B.4–B.6 with the keyboard alone: registering with an access code, typing a name and an
// address, saving, reaching a refused field from the error summary, moving between tabs —
// never a mouse click.
test('an apprentice registers and works on their dossier with the keyboard alone', async ({ page }) => {
  const email = unique('clavier');
  await page.goto('/');
  await tabTo(page, 'register-code');
  await page.keyboard.type('F728');
  await expect(page.getByTestId('access-code-result')).toContainText('Master Management des organisations');
  for (const [testid, text] of [
    ['register-first-name', 'Léo'],
    ['register-last-name', 'Clavier'],
    ['register-email', email],
    ['register-password', 'mon mot de passe'],
  ]) {
    await tabTo(page, testid);
    await page.keyboard.type(text);
  }
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('dossier')).toHaveAttribute('data-status', 'draft');

  // A name, then a wrong address. (Dates are left out: what digits typed in a date field mean
  // depends on the browser's own locale, not on the page.)
  await tabTo(page, 'contactEntreprise.nom');
  await page.keyboard.type('Durand');
  await tabTo(page, 'contactEntreprise.courriel');
  await page.keyboard.type('rh-sans-arobase');
  await tabTo(page, 'save');
  await page.keyboard.press('Enter');
  // The summary takes the focus; its link brings the focus to the refused field.
  const summary = page.getByTestId('notice-error');
  await expect(summary).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(summary.getByRole('link')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('contactEntreprise.courriel')).toBeFocused();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(unique('rh.clavier'));
  await tabTo(page, 'save');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('notice-success')).toContainText('enregistrées');
  await expect(page.getByTestId('contactEntreprise.nom')).toHaveValue('Durand');

  // The tabs answer Home and End.
  await tabTo(page, 'tab-base');
  await page.keyboard.press('End');
  await expect(page.locator('[role="tab"]').last()).toBeFocused();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('tab-base')).toBeFocused();
  await expect(page.getByTestId('panel-base')).toBeVisible();
});
