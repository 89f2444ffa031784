/** In-process fixed-window rate limiter (same semantics as the Redis script). */
import type { RateLimiter, RateLimitResult } from '../ports.ts';
import { type MemoryHub, sweepExpired } from './hub.ts';

export class MemoryRateLimiter implements RateLimiter {
  constructor(private readonly hub: MemoryHub) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    const now = this.hub.now();
    let window = this.hub.rateLimits.get(key);
    if (!window || window.resetAt <= now) {
      sweepExpired(this.hub.rateLimits, (w) => w.resetAt, now);
      window = { count: 0, resetAt: now + Math.max(1, windowMs) };
      this.hub.rateLimits.set(key, window);
    }
    window.count += 1;
    const allowed = window.count <= limit;
    return {
      allowed,
      remaining: Math.max(0, limit - window.count),
      retryAfterMs: allowed ? 0 : Math.max(1, window.resetAt - now),
    };
  }

  async reset(key: string): Promise<void> {
    this.hub.rateLimits.delete(key);
  }
}
