// Every page as its users see it, on a phone (390 × 844) and a desktop (1280 × 800), written to
// docs/screenshots/ for the README: `cargo xtask screenshots` regenerates them.
import path from 'node:path';
import { expect } from '@playwright/test';
import { DEMO_PASSWORD, login, openTab, test } from '../support/app.mjs';

const OUT = process.env.OPUNTIA_SCREENSHOTS_DIR ?? path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const DEMO_DOSSIER = '/dossiers/00000000-0000-4000-8000-00000000d001';
const SIZES = { telephone: { width: 390, height: 844 }, ordinateur: { width: 1280, height: 800 } };

/** Each shot: a name, who is signed in (none: signed out), where, and what to do before. */
const SHOTS = [
  { name: 'accueil', who: null, path: '/' },
  { name: 'mes-dossiers', who: 'alternant', path: '/mes-dossiers' },
  { name: 'dossier-alternant', who: 'alternant', path: DEMO_DOSSIER, tab: 'alternant' },
  { name: 'dossier-erreurs', who: 'alternant', path: DEMO_DOSSIER, tab: 'alternant', refused: true },
  { name: 'dossier-employeur', who: 'employeur', path: DEMO_DOSSIER, tab: 'employeur' },
  { name: 'dossier-suivi', who: 'formation', path: DEMO_DOSSIER, tab: 'suivi' },
  { name: 'tableau-de-bord', who: 'formation', path: '/tableau-de-bord' },
  { name: 'formations', who: 'cfa', path: '/formations' },
  { name: 'comptes', who: 'cfa', path: '/comptes' },
];

for (const shot of SHOTS) {
  for (const [size, viewport] of Object.entries(SIZES)) {
    test(`${shot.name} (${size})`, async ({ page }) => {
      await page.setViewportSize(viewport);
      if (shot.who) await login(page, `${shot.who}@demo.opuntia.test`, DEMO_PASSWORD);
      await page.goto(shot.path);
      if (shot.tab) await openTab(page, shot.tab);
      if (shot.refused) {
        await page.getByTestId('apprenti.ine').fill('123');
        await page.getByTestId('save').click();
        await expect(page.getByTestId('notice-error')).toBeVisible();
      }
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(OUT, `${shot.name}-${size}.jpg`), type: 'jpeg', quality: 70 });
    });
  }
}
