/**
 * AES-256-GCM for secrets at rest (tool private keys). The key is derived with HKDF-SHA-256 from a
 * configuration secret, so the database alone never reveals a private key.
 * Format: `v1.<iv base64url>.<ciphertext+tag base64url>`.
 */
import { base64url } from 'jose';

const INFO = new TextEncoder().encode('handsup/lti/keys-at-rest/v1');
const SALT = new TextEncoder().encode('handsup-lti');

export interface AtRestCipher {
  encrypt(plaintext: string): Promise<string>;
  decrypt(ciphertext: string): Promise<string>;
}

/**
 * Derive the AES-256-GCM cipher from a configuration secret (at least 16 characters).
 * @example
 *   const cipher = await createAtRestCipher(process.env.HANDSUP_LTI_KEY_SECRET!);
 *   const sealed = await cipher.encrypt('{"kty":"RSA",…}');
 *   await cipher.decrypt(sealed); // '{"kty":"RSA",…}'
 */
export async function createAtRestCipher(secret: string): Promise<AtRestCipher> {
  if (secret.length < 16) throw new Error('The LTI key encryption secret must be at least 16 characters.');
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, [
    'deriveKey',
  ]);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: SALT, info: INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  return {
    async encrypt(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv },
        key,
        new TextEncoder().encode(plaintext),
      );
      return `v1.${base64url.encode(iv)}.${base64url.encode(new Uint8Array(ct))}`;
    },
    async decrypt(sealed) {
      const [version, iv, ct] = sealed.split('.');
      if (version !== 'v1' || !iv || !ct) throw new Error('Unrecognised at-rest ciphertext format.');
      const pt = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: new Uint8Array(base64url.decode(iv)) },
        key,
        new Uint8Array(base64url.decode(ct)),
      );
      return new TextDecoder().decode(pt);
    },
  };
}
