/**
 * A student on a phone: joins from the home page's code box, gives a name, waits, answers, sees
 * "answer received", keeps their identity and answer across a reload, and sees released results.
 */
import { expect, test } from '@playwright/test';
import {
  apiCall,
  expectAccessible,
  liveSession,
  openPoll,
  screenshot,
  signUpTeacher,
} from '../support/classroom.ts';

test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

test('a phone-sized student joins by code, answers once, survives a reload and sees released results', async ({
  page,
  playwright,
  baseURL,
}, info) => {
  const api = await playwright.request.newContext({ baseURL });
  const t = await signUpTeacher(api);
  const s = await liveSession(api, t.token, 'Astronomy 101', [
    {
      prompt: 'Which planet is largest?',
      content: {
        type: 'single_choice',
        options: [
          { id: 'a', text: 'Jupiter' },
          { id: 'b', text: 'Mars' },
        ],
      },
      settings: { correct: { kind: 'choice', optionIds: ['a'] }, resultsVisibility: 'on_reveal' },
    },
  ]);

  await page.goto('/');
  await expectAccessible(page, 'home (phone)');
  await page.getByLabel('Session code').fill(s.joinCode.toLowerCase());
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page).toHaveURL(new RegExp(`/j/${s.joinCode}$`, 'i'));
  await page.getByLabel('Your name').fill('Sam');
  await expectAccessible(page, 'display-name step');
  await page.getByRole('button', { name: 'Join' }).click();

  await expect(page.getByText(/Waiting for the next question/)).toBeVisible();
  await expectAccessible(page, 'student waiting screen');

  await openPoll(api, t.token, s.polls[0]!.id, 120);
  await expect(page.getByRole('heading', { name: 'Which planet is largest?' })).toBeVisible();
  await expect(page.getByRole('timer')).toBeVisible();
  // The whole row is the tap target and is at least 44 px high.
  const row = page.locator('label.option').filter({ hasText: 'Jupiter' });
  expect((await row.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await row.tap();
  await page.getByRole('button', { name: 'Send answer' }).tap();
  await expect(page.getByText('Answer received: Jupiter')).toBeVisible();
  await expectAccessible(page, 'student answered');
  await screenshot(page, info, 'student-phone');

  await page.reload();
  await expect(page.getByText('Answer received: Jupiter')).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveCount(0);

  await apiCall(api, t.token, 'POST', `/api/polls/${s.polls[0]!.id}/reveal`, {
    results: true,
    correct: true,
  });
  await expect(page.getByRole('heading', { name: 'Results' })).toBeVisible();
  await expect(page.getByText(/Correct answer:\s*Jupiter/)).toBeVisible();
  await expect(page.locator('.bars .row').first()).toContainText('1');
  await expect(page.locator('.bars .row').first()).toContainText('100%');
  await expectAccessible(page, 'student with released results');

  // Nothing wider than the phone: works at 320 px too.
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await api.dispose();
});
