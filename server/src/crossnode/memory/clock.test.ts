/** The memory ports read an injected clock, so expiry can be tested (and used in other suites) without waiting. */
import { expect, test } from 'bun:test';
import { createMemoryCrossNode, createMemoryHub } from './index.ts';

test('presence, cache, revocations and rate limits expire on the injected clock', async () => {
  let now = 1_000;
  const hub = createMemoryHub({ now: () => now });
  const [a, b] = [createMemoryCrossNode({ hub, presenceTtlMs: 10_000 }), createMemoryCrossNode({ hub })];
  await a.presence.join('s', { connectionId: 'c1', nodeId: 'a', role: 'student' });
  await a.cache.set('k', 'v', 5_000);
  await a.revocations.revoke('r', 5_000);
  await a.rateLimiter.hit('ip', 1, 5_000);
  expect((await b.rateLimiter.hit('ip', 1, 5_000)).retryAfterMs).toBe(5_000);
  now += 4_999;
  expect(await b.cache.get('k')).toBe('v');
  expect(await b.revocations.isRevoked('r')).toBe(true);
  expect((await b.rateLimiter.hit('ip', 1, 5_000)).retryAfterMs).toBe(1);
  now += 1;
  expect(await b.cache.get('k')).toBeUndefined();
  expect(await b.revocations.isRevoked('r')).toBe(false);
  expect((await b.rateLimiter.hit('ip', 1, 5_000)).allowed).toBe(true);
  expect(await b.presence.list('s')).toHaveLength(1);
  now += 5_000;
  expect(await b.presence.list('s')).toEqual([]);
});
