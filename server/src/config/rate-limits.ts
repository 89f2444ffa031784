/**
 * Every rate limit in one table, so an operator reads (and overrides) them in one place. Defaults suit
 * a lecture hall behind one NAT address: hundreds of students share an IP and must still join, launch
 * from the LMS and vote within a minute, while guessing (join codes, passwords) stays slow.
 *
 * Override one with `RATE_LIMIT_<NAME>=count/seconds` (e.g. `RATE_LIMIT_JOIN_OK=3000/60`), or switch
 * them all off with `RATE_LIMITS=off` (benchmarks and load tests; refused when NODE_ENV=production).
 */

export interface Limit {
  limit: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMITS = {
  /**
   * Failed sign-ins per account before exponential back-off starts (2 s, 4 s, 8 s, … per further
   * failure); `windowMs` is the back-off's cap, so a teacher is never locked out longer than that, and a
   * success resets it. The address limit is what stops a guesser.
   */
  sign_in_account: { limit: 5, windowMs: 15 * 60_000 },
  /** Sign-in attempts per client address. */
  sign_in_address: { limit: 60, windowMs: 15 * 60_000 },
  /** Sign-ups per client address. */
  sign_up: { limit: 60, windowMs: 15 * 60_000 },
  /** Refresh-token rotations per client address (each open tab refreshes about every 15 minutes). */
  refresh: { limit: 300, windowMs: 60_000 },
  /** Wrong join codes per address; past it the address is refused everything for the window. */
  join_failed: { limit: 10, windowMs: 60_000 },
  /** Successful look-ups + joins per address: a hall of 500 behind one NAT does both, with reloads. */
  join_ok: { limit: 2000, windowMs: 60_000 },
  /** LTI OIDC logins per client address (a whole class launching from the LMS page at once). */
  lti_login: { limit: 2000, windowMs: 60_000 },
  /** Votes per participant (answer changes and word-cloud entries included). */
  votes: { limit: 20, windowMs: 10_000 },
  /** Realtime messages per connection per second; at 3x the limit the connection is closed (4529). */
  ws_messages: { limit: 20, windowMs: 1000 },
  /** CSV exports per signed-in user. */
  exports: { limit: 10, windowMs: 60_000 },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof DEFAULT_RATE_LIMITS;
export const LIMIT_NAMES = Object.keys(DEFAULT_RATE_LIMITS) as LimitName[];

export interface RateLimitConfig {
  /** false with RATE_LIMITS=off: every limit is skipped. */
  enabled: boolean;
  limits: Record<LimitName, Limit>;
}

/** `RATE_LIMIT_JOIN_OK` for `join_ok`. */
export const envNameOf = (name: LimitName): string => `RATE_LIMIT_${name.toUpperCase()}`;

/**
 * Reads RATE_LIMITS and every RATE_LIMIT_<NAME>; appends a sentence per bad variable to `problems`.
 * @example parseRateLimits({ RATE_LIMIT_JOIN_OK: '3000/60' }, 'development', problems)
 */
export function parseRateLimits(
  env: Record<string, string | undefined>,
  nodeEnv: string,
  problems: string[],
): RateLimitConfig {
  const limits = { ...DEFAULT_RATE_LIMITS } as Record<LimitName, Limit>;
  let enabled = true;
  const all = env.RATE_LIMITS;
  if (all !== undefined && all !== '') {
    if (all === 'off') enabled = false;
    else if (all !== 'on')
      problems.push(`RATE_LIMITS=${JSON.stringify(all)} is not allowed; expected on or off`);
    if (all === 'off' && nodeEnv === 'production') {
      problems.push('RATE_LIMITS=off is refused when NODE_ENV=production (it is for benchmarks and tests)');
    }
  }
  for (const name of LIMIT_NAMES) {
    const variable = envNameOf(name);
    const v = env[variable];
    if (v === undefined || v === '') continue;
    const m = /^(\d{1,9})\/(\d{1,7})$/.exec(v.trim());
    const count = m ? Number(m[1]) : 0;
    const seconds = m ? Number(m[2]) : 0;
    if (!m || count < 1 || seconds < 1 || seconds > 86_400) {
      problems.push(
        `${variable}=${JSON.stringify(v)} is not a limit; expected count/seconds with count >= 1 and 1-86400 seconds (e.g. ${variable}=${DEFAULT_RATE_LIMITS[name].limit}/${DEFAULT_RATE_LIMITS[name].windowMs / 1000})`,
      );
      continue;
    }
    limits[name] = { limit: count, windowMs: seconds * 1000 };
  }
  for (const key of Object.keys(env)) {
    if (key.startsWith('RATE_LIMIT_') && !LIMIT_NAMES.some((n) => envNameOf(n) === key)) {
      problems.push(`${key} is not a known limit; expected one of ${LIMIT_NAMES.map(envNameOf).join(', ')}`);
    }
  }
  return { enabled, limits };
}
