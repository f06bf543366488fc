// Every page, as each of the four roles and signed out, from a small phone to a wide screen:
// nothing is wider than the window and no table cell is cut (issue 19). A page that scrolls
// sideways or hides a column is a defect at any width. On a phone and on a desktop, axe-core
// finds nothing serious or critical on any of them.
import { expect } from '@playwright/test';
import { DEMO_PASSWORD, checkA11y, login, test } from '../support/app.mjs';

const WIDTHS = [320, 390, 768, 1280, 1920];
/** The widths axe-core reads every page at: a phone and a desktop. */
const AXE_WIDTHS = [390, 1280];
const DEMO_DOSSIER = '/dossiers/00000000-0000-4000-8000-00000000d001';

const VISITS = [
  { who: 'signed out', email: null, pages: ['/', '/mot-de-passe/nouveau', '/introuvable', '/mentions-legales', '/accessibilite'] },
  { who: "l'alternant", email: 'alternant@demo.opuntia.test', pages: ['/mes-dossiers', DEMO_DOSSIER, '/mot-de-passe'] },
  { who: "l'employeur", email: 'employeur@demo.opuntia.test', pages: ['/mes-dossiers', DEMO_DOSSIER] },
  { who: 'le responsable de formation', email: 'formation@demo.opuntia.test', pages: ['/tableau-de-bord', DEMO_DOSSIER] },
  { who: 'le CFA', email: 'cfa@demo.opuntia.test', pages: ['/tableau-de-bord', '/formations', '/comptes', DEMO_DOSSIER] },
];

/** What sticks out of the window: the document wider than it, a table cell past its edge or
 *  whose content is cut. */
function overflows(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const found = [];
    const documentWidth = document.documentElement.scrollWidth;
    if (documentWidth > width) found.push(`the document is ${documentWidth} px wide`);
    for (const cell of document.querySelectorAll('td, th')) {
      const box = cell.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const text = cell.textContent.trim().slice(0, 40);
      if (box.right > width + 1 || box.left < -1) {
        found.push(`cell « ${text} » at ${Math.round(box.left)}–${Math.round(box.right)} px`);
      } else if (cell.scrollWidth > cell.clientWidth + 1) {
        found.push(`cell « ${text} » cut (${cell.scrollWidth} px in ${cell.clientWidth} px)`);
      }
    }
    return found.slice(0, 8);
  });
}

async function settle(page) {
  await expect(page.locator('main[aria-busy="true"], [aria-busy="true"]')).toHaveCount(0);
  await page.waitForLoadState('networkidle');
}

for (const visit of VISITS) {
  test(`every page fits the window at every width and passes axe-core for ${visit.who}`, async ({ page }) => {
    if (visit.email) await login(page, visit.email, DEMO_PASSWORD);
    const problems = [];
    for (const path of visit.pages) {
      await page.goto(path);
      await settle(page);
      // A dossier is several pages in one: each of its tabs.
      const tabs = path === DEMO_DOSSIER
        ? await page.locator('[role="tab"]').evaluateAll((all) => all.map((tab) => tab.dataset.testid))
        : [null];
      for (const tab of tabs) {
        if (tab) {
          await page.getByTestId(tab).click();
          await settle(page);
        }
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: width < 768 ? 844 : 900 });
          for (const problem of await overflows(page)) {
            problems.push(`${path}${tab ? ` (${tab})` : ''} at ${width} px: ${problem}`);
          }
          if (AXE_WIDTHS.includes(width)) {
            await checkA11y(page, `${visit.who}: ${path}${tab ? ` (${tab})` : ''} at ${width} px`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
}
