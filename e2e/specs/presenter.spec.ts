/**
 * The projector view is legible from the back of a lecture hall (computed sizes at 1920x1080 and
 * 1280x720: join code ≥ 72 px, question and chart labels ≥ 28 px), and results updating live never
 * shift the layout (cumulative layout shift 0 over ten result updates).
 */
import { expect, type Page, test } from '@playwright/test';
import {
  castVotes,
  expectAccessible,
  joinAsGuest,
  liveSession,
  openPoll,
  screenshot,
  signUpTeacher,
} from '../support/classroom.ts';

const px = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));

test('presenter sizes at 1920x1080 and 1280x720, and zero layout shift over ten live result updates', async ({
  page,
}, info) => {
  // Sum every layout shift from the first paint on (the CLS definition, without the session windows).
  await page.addInitScript(() => {
    const w = window as unknown as { __cls: number; __shifted: string[] };
    w.__cls = 0;
    w.__shifted = [];
    new PerformanceObserver((list) => {
      type Shift = { value: number; hadRecentInput: boolean; sources?: { node?: Node }[] };
      for (const e of list.getEntries() as unknown as Shift[]) {
        if (e.hadRecentInput) continue;
        w.__cls += e.value;
        for (const s of e.sources ?? []) {
          const n = s.node;
          w.__shifted.push(
            n instanceof Element ? n.outerHTML.slice(0, 80) : String(n?.textContent ?? n?.nodeName),
          );
        }
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const t = await signUpTeacher(page.request);
  const s = await liveSession(page.request, t.token, 'Planetary science', [
    {
      prompt: 'Which planet has the most moons?',
      content: {
        type: 'single_choice',
        options: [
          { id: 'a', text: 'Saturn' },
          { id: 'b', text: 'Jupiter' },
          { id: 'c', text: 'Uranus' },
          { id: 'd', text: 'Neptune' },
        ],
      },
    },
  ]);
  await openPoll(page.request, t.token, s.polls[0]!.id, 600);
  const guests = [];
  for (let i = 0; i < 10; i++) guests.push(await joinAsGuest(page.request, s.joinCode, `Student ${i + 1}`));

  for (const size of [
    { width: 1920, height: 1080 },
    { width: 1280, height: 720 },
  ]) {
    await page.setViewportSize(size);
    await page.goto(`/present/${s.id}`);
    await expect(page.locator('.code')).toHaveText(s.joinCode);
    await expect(page.getByRole('heading', { name: 'Which planet has the most moons?' })).toBeVisible();
    expect(await px(page, '.code'), 'join code').toBeGreaterThanOrEqual(72);
    // The code is fully on screen, not clipped by its column.
    const box = (await page.locator('.code').boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(size.width);
    expect(await page.locator('.code').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    expect(await px(page, '.question'), 'question').toBeGreaterThanOrEqual(28);
    expect(await px(page, '.bars .label'), 'chart labels').toBeGreaterThanOrEqual(28);
    await expect(page.getByRole('img', { name: /QR code for .*\/j\// })).toBeVisible();
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expectAccessible(page, `presenter ${size.width}x${size.height}`);
  }
  await screenshot(page, info, 'presenter-1280x720');

  // Ten results updates, one vote at a time, while the chart is on screen.
  await page.evaluate(() => {
    const w = window as unknown as { __cls: number; __shifted: string[] };
    w.__cls = 0;
    w.__shifted = [];
  });
  const options = ['a', 'b', 'c', 'd'];
  await castVotes(
    page,
    s.id,
    guests.map((g, i) => ({
      token: g.participantToken,
      pollId: s.polls[0]!.id,
      value: { type: 'single_choice', optionId: options[i % 4] },
    })),
    250,
  );
  await expect(page.locator('.answered .num')).toHaveText('10');
  await expect(page.locator('.bars .row').first()).toContainText('30%');
  await page.waitForTimeout(500);
  const { cls, shifted } = await page.evaluate(() => {
    const w = window as unknown as { __cls: number; __shifted: string[] };
    return { cls: w.__cls, shifted: w.__shifted };
  });
  expect(cls, `layout shifts: ${shifted.join(' | ')}`).toBe(0);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(page, info, 'presenter-1920x1080');
});
