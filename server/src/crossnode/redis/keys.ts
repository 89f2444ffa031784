/**
 * Every Redis key and channel Handsup uses, in one place (documented in docs/redis-keys.md). All sit
 * under a configurable prefix so several deployments, or test suites, can share one Redis.
 */

export const DEFAULT_KEY_PREFIX = 'handsup:';

/** Counters are per-session state versions: kept for 30 days after their last increment. */
export const COUNTER_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A session's presence hash outlives the node TTL so that a brief gap never loses the whole set. */
export const presenceHashTtlMs = (presenceTtlMs: number): number => Math.max(presenceTtlMs * 6, 60_000);

export interface RedisKeys {
  prefix: string;
  busChannel(channel: string): string;
  revocationsChannel(): string;
  revoked(id: string): string;
  presence(sessionId: string): string;
  presenceNode(nodeId: string): string;
  cache(key: string): string;
  answers(key: string): string;
  rateLimit(key: string): string;
  counter(key: string): string;
}

export function redisKeys(prefix: string = DEFAULT_KEY_PREFIX): RedisKeys {
  return {
    prefix,
    busChannel: (channel) => `${prefix}bus:${channel}`,
    revocationsChannel: () => `${prefix}revocations`,
    revoked: (id) => `${prefix}revoked:${id}`,
    presence: (sessionId) => `${prefix}presence:${sessionId}`,
    presenceNode: (nodeId) => `${prefix}presence-node:${nodeId}`,
    cache: (key) => `${prefix}cache:${key}`,
    answers: (key) => `${prefix}${key}`,
    rateLimit: (key) => `${prefix}ratelimit:${key}`,
    counter: (key) => `${prefix}counter:${key}`,
  };
}
