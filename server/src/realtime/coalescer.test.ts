import { expect, test } from 'bun:test';
import { Coalescer } from './coalescer.ts';

test('runs once per interval with many requests, and counts the next interval from the end of a slow run', async () => {
  const starts: number[] = [];
  let finish: (() => void) | null = null;
  const t0 = performance.now();
  // A run that lasts until we let it finish (a fan-out spread over many event-loop turns).
  const c = new Coalescer(40, () => {
    starts.push(performance.now() - t0);
    return new Promise<void>((r) => {
      finish = r;
    });
  });
  for (let i = 0; i < 50; i++) c.request();
  await Bun.sleep(5);
  expect(starts.length).toBe(1);
  c.request(); // asked for while running: one more run, after it ends
  await Bun.sleep(100); // far past the interval, but the first run has not ended
  expect(starts.length).toBe(1);
  const endedAt = performance.now() - t0;
  finish!();
  await Bun.sleep(5);
  expect(starts.length).toBe(1); // not back to back: end + interval / 2 at the earliest
  await Bun.sleep(40);
  expect(starts.length).toBe(2);
  expect(starts[1] - endedAt).toBeGreaterThanOrEqual(19);
  finish!();
  c.stop();
});
