import { expect, test } from '@playwright/test';

test('the home page explains Handsup, offers joining by code and teacher sign-in, with no console errors', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Handsup');
  await expect(page.getByLabel(/session code/i)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Teacher sign in' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('health and readiness answer JSON; an unknown API route is a JSON 404', async ({ request }) => {
  expect(await (await request.get('/healthz')).json()).toEqual({ status: 'ok' });
  const ready = await (await request.get('/readyz')).json();
  expect(ready.db).toBe('ok');
  const missing = await request.get('/api/nope');
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.code).toBe('not_found');
});
