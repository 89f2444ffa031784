/**
 * Redis revocations: `{prefix}revoked:{id}` with a PX TTL answers `isRevoked`; the same MULTI publishes
 * the id on `{prefix}revocations`, which every node's subscriber hears and hands to `onRevoked`.
 */
import type Redis from 'ioredis';
import type { Revocations } from '../ports.ts';
import type { RedisKeys } from './keys.ts';
import { throwOnFailure } from './presence.ts';
import type { RedisSubscriber } from './subscriber.ts';

export class RedisRevocations implements Revocations {
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: RedisSubscriber,
    private readonly keys: RedisKeys,
  ) {}

  async revoke(id: string, ttlMs: number): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.revoked(id), '1', 'PX', Math.max(1, Math.ceil(ttlMs)))
      .publish(this.keys.revocationsChannel(), JSON.stringify(id))
      .exec()
      .then(throwOnFailure);
  }

  async isRevoked(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.revoked(id))) === 1;
  }

  onRevoked(handler: (id: string) => void): Promise<() => Promise<void>> {
    return this.subscriber.add(this.keys.revocationsChannel(), (id) => {
      if (typeof id === 'string') handler(id);
    });
  }
}
