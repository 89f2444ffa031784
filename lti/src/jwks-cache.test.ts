import { describe, expect, test } from 'bun:test';
import { exportJWK, generateKeyPair } from 'jose';
import { JwksCache } from './jwks-cache.ts';

async function jwk(kid: string) {
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
}

function fakeFetch(docs: () => object) {
  let calls = 0;
  const f = async () => {
    calls++;
    return Response.json(docs());
  };
  return { f, calls: () => calls };
}

describe('JwksCache', () => {
  test('serves from cache, refetches once on an unknown kid, and rate-limits refetches', async () => {
    const keys = [await jwk('a')];
    const net = fakeFetch(() => ({ keys }));
    let now = 1_000_000;
    const cache = new JwksCache({ fetch: net.f, now: () => now, minRefetchMs: 5_000 });
    expect((await cache.getKey('https://p/jwks', 'a')).ok).toBe(true);
    expect((await cache.getKey('https://p/jwks', 'a')).ok).toBe(true);
    expect(net.calls()).toBe(1);

    keys.push(await jwk('b'));
    now += 1_000; // too soon to refetch
    expect(await cache.getKey('https://p/jwks', 'b')).toMatchObject({ ok: false, reason: 'kid_unknown' });
    expect(net.calls()).toBe(1);
    now += 5_000;
    expect(await cache.getKey('https://p/jwks', 'b')).toMatchObject({ ok: true, refetched: true });
    expect(net.calls()).toBe(2);
  });

  test('expires after the TTL', async () => {
    const keys = [await jwk('a')];
    const net = fakeFetch(() => ({ keys }));
    let now = 0;
    const cache = new JwksCache({ fetch: net.f, now: () => now, ttlMs: 60_000 });
    await cache.getKey('u', 'a');
    now += 61_000;
    await cache.getKey('u', 'a');
    expect(net.calls()).toBe(2);
  });

  test('reports an unreachable JWKS', async () => {
    const cache = new JwksCache({ fetch: async () => new Response('nope', { status: 503 }) });
    expect(await cache.getKey('https://p/jwks', 'a')).toMatchObject({
      ok: false,
      reason: 'jwks_unavailable',
    });
  });
});
