/**
 * Redis fixed-window rate limiter. The count and the window's expiry change in one Lua script, so hits
 * from any number of nodes are counted exactly and a window can never be left without a TTL.
 */
import type Redis from 'ioredis';
import type { RateLimiter, RateLimitResult } from '../ports.ts';
import type { RedisKeys } from './keys.ts';

// Returns {count in this window, ms until the window ends}.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type WithHit = Redis & { handsupRateHit(key: string, windowMs: number): Promise<[number, number]> };

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: WithHit;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    // defineCommand runs EVALSHA and falls back to EVAL once, when Redis does not know the script yet.
    if (!('handsupRateHit' in redis))
      redis.defineCommand('handsupRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as WithHit;
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const [count, ttl] = await this.redis.handsupRateHit(
      this.keys.rateLimit(key),
      Math.max(1, Math.ceil(windowMs)),
    );
    const allowed = count <= limit;
    return {
      allowed,
      remaining: Math.max(0, limit - count),
      retryAfterMs: allowed ? 0 : Math.max(1, ttl),
    };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.keys.rateLimit(key));
  }
}
