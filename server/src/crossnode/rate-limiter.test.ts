import { expect, test } from 'bun:test';
import { describeCrossNode, sleep } from './cross-node-matrix.ts';

describeCrossNode('RateLimiter', (cluster) => {
  test('allows `limit` hits in a window, then denies with the time left in the window', async () => {
    const a = await cluster.node();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await a.rateLimiter.hit('ip:1', 3, 5_000));
    expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(results.slice(0, 3).every((r) => r.retryAfterMs === 0)).toBe(true);
    expect(results[3].retryAfterMs).toBeGreaterThan(4_000);
    expect(results[3].retryAfterMs).toBeLessThanOrEqual(5_000);
  });

  test('counts hits from every node against the same key, and keeps keys apart', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    expect((await a.rateLimiter.hit('shared', 2, 5_000)).allowed).toBe(true);
    expect((await b.rateLimiter.hit('shared', 2, 5_000)).allowed).toBe(true);
    expect((await a.rateLimiter.hit('shared', 2, 5_000)).allowed).toBe(false);
    expect((await b.rateLimiter.hit('another', 2, 5_000)).allowed).toBe(true);
  });

  test('allows again once the window has passed', async () => {
    const a = await cluster.node();
    await a.rateLimiter.hit('window', 1, 150);
    const denied = await a.rateLimiter.hit('window', 1, 150);
    expect(denied.allowed).toBe(false);
    await sleep(denied.retryAfterMs + 20);
    expect(await a.rateLimiter.hit('window', 1, 150)).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
    });
  });

  test('reset forgets the window', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    await a.rateLimiter.hit('login:x', 1, 60_000);
    expect((await a.rateLimiter.hit('login:x', 1, 60_000)).allowed).toBe(false);
    await b.rateLimiter.reset('login:x');
    expect((await a.rateLimiter.hit('login:x', 1, 60_000)).allowed).toBe(true);
  });

  test('allows exactly `limit` of 200 simultaneous hits spread over two nodes', async () => {
    const [a, b] = [await cluster.node(), await cluster.node()];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).rateLimiter.hit('burst', 50, 10_000)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(50);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterMs > 0)).toBe(true);
  });
});
