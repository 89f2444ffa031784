/** In-process TTL cache; values are stored as JSON so readers get copies, as with Redis. */
import type { Cache } from '../ports.ts';
import { type MemoryHub, sweepExpired } from './hub.ts';

export class MemoryCache implements Cache {
  constructor(private readonly hub: MemoryHub) {}

  async get<T>(key: string): Promise<T | undefined> {
    const hit = this.hub.cache.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.hub.now()) {
      this.hub.cache.delete(key);
      return undefined;
    }
    return JSON.parse(hit.json) as T;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const now = this.hub.now();
    sweepExpired(this.hub.cache, (v) => v.expiresAt, now);
    this.hub.cache.set(key, { json: JSON.stringify(value ?? null), expiresAt: now + Math.max(1, ttlMs) });
  }

  async delete(key: string): Promise<void> {
    this.hub.cache.delete(key);
  }
}
