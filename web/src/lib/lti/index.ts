/**
 * The LTI app-session token after a launch. The tool's hand-off page writes it to
 * sessionStorage['handsup.lti.session'] or — where an LMS iframe denies all storage (third-party
 * cookies blocked) — appends `#lti_session=<token>` to the landing URL. Read the storage first, else the
 * fragment, strip the fragment from the address bar, and keep the token in memory (and in
 * sessionStorage when it works). Nothing after the launch uses cookies.
 */
import { startRenewal } from './renewal.ts';

export const LTI_SESSION_KEY = 'handsup.lti.session';

let token: string | null = null;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** Picks the token up on a landing page (call once, in the browser); answers it or null. */
export function pickUpLtiSession(): string | null {
  if (typeof location === 'undefined') return token;
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromHash = hash.get('lti_session');
  if (fromHash) {
    hash.delete('lti_session');
    const rest = hash.toString();
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`,
    );
  }
  let stored: string | null = null;
  try {
    stored = storage()?.getItem(LTI_SESSION_KEY) ?? null;
  } catch {
    stored = null;
  }
  const picked = stored ?? fromHash ?? token;
  if (picked) setLtiSession(picked);
  return picked;
}

export function setLtiSession(next: string): void {
  token = next;
  try {
    storage()?.setItem(LTI_SESSION_KEY, next);
  } catch {
    // Storage denied inside the iframe: memory only.
  }
}

/** The current LTI app-session token (memory first), or null outside an LMS launch. */
export function ltiSessionToken(): string | null {
  if (token) return token;
  try {
    token = storage()?.getItem(LTI_SESSION_KEY) ?? null;
  } catch {
    token = null;
  }
  return token;
}

export { renewalDelay, startRenewal, tokenTimes } from './renewal.ts';

const renewedListeners = new Set<(token: string) => void>();
const expiredListeners = new Set<(reason: string) => void>();

/** Called with each renewed token (pages hand it to their socket: `live.conn.renewToken(token)`). */
export function onLtiTokenRenewed(fn: (token: string) => void): () => void {
  renewedListeners.add(fn);
  return () => renewedListeners.delete(fn);
}

/** Called once when the token can no longer be renewed (the user must launch again from the LMS). */
export function onLtiSessionExpired(fn: (reason: string) => void): () => void {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
}

/** `POST /api/auth/renew` with the still-valid token (plain fetch: the API client depends on this module). */
async function renewAppSession(current: string): Promise<{ accessToken: string; expiresAt: number }> {
  const res = await fetch('/api/auth/renew', {
    method: 'POST',
    headers: { accept: 'application/json', authorization: `Bearer ${current}` },
    credentials: 'omit',
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw Object.assign(new Error(body?.error?.message ?? `The server answered ${res.status}.`), {
      status: res.status,
    });
  }
  return res.json();
}

let stopRenewal: (() => void) | null = null;

/** Keeps the picked-up token fresh for as long as the LTI page is open (idempotent). */
export function startLtiRenewal(): () => void {
  stopRenewal ??= startRenewal({
    getToken: ltiSessionToken,
    renew: renewAppSession,
    onRenewed: (next) => {
      setLtiSession(next);
      for (const fn of renewedListeners) fn(next);
    },
    onExpired: (reason) => {
      for (const fn of expiredListeners) fn(reason);
    },
  });
  return () => {
    stopRenewal?.();
    stopRenewal = null;
  };
}
