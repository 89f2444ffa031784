/**
 * The HTTP side of authentication, shared by every controller: Bearer credentials -> Principal,
 * the refresh cookie, and the CSRF check for cookie-authenticated requests.
 *
 * Where tokens live in the browser: the access JWT in page memory only (sent as `Authorization:
 * Bearer`); the refresh token in the `handsup_rt` cookie (HttpOnly, SameSite=Lax, Path=/api/auth,
 * Secure behind https) that scripts cannot read; the participant token in localStorage per join code.
 */
import { AppError } from '@handsup/protocol';
import type { Config } from '../../config/config.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { AccountAuthenticator } from './authenticator.ts';
import { REFRESH_TOKEN_TTL_MS } from './refresh-tokens.ts';

export const REFRESH_COOKIE = 'handsup_rt';

export function bearerToken(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(authorization.trim());
  if (!m) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>".');
  return m[1];
}

/** The caller, or null when no credential was sent (a bad credential still throws). */
export async function optionalPrincipal(
  auth: AccountAuthenticator,
  request: Request,
): Promise<Principal | null> {
  const token = bearerToken(request.headers.get('authorization'));
  return token ? auth.authenticate(token) : null;
}

export async function requirePrincipal(auth: AccountAuthenticator, request: Request): Promise<Principal> {
  const p = await optionalPrincipal(auth, request);
  if (!p) throw new AppError('unauthenticated', 'Sign in first (Authorization: Bearer <token>).');
  return p;
}

export async function requireUser(
  auth: AccountAuthenticator,
  request: Request,
): Promise<Extract<Principal, { kind: 'user' }>> {
  const p = await requirePrincipal(auth, request);
  if (p.kind !== 'user')
    throw new AppError('forbidden', 'This needs a signed-in account, not a participant token.');
  return p;
}

/**
 * Cookie-authenticated state changes must come from our own pages: the Origin (or, failing that, the
 * Referer) must be PUBLIC_ORIGIN. SameSite=Lax already keeps the cookie off cross-site POSTs; this is
 * the second lock.
 */
export function requireSameOrigin(request: Request, config: Config): void {
  const origin = request.headers.get('origin');
  let from: string | null = origin && origin !== 'null' ? origin : null;
  if (!from) {
    const referer = request.headers.get('referer');
    try {
      from = referer ? new URL(referer).origin : null;
    } catch {
      from = null;
    }
  }
  if (from !== config.publicOrigin) {
    throw new AppError('csrf_rejected', 'This request must come from a Handsup page (Origin check failed).');
  }
}

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim() || null;
  }
  return null;
}

/** The Set-Cookie value carrying (or, with null, clearing) the refresh token. */
export function refreshCookie(config: Config, token: string | null): string {
  const secure = config.publicOrigin.startsWith('https://') ? '; Secure' : '';
  const value = token ?? '';
  const maxAge = token ? Math.floor(REFRESH_TOKEN_TTL_MS / 1000) : 0;
  return `${REFRESH_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/api/auth; Max-Age=${maxAge}${secure}`;
}
