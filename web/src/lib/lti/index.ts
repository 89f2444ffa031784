/**
 * The LTI app-session token after a launch. The tool's hand-off page writes it to
 * sessionStorage['handsup.lti.session'] or — where an LMS iframe denies all storage (third-party
 * cookies blocked) — appends `#lti_session=<token>` to the landing URL. Read the storage first, else the
 * fragment, strip the fragment from the address bar, and keep the token in memory (and in
 * sessionStorage when it works). Nothing after the launch uses cookies.
 */
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
