/** Redis cache: one string key per entry holding JSON, expiring with PX. */
import type Redis from 'ioredis';
import type { Cache } from '../ports.ts';
import type { RedisKeys } from './keys.ts';

export class RedisCache implements Cache {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.redis.get(this.keys.cache(key));
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const px = Math.max(1, Math.ceil(ttlMs));
    await this.redis.set(this.keys.cache(key), JSON.stringify(value ?? null), 'PX', px);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.keys.cache(key));
  }
}
