import { describe, expect, test } from 'bun:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createAtRestCipher } from './crypto-at-rest.ts';
import { MemoryToolKeyStore } from './testing/memory-stores.ts';
import { createToolSigner, ensureToolKeys, rotateToolKeys, toolJwks } from './tool-keys.ts';

const DAY = 86_400_000;

describe('tool keys', () => {
  test('first boot publishes an active and a next key; the private half is encrypted', async () => {
    const store = new MemoryToolKeyStore();
    const cipher = await createAtRestCipher('test-secret-0123456789');
    await ensureToolKeys(store, cipher, new Date());
    const keys = await store.list();
    expect(keys.map((k) => k.status).sort()).toEqual(['active', 'next']);
    const jwks = toolJwks(keys);
    expect(jwks.keys).toHaveLength(2);
    for (const k of jwks.keys) {
      expect(k.alg).toBe('RS256');
      expect(k.d).toBeUndefined();
    }
    expect(keys[0].encryptedPrivateJwk.startsWith('v1.')).toBe(true);
  });

  test('the JWKS of a fresh install is never empty', async () => {
    const signer = createToolSigner(
      new MemoryToolKeyStore(),
      await createAtRestCipher('test-secret-0123456789'),
    );
    expect((await signer.jwks()).keys).toHaveLength(2);
  });

  test('signs with the active key, verifiable against the JWKS', async () => {
    const store = new MemoryToolKeyStore();
    const signer = createToolSigner(store, await createAtRestCipher('test-secret-0123456789'));
    const jwt = await signer.sign({ iss: 'tool', aud: 'x' });
    const { protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(await signer.jwks()), {
      audience: 'x',
    });
    const active = (await store.list()).find((k) => k.status === 'active')!;
    expect(protectedHeader.kid).toBe(active.kid);
  });

  test('rotation promotes the published next key, keeps the old one listed, then drops it', async () => {
    const store = new MemoryToolKeyStore();
    const cipher = await createAtRestCipher('test-secret-0123456789');
    const t0 = new Date('2026-01-01T00:00:00Z');
    await ensureToolKeys(store, cipher, t0);
    const before = await store.list();
    const oldActive = before.find((k) => k.status === 'active')!.kid;
    const oldNext = before.find((k) => k.status === 'next')!.kid;

    expect(await rotateToolKeys(store, cipher, new Date(t0.getTime() + 1000))).toBe(false);
    const t1 = new Date(t0.getTime() + 2 * DAY);
    expect(await rotateToolKeys(store, cipher, t1)).toBe(true);
    const after = await store.list();
    expect(after.find((k) => k.kid === oldNext)!.status).toBe('active');
    expect(after.find((k) => k.kid === oldActive)!.status).toBe('retired');
    expect(toolJwks(after).keys.map((k) => k.kid)).toContain(oldActive);

    const t2 = new Date(t1.getTime() + 20 * DAY);
    expect(await rotateToolKeys(store, cipher, t2)).toBe(true);
    expect((await store.list()).some((k) => k.kid === oldActive)).toBe(false);
  });
});
