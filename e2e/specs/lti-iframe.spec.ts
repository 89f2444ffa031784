/**
 * LTI 1.3 inside an LMS iframe with third-party cookies blocked, in real Chromium, on both deployment
 * shapes. The mock LMS (http://127.0.0.1:PORT, its own site) shows a course page that embeds the
 * launch in an iframe on Handsup (http://localhost:PORT, another site); each user has a fresh profile
 * with `profile.cookie_controls_mode = 1`. The teacher launches (LTI platform storage offered, as
 * Canvas does), lands in the session's control, starts it, adds a question and opens it; a student
 * launches (no platform storage: the partitioned cookie binds the login), lands in the student view,
 * answers; the teacher's live results show the answer. No sign-in anywhere.
 *
 * Also: the admin LTI page (signed in as the env-configured admin), and the LTI page renewing its
 * 15-minute app-session token over a long class (the page clock moved on in 10 s steps) and handing
 * the new token to its open socket.
 */
import { expect, type Frame, type Page, test } from '@playwright/test';
import { expectAccessible, screenshot } from '../support/classroom.ts';
import {
  ADMIN,
  type BlockedProfile,
  type MockLms,
  registerPlatform,
  type Shape,
  startLtiHandsup,
  startMockLms,
  thirdPartyCookiesBlocked,
} from '../support/lti.ts';
import type { HandsupProcess } from '../support/servers.ts';

test.describe.configure({ mode: 'serial' });

let handsup: HandsupProcess;
let lms: MockLms;
const profiles: BlockedProfile[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  handsup = await startLtiHandsup(test.info().project.name as Shape);
  lms = await startMockLms(handsup.url, 'canvas');
  await registerPlatform(handsup.url, lms);
});

test.afterAll(async () => {
  for (const p of profiles.splice(0)) await p.close();
  await lms?.stop();
  await handsup?.stop();
});

/**
 * Where a frame really is, asked inside it. The tool's iframe is cross-site (an out-of-process frame in
 * Chromium), and Playwright's cached `frame.url()` once stayed on an earlier URL for 20 s after the
 * frame had navigated and rendered (CI, 2026-11-27): the frame itself is the authority.
 */
const frameUrl = (frame: Frame): Promise<string> =>
  Promise.race([
    frame.evaluate(() => location.href),
    new Promise<string>((_, reject) =>
      setTimeout(() => reject(new Error('the frame did not answer within 2 s')), 2_000),
    ),
  ]);

/** The tool's frame inside the course page, once it has landed on `path` (after login → launch). */
async function toolFrame(page: Page, path: RegExp, timeout = 20_000): Promise<Frame> {
  let found: Frame | undefined;
  await expect
    .poll(
      async () => {
        for (const f of page.frames()) {
          if (f === page.mainFrame()) continue;
          // A frame mid-navigation cannot answer yet: the next poll asks again.
          const href = await frameUrl(f).catch(() => null);
          if (href && path.test(new URL(href).pathname)) {
            found = f;
            return href;
          }
        }
        return undefined;
      },
      {
        message: `the iframe reaches ${path}`,
        timeout,
      },
    )
    .toBeTruthy();
  return found!;
}

/** Console errors about CSP (or anything refused) in any frame of the page, to assert none happened. */
function refusals(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

/** Storage is what Chromium denies a cross-site iframe when third-party cookies are blocked. */
const storageInFrame = (frame: Frame) =>
  frame.evaluate(() => {
    try {
      localStorage.getItem('x');
      return 'allowed';
    } catch {
      return 'denied';
    }
  });

test('teacher and student launch inside an LMS iframe with third-party cookies blocked; the answer reaches the teacher live', async () => {
  const info = test.info();
  test.setTimeout(120_000);
  const started = Date.now();

  // Teacher: the course page on the LMS's origin embeds Handsup's login; lands on the control page.
  const teacher = await thirdPartyCookiesBlocked();
  profiles.push(teacher);
  const tPage = await teacher.context.newPage();
  const tRefused = refusals(tPage);
  await tPage.goto(await lms.coursePage('teacher', { storageTarget: '_parent' }));
  expect(new URL(tPage.url()).origin).toBe(lms.origin);
  const tFrame = await toolFrame(tPage, /^\/lti-app\/teach\/[0-9a-f-]{36}$/);
  expect(new URL(await frameUrl(tFrame)).origin).toBe(handsup.url);
  const sessionId = new URL(await frameUrl(tFrame)).pathname.split('/').pop()!;
  await expect(tFrame.getByTestId('lti-teacher-status')).toContainText('idle');
  // Storage is denied here, so the token came in the #lti_session fragment; the page removed it.
  expect(await storageInFrame(tFrame)).toBe('denied');
  await expect.poll(async () => new URL(await frameUrl(tFrame)).hash).not.toContain('lti_session');

  await tFrame.getByRole('button', { name: 'Start session' }).click();
  await expect(tFrame.getByTestId('lti-teacher-status')).toContainText('live');
  await expect(tFrame.getByText('Connection: open')).toBeVisible();

  await tFrame.getByRole('textbox', { name: 'Question', exact: true }).fill('Which organelle makes ATP?');
  await tFrame.getByLabel('Choices, one per line').fill('Mitochondria\nRibosome\nNucleus');
  await tFrame.getByRole('button', { name: 'Add question' }).click();
  await tFrame.getByRole('button', { name: 'Open “Which organelle makes ATP?”' }).click();
  await expect(tFrame.getByTestId('lti-answer-count')).toHaveText('0 answers');
  await screenshot(tPage, info, 'lti-teacher-iframe');

  // Student: another profile, the same course and resource link; lands on the student view.
  const student = await thirdPartyCookiesBlocked();
  profiles.push(student);
  const sPage = await student.context.newPage();
  const sRefused = refusals(sPage);
  await sPage.goto(await lms.coursePage('student'));
  const sFrame = await toolFrame(sPage, new RegExp(`^/lti-app/session/${sessionId}$`));
  expect(await storageInFrame(sFrame)).toBe('denied');
  await expect(sFrame.getByRole('heading', { name: 'Which organelle makes ATP?' })).toBeVisible();
  await sFrame.getByRole('radio', { name: 'Mitochondria' }).check();
  await sFrame.getByRole('button', { name: 'Send answer' }).click();
  await expect(sFrame.getByText('Answer received: Mitochondria')).toBeVisible();
  await screenshot(sPage, info, 'lti-student-iframe');

  // The teacher's live results, without a reload.
  await expect(tFrame.getByTestId('lti-answer-count')).toHaveText('1 answer');
  const bar = tFrame.locator('li.row').filter({ hasText: 'Mitochondria' });
  await expect(bar.locator('.count')).toHaveText('1');
  await expect(bar).toContainText('100%');
  await tFrame.getByRole('heading', { name: 'Live results' }).scrollIntoViewIfNeeded();
  await screenshot(tPage, info, 'lti-teacher-results');

  // The pages' CSP (nonce scripts, frame-ancestors naming the LMS) refused nothing on either side.
  expect([...tRefused, ...sRefused]).toEqual([]);

  // Neither browser holds a Handsup cookie it could send top-level (the launch used none after login).
  for (const p of [teacher, student]) {
    const unpartitioned = (await p.context.cookies(handsup.url)).filter((c) => !c.partitionKey);
    expect(unpartitioned.map((c) => c.name)).toEqual([]);
  }
  info.annotations.push({ type: 'flow-ms', description: String(Date.now() - started) });
});

test('the admin LTI page lists the platform, shows the values for the LMS, adds, disables, activates and removes', async ({
  page,
}) => {
  const info = test.info();
  await page.goto(`${handsup.url}/admin/lti`);
  await expect(page).toHaveURL(/\/signin\?next=%2Fadmin%2Flti$/);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/lti$/);

  const mock = page
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: lms.registration.name }) });
  await expect(mock).toContainText('Active');
  await expect(mock).toContainText(lms.registration.clientId);
  await expect(page.getByText(`${handsup.url}/lti/login`, { exact: true })).toBeVisible();
  await expect(page.getByText(`${handsup.url}/lti/register`, { exact: true })).toBeVisible();
  await expectAccessible(page, 'admin LTI page');

  // A platform added by hand; its name is text, never markup.
  const name = '<b>Moodle</b> test';
  await page.getByLabel('Name (optional)').fill(name);
  await page.getByLabel('Issuer').fill('https://moodle.example.edu');
  await page.getByLabel('Client ID').fill('moodle-abc');
  await page.getByLabel('Authorization (OIDC login) URL').fill('https://moodle.example.edu/mod/lti/auth.php');
  await page.getByLabel('Access token URL').fill('https://moodle.example.edu/mod/lti/token.php');
  await page.getByLabel('Deployment IDs').fill('1, 2');
  await page.getByRole('button', { name: 'Add platform' }).click();
  await expect(page.getByRole('alert')).toHaveText('Public keyset (JWKS) URL is required.');
  await expect(page.getByLabel('Public keyset (JWKS) URL')).toBeFocused();
  await page.getByLabel('Public keyset (JWKS) URL').fill('https://moodle.example.edu/mod/lti/certs.php');
  await page.getByRole('button', { name: 'Add platform' }).click();
  const added = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
  await expect(added).toContainText('Active');
  await expect(added).toContainText('1, 2');

  await added.getByRole('button', { name: `Disable ${name}` }).click();
  await expect(added).toContainText('Disabled');
  await added.getByRole('button', { name: `Activate ${name}` }).click();
  await expect(added).toContainText('Active');
  await screenshot(page, info, 'lti-admin');
  await added.getByRole('button', { name: `Remove ${name}` }).click();
  await added.getByRole('button', { name: `Yes, remove ${name}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'was removed' })).toBeVisible();
  await expect(page.getByRole('heading', { name })).toHaveCount(0);
  await expect(mock).toBeVisible();
});

test('a long class: the LTI page renews its 15-minute app-session token and hands the new one to its open socket', async () => {
  const frames: string[] = [];
  const launch = async (timeout?: number) => {
    const teacher = await thirdPartyCookiesBlocked();
    profiles.push(teacher);
    // The page's clock runs normally; below it is moved on in 10 s steps (so pings and pongs keep the
    // socket alive, as in a real class) past half the token's lifetime, when the page renews it.
    await teacher.context.clock.install();
    const page = await teacher.context.newPage();
    page.on('websocket', (ws) => {
      ws.on('framereceived', (f) => frames.push(`< ${f.payload}`));
      ws.on('framesent', (f) => frames.push(`> ${f.payload}`));
    });
    await page.goto(
      await lms.coursePage('teacher', { storageTarget: '_parent', resourceLinkId: 'rl-long-class' }),
    );
    try {
      return { teacher, page, frame: await toolFrame(page, /^\/lti-app\/teach\/[0-9a-f-]{36}$/, timeout) };
    } catch (e) {
      await page.close();
      throw e;
    }
  };
  // With the clock installed, Playwright has (2 CI runs in 5, never locally) lost track of the
  // cross-site tool frame after its login → launch redirects: the frame rendered the teach page (CI
  // screenshot) but was not among page.frames() for 20 s. That launch is not what this test is about
  // (the first test checks it): such a lost page is closed and the teacher launches again (in a fresh
  // browser profile, as from another browser). A second loss still fails the test.
  const launched = await launch(10_000).catch(async (e: Error) => {
    frames.length = 0;
    console.warn(`first launch not seen by Playwright, launching again: ${e.message.split('\n')[0]}`);
    return launch();
  });
  const { teacher, page: tPage, frame: tFrame } = launched;
  await tFrame.getByRole('button', { name: 'Start session' }).click();
  await expect(tFrame.getByText('Connection: open')).toBeVisible();
  const sessionId = new URL(await frameUrl(tFrame)).pathname.split('/').pop()!;

  const renewal = tPage.waitForResponse((r) => r.url() === `${handsup.url}/api/auth/renew`);
  let done = false;
  void renewal.then(() => {
    done = true;
  });
  for (let step = 0; step < 60 && !done; step++) {
    await teacher.context.clock.fastForward(10_000);
    await tPage.waitForTimeout(50);
  }
  const res = await renewal;
  expect(res.status()).toBe(200);
  const old = (res.request().headers().authorization ?? '').replace(/^Bearer /, '');
  const { accessToken } = (await res.json()) as { accessToken: string };
  expect(accessToken).not.toBe(old);

  // The same socket (one welcome) got the new token and accepted it.
  await expect
    .poll(() => frames.filter((f) => f.startsWith('< ') && f.includes('"token.renewed"')).length)
    .toBe(1);
  expect(
    frames.filter((f) => f.startsWith('> ') && f.includes('"token.renew"') && f.includes(accessToken)),
  ).toHaveLength(1);
  expect(frames.filter((f) => f.startsWith('< ') && f.includes('"type":"welcome"'))).toHaveLength(1);
  await expect(tFrame.getByText('Connection: open')).toBeVisible();
  // The renewed token works for the API too.
  const status = await fetch(`${handsup.url}/api/lti/sessions/${sessionId}/status`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  expect(status.status).toBe(200);
});
