// User guide A and the staff's side: the formation manager invites an apprentice from the
// dashboard; the apprentice signs in with the password of the e-mail and chooses their own;
// Données de base invites the company contact; both fill their tabs; the request goes to the
// responsable, who returns it with a comment, then validates it (frozen); the CFA enters and
// validates the economic elements (the convention appears), the parties download the CERFA and
// the convention, the CFA reopens it with a reason; validated again, it goes out for signature
// (A.13): the employer, the apprentice and the CFA sign from the links in their e-mails, the
// dossier shows « Signé » and its signed contract passes poppler's pdfsig.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from '@playwright/test';
import { DEMO_PASSWORD, checkA11y, completeFields, expectComplete, fillTab, login, openDossierFromDashboard, openTab, save, unique, test } from '../support/app.mjs';
import { mailCount, mailTo, newMailTo, passwordIn } from '../support/mail.mjs';

// A.10: the contract dates are the formation's, shown beside its name (F724: three years).
const F724_DATES = {
  'contrat.dateDebutContrat': '2026-09-01',
  'contrat.dateDebutFormationPratique': '2026-09-01',
  'contrat.dateFinContrat': '2029-08-31',
  'formation.dateDebutFormation': '2026-09-01',
  'formation.dateFinFormation': '2029-07-15',
};

async function signInWithMailedPassword(page, email, chosen) {
  const mail = await mailTo(email, 'Bienvenue sur Opuntia');
  const generated = passwordIn(mail.text);
  await login(page, email, generated);
  await expect(page).toHaveURL(/\/mot-de-passe$/);
  await page.getByTestId('current-password').fill(generated);
  await page.getByTestId('new-password').fill(chosen);
  await page.getByTestId('change-password-submit').click();
}

test('an invited apprentice, their employer, the formation and the CFA take a dossier from invitation to the signed contract', async ({ browser }) => {
  const apprenticeEmail = unique('camille');
  const contactEmail = unique('drh');
  const fields = completeFields();

  // The formation manager invites from the dashboard.
  const manager = await (await browser.newContext()).newPage();
  await login(manager, 'formation@demo.opuntia.test', DEMO_PASSWORD);
  await expect(manager.getByTestId('counts')).toBeVisible();
  await checkA11y(manager, 'tableau de bord');
  await manager.getByTestId('invite-first-name').fill('Camille');
  await manager.getByTestId('invite-last-name').fill('Leroy');
  await manager.getByTestId('invite-email').fill(apprenticeEmail);
  await manager.getByTestId('invite-code').selectOption('F724');
  await manager.getByTestId('invite-submit').click();
  await expect(manager.getByTestId('notice-success')).toContainText(apprenticeEmail);

  // A.2: the apprentice signs in with the one-hour password, then chooses their own.
  const apprentice = await (await browser.newContext()).newPage();
  await signInWithMailedPassword(apprentice, apprenticeEmail, 'mon propre mot de passe');
  await expect(apprentice.getByTestId('dossier')).toHaveAttribute('data-status', 'draft');
  await fillTab(apprentice, 'base', fields, { ...F724_DATES, 'apprenti.courriel': apprenticeEmail, 'contactEntreprise.courriel': contactEmail });
  await expectComplete(apprentice, 'base');
  await save(apprentice);
  await apprentice.getByTestId('validate-base').click();
  await expect(apprentice.getByTestId('tab-alternant')).toBeVisible();
  await openTab(apprentice, 'alternant');
  await fillTab(apprentice, 'alternant', fields, { 'apprenti.courriel': apprenticeEmail });
  await expectComplete(apprentice, 'alternant');
  await save(apprentice);

  // The company contact fills L'employeur and their part of Les données du contrat; the CFA's
  // part (the diploma, the place of training) is greyed out for them.
  const employer = await (await browser.newContext()).newPage();
  await signInWithMailedPassword(employer, contactEmail, 'mot de passe de la DRH');
  await employer.getByTestId('my-dossiers').getByRole('link').first().click();
  await openTab(employer, 'employeur');
  await fillTab(employer, 'employeur', fields, { 'contactEntreprise.courriel': contactEmail });
  await save(employer);
  await openTab(employer, 'contrat');
  await expect(employer.getByTestId('formation.typeDiplome')).toBeDisabled();
  await fillTab(employer, 'contrat', fields, F724_DATES);
  await employer.getByTestId('remuneration-minimums').click();
  await expectComplete(employer, 'employeur');
  await save(employer);

  // The responsable completes the formation's part of Les données du contrat.
  await openDossierFromDashboard(manager, apprenticeEmail);
  await openTab(manager, 'contrat');
  await expect(manager.getByTestId('employeur.denomination')).toHaveCount(0);
  await fillTab(manager, 'contrat', fields, F724_DATES);
  await expectComplete(manager, 'contrat');
  await save(manager);

  // A.14: « Demande de validation » in Suivi – Info; the responsable is e-mailed.
  await apprentice.reload();
  await openTab(apprentice, 'suivi');
  // One way to ask: « Valider » of Données de base stays on its tab.
  await expect(apprentice.getByTestId('action-validate_base')).toHaveCount(0);
  await apprentice.getByTestId('action-request_validation').click();
  await apprentice.getByTestId('confirm-request_validation').click();
  await expect(apprentice.getByTestId('dossier')).toHaveAttribute('data-status', 'validation_requested');
  await mailTo('formation@demo.opuntia.test', 'demande de validation du dossier de');

  // The responsable returns it with a comment, which the apprentice sees and receives.
  await openDossierFromDashboard(manager, apprenticeEmail);
  await openTab(manager, 'suivi');
  await checkA11y(manager, 'Suivi – Info (responsable)');
  await manager.getByTestId('action-return').click();
  await manager.getByTestId('comment-return').fill('Merci de vérifier la date de début du contrat.');
  await manager.getByTestId('confirm-return').click();
  await expect(manager.getByTestId('dossier')).toHaveAttribute('data-status', 'returned');
  await mailTo(apprenticeEmail, 'à corriger');
  await apprentice.reload();
  await openTab(apprentice, 'suivi');
  await expect(apprentice.getByTestId('return-comment')).toContainText('Merci de vérifier la date de début du contrat.');
  await apprentice.getByTestId('action-request_validation').click();
  await apprentice.getByTestId('confirm-request_validation').click();
  await expect(apprentice.getByTestId('dossier')).toHaveAttribute('data-status', 'validation_requested');

  // Validation freezes the form.
  await manager.reload();
  await openTab(manager, 'suivi');
  await manager.getByTestId('action-validate').click();
  await manager.getByTestId('confirm-validate').click();
  await expect(manager.getByTestId('dossier')).toHaveAttribute('data-status', 'validated');
  await apprentice.reload();
  await openTab(apprentice, 'alternant');
  await expect(apprentice.getByTestId('apprenti.nomUsage')).toBeDisabled();
  await expect(apprentice.getByTestId('save')).toHaveCount(0);

  // The CFA enters the economic elements and validates them: the convention becomes available.
  const cfa = await (await browser.newContext()).newPage();
  await login(cfa, 'cfa@demo.opuntia.test', DEMO_PASSWORD);
  await openDossierFromDashboard(cfa, apprenticeEmail);
  await openTab(cfa, 'suivi');
  await expect(cfa.getByTestId('document-convention')).toHaveAttribute('data-available', 'false');
  await cfa.getByTestId('eco-opco').selectOption('atlas');
  await cfa.getByTestId('eco-npecAnnuel').fill('9000');
  await cfa.getByTestId('eco-npecAnnuel').blur();
  await cfa.getByTestId('eco-premierEquipement').fill('300');
  await cfa.getByTestId('eco-premierEquipement').blur();
  await cfa.getByTestId('economics-save').click();
  await expect(cfa.getByTestId('economics-summary')).toContainText('750');
  await checkA11y(cfa, 'éléments économiques');
  await cfa.getByTestId('action-validate_economics').click();
  await expect(cfa.getByTestId('dossier')).toHaveAttribute('data-status', 'economics_validated');
  await expect(cfa.getByTestId('document-convention')).toHaveAttribute('data-available', 'true');

  // A.14: the parties download the CERFA and the convention from « Suivi – Info ».
  await apprentice.reload();
  await openTab(apprentice, 'suivi');
  for (const [page, kind, name] of [[apprentice, 'cerfa', /^CERFA-FA13-.+\.pdf$/], [cfa, 'convention', /^Convention-de-formation-.+\.pdf$/]]) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId(`download-${kind}`).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(name);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(20000);
  }

  // Reopening needs a reason, which the parties receive.
  await cfa.getByTestId('action-reopen').click();
  await cfa.getByTestId('comment-reopen').fill('Erreur sur le SIRET de l’établissement.');
  await cfa.getByTestId('confirm-reopen').click();
  await expect(cfa.getByTestId('dossier')).toHaveAttribute('data-status', 'in_progress');
  await mailTo(apprenticeEmail, 'rouvert');
  await expect(cfa.getByTestId('timeline')).toContainText('Erreur sur le SIRET');

  // Validated again, unchanged: the economic elements still hold.
  await apprentice.reload();
  await openTab(apprentice, 'suivi');
  await apprentice.getByTestId('action-request_validation').click();
  await apprentice.getByTestId('confirm-request_validation').click();
  await expect(apprentice.getByTestId('dossier')).toHaveAttribute('data-status', 'validation_requested');
  await openDossierFromDashboard(manager, apprenticeEmail);
  await openTab(manager, 'suivi');
  await manager.getByTestId('action-validate').click();
  await manager.getByTestId('confirm-validate').click();
  await expect(manager.getByTestId('dossier')).toHaveAttribute('data-status', 'validated');
  await cfa.reload();
  await openTab(cfa, 'suivi');
  await cfa.getByTestId('action-validate_economics').click();
  await expect(cfa.getByTestId('dossier')).toHaveAttribute('data-status', 'economics_validated');

  // A.13: « Envoyer pour signature »; Suivi follows each signer.
  await cfa.getByTestId('action-send_for_signature').click();
  await expect(cfa.getByTestId('dossier')).toHaveAttribute('data-status', 'in_signature');
  await expect(cfa.getByTestId('signer-employeur')).toHaveAttribute('data-status', 'pending');
  await expect(cfa.getByTestId('signer-alternant')).toHaveAttribute('data-status', 'waiting');
  await checkA11y(cfa, 'Suivi – signature en cours');
  for (const [address, name] of [[contactEmail, 'Paul Girard'], [apprenticeEmail, 'Camille Leroy'], ['cfa@demo.opuntia.test', 'Claire Dubois']]) {
    await signFromMail(browser, address, name);
  }
  await cfa.reload();
  await openTab(cfa, 'suivi');
  await expect(cfa.getByTestId('dossier')).toHaveAttribute('data-status', 'signed');
  await expect(cfa.getByTestId('suivi-status')).toContainText('Signé');
  await expect(cfa.getByTestId('circuit-status')).toHaveAttribute('data-status', 'completed');
  const [signed] = await Promise.all([
    cfa.waitForEvent('download'),
    cfa.getByTestId('download-cerfa-signed').click(),
  ]);
  expect(signed.suggestedFilename()).toMatch(/-signe\.pdf$/);
  const report = execFileSync('pdfsig', [await signed.path()]).toString();
  expect(report).toContain('Signature is Valid');
  await mailTo(apprenticeEmail, 'signé');
});

/** A signer opens the link of their e-mail (no account), reads the documents, consents, asks
 *  for the code and signs with it. */
async function signFromMail(browser, address, name) {
  const mail = await newMailTo(address, 'Documents à signer');
  const link = new URL(/https?:\/\/\S+\/signature\/\S+/.exec(mail.text)[0]);
  const page = await (await browser.newContext()).newPage();
  await page.goto(link.pathname);
  await expect(page.getByTestId('to-sign-cerfa')).toBeVisible();
  await expect(page.locator('iframe.apercu-pdf').first()).toBeVisible();
  await checkA11y(page, 'page du signataire');
  // While Chromium's PDF viewer loads the documents beside it, a click may land late or not
  // at all on a small machine: tick until it holds.
  await expect(async () => page.getByTestId('consent').check({ timeout: 2_000 })).toPass({ timeout: 20_000 });
  await page.getByTestId('nom-signataire').fill(name);
  const codes = mailCount(address, 'Votre code de signature');
  await page.getByTestId('send-code').click();
  await expect(page.getByTestId('notice-success')).toBeVisible();
  const code = (await newMailTo(address, 'Votre code de signature', codes)).subject.split(' ').pop();
  await page.getByTestId('code').fill(code);
  await page.getByTestId('sign').click();
  await expect(page.getByTestId('signing-done')).toContainText('votre signature est enregistrée');
  await page.context().close();
}

// A.8: an apprentice without an employer yet validates « Données de base » all the same, and
// invites the company contact later, once they tick « J'ai trouvé un employeur ».
test('an apprentice who finds an employer later invites the contact then', async ({ browser }) => {
  const apprenticeEmail = unique('lucas');
  const contactEmail = unique('rh.tardif');
  const fields = completeFields();
  const page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.getByTestId('register-code').fill('F724');
  await expect(page.getByTestId('access-code-result')).toContainText('✓');
  await page.getByTestId('register-first-name').fill('Lucas');
  await page.getByTestId('register-last-name').fill('Girard');
  await page.getByTestId('register-email').fill(apprenticeEmail);
  await page.getByTestId('register-password').fill('mon mot de passe');
  await page.getByTestId('register-submit').click();
  await expect(page.getByTestId('dossier')).toHaveAttribute('data-status', 'draft');

  // A box, ticked until the apprentice says otherwise.
  await expect(page.getByTestId('contactEntreprise.employeurTrouve')).toBeChecked();
  await page.getByTestId('contactEntreprise.employeurTrouve').uncheck();
  await fillTab(page, 'base', fields, {
    ...F724_DATES,
    'apprenti.courriel': apprenticeEmail,
    'contactEntreprise.employeurTrouve': false,
    'contactEntreprise.courriel': '',
    'employeur.siret': '',
  });
  // Données de base is complete without them: « L'employeur » will need them, not this screen.
  await expectComplete(page, 'base');
  await expect(page.getByTestId('contactEntreprise.courriel')).toHaveValue('');
  await save(page);
  await page.getByTestId('validate-base').click();
  await expect(page.getByTestId('notice-success')).not.toContainText('est invité');
  await expect(page.getByTestId('dossier')).toHaveAttribute('data-status', 'in_progress');

  // The question is the apprentice's: the formation's responsable sees L'employeur's fields.
  const manager = await (await browser.newContext()).newPage();
  await login(manager, 'formation@demo.opuntia.test', DEMO_PASSWORD);
  await openDossierFromDashboard(manager, apprenticeEmail);
  await openTab(manager, 'employeur');
  await expect(manager.getByTestId('employer-found')).toHaveCount(0);
  await expect(manager.getByTestId('employeur.siret')).toBeVisible();
  await manager.context().close();

  // Later, on « L'employeur »: tick « J'ai trouvé un employeur », « Poursuivre », then the SIRET
  // and the contact's address, and « Valider » invites the contact.
  await openTab(page, 'employeur');
  await expect(page.getByTestId('employer-found')).toBeVisible();
  await expect(page.getByTestId('employer-found-continue')).toBeDisabled();
  await page.getByTestId('employer-found-box').check();
  await page.getByTestId('employer-found-continue').click();
  await expect(page.getByTestId('employer-found')).toHaveCount(0);
  await page.getByTestId('employeur.siret').fill('73282932000074');
  await page.getByTestId('contactEntreprise.courriel').fill(contactEmail);
  await save(page);
  await page.getByTestId('validate-base').click();
  await expect(page.getByTestId('notice-success')).toContainText(contactEmail);
  await mailTo(contactEmail, 'Bienvenue sur Opuntia');
});
