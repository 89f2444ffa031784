/**
 * Tool signing keys: RS256 key pairs, the public JWKS, rotation and signing with the active key.
 *
 * Rotation follows "publish before use, keep after use": a `next` key is listed in the JWKS before it
 * signs anything, so platforms that cache our JWKS already know it when it becomes `active`; the former
 * active key becomes `retired` and stays listed for `retiredRetentionMs` (longer than platforms cache).
 * Private keys exist in plaintext only in memory; the store holds them encrypted (crypto-at-rest.ts).
 */
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import type { AtRestCipher } from './crypto-at-rest.ts';
import type { ToolKeyRecord, ToolKeyStatus, ToolKeyStore } from './ports.ts';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Generate one RS256 key pair as a store record, private half encrypted.
 * @example
 *   await store.insert(await generateToolKey(cipher, new Date(), 'next'));
 */
export async function generateToolKey(
  cipher: AtRestCipher,
  now: Date,
  status: ToolKeyStatus,
): Promise<ToolKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const kid = crypto.randomUUID();
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  return {
    kid,
    status,
    publicJwk,
    encryptedPrivateJwk: await cipher.encrypt(JSON.stringify(privateJwk)),
    createdAt: now,
    statusChangedAt: now,
  };
}

/**
 * The public JWKS document: next, active and retired keys are all listed.
 * @example
 *   new Response(JSON.stringify(toolJwks(await store.list())));
 */
export function toolJwks(keys: ToolKeyRecord[]): JSONWebKeySet {
  const order: Record<ToolKeyStatus, number> = { active: 0, next: 1, retired: 2 };
  return {
    keys: [...keys]
      .sort((a, b) => order[a.status] - order[b.status])
      .map((k) => ({ ...k.publicJwk, kid: k.kid, alg: 'RS256', use: 'sig' })),
  };
}

/**
 * Make sure there is an active key and a published next key (first boot, or after a rotation).
 * @example
 *   await ensureToolKeys(ports.toolKeys, cipher, new Date());
 */
export async function ensureToolKeys(store: ToolKeyStore, cipher: AtRestCipher, now: Date): Promise<void> {
  const keys = await store.list();
  if (!keys.some((k) => k.status === 'active'))
    await store.insert(await generateToolKey(cipher, now, 'active'));
  if (!keys.some((k) => k.status === 'next')) await store.insert(await generateToolKey(cipher, now, 'next'));
}

export interface RotationOptions {
  /** The next key must have been published at least this long (default 1 day). */
  minNextAgeMs?: number;
  /** Retired keys stay listed this long (default 14 days), then are deleted. */
  retiredRetentionMs?: number;
}

/**
 * Rotate: next -> active, active -> retired, a fresh next is published, long-retired keys are dropped.
 * Refuses (returns false) while the next key is younger than `minNextAgeMs`.
 * @example
 *   if (!(await rotateToolKeys(store, cipher, new Date()))) console.log('next key too fresh, try later');
 */
export async function rotateToolKeys(
  store: ToolKeyStore,
  cipher: AtRestCipher,
  now: Date,
  { minNextAgeMs = DAY, retiredRetentionMs = 14 * DAY }: RotationOptions = {},
): Promise<boolean> {
  await ensureToolKeys(store, cipher, now);
  const keys = await store.list();
  const next = keys.find((k) => k.status === 'next')!;
  if (now.getTime() - next.statusChangedAt.getTime() < minNextAgeMs) return false;
  for (const k of keys) {
    if (k.status === 'active') await store.updateStatus(k.kid, 'retired', now);
    if (k.status === 'retired' && now.getTime() - k.statusChangedAt.getTime() > retiredRetentionMs) {
      await store.delete(k.kid);
    }
  }
  await store.updateStatus(next.kid, 'active', now);
  await store.insert(await generateToolKey(cipher, now, 'next'));
  return true;
}

export interface ToolSigner {
  /** Sign a JWT with the active key (header `kid`, `alg: RS256`, `typ: JWT`). */
  sign(payload: JWTPayload, opts?: { expiresInS?: number }): Promise<string>;
  /** The current JWKS. */
  jwks(): Promise<JSONWebKeySet>;
}

/**
 * A signer over the key store; decrypted private keys are cached in memory by kid.
 * @example
 *   const signer = createToolSigner(ports.toolKeys, cipher);
 *   const jwt = await signer.sign({ iss: clientId, aud: tokenUrl }, { expiresInS: 300 });
 */
export function createToolSigner(
  store: ToolKeyStore,
  cipher: AtRestCipher,
  now: () => Date = () => new Date(),
): ToolSigner {
  const cache = new Map<string, CryptoKey>();
  return {
    async sign(payload, { expiresInS = 300 } = {}) {
      const keys = await store.list();
      let active = keys.find((k) => k.status === 'active');
      if (!active) {
        await ensureToolKeys(store, cipher, now());
        active = (await store.list()).find((k) => k.status === 'active')!;
      }
      let key = cache.get(active.kid);
      if (!key) {
        const jwk = JSON.parse(await cipher.decrypt(active.encryptedPrivateJwk)) as JWK;
        key = (await importJWK(jwk, 'RS256')) as CryptoKey;
        cache.set(active.kid, key);
      }
      const iat = Math.floor(now().getTime() / 1000);
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid: active.kid, typ: 'JWT' })
        .setIssuedAt(iat)
        .setExpirationTime(iat + expiresInS)
        .sign(key);
    },
    async jwks() {
      let keys = await store.list();
      if (!keys.some((k) => k.status === 'active')) {
        await ensureToolKeys(store, cipher, now());
        keys = await store.list();
      }
      return toolJwks(keys);
    },
  };
}
