/**
 * A teacher's account through the pages: sign up, create a session, sign out, sign back in, and the
 * session is still there — with no accessibility violation on the way.
 */
import { expect, test } from '@playwright/test';
import { expectAccessible } from '../support/classroom.ts';

test('a teacher signs up, creates a session, signs out and back in, and sees the session', async ({
  page,
}) => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const email = `grace-${suffix}@school.example`;
  const password = `compilers-${suffix}-2026`;
  const title = `Navigation ${suffix}`;

  await page.goto('/signup');
  await expectAccessible(page, 'sign-up page');
  await page.getByLabel(/Your name/).fill('Grace Hopper');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { name: 'Your sessions' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill(title);
  await page.getByRole('button', { name: 'Create session' }).click();
  await page.goto('/dashboard');
  await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible();
  await expectAccessible(page, 'dashboard');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/signin/);

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your sessions' })).toBeVisible();
  await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible();
});

test('a wrong password is refused with a sentence, not a stack trace', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill('nobody@school.example');
  await page.getByLabel('Password').fill('not-the-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText(/email or password/i)).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});
