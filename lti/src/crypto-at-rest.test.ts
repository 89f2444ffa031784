import { describe, expect, test } from 'bun:test';
import { createAtRestCipher } from './crypto-at-rest.ts';

describe('crypto at rest', () => {
  test('round-trips and never repeats a ciphertext', async () => {
    const c = await createAtRestCipher('a-long-enough-secret');
    const a = await c.encrypt('private key');
    const b = await c.encrypt('private key');
    expect(a).not.toBe(b);
    expect(a).not.toContain('private key');
    expect(await c.decrypt(a)).toBe('private key');
  });

  test('a different secret cannot decrypt', async () => {
    const a = await (await createAtRestCipher('a-long-enough-secret')).encrypt('x');
    const other = await createAtRestCipher('another-long-secret!');
    await expect(other.decrypt(a)).rejects.toThrow();
  });

  test('tampering is detected', async () => {
    const c = await createAtRestCipher('a-long-enough-secret');
    const sealed = await c.encrypt('hello');
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    await expect(c.decrypt(sealed.slice(0, -2) + last + sealed.slice(-1))).rejects.toThrow();
  });

  test('refuses a short secret', async () => {
    await expect(createAtRestCipher('short')).rejects.toThrow(/16 characters/);
  });
});
