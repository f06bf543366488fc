// The legal checks of issue 18 in the browser: the domain's code, as on the server, with the
// regulatory data the server has in force (the IDCC list is read from the API, not embedded).
import { expect } from '@playwright/test';
import { DEMO_PASSWORD, login, openTab, setField, test } from '../support/app.mjs';

// The demo apprentice's dossier, in progress: typed into here, never saved.
const DEMO_DOSSIER = '/dossiers/00000000-0000-4000-8000-00000000d001';

test('the dérogation by age and the IDCC list answer in the browser as on the server', async ({ page }) => {
  await login(page, 'cfa@demo.opuntia.test', DEMO_PASSWORD);
  await page.goto(DEMO_DOSSIER);
  await expect(page.getByTestId('dossier')).toBeVisible();

  // AGE-04, the example: born 2 February 1997, a contract from 1 February 2028 — 30 at
  // its start, a day before turning 31: dérogation 21 is refused, 12 (from 30) accepted.
  await openTab(page, 'alternant');
  await setField(page, 'apprenti.dateNaissance', '1997-02-02');
  await openTab(page, 'base');
  await setField(page, 'contrat.dateDebutContrat', '2028-02-01');
  await openTab(page, 'contrat');
  await setField(page, 'contrat.typeDerogation', '21');
  const derogation = page.getByTestId('etat-contrat.typeDerogation');
  await expect(derogation).toContainText('30 ans');
  await expect(derogation).toContainText('pas la 21');
  await setField(page, 'contrat.typeDerogation', '12');
  await expect(derogation).toHaveCount(0);

  // §4.7: an unknown code and a code no longer in force are refused with their reason.
  await openTab(page, 'employeur');
  const idcc = page.getByTestId('etat-employeur.codeIdcc');
  await setField(page, 'employeur.codeIdcc', '1950');
  await expect(idcc).toContainText('ne figure pas dans la liste officielle');
  await setField(page, 'employeur.codeIdcc', '0735');
  await expect(idcc).toContainText('remplacée');
  await setField(page, 'employeur.codeIdcc', '1486');
  await expect(idcc).toHaveCount(0);
});
