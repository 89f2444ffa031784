/**
 * Keeps an LTI page's app-session token alive for a whole class. The token lasts 15 minutes and an LMS
 * iframe has no refresh cookie, so the page trades the still-valid token for a new one
 * (`POST /api/auth/renew` with the Bearer token) at half its lifetime, and hands the new one to open
 * sockets (`token.renew`, so the server does not close them when the old one expires) — see
 * `onLtiTokenRenewed`. Reconnects already read the newest token through `ltiSessionToken()`.
 *
 * Scheduling never trusts the browser clock alone: the delay is the smaller of "two minutes before
 * `exp` by the local clock" and "half the token's lifetime (`exp - iat`, both server times)", so a
 * skewed clock renews early rather than late. A failed renewal is retried every 15 s while the token
 * may still be valid; a refusal (401/403: expired, revoked) stops and reports, since only a new launch
 * from the LMS can help then.
 *
 * @example
 *   const stop = startRenewal({ getToken: ltiSessionToken, renew: renewAppSession, onRenewed: setLtiSession });
 */

export interface RenewedToken {
  accessToken: string;
  expiresAt: number;
}

export interface RenewalTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RenewalOptions {
  getToken(): string | null;
  renew(token: string): Promise<RenewedToken>;
  onRenewed(token: string, expiresAt: number): void;
  /** Renewal refused or the token ran out: the page should ask for a new launch. */
  onExpired?(reason: string): void;
  now?: () => number;
  timers?: RenewalTimers;
  /** Renew this long before `exp` by the local clock (default 2 minutes). */
  earlyMs?: number;
  /** Wait between attempts after a network failure (default 15 s). */
  retryMs?: number;
}

/** `iat` and `exp` (milliseconds) of a JWT, without verifying it; null when it is not a JWT. */
export function tokenTimes(token: string): { issuedAt: number | null; expiresAt: number } | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '='))) as {
      iat?: unknown;
      exp?: unknown;
    };
    if (typeof claims.exp !== 'number') return null;
    return {
      issuedAt: typeof claims.iat === 'number' ? claims.iat * 1000 : null,
      expiresAt: claims.exp * 1000,
    };
  } catch {
    return null;
  }
}

/** How long to wait before renewing this token (0 = now). */
export function renewalDelay(token: string, now: number, earlyMs = 120_000): number | null {
  const t = tokenTimes(token);
  if (!t) return null;
  const byClock = t.expiresAt - earlyMs - now;
  const half = t.issuedAt !== null ? (t.expiresAt - t.issuedAt) / 2 : byClock;
  return Math.max(0, Math.min(byClock, half));
}

/** A refusal the server will not change its mind about (as opposed to a network failure or a 5xx). */
const isRefusal = (e: unknown): boolean => {
  const status = (e as { status?: unknown } | null)?.status;
  return status === 401 || status === 403;
};

/** Starts renewing; answers a function that stops it. */
export function startRenewal(opts: RenewalOptions): () => void {
  const now = opts.now ?? Date.now;
  const timers: RenewalTimers = opts.timers ?? {
    setTimeout: (f, ms) => setTimeout(f, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const retryMs = opts.retryMs ?? 15_000;
  let handle: unknown = null;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    handle = timers.setTimeout(() => void attempt(), ms);
  };

  const plan = () => {
    const token = opts.getToken();
    const delay = token ? renewalDelay(token, now(), opts.earlyMs) : null;
    if (delay !== null) schedule(delay);
  };

  async function attempt() {
    handle = null;
    const token = opts.getToken();
    if (stopped || !token) return;
    try {
      const next = await opts.renew(token);
      if (stopped) return;
      opts.onRenewed(next.accessToken, next.expiresAt);
      plan();
    } catch (e) {
      if (stopped) return;
      const t = tokenTimes(token);
      if (isRefusal(e) || (t && t.expiresAt <= now())) {
        opts.onExpired?.(e instanceof Error ? e.message : 'Your sign-in from the LMS has expired.');
        return;
      }
      schedule(retryMs);
    }
  }

  plan();
  return () => {
    stopped = true;
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
  };
}
