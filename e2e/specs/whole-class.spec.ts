/**
 * A whole class in real Chromium: one teacher, five students (two phone-sized), one poll of each of
 * the seven types. The teacher signs up, builds the session in the editor, goes live and runs every
 * poll from live control; students join by code and by the QR link and answer; the teacher and the
 * presenter see the same counts; one student's connection is cut for real (a TCP proxy drops it)
 * while answering — "reconnecting…" shows, and the answer is acknowledged and counted once when the
 * connection returns; the CSV export holds every answer. axe-core finds nothing on any page visited.
 */
import { type Browser, expect, type Page, test } from '@playwright/test';
import { apiCall, expectAccessible, PASSWORD, screenshot } from '../support/classroom.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

test.setTimeout(300_000);

const POLLS = [
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
  {
    prompt: 'Which are noble gases?',
    content: {
      type: 'multiple_choice',
      options: [
        { id: 'he', text: 'Helium' },
        { id: 'ne', text: 'Neon' },
        { id: 'o', text: 'Oxygen' },
      ],
    },
    settings: { correct: { kind: 'choice', optionIds: ['he', 'ne'] } },
  },
  {
    prompt: 'Water boils at 100 °C at sea level.',
    content: { type: 'true_false' },
    settings: { correct: { kind: 'true_false', value: true } },
  },
  {
    prompt: 'How clear was today?',
    content: { type: 'rating', scale: 5, minLabel: 'Lost', maxLabel: 'Crystal' },
  },
  {
    prompt: 'How many moons has Mars?',
    content: { type: 'numeric', min: 0, max: 10, step: 1 },
    settings: { correct: { kind: 'numeric_value', value: 2 } },
  },
  { prompt: 'One word for photosynthesis', content: { type: 'word_cloud', maxEntries: 3 } },
  { prompt: 'What was unclear?', content: { type: 'open_text', maxLength: 300 } },
];

/** Answers the open poll through the student page's own controls. */
async function answer(page: Page, type: string, n: number) {
  switch (type) {
    case 'single_choice':
      await page.locator('label.option', { hasText: n % 2 ? 'Mars' : 'Jupiter' }).click();
      break;
    case 'multiple_choice':
      await page.locator('label.option', { hasText: 'Helium' }).click();
      await page.locator('label.option', { hasText: 'Neon' }).click();
      break;
    case 'true_false':
      await page.locator('label.option', { hasText: 'True' }).click();
      break;
    case 'rating':
      await page.getByRole('radio', { name: String((n % 5) + 1) }).check({ force: true });
      break;
    case 'numeric':
      await page.getByLabel('Your answer').fill(String(n % 3));
      break;
    case 'word_cloud':
      await page.getByLabel('Word 1').fill(n % 2 ? 'sunlight' : 'chlorophyll');
      break;
    case 'open_text':
      await page.getByLabel('Your answer').fill(`Student ${n} found entropy unclear`);
      break;
  }
  await page.getByRole('button', { name: 'Send answer' }).click();
}

async function studentPage(browser: Browser, baseURL: string, phone: boolean) {
  const ctx = await browser.newContext({
    baseURL,
    ...(phone
      ? { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 800 } }),
  });
  return ctx.newPage();
}

test('one teacher and five students run a poll of every type, surviving a real connection cut', async ({
  browser,
  page,
  playwright,
  baseURL,
}, info) => {
  // ---- the teacher builds the session ----------------------------------------------------------
  const email = `class-${Date.now().toString(36)}@example.edu`;
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('/signup');
  await expectAccessible(page, 'sign-up');
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.getByRole('textbox', { name: 'Title', exact: true }).fill('Physics week 5');
  await page.getByRole('button', { name: 'Create session' }).click();
  await expect(page).toHaveURL(/\/sessions\/[0-9a-f-]{36}$/);
  const sessionId = page.url().split('/').pop()!;
  await page.getByLabel('Session names').selectOption('teacher_only');
  await expect(page.getByText('Anonymity saved.')).toBeVisible();

  // The first poll through the editor (with its live preview), the other six through the API.
  await page.getByRole('button', { name: 'New poll' }).click();
  await page.getByLabel('Question').fill(POLLS[0]!.prompt);
  await page.getByRole('textbox', { name: 'Option 1', exact: true }).fill('Jupiter');
  await page.getByRole('textbox', { name: 'Option 2', exact: true }).fill('Mars');
  await page.getByRole('checkbox', { name: 'Correct (option 1)' }).check();
  await page.getByLabel('Students see results').selectOption('on_reveal');
  await expect(page.getByRole('region', { name: 'Student preview' }).getByText('Jupiter')).toBeVisible();
  await expectAccessible(page, 'session editor');
  await page.getByRole('button', { name: 'Add poll' }).click();
  await expect(page.getByText('Poll added.')).toBeVisible();

  const api = await playwright.request.newContext({ baseURL });
  const token = (await (await api.post('/api/auth/sign-in', { data: { email, password: PASSWORD } })).json())
    .accessToken as string;
  for (const p of POLLS.slice(1)) await apiCall(api, token, 'POST', `/api/sessions/${sessionId}/polls`, p);
  await page.reload();
  await expect(page.getByRole('list', { name: 'Polls in this session' }).getByRole('listitem')).toHaveCount(
    7,
  );

  // Reorder by keyboard: poll 2 down, then back up.
  await page.getByRole('button', { name: /^Move poll 2:/ }).press('ArrowDown');
  await expect(page.getByText(/Moved “Which are noble gases\?” to position 3 of 7/)).toBeVisible();
  await page.getByRole('button', { name: /^Move poll 3: Which are noble gases/ }).press('ArrowUp');
  await expect(page.getByText(/to position 2 of 7/)).toBeVisible();
  // The list moved at once on screen; the server gets both reorders, in the order they were made.
  const prompts = async () =>
    (
      await apiCall<{ polls: { prompt: string }[] }>(api, token, 'GET', `/api/sessions/${sessionId}/polls`)
    ).polls.map((p) => p.prompt);
  await expect.poll(prompts).toEqual(POLLS.map((p) => p.prompt));
  const polls = (
    await apiCall<{ polls: { id: string; type: string; prompt: string }[] }>(
      api,
      token,
      'GET',
      `/api/sessions/${sessionId}/polls`,
    )
  ).polls;
  expect(polls.map((p) => p.prompt)).toEqual(POLLS.map((p) => p.prompt));

  await page.goto('/dashboard');
  await expect(page.getByRole('link', { name: 'Physics week 5', exact: true })).toBeVisible();
  await expectAccessible(page, 'dashboard');
  await screenshot(page, info, 'dashboard');

  // ---- live control and presenter --------------------------------------------------------------
  await page.goto(`/sessions/${sessionId}/live`);
  await page.getByRole('button', { name: 'Go live' }).click();
  await expect(page.getByText('The session is live')).toBeVisible();
  const presenter = await page.context().newPage();
  await presenter.setViewportSize({ width: 1280, height: 720 });
  await presenter.goto(`/present/${sessionId}`);
  const qrLabel = await presenter.getByRole('img', { name: /^QR code for / }).getAttribute('aria-label');
  const joinUrl = qrLabel!.replace('QR code for ', '');
  const code = joinUrl.split('/').pop()!;

  // ---- five students: three by code (one through the cuttable proxy), two by the QR link --------
  const port = Number(new URL(baseURL!).port);
  const proxy = await startTcpProxy(port);
  const students: Page[] = [];
  for (let i = 0; i < 5; i++) {
    const viaProxy = i === 1;
    const s = await studentPage(browser, viaProxy ? proxy.url : baseURL!, i < 2);
    if (i < 3) {
      await s.goto('/');
      await s.getByLabel('Session code').fill(code);
      await s.getByRole('button', { name: 'Join' }).click();
    } else {
      await s.goto(joinUrl);
    }
    await s.getByLabel('Your name').fill(`Student ${i + 1}`);
    await s.getByRole('button', { name: 'Join' }).click();
    await expect(s.getByText(/Waiting for the next question/)).toBeVisible();
    students.push(s);
  }
  await expectAccessible(students[0]!, 'student waiting (phone)');
  await expect(page.locator('.counts').getByText('Connected').locator('..').locator('dd')).toHaveText('5');

  // ---- every poll in turn ------------------------------------------------------------------------
  for (const [i, poll] of polls.entries()) {
    await page.getByRole('button', { name: i === 0 ? 'Open the first poll' : 'Next poll' }).click();
    await expect(page.locator('.prompt')).toHaveText(poll.prompt);
    for (const [n, s] of students.entries()) {
      await expect(s.getByRole('heading', { name: poll.prompt })).toBeVisible();
      if (n === 1 && poll.type === 'true_false') {
        // Cut this student's connection for real, answer while cut, then let it come back.
        proxy.cut();
        await expect(s.getByText('Reconnecting… your answers are kept.')).toBeVisible();
        await answer(s, poll.type, n);
        await expect(s.getByText(/Answer saved — it will be sent when the connection is back/)).toBeVisible();
        await screenshot(s, info, 'student-phone-reconnecting');
        proxy.restore();
        await expect(s.getByText('Reconnecting…')).toHaveCount(0, { timeout: 20_000 });
      } else {
        await answer(s, poll.type, n);
      }
      await expect(s.getByText(/Answer received/)).toBeVisible({ timeout: 20_000 });
    }
    await expect(page.locator('.counts').getByText('Answered').locator('..').locator('dd')).toHaveText('5');
    await expect(presenter.locator('.answered .num')).toHaveText('5');
    if (i === 0) {
      await expectAccessible(students[2]!, 'student answered (desktop)');
      await screenshot(students[2]!, info, 'student-desktop');
      await screenshot(students[0]!, info, 'student-phone');
      await page.getByRole('button', { name: 'Reveal results' }).click();
      await page.getByRole('button', { name: 'Reveal correct answer' }).click();
      await expect(students[0]!.getByText(/Correct answer:\s*Jupiter/)).toBeVisible();
      await expect(presenter.locator('.bars .row').first()).toContainText('60%');
      await expectAccessible(page, 'live control');
      await screenshot(page, info, 'live-control');
      await expectAccessible(presenter, 'presenter');
      await screenshot(presenter, info, 'presenter');
    }
  }

  // The answer given while cut counted once: the true/false poll has exactly five answers.
  const tf = polls.find((p) => p.type === 'true_false')!;
  const tfResults = await apiCall<{ results: { total: number } } & Record<string, unknown>>(
    api,
    token,
    'GET',
    `/api/polls/${tf.id}/results`,
  );
  expect(JSON.stringify(tfResults)).toContain('"total":5');

  // ---- the CSV export holds every answer ----------------------------------------------------------
  const csv = await apiCall<string>(api, token, 'GET', `/api/sessions/${sessionId}/results.csv`);
  for (let i = 1; i <= 5; i++)
    expect(
      csv.split('\n').filter((l) => l.includes(`Student ${i}`)).length,
      `rows for Student ${i}`,
    ).toBeGreaterThanOrEqual(7);
  expect(csv).toContain('found entropy unclear');
  await proxy.close();
  await api.dispose();
});
