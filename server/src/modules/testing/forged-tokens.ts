/** Tokens an attacker (or a stale tab) might present: expired, signed with another key, `alg: none`. */
import { SignJWT } from 'jose';
import { ORIGIN } from './test-app.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export async function forgedTokens(userId: string, realToken: string) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: userId,
    adm: true,
    via: 'password',
    fam: crypto.randomUUID(),
    iss: ORIGIN,
    aud: 'handsup',
  };
  const kid = JSON.parse(Buffer.from(realToken.split('.')[0], 'base64url').toString()).kid as string;
  return {
    wrongKey: await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode('not-the-server-key-not-the-server-key')),
    algNone: `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64({ ...claims, iat: now, exp: now + 600 })}.`,
  };
}
