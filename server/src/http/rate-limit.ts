/**
 * The one way to apply a configured limit (config/rate-limits.ts): count a hit on the cross-node rate
 * limiter (Redis when REDIS_URL is set, so all nodes share one count) and throw `rate_limited` with
 * `retryAfterS` — the HTTP layer turns it into 429 + Retry-After, the realtime layer into an `error`.
 */
import { AppError } from '@handsup/protocol';
import type { LimitName } from '../config/rate-limits.ts';
import type { AppDeps } from './context.ts';

const MESSAGES: Record<LimitName, string> = {
  sign_in_account: 'Too many failed sign-ins for this account; wait a moment and try again.',
  sign_in_address: 'Too many sign-in attempts from your network; wait a few minutes.',
  sign_up: 'Too many sign-ups from your network; wait a few minutes.',
  refresh: 'Too many token refreshes from your network; wait a moment.',
  join_failed: 'Too many wrong codes from your network; wait a minute.',
  join_ok: 'Many people are joining; try again in a moment.',
  lti_login: 'Many people are launching from your course; try again in a moment.',
  votes: 'You are answering too fast; wait a moment.',
  ws_messages: 'Too many messages; slow down.',
  exports: 'Too many exports; wait a minute.',
};

/** The rate-limiter key of a limit for one subject (address, account, participant, user). */
export const limitKey = (name: LimitName, subject: string): string => `rl:${name}:${subject}`;

/**
 * Counts one hit of `name` for `subject`; throws AppError('rate_limited', …, {retryAfterS}) past the
 * limit. Does nothing when RATE_LIMITS=off.
 * @example await enforceLimit(deps, 'refresh', ctx.ip);
 */
export async function enforceLimit(
  deps: Pick<AppDeps, 'config' | 'crossNode'>,
  name: LimitName,
  subject: string,
): Promise<void> {
  const { enabled, limits } = deps.config.rateLimits;
  if (!enabled) return;
  const { limit, windowMs } = limits[name];
  const r = await deps.crossNode.rateLimiter.hit(limitKey(name, subject), limit, windowMs);
  if (!r.allowed) throw rateLimited(name, r.retryAfterMs);
}

export const rateLimited = (name: LimitName, retryAfterMs: number): AppError =>
  new AppError('rate_limited', MESSAGES[name], { retryAfterS: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
