/**
 * Access tokens: HS256 JWTs of at most 15 minutes, with the signing key's id in the header so keys can
 * rotate. Local accounts (`via: password`) and LTI launches (`via: lti`, the app-session token) use the
 * same format; `fam` names the refresh-token family (or the LTI launch) the token belongs to, so that
 * signing out revokes the access tokens of that family on every node.
 */
import { AppError } from '@handsup/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../http/context.ts';
import type { JwtKey } from './secrets.ts';

export const ACCESS_TOKEN_TTL_MS = 15 * 60_000;
const AUDIENCE = 'handsup';

export interface AccessClaims {
  userId: string;
  isAdmin: boolean;
  via: 'password' | 'lti';
  familyId: string;
}

const enc = (s: string) => new TextEncoder().encode(s);

export async function signAccessToken(
  keys: JwtKey[],
  issuer: string,
  clock: Clock,
  claims: AccessClaims,
): Promise<{ token: string; expiresAt: number }> {
  const now = clock.now();
  const expiresAt = Math.floor((now + ACCESS_TOKEN_TTL_MS) / 1000) * 1000;
  const token = await new SignJWT({ adm: claims.isAdmin, via: claims.via, fam: claims.familyId })
    .setProtectedHeader({ alg: 'HS256', kid: keys[0].kid, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(issuer)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(expiresAt / 1000)
    .setJti(crypto.randomUUID())
    .sign(enc(keys[0].secret));
  return { token, expiresAt };
}

/**
 * Verifies signature (HS256 only — `alg: none` and others are refused), issuer, audience, expiry,
 * iat not in the future and a lifetime no longer than ACCESS_TOKEN_TTL_MS.
 */
export async function verifyAccessToken(
  keys: JwtKey[],
  issuer: string,
  clock: Clock,
  token: string,
): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = keys.find((k) => k.kid === header.kid);
        if (!key) throw new AppError('unauthenticated', 'The token is not valid.');
        return enc(key.secret);
      },
      {
        algorithms: ['HS256'],
        issuer,
        audience: AUDIENCE,
        currentDate: new Date(clock.now()),
        clockTolerance: 0,
        // iat in the future is refused, and so is a token older than an access token can live.
        requiredClaims: ['iat', 'exp'],
        maxTokenAge: ACCESS_TOKEN_TTL_MS / 1000,
      },
    );
    const { sub, adm, via, fam } = payload as { sub?: string; adm?: unknown; via?: unknown; fam?: unknown };
    // A lifetime longer than we ever issue means a token we did not mint as it stands.
    const lifetimeOk = payload.exp! - payload.iat! <= ACCESS_TOKEN_TTL_MS / 1000;
    if (!sub || typeof fam !== 'string' || (via !== 'password' && via !== 'lti') || !lifetimeOk) {
      throw new AppError('unauthenticated', 'The token is not valid.');
    }
    return { userId: sub, isAdmin: adm === true, via, familyId: fam };
  } catch (e) {
    if (e instanceof errors.JWTExpired)
      throw new AppError('token_expired', 'The access token has expired; refresh it.');
    if (e instanceof AppError) throw e;
    throw new AppError('unauthenticated', 'The token is not valid.');
  }
}
