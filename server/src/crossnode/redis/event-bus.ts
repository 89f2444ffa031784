/** Redis pub/sub bus: JSON messages on `{prefix}bus:{channel}`, received on the node's subscriber. */
import type Redis from 'ioredis';
import type { EventBus } from '../ports.ts';
import type { RedisKeys } from './keys.ts';
import type { RedisSubscriber } from './subscriber.ts';

export class RedisEventBus implements EventBus {
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: RedisSubscriber,
    private readonly keys: RedisKeys,
  ) {}

  async publish(channel: string, message: unknown): Promise<void> {
    await this.redis.publish(this.keys.busChannel(channel), JSON.stringify(message ?? null));
  }

  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    return this.subscriber.add(this.keys.busChannel(channel), handler);
  }
}
