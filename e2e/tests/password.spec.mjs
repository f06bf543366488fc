// « Mot de passe oublié »: the link of the e-mail opens the app on its page, the new password
// works, and the old one no longer does.
import { expect } from '@playwright/test';
import { checkA11y, login, unique, test } from '../support/app.mjs';
import { mailTo, resetPathIn } from '../support/mail.mjs';

test('a forgotten password is replaced through the e-mailed link', async ({ page }) => {
  const email = unique('oubli');
  await page.goto('/');
  await page.getByTestId('register-code').fill('F724');
  await expect(page.getByTestId('access-code-result')).toContainText('✓');
  await page.getByTestId('register-first-name').fill('Jules');
  await page.getByTestId('register-last-name').fill('Morel');
  await page.getByTestId('register-email').fill(email);
  await page.getByTestId('register-password').fill('premier mot de passe');
  await page.getByTestId('register-submit').click();
  await expect(page.getByTestId('dossier')).toBeVisible();
  await page.getByTestId('logout').click();

  await page.getByTestId('forgot-toggle').click();
  await page.getByTestId('forgot-email').fill(email);
  await page.getByTestId('forgot-submit').click();
  await expect(page.getByTestId('notice-success')).toContainText('Si un compte existe');
  const mail = await mailTo(email, 'choisissez votre mot de passe');
  await page.goto(resetPathIn(mail.text));
  await checkA11y(page, 'nouveau mot de passe');
  await page.getByTestId('reset-password').fill('second mot de passe');
  await page.getByTestId('reset-submit').click();
  await expect(page.getByTestId('notice-success')).toContainText('enregistré');

  await page.goto('/');
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill('premier mot de passe');
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('notice-error')).toBeVisible();
  await login(page, email, 'second mot de passe');
  await expect(page.getByTestId('dossier')).toBeVisible();
});
