/** Redis counters: INCR, with a sliding expiry so counters of long-finished sessions go away. */
import type Redis from 'ioredis';
import type { Counters } from '../ports.ts';
import { COUNTER_TTL_MS, type RedisKeys } from './keys.ts';
import { throwOnFailure } from './presence.ts';

export class RedisCounters implements Counters {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async next(key: string): Promise<number> {
    const redisKey = this.keys.counter(key);
    const results = await this.redis.multi().incr(redisKey).pexpire(redisKey, COUNTER_TTL_MS).exec();
    throwOnFailure(results);
    return results![0][1] as number;
  }
}
