/**
 * Reconnect delays: exponential with "full jitter", so a lecture hall whose Wi-Fi blinked does not
 * reconnect in lockstep and hammer the server at the same instant.
 *
 * @example backoffDelay(3, Math.random) // somewhere in [0, 4000) ms, never above the cap
 */
export interface BackoffOptions {
  /** First delay ceiling in ms. */
  baseMs: number;
  /** Largest ceiling in ms, however many attempts failed. */
  maxMs: number;
  /** Never wait less than this (a 0 ms retry of a refused connection is a busy loop). */
  minMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000, minMs: 250 };

/** Delay before reconnect attempt `attempt` (0 = the first retry after a drop). */
export function backoffDelay(
  attempt: number,
  random: () => number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 20));
  return Math.max(opts.minMs, Math.floor(random() * ceiling));
}
