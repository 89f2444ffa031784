/**
 * Where the signed-in user's credentials live in the browser:
 * - the access JWT in this module's memory only (gone on reload; the refresh cookie brings it back);
 * - the refresh token in an HttpOnly cookie scripts cannot read (`POST /api/auth/refresh` rotates it);
 * - inside an LMS iframe, the LTI app-session token in sessionStorage (`handsup.appSession`), because
 *   third-party cookies are blocked there.
 * Concurrent callers share one refresh, so a page firing five requests at once rotates the cookie once.
 */
import type { TokenAnswer, UserView } from '@handsup/protocol/rest';
import { ltiSessionToken } from '#lib/lti/index.ts';

const APP_SESSION_KEY = 'handsup.appSession';
/** Refresh this long before the access token expires, so a request never carries a dying token. */
const EARLY_MS = 30_000;

let access: { token: string; expiresAt: number } | null = null;
let user: UserView | null = null;
let inflight: Promise<string | null> | null = null;
const listeners = new Set<(u: UserView | null) => void>();

export function onUserChange(fn: (u: UserView | null) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export const currentUser = (): UserView | null => user;

export function setSession(answer: TokenAnswer | null): void {
  access = answer ? { token: answer.accessToken, expiresAt: answer.expiresAt } : null;
  user = answer?.user ?? null;
  for (const fn of listeners) fn(user);
}

function appSessionToken(): string | null {
  const lti = ltiSessionToken();
  if (lti) return lti;
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(APP_SESSION_KEY);
  } catch {
    return null;
  }
}

export function setAppSessionToken(token: string): void {
  sessionStorage.setItem(APP_SESSION_KEY, token);
}

/** A usable bearer token for the user, refreshing first when it is missing or about to expire. */
export async function currentAccessToken(): Promise<string | null> {
  const lti = appSessionToken();
  if (lti) return lti;
  if (access && access.expiresAt - EARLY_MS > Date.now()) return access.token;
  return refreshAccess();
}

/** Trades the refresh cookie for a new access token; null when signed out. */
export function refreshAccess(): Promise<string | null> {
  if (appSessionToken()) return Promise.resolve(appSessionToken());
  inflight ??= (async () => {
    try {
      const res = await fetch('/api/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
      if (!res.ok) {
        setSession(null);
        return null;
      }
      const answer = (await res.json()) as TokenAnswer;
      setSession(answer);
      return answer.accessToken;
    } catch {
      return null;
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}
