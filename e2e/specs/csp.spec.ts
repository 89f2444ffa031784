/**
 * The pages work under their Content-Security-Policy (nonces, no 'unsafe-inline'): no violation on
 * the public, student and teacher pages, and the realtime WebSocket (ws: on the same origin) is allowed
 * by `connect-src 'self'`. The hostile-content variant of this check lives in xss.spec.ts.
 */
import { expect, type Page, test } from '@playwright/test';
import { signUpTeacher } from '../support/security-fixtures.ts';

async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { __csp?: string[] };
      w.__csp ??= [];
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return async () => {
    await page.waitForTimeout(200);
    const csp = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    return [...problems, ...csp.map((c) => `violation: ${c}`)];
  };
}

test("every page loads under its nonce CSP with no violation, and the WebSocket passes connect-src 'self'", async ({
  page,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const violations = await recordViolations(page);
  for (const path of ['/', '/signin', '/signup']) {
    const r = await page.goto(path);
    const csp = r!.headers()['content-security-policy'];
    expect(csp).toMatch(/script-src 'self' 'nonce-/);
    expect(csp).not.toContain('unsafe-inline');
    await page.waitForLoadState('networkidle');
    expect(await violations(), path).toEqual([]);
  }

  const teacher = await signUpTeacher(page, baseURL!);
  const session = await teacher.call<{ id: string; joinCode: string }>('POST', '/api/sessions', {
    title: 'CSP check',
  });
  await teacher.call('POST', `/api/sessions/${session.id}/polls`, {
    prompt: 'Is this allowed?',
    content: { type: 'true_false' },
  });
  for (const path of [
    '/dashboard',
    `/sessions/${session.id}`,
    `/sessions/${session.id}/live`,
    `/present/${session.id}`,
  ]) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    expect(await violations(), path).toEqual([]);
  }
  await teacher.call('POST', `/api/sessions/${session.id}/start`);

  const socket = page.waitForEvent('websocket');
  await page.goto(`/j/${session.joinCode}`);
  // An anonymous session asks for no name; otherwise give one.
  const name = page.getByLabel('Your name');
  await expect(name.or(page.getByText(/Waiting for the next question/))).toBeVisible();
  if (await name.isVisible()) {
    await name.fill('Ada');
    await page.getByRole('button', { name: 'Join' }).click();
  }
  const ws = await socket;
  expect(ws.url()).toMatch(/^ws:\/\/[^/]+\/ws/);
  await expect(page.getByText(/Waiting for the next question/)).toBeVisible();
  expect(ws.isClosed()).toBe(false);
  expect(await violations(), 'student').toEqual([]);
});
